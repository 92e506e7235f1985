"""Publishing a region: its warehouse and every file of its exports become live in ONE rename.

Layout under a home (README "Atomicity"):

    published/<R>/.staging/            this run's version while it is built (warehouse, exports, ...)
    published/<R>/<n>/<R>.duckdb       published version n (n = 1, 2, ...): the warehouse ...
    published/<R>/<n>/exports/*.csv    ... and the exports it was rendered from, together
    live/<R> -> ../published/<R>/<n>   THE pointer: a symlink replaced by os.replace (atomic)
    warehouse/<R>.duckdb -> ../live/<R>/<R>.duckdb   static links: the paths readers always used
    exports/<R> -> ../live/<R>/exports               resolve through the one pointer

A reader that opens `warehouse/<R>.duckdb` or lists `exports/<R>/` sees the whole old or the whole new
version. Another step that publishes files with the week (a dashboard, marts Parquet) writes them
under `stage_path(home, region, "<folder>")` before `publish` and exposes them once with
`expose(home, region, "<folder>", <public path>)`.

Only the owner of the region's lock (partner_analytics.locks) calls these functions, so `.staging`
and versions newer than the live one always belong to a crashed run of this region: `recover`
removes them at the next start. `publish` keeps the live version and the previous one.

Backfills (SPEC 13): the live version is the newest week built. A run whose staged warehouse is for
an OLDER week than the live one's `run_info` (`is_backfill`) is published to its own copy,
`published/<R>/weeks/<D>/` (warehouse, exports, marts, dashboard of that week, replaced by a re-run
of that backfill), and `live/<R>` does not move; a run for the live week or a newer one replaces live
as before."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
from pathlib import Path

from partner_analytics import paths
from partner_analytics.errors import PipelineError

log = logging.getLogger(__name__)

KEEP_VERSIONS = 2  # the live one and the previous one
STAGING = ".staging"
RUN_INFO = "run_info"
MARTS = "marts"  # partner_analytics.warehouse.MARTS: the schema analysts and BI tools read


def _fault_point(point: str) -> None:
    """Fault-injection hook: called at every publish point (tests replace it to crash there)."""


def published_dir(home: Path, region: str) -> Path:
    return Path(home) / "published" / region


def staging_dir(home: Path, region: str) -> Path:
    """The version this run is preparing (built warehouse, rendered exports, other files)."""
    return published_dir(home, region) / STAGING


def stage_path(home: Path, region: str, rel: str) -> Path:
    """Where a step puts `rel` (a file or folder) of the version being published."""
    return staging_dir(home, region) / rel


def staged_warehouse(home: Path, region: str) -> Path:
    return staging_dir(home, region) / f"{region}.duckdb"


def live_link(home: Path, region: str) -> Path:
    return Path(home) / "live" / region


def live_version(home: Path, region: str) -> int | None:
    """The number of the live version, or None before the first publish."""
    link = live_link(home, region)
    try:
        return int(os.readlink(link).rstrip("/").rsplit("/", 1)[-1])
    except (OSError, ValueError):
        return None


def _versions(home: Path, region: str) -> list[int]:
    folder = published_dir(home, region)
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file of a staged version to disk before it is renamed into place."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _symlink_atomically(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` in one rename (a new link, then os.replace over the old)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def expose(home: Path, region: str, rel: str, public: Path) -> None:
    """Make `public` (e.g. <home>/exports/<R>) a static symlink to `live/<R>/<rel>` (idempotent).

    A real file or folder at `public` (a home published before versioned publishing) is first
    carried into the live version when there is none, so readers never see it disappear."""
    home, public = Path(home), Path(public)
    target = os.path.relpath(live_link(home, region) / rel, public.parent)
    if public.is_symlink():
        if os.readlink(public) == target:
            return
        _symlink_atomically(public, target)
        return
    if public.exists():  # the old layout: a real warehouse file / exports folder
        old = public.with_name(f".{public.name}.old-layout")
        if old.exists() or old.is_symlink():
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        if public.is_dir():
            os.rename(public, old)  # a folder cannot be replaced by a link in one rename
            _symlink_atomically(public, target)
            shutil.rmtree(old)
        else:
            _symlink_atomically(public, target)
        return
    _symlink_atomically(public, target)


def _adopt_old_layout(home: Path, region: str) -> None:
    """A home published before versioned publishing (real warehouse/<R>.duckdb, exports/<R>/):
    hard-link them into version 0 and make it live, so the public paths keep their content while
    they become links."""
    warehouse, exports = paths.warehouse_path(home, region), paths.exports_dir(home, region)
    if live_version(home, region) is not None or warehouse.is_symlink() or not warehouse.is_file():
        return
    version = published_dir(home, region) / "0"
    shutil.rmtree(version, ignore_errors=True)
    (version / "exports").mkdir(parents=True)
    _link_or_copy(warehouse, version / warehouse.name)
    if exports.is_dir() and not exports.is_symlink():
        for f in exports.iterdir():
            if f.is_file() and not f.name.startswith("."):
                _link_or_copy(f, version / "exports" / f.name)
    _fsync_tree(version)
    _symlink_atomically(live_link(home, region), os.path.relpath(version, live_link(home, region).parent))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def ensure_links(home: Path, region: str) -> None:
    """The public paths of the region resolve through live/<R> (created once, kept for good)."""
    home = Path(home)
    _adopt_old_layout(home, region)
    expose(home, region, f"{region}.duckdb", paths.warehouse_path(home, region))
    expose(home, region, "exports", paths.exports_dir(home, region))
    expose(home, region, "marts", home / "marts" / region)
    expose(home, region, "dashboard", home / "dashboard" / region)


def recover(home: Path, region: str) -> list[Path]:
    """At the start of a region's run (its lock held): remove what a crashed run left — the staging
    version, versions renamed but never made live, stray temporary links. Returns what was removed."""
    home = Path(home)
    removed: list[Path] = []
    staging = staging_dir(home, region)
    if staging.exists():
        shutil.rmtree(staging)
        removed.append(staging)
    live = live_version(home, region)
    for n in _versions(home, region):
        if live is None or n > live:
            shutil.rmtree(published_dir(home, region) / str(n))
            removed.append(published_dir(home, region) / str(n))
    weeks = published_dir(home, region) / "weeks"
    if weeks.is_dir():  # a backfill interrupted between its two renames
        for old in weeks.glob(".*.old-*"):
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    for folder in (home / "live", home / "warehouse", home / "exports", home / "marts", home / "dashboard"):
        if folder.is_dir():
            for tmp in folder.glob(f".{region}*.tmp-*"):
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    for path in removed:
        log.warning("%s: removed %s left by an interrupted run", region, path)
    return removed


def new_staging(home: Path, region: str) -> Path:
    """An empty staging version for this run (anything there was left by a crashed run)."""
    staging = staging_dir(home, region)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def carry_forward(home: Path, region: str, rel: str, target: Path) -> None:
    """Hard-link the live version's files of folder `rel` (`exports`, `dashboard`) into the staged
    `target` folder, so `exports/<R>/` keeps the files of other periods (`report`, schedules) and
    `dashboard/<R>/` the pages of other weeks, which a new version does not rewrite. A backfill
    carries its own earlier copy's files forward, never the live week's."""
    target.mkdir(parents=True, exist_ok=True)
    live = live_link(home, region) / rel
    staged_week = warehouse_week(staged_warehouse(home, region)) if staged_warehouse(home, region).exists() else None
    if staged_week is not None and is_backfill(home, region, staged_week):
        live = backfill_dir(home, region, staged_week) / rel
    if not live.is_dir():
        return
    for f in live.iterdir():
        if f.is_file() and not f.name.startswith(".") and not (target / f.name).exists():
            _link_or_copy(f, target / f.name)


def publish(home: Path, region: str) -> Path:
    """Make the staged version live: rename `.staging` to the next number, then swap `live/<R>` to it
    (the one publish point), then prune. Returns the published version's folder. A staged warehouse
    of a week older than the live one is a backfill: it goes to `weeks/<D>/` and live stays."""
    home = Path(home)
    staging = staging_dir(home, region)
    if not staged_warehouse(home, region).exists():
        raise PipelineError(f"{region} publish: no warehouse built by this run in {staging} (nothing was published)")
    staged_week = warehouse_week(staged_warehouse(home, region))
    if staged_week is not None and is_backfill(home, region, staged_week):
        return _publish_backfill(home, region, staged_week)
    ensure_links(home, region)
    (staging / "exports").mkdir(exist_ok=True)  # exports/<R> always resolves to a folder
    (staging / "marts").mkdir(exist_ok=True)  # and so do marts/<R>
    (staging / "dashboard").mkdir(exist_ok=True)  # and dashboard/<R>
    _fsync_tree(staging)
    _fault_point("staged")
    numbers = _versions(home, region)
    version = published_dir(home, region) / str((max(numbers) + 1) if numbers else 1)
    os.rename(staging, version)
    _fsync_dir(version.parent)
    _fault_point("renamed")
    _symlink_atomically(live_link(home, region), os.path.relpath(version, live_link(home, region).parent))
    _fsync_dir(live_link(home, region).parent)
    _fault_point("switched")
    prune(home, region)
    _fault_point("pruned")
    log.info("%s: published version %s", region, version.name)
    return version


def prune(home: Path, region: str, keep: int = KEEP_VERSIONS) -> None:
    """Remove published versions older than the `keep` newest up to the live one."""
    live = live_version(home, region)
    if live is None:
        return
    older = [n for n in _versions(home, region) if n <= live]
    for n in older[:-keep]:
        shutil.rmtree(published_dir(home, region) / str(n), ignore_errors=True)


# ------------------------------------------------------------------------------ run_info


def code_version() -> str:
    """`git describe --always --dirty` of the checkout, else the installed package version."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=paths.REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        if out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("webex-partner-analytics")
    except PackageNotFoundError:
        return "unknown"


def write_run_info(warehouse: Path, week_ending: dt.date, run_id: str, built_at: dt.datetime | None = None) -> None:
    """Record in the warehouse what it holds: table `marts.run_info` (one row: week_ending DATE, run_id,
    built_at TIMESTAMPTZ in UTC, code_version), beside the marts analysts read. SPEC 13; `report` and the
    schedules read it."""
    from partner_analytics.warehouse import open_for_write

    built_at = built_at or dt.datetime.now(dt.UTC)
    con = open_for_write(warehouse)
    try:
        con.execute(f"create schema if not exists {MARTS}")
        con.execute(f"create or replace table {MARTS}.{RUN_INFO} (week_ending date, run_id varchar, built_at timestamptz, code_version varchar)")
        con.execute(f"insert into {MARTS}.{RUN_INFO} values (?, ?, ?, ?)", [week_ending, run_id, built_at, code_version()])
        con.execute(
            f"comment on table {MARTS}.{RUN_INFO} is 'What this warehouse holds: one row, the week ending D it was built "
            "for, the run id, when it was built (UTC) and the code version that built it.'"
        )
        con.execute("checkpoint")
    finally:
        con.close()


def read_run_info(warehouse: Path) -> dict | None:
    """The warehouse's run_info row as a dict, None when it has none (built before run_info). A warehouse
    another process holds read-write raises WarehouseLockedError (one line for the CLI)."""
    from partner_analytics.warehouse import open_read_only

    con = open_read_only(warehouse)
    try:
        found = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [MARTS, RUN_INFO]).fetchone()[0]
        if not found:
            return None
        cur = con.execute(f"select week_ending, run_id, built_at, code_version from {MARTS}.{RUN_INFO}")
        row = cur.fetchone()
        return None if row is None else dict(zip(["week_ending", "run_id", "built_at", "code_version"], row))
    finally:
        con.close()


# ------------------------------------------------------------------------------ backfills (SPEC 13)


def backfill_dir(home: Path, region: str, week_ending: dt.date | str) -> Path:
    """Where a backfill of week D is published: `published/<R>/weeks/<D>/` (same layout as a version)."""
    return published_dir(home, region) / "weeks" / _as_date(week_ending).isoformat()


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def warehouse_week(warehouse: Path) -> dt.date | None:
    """The week ending D a warehouse was built for (its run_info), None without one."""
    if not Path(warehouse).exists():
        return None
    info = read_run_info(Path(warehouse))
    return None if info is None else _as_date(info["week_ending"])


def live_week(home: Path, region: str) -> dt.date | None:
    """The week ending of the region's live warehouse (the newest week built), None before the first."""
    if live_version(home, region) is None:
        return None
    return warehouse_week(live_link(Path(home), region) / f"{region}.duckdb")


def is_backfill(home: Path, region: str, week_ending: dt.date | str) -> bool:
    """Is a run of week D for this region a backfill, i.e. older than the live week? A backfill builds
    (from scratch) into its own copy and never replaces live nor announces itself as the latest."""
    live = live_week(home, region)
    return live is not None and _as_date(week_ending) < live


def _publish_backfill(home: Path, region: str, week_ending: dt.date) -> Path:
    """Move the staged version to `weeks/<D>/`, replacing an earlier backfill of D; live is untouched."""
    staging = staging_dir(home, region)
    for folder in ("exports", "marts", "dashboard"):
        (staging / folder).mkdir(exist_ok=True)
    _fsync_tree(staging)
    target = backfill_dir(home, region, week_ending)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    _fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)
    log.info("%s: week ending %s is older than the live week %s: published as a backfill to %s", region, week_ending, live_week(home, region), target)
    return target
