"""`partner-analytics dashboard`: draw a region's page of the week its live warehouse holds, again or as
one partner admin sees it (`--as-admin`, SPEC 12).

- Without `--as-admin`: the week's page from the weekly CSVs in `<home>/exports/<R>/`, into
  `<home>/dashboard/<R>/<D>.html` (the bytes the weekly run wrote), or with `--out DIR` a folder holding
  the page and the week's CSV files it links.
- `--as-admin EMAIL`: the page's CSVs are written scoped to that admin (the same writer, on the admin's
  scoped warehouse, `partner_analytics.scope`: KPIs recomputed over their customers) with the admin in
  each file's id, exactly as `report NAME --as-admin EMAIL` writes them, into `<home>/exports/<R>/`; the
  page is drawn from those files into `<home>/dashboard/<R>/Dashboard_<id>_<D>.html`. With `--out DIR`
  both go into DIR instead (a folder that can be handed to the admin as it is). An admin's page never
  links the region's index pages, which lead to the unscoped weeks.

The live warehouse holds one week: `--week-ending` other than that week is refused (exit 2), as are an
unknown region, an unknown email and an `--out` that is not a folder."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from exports.dashboard.render import dashboard_dir, page_templates, render_dashboard, week_files
from pa_base import paths, periods
from pa_base.errors import BadArgumentError


def dashboard_command(home: Path, region: str, as_admin: str | None = None, out: Path | None = None, week_ending: str | None = None) -> Path:
    """Render the page; returns its path."""
    from partner_analytics.reports import built_week_ending

    home = Path(home)
    if region not in paths.REGIONS:
        raise BadArgumentError(f"--region {region!r}: not one of {', '.join(paths.REGIONS)}")
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise BadArgumentError(f"--out {out}: exists and is not a folder")
    built = built_week_ending(home, region)  # a locked warehouse: one line, exit 1
    if week_ending is not None and periods.week_ending(week_ending) != built:
        raise BadArgumentError(
            f"--week-ending {week_ending}: the {region} warehouse holds the week ending {built.isoformat()}; "
            "a page of another week cannot be drawn from it (that week's page is dashboard/"
            f"{region}/<D>.html, written by its weekly run)"
        )
    period = periods.week(built)
    if as_admin is None:
        if out is None:
            return render_dashboard(home, region, built)
        exports = paths.exports_dir(home, region)
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        for name in week_files(exports, region, period):
            shutil.copyfile(exports / name, out / name)
        return render_dashboard(home, region, built, exports=out, pages=out, href_prefix="", indexes=False)
    return _admin_page(home, region, built, as_admin, out)


def _admin_page(home: Path, region: str, built: dt.date, email: str, out: Path | None) -> Path:
    from exports.templates import load_default_templates
    from exports.writer import write_exports
    from partner_analytics.scope import resolve_admin, scoped_warehouse

    scope = resolve_admin(home, region, email)  # unknown email, or no customer in the region: exit 2
    templates = page_templates(load_default_templates())
    exports = Path(out) if out is not None else paths.exports_dir(home, region)
    pages = Path(out) if out is not None else dashboard_dir(home) / region
    with scoped_warehouse(home, region, scope, built, sorted({t.relation for t in templates})) as source:
        write_exports(source, exports, region, periods.week(built), templates, admin=scope.email)
    admin = {"email": scope.email, "name": scope.admin_name, "role": scope.role, "customers": len(scope.org_ids)}
    return render_dashboard(home, region, built, exports=exports, pages=pages, admin=admin, href_prefix="" if out is not None else None, indexes=False)
