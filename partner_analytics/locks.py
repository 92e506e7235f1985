"""One writer per home and region: an OS file lock plus a run-owner record (README "Atomicity").

`<home>/locks/<REGION>.lock` is locked with `fcntl.flock` (exclusive, never waited for) by whoever is
writing the region's lake, staging or published versions, and holds a JSON record of the run that
owns the region: run id, PID, host, since when, and whether the claim outlives the process.

- The CLI run (`pipeline.run`) takes the lock of every region it runs, in its own process, before the
  first step, and holds it until the last region published (steps run in child processes; the
  parent's lock covers them). A second run exits 1 at once: "region US is being run by PID n since t".
- An Airflow run's tasks are separate processes: each task takes the lock for its step, and the
  region's first task (ingest) leaves a *claim* for its run id when its process ends. Another run
  (CLI or Airflow) is refused while that claim is open; the run's later tasks (same run id) go on.
  The claim is closed when the region finishes (summary task) or fails (any step's failure); a claim
  whose task was killed in its step (record says in_step, yet the lock is free) is void, and any
  claim is ignored once older than PA_RUN_CLAIM_HOURS (default 12: a run abandoned between tasks).

The lock file itself is never deleted (deleting a locked file would let a second run lock a new one)."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from partner_analytics.errors import PipelineError

CLAIM_HOURS_ENV = "PA_RUN_CLAIM_HOURS"
DEFAULT_CLAIM_HOURS = 12.0


class RegionBusyError(PipelineError):
    """Another run owns the region: exit 1 at once, nothing of this run was written."""


def new_run_id() -> str:
    """A run id: UTC time (for people) plus a random part (unique)."""
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{now}-{uuid.uuid4().hex[:8]}"


def lock_path(home: Path, region: str) -> Path:
    return Path(home) / "locks" / f"{region}.lock"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _read_record(fh) -> dict:
    fh.seek(0)
    try:
        return json.loads(fh.read() or "{}")
    except ValueError:
        return {}


def _write_record(fh, record: dict) -> None:
    fh.seek(0)
    fh.truncate()
    fh.write(json.dumps(record, sort_keys=True))
    fh.flush()
    os.fsync(fh.fileno())


def _busy_message(region: str, record: dict) -> str:
    who = f"PID {record.get('pid', '?')}"
    if record.get("host") and record.get("host") != socket.gethostname():
        who += f" on {record['host']}"
    message = f"region {region} is being run by {who} since {record.get('since', '?')}"
    if record.get("run_id"):
        message += f" (run {record['run_id']})"
    return message


def _claim_open(record: dict, run_id: str, hours: float | None = None) -> bool:
    """Does the record hold an open claim of another run (one this run must not disturb)?"""
    if not record.get("claimed") or record.get("run_id") == run_id:
        return False
    if record.get("in_step"):  # its process died in a step (the lock was free): the claim died with it
        return False
    if hours is None:
        hours = float(os.environ.get(CLAIM_HOURS_ENV) or DEFAULT_CLAIM_HOURS)
    try:
        since = dt.datetime.fromisoformat(record["since"])
    except (KeyError, ValueError):
        return False
    return dt.datetime.now(dt.UTC) - since < dt.timedelta(hours=hours)


class Held:
    """The region's lock, held: `record` is the owner record written; `release_claim()` makes the
    lock close this run's claim when it is let go (the run failed)."""

    def __init__(self, record: dict, keep_claim: bool) -> None:
        self.record = record
        self.keep_claim = keep_claim

    def release_claim(self) -> None:
        self.keep_claim = False


@contextmanager
def region_lock(home: Path, region: str, run_id: str, *, claim: bool = False, release: bool = True, wait_seconds: float = 0) -> Iterator[Held]:
    """Hold the region's lock for run `run_id` while the block runs; raise RegionBusyError at once
    when another process holds it or another run's claim is open.

    claim=True leaves the region claimed for `run_id` after the block (an Airflow run between its
    tasks); release=True (default) closes this run's claim on leaving (the run is over). wait_seconds
    waits that long for another process's lock (not for a claim) before giving up."""
    path = lock_path(home, region)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if time.monotonic() >= deadline:
                    raise RegionBusyError(_busy_message(region, _read_record(fh))) from None
                time.sleep(0.2)
        record = _read_record(fh)
        if _claim_open(record, run_id):
            raise RegionBusyError(_busy_message(region, record))
        same_run = record.get("run_id") == run_id and record.get("claimed")
        mine = {
            "run_id": run_id,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": record["since"] if same_run and record.get("since") else _now(),
            "claimed": True,
            "in_step": True,
        }
        _write_record(fh, mine)
        held = Held(mine, keep_claim=claim and not release)
        try:
            yield held
        finally:
            if held.keep_claim:  # between this run's tasks
                _write_record(fh, {**mine, "in_step": False})
            else:
                _write_record(fh, {**mine, "claimed": False, "in_step": False, "released": _now()})
    finally:
        fh.close()  # closing the file releases the flock


def release_claim(home: Path, region: str, run_id: str) -> None:
    """Close `run_id`'s claim on the region (its run finished or failed); another run's claim stays."""
    path = lock_path(home, region)
    if not path.exists():
        return
    try:
        with region_lock(home, region, run_id, release=True):
            pass
    except RegionBusyError:
        pass  # another run holds the region: nothing of ours to close


@contextmanager
def regions_locked(home: Path, regions: list[str], run_id: str) -> Iterator[None]:
    """Hold every region's lock for the whole block (the CLI run); all or none."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        for region in regions:
            stack.enter_context(region_lock(home, region, run_id))
        yield
