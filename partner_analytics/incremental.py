"""Incremental builds (SPEC 13 "cost follows the new data"): which leg weeks a weekly build recomputes.

The leg facts are stored per leg week in `intermediate.int_call_legs_weekly` (a dbt incremental
model); everything else the calling reports need that depends on D is small or read through views.
A weekly build starts from a copy of the live warehouse (its base) and recomputes only the weeks of
the calling window whose inputs changed since the base was built: week w reads the CDR partition
`cdr/week_ending=w` and the media partitions `media_quality/week_ending=w` and `w + 7` (a leg's media
record is placed in its own week or the next, `calling_leg_media_join` in macros/calling_legs.sql). A week is recomputed when any
of those files was added, removed or rewritten, or when the base did not hold the week.

What the base was built from is recorded in the base itself (table `intermediate.incremental_state`,
one JSON row: the build key and a fingerprint per lake file), so nothing depends on which run
ingested what: a build that failed, a week skipped, a late CDR or a partition rewritten by hand is
still seen. A fingerprint is the file's size, mtime and a hash of its last 64 KiB (the Parquet
footer: row counts, offsets and statistics), so a file rewritten within the file system's timestamp
granularity is still told apart; no file is read whole. Not the inode: a home copied or restored
with its mtimes (`cp -a`, rsync, a backup) holds the same files, and an earlier fingerprint with the
inode made such a copy recompute every week of the window (the steady-state benchmark, which runs
from a copy of last week's home, did so until this was found).

The same holds for the people's activity: `intermediate.int_calling_active_days` (one row per User UUID
and UTC day with a leg, stored per CDR week) and `intermediate.int_meeting_active_days` (one row per
lower-cased email and UTC day with a meeting participation, per meeting week). The subscription
analytics' 90-day usage windows of the 8 trend weeks reach 20 weeks back, so without them every weekly
build read ~20 weeks of CDRs and meetings again. A weekly build recomputes only the weeks of that horizon
(`activity_weeks` for the CDRs, `meeting_weeks` for the meetings) whose partition changed or that the
base did not hold.

A full build (no base, `--full-refresh` to dbt) whenever incrementality cannot be shown correct:
`run --full-refresh`, no live warehouse or one without state, a base built by different code or
settings (the build key: model SQL, macros, thresholds, scope, report period), a base holding a
newer week than D (a backfill), or a build with a report period or admin scope (those rebuild
disposable copies)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path

from partner_analytics import paths

log = logging.getLogger(__name__)

STATE_SCHEMA = "intermediate"
STATE_TABLE = "incremental_state"
DATASETS = ("cdr", "media_quality", "meeting_participants")
TREND_WEEKS = 8  # the calling window of a weekly build: week endings D - 49 ... D (macros/calling.sql)
# the event weeks the activity flags read (macro usage_window_weeks_filter): the trend weeks' 90-day windows,
# [D - 139 days, D), with the lake's one-week slack each side: week endings in (D - 146 days, D + 14 days]
ACTIVITY_WEEKS_BACK, ACTIVITY_WEEKS_AHEAD = 20, 2
# the stored activity days: dbt var (and state key) -> the lake dataset they are computed from
ACTIVITY_DAYS = {"activity_weeks": "cdr", "meeting_weeks": "meeting_participants"}
TAIL_BYTES = 64 * 1024
# vars that make a build something other than the plain weekly one: never incremental
NOT_INCREMENTAL_VARS = ("report_start", "report_end", "scope_org_ids")
# the files whose text decides what int_call_legs_weekly and the activity days hold
KEY_FILES = ("dbt_project.yml", "macros", "models/staging", "models/intermediate/calling", "models/intermediate/activity", "seeds")


@dataclasses.dataclass(frozen=True)
class Plan:
    """What one build does: full (no base) or incremental from `base` recomputing `leg_weeks`."""

    full_refresh: bool
    reason: str
    base: Path | None = None
    reuse: bool = False  # nothing the warehouse is built from changed since the base: no dbt at all
    leg_weeks: tuple[dt.date, ...] = ()
    window_weeks: tuple[dt.date, ...] = ()
    activity_weeks: tuple[dt.date, ...] = ()  # the CDR weeks int_calling_active_days recomputes
    meeting_weeks: tuple[dt.date, ...] = ()  # the meeting weeks int_meeting_active_days recomputes

    def dbt_vars(self) -> dict:
        if self.full_refresh:
            return {}
        return {name: [w.isoformat() for w in getattr(self, name)] for name in ("leg_weeks", *ACTIVITY_DAYS)}

    def dbt_args(self) -> list[str]:
        return ["--full-refresh"] if self.full_refresh else []


def window_weeks(week_ending: dt.date) -> tuple[dt.date, ...]:
    """The leg weeks of a weekly build's calling window, oldest first."""
    return tuple(week_ending - dt.timedelta(days=7 * back) for back in reversed(range(TREND_WEEKS)))


def activity_weeks(week_ending: dt.date) -> tuple[dt.date, ...]:
    """The event lake weeks the activity flags of a weekly build read (D - 140 ... D + 14 days), oldest first."""
    return tuple(week_ending + dt.timedelta(days=7 * k) for k in range(-ACTIVITY_WEEKS_BACK, ACTIVITY_WEEKS_AHEAD + 1))


def _fingerprint(path: Path) -> list:
    st = path.stat()
    with path.open("rb") as f:
        if st.st_size > TAIL_BYTES:
            f.seek(st.st_size - TAIL_BYTES)
        tail = hashlib.sha256(f.read(TAIL_BYTES)).hexdigest()[:16]
    return [st.st_size, st.st_mtime_ns, tail]


def lake_files(home: Path, region: str) -> dict[str, list]:
    """{`<dataset>/week_ending=<w>/<file>`: fingerprint} of the lake files the leg facts read."""
    lake = paths.lake_dir(home, region)
    out = {}
    for dataset in DATASETS:
        for f in sorted((lake / dataset).glob("week_ending=*/*.parquet")):
            out[f.relative_to(lake).as_posix()] = _fingerprint(f)
    return out


def all_lake_digest(home: Path, region: str) -> str:
    """One hash over the fingerprints of every lake file the region's build reads (its own lake and the
    partner lake): equal digests, same inputs."""
    digest = hashlib.sha256()
    for lake in (paths.lake_dir(home, region), paths.partner_lake_dir(home)):
        for f in sorted(lake.rglob("*.parquet")):
            digest.update(f"{lake.name}/{f.relative_to(lake).as_posix()}:{_fingerprint(f)}\n".encode())
    return digest.hexdigest()


def build_key(variables: dict) -> str:
    """What the stored weeks were computed with besides the lake: the dbt project's model, macro and
    seed text and the vars other than D (thresholds, scope, report period)."""
    digest = hashlib.sha256()
    root = paths.DBT_PROJECT_DIR
    for rel in KEY_FILES:
        target = root / rel
        files = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
        for f in files:
            digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    settings = {k: v for k, v in variables.items() if k not in ("week_ending", "home", "leg_weeks", *ACTIVITY_DAYS)}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _week_files(files: dict[str, list], week: dt.date, dataset: str | None = None) -> dict[str, list]:
    """The lake files leg week `week` is computed from (CDR of the week, media of the week and the next),
    or those of one dataset's week (what its stored activity days are computed from)."""
    if dataset is not None:
        prefixes: tuple[str, ...] = (f"{dataset}/week_ending={week.isoformat()}/",)
    else:
        prefixes = (
            f"cdr/week_ending={week.isoformat()}/",
            f"media_quality/week_ending={week.isoformat()}/",
            f"media_quality/week_ending={(week + dt.timedelta(days=7)).isoformat()}/",
        )
    return {rel: fp for rel, fp in files.items() if rel.startswith(prefixes)}


def changed_weeks(base_state: dict, files: dict[str, list], weeks: tuple[dt.date, ...], held_as: str = "weeks") -> tuple[dt.date, ...]:
    """The weeks of `weeks` the base does not hold or whose input files differ from the base's: the leg weeks
    (state key `weeks`), or with `held_as` a key of ACTIVITY_DAYS the weeks of those activity days, computed
    from that dataset's files alone (a base recorded before they were stored holds none)."""
    held = set(base_state.get(held_as, []))
    base_files = base_state.get("files", {})
    dataset = ACTIVITY_DAYS.get(held_as)
    return tuple(w for w in weeks if w.isoformat() not in held or _week_files(base_files, w, dataset) != _week_files(files, w, dataset))


def read_state(warehouse: Path) -> tuple[dict | None, dt.date | None]:
    """(incremental state, run_info week ending) of a warehouse; None for what it does not have."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {(s, t) for s, t in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()}
        state = None
        if (STATE_SCHEMA, STATE_TABLE) in tables:
            row = con.execute(f"select state from {STATE_SCHEMA}.{STATE_TABLE}").fetchone()
            state = json.loads(row[0]) if row else None
        week = None
        if ("marts", "run_info") in tables:
            row = con.execute("select week_ending from marts.run_info").fetchone()
            week = row[0] if row else None
        return state, week
    finally:
        con.close()


def write_state(warehouse: Path, week_ending: dt.date, variables: dict, files: dict[str, list], lake_digest: str | None = None) -> None:
    """Record in a built warehouse what its leg weeks were computed from (the next build's base)."""
    from partner_analytics.warehouse import open_for_write

    state = {
        "key": build_key(variables),
        "week_ending": week_ending.isoformat(),
        "weeks": [w.isoformat() for w in window_weeks(week_ending)],
        **{name: [w.isoformat() for w in activity_weeks(week_ending)] for name in ACTIVITY_DAYS},
        "files": files,
        "lake_digest": lake_digest,
    }
    con = open_for_write(warehouse)
    try:
        con.execute(f"create schema if not exists {STATE_SCHEMA}")
        con.execute(f"create or replace table {STATE_SCHEMA}.{STATE_TABLE} (state varchar)")
        con.execute(f"insert into {STATE_SCHEMA}.{STATE_TABLE} values (?)", [json.dumps(state, sort_keys=True)])
        con.execute(
            f"comment on table {STATE_SCHEMA}.{STATE_TABLE} is 'What intermediate.int_call_legs_weekly, "
            "int_calling_active_days and int_meeting_active_days were computed from (build key, their weeks, a "
            "fingerprint per lake file): the next weekly build recomputes only the weeks whose files changed "
            "(partner_analytics/incremental.py).'"
        )
        con.execute("checkpoint")
    finally:
        con.close()


def plan(home: Path, region: str, week_ending: dt.date, variables: dict, full_refresh: bool = False) -> tuple[Plan, dict]:
    """How to build the region for D, and the lake fingerprints to record once it is built."""
    files = lake_files(home, region)
    weeks = window_weeks(week_ending)

    def full(reason: str) -> tuple[Plan, dict]:
        return Plan(True, reason, window_weeks=weeks), files

    if full_refresh:
        return full("--full-refresh")
    if any(variables.get(k) is not None for k in NOT_INCREMENTAL_VARS):
        return full("a report period or admin scope")
    live = paths.warehouse_path(home, region)
    if not live.exists():
        return full("no live warehouse")
    try:
        state, built = read_state(live)
    except Exception as exc:  # unreadable or locked: build from nothing rather than guess
        return full(f"live warehouse not readable ({exc})")
    if state is None:
        return full("the live warehouse records no incremental state")
    if built is None or built > week_ending:
        return full(f"backfill: the live warehouse holds week ending {built}, newer than {week_ending}")
    if state.get("key") != build_key(variables):
        return full("the live warehouse was built by other code or settings")
    todo = changed_weeks(state, files, weeks)
    horizon = activity_weeks(week_ending)
    days = {name: changed_weeks(state, files, horizon, name) for name in ACTIVITY_DAYS}
    if not todo and not any(days.values()) and built == week_ending and state.get("lake_digest") == all_lake_digest(home, region):
        # a re-run of the live week on an unchanged lake: the live warehouse is what a build would give
        return Plan(False, "nothing changed since the live warehouse was built for this week", base=live.resolve(), reuse=True, window_weeks=weeks), files
    reason = (
        f"{len(todo)} of {len(weeks)} leg weeks, {len(days['activity_weeks'])} of {len(horizon)} activity weeks and "
        f"{len(days['meeting_weeks'])} of {len(horizon)} meeting weeks changed"
    )
    return Plan(False, reason, base=live.resolve(), leg_weeks=todo, window_weeks=weeks, **days), files


def stage_base(base: Path, building: Path, link: bool = False) -> float:
    """Stage the base warehouse (and its WAL) at the path the build writes; returns seconds.

    A plain file copy (the kernel's copy_file_range/sendfile under shutil, a reflink where the file
    system has them): its cost follows the warehouse's size, which follows the calling window, not
    the lake's history (old weeks leave int_call_legs_weekly). link=True (a no-op re-run: nothing
    the base was built from changed) stages the base file itself as a hard link instead: the version
    published next holds the same file, its run_info still naming the run that built it, at no cost
    whatever its size (a copy of the US warehouse at m is ~5 s a GiB). Nothing may write a linked
    staged warehouse (the exports open it read-only), or two versions would change together."""
    started = time.perf_counter()
    place = os.link if link else shutil.copyfile
    building.parent.mkdir(parents=True, exist_ok=True)
    place(base, building)
    wal = base.with_name(base.name + ".wal")
    if wal.exists():
        place(wal, building.with_name(building.name + ".wal"))
    return time.perf_counter() - started
