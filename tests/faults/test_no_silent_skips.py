"""Issue #17, findings 5-8: nothing is skipped or half-committed without a word."""

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from e2e.conftest import CLI, build_landing

from faults.test_fault_injection import D, add_late_file
from ingestion import ingest_region, schemas
from partner_analytics import landing_check, pipeline
from partner_analytics.errors import BadArgumentError, FileFormatError

REPO = Path(__file__).resolve().parents[2]


def test_two_items_keys_are_a_parse_error_naming_the_file(tmp_path):
    """Finding 5: the first array's rows were dropped without a count."""
    landing = build_landing(tmp_path / "landing")
    bad = landing / "US" / "media_quality" / "2026-11-21.json"
    doc = json.loads(bad.read_text())
    bad.write_text('{"items": ' + json.dumps(doc["items"][:1]) + ', "items": ' + json.dumps(doc["items"]) + "}")
    with pytest.raises(FileFormatError, match=r'2026-11-21\.json: duplicate key "items"'):
        ingest_region(landing, tmp_path / "home", "US", D)
    assert not (tmp_path / "home" / "lake" / "US" / "_ingested.json").exists()  # nothing committed


def test_unknown_landing_folders_are_reported(tmp_path):
    """Finding 6: `us`, `ZZ` and `US/cdrs` were skipped with exit 0 and no word."""
    landing = tmp_path / "landing"
    for folder in ("US/cdr", "US/cdrs", "us/cdr", "ZZ/cdr", "partner_admins"):
        (landing / folder).mkdir(parents=True)
    warnings = landing_check.landing_warnings(landing, "US")
    assert warnings == [
        f"landing folder {landing / 'ZZ'} is not a region (US, CA, EU, UAE; upper case) nor partner_admins: not ingested",
        f"landing folder {landing / 'us'} is not a region (US, CA, EU, UAE; upper case) nor partner_admins: not ingested",
        f"landing folder {landing / 'US' / 'cdrs'} is not a dataset ({', '.join(landing_check.DATASET_FOLDERS)}): not ingested",
    ]
    assert landing_check.DATASET_FOLDERS == schemas.REGIONAL_LANDING_DATASETS
    with pytest.raises(BadArgumentError, match="unknown region"):
        pipeline.landing_regions(landing, ["ZZ"])
    only_unknown = tmp_path / "only"
    (only_unknown / "us").mkdir(parents=True)
    with pytest.raises(pipeline.PipelineError, match="no region folder to run"):
        pipeline.landing_regions(only_unknown)


def test_cli_warns_on_stderr_and_in_the_summary_and_refuses_an_unknown_region(tmp_path):
    landing = build_landing(tmp_path / "landing")
    (landing / "US" / "cdrs").mkdir()
    (landing / "ZZ").mkdir()
    home = tmp_path / "home"
    bad = subprocess.run(
        [str(CLI), "run", "--landing", str(landing), "--home", str(home), "--week-ending", D.isoformat(), "--region", "ZZ"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown region(s) ZZ" in bad.stderr
    ok = subprocess.run(
        [str(CLI), "run", "--landing", str(landing), "--home", str(home), "--week-ending", D.isoformat(), "--region", "US", "--in-process"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert f"landing folder {landing / 'US' / 'cdrs'} is not a dataset" in ok.stderr
    assert f"landing folder {landing / 'ZZ'} is not a region" in ok.stderr
    summary = json.loads((home / "runs" / D.isoformat() / "US" / "summary.json").read_text())
    assert len(summary["warnings"]) == 2 and summary["status"] == "succeeded"


def test_control_characters_are_removed_from_exported_text_cells():
    """Finding 8: a NUL byte in a CDR Location was copied into the CSV."""
    from exports.csvfmt import safe_text, to_csv_bytes

    assert safe_text("Acme\x00 HQ\x1b[0m") == "Acme HQ[0m"
    assert safe_text("\x00=SUM(A1)") == "'=SUM(A1)"  # removed first, then formula-safe
    assert safe_text("a\tb\r\nc\x7f\x85") == "a\tb\r\nc"
    assert to_csv_bytes(["Location"], [("Acme\x00 HQ",)]) == b"Location\r\nAcme HQ\r\n"


CRASH_AT = """
import os, sys, datetime as dt
from ingestion import lake, ingest_region
point = sys.argv[3]
lake._fault_point = lambda p: os._exit(9) if p == point else None
ingest_region(sys.argv[1], sys.argv[2], "US", dt.date(2026, 11, 22))
"""


@pytest.mark.parametrize("point", ["journaled", "moved", "recorded"])
def test_an_interrupted_lake_commit_loads_the_rows_exactly_once(tmp_path, point):
    """Finding 7: data files published, then the record not updated -> the re-run counted the new
    rows as duplicates. Killed at each step of the commit, the next run loads the late legs once."""
    landing = build_landing(tmp_path / "landing")
    home = tmp_path / "home"
    ingest_region(landing, home, "US", D)
    part = home / "lake" / "US" / "cdr" / "week_ending=2026-11-22" / "data.parquet"
    rows_before = pl.read_parquet(part).height
    add_late_file(landing)
    proc = subprocess.run([sys.executable, "-c", CRASH_AT, str(landing), str(home), point], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    rerun = ingest_region(landing, home, "US", D)
    assert not (home / "lake" / "US" / "_commit.json").exists()
    # the late legs supersede nothing: they are added beside the week (lake.append_file), whose file is kept
    assert pl.read_parquet(part).height == rows_before
    assert [f.name for f in sorted(part.parent.iterdir())] == ["added-0001.parquet", "data.parquet"]  # no backup or tmp file left
    assert pl.read_parquet(part.parent / "added-0001.parquet").height == 2
    if point == "recorded":  # the killed run had committed: the re-run finds the file ingested
        assert (rerun["cdr"]["files_skipped"], rerun["cdr"]["loaded"]) == (4, 0)
    else:  # rolled back: the re-run loads the two legs, once
        assert (rerun["cdr"]["files_ingested"], rerun["cdr"]["loaded"], rerun["cdr"]["duplicates"]) == (1, 2, 0)
    again = ingest_region(landing, home, "US", D)
    assert again["cdr"]["loaded"] == 0 and pl.read_parquet(part.parent).height == rows_before + 2


def test_file_system_errors_are_one_line(tmp_path):
    """Finding 8: --home being a file exits 2; a disk-full export names region, step, what and path."""
    home_file = tmp_path / "home"
    home_file.write_text("not a folder")
    landing = tmp_path / "landing"
    (landing / "US").mkdir(parents=True)
    proc = subprocess.run(
        [str(CLI), "run", "--landing", str(landing), "--home", str(home_file), "--week-ending", D.isoformat()], capture_output=True, text=True
    )
    assert (proc.returncode, proc.stderr) == (2, f"error: --home {home_file} is not a folder\n")
    full = OSError(28, "No space left on device", "/h/published/US/.staging/exports/x.csv")
    assert pipeline.one_line_error("US", "export", full) == "US export: No space left on device /h/published/US/.staging/exports/x.csv"


KILL_IN_RECORD = """
import os, sys, datetime as dt
from ingestion import ingest_region, manifest
manifest.Manifest.save = lambda self: os._exit(9)  # the data files are in place, the record not written
ingest_region(sys.argv[1], sys.argv[2], "US", dt.date(2026, 11, 22))
"""


def test_killed_before_the_record_is_saved_the_rerun_loads_the_late_rows(tmp_path):
    """Finding 7 as found (no hook needed, so it also fails on the code before the fix): the re-run
    counted the two late legs as duplicates, never as loaded."""
    landing = build_landing(tmp_path / "landing")
    home = tmp_path / "home"
    ingest_region(landing, home, "US", D)
    add_late_file(landing)
    proc = subprocess.run([sys.executable, "-c", KILL_IN_RECORD, str(landing), str(home)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    rerun = ingest_region(landing, home, "US", D)
    assert (rerun["cdr"]["files_ingested"], rerun["cdr"]["loaded"], rerun["cdr"]["duplicates"]) == (1, 2, 0)
