"""One weekly run: for each region ingest -> validate -> dbt build -> export, and its summary.json.

Each step is one function the Airflow DAG also calls as one task; `run` chains them for the CLI.
The CLI runs the steps in child processes (`run(..., processes=True)`), as Airflow runs each task in
its own process: what a step imports and caches (GX, dbt, DuckDB buffers, polars arenas) goes back
to the operating system when its process ends, so a run needs the memory of its largest step, not
the sum of all of them. The run is stage by stage: ingest every region, then validate every region,
then build, then export. Each region's ingestion gets a fresh child (it holds the most memory); the
validate, build and export steps of all regions run one after the other in one child per stage
(`StageWorker`), so GX and dbt are imported and warmed once per run, not once per region (about
3 s per region and stage at scale m). Called in-process (the default of `run`), steps share one
interpreter."""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import json
import logging
import os
import multiprocessing
import resource
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable

from partner_analytics import paths, periods, progress
from partner_analytics.landing_check import landing_warnings, unknown_region_folders
from partner_analytics.errors import BadArgumentError, PipelineError

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
    if not found and not requested and (unknown := unknown_region_folders(landing)):
        raise PipelineError("no region folder to run: " + "; ".join(unknown))
    return found


# glibc's mallopt option and the value set (see return_freed_memory_promptly).
M_TRIM_THRESHOLD = -1
TRIM_THRESHOLD_BYTES = 64 * 1024


def return_freed_memory_promptly() -> bool:
    """Have glibc give memory back to the operating system when it is freed, not keep it for reuse.

    Each time a big mapped block is freed, glibc raises its mmap threshold (up to 32 MiB), so later big
    blocks come from the heap, where a freed one stays resident as a hole until something reuses it.
    Over one ingestion at scale m (polars, DuckDB and Arrow threads, many arenas) that crept the step's
    RSS to 1,050-1,095 MiB where its live data never needed it. Setting the trim threshold turns the
    raising off: blocks over 128 KiB stay mapped one by one and go back when freed, free heap top past
    64 KiB is trimmed; the same ingestion peaked at 900-920 MiB, in the same time. Same as
    MALLOC_TRIM_THRESHOLD_=65536 in the environment; a value set there stands. Returns whether the
    setting was applied (not where the C library has no mallopt)."""
    if os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


def ingest_partner_step(landing: Path, home: Path, week_ending: dt.date) -> dict:
    from ingestion import ingest_partner

    return_freed_memory_promptly()
    return ingest_partner(Path(landing), Path(home), week_ending)


def _pending_file(home: Path, region: str) -> Path:
    return paths.lake_dir(home, region) / "_pending_validation.json"


def _merge(a: dict[str, list[str]], b: dict[str, list[str]]) -> dict[str, list[str]]:
    return {ds: sorted(set(a.get(ds, [])) | set(b.get(ds, []))) for ds in sorted(set(a) | set(b))}


def _read_pending(home: Path, region: str) -> dict[str, list[str]]:
    f = _pending_file(home, region)
    return json.loads(f.read_text(encoding="utf-8")) if f.exists() else {}


def ingest_step(landing: Path, home: Path, region: str, week_ending: dt.date) -> dict:
    """Ingest the region, then record its new partitions as awaiting validation.

    The record survives a failed or interrupted validation, so the next run (which skips the files
    already ingested) still validates that data before any mart is built from it."""
    from ingestion import ingest_region
    from partner_analytics.publish import recover

    return_freed_memory_promptly()
    home = Path(home)
    recover(home, region)  # the region's lock is held: what a crashed run left goes first
    result = ingest_region(Path(landing), home, region, week_ending)
    pending = _merge(_read_pending(home, region), partitions_of(result))
    if any(pending.values()):
        f = _pending_file(home, region)
        tmp = f.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(pending, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, f)
    return result


def partitions_of(ingest_summary: dict) -> dict[str, list[str]]:
    return {ds: list(s.get("partitions", [])) for ds, s in ingest_summary.items()}


def validate_step(home: Path, region: str, week_ending: dt.date, partitions: dict[str, list[str]]) -> dict:
    """Validate this run's new partitions plus any left unvalidated by an earlier failed run."""
    from expectations import validate_region

    return_freed_memory_promptly()
    home = Path(home)
    todo = _merge(_read_pending(home, region), partitions)
    result = validate_region(home, region, week_ending, todo)
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
    render_dashboard(home, region, week_ending, warehouse=source, pages=staged_pages)
    publish.publish(home, region)
    live = paths.exports_dir(home, region)
    return [{"template": w.template, "path": str(live / w.path.name), "rows": w.rows} for w in written]


def write_summary(home: Path, region: str, week_ending: dt.date, summary: dict) -> Path:
    """Atomically write <home>/runs/<D>/<REGION>/summary.json."""
    target = paths.run_dir(home, week_ending, region) / "summary.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def json_value(value):
    """The value as summary.json holds it (JSON with default=str), so it also travels as an Airflow XCom."""
    return json.loads(json.dumps(value, default=str))


def record_step(home: Path, summary: dict, step: str, key: str, call) -> dict:
    """Run one step of a region and return the summary with its result under `key` and its wall time.

    On any failure the failed summary (status, failed_step, error) is written before the exception
    propagates. The CLI run and every Airflow task go through here, so both write the same summary.
    Timings are for operators; they never pick data."""
    summary = {**summary, "timings_seconds": dict(summary.get("timings_seconds", {}))}
    region, d = summary["region"], periods.week_ending(summary["week_ending"])
    start = time.perf_counter()
    _child_peaks.last = None
    progress.step_started(step, region)
    try:
        value = call()
    except Exception as exc:  # any failure, expected or not, is recorded before it propagates
        summary["timings_seconds"][step] = round(time.perf_counter() - start, 3)
        progress.step_finished(step, region, time.perf_counter() - start, error=exc)
        error = str(exc) if isinstance(exc, PipelineError) else f"{type(exc).__name__}: {exc}"
        write_summary(home, region, d, {**summary, "status": "failed", "failed_step": step, "error": error})
        raise
    summary["timings_seconds"][step] = round(time.perf_counter() - start, 3)
    progress.step_finished(step, region, time.perf_counter() - start, value)
    peak = getattr(_child_peaks, "last", None)
    if peak is not None:  # the step ran in its own process (partner-analytics run)
        summary["peak_rss_bytes"] = {**summary.get("peak_rss_bytes", {}), step: peak}
    return {**summary, key: json_value(value)}


def new_summary(region: str, week_ending: dt.date, partner: dict | None = None) -> dict:
    summary: dict = {"region": region, "week_ending": week_ending.isoformat(), "status": "running"}
    if partner is not None:
        summary["partner_datasets"] = json_value(partner)
    return summary


def finish_summary(home: Path, summary: dict) -> Path:
    """Mark the region's run succeeded and write its summary.json."""
    return write_summary(home, summary["region"], periods.week_ending(summary["week_ending"]), {**summary, "status": "succeeded"})


Step = Callable[..., Any]


def in_process(step: Step, *args: Any) -> Any:
    """Run a step here."""
    return step(*args)


def configure_logging(level: int) -> None:
    """The command line's logging, in its own process and in every child a step runs in."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("great_expectations", "dbt", "airflow"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM, the high-water mark of its own memory since exec.

    Not getrusage's ru_maxrss: Linux carries a spawned child's pre-exec (forked) peak, i.e. the parent's
    RSS, into it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux; an upper bound


def _reset_peak_rss() -> bool:
    """Start this process's VmHWM again from its current RSS (Linux: `5` to /proc/self/clear_refs),
    so a worker that runs several steps reports each step's own peak. False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _measured(step: Step, *args: Any) -> tuple[Any, int]:
    """The step's result and the peak RSS (bytes) of the process that ran it while it ran.

    In a reused worker the peak includes what earlier steps left resident (that is memory the step
    really needed the machine to have); where the peak cannot be reset it is the worker's peak so far."""
    _reset_peak_rss()
    value = step(*args)
    peak = _peak_rss()
    _release_between_steps()
    return value, peak


def _release_between_steps() -> None:
    """What a finished step left for the collector is collected and the C heap's free pages given back,
    so a reused worker starts its next step as lean as it can."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


_child_peaks = threading.local()


def _new_worker() -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")
    level = logging.getLogger().getEffectiveLevel()
    return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=progress.child_init, initargs=(level, progress.child_channel()))


def in_child(step: Step, *args: Any) -> Any:
    """Run a step in a fresh child process and return its result (or raise its exception).

    Spawned, not forked: the child inherits no threads, locks or open DuckDB handles of this process,
    only the step's (picklable) arguments. A child killed mid-step (e.g. out of memory) raises
    BrokenProcessPool here, which fails the region like any other error. The child's peak RSS is
    kept for `record_step` (summary.json `peak_rss_bytes`: what each step needs, to size a machine)."""
    with StageWorker() as worker:
        return worker(step, *args)


class StageWorker:
    """One spawned child process that runs steps one after the other (a stage's steps for every region).

    Called like `in_child`: `worker(step, *args)`. The child starts on the first call and is reused
    by the next; its peak RSS is reset before each step, so `record_step` still gets each step's own
    peak. When a step fails the child is shut down and the next call starts a fresh one: the next
    region never runs in a process a failure (or an out-of-memory kill, BrokenProcessPool) left
    behind. Nothing a step computes is kept in the child between steps (steps read and write the
    region's own folders only), so regions stay apart though they share the interpreter."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self.steps_run = 0

    def __call__(self, step: Step, *args: Any) -> Any:
        if self._pool is None:
            self._pool = _new_worker()
        try:
            value, peak = self._pool.submit(_measured, step, *args).result()
        except BaseException:
            self.close(broken=True)
            raise
        self.steps_run += 1
        _child_peaks.last = peak
        return value

    def close(self, broken: bool = False) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=broken)

    def __enter__(self) -> "StageWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _preload_great_expectations() -> threading.Thread:
    """Import GX (5-10 s of pure Python) on a thread while ingestion, mostly native polars, runs."""

    def load() -> None:
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        try:
            import great_expectations  # noqa: F401
        except Exception:  # the validate step imports it again and reports any real problem
            pass

    thread = threading.Thread(target=load, name="preload-gx", daemon=True)
    thread.start()
    return thread


def run(
    landing: Path, home: Path, week_ending: dt.date | str, regions: list[str] | None = None, *, processes: bool = False,
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
        return _run_locked(landing, home, d, todo, run_id, processes, full_refresh)


def _run_locked(landing: Path, home: Path, d: dt.date, todo: list[str], run_id: str, processes: bool, full_refresh: bool = False) -> dict[str, dict]:
    from partner_analytics import locks

    if todo and not processes:
        _preload_great_expectations()
    with locks.region_lock(home, paths.PARTNER, run_id, wait_seconds=600):  # the shared partner lake
        partner = (in_child if processes else in_process)(ingest_partner_step, landing, home, d)
    summaries = {region: {**new_summary(region, d, partner), "run_id": run_id} for region in todo}
    for region in todo:  # unknown landing folders are reported, never skipped without a word
        if warnings := landing_warnings(landing, region):
            summaries[region]["warnings"] = warnings
    failures: dict[str, str] = {}

    def stage(step: str, key: str, args_of: Callable[[str, dict], tuple], call: Callable[..., Any], last: bool = False) -> None:
        regions = [r for r in todo if r not in failures]
        started = progress.stage_started(step, regions)
        for region in [r for r in todo if r not in failures]:
            args = args_of(region, summaries[region])
            try:
                summaries[region] = record_step(home, summaries[region], step, key, lambda: call(*args))
                if last:  # the region is done: its summary says so before the next region exports
                    finish_summary(home, summaries[region])
                    summaries[region] = {**summaries[region], "status": "succeeded"}
            except Exception as exc:  # regions are independent: record, go on, fail the run at the end
                # one line per failure; the traceback of an unexpected error only with -v
                log.error("region %s failed: %s", region, exc, exc_info=not isinstance(exc, PipelineError) and log.isEnabledFor(logging.INFO))
                failures[region] = one_line_error(region, step, exc)
        failed = sum(r in failures for r in regions)
        progress.stage_finished(step, started, len(regions) - failed, failed)

    def stage_worker():
        return StageWorker() if processes else _InProcess()

    # ingestion holds the most memory: a fresh child per region
    stage("ingest", "datasets", lambda r, s: (ingest_step, landing, home, r, d), in_child if processes else in_process)
    with stage_worker() as worker:
        stage("validate", "data_quality", lambda r, s: (validate_step, home, r, d, partitions_of(s["datasets"])), worker)
    with stage_worker() as worker:
        # full_refresh only when set: build_step's positional signature stays what callers and fakes know
        stage("build", "warehouse", lambda r, s: (build_step, home, r, d, run_id, *([True] if full_refresh else [])), worker)
    with stage_worker() as worker:
        stage("export", "exports", lambda r, s: (export_step, home, r, d), worker, last=True)
    if failures:
        raise PipelineError("; ".join(failures[r] for r in todo if r in failures))
    return summaries


class _InProcess:
    """`in_process` as a context manager, in place of a StageWorker when the run is in-process."""

    def __call__(self, step: Step, *args: Any) -> Any:
        return step(*args)

    def __enter__(self) -> "_InProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        return None
