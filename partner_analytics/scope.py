"""`--as-admin EMAIL` (SPEC 12): what one partner admin sees — only the customers they manage, in every
row and every total.

How: the admin is resolved against the region's live warehouse (`dim_partner_admins`, never scoped).
A full admin (Partner/Sales Full Admin) manages every customer: the live warehouse is their view as it
is. Any other admin gets a disposable COPY of the region's warehouse in which every customer-bearing
model is rebuilt with the dbt var `scope_org_ids` = the org ids they manage in THIS region (the models
apply `in_admin_scope` at their base, macros/scope.sql), so KPIs are recomputed over those customers,
not filtered after the fact. The live warehouse is never written. Org ids come only from this
region's customers (int_partner_admin_customers_assigned), so an admin assigned to orgs of several
regions never brings another region's customers into a region's run."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from partner_analytics import paths
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.periods import Period
from partner_analytics.warehouse import open_read_only

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models"
_SCOPE_CALL = re.compile(r"in_admin_scope\(")


@dataclass(frozen=True)
class AdminScope:
    """One partner admin's view of one region."""

    email: str  # as given on the command line (the file ids use its lower case)
    region: str
    admin_name: str | None
    role: str | None  # display name
    is_full_admin: bool
    org_ids: tuple[str, ...]  # customers of the region the admin manages (all of them for a full admin)

    @property
    def scope_org_ids(self) -> list[str] | None:
        """The dbt var: None (no filter) for a full admin, else the managed org ids."""
        return None if self.is_full_admin else sorted(self.org_ids)


def scoped_models(models_dir: Path = MODELS_DIR) -> list[str]:
    """The models that apply the admin scope at their base (found in the SQL: one source of truth)."""
    return sorted(p.stem for p in Path(models_dir).rglob("*.sql") if _SCOPE_CALL.search(p.read_text(encoding="utf-8")))


def _connect(home: Path, region: str):
    warehouse = paths.warehouse_path(home, region)
    if not warehouse.exists():
        raise PipelineError(f"no warehouse for region {region} at {warehouse}: run `partner-analytics run` first")
    return open_read_only(warehouse)


def resolve_admin(home: Path, region: str, email: str) -> AdminScope:
    """The admin with `email` (case-insensitive) in the partner admins snapshot of the region's built week.

    BadArgumentError (exit 2) for an unknown email (close matches suggested) or a non-full admin who
    manages no customer of this region."""
    wanted = (email or "").strip().lower()
    if not wanted:
        raise BadArgumentError("--as-admin needs an admin's email")
    con = _connect(home, region)
    try:
        admins = con.execute(
            "select admin_email_lower, admin_name, role, is_full_admin from marts.dim_partner_admins where admin_email_lower is not null"
        ).fetchall()
        mine = [a for a in admins if a[0] == wanted]
        if not mine:
            # a high cutoff: the emails of one partner share their domain, which alone makes them look alike
            close = difflib.get_close_matches(wanted, sorted({a[0] for a in admins}), n=3, cutoff=0.9)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise BadArgumentError(f"--as-admin: no partner admin with email {email!r} in the partner admins snapshot{hint}")
        is_full = any(bool(a[3]) for a in mine)
        org_ids = tuple(
            r[0]
            for r in con.execute(
                "select distinct r.org_id from marts.rpt_partner_admins r join marts.dim_partner_admins d on d.admin_id = r.admin_id "
                "where d.admin_email_lower = ? order by 1",
                [wanted],
            ).fetchall()
        )
    finally:
        con.close()
    name, role = mine[0][1], mine[0][2]
    if not is_full and not org_ids:
        raise BadArgumentError(f"--as-admin: partner admin {email!r} ({role}) manages no customer in region {region}: nothing to show")
    return AdminScope(email=email.strip(), region=region, admin_name=name, role=role, is_full_admin=is_full, org_ids=org_ids)


def _selection(relations: list[str], bases: list[str]) -> list[str]:
    """dbt --select: each relation, plus every model between a scoped base and it (views included, so
    a view's scope is re-rendered too)."""
    out = list(relations)
    for relation in relations:
        out += [f"{base}+,+{relation}" for base in bases]
    return out


@contextlib.contextmanager
def scoped_warehouse(
    home: Path,
    region: str,
    scope: AdminScope,
    built: dt.date,
    relations: list[str] | None = None,
    extra_vars: dict | None = None,
) -> Iterator[Path]:
    """A warehouse holding only `scope`'s customers, for as long as the `with` block runs.

    Full admin without extra vars: the live warehouse itself (their view is everything). Otherwise a
    disposable copy in which `relations` (default: every rpt_/dim_/fct_ model downstream of a scoped
    base) are rebuilt with scope_org_ids (and `extra_vars`, e.g. a report period); deleted afterwards.
    The dashboard (#21) can render a scoped page from the path this yields."""
    from partner_analytics.dbt import dbt_vars, invoke

    live = paths.warehouse_path(home, region)
    if scope.is_full_admin and not extra_vars:
        yield live
        return
    scratch = Path(tempfile.mkdtemp(prefix=f".scope-{region}-", dir=live.parent))
    try:
        # same file name as the live one: DuckDB names the catalog after the file, and views refer to it
        copy = scratch / live.name
        shutil.copyfile(live, copy)
        wal = live.with_name(live.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        variables = dbt_vars(home, region, built, {**(extra_vars or {}), "scope_org_ids": scope.scope_org_ids})
        bases = scoped_models()
        select = _selection(relations, bases) if relations else [f"{base}+" for base in bases]
        log.info(
            "rebuilding %s for admin %s (%d customers) in a copy of the %s warehouse",
            ", ".join(relations or ["every scoped model"]),
            scope.email,
            len(scope.org_ids),
            region,
        )
        args = ["build", "--select", *select, "--exclude-resource-type", "unit_test", "--vars", json.dumps(variables, sort_keys=True)]
        invoke(args, warehouse=copy, work_dir=scratch / "dbt")
        yield copy
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def export_scoped_reports(home: Path, region: str, templates: list, period: Period, built: dt.date, email: str) -> list[dict]:
    """`report --as-admin`: write `templates` for `period`, scoped to the admin, into <home>/exports/<REGION>/
    with the admin in each file's id."""
    from exports.custom import CustomTemplate, resolve
    from exports.writer import write_exports
    from partner_analytics import periods

    scope = resolve_admin(home, region, email)
    week = periods.week(built)
    extra = None
    if (period.start, period.end) != (week.start, week.end):
        extra = {"report_start": period.start.isoformat(), "report_end": period.end.isoformat()}
    relations = sorted({t.relation for t in templates})
    if extra is not None:  # another period: also re-render the models upstream that read it (SPEC 7 Periods)
        from partner_analytics.reports import PERIOD_UPSTREAM

        relations += [m for m in PERIOD_UPSTREAM if m not in relations]
    with scoped_warehouse(home, region, scope, built, relations, extra) as source:
        con = open_read_only(source)
        try:
            ready = [resolve(t, con, built) if isinstance(t, CustomTemplate) else t for t in templates]
        finally:
            con.close()
        written = write_exports(source, paths.exports_dir(home, region), region, period, ready, admin=scope.email)
    return [{"template": w.template, "path": str(w.path), "rows": w.rows} for w in written]
