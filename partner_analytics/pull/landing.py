"""Landing writes for `pull` (SPEC 4 and 10): atomic files in the layout `run` reads, and the resume state.

Every file is written to a temporary name in its folder and renamed into place, so a crash leaves
either no file or a whole one. `_pull_state.json` records, per org, the CDR windows whose every page
has landed, and the region URL a 451 named for the org; a re-run fetches only the other windows."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import tempfile
import threading
from pathlib import Path

import orjson

STATE_FILE = "_pull_state.json"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temp_files(landing: Path) -> int:
    """Temp files a killed pull left behind (`.<name>.<random>.tmp`): never read as data, removed on the next pull."""
    count = 0
    for tmp in landing.glob("**/.*.tmp"):
        tmp.unlink(missing_ok=True)
        count += 1
    return count


def items_document(items: list, extra: dict | None = None) -> bytes:
    """{"items": [...]} with any top-level keys first, as the generator writes snapshots."""
    return orjson.dumps({**(extra or {}), "items": items})


def snapshot_path(landing: Path, region: str, dataset: str, day: dt.date) -> Path:
    return landing / region / dataset / f"{day.isoformat()}.json"


def partner_admins_path(landing: Path, day: dt.date) -> Path:
    return landing / "partner_admins" / f"{day.isoformat()}.json"


def stamp(moment: dt.datetime) -> str:
    """A window bound as it appears in file names: 20261115T120000Z."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def cdr_page_path(landing: Path, region: str, org: str, start: dt.datetime, end: dt.datetime, page: int) -> Path:
    return landing / region / "cdr" / f"{org}_{stamp(start)}_{stamp(end)}_{page:04d}.json"


def window_key(start: dt.datetime, end: dt.datetime) -> str:
    return f"{stamp(start)}/{stamp(end)}"


class PullState:
    """`<landing>/_pull_state.json`: CDR windows fully fetched per org, region URLs per org. Thread-safe;
    every change is saved at once (atomically), merged under a file lock with what other processes (the
    DAG's mapped region tasks share one landing) saved meanwhile."""

    def __init__(self, landing: Path):
        self.path = landing / STATE_FILE
        self._lock = threading.Lock()
        data = orjson.loads(self.path.read_bytes()) if self.path.exists() else {}
        self.cdr_windows: dict[str, set[str]] = {org: set(keys) for org, keys in data.get("cdr_windows", {}).items()}
        self.cdr_region_urls: dict[str, str] = dict(data.get("cdr_region_urls", {}))

    def fetched(self, org: str) -> set[str]:
        with self._lock:
            return set(self.cdr_windows.get(org, ()))

    def mark_fetched(self, org: str, key: str) -> None:
        with self._lock:
            self.cdr_windows.setdefault(org, set()).add(key)
            self._save()

    def region_url(self, org: str) -> str | None:
        with self._lock:
            return self.cdr_region_urls.get(org)

    def remember_region(self, org: str, url: str) -> None:
        with self._lock:
            self.cdr_region_urls[org] = url
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.path.exists():  # merge: windows only ever get added
                disk = orjson.loads(self.path.read_bytes())
                for org, keys in disk.get("cdr_windows", {}).items():
                    self.cdr_windows.setdefault(org, set()).update(keys)
                for org, url in disk.get("cdr_region_urls", {}).items():
                    self.cdr_region_urls.setdefault(org, url)
            self._write()

    def _write(self) -> None:
        data = {
            "cdr_windows": {org: sorted(keys) for org, keys in sorted(self.cdr_windows.items())},
            "cdr_region_urls": dict(sorted(self.cdr_region_urls.items())),
        }
        write_atomic(self.path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
