"""What `partner-analytics run` tells its operator on stderr when stderr is not a terminal (here a pipe,
as under CI or cron): one record per stage and per stage and region with counts, then the per-region
table; stdout keeps only the results. Uses the session's hand-made run (conftest.e2e)."""

from __future__ import annotations

import csv
import io
import re

REGIONS = ["US", "EU"]
STAGES = ["ingest", "validate", "build", "export"]


def _records(stderr: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"INFO partner_analytics\.progress: (.*)", stderr)]


def _export_rows(e2e, region: str) -> tuple[int, int]:
    """Files and data rows the first run exported (other e2e tests re-run into the same home later)."""
    files = [data for rel, data in e2e.first_exports.items() if rel.startswith(f"{region}/")]
    rows = sum(len(list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))) - 1 for data in files)
    return len(files), rows


def _table_row(e2e, region: str) -> list[str]:
    line = next(line for line in e2e.proc.stderr.splitlines() if line.startswith(f"│ {region} "))
    return [c.strip() for c in line.strip("│ ").split("│")]


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
    # US: the record agrees with the end-of-run table, which is read back from summary.json
    us = next(r for r in records if r.startswith("ingest US: end, "))
    m = re.fullmatch(r"ingest US: end, (\d+) files, ([\d,]+) rows read, ([\d,]+) loaded, (\d+) duplicates, (\d+) quarantined, \d+\.\d s", us)
    assert m, us
    read, loaded, dups, quarantined = (int(g.replace(",", "")) for g in m.groups()[1:])
    assert dups > 0 and quarantined > 0 and read == loaded + dups + quarantined  # the hand-made US set has both
    assert _table_row(e2e, "US")[:5] == ["US", "succeeded", f"{read:,}", f"{loaded:,}", f"{quarantined:,}"]
    for region in REGIONS:
        assert any(re.fullmatch(rf"validate {region}: end, (passed|warned), [\d,]+ expectations, \d+ warnings, \d+\.\d s", r) for r in records)
        files, rows = _export_rows(e2e, region)
        assert any(re.fullmatch(rf"export {region}: end, {files} files, {rows:,} rows, \d+\.\d s", r) for r in records), (files, rows)
        assert any(re.fullmatch(rf"build {region}: end, warehouse {region}.duckdb built, \d+\.\d s", r) for r in records)


def test_the_run_ends_with_a_table_on_stderr_and_stdout_keeps_the_results(e2e):
    e2e.require_success()
    cells = _table_row(e2e, "EU")
    files, _ = _export_rows(e2e, "EU")
    assert cells[:5] == ["EU", "succeeded", "8", "8", "0"]
    assert re.fullmatch(r"\d+\.\d", cells[5]) and re.fullmatch(r"[\d,]+ MiB", cells[6])
    page = e2e.home / "dashboard" / "EU" / "2026-11-22.html"
    assert cells[7] == str(files) and page.is_file()
    assert str(page).startswith(cells[8].rstrip("…")) and len(cells[8].rstrip("…")) > len(str(e2e.home))  # rich may elide the end
    assert "│" not in e2e.proc.stdout and "partner_analytics.progress" not in e2e.proc.stdout
    assert e2e.proc.stdout.startswith("US: succeeded — summary ")
