"""What a run tells its operator while it works and when it ends: progress on stderr, a per-region table.

Two ways to show the same events, picked once per command (`configure`):

- **a terminal** (stderr is a TTY): a `rich.progress` display — one bar per stage (regions done of
  regions), one for the region in work (files parsed of files landed, rows, rows/s, ETA) — and a
  line per finished step above the bars;
- **anything else** (Airflow task logs, CI, a pipe): plain one-line log records through the logger
  `partner_analytics.progress`, at INFO: per stage (start, end, regions ok/failed, seconds) and per
  stage and region (start, end, counts, seconds). Airflow's task log shows them as they are.

`--quiet` turns both off. Nothing is ever written to stdout (stdout carries results).

Events: `pipeline.run` reports stages, `pipeline.record_step` (the CLI and every Airflow task go
through it) reports each step's start and end with its counts, ingestion reports files as it parses
them. Steps of `partner-analytics run` execute in spawned child processes: with the rich display the
parent hands each child a multiprocessing queue (`child_init`) and the child's file events travel
through it to the parent's bars; without it the child's file events are dropped (a log line per file
would drown the per-step lines)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pa_base import events

log = logging.getLogger("partner_analytics.progress")

AUTO, RICH, LOG, QUIET = "auto", "rich", "log", "quiet"


# ---------------------------------------------------------------------------------------------- counts


def _n(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def ingest_totals(datasets: Mapping[str, Mapping[str, Any]] | None) -> dict[str, int]:
    """Files and rows of an ingestion summary (`summary["datasets"]`), summed over its datasets."""
    keys = ("files_ingested", "read", "loaded", "duplicates", "quarantined")
    out = dict.fromkeys(keys, 0)
    for counts in (datasets or {}).values():
        if isinstance(counts, Mapping):
            for k in keys:
                out[k] += _n(counts.get(k))
    return out


def step_counts(step: str, value: Any) -> str:
    """The counts of a finished step in words, from the value the step returned (what summary.json keeps)."""
    if step in ("ingest", "ingest_partner") and isinstance(value, Mapping):
        t = ingest_totals(value)
        return (
            f"{t['files_ingested']:,} files, {t['read']:,} rows read, {t['loaded']:,} loaded, {t['duplicates']:,} duplicates, {t['quarantined']:,} quarantined"
        )
    if step == "validate" and isinstance(value, Mapping):
        return f"{value.get('status', '?')}, {_n(value.get('expectations_evaluated')):,} expectations, {len(value.get('soft_warnings') or []):,} warnings"
    if step == "build" and value:
        return f"warehouse {Path(str(value)).name} built"
    if step == "export" and isinstance(value, list):
        return f"{len(value):,} files, {sum(_n(e.get('rows')) for e in value if isinstance(e, Mapping)):,} rows"
    return ""


# ---------------------------------------------------------------------------------------------- reporters


class LogReporter:
    """One log record per stage and per step (no per-file records)."""

    def stage_started(self, stage: str, regions: list[str]) -> None:
        log.info("%s: start, %d region(s): %s", stage, len(regions), " ".join(regions) or "-")

    def stage_finished(self, stage: str, ok: int, failed: int, seconds: float) -> None:
        log.info("%s: end, %d region(s) ok, %d failed, %.1f s", stage, ok, failed, seconds)

    def step_started(self, stage: str, region: str) -> None:
        log.info("%s %s: start", stage, region)

    def step_finished(self, stage: str, region: str, seconds: float, counts: str, error: str | None) -> None:
        if error is None:
            log.info("%s %s: end, %s, %.1f s", stage, region, counts or "done", seconds)
        else:
            log.info("%s %s: failed after %.1f s: %s", stage, region, seconds, error)

    def files_expected(self, n: int) -> None:
        pass

    def file_parsed(self, rows: int) -> None:
        pass

    def close(self) -> None:
        pass


class RichReporter(LogReporter):
    """rich.progress bars on stderr: stages (regions done), the region in work (files, rows, rate, ETA)."""

    def __init__(self, console=None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RowsColumn(ProgressColumn):
            def render(self, task):  # rows so far and rows per second
                rows = task.fields.get("rows")
                if rows is None:
                    return Text("")
                rate = rows / task.elapsed if task.elapsed else 0.0
                return Text(f"{rows:,} rows  {rate:,.0f}/s")

        self.console = console or Console(stderr=True)
        self.bars = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RowsColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.bars.start()
        self._stage = None
        self._step = None
        self._lock = threading.Lock()

    def stage_started(self, stage: str, regions: list[str]) -> None:
        with self._lock:
            self._stage = self.bars.add_task(f"{stage:<9} regions", total=len(regions) or None)

    def stage_finished(self, stage: str, ok: int, failed: int, seconds: float) -> None:
        with self._lock:
            if self._stage is not None:
                self.bars.update(self._stage, description=f"{stage:<9} {ok} ok, {failed} failed")
                self.bars.stop_task(self._stage)
                self._stage = None

    def step_started(self, stage: str, region: str) -> None:
        with self._lock:
            unit = "files" if stage == "ingest" else "step"
            self._step = self.bars.add_task(f"  {stage} {region} {unit}", total=None, rows=0 if stage == "ingest" else None)

    def step_finished(self, stage: str, region: str, seconds: float, counts: str, error: str | None) -> None:
        with self._lock:
            if self._step is not None:
                self.bars.remove_task(self._step)
                self._step = None
            if self._stage is not None:
                self.bars.advance(self._stage)
        from rich.markup import escape

        status = f"[red]failed[/] {escape(error)}" if error else escape(counts or "done")
        self.console.print(f"{stage} {region}: {status} ({seconds:.1f} s)", highlight=False)

    def files_expected(self, n: int) -> None:
        with self._lock:
            if self._step is not None:
                self.bars.update(self._step, total=n)

    def file_parsed(self, rows: int) -> None:
        with self._lock:
            if self._step is not None:
                task = self.bars._tasks.get(self._step)
                self.bars.update(self._step, advance=1, rows=(task.fields.get("rows") or 0) + rows if task else rows)

    def close(self) -> None:
        self.bars.stop()


class _QueueSink:
    """A child process's file events, sent to the parent's display."""

    def __init__(self, queue) -> None:
        self.queue = queue

    def files_expected(self, n: int) -> None:
        self.queue.put(("files_expected", n))

    def file_parsed(self, rows: int) -> None:
        self.queue.put(("file_parsed", rows))


_reporter: LogReporter | None = None  # this process's display (None: log records, the default)
_channel = None  # the parent's queue children send file events through (rich display only)
_listener: threading.Thread | None = None
_sink: _QueueSink | None = None  # in a child: where its file events go


def reporter() -> LogReporter:
    global _reporter
    if _reporter is None:
        _reporter = LogReporter()
    return _reporter


def configure(mode: str = AUTO, stream=None) -> str:
    """Pick this command's display: rich bars on a terminal, log records elsewhere, nothing when quiet.

    Returns the mode picked. Log records go to stderr whatever the root logger's level (a plain run
    shows its progress; `-v` adds the packages' own INFO records)."""
    global _reporter, _channel, _listener
    close()
    stream = sys.stderr if stream is None else stream
    if mode == AUTO:
        mode = RICH if getattr(stream, "isatty", lambda: False)() and os.environ.get("TERM") != "dumb" else LOG
    if mode == QUIET:
        log.setLevel(logging.WARNING)
        _reporter = LogReporter()
        return mode
    log.setLevel(logging.INFO)
    if mode == RICH:
        import multiprocessing

        _reporter = RichReporter()
        _channel = multiprocessing.get_context("spawn").Queue()
        _listener = threading.Thread(target=_listen, args=(_channel, _reporter), name="progress-listener", daemon=True)
        _listener.start()
    else:
        _reporter = LogReporter()
    return mode


def _listen(channel, target: LogReporter) -> None:
    while True:
        item = channel.get()
        if item is None:
            return
        kind, n = item
        getattr(target, kind)(n)


def close() -> None:
    """End the display (bars stop, the listener thread ends)."""
    global _reporter, _channel, _listener
    if _channel is not None:
        _channel.put(None)
        if _listener is not None:
            _listener.join(timeout=5)
        _channel.close()
    if _reporter is not None:
        _reporter.close()
    _reporter, _channel, _listener = None, None, None


def child_channel():
    """What a spawned step process needs to send file events to this display (None: nothing to send)."""
    return _channel


def child_init(level: int, channel=None) -> None:
    """Initializer of the run's child processes: the command's logging, and the display's queue."""
    global _sink
    from pa_base.logs import configure_logging

    configure_logging(level)
    _sink = _QueueSink(channel) if channel is not None else None


# -------------------------------------------------------------------------------- events (any process)


def stage_started(stage: str, regions: list[str]) -> float:
    reporter().stage_started(stage, list(regions))
    return time.perf_counter()


def stage_finished(stage: str, started: float, ok: int, failed: int) -> None:
    reporter().stage_finished(stage, ok, failed, time.perf_counter() - started)


def step_started(stage: str, region: str) -> None:
    reporter().step_started(stage, region)


def step_finished(stage: str, region: str, seconds: float, value: Any = None, error: BaseException | str | None = None) -> None:
    counts = "" if error is not None else step_counts(stage, value)
    reporter().step_finished(stage, region, seconds, counts, None if error is None else str(error))


def files_expected(n: int) -> None:
    """Ingestion: this step will look at n landing files."""
    (_sink or reporter()).files_expected(n)


def file_parsed(rows: int) -> None:
    """Ingestion: one more landing file parsed, with its rows."""
    (_sink or reporter()).file_parsed(rows)


class _Events:
    """Receiver of pa_base.events (ingestion's file events): this process's display, or in a run's
    child the queue to the parent's display."""

    def files_expected(self, n: int) -> None:
        files_expected(n)

    def file_parsed(self, rows: int) -> None:
        file_parsed(rows)


events.connect(_Events())


# ---------------------------------------------------------------------------------------------- generate


def region_generated(region: str, stats: Mapping[str, Any], files_before: Mapping[str, int], files_after: Mapping[str, int], seconds: float) -> None:
    """`generate -v`: one record per dataset of the region just written (files, items/rows) and one for the region."""
    rows_of = {
        "cdr": stats.get("cdr_rows"),
        "media_quality": stats.get("media_items"),
        "call_queue_stats": stats.get("queue_stats_rows"),
        "meeting_participants": stats.get("meeting_participants"),
    }
    logger = logging.getLogger("partner_analytics.generate")
    for dataset in sorted(files_after):
        files = files_after[dataset] - files_before.get(dataset, 0)
        if files <= 0:
            continue
        rows = rows_of.get(dataset, stats.get(f"{dataset}_items"))
        logger.info("generate %s %s: %d files%s", region, dataset, files, f", {_n(rows):,} rows" if rows is not None else "")
    logger.info("generate %s: %s call legs, %s customers, %.1f s", region, f"{_n(stats.get('legs')):,}", f"{_n(stats.get('customers')):,}", seconds)


# ---------------------------------------------------------------------------------------------- the end


def _mib(n: Any) -> str:
    return f"{_n(n) / 2**20:,.0f} MiB" if n else "-"


def dashboard_path(home: Path, region: str, week_ending: str) -> Path | None:
    """The region's dashboard page for the week (SPEC §11), when a run wrote one."""
    page = Path(home) / "dashboard" / region / f"{week_ending}.html"
    return page if page.exists() else None


def region_rows(summaries: Mapping[str, Mapping[str, Any]], home: Path) -> list[dict]:
    """One row per region of a run's table, from its summaries (what summary.json holds)."""
    out = []
    for region, s in summaries.items():
        t = ingest_totals(s.get("datasets"))
        peaks = (s.get("peak_rss_bytes") or {}).values()
        dashboard = dashboard_path(home, region, str(s.get("week_ending", "")))
        out.append(
            {
                "region": region,
                "status": s.get("status", "?") + (f" ({s['failed_step']})" if s.get("failed_step") else ""),
                "read": t["read"],
                "loaded": t["loaded"],
                "quarantined": t["quarantined"],
                "seconds": round(sum(float(v) for v in (s.get("timings_seconds") or {}).values()), 1),
                "peak_rss_bytes": max(peaks) if peaks else None,
                "exports": len(s.get("exports") or []),
                "dashboard": str(dashboard) if dashboard else "",
            }
        )
    return out


def run_summaries(home: Path, week_ending: str, regions: Iterable[str], since: float | None = None) -> dict[str, dict]:
    """The summaries a run left in <home>/runs/<D>/<REGION>/summary.json (failed regions included);
    with `since` (a time.time()), only those written since then (not an earlier run's)."""
    import json

    out = {}
    for region in regions:
        f = Path(home) / "runs" / week_ending / region / "summary.json"
        if f.exists() and (since is None or f.stat().st_mtime >= since):
            try:
                out[region] = json.loads(f.read_text(encoding="utf-8"))
            except ValueError:
                continue
    return out


def render_table(summaries: Mapping[str, Mapping[str, Any]], home: Path, console=None) -> None:
    """The end-of-run table on stderr (stdout keeps the results: summary, data docs and export paths)."""
    from rich.console import Console
    from rich.table import Table

    rows = region_rows(summaries, home)
    if not rows:
        return
    table = Table(title="partner-analytics run", title_justify="left", expand=False)
    for name, justify in (
        ("region", "left"),
        ("status", "left"),
        ("rows read", "right"),
        ("loaded", "right"),
        ("quarantined", "right"),
        ("seconds", "right"),
        ("peak memory", "right"),
        ("exports", "right"),
        ("dashboard", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=name != "dashboard")
    for r in rows:
        table.add_row(
            r["region"],
            r["status"],
            f"{r['read']:,}",
            f"{r['loaded']:,}",
            f"{r['quarantined']:,}",
            f"{r['seconds']:.1f}",
            _mib(r["peak_rss_bytes"]),
            str(r["exports"]),
            r["dashboard"] or "-",
        )
    (console or Console(stderr=True, width=None if sys.stderr.isatty() else 160)).print(table)


def end_of_run(landing: Path, home: Path, week_ending: str, requested: list[str] | None, quiet: bool = False, since: float | None = None) -> None:
    """Close the display and print the run's per-region table on stderr (not under --quiet).

    Read back from each region's summary.json, so a failed run's table shows its failed regions too.
    Never raises: the table is for the operator, the exit code is the run's."""
    close()
    if quiet:
        return
    try:
        from partner_analytics import periods, pipeline

        d = periods.week_ending(week_ending).isoformat()
        regions = pipeline.landing_regions(Path(landing), requested)
        render_table(run_summaries(Path(home), d, regions, since), Path(home))
    except Exception as exc:  # a bad argument is reported by the command itself
        log.debug("no end-of-run table: %s", exc)


# The resource tracker of multiprocessing (a separate process) warns at exit about semaphores the libraries
# of a step (dbt's spawn-context locks, polars/GX pools) left for it to clean up. It cleans them; the
# warning is noise, yet Airflow logs a task's stderr at ERROR. The tracker inherits the environment, so a
# warnings filter there reaches it; the filter names only that warning's module.
BENIGN_WARNINGS = "ignore::UserWarning:multiprocessing.resource_tracker"


def quiet_benign_warnings(environ=None) -> None:
    """Keep the resource tracker's leaked-semaphore warning out of Airflow's task log (an operator's
    own PYTHONWARNINGS is kept and extended, never replaced)."""
    environ = os.environ if environ is None else environ
    current = environ.get("PYTHONWARNINGS", "")
    if BENIGN_WARNINGS not in current.split(","):
        environ["PYTHONWARNINGS"] = ",".join(filter(None, [current, BENIGN_WARNINGS]))
