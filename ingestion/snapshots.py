"""Snapshot datasets (customers, subscriptions, licenses, people, locations, devices, numbers,
partner_admins): one lake partition per snapshot file (its name's date), arrays into bridge datasets."""

from __future__ import annotations

import polars as pl

from ingestion import schemas
from ingestion.datasets import DatasetSpec, Field, FileContext
from ingestion.parsing import Checks, show
from ingestion.readers import present, src

LINEAGE = ("snapshot_date", "source_file", "source_row")


def _key(dataset: str) -> list[str]:
    """A bridge dataset's key, from its contract (ingestion/schemas.py)."""
    return list(schemas.contract(dataset).key)


def _snapshot_date(ctx: FileContext) -> pl.Expr:
    return pl.lit(ctx.snapshot_date, dtype=pl.Date)


def _explode(rows: pl.DataFrame, ids: list[str], array: str, value: str, index: str | None = None) -> pl.DataFrame:
    """One row per non-empty element of a list column, with the parent's ids and lineage."""
    out = rows.select(*ids, pl.col(array).alias(value), *LINEAGE).filter(pl.col(value).list.len() > 0)
    out = out.explode(value)
    if index:
        out = out.with_columns(pl.int_range(1, pl.len() + 1).over(*ids).cast(pl.Int64).alias(index))
    out = out.filter(pl.col(value).is_not_null() & (pl.col(value).str.len_bytes() > 0))
    return out.select(*ids, value, *([index] if index else []), *LINEAGE)


# ------------------------------------------------------------------------------------------ customers


def _customer_rules(checks: Checks, ctx: FileContext) -> None:
    region = pl.col("region")
    checks.missing("region", region)
    checks.rule(
        region != ctx.region,
        "region does not match landing folder",
        [region],
        lambda value, folder=ctx.region: f"region {show(value)} does not match landing folder {show(folder)}",
    )


CUSTOMERS = DatasetSpec(
    name="customers",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("orgId", "org_id", "id"),
        Field("displayName", "display_name"),
        Field("externalId", "external_id"),
        Field("region", "region"),
        Field("managedBy", "managed_by"),
        Field("createdAt", "created_at", "timestamp"),
        Field("lastAdminActivityAt", "last_admin_activity_at", "timestamp"),
    ],
    arrays={"tags": '["VARCHAR"]'},
    rules=_customer_rules,
    required_otherwise=("region",),  # _customer_rules checks it (after the parse checks)
    derive={"snapshot_date": _snapshot_date},
    keep=(src("tags"),),
    bridges=lambda rows: {"customer_tags": _explode(rows, ["org_id"], src("tags"), "tag").unique(_key("customer_tags"), keep="first", maintain_order=True)},
)

ORDER_FIELDS = {"orderId": "order_id", "orderedAt": "ordered_at", "action": "action", "quantity": "quantity"}


def _subscription_orders(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """One row per element of each subscription's `orders` array (each element a JSON object).

    A malformed order field becomes null rather than quarantining the subscription, whose own row
    is sound: the order history shows what could be read (the raw subscription stays in the landing)."""
    from ingestion.parsing import parse_int, parse_timestamp

    ids = ["subscription_id", "org_id"]
    items = src("orders")
    exploded = _explode(rows, ids, items, "_order", "order_index")
    text = pl.col("_order")
    fields = {column: text.str.json_path_match("$." + source) for source, column in ORDER_FIELDS.items()}
    out = exploded.with_columns(
        fields["order_id"].alias("order_id"),
        parse_timestamp(fields["ordered_at"]).alias("ordered_at"),
        fields["action"].alias("action"),
        parse_int(fields["quantity"]).alias("quantity"),
    )
    return {"subscription_orders": out.select(*ids, "order_id", "ordered_at", "action", "quantity", "order_index", *LINEAGE)}


SUBSCRIPTIONS = DatasetSpec(
    name="subscriptions",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("subscriptionId", "subscription_id", "ref"),
        Field("orgId", "org_id", "id"),
        Field("type", "subscription_type"),
        Field("status", "status"),
        Field("createdAt", "created_at", "timestamp"),
        Field("startDate", "start_date", "date"),
        Field("endDate", "end_date", "date"),
        Field("autoRenew", "is_auto_renew", "boolean"),
        Field("invoiceId", "invoice_id"),
    ],
    arrays={"orders": '["JSON"]'},
    derive={"snapshot_date": _snapshot_date},
    keep=(src("orders"),),
    bridges=_subscription_orders,
)

LICENSE_UNITS = [
    ("totalUnits", "total_units"),
    ("consumedUnits", "consumed_units"),
    ("consumedByUsers", "consumed_by_users"),
    ("consumedByWorkspaces", "consumed_by_workspaces"),
]


def _license_rules(checks: Checks, ctx: FileContext) -> None:
    for source_field, column in LICENSE_UNITS:
        checks.negative(source_field, pl.col(src(source_field)), pl.col(column))


LICENSES = DatasetSpec(
    name="licenses",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("id", "license_id", "id"),
        Field("orgId", "org_id", "id"),
        Field("name", "license_name"),
        *[Field(s, c, "integer") for s, c in LICENSE_UNITS],
        Field("subscriptionId", "subscription_id", "ref"),
        Field("siteUrl", "site_url"),
        Field("siteType", "site_type"),
    ],
    rules=_license_rules,
    derive={"snapshot_date": _snapshot_date},
)


def _people_bridges(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    ids = ["person_id", "org_id"]
    return {
        "people_emails": _explode(rows, ids, src("emails"), "email", "email_index"),
        "people_licenses": _explode(rows, ids, src("licenses"), "license_id").unique(_key("people_licenses"), keep="first", maintain_order=True),
    }


PEOPLE = DatasetSpec(
    name="people",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("id", "person_id", "id"),
        Field("orgId", "org_id", "id"),
        Field("displayName", "display_name"),
        Field("locationId", "location_id", "id"),
        Field("created", "created_at", "timestamp"),
    ],
    arrays={"emails": '["VARCHAR"]', "licenses": '["VARCHAR"]'},
    derive={
        "snapshot_date": _snapshot_date,
        # the first email, as the source lists them (empty -> null)
        "primary_email": lambda ctx: pl.col(src("emails")).list.first().replace("", None),
    },
    keep=(src("emails"), src("licenses")),
    id_arrays=("licenses",),
    bridges=_people_bridges,
)

LOCATIONS = DatasetSpec(
    name="locations",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("id", "location_id", "id"),
        Field("orgId", "org_id", "id"),
        Field("name", "location_name"),
        Field("address.country", "country"),
        Field("pstnConnection.providerName", "pstn_provider_name"),
    ],
    derive={"snapshot_date": _snapshot_date},
)

DEVICES = DatasetSpec(
    name="devices",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("id", "device_id", "id"),
        Field("orgId", "org_id", "id"),
        Field("personId", "person_id", "id"),
        Field("workspaceId", "workspace_id", "id"),
        Field("locationId", "location_id", "id"),
        Field("product", "product"),
        Field("type", "device_type"),
        Field("devicePlatform", "device_platform"),
        Field("mac", "mac", "MAC"),
        Field("serial", "serial"),
        Field("software", "firmware"),
        Field("connectionStatus", "connection_status"),  # free text: not an enum
    ],
    derive={"snapshot_date": _snapshot_date},
)

# ------------------------------------------------------------------------------------------ numbers

NUMBER_FIELDS = [
    "phoneNumber", "extension", "state", "phoneNumberType", "mainNumber",
    "location.id", "location.name", "owner.id", "owner.type", "owner.firstName", "owner.lastName",
]  # fmt: skip


def _numbers_prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per phone-number item of each org entry; `_raw` becomes the item's JSON."""
    items = src("phoneNumbers")
    out = (
        frame.select("source_row", src("orgId"), items)
        .filter(pl.col(items).list.len() > 0)
        .explode(items)
        .with_columns(pl.int_range(1, pl.len() + 1).over("source_row").cast(pl.Int64).alias("number_index"))
    )
    text = pl.col(items)
    out = out.with_columns([text.str.json_path_match("$." + f).alias(src(f)) for f in NUMBER_FIELDS] + [text.alias("_raw")])
    return out.with_columns(present(pl.col(src(f))).alias(src(f)) for f in NUMBER_FIELDS)


def _numbers_rules(checks: Checks, ctx: FileContext) -> None:
    checks.rule(
        pl.col("phone_number").is_null() & pl.col("extension").is_null(),
        "missing phoneNumber and extension",
        [],
        lambda: "missing phoneNumber and extension",
    )


NUMBERS = DatasetSpec(
    name="numbers",
    kind="snapshot",
    formats=(".json",),
    fields=[
        Field("orgId", "org_id", "id"),
        Field("phoneNumber", "phone_number"),
        Field("extension", "extension"),
        Field("state", "state"),
        Field("phoneNumberType", "phone_number_type"),
        Field("mainNumber", "is_main_number", "boolean"),
        Field("location.id", "location_id", "id"),
        Field("location.name", "location_name"),
        Field("owner.id", "owner_id", "id"),
        Field("owner.type", "owner_type"),
        Field("owner.firstName", "owner_first_name"),
        Field("owner.lastName", "owner_last_name"),
    ],
    item_fields=("orgId",),
    arrays={"phoneNumbers": '["JSON"]'},
    prepare=_numbers_prepare,
    rules=_numbers_rules,
    required_otherwise=("number_index",),  # set by _numbers_prepare
    derive={"snapshot_date": _snapshot_date},
)

# ----------------------------------------------------------------------------------- partner admins

PARTNER_ADMINS = DatasetSpec(
    name="partner_admins",
    kind="snapshot",
    formats=(".json",),
    fields=[Field("id", "admin_id", "id"), Field("email", "email"), Field("displayName", "display_name"), Field("role", "role")],
    arrays={"assignedOrgIds": '["VARCHAR"]'},
    derive={"snapshot_date": _snapshot_date},
    keep=(src("assignedOrgIds"),),
    id_arrays=("assignedOrgIds",),
    bridges=lambda rows: {
        "partner_admin_orgs": _explode(rows, ["admin_id"], src("assignedOrgIds"), "org_id").unique(
            _key("partner_admin_orgs"), keep="first", maintain_order=True
        )
    },
)

SNAPSHOTS = {spec.name: spec for spec in (CUSTOMERS, SUBSCRIPTIONS, LICENSES, PEOPLE, LOCATIONS, DEVICES, NUMBERS)}
