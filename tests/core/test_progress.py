"""The operator's view of a run: progress records per stage and region, rich bars fed from child
processes, the end-of-run table, quiet mode, and the benign multiprocessing warning kept out of logs."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from partner_analytics import pipeline, process, progress
from partner_analytics.errors import FileFormatError

D = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _fresh_display():
    progress.close()
    yield
    progress.close()
    logging.getLogger("partner_analytics.progress").setLevel(logging.NOTSET)


def _ingested(region: str, landing, home, d) -> dict:
    # two datasets: 5 rows read = 3 loaded + 1 duplicate + 1 quarantined; 2 = 2 + 0 + 0
    if region == "EU":
        raise FileFormatError(f"{landing}/EU/cdr/bad.csv", "not UTF-8 at byte 7")
    return {
        "cdr": {"files_ingested": 2, "read": 5, "loaded": 3, "duplicates": 1, "quarantined": 1, "partitions": []},
        "customers": {"files_ingested": 1, "read": 2, "loaded": 2, "duplicates": 0, "quarantined": 0, "partitions": []},
    }


def test_a_run_logs_one_record_per_stage_and_region_with_counts(tmp_path, monkeypatch, caplog):
    landing, home = tmp_path / "landing", tmp_path / "home"
    for region in ("US", "EU"):
        (landing / region).mkdir(parents=True)
    monkeypatch.setattr(pipeline, "ingest_partner_step", lambda landing, home, d: {})
    monkeypatch.setattr(pipeline, "ingest_step", lambda landing, home, region, d: _ingested(region, landing, home, d))
    monkeypatch.setattr(
        pipeline, "validate_step", lambda home, region, d, parts: {"status": "passed", "expectations_evaluated": 42, "soft_warnings": [{"x": 1}]}
    )
    monkeypatch.setattr(pipeline, "build_step", lambda home, region, d, run_id=None: str(Path(home) / "warehouse" / f"{region}.duckdb"))
    monkeypatch.setattr(
        pipeline, "export_step", lambda home, region, d: [{"template": "a", "path": "a.csv", "rows": 7}, {"template": "b", "path": "b.csv", "rows": 0}]
    )
    assert progress.configure(progress.AUTO, stream=io.StringIO()) == progress.LOG  # not a terminal
    caplog.set_level(logging.INFO, logger="partner_analytics.progress")
    with pytest.raises(Exception, match="EU"):
        pipeline.run(landing, home, D, ["US", "EU"])
    lines = [r.getMessage() for r in caplog.records if r.name == "partner_analytics.progress"]
    seconds = r" \d+\.\d s"
    expected = [
        r"ingest: start, 2 region\(s\): US EU",
        r"ingest US: start",
        r"ingest US: end, 3 files, 7 rows read, 5 loaded, 1 duplicates, 1 quarantined," + seconds,
        r"ingest EU: start",
        r"ingest EU: failed after \d+\.\d s: .*/EU/cdr/bad.csv: not UTF-8 at byte 7",
        r"ingest: end, 1 region\(s\) ok, 1 failed," + seconds,
        r"validate: start, 1 region\(s\): US",
        r"validate US: start",
        r"validate US: end, passed, 42 expectations, 1 warnings," + seconds,
        r"validate: end, 1 region\(s\) ok, 0 failed," + seconds,
        r"build: start, 1 region\(s\): US",
        r"build US: start",
        r"build US: end, warehouse US.duckdb built," + seconds,
        r"build: end, 1 region\(s\) ok, 0 failed," + seconds,
        r"export: start, 1 region\(s\): US",
        r"export US: start",
        r"export US: end, 2 files, 7 rows," + seconds,
        r"export: end, 1 region\(s\) ok, 0 failed," + seconds,
    ]
    assert len(lines) == len(expected), lines
    for line, pattern in zip(lines, expected):
        assert re.fullmatch(pattern, line), (line, pattern)


def test_quiet_logs_no_progress(tmp_path, caplog):
    progress.configure(progress.QUIET)
    caplog.set_level(logging.INFO)
    progress.step_started("ingest", "US")
    progress.step_finished("ingest", "US", 1.0, {})
    assert [r for r in caplog.records if r.name == "partner_analytics.progress"] == []


def _emit_files(n: int, rows: int) -> int:
    """A step in a child process: n landing files of `rows` rows each."""
    progress.files_expected(n)
    for _ in range(n):
        progress.file_parsed(rows)
    return n


def test_rich_bars_count_files_and_rows_parsed_in_a_child_process():
    assert progress.configure(progress.RICH) == progress.RICH
    reporter = progress.reporter()
    assert isinstance(reporter, progress.RichReporter)
    progress.step_started("ingest", "US")
    assert process.in_child(_emit_files, 3, 10).value == 3  # a spawned child, as `partner-analytics run` uses
    task = reporter.bars._tasks[reporter._step]
    deadline = time.monotonic() + 10
    while task.completed < 3 and time.monotonic() < deadline:  # the queue is read on a thread
        time.sleep(0.05)
    assert (task.total, task.completed, task.fields["rows"]) == (3, 3, 30)


def _summary(region: str, status: str, **extra) -> dict:
    return {"region": region, "week_ending": D.isoformat(), "status": status, **extra}


def test_the_end_of_run_table_sums_each_region(tmp_path):
    home = tmp_path / "home"
    page = home / "dashboard" / "US" / f"{D.isoformat()}.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    summaries = {
        "US": _summary(
            "US", "succeeded",
            datasets={"cdr": {"read": 1000, "loaded": 990, "duplicates": 4, "quarantined": 6}, "customers": {"read": 3, "loaded": 3, "duplicates": 0, "quarantined": 0}},
            timings_seconds={"ingest": 1.25, "validate": 2.5, "build": 10.0, "export": 0.5},
            peak_rss_bytes={"ingest": 300 * 2**20, "validate": 512 * 2**20},
            exports=[{"path": "a"}, {"path": "b"}, {"path": "c"}],
        ),
        "EU": _summary("EU", "failed", failed_step="validate", datasets={"cdr": {"read": 10, "loaded": 8, "duplicates": 0, "quarantined": 2}}, timings_seconds={"ingest": 0.4, "validate": 0.2}),
    }  # fmt: skip
    rows = progress.region_rows(summaries, home)
    assert rows == [
        {"region": "US", "status": "succeeded", "read": 1003, "loaded": 993, "quarantined": 6, "seconds": 14.2,
         "peak_rss_bytes": 512 * 2**20, "exports": 3, "dashboard": str(page)},
        {"region": "EU", "status": "failed (validate)", "read": 10, "loaded": 8, "quarantined": 2, "seconds": 0.6,
         "peak_rss_bytes": None, "exports": 0, "dashboard": ""},
    ]  # fmt: skip
    from rich.console import Console

    out = io.StringIO()
    progress.render_table(summaries, home, Console(file=out, width=1000))  # wide: no tmp path (pytest -n: longer) wraps
    text = out.getvalue()
    us = next(line for line in text.splitlines() if "│ US" in line)
    assert [c.strip() for c in us.strip("│ ").split("│")] == ["US", "succeeded", "1,003", "993", "6", "14.2", "512 MiB", "3", str(page)]
    eu = next(line for line in text.splitlines() if "│ EU" in line)
    assert [c.strip() for c in eu.strip("│ ").split("│")] == ["EU", "failed (validate)", "10", "8", "2", "0.6", "-", "0", "-"]


def test_the_table_shows_only_this_runs_summaries(tmp_path):
    home = tmp_path / "home"
    for region in ("US", "EU"):
        f = home / "runs" / D.isoformat() / region / "summary.json"
        f.parent.mkdir(parents=True)
        f.write_text(json.dumps(_summary(region, "succeeded")))
    old = home / "runs" / D.isoformat() / "EU" / "summary.json"
    os.utime(old, (time.time() - 3600, time.time() - 3600))  # an earlier run's
    assert list(progress.run_summaries(home, D.isoformat(), ["US", "EU"], since=time.time() - 60)) == ["US"]


def test_the_resource_trackers_leak_warning_is_filtered_only_there():
    env = {}
    progress.quiet_benign_warnings(env)
    progress.quiet_benign_warnings(env)  # idempotent
    assert env == {"PYTHONWARNINGS": "ignore::UserWarning:multiprocessing.resource_tracker"}
    mine = {"PYTHONWARNINGS": "error::DeprecationWarning"}
    progress.quiet_benign_warnings(mine)
    assert mine["PYTHONWARNINGS"] == "error::DeprecationWarning,ignore::UserWarning:multiprocessing.resource_tracker"
    # A process that leaves a spawn-context lock to the resource tracker: the tracker warns, unless filtered.
    code = (
        "import multiprocessing, os, sys, time\n"
        "from partner_analytics import progress\n"
        "if sys.argv[1] == 'filtered': progress.quiet_benign_warnings()\n"
        "lock = multiprocessing.get_context('spawn').Lock()\n"
        "os._exit(0)\n"
    )
    outputs = {}
    for mode in ("plain", "filtered"):
        proc = subprocess.Popen([sys.executable, "-c", code, mode], stderr=subprocess.PIPE, text=True)
        outputs[mode] = proc.communicate(timeout=60)[1]  # stderr closes when the tracker exits too
    assert "leaked semaphore" in outputs["plain"]
    assert "leaked semaphore" not in outputs["filtered"]


def test_rich_lines_print_error_text_as_is():
    from rich.console import Console

    out = io.StringIO()
    reporter = progress.RichReporter(Console(file=out, width=200))
    try:
        reporter.step_finished("ingest", "US", 1.0, "", "unknown region(s) [MARS]; regions are [US, CA]")
    finally:
        reporter.close()
    assert "ingest US: failed unknown region(s) [MARS]; regions are [US, CA] (1.0 s)" in out.getvalue()
