"""partner_analytics.incremental: which leg weeks a weekly build recomputes, and when it must build
everything (SPEC 13). Small hand-made lakes and warehouses; no dbt."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import pytest

from partner_analytics import incremental, paths

D = dt.date(2026, 11, 22)
VARS = {"region": "US", "home": "/x", "week_ending": D.isoformat(), "poor_jitter_ms": 150.0}


def _write(home: Path, rel: str, data: bytes) -> Path:
    f = paths.lake_dir(home, "US") / rel
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_bytes(data)
    return f


def _lake(home: Path) -> None:
    for w in incremental.window_weeks(D):
        _write(home, f"cdr/week_ending={w}/data.parquet", f"cdr {w}".encode())
        _write(home, f"media_quality/week_ending={w}/data.parquet", f"media {w}".encode())


def _live(home: Path, built: dt.date, variables: dict = VARS) -> Path:
    """A live warehouse as a build for `built` leaves it: run_info and the incremental state."""
    wh = paths.warehouse_path(home, "US")
    wh.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(wh)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.run_info as select ?::date as week_ending", [built])
    incremental.write_state(wh, built, {**variables, "week_ending": built.isoformat()}, incremental.lake_files(home, "US"))
    return wh


def test_window_is_the_eight_trend_weeks() -> None:
    weeks = incremental.window_weeks(D)
    assert weeks[0] == dt.date(2026, 10, 4) and weeks[-1] == D and len(weeks) == 8
    assert all((b - a).days == 7 for a, b in zip(weeks, weeks[1:]))


def test_unchanged_lake_recomputes_nothing(tmp_path: Path) -> None:
    _lake(tmp_path)
    _live(tmp_path, D)
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert not plan.full_refresh and plan.leg_weeks == () and plan.activity_weeks == () == plan.meeting_weeks
    assert plan.dbt_vars() == {"leg_weeks": [], "activity_weeks": [], "meeting_weeks": []} and plan.dbt_args() == []


def test_a_late_cdr_recomputes_its_week_and_media_the_week_and_the_one_before(tmp_path: Path) -> None:
    _lake(tmp_path)
    _live(tmp_path, D)
    # a late CDR rewrites the 2026-10-18 partition in place with the same size and mtime: only the
    # hash of the file's tail (the Parquet footer) tells it apart
    old = (paths.lake_dir(tmp_path, "US") / "cdr/week_ending=2026-10-18/data.parquet").stat()
    f = _write(tmp_path, "cdr/week_ending=2026-10-18/data.parquet", b"CDR 2026-10-18")
    os.utime(f, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns, f.stat().st_ino) == (old.st_size, old.st_mtime_ns, old.st_ino)
    # a new media file in the 2026-11-08 partition: legs of 2026-11-01 may own its records
    _write(tmp_path, "media_quality/week_ending=2026-11-08/late.parquet", b"late media")
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert not plan.full_refresh
    assert plan.leg_weeks == (dt.date(2026, 10, 18), dt.date(2026, 11, 1), dt.date(2026, 11, 8))
    # the people's calling activity reads CDRs only: the media file changes none of its weeks
    assert plan.activity_weeks == (dt.date(2026, 10, 18),) and plan.meeting_weeks == ()
    assert plan.dbt_vars() == {"leg_weeks": ["2026-10-18", "2026-11-01", "2026-11-08"], "activity_weeks": ["2026-10-18"], "meeting_weeks": []}


def test_a_home_copied_with_its_mtimes_recomputes_nothing(tmp_path: Path) -> None:
    """An operator moves or restores the home (cp -a, rsync -a, a backup): every lake file has a new
    inode but the same bytes and mtime, so no week is recomputed; the re-run of the live week reuses it."""
    import shutil

    _lake(tmp_path / "a")
    _live(tmp_path / "a", D)
    (paths.lake_dir(tmp_path / "a", "US").parent / "partner").mkdir()
    wh = paths.warehouse_path(tmp_path / "a", "US")
    incremental.write_state(wh, D, VARS, incremental.lake_files(tmp_path / "a", "US"), incremental.all_lake_digest(tmp_path / "a", "US"))
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # copy2: new inodes, mtimes kept
    copied = paths.lake_dir(tmp_path / "b", "US") / "cdr/week_ending=2026-10-18/data.parquet"
    assert copied.stat().st_ino != (paths.lake_dir(tmp_path / "a", "US") / "cdr/week_ending=2026-10-18/data.parquet").stat().st_ino
    plan, _ = incremental.plan(tmp_path / "b", "US", D, VARS)
    assert not plan.full_refresh and plan.leg_weeks == () and plan.reuse
    # the same copy with one file's mtime moved: that file's week is a change
    os.utime(copied, ns=(copied.stat().st_atime_ns, copied.stat().st_mtime_ns + 1))
    plan, _ = incremental.plan(tmp_path / "b", "US", D, VARS)
    assert plan.leg_weeks == (dt.date(2026, 10, 18),) and not plan.reuse


def test_a_removed_partition_file_is_a_change(tmp_path: Path) -> None:
    _lake(tmp_path)
    _live(tmp_path, D)
    (paths.lake_dir(tmp_path, "US") / "cdr/week_ending=2026-10-11/data.parquet").unlink()
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert plan.leg_weeks == (dt.date(2026, 10, 11),)


def test_next_week_recomputes_the_new_week_and_weeks_the_base_did_not_hold(tmp_path: Path) -> None:
    _lake(tmp_path)
    previous = D - dt.timedelta(days=14)  # a week was skipped: the base holds D - 63 ... D - 14
    _live(tmp_path, previous)
    _write(tmp_path, f"cdr/week_ending={D + dt.timedelta(days=7)}/data.parquet", b"next")
    plan, files = incremental.plan(tmp_path, "US", D, VARS)
    assert plan.leg_weeks == (D - dt.timedelta(days=7), D)
    assert f"cdr/week_ending={D + dt.timedelta(days=7)}/data.parquet" in files
    # the activity horizon moved two weeks: D + 7 (new CDRs) and D + 14, which the base did not hold
    assert plan.activity_weeks == (D + dt.timedelta(days=7), D + dt.timedelta(days=14))
    assert plan.meeting_weeks == (D + dt.timedelta(days=7), D + dt.timedelta(days=14))


def test_activity_weeks_are_the_cdr_weeks_of_the_trend_weeks_90_day_windows() -> None:
    weeks = incremental.activity_weeks(D)
    # usage windows [D - 49 - 90 days, D) = [2026-07-06, 2026-11-22), one lake week of slack each side
    assert weeks[0] == dt.date(2026, 7, 5) and weeks[-1] == dt.date(2026, 12, 6) and len(weeks) == 23
    assert all((b - a).days == 7 for a, b in zip(weeks, weeks[1:]))


def test_an_old_corrected_cdr_and_late_meetings_recompute_their_activity_weeks_only(tmp_path: Path) -> None:
    _lake(tmp_path)
    _write(tmp_path, "cdr/week_ending=2026-08-16/data.parquet", b"cdr 2026-08-16")
    _write(tmp_path, "meeting_participants/week_ending=2026-08-09/data.parquet", b"meetings 2026-08-09")
    _live(tmp_path, D)
    _write(tmp_path, "cdr/week_ending=2026-08-16/added-0001.parquet", b"late cdr")
    # a new media file of the same old week changes nothing these tables store
    _write(tmp_path, "media_quality/week_ending=2026-08-16/data.parquet", b"media 2026-08-16")
    # a late meeting file of another old week: its meeting week only
    _write(tmp_path, "meeting_participants/week_ending=2026-08-09/added-0001.parquet", b"late meetings")
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert not plan.full_refresh and not plan.reuse
    assert plan.leg_weeks == () and plan.activity_weeks == (dt.date(2026, 8, 16),) and plan.meeting_weeks == (dt.date(2026, 8, 9),)
    assert "0 of 8 leg weeks, 1 of 23 activity weeks and 1 of 23 meeting weeks changed" in plan.reason


def test_a_base_recorded_before_activity_days_were_stored_recomputes_every_week_of_them(tmp_path: Path) -> None:
    _lake(tmp_path)
    wh = _live(tmp_path, D)
    with duckdb.connect(str(wh)) as con:
        state = json.loads(con.execute("select state from intermediate.incremental_state").fetchone()[0])
        del state["activity_weeks"], state["meeting_weeks"]
        con.execute("update intermediate.incremental_state set state = ?", [json.dumps(state)])
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert plan.leg_weeks == () and plan.activity_weeks == incremental.activity_weeks(D) == plan.meeting_weeks


@pytest.mark.parametrize(
    "setup, kwargs, reason",
    [
        (lambda h: None, {"full_refresh": True}, "--full-refresh"),
        (lambda h: None, {"variables": {**VARS, "report_start": "2026-09-01", "report_end": "2026-10-01"}}, "report period or admin scope"),
        (lambda h: None, {"variables": {**VARS, "scope_org_ids": ["o1"]}}, "report period or admin scope"),
        (lambda h: paths.warehouse_path(h, "US").unlink(), {}, "no live warehouse"),
        (lambda h: _live(h, D + dt.timedelta(days=7)), {}, "backfill: the live warehouse holds week ending 2026-11-29"),
        (lambda h: _live(h, D, {**VARS, "poor_jitter_ms": 100.0}), {}, "built by other code or settings"),
    ],
)
def test_full_build_when_incrementality_cannot_be_shown(tmp_path: Path, setup, kwargs, reason) -> None:
    _lake(tmp_path)
    wh = _live(tmp_path, D)
    if "backfill" in reason or "other code" in reason:
        wh.unlink()
    setup(tmp_path)
    plan, _ = incremental.plan(tmp_path, "US", D, kwargs.get("variables", VARS), kwargs.get("full_refresh", False))
    assert plan.full_refresh and reason in plan.reason
    assert plan.dbt_args() == ["--full-refresh"] and plan.dbt_vars() == {}


def test_live_warehouse_without_state_builds_everything(tmp_path: Path) -> None:
    _lake(tmp_path)
    wh = paths.warehouse_path(tmp_path, "US")
    wh.parent.mkdir(parents=True)
    with duckdb.connect(str(wh)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.run_info as select date '2026-11-15' as week_ending")
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert plan.full_refresh and "no incremental state" in plan.reason


def test_stage_base_copies_the_warehouse_bytes(tmp_path: Path) -> None:
    _lake(tmp_path)
    wh = _live(tmp_path, D)
    target = tmp_path / "staging" / wh.name
    seconds = incremental.stage_base(wh, target)
    assert seconds >= 0 and target.read_bytes() == wh.read_bytes()


def test_rerun_of_the_live_week_on_an_unchanged_lake_reuses_the_warehouse(tmp_path: Path) -> None:
    _lake(tmp_path)
    wh = _live(tmp_path, D)
    _write(tmp_path.joinpath(), "devices/snapshot_date=2026-11-22/data.parquet", b"devices")
    incremental.write_state(wh, D, VARS, incremental.lake_files(tmp_path, "US"), incremental.all_lake_digest(tmp_path, "US"))
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert plan.reuse and not plan.full_refresh and plan.leg_weeks == ()
    # the next week on the same lake is not a re-run: its new window week is built
    later, _ = incremental.plan(tmp_path, "US", D + dt.timedelta(days=7), VARS)
    assert not later.reuse and later.leg_weeks == (D + dt.timedelta(days=7),)
    # a corrected snapshot (any lake file, not only the leg facts' inputs) means a build, of no leg week
    _write(tmp_path, "devices/snapshot_date=2026-11-22/data.parquet", b"devices, corrected")
    plan, _ = incremental.plan(tmp_path, "US", D, VARS)
    assert not plan.reuse and plan.leg_weeks == ()
