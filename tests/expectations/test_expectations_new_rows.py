"""SPEC 13, cost follows the new data: an event week reopened by late data is validated for the rows of
the landing files ingested since (`new_files`), not again for the rows earlier runs validated."""

from __future__ import annotations

import json

from expectations_lake import GOOD, REGION, D
from test_expectations_gates import _write_good

from expectations import validate_region

OLD, LATE = "US/cdr/2026-11-16.csv", "US/cdr/2026-11-23-late.csv"
DIRECTION = "expect_column_values_to_be_in_set(direction, value_set=['ORIGINATING', 'TERMINATING'])"


def _legs(*legs: tuple[str, str, int, str]) -> list[dict]:
    """CDR rows (report_id, source_file, source_row, direction), otherwise the good first leg."""
    return [{**GOOD["cdr"][0], "report_id": r, "source_file": f, "source_row": n, "direction": d} for r, f, n, d in legs]


def _cdr_entry(lake) -> dict:
    saved = json.loads((lake.run_dir / "validation.json").read_text())
    return next(p for p in saved["partitions"] if p["dataset"] == "cdr")


def _direction(entry: dict) -> tuple:
    result = next(r for r in entry["results"] if r["expectation"] == DIRECTION)
    return result["element_count"], result["unexpected_count"], result["source"]


def test_a_reopened_week_is_validated_for_the_new_files_rows_only(lake):
    partitions = _write_good(lake, "customers")
    # 3 legs loaded by last week's run (the 2nd SIDEWAYS, a soft warning then), then 2 from this week's late file
    legs = _legs(
        ("R1", OLD, 2, "ORIGINATING"), ("R2", OLD, 3, "SIDEWAYS"), ("R3", OLD, 4, "TERMINATING"), ("R4", LATE, 2, "TERMINATING"), ("R5", LATE, 3, "SIDEWAYS")
    )
    partitions["cdr"] = [lake.write("cdr", D, legs)]

    whole = validate_region(lake.home, REGION, D, partitions)
    assert [(w["expectation"], w["unexpected_count"]) for w in whole["soft_warnings"]] == [(DIRECTION, 2)]
    entry = _cdr_entry(lake)
    assert (entry["rows"], entry["partition_rows"]) == (5, 5)
    assert _direction(entry) == (5, 2, "US/cdr/2026-11-16.csv:3")  # the first unexpected row is the example

    new = validate_region(lake.home, REGION, D, partitions, new_files={"cdr": [LATE]})
    assert [(w["expectation"], w["unexpected_count"], w["example"]) for w in new["soft_warnings"]] == [(DIRECTION, 1, "'SIDEWAYS'")]
    entry = _cdr_entry(lake)
    assert (entry["rows"], entry["partition_rows"]) == (2, 5)
    assert _direction(entry) == (2, 1, "US/cdr/2026-11-23-late.csv:3")
    assert new["expectations_evaluated"] == whole["expectations_evaluated"]  # the same suites, fewer rows


def test_new_rows_not_in_one_run_and_unknown_files_are_validated_whole(lake):
    partitions = _write_good(lake, "customers")
    # a late file's rows apart, an older one's between them (not ingestion's lineage order): every row is checked
    legs = _legs(("R1", OLD, 2, "SIDEWAYS"), ("R4", LATE, 2, "SIDEWAYS"), ("R2", OLD, 3, "ORIGINATING"), ("R5", LATE, 3, "ORIGINATING"))
    partitions["cdr"] = [lake.write("cdr", D, legs)]
    validate_region(lake.home, REGION, D, partitions, new_files={"cdr": [LATE]})
    entry = _cdr_entry(lake)
    assert (entry["rows"], entry["partition_rows"]) == (4, 4) and _direction(entry)[:2] == (4, 2)
    validate_region(lake.home, REGION, D, partitions, new_files={"cdr": None})
    assert (_cdr_entry(lake)["rows"], _direction(_cdr_entry(lake))[:2]) == (4, (4, 2))


def test_a_zip_members_rows_count_for_the_zip_and_a_week_with_no_new_row_checks_none(lake):
    partitions = _write_good(lake, "customers")
    legs = _legs(("R1", OLD, 2, "SIDEWAYS"), ("R4", "US/cdr/report.zip!calls.csv", 2, "SIDEWAYS"), ("R5", "US/cdr/report.zip!calls.csv", 3, "ORIGINATING"))
    partitions["cdr"] = [lake.write("cdr", D, legs)]
    validate_region(lake.home, REGION, D, partitions, new_files={"cdr": ["US/cdr/report.zip"]})
    entry = _cdr_entry(lake)
    assert (entry["rows"], entry["partition_rows"]) == (2, 3)
    assert _direction(entry) == (2, 1, "US/cdr/report.zip!calls.csv:2")
    # the week changed only by losing rows (none of its rows came from the new files)
    result = validate_region(lake.home, REGION, D, partitions, new_files={"cdr": [LATE]})
    assert (_cdr_entry(lake)["rows"], _direction(_cdr_entry(lake))[:2]) == (0, (0, 0)) and result["soft_warnings"] == []
