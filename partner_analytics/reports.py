"""Reports outside the weekly run: one report at once (`partner-analytics report`) and the daily,
weekly and monthly report schedules (dags/partner_reports.py) — one code path for both.

They reuse the lake and the marts of the latest weekly run of a region and only re-export:
- a period equal to W of the week the warehouse was built for is exported straight from the live
  warehouse (opened read-only);
- any other period rebuilds just the needed `rpt_*` models with dbt vars report_start/report_end
  into a disposable COPY of the region's warehouse, exports from the copy and deletes it, so the
  live warehouse is never written outside the weekly build."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import tempfile
from pathlib import Path

from partner_analytics import paths, periods
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.periods import Period
from partner_analytics.warehouse import open_read_only

log = logging.getLogger(__name__)

SCHEDULE_PERIODS = {
    "daily": periods.previous_day,  # the previous UTC day, labelled with the run date
    "weekly": periods.week,  # W of the Sunday the run is for
    "monthly": periods.previous_month,  # the previous calendar month, labelled with the run date
}


# Models upstream of the period reports whose SQL reads report_start/report_end: a rebuilt copy
# rebuilds them too (views re-rendered, fct_call_legs re-windowed; it also types endpoints with the
# devices in force at the period's end). Listed after the reports in dbt's --select.
PERIOD_UPSTREAM = (
    "int_customers_at_period_end",
    "int_call_legs_windowed",
    "int_call_legs_enriched",
    "int_call_leg_features_mapped",
    "int_call_legs_weekly",  # incremental: without the leg_weeks var every week of the window is recomputed
    "int_call_leg_devices",  # the devices in force at the period's end (endpoint types)
    "fct_call_legs",
    # the snapshots the inventories read, in force at the period's end
    "int_devices_at_period_end",
    "int_locations_at_period_end",
    "int_people_at_period_end",
    "int_numbers_at_period_end",
)


class WeekNotBuiltError(PipelineError):
    """The weekly run has not built the week a weekly report asks for (yet): worth retrying later."""


def schedule_period(cadence: str, run_date: dt.date | str) -> Period:
    """The period a report schedule covers on `run_date`."""
    if cadence not in SCHEDULE_PERIODS:
        raise BadArgumentError(f"unknown schedule {cadence!r}; schedules are {', '.join(SCHEDULE_PERIODS)}")
    day = periods.parse_date(run_date, "run date")
    if cadence == "weekly":
        day = periods.last_complete_week_ending(day)
    return SCHEDULE_PERIODS[cadence](day)


def cli_period(date_from: str | None, date_to: str | None, built: dt.date) -> Period:
    """`--from A --to B` (both days included) -> [A, B + 1 day) labelled B + 1 day, the date a
    schedule run covering that period would carry; neither -> W of the week the warehouse holds."""
    if date_from is None and date_to is None:
        return periods.week(built)
    if date_from is None or date_to is None:
        raise BadArgumentError("give both --from and --to, or neither (the latest week built)")
    start = periods.parse_date(date_from, "--from")
    last = periods.parse_date(date_to, "--to")
    if last < start:
        raise BadArgumentError(f"--to {last} is before --from {start}")
    end = last + dt.timedelta(days=1)
    return Period(start, end, end)


def built_week_ending(home: Path, region: str) -> dt.date:
    """D of the week the region's live warehouse holds, read from the warehouse itself (its
    `run_info` table, partner_analytics.publish): a failed or newer attempt's summary.json never
    changes what the live marts are. A warehouse built before run_info existed falls back to the
    latest succeeded run in <home>/runs/*/<REGION>/summary.json."""
    from partner_analytics.publish import read_run_info

    home = Path(home)
    live = paths.warehouse_path(home, region)
    if not live.exists():
        raise PipelineError(f"region {region} has no warehouse under {home}: run the weekly pipeline first")
    try:
        info = read_run_info(live)
    except PipelineError:  # locked by another process: one line, exit 1
        raise
    except Exception as exc:  # not readable as DuckDB here: the export that follows says why
        log.warning("region %s: no run_info read from %s (%s)", region, live, exc)
        info = None
    if info is not None:
        return periods.week_ending(info["week_ending"])
    built = []
    for summary in sorted((home / "runs").glob(f"*/{region}/summary.json")):
        try:
            doc = json.loads(summary.read_text(encoding="utf-8"))
            d = periods.week_ending(doc["week_ending"])
        except (OSError, ValueError, KeyError, PipelineError):
            continue
        if doc.get("status") == "succeeded":
            built.append(d)
    if not built:
        raise PipelineError(f"region {region}: the live warehouse has no run_info and no succeeded weekly run is under {home / 'runs'}")
    return max(built)


def refuse_weekly_tables(templates: list, period: Period, built: dt.date) -> None:
    """BadArgumentError (exit 2) naming the first weekly table asked for another period than the
    built week W (SPEC 7 "Periods"): it would carry W's numbers under another period's name."""
    from exports.templates import is_weekly_relation

    week = periods.week(built)
    if (period.start, period.end) == (week.start, week.end):
        return
    for t in templates:
        if is_weekly_relation(t.relation):
            last = period.end - dt.timedelta(days=1)
            raise BadArgumentError(
                f"report {t.name!r} is a weekly table: it exists only for the week ending {built} "
                f"([{week.start}, {week.end - dt.timedelta(days=1)}]), not for the period [{period.start}, {last}]; "
                "run it without --from/--to or schedule it weekly"
            )


def export_reports(home: Path, region: str, templates: list, period: Period, built: dt.date | None = None) -> list[dict]:
    """Write `templates` (default Template or CustomTemplate) for `period` into <home>/exports/<REGION>/.

    W of the built week reads the live warehouse; any other period a rebuilt disposable copy."""
    from exports.custom import CustomTemplate, resolve
    from exports.writer import write_exports

    home = Path(home)
    built = built_week_ending(home, region) if built is None else built
    if not templates:
        return []
    refuse_weekly_tables(templates, period, built)
    live = paths.warehouse_path(home, region)
    week = periods.week(built)
    scratch = None
    try:
        if (period.start, period.end) == (week.start, week.end):
            source = live
        else:
            scratch = Path(tempfile.mkdtemp(prefix=f".report-{region}-", dir=live.parent))
            relations = sorted({t.relation for t in templates})
            source = _rebuilt_copy(home, region, built, period, [*relations, *PERIOD_UPSTREAM], scratch)
        con = open_read_only(source, home)
        try:
            ready = [resolve(t, con, built) if isinstance(t, CustomTemplate) else t for t in templates]
        finally:
            con.close()
        written = write_exports(source, paths.exports_dir(home, region), region, period, ready)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return [{"template": w.template, "path": str(w.path), "rows": w.rows} for w in written]


def _rebuilt_copy(home: Path, region: str, built: dt.date, period: Period, models: list[str], scratch: Path) -> Path:
    """Copy the live warehouse into `scratch` and rebuild `models` there for `period`."""
    from partner_analytics.dbt import dbt_vars, invoke

    live = paths.warehouse_path(home, region)
    # Same file name as the live one: DuckDB names the catalog after the file, and the views dbt
    # created refer to it.
    copy = scratch / live.name
    shutil.copyfile(live, copy)
    wal = live.with_name(live.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    variables = dbt_vars(home, region, built, {"report_start": period.start.isoformat(), "report_end": period.end.isoformat()})
    log.info("rebuilding %s for %s [%s, %s) in a copy of the %s warehouse", ", ".join(models), region, period.start, period.end, region)
    # Data tests gate the rebuilt reports; dbt unit tests pin SQL logic and are left to the test
    # suite, as in the weekly build.
    args = ["build", "--select", *models, "--exclude-resource-type", "unit_test", "--vars", json.dumps(variables, sort_keys=True)]
    invoke(args, warehouse=copy, work_dir=scratch / "dbt")
    return copy


def find_report(name: str, template_path: Path | None = None) -> list:
    """The template called `name`: a default report, or a custom one from `template_path` (a file or a folder)."""
    from exports.custom import load_custom_template, load_custom_templates
    from exports.templates import TemplateError, load_default_templates, template_by_name

    defaults = load_default_templates()
    try:
        if template_path is None:
            return [template_by_name(name, defaults)]
        template_path = Path(template_path)
        if template_path.is_dir():
            customs = load_custom_templates(template_path, defaults)
        else:
            customs = [load_custom_template(template_path, defaults)]
    except TemplateError as exc:
        raise BadArgumentError(str(exc)) from None
    for c in customs:
        if c.name == name:
            return [c]
    known = ", ".join(sorted(c.name for c in customs)) or "none"
    raise BadArgumentError(f"no custom template named {name!r} in {template_path} (templates there: {known})")


def run_report(
    home: Path,
    region: str,
    name: str,
    date_from: str | None = None,
    date_to: str | None = None,
    template_path: Path | None = None,
    as_admin: str | None = None,
) -> list[dict]:
    """`partner-analytics report`: one report for one region and period, at once (`as_admin`: scoped
    to that partner admin's customers, partner_analytics/scope.py)."""
    from ingestion.schemas import REGIONS

    if region not in REGIONS:
        raise BadArgumentError(f"unknown region {region!r}; regions are {', '.join(REGIONS)}")
    templates = find_report(name, template_path)
    built = built_week_ending(home, region)
    refuse_weekly_tables(templates, cli_period(date_from, date_to, built), built)
    if as_admin is not None:
        from partner_analytics.scope import export_scoped_reports

        return export_scoped_reports(home, region, templates, cli_period(date_from, date_to, built), built, as_admin)
    return export_reports(home, region, templates, cli_period(date_from, date_to, built), built)


def run_schedule(home: Path, region: str, cadence: str, run_date: dt.date | str, templates_dir: Path | None = None) -> list[dict]:
    """One report schedule run for one region: every custom template listing `cadence` in its schedules."""
    from exports.custom import CUSTOM_TEMPLATES_DIR, load_custom_templates

    period = schedule_period(cadence, run_date)
    templates = [t for t in load_custom_templates(templates_dir or CUSTOM_TEMPLATES_DIR) if cadence in t.schedules]
    if not templates:
        log.info("no custom template is scheduled %s", cadence)
        return []
    built = built_week_ending(home, region)
    if cadence == "weekly" and built < period.label_date:
        raise WeekNotBuiltError(f"region {region}: the weekly run for {period.label_date} has not built the warehouse yet (latest built: {built})")
    return export_reports(home, region, templates, period, built)
