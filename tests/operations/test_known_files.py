"""SPEC 13, cost follows the new data: landing files already ingested are recognised by their recorded
size and mtime (ns) without being opened; only new or changed files are hashed, only new content read."""

import csv
import json
import os

import pytest
from e2e.conftest import ACME, CDR_COLUMNS, _leg, build_landing
from faults.test_fault_injection import D, add_late_file

import ingestion.run as ingestion_run
from ingestion import ingest_region


@pytest.fixture
def counted(monkeypatch):
    """Counts of landing files hashed and read (parsed) by ingestion, per call of `reset`."""
    calls = {"hashed": [], "read": []}
    real_hash, real_read = ingestion_run.file_sha256, ingestion_run.read_records

    def hashing(path):
        calls["hashed"].append(path.name)
        return real_hash(path)

    def reading(spec, file):
        calls["read"].append(file.path.name)
        return real_read(spec, file)

    monkeypatch.setattr(ingestion_run, "file_sha256", hashing)
    monkeypatch.setattr(ingestion_run, "read_records", reading)
    return calls


def total(summary, key):
    return sum(s[key] for s in summary.values())


def test_a_noop_rerun_opens_no_landing_file_and_a_touched_file_is_hashed_once(tmp_path, counted):
    landing = build_landing(tmp_path / "landing")
    home = tmp_path / "home"
    files = sorted(p for p in (landing / "US").rglob("*") if p.is_file())
    first = ingest_region(landing, home, "US", D)
    # every US landing file but the customers snapshot dated after D (deferred) is hashed exactly once
    assert sorted(counted["hashed"]) == sorted(p.name for p in files if p.name != "2026-11-29.json")
    assert total(first, "files_ingested") + total(first, "files_skipped") == len(files) - 1
    record = home / "lake" / "US" / "_ingested.json"
    stats = json.loads(record.read_text())["stats"]
    cdr = landing / "US" / "cdr" / "2026-11-16.csv"
    st = cdr.stat()
    assert stats["US/cdr/2026-11-16.csv"][:2] == [st.st_size, st.st_mtime_ns]
    recorded = record.read_bytes()

    counted["hashed"].clear(), counted["read"].clear()
    second = ingest_region(landing, home, "US", D)
    assert counted == {"hashed": [], "read": []}  # nothing opened: size + mtime recognised every file
    assert total(second, "files_ingested") == 0 and total(second, "loaded") == 0
    assert total(second, "files_skipped") == total(first, "files_ingested") + total(first, "files_skipped")
    assert record.read_bytes() == recorded  # a no-op run does not even rewrite the record

    # touched, same bytes: hashed once (known content, not re-ingested), then known by its new mtime
    os.utime(cdr, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    counted["hashed"].clear(), counted["read"].clear()
    third = ingest_region(landing, home, "US", D)
    assert counted == {"hashed": ["2026-11-16.csv"], "read": []}
    assert third["cdr"]["files_ingested"] == 0 and third["cdr"]["loaded"] == 0
    counted["hashed"].clear()
    ingest_region(landing, home, "US", D)
    assert counted == {"hashed": [], "read": []}

    # a new file: hashed and read once, its 2 legs loaded
    add_late_file(landing)
    fourth = ingest_region(landing, home, "US", D)
    assert counted == {"hashed": ["2026-11-23-late.csv"], "read": ["2026-11-23-late.csv"]}
    assert fourth["cdr"]["files_ingested"] == 1 and fourth["cdr"]["loaded"] == 2

    # the same file changed (a third leg appended): hashed and read again; 1 loaded, its 2 old legs duplicates
    late = landing / "US" / "cdr" / "2026-11-23-late.csv"
    with open(late, "a", encoding="utf-8", newline="") as fh:
        row = _leg("R-X-3", ACME, "c-x-3", "2026-11-19T10:00:00+00:00", 30, "ORIGINATING", "p-alice", "User", "Acme HQ", client="WXC_CLIENT")
        csv.DictWriter(fh, fieldnames=CDR_COLUMNS, lineterminator="\r\n").writerow({k: (str(v).lower() if isinstance(v, bool) else v) for k, v in row.items()})
    counted["hashed"].clear(), counted["read"].clear()
    fifth = ingest_region(landing, home, "US", D)
    assert counted == {"hashed": ["2026-11-23-late.csv"], "read": ["2026-11-23-late.csv"]}
    assert (fifth["cdr"]["files_ingested"], fifth["cdr"]["loaded"], fifth["cdr"]["duplicates"]) == (1, 1, 2)
