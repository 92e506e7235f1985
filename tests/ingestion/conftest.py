"""Builders of tiny landing files and readers of the lake they produce (shared by the ingestion tests)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import polars as pl
import pytest

from ingestion import ingest_partner, ingest_region
from ingestion.lake import partition_files

D = dt.date(2026, 11, 22)  # a Sunday: the week W = [2026-11-15, 2026-11-22)
UTC = dt.UTC

CDR_HEADER = [
    "Report ID", "Report time", "Org UUID", "Correlation ID", "Local SessionID", "Start time", "Answer time",
    "Release time", "Duration", "Ring duration", "Direction", "Answered", "Call type", "Client type",
    "Device MAC", "Model", "Location", "User UUID", "User type", "Original reason", "Redirect reason",
    "Related reason", "Call outcome",
]  # fmt: skip

QUEUE_HEADER = [
    "Org ID", "Location ID", "Location", "Queue ID", "Queue Name", "Date", "Total Calls", "Answered Calls",
    "Abandoned Calls", "Overflowed Calls - Busy", "Overflowed Calls - Timeout", "Transferred Calls",
    "Average Speed of Answer (s)", "Average Abandon Time (s)",
]  # fmt: skip


def ts(text: str) -> dt.datetime:
    """An ISO instant as the aware UTC datetime polars returns."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def cdr(report_id: str, **fields) -> dict:
    """One CDR leg in source spelling; defaults are a clean answered leg on Monday 2026-11-16."""
    row = {
        "Report ID": report_id,
        "Report time": "2026-11-16T10:05:00.000Z",
        "Org UUID": "org-1",
        "Correlation ID": "corr-1",
        "Local SessionID": f"ls-{report_id}",
        "Start time": "2026-11-16T10:00:00.000Z",
        "Answer time": "2026-11-16T10:00:05.000Z",
        "Release time": "2026-11-16T10:01:05.000Z",
        "Duration": "60",
        "Ring duration": "5",
        "Direction": "ORIGINATING",
        "Answered": "true",
        "Call type": "SIP_ENTERPRISE",
        "Client type": "WXC_CLIENT",
        "Device MAC": "6C710D8ABC10",
        "Model": "8851-3PCC",
        "Location": "Zurich",
        "User UUID": "person-1",
        "User type": "User",
        "Original reason": "",
        "Redirect reason": "",
        "Related reason": "",
        "Call outcome": "Success",
    }
    row.update(fields)
    return row


def write_csv(path: Path, header: list[str], rows: list[dict], *, bom: bool = False, eol: str = "\r\n", extra: dict | None = None) -> Path:
    """An RFC 4180 CSV (csv module quoting) with the given header; `extra` adds unknown columns."""
    header = header + list(extra or {})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=eol)
    writer.writerow(header)
    for row in rows:
        merged = {**row, **(extra or {})}
        writer.writerow([merged.get(h, "") for h in header])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_items(path: Path, items: list, **top) -> Path:
    """A `{"items": [...]}` landing file (Python's json: NaN is written as the bare token NaN)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"items": items, **top}), encoding="utf-8")
    return path


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def run(landing: Path, home: Path, region: str = "US", week_ending: dt.date = D) -> dict:
    return ingest_region(landing, home, region, week_ending)


def run_partner(landing: Path, home: Path, week_ending: dt.date = D) -> dict:
    return ingest_partner(landing, home, week_ending)


def lake(home: Path, dataset: str, region: str = "US") -> pl.DataFrame:
    """Every data partition of a lake dataset, in the order written (partition, then its files in lake
    order: data.parquet, then the files of rows added to it later, then row)."""
    root = home / "lake" / region
    files = [f for part in sorted((root / dataset).glob("*=*")) for f in partition_files(root, part.relative_to(root).as_posix())]
    if not files:
        return pl.DataFrame()
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical")


def quarantine(home: Path, dataset: str, region: str = "US") -> pl.DataFrame:
    files = sorted((home / "lake" / region / "_quarantine" / dataset).glob("*.parquet"))
    if not files:
        return pl.DataFrame()
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical").sort("source_file", "source_row")


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes (to prove a lake did or did not change)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def counts(summary_entry: dict) -> tuple:
    """(read, loaded, duplicates, quarantined, replaced) of one summary entry."""
    e = summary_entry
    return e["read"], e["loaded"], e["duplicates"], e["quarantined"], e["replaced"]


@pytest.fixture
def b():
    """The builders above as one fixture (test modules import nothing from conftest: other test
    folders have their own conftest.py, and a module named `conftest` would be ambiguous)."""
    import types

    return types.SimpleNamespace(
        D=D, CDR_HEADER=CDR_HEADER, QUEUE_HEADER=QUEUE_HEADER, ts=ts, cdr=cdr, write_csv=write_csv,
        write_bytes=write_bytes, write_items=write_items, run=run, run_partner=run_partner, lake=lake,
        quarantine=quarantine, tree_bytes=tree_bytes, counts=counts,
    )  # fmt: skip


@pytest.fixture(autouse=True, params=["in_memory", "spilled"])
def event_ingestion_path(request, monkeypatch):
    """Every ingestion test runs twice: rows deduped in memory, and spilled to disk from the first row
    (IN_MEMORY_ROWS = 0, the path a large run takes). Both must give exactly the same lake and counts."""
    import ingestion.run

    if request.param == "spilled":
        monkeypatch.setattr(ingestion.run, "IN_MEMORY_ROWS", 0)
    return request.param


@pytest.fixture(autouse=True)
def quarantine_gate_off(monkeypatch):
    """The hand-made files here quarantine far more than the gate's 5 % of a few rows on purpose (each
    test is about the reasons); the gate (SPEC 9) is off, except in the tests that set it themselves."""
    monkeypatch.setenv("PA_MAX_QUARANTINE_PCT", "100")
