"""What `partner-analytics run` tells its operator on stderr when stderr is not a terminal (here a pipe,
as under CI or cron): one record per stage and per stage and region with counts, then the per-region
table; stdout keeps only the results. Uses the session's hand-made run (conftest.e2e)."""

from __future__ import annotations

import csv
import io
import json
import re

from .conftest import D_ISO

REGIONS = ["US", "EU"]
STAGES = ["ingest", "validate", "build", "export"]


def _records(stderr: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"INFO partner_analytics\.progress: (.*)", stderr)]


def _summary(e2e, region: str) -> dict:
    return json.loads((e2e.home / "runs" / D_ISO / region / "summary.json").read_text())


def _export_rows(e2e, region: str) -> tuple[int, int]:
    files = sorted((e2e.home / "exports" / region).glob("*.csv"))
    rows = sum(len(list(csv.reader(io.StringIO(f.read_text(encoding="utf-8"), newline="")))) - 1 for f in files)
    return len(files), rows


def test_each_stage_and_region_is_logged_with_its_counts(e2e):
    e2e.require_success()
    records = _records(e2e.proc.stderr)
    for stage in STAGES:
        assert f"{stage}: start, 2 region(s): US EU" in records
        assert any(re.fullmatch(rf"{stage}: end, 2 region\(s\) ok, 0 failed, \d+\.\d s", r) for r in records), stage
        for region in REGIONS:
            start = records.index(f"{stage} {region}: start")
            assert records[start + 1].startswith(f"{stage} {region}: end, "), records[start + 1]
    # EU by hand (conftest._write_eu): 11 files, 8 records (one customer, subscription, licence, person,
    # location and number each, two CDR legs), nothing duplicated or quarantined
    assert any(re.fullmatch(r"ingest EU: end, 11 files, 8 rows read, 8 loaded, 0 duplicates, 0 quarantined, \d+\.\d s", r) for r in records)
    # US: the record says what summary.json says
    t = {k: 0 for k in ("files_ingested", "read", "loaded", "duplicates", "quarantined")}
    for counts in _summary(e2e, "US")["datasets"].values():
        for k in t:
            t[k] += counts[k]
    assert t["duplicates"] > 0 and t["quarantined"] > 0  # the hand-made US set has both
    us = f"ingest US: end, {t['files_ingested']} files, {t['read']:,} rows read, {t['loaded']:,} loaded, {t['duplicates']} duplicates, {t['quarantined']} quarantined, "
    assert any(r.startswith(us) for r in records), us
    for region in REGIONS:
        dq = _summary(e2e, region)["data_quality"]
        assert any(r.startswith(f"validate {region}: end, {dq['status']}, {dq['expectations_evaluated']:,} expectations, ") for r in records)
        files, rows = _export_rows(e2e, region)
        assert any(re.fullmatch(rf"export {region}: end, {files} files, {rows:,} rows, \d+\.\d s", r) for r in records), (files, rows)
        assert any(re.fullmatch(rf"build {region}: end, warehouse {region}.duckdb built, \d+\.\d s", r) for r in records)


def test_the_run_ends_with_a_table_on_stderr_and_stdout_keeps_the_results(e2e):
    e2e.require_success()
    eu = next(line for line in e2e.proc.stderr.splitlines() if line.startswith("│ EU"))
    cells = [c.strip() for c in eu.strip("│ ").split("│")]
    files, _ = _export_rows(e2e, "EU")
    assert cells[:5] == ["EU", "succeeded", "8", "8", "0"]
    assert re.fullmatch(r"\d+\.\d", cells[5]) and re.fullmatch(r"[\d,]+ MiB", cells[6])
    assert cells[7:] == [str(files), "-"]  # no dashboard page in this build
    assert "│" not in e2e.proc.stdout and "partner_analytics.progress" not in e2e.proc.stdout
    assert e2e.proc.stdout.startswith("US: succeeded — summary ")
