"""The Parquet lake's contract: one typed schema per lake dataset (the interface ingestion -> dbt).

Lake layout, per region (``<home>/lake/<REGION>/``) and for partner-level data (``<home>/lake/partner/``):

    <dataset>/week_ending=<YYYY-MM-DD>/data.parquet      events, by the Sunday that ends the row's week
    <dataset>/week_ending=<YYYY-MM-DD>/added-<n>.parquet rows added to the week later (late CDRs) that
                                                          superseded none of its rows (ingestion/lake.py)
    <dataset>/snapshot_date=<YYYY-MM-DD>/data.parquet    snapshots, by the date in the landing file name
    <dataset>/_schema/empty.parquet                       zero rows, the full schema (so globs never miss)

A partition's files are ``data.parquet`` and its ``added-<n>.parquet`` (``pa_base.paths.partition_files``);
dbt's sources glob ``<dataset>/*/*.parquet``, so nothing else may be written into a partition folder.

The partition value is also stored as a column (``week_ending`` / ``snapshot_date``) so readers need
no hive partitioning. Every row carries its lineage: ``source_file`` (path relative to the landing
root, e.g. ``US/cdr/2026-11-16.csv``) and ``source_row`` (1-based record number in that file: the
CSV data record, header excluded, or the position in the JSON ``items`` array; for datasets that
flatten a nested array, the position of the parent item).

Column names follow STYLE.md: ``<entity>_id`` keys, ``is_`` flags, ``<event>_at`` UTC timestamps,
``<event>_date`` dates, units in names. Timestamps are ``Datetime("us", "UTC")``.

Arrays in the sources are normalised into bridge datasets (``customer_tags``, ``people_emails``,
``people_licenses``, ``partner_admin_orgs``, ``subscription_orders``) so the dbt models need no list functions and run on
Spark as well as DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pa_base import paths

TS = pl.Datetime("us", "UTC")
STR = pl.String
I64 = pl.Int64
F64 = pl.Float64
BOOL = pl.Boolean
DATE = pl.Date

LINEAGE = {"source_file": STR, "source_row": I64}

# ---------------------------------------------------------------- events (partition: week_ending)
CDR = {
    "report_id": STR,  # Report ID (dedupe key; latest report_at wins)
    "report_at": TS,  # Report time
    "org_id": STR,  # Org UUID
    "correlation_id": STR,  # Correlation ID (ties the legs of one call)
    "local_session_id": STR,  # Local SessionID (joins media_quality.local_session_id)
    "started_at": TS,  # Start time (places the leg in time)
    "answered_at": TS,  # Answer time
    "released_at": TS,  # Release time
    "duration_seconds": I64,  # Duration
    "ring_duration_seconds": I64,  # Ring duration
    "direction": STR,  # Direction, as sent (ORIGINATING / TERMINATING / unknown values kept)
    "is_answered": BOOL,  # Answered ("true"/"false" strings or booleans)
    "call_type": STR,  # Call type
    "client_type": STR,  # Client type
    "device_mac": STR,  # Device MAC, upper-case, separators removed
    "device_model": STR,  # Model
    "location_name": STR,  # Location
    "user_id": STR,  # User UUID
    "user_type": STR,  # User type
    "original_reason": STR,  # Original reason
    "redirect_reason": STR,  # Redirect reason
    "related_reason": STR,  # Related reason
    "call_outcome": STR,  # Call outcome
    "week_ending": DATE,
    **LINEAGE,
}

# One row per call leg's media record. The nested interval arrays are reduced at ingestion to the
# per-stream, per-direction means the definitions need (SPEC 6.4): "<stream>_<dir>_<metric>" is the
# mean of every sample of that metric over all intervals of that array; *_sample_count counts the
# samples per metric (an interval whose jitter/latency/packetLoss arrays differ in length is quarantined
# at ingestion), so "has video" = video_in/out sample count > 0.
MEDIA_QUALITY = {
    "org_id": STR,
    "correlation_id": STR,
    "local_session_id": STR,
    "started_at": TS,  # earliest interval startTime (places the record in time)
    "ended_at": TS,  # latest interval endTime
    **{
        f"{stream}_{direction}_{metric}": F64
        for stream in ("audio", "video")
        for direction in ("in", "out")
        for metric in ("jitter_ms", "latency_ms", "packet_loss_pct")
    },
    **{f"{stream}_{direction}_sample_count": I64 for stream in ("audio", "video") for direction in ("in", "out")},
    "week_ending": DATE,
    **LINEAGE,
}

CALL_QUEUE_STATS = {
    "org_id": STR,  # Org ID
    "location_id": STR,  # Location ID
    "location_name": STR,  # Location
    "queue_id": STR,  # Queue ID
    "queue_name": STR,  # Queue Name
    "stats_date": DATE,  # Date
    "total_calls": I64,
    "answered_calls": I64,
    "abandoned_calls": I64,
    "overflowed_busy_calls": I64,  # Overflowed Calls - Busy
    "overflowed_timeout_calls": I64,  # Overflowed Calls - Timeout
    "transferred_calls": I64,
    "average_speed_of_answer_seconds": F64,  # over answered calls
    "average_abandon_time_seconds": F64,  # over abandoned calls
    "week_ending": DATE,
    **LINEAGE,
}

MEETING_PARTICIPANTS = {
    "org_id": STR,
    "meeting_id": STR,
    "email": STR,  # as sent; matching is case-insensitive (dedupe and models use lower(email))
    "is_host": BOOL,
    "joined_at": TS,
    "left_at": TS,
    "week_ending": DATE,
    **LINEAGE,
}

# ---------------------------------------------------------------- snapshots (partition: snapshot_date)
CUSTOMERS = {
    "org_id": STR,
    "display_name": STR,
    "external_id": STR,
    "region": STR,
    "managed_by": STR,  # PARTNER / EXTERNAL_ADMIN (unknown values kept)
    "created_at": TS,
    "last_admin_activity_at": TS,
    "snapshot_date": DATE,
    **LINEAGE,
}
CUSTOMER_TAGS = {"org_id": STR, "tag": STR, "snapshot_date": DATE, **LINEAGE}

SUBSCRIPTIONS = {
    "subscription_id": STR,
    "org_id": STR,
    "subscription_type": STR,  # SUBSCRIPTION / TRIAL
    "status": STR,  # ACTIVE / PROVISIONING / SUSPENDED / EXPIRED / CANCELLED
    "created_at": TS,
    "start_date": DATE,
    "end_date": DATE,
    "is_auto_renew": BOOL,
    "invoice_id": STR,
    "snapshot_date": DATE,
    **LINEAGE,
}
# One row per order of a subscription's `orders` array (SPEC 12's order history).
SUBSCRIPTION_ORDERS = {
    "subscription_id": STR,
    "org_id": STR,
    "order_id": STR,
    "ordered_at": TS,  # null when orderedAt is missing or not a timestamp
    "action": STR,
    "quantity": I64,  # null when quantity is missing or not a whole number
    "order_index": I64,  # position in the subscription's orders array (1-based)
    "snapshot_date": DATE,
    **LINEAGE,
}

LICENSES = {
    "license_id": STR,
    "org_id": STR,
    "license_name": STR,  # product is derived from the name in dbt staging
    "total_units": I64,
    "consumed_units": I64,  # = assigned
    "consumed_by_users": I64,
    "consumed_by_workspaces": I64,
    "subscription_id": STR,
    "site_url": STR,
    "site_type": STR,
    "snapshot_date": DATE,
    **LINEAGE,
}

PEOPLE = {
    "person_id": STR,
    "org_id": STR,
    "display_name": STR,
    "primary_email": STR,  # first of emails
    "location_id": STR,
    "created_at": TS,
    "snapshot_date": DATE,
    **LINEAGE,
}
PEOPLE_EMAILS = {"person_id": STR, "org_id": STR, "email": STR, "email_index": I64, "snapshot_date": DATE, **LINEAGE}
PEOPLE_LICENSES = {"person_id": STR, "org_id": STR, "license_id": STR, "snapshot_date": DATE, **LINEAGE}

LOCATIONS = {
    "location_id": STR,
    "org_id": STR,
    "location_name": STR,
    "country": STR,  # address.country
    "pstn_provider_name": STR,  # pstnConnection.providerName
    "snapshot_date": DATE,
    **LINEAGE,
}

DEVICES = {
    "device_id": STR,
    "org_id": STR,
    "person_id": STR,
    "workspace_id": STR,
    "location_id": STR,
    "product": STR,
    "device_type": STR,  # type: phone, roomdesk, ...
    "device_platform": STR,  # cisco or other
    "mac": STR,  # 12 upper-case hex digits, separators removed
    "serial": STR,
    "firmware": STR,  # software
    "connection_status": STR,
    "snapshot_date": DATE,
    **LINEAGE,
}

# One row per phone-number item of an org's numbers entry (source_row = position of the org entry).
NUMBERS = {
    "org_id": STR,
    "phone_number": STR,  # E.164; null when empty
    "extension": STR,
    "state": STR,  # ACTIVE / INACTIVE
    "phone_number_type": STR,  # PRIMARY / ALTERNATE / ...
    "is_main_number": BOOL,
    "location_id": STR,
    "location_name": STR,
    "owner_id": STR,  # null when unassigned
    "owner_type": STR,  # PEOPLE / PLACE / AUTO_ATTENDANT / ...
    "owner_first_name": STR,
    "owner_last_name": STR,
    "number_index": I64,  # position in the entry's phoneNumbers array (1-based)
    "snapshot_date": DATE,
    **LINEAGE,
}

PARTNER_ADMINS = {
    "admin_id": STR,
    "email": STR,
    "display_name": STR,
    "role": STR,
    "snapshot_date": DATE,
    **LINEAGE,
}
PARTNER_ADMIN_ORGS = {"admin_id": STR, "org_id": STR, "snapshot_date": DATE, **LINEAGE}

QUARANTINE = {
    "dataset": STR,
    "source_file": STR,
    "source_row": I64,  # null when the problem is the whole file
    "reason": STR,
    "raw": STR,  # the raw record as JSON text (CSV: header -> value)
}

EVENT_DATASETS: dict[str, dict[str, pl.DataType]] = {
    "cdr": CDR,
    "media_quality": MEDIA_QUALITY,
    "call_queue_stats": CALL_QUEUE_STATS,
    "meeting_participants": MEETING_PARTICIPANTS,
}

SNAPSHOT_DATASETS: dict[str, dict[str, pl.DataType]] = {
    "customers": CUSTOMERS,
    "customer_tags": CUSTOMER_TAGS,
    "subscriptions": SUBSCRIPTIONS,
    "subscription_orders": SUBSCRIPTION_ORDERS,
    "licenses": LICENSES,
    "people": PEOPLE,
    "people_emails": PEOPLE_EMAILS,
    "people_licenses": PEOPLE_LICENSES,
    "locations": LOCATIONS,
    "devices": DEVICES,
    "numbers": NUMBERS,
}

PARTNER_DATASETS: dict[str, dict[str, pl.DataType]] = {
    "partner_admins": PARTNER_ADMINS,
    "partner_admin_orgs": PARTNER_ADMIN_ORGS,
}

# Landing dataset -> the lake datasets it produces (bridges share the parent's partition).
LANDING_TO_LAKE: dict[str, tuple[str, ...]] = {
    "cdr": ("cdr",),
    "media_quality": ("media_quality",),
    "call_queue_stats": ("call_queue_stats",),
    "meeting_participants": ("meeting_participants",),
    "customers": ("customers", "customer_tags"),
    "subscriptions": ("subscriptions", "subscription_orders"),
    "licenses": ("licenses",),
    "people": ("people", "people_emails", "people_licenses"),
    "locations": ("locations",),
    "devices": ("devices",),
    "numbers": ("numbers",),
    "partner_admins": ("partner_admins", "partner_admin_orgs"),
}

REGIONAL_LANDING_DATASETS = tuple(d for d in LANDING_TO_LAKE if d != "partner_admins")
EVENT_LANDING_DATASETS = tuple(EVENT_DATASETS)
SNAPSHOT_LANDING_DATASETS = ("customers", "subscriptions", "licenses", "people", "locations", "devices", "numbers")
REGIONS = paths.REGIONS

ALL_LAKE_DATASETS: dict[str, dict[str, pl.DataType]] = {**EVENT_DATASETS, **SNAPSHOT_DATASETS, **PARTNER_DATASETS}


# ------------------------------------------------------------------ the contract of each lake dataset


@dataclass(frozen=True)
class Contract:
    """Everything the lake promises about one dataset, declared once.

    Ingestion (ingestion/events.py, snapshots.py: dedupe key, required fields, known enum values),
    the Great Expectations suites (expectations/suites.py: generated not_null / unique key / in_set)
    and the dbt staging tests (models/staging/webex/_webex__models.yml, generated by
    `python -m ingestion.contract_yml`) all derive from it; tests/ingestion/test_dataset_contract.py
    and tests/dbt/test_dbt_dataset_contract.py fail when any of them disagrees.

    key:       the rows' grain within one partition (ingestion keeps one row per key; columns in
               `lowercase` are compared case-insensitively). NULL key parts compare equal.
    required:  never NULL in the lake: ingestion quarantines a row without them (HARD in GX, error in dbt).
    enums:     the known values of an enum column; unknown values are kept and counted (SOFT in GX).
    parents:   references to another dataset (dbt warns about orphans, macros/tests.sql relationship_in_force).
    """

    name: str
    columns: dict[str, pl.DataType]
    key: tuple[str, ...]
    required: tuple[str, ...]
    enums: dict[str, frozenset[str]] = field(default_factory=dict)
    lowercase: tuple[str, ...] = ()
    description: str = ""  # the grain in words (the dbt staging model's description)
    # Relationships checked (warn) at the snapshots in force at D: (columns, parent dataset), the
    # parent matched on the same column names (real Webex data has orphans: never an error).
    parents: tuple[tuple[tuple[str, ...], str], ...] = ()

    @property
    def partition(self) -> str:
        """The partition column (also a column of every row)."""
        return "week_ending" if self.name in EVENT_DATASETS else "snapshot_date"

    @property
    def grain(self) -> tuple[str, ...]:
        """One row per grain in the whole dataset: the key within its partition."""
        return (*self.key, self.partition)


CDR_DIRECTIONS = frozenset({"ORIGINATING", "TERMINATING"})
MANAGED_BY = frozenset({"PARTNER", "EXTERNAL_ADMIN"})
SUBSCRIPTION_TYPES = frozenset({"SUBSCRIPTION", "TRIAL"})
SUBSCRIPTION_STATUSES = frozenset({"ACTIVE", "PROVISIONING", "SUSPENDED", "EXPIRED", "CANCELLED"})
NUMBER_STATES = frozenset({"ACTIVE", "INACTIVE"})
PARTNER_ADMIN_ROLES = frozenset({"PARTNER_FULL_ADMIN", "PARTNER_ADMIN", "PARTNER_READ_ONLY_ADMIN", "SALES_FULL_ADMIN", "SALES_ADMIN"})

# Keys follow SPEC 4 (dedupe keys) for events; snapshots are keyed by their ids within the org.
# numbers: an item is a phone number, an extension, or both (SPEC 4.1: phoneNumber may be empty;
# SPEC 7: "an extension is one row"), so its key is (org_id, phone_number, extension): with
# (org_id, phone_number) alone every extension-only item of an org would share one key.
CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        Contract(
            "cdr",
            description="One row per call leg (CDR), deduplicated on report_id at ingestion (latest report time wins).",
            columns=CDR,
            key=("report_id",),
            required=("report_id", "report_at", "org_id", "started_at"),
            enums={"direction": CDR_DIRECTIONS},
        ),
        Contract(
            "media_quality",
            description="One row per call leg media record (org_id, local_session_id), metrics reduced to per-stream, per-direction means at ingestion.",
            columns=MEDIA_QUALITY,
            key=("org_id", "local_session_id"),
            required=("org_id", "local_session_id", "started_at"),
        ),
        Contract(
            "call_queue_stats",
            description="One row per call queue per day (org_id, queue_id, stats_date).",
            columns=CALL_QUEUE_STATS,
            key=("org_id", "queue_id", "stats_date"),
            required=("org_id", "queue_id", "stats_date"),
        ),
        Contract(
            "meeting_participants",
            description="One row per meeting participation (org_id, meeting_id, lower(email), joined_at).",
            columns=MEETING_PARTICIPANTS,
            key=("org_id", "meeting_id", "email", "joined_at"),
            required=("org_id", "meeting_id", "email", "joined_at"),
            lowercase=("email",),
        ),
        Contract(
            "customers",
            description="One row per customer organisation per snapshot date.",
            columns=CUSTOMERS,
            key=("org_id",),
            required=("org_id", "region"),
            enums={"managed_by": MANAGED_BY},
        ),
        Contract(
            "customer_tags", description="One row per customer tag per snapshot date.", columns=CUSTOMER_TAGS, key=("org_id", "tag"), required=("org_id", "tag")
        ),
        Contract(
            "subscriptions",
            description="One row per subscription per snapshot date.",
            columns=SUBSCRIPTIONS,
            key=("subscription_id", "org_id"),
            required=("subscription_id", "org_id"),
            parents=((("org_id",), "customers"),),
            enums={"subscription_type": SUBSCRIPTION_TYPES, "status": SUBSCRIPTION_STATUSES},
        ),
        Contract(
            "subscription_orders",
            description="One row per order of a subscription per snapshot date (org_id, subscription_id, order_index; order_index is the 1-based position in the source's `orders` array).",
            columns=SUBSCRIPTION_ORDERS,
            key=("subscription_id", "org_id", "order_index"),
            required=("subscription_id", "org_id", "order_index"),
        ),
        Contract(
            "licenses",
            description="One row per license (org_id, license_id) per snapshot date, with its product derived from the name.",
            columns=LICENSES,
            key=("license_id", "org_id"),
            required=("license_id", "org_id"),
            parents=((("org_id", "subscription_id"), "subscriptions"),),
        ),
        Contract("people", description="One row per person per snapshot date.", columns=PEOPLE, key=("person_id", "org_id"), required=("person_id", "org_id")),
        Contract(
            "people_emails",
            description="One row per email of a person per snapshot date.",
            columns=PEOPLE_EMAILS,
            key=("person_id", "org_id", "email_index"),
            required=("person_id", "org_id", "email", "email_index"),
        ),
        Contract(
            "people_licenses",
            description="One row per license held by a person per snapshot date.",
            columns=PEOPLE_LICENSES,
            key=("person_id", "org_id", "license_id"),
            required=("person_id", "org_id", "license_id"),
        ),
        Contract(
            "locations",
            description="One row per location per snapshot date.",
            columns=LOCATIONS,
            key=("location_id", "org_id"),
            required=("location_id", "org_id"),
        ),
        Contract(
            "devices", description="One row per device per snapshot date.", columns=DEVICES, key=("device_id", "org_id"), required=("device_id", "org_id")
        ),
        Contract(
            "numbers",
            description="One row per phone number / extension item of an org numbers entry per snapshot date.",
            columns=NUMBERS,
            key=("org_id", "phone_number", "extension"),
            required=("org_id", "number_index"),
            enums={"state": NUMBER_STATES},
        ),
        Contract(
            "partner_admins",
            description="One row per partner administrator per snapshot date.",
            columns=PARTNER_ADMINS,
            key=("admin_id",),
            required=("admin_id",),
            enums={"role": PARTNER_ADMIN_ROLES},
        ),
        Contract(
            "partner_admin_orgs",
            description="One row per customer org assigned to a partner administrator per snapshot date.",
            columns=PARTNER_ADMIN_ORGS,
            key=("admin_id", "org_id"),
            required=("admin_id", "org_id"),
        ),
    )
}


def contract(dataset: str) -> Contract:
    """The contract of one lake dataset (KeyError names an unknown dataset)."""
    return CONTRACTS[dataset]


def schema(dataset: str) -> pl.Schema:
    """The polars schema of one lake dataset."""
    return pl.Schema(ALL_LAKE_DATASETS[dataset])


def empty_frame(dataset: str) -> pl.DataFrame:
    """A zero-row frame with the dataset's lake schema."""
    return pl.DataFrame(schema=schema(dataset))
