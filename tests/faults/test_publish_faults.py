"""Issue #17, findings 1-4: publishing is one rename, one writer per home and region, staging left by
a crash is removed, and `report` finds the live week in the warehouse.

A reader's view of region US is the live warehouse's run id (its `run_info`) plus the bytes of every
file it lists in `exports/US/`; after any failure it must be the whole old or the whole new view."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from e2e.conftest import CLI, build_landing

from faults.test_fault_injection import D, add_late_file
from partner_analytics import paths, pipeline, publish, reports
from partner_analytics.errors import PipelineError

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def view(home):
    """(run id of the warehouse a reader opens, {export file name: bytes} a reader lists)."""
    con = duckdb.connect(str(paths.warehouse_path(home, "US")), read_only=True)
    try:
        run_id = con.execute("select run_id from marts.run_info").fetchone()[0]
    finally:
        con.close()
    folder = paths.exports_dir(home, "US")
    return run_id, {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if not f.name.startswith(".")}


def copy_home(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    return dst


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """A home published once (old), then re-run with a late file up to a complete staged version
    (new warehouse and exports rendered, not yet published); plus that version published (new)."""
    root = tmp_path_factory.mktemp("publish")
    landing = build_landing(root / "landing")
    home = root / "home"
    pipeline.run(landing, home, D, ["US"])
    old = view(home)
    add_late_file(landing)
    real_publish = publish.publish
    publish.publish = lambda home, region: None  # everything of the re-run but the publish itself
    try:
        pipeline.run(landing, home, D, ["US"])
    finally:
        publish.publish = real_publish
    staged_home = copy_home(home, root / "staged")
    new_home = copy_home(staged_home, root / "new")
    publish.publish(new_home, "US")
    new = view(new_home)
    assert old[0] != new[0] and old[1] != new[1]
    changed = [name for name in new[1] if old[1].get(name) != new[1][name]]
    assert len(changed) >= 2  # the late legs change several reports of the same week
    return landing, staged_home, old, new


CRASH = """
import os, sys
from partner_analytics import publish
point = sys.argv[2]
publish._fault_point = lambda p: os._exit(9) if p == point else None
publish.publish(sys.argv[1], "US")
"""


@pytest.mark.parametrize("point, expected", [("staged", "old"), ("renamed", "old"), ("switched", "new"), ("pruned", "new")])
def test_a_kill_at_every_publish_point_leaves_the_old_or_the_new_week_whole(staged, tmp_path, point, expected):
    _, staged_home, old, new = staged
    home = copy_home(staged_home, tmp_path / "home")
    proc = subprocess.run([sys.executable, "-c", CRASH, str(home), point], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr  # killed at that point, no clean-up ran
    assert view(home) == {"old": old, "new": new}[expected]
    # the next start of the region removes what the killed publish left, and changes nothing a reader sees
    publish.recover(home, "US")
    assert view(home) == {"old": old, "new": new}[expected]
    assert not publish.staging_dir(home, "US").exists()
    live = publish.live_version(home, "US")
    assert [p.name for p in sorted(publish.published_dir(home, "US").iterdir()) if int(p.name) > live] == []


def test_a_rename_failing_anywhere_in_the_export_step_publishes_nothing(staged, tmp_path, monkeypatch):
    """Finding 1 through the export step alone (as on main, where every CSV was one os.replace): the
    k-th rename fails; before the last one (the swap of the live pointer) the reader's view is whole
    old, and only a step that gets through all of them shows the whole new week — never a mix. The
    step's renames are counted once first: the CSVs, the Parquet marts and the dashboard pages are all
    placed in the staged version, and the pointer swap is the very last rename."""
    landing, staged_home, old, new = staged
    real_replace = os.replace

    def run_failing_at(k: int, home: Path) -> tuple[bool, list]:
        calls = []

        def failing_replace(src, dst, *args, **kwargs):
            calls.append(Path(dst))
            if len(calls) == k:
                raise OSError(30, "Read-only file system", str(dst))
            return real_replace(src, dst, *args, **kwargs)

        with monkeypatch.context() as m:
            m.setattr(os, "replace", failing_replace)
            try:
                pipeline.export_step(home, "US", D)
                return True, calls
            except OSError:
                return False, calls

    probe = copy_home(staged_home, tmp_path / "probe")
    completed, renames = run_failing_at(0, probe)  # k = 0: nothing fails
    assert completed and view(probe) == new
    total = len(renames)
    assert renames[-1] == probe / "live" / "US"  # the one publish point comes last
    assert total > 19 + 1  # every CSV, Parquet mart and dashboard page is renamed into the staged version first
    for k in [1, 2, 10, total // 2, total - 1, total, total + 1]:
        home = copy_home(staged_home, tmp_path / f"k{k}")
        completed, calls = run_failing_at(k, home)
        assert completed == (k > total), f"rename {k} of {total}"
        assert view(home) == (new if completed else old), f"rename {k} of {total}"
        shutil.rmtree(home)


def test_stale_staging_of_a_killed_export_is_hidden_and_removed_at_the_next_start(staged, tmp_path):
    """Finding 3: a kill while the fifth report is written leaves nothing under exports/ that a
    glob picks up, and the next run of the region removes what it left."""
    landing, staged_home, old, _ = staged
    home = copy_home(staged_home, tmp_path / "home")
    script = """
import os, sys, datetime as dt
from exports import writer
from partner_analytics import pipeline
real, calls = writer._write_csv, []
def dying(con, template, target):
    calls.append(1)
    if len(calls) == 5:
        os._exit(9)
    return real(con, template, target)
writer._write_csv = dying
pipeline.export_step(sys.argv[1], "US", dt.date(2026, 11, 22))
"""
    proc = subprocess.run([sys.executable, "-c", script, str(home)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    assert [p for p in (home / "exports").glob("**/*") if p.name.startswith(".")] == []
    assert view(home) == old
    assert publish.staging_dir(home, "US").exists()  # the killed run's staged version ...
    pipeline.ingest_step(landing, home, "US", D)
    assert not publish.staging_dir(home, "US").exists()  # ... is gone when the region runs again
    assert view(home) == old


def test_report_after_a_failed_rerun_exports_the_live_week(staged, tmp_path):
    """Finding 4: the failed attempt's summary.json says failed; the live warehouse still holds D."""
    landing, staged_home, old, _ = staged
    home = copy_home(staged_home, tmp_path / "home")
    from exports import writer

    real = writer._write_csv

    def disk_full(con, template, target):
        raise OSError(28, "No space left on device")

    writer._write_csv = disk_full
    try:
        with pytest.raises(PipelineError, match="No space left"):
            pipeline.run(landing, home, D, ["US"])
    finally:
        writer._write_csv = real
    assert (paths.run_dir(home, D, "US") / "summary.json").read_text().count('"status": "failed"') == 1
    assert reports.built_week_ending(home, "US") == D
    written = reports.run_report(home, "US", "Call Volume Trend")
    assert [Path(w["path"]).name for w in written] == [n for n in old[1] if n.startswith("Call Volume Trend_")]
    assert Path(written[0]["path"]).read_bytes() == next(v for n, v in old[1].items() if n.startswith("Call Volume Trend_"))


def test_run_info_records_what_the_warehouse_holds(staged):
    _, staged_home, old, _ = staged
    info = publish.read_run_info(paths.warehouse_path(staged_home, "US"))
    assert info["week_ending"] == D and info["run_id"] == old[0]
    assert info["built_at"].tzinfo is not None and info["code_version"]


def test_two_runs_at_once_one_refuses_and_the_published_week_has_the_new_rows(tmp_path):
    """Finding 2, with real processes: while run A holds region US, run B exits 1 at once naming A;
    A publishes the late legs; no summary says succeeded over stale marts."""
    landing = build_landing(tmp_path / "landing")
    home = tmp_path / "home"
    pipeline.run(landing, home, D, ["US"])
    old = view(home)
    add_late_file(landing)
    args = [str(CLI), "run", "--landing", str(landing), "--home", str(home), "--week-ending", D.isoformat(), "--region", "US"]
    a = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = home / "locks" / "US.lock"
    deadline = time.monotonic() + 60
    while f'"pid": {a.pid}' not in (lock.read_text() if lock.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    b = subprocess.run(args, capture_output=True, text=True, timeout=300)
    b_seconds = time.monotonic() - started
    a_out, a_err = a.communicate(timeout=600)
    assert a.returncode == 0, a_err
    assert b.returncode == 1
    assert f"region US is being run by PID {a.pid} since " in b.stderr
    assert b_seconds < 15  # at once: before any step ran
    new = view(home)
    assert new[0] != old[0]
    usage = next(n for n in new[1] if n.startswith("Call Volume Trend_"))
    assert new[1][usage] != old[1][usage]  # the late legs are published
    summary = (paths.run_dir(home, D, "US") / "summary.json").read_text()
    assert '"status": "succeeded"' in summary and new[0] in summary  # the succeeded run is the one published
