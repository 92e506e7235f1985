"""Analyst access to the customer list (SPEC 6.3): the Customers report filtered by the dim_customers flags
and its tags (the customers snapshot in force at D, as in int_customers_at_period_end) with the one
tag-matching rule of exports.custom: whole tags, case-insensitive."""

from __future__ import annotations

from pathlib import Path

from exports.custom import tag_match_sql
from exports.templates import template_by_name
from partner_analytics import paths
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.warehouse import mart, open_read_only

STATUSES = {
    "trial": "is_status_trial",
    "subscription": "is_status_subscription",
    "expiring-soon": "is_status_expiring_soon",
    "license-overage": "is_status_license_overage",
    "no-recent-activity": "is_status_no_recent_activity",
    "ready-for-order-setup": "is_status_ready_for_order_setup",
    "suspended": "is_status_suspended",
    "expired": "is_status_expired",
}
PRODUCTS = {"calling": "has_product_calling", "meetings": "has_product_meetings", "messaging": "has_product_messaging", "other": "has_product_other"}
MANAGED_BY = {"partner": "PARTNER", "external-admin": "EXTERNAL_ADMIN"}
SUBSCRIPTION_TYPES = {"subscription": "has_subscription_type_subscription", "trial": "has_subscription_type_trial"}


def _key(value: str) -> str:
    """'Expiring Soon', 'expiring_soon' and 'expiring-soon' all name the same status."""
    return value.strip().lower().replace(" ", "-").replace("_", "-")


def _pick(table: dict, value: str, what: str) -> str:
    try:
        return table[_key(value)]
    except KeyError:
        raise BadArgumentError(f"unknown {what} {value!r}; choose from {', '.join(table)}") from None


def list_customers(
    home: Path,
    region: str,
    statuses: list[str] | None = None,
    product: str | None = None,
    managed_by: str | None = None,
    subscription_type: str | None = None,
    tags: list[str] | None = None,
) -> tuple[list[str], list[tuple]]:
    """(headers, rows) of the region's customer list at its last built week, filtered.

    Several statuses or tags match customers having ANY of them; different filters combine with AND."""
    warehouse = paths.warehouse_path(home, region)
    if not warehouse.exists():
        raise PipelineError(f"no warehouse for region {region} at {warehouse}: run `partner-analytics run` first")
    template = template_by_name("Customers")
    where, params = [], []
    if statuses:
        where.append("(" + " or ".join(f"d.{_pick(STATUSES, s, 'status')}" for s in statuses) + ")")
    if product:
        where.append(f"d.{_pick(PRODUCTS, product, 'product')}")
    if managed_by:
        where.append("d.managed_by_code = ?")
        params.append(_pick(MANAGED_BY, managed_by, "managed-by"))
    if subscription_type:
        where.append(f"d.{_pick(SUBSCRIPTION_TYPES, subscription_type, 'subscription type')}")
    if tags:
        where.append(tag_match_sql("d.tags", len(tags)))
        params.extend(t.strip().lower() for t in tags)
    cols = ", ".join(f"r.{c.column}" for c in template.columns)
    sql = f"select {cols} from {mart('rpt_customers')} r join {mart('dim_customers')} d on d.org_id = r.org_id"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by " + ", ".join(f"r.{c} nulls last" for c in template.order_by)
    con = open_read_only(warehouse, home)
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return template.headers, rows
