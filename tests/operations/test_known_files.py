"""SPEC 13, cost follows the new data: landing files already ingested are recognised by their recorded
size and mtime (ns) without being opened; only new or changed files are hashed, only new content read."""

import csv
import json
import os
import threading

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


def test_a_week_reopened_by_a_late_file_is_validated_for_that_files_rows(tmp_path):
    """The pending record names the landing files whose rows await validation; validation of last week's
    partition, reopened by a late file, checks that file's rows (2) of the week's, not all again."""
    from partner_analytics import pipeline

    landing = build_landing(tmp_path / "landing")
    home = tmp_path / "home"
    first = pipeline.ingest_step(landing, home, "US", D)
    pipeline.validate_step(home, "US", D, pipeline.partitions_of(first))
    week = "cdr/week_ending=2026-11-22"
    held = json.loads((home / "runs" / D.isoformat() / "US" / "validation.json").read_text())
    (before,) = [p for p in held["partitions"] if p["partition"] == week]
    assert before["rows"] == before["partition_rows"]  # the first run's files: every row of the week

    add_late_file(landing)
    second = pipeline.ingest_step(landing, home, "US", D)
    assert second["cdr"]["files"] == ["US/cdr/2026-11-23-late.csv"] and second["cdr"]["partitions"] == [week]
    record = json.loads((home / "lake" / "US" / "_pending_validation.json").read_text())
    assert (record["partitions"]["cdr"], record["files"]["cdr"]) == ([week], ["US/cdr/2026-11-23-late.csv"])
    pipeline.validate_step(home, "US", D, pipeline.partitions_of(second))
    saved = json.loads((home / "runs" / D.isoformat() / "US" / "validation.json").read_text())
    (after,) = [p for p in saved["partitions"] if p["partition"] == week]
    assert (after["rows"], after["partition_rows"]) == (2, before["partition_rows"] + 2)
    assert not (home / "lake" / "US" / "_pending_validation.json").exists()


def test_a_pending_record_without_files_validates_its_partitions_whole(tmp_path):
    """A record written before files were kept (or a partition the record does not hold): every row."""
    from partner_analytics import pipeline

    landing = build_landing(tmp_path / "landing")
    home = tmp_path / "home"
    pipeline.ingest_step(landing, home, "US", D)
    week = "cdr/week_ending=2026-11-22"
    (home / "lake" / "US" / "_pending_validation.json").write_text(json.dumps({"cdr": [week]}))
    add_late_file(landing)
    second = pipeline.ingest_step(landing, home, "US", D)
    record = json.loads((home / "lake" / "US" / "_pending_validation.json").read_text())
    assert (record["partitions"]["cdr"], record["files"]["cdr"]) == ([week], None)
    pipeline.validate_step(home, "US", D, pipeline.partitions_of(second))
    saved = json.loads((home / "runs" / D.isoformat() / "US" / "validation.json").read_text())
    (after,) = [p for p in saved["partitions"] if p["partition"] == week]
    assert after["rows"] == after["partition_rows"] > 2


def test_new_files_are_hashed_ahead_in_a_worker_once_each_and_a_vanished_file_fails_in_its_turn(tmp_path, monkeypatch):
    """A dataset's first new file is hashed where it is looked up, the next ones ahead by the `hash-ahead`
    worker while it is parsed; the files dated after D (customers 2026-11-29) are not read at all."""
    landing = build_landing(tmp_path / "landing")
    hashed: list[tuple[str, str]] = []
    real_hash = ingestion_run.file_sha256

    def hashing(path):
        hashed.append((path.relative_to(landing / "US").as_posix(), threading.current_thread().name.split("_")[0]))
        return real_hash(path)

    monkeypatch.setattr(ingestion_run, "file_sha256", hashing)
    summary = ingest_region(landing, tmp_path / "home", "US", D)
    cdr = sorted(p.name for p in (landing / "US" / "cdr").iterdir())
    assert [h for h in hashed if h[0].startswith("cdr/")] == [(f"cdr/{cdr[0]}", "MainThread"), (f"cdr/{cdr[1]}", "hash-ahead"), (f"cdr/{cdr[2]}", "hash-ahead")]
    customers = [h for h in hashed if h[0].startswith("customers/")]
    assert customers == [("customers/2026-11-15.json", "MainThread"), ("customers/2026-11-22.json", "hash-ahead")]
    assert len(hashed) == len({name for name, _ in hashed}) == total(summary, "files_ingested") + total(summary, "files_skipped")

    # a file that cannot be read fails the run naming it when its turn comes (here the second CDR file)
    def unreadable(path):
        if path.name == cdr[1]:
            raise PermissionError(13, "Permission denied", str(path))
        return real_hash(path)

    monkeypatch.setattr(ingestion_run, "file_sha256", unreadable)
    with pytest.raises(PermissionError, match=cdr[1]):
        ingest_region(landing, tmp_path / "home2", "US", D)
    assert not (tmp_path / "home2" / "lake" / "US" / "_ingested.json").exists()  # nothing recorded
