"""`partner-analytics customer ORG_ID` (SPEC 12): one customer as Partner Hub's customer page shows it —
header (name, statuses, tags, managed by), subscriptions with their license lines, order history, trials
and partner admins — read from the region's live warehouse (the rpt_ models of the exports, so the
command and the CSV files can never disagree), as a rich terminal view or formula-safe CSV."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from exports.templates import template_by_name
from partner_analytics import paths
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.warehouse import mart, open_read_only

# (section title, default template) in the order the view shows them; Customer and Org ID are the
# header's, so the sections leave them out.
SECTIONS = (
    ("Subscriptions", "Customer Detail"),
    ("Orders", "Customer Orders"),
    ("Trials", "Trials"),
    ("Partner Admins", "Partner Admins"),
)
HEADER_COLUMNS = (
    ("Customer", "customer"),
    ("Org ID", "org_id"),
    ("External ID", "external_id"),
    ("Managed By", "managed_by"),
    ("Statuses", "statuses"),
    ("Subscription Types", "subscription_types"),
    ("Products", "products"),
    ("Tags", "tags"),
    ("Next Expiry Date", "next_expiry_date"),
)
_OMITTED = {"customer", "org_id"}


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[tuple]


@dataclass
class CustomerView:
    region: str
    header: list[tuple[str, object]]  # (label, value)
    sections: list[Section] = field(default_factory=list)
    admin: str | None = None  # --as-admin email, when scoped


def _not_found(con, org_id: str, region: str) -> BadArgumentError:
    """Unknown org id: name it and suggest the closest customers by name (and by org id)."""
    customers = con.execute("select customer, org_id from marts.rpt_customers").fetchall()
    by_name = {str(name).lower(): (name, oid) for name, oid in customers if name is not None}
    by_id = {str(oid).lower(): (name, oid) for name, oid in customers}
    wanted = org_id.strip().lower()
    hits = [by_name[k] for k in difflib.get_close_matches(wanted, list(by_name), n=3, cutoff=0.5)]
    hits += [by_id[k] for k in difflib.get_close_matches(wanted, list(by_id), n=3, cutoff=0.6) if by_id[k] not in hits]
    hint = "; close matches: " + ", ".join(f"{name} ({oid})" for name, oid in hits[:3]) if hits else ""
    return BadArgumentError(f"no customer with org id {org_id!r} in region {region}{hint}")


def customer_detail(home: Path, region: str, org_id: str, as_admin: str | None = None) -> CustomerView:
    """The customer's view at the region's built week; BadArgumentError for an unknown org id or one the
    admin does not manage."""
    from ingestion.schemas import REGIONS

    if region not in REGIONS:
        raise BadArgumentError(f"unknown region {region!r}; regions are {', '.join(REGIONS)}")
    warehouse = paths.warehouse_path(home, region)
    if not warehouse.exists():
        raise PipelineError(f"no warehouse for region {region} at {warehouse}: run `partner-analytics run` first")
    scope = None
    if as_admin is not None:
        from partner_analytics.scope import resolve_admin

        scope = resolve_admin(home, region, as_admin)
    con = open_read_only(warehouse)
    try:
        cols = ", ".join(c for _, c in HEADER_COLUMNS)
        found = con.execute(f"select {cols} from marts.rpt_customers where org_id = ?", [org_id]).fetchone()
        if found is None:
            raise _not_found(con, org_id, region)
        if scope is not None and not scope.is_full_admin and org_id not in scope.org_ids:
            raise BadArgumentError(f"customer {org_id!r} is not managed by partner admin {scope.email!r} in region {region}")
        view = CustomerView(region, [(label, value) for (label, _), value in zip(HEADER_COLUMNS, found)], admin=scope.email if scope else None)
        admins = con.execute(
            "select admin_name, admin_email from marts.rpt_partner_admins where org_id = ? order by admin_email, admin_name", [org_id]
        ).fetchall()
        view.header.append(("Managed by admins", "; ".join(e for _, e in admins if e) or None))
        for title, name in SECTIONS:
            template = template_by_name(name)
            shown = [c for c in template.columns if c.column not in _OMITTED]
            order = list(template.order_by) + [c.column for c in template.columns if c.column not in template.order_by]
            sql = (
                f"select {', '.join(c.column for c in shown)} from {mart(template.relation)} where org_id = ? "
                f"order by {', '.join(f'{k} asc nulls last' for k in order)}"
            )
            view.sections.append(Section(title, [c.header for c in shown], con.execute(sql, [org_id]).fetchall()))
    finally:
        con.close()
    return view


def to_csv(view: CustomerView) -> str:
    """Formula-safe CSV: the header as (field, value) rows, then each section as its title row, its
    column headers and its rows, sections separated by an empty row."""
    from exports.csvfmt import to_csv_bytes

    parts = [to_csv_bytes(["Field", "Value"], view.header).decode("utf-8")]
    for section in view.sections:
        parts.append(to_csv_bytes([section.title], []).decode("utf-8") + to_csv_bytes(section.headers, section.rows).decode("utf-8"))
    return "\r\n".join(parts)


def print_view(view: CustomerView) -> None:
    """A readable terminal view (rich): the header as a panel, each section as a table."""
    import sys

    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    from exports.csvfmt import render

    # a terminal decides its own width; piped output gets room for the subscription table
    console = Console() if sys.stdout.isatty() else Console(width=160)
    lines = "\n".join(f"[bold]{label}:[/bold] {render(value)}" for label, value in view.header)
    title = f"{render(view.header[0][1])} — {view.region}" + (f" (as {view.admin})" if view.admin else "")
    console.print(Panel(lines, title=title, expand=False))
    for section in _readable(view.sections):
        table = Table(*section.headers, title=f"{section.title} ({len(section.rows)})")
        for row in section.rows:
            table.add_row(*(render(v) for v in row))
        console.print(table)


def _readable(sections: list[Section]) -> list[Section]:
    """For the terminal: the subscription lines as one row per subscription plus a table of license
    lines (Subscription ID, License, Product, Total, Assigned), which fit a terminal's width."""
    out = []
    for section in sections:
        if section.title != "Subscriptions" or "License" not in section.headers:
            out.append(section)
            continue
        cut = section.headers.index("License")
        subscriptions = list(dict.fromkeys(row[:cut] for row in section.rows))
        lines = [(row[0], *row[cut:]) for row in section.rows if any(v is not None for v in row[cut:])]
        out.append(Section("Subscriptions", section.headers[:cut], subscriptions))
        out.append(Section("License lines", [section.headers[0], *section.headers[cut:]], lines))
    return out


def admin_rows(home: Path, region: str, email: str, headers: list[str], rows: list[tuple]) -> list[tuple]:
    """`customers --as-admin`: the rows of the customers the admin manages. Each row of the customer list
    holds only its own customer's attributes (no totals), so keeping the admin's rows is exactly the
    list recomputed over their customers."""
    from partner_analytics.scope import resolve_admin

    scope = resolve_admin(home, region, email)
    if scope.is_full_admin:
        return rows
    i = headers.index("Org ID")
    managed = set(scope.org_ids)
    return [r for r in rows if r[i] in managed]
