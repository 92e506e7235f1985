"""Run-level guarantees: idempotency, determinism, region isolation, summary shape, argument checks."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
from pathlib import Path

import pytest

from ingestion import schemas
from partner_analytics.errors import BadArgumentError


def _region_landing(landing: Path, b, region: str) -> None:
    b.write_csv(landing / f"{region}/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r1", **{"Report time": "2026-11-17T00:00:00Z"}), b.cdr("r2", Duration="x")])
    b.write_items(landing / f"{region}/customers/2026-11-22.json", [{"orgId": f"org-{region}", "region": region, "tags": ["t"]}])
    b.write_items(landing / f"{region}/people/2026-11-22.json", [{"id": "p1", "orgId": f"org-{region}", "emails": ["a@x"], "licenses": ["l1"]}])


def test_second_run_skips_everything_and_changes_no_byte(landing, home, b):
    _region_landing(landing, b, "US")
    first = b.run(landing, home)
    before = b.tree_bytes(home / "lake")
    second = b.run(landing, home)
    assert b.tree_bytes(home / "lake") == before
    assert second["cdr"]["files_skipped"] == 1 and second["cdr"]["files_ingested"] == 0
    assert b.counts(second["cdr"]) == (0, 0, 0, 0, 0) and second["cdr"]["partitions"] == []
    assert second["customers"]["files_skipped"] == 1 and second["people"]["files_skipped"] == 1
    # first run: 3 read = 1 loaded + 1 duplicate + 1 quarantined
    assert b.counts(first["cdr"]) == (3, 1, 1, 1, 0)


def test_same_landing_into_two_homes_gives_identical_lakes(landing, tmp_path, b):
    _region_landing(landing, b, "US")
    b.run(landing, tmp_path / "h1")
    b.run(landing, tmp_path / "h2")
    one, two = b.tree_bytes(tmp_path / "h1/lake"), b.tree_bytes(tmp_path / "h2/lake")
    assert one == two and "US/cdr/week_ending=2026-11-22/data.parquet" in one
    assert any(k.startswith("US/_quarantine/cdr/") for k in one) and "US/_ingested.json" in one


def test_eu_run_never_opens_us_files(landing, home, b, monkeypatch):
    _region_landing(landing, b, "US")
    _region_landing(landing, b, "EU")
    opened: list[str] = []
    real_open, real_scandir, real_listdir = builtins.open, os.scandir, os.listdir
    real_read_bytes = Path.read_bytes

    def record(path):
        opened.append(os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(path))

    def spy_open(file, *args, **kwargs):
        record(file)
        return real_open(file, *args, **kwargs)

    def spy_scandir(path=".", *args, **kwargs):
        record(path)
        return real_scandir(path, *args, **kwargs)

    def spy_listdir(path="."):
        record(path)
        return real_listdir(path)

    def spy_read_bytes(self):
        record(self)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr(os, "scandir", spy_scandir)
    monkeypatch.setattr(os, "listdir", spy_listdir)
    monkeypatch.setattr(Path, "read_bytes", spy_read_bytes)
    # Belt and braces: the US landing folder is unreadable for the run (root ignores modes, so the
    # spies above are the proof that counts).
    (landing / "US").chmod(0)
    try:
        summary = b.run(landing, home, region="EU")
    finally:
        (landing / "US").chmod(0o755)
    us = str(landing / "US")
    assert [p for p in opened if p.startswith(us)] == []
    assert any(p.startswith(str(landing / "EU/cdr")) for p in opened)  # the spies do see the EU reads
    assert summary["cdr"]["loaded"] == 1 and summary["customers"]["loaded"] == 1
    assert not (home / "lake/US").exists() and (home / "lake/EU/cdr/week_ending=2026-11-22/data.parquet").exists()


def test_summary_has_every_landing_dataset_even_without_files(landing, home, b):
    summary = b.run(landing, home, region="CA")  # no landing folder at all
    assert list(summary) == list(schemas.REGIONAL_LANDING_DATASETS)
    for entry in summary.values():
        assert entry == {
            "files_ingested": 0, "files_skipped": 0, "files_deferred": 0, "read": 0, "loaded": 0, "duplicates": 0,
            "quarantined": 0, "replaced": 0, "quarantine_reasons": {}, "unknown_enums": {}, "partitions": [], "files": [],
            "unrecognised_ids": {},
        }  # fmt: skip
    # every regional lake dataset has its schema file, so dbt globs match on an empty lake
    for dataset in {**schemas.EVENT_DATASETS, **schemas.SNAPSHOT_DATASETS}:
        assert (home / f"lake/CA/{dataset}/_schema/empty.parquet").exists()


def test_bad_arguments(landing, home, b):
    with pytest.raises(BadArgumentError, match="must be a Sunday"):
        b.run(landing, home, week_ending=dt.date(2026, 11, 21))
    with pytest.raises(BadArgumentError, match="unknown region 'XX'"):
        b.run(landing, home, region="XX")


def test_same_content_under_a_new_event_file_name_is_skipped(landing, home, b):
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1")])
    b.run(landing, home)
    (landing / "US/cdr/a-copy.csv").write_bytes((landing / "US/cdr/a.csv").read_bytes())
    summary = b.run(landing, home)["cdr"]
    assert (summary["files_skipped"], summary["files_ingested"], summary["read"]) == (2, 0, 0)
