"""Expectation suites as code: one function per lake dataset, each expectation marked hard or soft.

Every expectation is a row-level (map) expectation, so a dataset can be validated in bounded chunks
spanning its partitions and the per-chunk counts add up exactly, per partition too (unexpected rows are
listed by position). Facts that span a whole partition (key uniqueness), another dataset (org known in
the customers snapshot) or depend on the partition a row sits in (its week, its snapshot date) are
computed in polars by `expectations.flags`, one partition at a time, and checked here as boolean flag
columns:

    has_unique_key            the row's key occurs once in its partition (NULLs of an optional key part,
                              e.g. numbers.extension, compare equal as in ingestion's dedupe; rows with a
                              NULL required key part count as unique: the not-null expectations report those)
    is_known_org              the row's org_id is in the region's customers snapshot in force (null: True)
    week_ending_is_partition  events: week_ending = the partition folder's date
    <time>_in_partition_week  events: the event time lies in the partition's week [end - 7 days, end)
    snapshot_date_is_partition snapshots: snapshot_date = the partition folder's date

A placement flag is computed from, and reported as, the between-expectation it stands for
(`meta["shown_as"]`, with `{"$PARTITION": name}` filled from the partition's PartitionBounds), e.g.
`expect_column_values_to_be_between(started_at, min_value=2026-11-15T00:00:00Z, ...)`; its example is
that column's value. (A null time/date counts as placed: GX's between ignores nulls too.)

Severity: HARD (GX "critical") stops the region's run with ValidationError; SOFT (GX "warning") is
reported and the run goes on. Unknown enum values are SOFT because ingestion keeps them (SPEC 4).
Expectation parameters (`{"$PARAMETER": name}`) are the same for every partition of a run:
    run_week_ending    D of the run (naive Timestamp, compared with date columns)
    region_set         [the folder region]

Generated from the dataset's contract (ingestion/schemas.py CONTRACTS, `_contract`): HARD not-null of
every required column, the HARD unique key, and a SOFT in-set per enum column. Each suite function adds
by hand only the checks the contract does not express (placement, ranges, regexes, cross-column and
cross-dataset checks, SOFT not-nulls of optional columns).

Great Expectations is imported inside the functions (it is slow to import; see runner).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ingestion import schemas

HARD = "critical"
SOFT = "warning"

UNIQUE_FLAG = "has_unique_key"
KNOWN_ORG_FLAG = "is_known_org"
LINEAGE_COLUMNS = ("source_file", "source_row")

MAC_REGEX = r"^[0-9A-F]{12}$"
E164_REGEX = r"^\+[1-9][0-9]{1,14}$"


@dataclass(frozen=True)
class PartitionBounds:
    """The bounds of one partition that placement checks compare its rows with."""

    partition_date: dt.date  # the folder's week_ending / snapshot_date
    week_start_date: dt.date  # partition date - 7 days
    week_start_at: dt.datetime  # the same instant in UTC (for timestamp columns)
    week_ending_at: dt.datetime  # the partition date at 00:00 UTC

    @classmethod
    def of(cls, partition_date: dt.date) -> PartitionBounds:
        start = partition_date - dt.timedelta(days=7)
        utc = dt.UTC
        return cls(
            partition_date,
            start,
            dt.datetime.combine(start, dt.time(0), tzinfo=utc),
            dt.datetime.combine(partition_date, dt.time(0), tzinfo=utc),
        )

    def fill(self, value):
        """`value` with every {"$PARTITION": name} replaced by this partition's bound of that name."""
        if isinstance(value, dict):
            if set(value) == {"$PARTITION"}:
                return getattr(self, value["$PARTITION"])
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value


@dataclass
class DatasetSuite:
    """The expectations of one lake dataset, and the flag columns the runner must compute for them."""

    dataset: str
    expectations: list  # GX Expectation objects; severity HARD or SOFT
    unique_key: tuple[str, ...] = ()  # -> has_unique_key over the whole partition
    unique_key_lowercase: tuple[str, ...] = ()  # key parts compared case-insensitively
    unique_key_nullable: tuple[str, ...] = ()  # key parts that may be NULL: NULLs compare equal (as in dedupe)
    check_known_org: bool = False  # -> is_known_org against the customers snapshot in force
    derived: dict[str, pl.Expr] = field(default_factory=dict)  # other row-level flags, computed per chunk


# ---------------------------------------------------------------------------------- building blocks


def _not_null(*columns: str, severity: str = HARD) -> list:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column=c, severity=severity, meta={"example_columns": list(LINEAGE_COLUMNS)}) for c in columns]


def _at_least(column: str, minimum: float, severity: str = HARD, notes: str | None = None):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=minimum, severity=severity, notes=notes)


def _between(column: str, low: float, high: float, severity: str = HARD, notes: str | None = None):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high, severity=severity, notes=notes)


def _in_set(column: str, values: list, severity: str = SOFT, notes: str | None = None):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, severity=severity, notes=notes)


def _regex(column: str, regex: str, severity: str, notes: str | None = None):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex, severity=severity, notes=notes)


def _a_at_least_b(a: str, b: str, severity: str, notes: str | None = None):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=a, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing", severity=severity, notes=notes
    )


def _flag(column: str, severity: str, example_columns: list[str], notes: str):
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], severity=severity, notes=notes, meta={"example_columns": example_columns})


def _unique_key(key: tuple[str, ...], severity: str = HARD, lowercase: tuple[str, ...] = ()):
    shown = ", ".join(f"lower({k})" if k in lowercase else k for k in key)
    return _flag(
        UNIQUE_FLAG,
        severity,
        list(key),
        f"({shown}) is unique across the whole partition after dedupe (computed over all chunks in polars).",
    )


def _known_org(as_of: str):
    return _flag(
        KNOWN_ORG_FLAG,
        SOFT,
        ["org_id"],
        f"org_id is in the region's customers snapshot in force at {as_of} (soft: real Webex data has orgs that left the customer list).",
    )


def _lineage() -> list:
    return [*_not_null("source_file"), _at_least("source_row", 1)]


def _contract(dataset: str) -> list:
    """The expectations the dataset's contract implies: required columns not null (HARD), its key
    unique in the partition (HARD), enum columns in their known values (SOFT: ingestion keeps and
    counts unknown ones, SPEC 4)."""
    contract = schemas.contract(dataset)
    return [
        *_not_null(*contract.required),
        _unique_key(contract.key, lowercase=contract.lowercase),
        *[_in_set(column, sorted(known), notes="Unknown values are kept by ingestion.") for column, known in contract.enums.items()],
    ]


def _suite(dataset: str, extra: list, check_known_org: bool = False, derived: dict | None = None) -> DatasetSuite:
    """A dataset's suite: the contract's expectations, then `extra` (hand-written), then lineage."""
    contract = schemas.contract(dataset)
    return DatasetSuite(
        dataset,
        [*_contract(dataset), *extra, *_lineage()],
        unique_key=contract.key,
        unique_key_lowercase=contract.lowercase,
        unique_key_nullable=tuple(c for c in contract.key if c not in contract.required),
        check_known_org=check_known_org,
        derived=derived or {},
    )


def _placement_flag(column: str, flag: str, bounds: dict, notes: str):
    """A HARD check that `column` lies between partition-dependent bounds, as the flag column `flag`.

    The flag is computed from `shown_as` itself (flags.placement_flags): what is reported is what is checked."""
    import great_expectations.expectations as gxe

    shown = {"column": column, **bounds}
    return gxe.ExpectColumnValuesToBeInSet(
        column=flag,
        value_set=[True],
        severity=HARD,
        notes=notes + " Computed per partition in polars (one validation spans all of a dataset's partitions).",
        meta={"shown_as": {"type": "expect_column_values_to_be_between", "kwargs": shown}},
    )


def _is_partition_date(column: str, notes: str):
    day = {"$PARTITION": "partition_date"}
    return _placement_flag(column, f"{column}_is_partition", {"min_value": day, "max_value": day}, notes)


def _event_placement(time_column: str, is_date: bool = False) -> list:
    """Events sit in the partition of the week that contains them: time in [week ending - 7 days, week ending)."""
    start, end = ("week_start_date", "partition_date") if is_date else ("week_start_at", "week_ending_at")
    return [
        _is_partition_date("week_ending", "week_ending column equals the partition folder."),
        _placement_flag(
            time_column,
            f"{time_column}_in_partition_week",
            {"min_value": {"$PARTITION": start}, "max_value": {"$PARTITION": end}, "strict_max": True},
            f"{time_column} falls in the partition's week [week ending - 7 days, week ending).",
        ),
    ]


def _snapshot_placement() -> list:
    import great_expectations.expectations as gxe

    return [
        _is_partition_date("snapshot_date", "snapshot_date column equals the partition folder."),
        gxe.ExpectColumnValuesToBeBetween(
            column="snapshot_date",
            max_value={"$PARAMETER": "run_week_ending"},
            severity=HARD,
            notes="No snapshot dated after the run's week ending D is loaded (SPEC 4).",
        ),
    ]


# ---------------------------------------------------------------------------------- events


def cdr() -> DatasetSuite:
    """One row per call leg."""
    return _suite(
        "cdr",
        [
            *_event_placement("started_at"),
            _at_least("duration_seconds", 0),
            _at_least("ring_duration_seconds", 0),
            _regex("device_mac", MAC_REGEX, HARD, notes="Normalised by ingestion: 12 upper-case hex digits."),
            _a_at_least_b("released_at", "started_at", SOFT, notes="A leg is released after it starts."),
            _known_org("D"),
        ],
        check_known_org=True,
    )


def media_quality() -> DatasetSuite:
    """One row per call leg media record."""
    streams = [f"{s}_{d}" for s in ("audio", "video") for d in ("in", "out")]
    return _suite(
        "media_quality",
        [
            *_event_placement("started_at"),
            *[_at_least(f"{s}_jitter_ms", 0) for s in streams],
            *[_at_least(f"{s}_latency_ms", 0) for s in streams],
            *[_between(f"{s}_packet_loss_pct", 0, 100) for s in streams],
            *[_at_least(f"{s}_sample_count", 0) for s in streams],
            _a_at_least_b("ended_at", "started_at", SOFT, notes="The last interval ends after the first starts."),
            _known_org("D"),
        ],
        check_known_org=True,
    )


def call_queue_stats() -> DatasetSuite:
    """One row per call queue per day."""
    counts = [
        "total_calls",
        "answered_calls",
        "abandoned_calls",
        "overflowed_busy_calls",
        "overflowed_timeout_calls",
        "transferred_calls",
    ]
    return _suite(
        "call_queue_stats",
        [
            *_event_placement("stats_date", is_date=True),
            *[_at_least(c, 0) for c in counts],
            _a_at_least_b("total_calls", "answered_calls", HARD, notes="answered_calls <= total_calls."),
            _a_at_least_b("total_calls", "abandoned_calls", SOFT, notes="abandoned_calls <= total_calls."),
            _at_least("average_speed_of_answer_seconds", 0),
            _at_least("average_abandon_time_seconds", 0),
            _known_org("D"),
        ],
        check_known_org=True,
    )


def meeting_participants() -> DatasetSuite:
    """One row per meeting participation."""
    return _suite(
        "meeting_participants",
        [
            *_event_placement("joined_at"),
            _a_at_least_b("left_at", "joined_at", SOFT, notes="A participant leaves after joining."),
            _known_org("D"),
        ],
        check_known_org=True,
    )


# ---------------------------------------------------------------------------------- snapshots


def customers() -> DatasetSuite:
    """One row per customer organisation per snapshot date."""
    return _suite(
        "customers",
        [
            *_snapshot_placement(),
            _in_set(
                "region",
                {"$PARAMETER": "region_set"},
                HARD,
                notes="A customer lives in exactly one region: the landing folder it came from (SPEC 3).",
            ),
            *_not_null("display_name", severity=SOFT),
        ],
    )


def customer_tags() -> DatasetSuite:
    """One row per customer tag per snapshot date."""
    return _suite("customer_tags", [*_snapshot_placement(), _known_org("the snapshot date")], check_known_org=True)


def subscriptions() -> DatasetSuite:
    """One row per subscription per snapshot date."""
    return _suite(
        "subscriptions",
        [
            *_snapshot_placement(),
            _a_at_least_b("end_date", "start_date", SOFT, notes="A subscription ends on or after its start."),
            _known_org("the snapshot date"),
        ],
        check_known_org=True,
    )


def licenses() -> DatasetSuite:
    """One row per license per snapshot date."""
    return _suite(
        "licenses",
        [
            *_snapshot_placement(),
            _at_least("consumed_units", 0),
            _at_least("consumed_by_users", 0),
            _at_least("consumed_by_workspaces", 0),
            # Soft: a negative total (e.g. an unlimited license reported as -1) is odd, not fatal.
            _at_least("total_units", 0, SOFT),
            _known_org("the snapshot date"),
        ],
        check_known_org=True,
    )


def people() -> DatasetSuite:
    """One row per person per snapshot date."""
    return _suite(
        "people",
        [*_snapshot_placement(), *_not_null("primary_email", severity=SOFT), _known_org("the snapshot date")],
        check_known_org=True,
    )


def people_emails() -> DatasetSuite:
    """One row per email of a person per snapshot date."""
    return _suite(
        "people_emails",
        [
            *_snapshot_placement(),
            _at_least("email_index", 1),
            _regex("email", r"^[^@\s]+@[^@\s]+$", SOFT, notes="Looks like an email address."),
            _known_org("the snapshot date"),
        ],
        check_known_org=True,
    )


def people_licenses() -> DatasetSuite:
    """One row per license held by a person per snapshot date."""
    return _suite("people_licenses", [*_snapshot_placement(), _known_org("the snapshot date")], check_known_org=True)


def locations() -> DatasetSuite:
    """One row per location per snapshot date."""
    return _suite("locations", [*_snapshot_placement(), _known_org("the snapshot date")], check_known_org=True)


def devices() -> DatasetSuite:
    """One row per device per snapshot date."""
    return _suite(
        "devices",
        [
            *_snapshot_placement(),
            _regex("mac", MAC_REGEX, HARD, notes="Normalised by ingestion: 12 upper-case hex digits."),
            _known_org("the snapshot date"),
        ],
        check_known_org=True,
    )


def numbers() -> DatasetSuite:
    """One row per phone number / extension item per snapshot date."""
    return _suite(
        "numbers",
        [
            _flag(
                "has_number_or_extension",
                HARD,
                list(LINEAGE_COLUMNS),
                "Every item has a phone number or an extension (ingestion quarantines the others).",
            ),
            *_snapshot_placement(),
            _at_least("number_index", 1),
            _regex("phone_number", E164_REGEX, SOFT, notes="E.164: + then up to 15 digits."),
            _known_org("the snapshot date"),
        ],
        check_known_org=True,
        derived={"has_number_or_extension": pl.col("phone_number").is_not_null() | pl.col("extension").is_not_null()},
    )


# ---------------------------------------------------------------------------------- partner level


def partner_admins() -> DatasetSuite:
    """One row per partner administrator per snapshot date."""
    return _suite("partner_admins", [*_snapshot_placement(), *_not_null("email", severity=SOFT)])


def partner_admin_orgs() -> DatasetSuite:
    """One row per customer org assigned to a partner administrator per snapshot date."""
    return _suite("partner_admin_orgs", [*_snapshot_placement()])


def subscription_orders() -> DatasetSuite:
    """One row per order of a subscription per snapshot date."""
    return _suite(
        "subscription_orders",
        [
            *_snapshot_placement(),
            *_not_null("order_id", "ordered_at", "action", severity=SOFT),
            _at_least("quantity", 0),
        ],
    )


SUITES: dict[str, Callable[[], DatasetSuite]] = {
    "cdr": cdr,
    "media_quality": media_quality,
    "call_queue_stats": call_queue_stats,
    "meeting_participants": meeting_participants,
    "customers": customers,
    "customer_tags": customer_tags,
    "subscriptions": subscriptions,
    "subscription_orders": subscription_orders,
    "licenses": licenses,
    "people": people,
    "people_emails": people_emails,
    "people_licenses": people_licenses,
    "locations": locations,
    "devices": devices,
    "numbers": numbers,
    "partner_admins": partner_admins,
    "partner_admin_orgs": partner_admin_orgs,
}


def suite_for(dataset: str) -> DatasetSuite:
    """The suite of one lake dataset (KeyError for a dataset without one)."""
    return SUITES[dataset]()
