"""Pure helpers of the expectations package: value formatting, labels, duplicate keys, flags."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
from expectations_lake import Lake

from expectations import flags
from expectations.results import expectation_label, format_value
from expectations.suites import PartitionBounds, suite_for


def test_format_value_reads_like_the_source():
    assert format_value(np.float64(-5.0)) == "-5"  # an int column with nulls arrives as float64
    assert format_value(100.5) == "100.5"
    assert format_value(np.int64(7)) == "7"
    assert format_value(np.bool_(False)) == "False"
    assert format_value("SIDEWAYS") == "'SIDEWAYS'"
    assert format_value(float("nan")) == "null"
    assert format_value(None) == "null"
    assert format_value(pd.Timestamp("2026-11-22")) == "2026-11-22"  # a date column in pandas
    assert format_value(pd.Timestamp("2026-11-15 10:00:00.5", tz="UTC")) == "2026-11-15T10:00:00.500000Z"
    assert format_value(dt.datetime(2026, 11, 15, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == ("2026-11-15T10:00:00Z")
    assert format_value(dt.date(2026, 11, 29)) == "2026-11-29"
    assert format_value(["US"]) == "['US']"


def test_expectation_label_names_domain_then_arguments():
    assert (
        expectation_label(
            "expect_column_values_to_be_between",
            {"batch_id": "x", "column": "duration_seconds", "min_value": 0.0},
        )
        == "expect_column_values_to_be_between(duration_seconds, min_value=0)"
    )
    assert (
        expectation_label(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {"column_A": "total_calls", "column_B": "answered_calls", "or_equal": True, "ignore_row_if": "either"},
        )
        == "expect_column_pair_values_a_to_be_greater_than_b(total_calls, answered_calls, or_equal=True)"
    )


def test_duplicate_keys_ignore_null_parts_and_lowercase_email(tmp_path):
    # (o1, m1, a@x, t) appears as A@X and a@x -> one duplicated key; the two rows with a null
    # meeting_id are not compared (not-null reports them); (o1, m2, a@x, t) is single.
    t = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "org_id": ["o1", "o1", "o1", "o1", "o1"],
            "meeting_id": ["m1", "m1", None, None, "m2"],
            "email": ["A@X", "a@x", "b@x", "b@x", "a@x"],
            "joined_at": [t] * 5,
        }
    )
    path = tmp_path / "data.parquet"
    frame.write_parquet(path)
    suite = suite_for("meeting_participants")
    [dups] = flags.duplicate_keys([path], suite)
    assert dups.rows() == [("o1", "m1", "a@x", t)]
    bounds = PartitionBounds.of(dt.date(2026, 11, 22))
    flagged = flags.add_flags(frame.with_columns(week_ending=dt.date(2026, 11, 22)), suite, dups, pl.Series(["o1"]), bounds)
    assert flagged["has_unique_key"].to_list() == [False, False, True, True, True]
    assert flagged["is_known_org"].to_list() == [True] * 5


def test_duplicate_numbers_compare_null_optional_key_parts_equal(tmp_path):
    # numbers key (org_id, phone_number, extension), phone_number and extension optional (contract):
    # extension 1001 twice without a number -> one duplicated key, as ingestion's dedupe sees it;
    # 1002 and the number-only row are single; a row without its required org_id is not compared.
    frame = pl.DataFrame(
        {
            "org_id": ["o1", "o1", "o1", "o1", None, None],
            "phone_number": [None, None, None, "+41445551234", None, None],
            "extension": ["1001", "1001", "1002", None, "1001", "1001"],
        }
    )
    path = tmp_path / "data.parquet"
    frame.write_parquet(path)
    suite = suite_for("numbers")
    assert suite.unique_key_nullable == ("phone_number", "extension")
    [dups] = flags.duplicate_keys([path], suite)
    assert dups.rows() == [("o1", None, "1001")]
    bounds = PartitionBounds.of(dt.date(2026, 11, 22))
    flagged = flags.add_flags(frame.with_columns(snapshot_date=dt.date(2026, 11, 22)), suite, dups, pl.Series(["o1"]), bounds)
    assert flagged["has_unique_key"].to_list() == [False, False, True, True, True, True]


def test_duplicate_keys_are_per_partition(tmp_path):
    # File 0: k1, k2, k1 -> k1 duplicated.  File 1: k2, k3 -> nothing (k2 also in file 0: another partition).
    # File 2: no rows -> nothing.
    files = []
    for i, ids in enumerate((["k1", "k2", "k1"], ["k2", "k3"], [])):
        files.append(tmp_path / f"{i}.parquet")
        pl.DataFrame({"report_id": ids}, schema={"report_id": pl.String}).write_parquet(files[-1])
    dups = flags.duplicate_keys(files, suite_for("cdr"))
    assert [d["report_id"].to_list() for d in dups] == [["k1"], [], []]


def test_duplicate_keys_split_into_hash_passes_find_the_same_keys(tmp_path):
    # 2 files, 9 rows: file 0 repeats k1 (x3) and k4 (x2); file 1 repeats k2 (x2); k3, k5 single, k2 in
    # file 0 once. One pass, or passes of 2 rows (5 hash slices): the same duplicates, in key order.
    files = []
    for i, ids in enumerate((["k1", "k4", "k2", "k1", "k4", "k1"], ["k2", "k3", "k2", "k5"])):
        files.append(tmp_path / f"{i}.parquet")
        pl.DataFrame({"report_id": ids}).write_parquet(files[-1])
    suite = suite_for("cdr")
    whole = flags.duplicate_keys(files, suite)
    sliced = flags.duplicate_keys(files, suite, rows_per_pass=2)
    assert [d["report_id"].to_list() for d in whole] == [["k1", "k4"], ["k2"]]
    assert [d["report_id"].to_list() for d in sliced] == [["k1", "k4"], ["k2"]]


def test_placement_flags_compare_with_the_partition_bounds():
    # Partition week ending 2026-11-22: W = [2026-11-15T00:00Z, 2026-11-22T00:00Z).
    # started_at: first instant in; last instant of the previous week out; the week ending itself out; null counts
    # as placed (not-null reports it). week_ending: equal -> True, 2026-11-29 -> False.
    bounds = PartitionBounds.of(dt.date(2026, 11, 22))
    utc = dt.UTC
    frame = pl.DataFrame(
        {
            "started_at": [
                dt.datetime(2026, 11, 15, tzinfo=utc),
                dt.datetime(2026, 11, 14, 23, 59, 59, tzinfo=utc),
                dt.datetime(2026, 11, 22, tzinfo=utc),
                None,
            ],
            "week_ending": [dt.date(2026, 11, 22), dt.date(2026, 11, 22), dt.date(2026, 11, 29), dt.date(2026, 11, 22)],
        }
    )
    exprs = flags.placement_flags(suite_for("cdr"), bounds)
    assert sorted(exprs) == ["started_at_in_partition_week", "week_ending_is_partition"]
    out = frame.with_columns(**exprs)
    assert out["started_at_in_partition_week"].to_list() == [True, False, False, True]
    assert out["week_ending_is_partition"].to_list() == [True, True, False, True]
    # Snapshots: snapshot_date equals the partition date.
    snap = pl.DataFrame({"snapshot_date": [dt.date(2026, 11, 22), dt.date(2026, 11, 15)]})
    assert snap.with_columns(**flags.placement_flags(suite_for("licenses"), bounds))["snapshot_date_is_partition"].to_list() == [True, False]


def test_known_orgs_use_the_snapshot_in_force(tmp_path):
    lake = Lake(tmp_path / "home")
    lake.write("customers", dt.date(2026, 11, 8), [{"org_id": "old"}])
    lake.write("customers", dt.date(2026, 11, 15), [{"org_id": "b"}, {"org_id": "a"}])
    lake.write("customers", dt.date(2026, 11, 29), [{"org_id": "later"}])
    region_lake = tmp_path / "home" / "lake" / "US"
    assert flags.known_orgs(region_lake, dt.date(2026, 11, 22)).to_list() == ["a", "b"]
    assert flags.known_orgs(region_lake, dt.date(2026, 11, 8)).to_list() == ["old"]
    assert flags.known_orgs(region_lake, dt.date(2026, 11, 1)).to_list() == []
