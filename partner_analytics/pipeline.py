"""One weekly run: for each region ingest -> validate -> dbt build -> export, and its summary.json.

One set of step functions (`ingest_partner_step`, `ingest_step`, `validate_step`, `build_step`,
`export_step`); `run_step` runs one of a region's steps with a runner and records it in the region's
summary. `run` (the CLI) loops over stages and regions calling `run_step`; each Airflow task of the
weekly DAG calls `run_step` once (dags/partner_weekly.py), so both write the same summary.json.
Where a step runs and what memory it needed is partner_analytics.process: the CLI runs the steps in
child processes (`run(..., processes=True)`), as Airflow runs each task in its own process: what a
step imports and caches (GX, dbt, DuckDB buffers, polars arenas) goes back to the operating system
when its process ends, so a run needs the memory of its largest step, not the sum of all of them.
The run is stage by stage: ingest every region, then validate every region, then build, then
export. Each region's ingestion gets a fresh child (it holds the most memory); the validate, build
and export steps of all regions run one after the other in one child per stage (`StageWorker`), so
GX and dbt are imported and warmed once per run, not once per region (about 3 s per region and
stage at scale m). Called in-process (the default of `run`), steps share one interpreter."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from partner_analytics import paths, periods, progress
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.landing_check import landing_warnings, unknown_region_folders
from partner_analytics.process import Ran, in_child, in_process, preload_great_expectations, return_freed_memory_promptly, stage_runner

log = logging.getLogger(__name__)


def one_line_error(region: str, step: str, exc: BaseException) -> str:
    """`<REGION> <step>: <what> <path>` for a file-system error (disk full, permission, read-only),
    `<REGION>: <message>` otherwise."""
    if isinstance(exc, OSError) and exc.strerror:
        where = " ".join(str(f) for f in (exc.filename, exc.filename2) if f)
        return f"{region} {step}: {exc.strerror}" + (f" {where}" if where else "")
    return f"{region}: {exc}"


def landing_regions(landing: Path, requested: list[str] | None = None) -> list[str]:
    """Regions to process: the requested ones (validated), else those with a landing folder."""
    landing = Path(landing)
    if not landing.is_dir():
        raise BadArgumentError(f"landing folder {landing} does not exist")
    if requested:
        bad = [r for r in requested if r not in paths.REGIONS]
        if bad:
            raise BadArgumentError(f"unknown region(s) {', '.join(bad)}; regions are {', '.join(paths.REGIONS)}")
        wanted = list(dict.fromkeys(requested))
    else:
        wanted = list(paths.REGIONS)
    found = [r for r in wanted if (landing / r).is_dir()]
    if requested and (absent := [r for r in wanted if r not in found]):  # SPEC 13: a requested region must have landing data
        raise PipelineError("; ".join(f"{r}: no landing folder {landing / r}" for r in absent))
    if not found and not requested and (unknown := unknown_region_folders(landing)):
        raise PipelineError("no region folder to run: " + "; ".join(unknown))
    return found


def ingest_partner_step(landing: Path, home: Path, week_ending: dt.date) -> dict:
    from ingestion import ingest_partner

    return_freed_memory_promptly()
    return ingest_partner(Path(landing), Path(home), week_ending)


def _pending_file(home: Path, region: str) -> Path:
    return paths.lake_dir(home, region) / "_pending_validation.json"


def _merge(a: dict[str, list[str]], b: dict[str, list[str]]) -> dict[str, list[str]]:
    return {ds: sorted(set(a.get(ds, [])) | set(b.get(ds, []))) for ds in sorted(set(a) | set(b))}


# What awaits validation: landing dataset -> lake partitions, and landing dataset -> the landing files
# whose rows they await (None: every row of them). Validation checks an event week reopened by late
# data for those files' rows only (expectations/runner.py `_validated_range`).
Pending = tuple[dict[str, list[str]], dict[str, list[str] | None]]


def _merge_pending(a: Pending, b: Pending) -> Pending:
    """Partitions united; a dataset's files united too, or None (every row) if either side does not know them."""
    partitions = _merge(a[0], b[0])
    files: dict[str, list[str] | None] = {}
    for ds, parts in partitions.items():
        if not parts:
            continue
        sides = [side[1].get(ds) for side in (a, b) if side[0].get(ds)]
        files[ds] = None if any(f is None for f in sides) else sorted({name for f in sides for name in f})
    return partitions, files


def files_of(ingest_summary: dict) -> dict[str, list[str] | None]:
    return {ds: (list(s["files"]) if "files" in s else None) for ds, s in ingest_summary.items()}


def _read_pending(home: Path, region: str) -> Pending:
    f = _pending_file(home, region)
    if not f.exists():
        return {}, {}
    record = json.loads(f.read_text(encoding="utf-8"))
    if not isinstance(record.get("partitions"), dict):  # a record written before files were kept: every row
        return record, {ds: None for ds in record}
    return record["partitions"], record.get("files", {})


def ingest_step(landing: Path, home: Path, region: str, week_ending: dt.date, allow_stale: bool = False) -> dict:
    """Ingest the region, then record its new partitions as awaiting validation.

    The record survives a failed or interrupted validation, so the next run (which skips the files
    already ingested) still validates that data before any mart is built from it."""
    from ingestion import ingest_region
    from partner_analytics.publish import recover

    return_freed_memory_promptly()
    home = Path(home)
    recover(home, region)  # the region's lock is held: what a crashed run left goes first
    result = ingest_region(Path(landing), home, region, week_ending)
    partitions, files = _merge_pending(_read_pending(home, region), (partitions_of(result), files_of(result)))
    if any(partitions.values()):
        f = _pending_file(home, region)
        tmp = f.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"partitions": partitions, "files": files}, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, f)
    if not allow_stale:  # SPEC 13: a stale week fails here, before anything is built
        from partner_analytics import freshness

        freshness.check(home, region, periods.week_ending(week_ending))
    return result  # allowed: run_step logs the problems and keeps them in the summary (_with_stale_warnings)


def partitions_of(ingest_summary: dict) -> dict[str, list[str]]:
    return {ds: list(s.get("partitions", [])) for ds, s in ingest_summary.items()}


def validate_step(home: Path, region: str, week_ending: dt.date, partitions: dict[str, list[str]]) -> dict:
    """Validate this run's new partitions plus any left unvalidated by an earlier failed run.

    The rows of an event week reopened by late data that earlier runs validated are not checked again:
    the pending record (written by ingest_step) names the landing files whose rows await validation; a
    partition it does not hold is validated whole."""
    from expectations import validate_region

    return_freed_memory_promptly()
    home = Path(home)
    pending = _read_pending(home, region)
    unrecorded = {ds: [p for p in parts if p not in pending[0].get(ds, [])] for ds, parts in partitions.items()}
    todo, new_files = _merge_pending(pending, (unrecorded, {ds: None for ds in unrecorded}))
    if not any(todo.values()):  # SPEC 13: nothing new: the week's result of the attempt that validated it
        from partner_analytics import attempts

        if (carried := attempts.carried_validation(home, region, week_ending)) is not None:
            return carried
    result = validate_region(home, region, week_ending, todo, new_files=new_files)
    _pending_file(home, region).unlink(missing_ok=True)
    return result


def build_step(home: Path, region: str, week_ending: dt.date, run_id: str | None = None, full_refresh: bool = False) -> str:
    """dbt build into the region's staged version; returns the live path export_step publishes it to."""
    from partner_analytics.dbt import build_region

    return_freed_memory_promptly()
    build_region(Path(home), region, week_ending, publish=False, run_id=run_id, full_refresh=full_refresh)
    return str(paths.warehouse_path(Path(home), region))


def export_step(home: Path, region: str, week_ending: dt.date) -> list[dict]:
    """Every default template for week W of D, rendered from this run's staged warehouse into the
    staged version, then published: warehouse and exports become live in one rename
    (partner_analytics.publish; README "Atomicity"). A step that publishes more files with the week
    writes them under publish.stage_path(home, region, ...) before publish.publish. Without a
    warehouse built by this run nothing is exported (never the old live one as if new)."""
    from exports.templates import load_default_templates
    from exports.writer import write_exports
    from partner_analytics import publish

    return_freed_memory_promptly()
    home = Path(home)
    source = publish.staged_warehouse(home, region)
    if not source.exists():
        raise PipelineError(f"{region} export: no warehouse built by this run at {source}; nothing exported or published")
    staged_exports = publish.stage_path(home, region, "exports")
    publish.carry_forward(home, region, "exports", staged_exports)
    written = write_exports(source, staged_exports, region, periods.week(week_ending), load_default_templates())
    from exports.dashboard import render_dashboard
    from exports.parquet import write_marts_parquet

    # The Parquet copies of the marts and the SPEC 11 dashboard belong to the version: they go live with
    # its warehouse and CSVs, in the same rename (earlier weeks' pages are carried forward like exports)
    write_marts_parquet(home, region, warehouse=source, out=publish.stage_path(home, region, "marts"))
    staged_pages = publish.stage_path(home, region, "dashboard")
    publish.carry_forward(home, region, "dashboard", staged_pages)
    render_dashboard(home, region, week_ending, exports=staged_exports, pages=staged_pages)  # from the CSVs just written
    version = publish.publish(home, region)
    live = paths.exports_dir(home, region)
    if publish.is_backfill(home, region, week_ending):  # SPEC 13: an older week has its own copy, live stays
        live = version / "exports"
    return [{"template": w.template, "path": str(live / w.path.name), "rows": w.rows} for w in written]


def write_summary(home: Path, region: str, week_ending: dt.date, summary: dict) -> Path:
    """Atomically write <home>/runs/<D>/<REGION>/summary.json."""
    target = paths.run_dir(home, week_ending, region) / "summary.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    from partner_analytics import attempts

    summary = attempts.record(home, region, week_ending, summary)  # SPEC 13: attempts/<n>/ kept; this is the latest
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def json_value(value):
    """The value as summary.json holds it (JSON with default=str), so it also travels as an Airflow XCom."""
    return json.loads(json.dumps(value, default=str))


def record_step(home: Path, summary: dict, step: str, key: str, call: Callable[[], Ran]) -> dict:
    """Run one step of a region and return the summary with its result under `key` and its wall time.

    `call` runs the step through a runner (partner_analytics.process) and returns its `Ran`; a peak
    RSS in it (the step ran in a process of its own) goes under `peak_rss_bytes`. On any failure the
    failed summary (status, failed_step, error) is written before the exception propagates. The CLI
    run and every Airflow task go through here (`run_step`), so both write the same summary.
    Timings are for operators; they never pick data."""
    summary = {**summary, "timings_seconds": dict(summary.get("timings_seconds", {}))}
    region, d = summary["region"], periods.week_ending(summary["week_ending"])
    start = time.perf_counter()
    progress.step_started(step, region)
    try:
        ran = call()
        value = ran.value
    except Exception as exc:  # any failure, expected or not, is recorded before it propagates
        summary["timings_seconds"][step] = round(time.perf_counter() - start, 3)
        progress.step_finished(step, region, time.perf_counter() - start, error=exc)
        error = str(exc) if isinstance(exc, PipelineError) else f"{type(exc).__name__}: {exc}"
        write_summary(home, region, d, {**summary, "status": "failed", "failed_step": step, "error": error})
        raise
    summary["timings_seconds"][step] = round(time.perf_counter() - start, 3)
    progress.step_finished(step, region, time.perf_counter() - start, value)
    if ran.peak_rss_bytes is not None:  # the step ran in its own process (partner-analytics run)
        summary["peak_rss_bytes"] = {**summary.get("peak_rss_bytes", {}), step: ran.peak_rss_bytes}
    return {**summary, key: json_value(value)}


# A region's steps in run order, each with the summary key its result goes under.
STEPS = {"ingest": "datasets", "validate": "data_quality", "build": "warehouse", "export": "exports"}


def step_call(step: str, landing: Path, home: Path, summary: dict) -> tuple:
    """The step function of a region's `step` and its arguments, taken from the region's summary: the
    one place the CLI run and the Airflow tasks both get them from."""
    home, region, d = Path(home), summary["region"], periods.week_ending(summary["week_ending"])
    if step == "ingest":
        return (ingest_step, Path(landing), home, region, d, *([True] if summary.get("allow_stale") else []))
    if step == "validate":
        return (validate_step, home, region, d, partitions_of(summary["datasets"]))
    if step == "build":
        return (build_step, home, region, d, summary.get("run_id"), *([True] if summary.get("full_refresh") else []))
    if step == "export":
        return (export_step, home, region, d)
    raise ValueError(f"unknown step {step!r}; steps are {', '.join(STEPS)}")


def run_step(step: str, landing: Path, home: Path, summary: dict, runner: Callable[..., Ran] = in_process) -> dict:
    """Run one step of a region (`STEPS`) with `runner` (partner_analytics.process) and record it in
    the region's summary: what `partner-analytics run` does per region and stage, and what each
    Airflow task of the weekly DAG does."""
    function, *args = step_call(step, landing, home, summary)
    summary = record_step(Path(home), summary, step, STEPS[step], lambda: runner(function, *args))
    if step == "ingest" and summary.get("allow_stale"):
        summary = _with_stale_warnings(Path(home), summary)
    return summary


def _with_stale_warnings(home: Path, summary: dict) -> dict:
    """`--allow-stale` let the region through (its ingest step skipped the gate): the freshness problems
    it overrode are logged and go into the summary's `warnings`, so summary.json and every attempt say
    the week was published stale, and why. Checked once, here. Reads Parquet footers only."""
    from partner_analytics import freshness

    stale = freshness.check(home, summary["region"], periods.week_ending(summary["week_ending"]), allow_stale=True)
    for warning in stale:
        log.warning("%s: %s", summary["region"], warning)
    return {**summary, "warnings": [*summary.get("warnings", []), *stale]} if stale else summary


def partner_step(landing: Path, home: Path, week_ending: dt.date, run_id: str, runner: Callable[..., Ran] = in_process) -> dict:
    """The partner-level ingest, once per run before the regions, under the partner lake's lock;
    its summary as summary.json and XComs hold it."""
    from partner_analytics import locks

    with locks.region_lock(Path(home), paths.PARTNER, run_id, wait_seconds=600):  # the shared partner lake
        return json_value(runner(ingest_partner_step, Path(landing), Path(home), week_ending).value)


def start_summary(
    landing: Path, region: str, week_ending: dt.date, run_id: str, partner: dict | None = None, allow_stale: bool = False, full_refresh: bool = False
) -> dict:
    """A region's summary before its first step, with warnings about its landing folder (unknown
    landing folders are reported, never skipped without a word). The run's options that change a
    step (`--allow-stale`, SPEC 13 / the DAG's param; `--full-refresh`) are recorded in the summary,
    where step_call reads them; only when set, so a summary says what was asked of this run."""
    summary = {**new_summary(region, week_ending, partner), "run_id": run_id}
    if allow_stale:
        summary["allow_stale"] = True
    if full_refresh:
        summary["full_refresh"] = True
    if warnings := landing_warnings(Path(landing), region):
        summary["warnings"] = warnings
    return summary


def new_summary(region: str, week_ending: dt.date, partner: dict | None = None) -> dict:
    summary: dict = {"region": region, "week_ending": week_ending.isoformat(), "status": "running"}
    if partner is not None:
        summary["partner_datasets"] = json_value(partner)
    return summary


def finish_summary(home: Path, summary: dict) -> Path:
    """Mark the region's run succeeded and write its summary.json."""
    return write_summary(home, summary["region"], periods.week_ending(summary["week_ending"]), {**summary, "status": "succeeded"})


def run(
    landing: Path,
    home: Path,
    week_ending: dt.date | str,
    regions: list[str] | None = None,
    *,
    processes: bool = False,
    allow_stale: bool = False,
    full_refresh: bool = False,
) -> dict[str, dict]:
    """The weekly run for every region with landing data (or the requested ones), stage by stage.

    Regions are independent: a failure in one is recorded in its summary, that region skips its
    later stages and the others still run; the run then raises PipelineError naming every failed
    region (exit code 1). Each region's summary.json is the one the Airflow tasks write (both go
    through `record_step`). With processes=True every step runs in a child process (see the module doc)."""
    from partner_analytics import locks

    d = periods.week_ending(week_ending)
    landing, home = Path(landing), Path(home)
    if home.exists() and not home.is_dir():
        raise BadArgumentError(f"--home {home} is not a folder")
    todo = landing_regions(landing, regions)
    run_id = locks.new_run_id()
    # one writer per home and region: every region's lock is held from here to its publish (README
    # "Atomicity"); a region another run holds stops this run at once (exit 1), before any write
    with locks.regions_locked(home, todo, run_id):
        return _run_locked(landing, home, d, todo, run_id, processes, allow_stale, full_refresh)


def _run_locked(
    landing: Path, home: Path, d: dt.date, todo: list[str], run_id: str, processes: bool, allow_stale: bool = False, full_refresh: bool = False
) -> dict[str, dict]:
    if todo and not processes:
        preload_great_expectations()
    partner = partner_step(landing, home, d, run_id, in_child if processes else in_process)
    summaries = {region: start_summary(landing, region, d, run_id, partner, allow_stale, full_refresh) for region in todo}
    failures: dict[str, str] = {}

    def stage(step: str, runner: Callable[..., Ran], last: bool = False) -> None:
        regions = [r for r in todo if r not in failures]
        started = progress.stage_started(step, regions)
        for region in [r for r in todo if r not in failures]:
            try:
                summaries[region] = run_step(step, landing, home, summaries[region], runner)
                if last:  # the region is done: its summary says so before the next region exports
                    finish_summary(home, summaries[region])
                    summaries[region] = {**summaries[region], "status": "succeeded"}
            except Exception as exc:  # regions are independent: record, go on, fail the run at the end
                # one line per failure; the traceback of an unexpected error only with -v
                log.error("region %s failed: %s", region, exc, exc_info=not isinstance(exc, PipelineError) and log.isEnabledFor(logging.INFO))
                failures[region] = one_line_error(region, step, exc)
        failed = sum(r in failures for r in regions)
        progress.stage_finished(step, started, len(regions) - failed, failed)

    # ingestion holds the most memory: a fresh child per region
    stage("ingest", in_child if processes else in_process)
    with stage_runner(processes) as runner:
        stage("validate", runner)
    with stage_runner(processes) as runner:
        stage("build", runner)
    with stage_runner(processes) as runner:
        stage("export", runner, last=True)
    if failures:
        raise PipelineError("; ".join(failures[r] for r in todo if r in failures))
    return summaries
