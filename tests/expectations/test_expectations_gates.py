"""validate_region: each suite passes good partitions and fails bad ones with exact counts and messages."""

from __future__ import annotations

import json

import pytest
from expectations_lake import GOOD, REGION, D, day, rows, utc

from expectations import validate_region
from ingestion import schemas
from partner_analytics.errors import PipelineError, ValidationError

# Expectations per suite, counted by hand from expectations/suites.py:
#   cdr 4 not-null + key + 2 placement + duration + ring + direction + mac + released>=started + org + 2 lineage = 15
#   media_quality 3 + 1 + 2 + 4 jitter + 4 latency + 4 loss + 4 samples + ended>=started + org + 2 = 26
#   call_queue_stats 3 + 1 + 2 + 6 counts + 2 pairs + asa + abandon time + org + 2 = 19
#   meeting_participants 4 + 1 + 2 + left>=joined + org + 2 = 11
#   customers 1 + 1 + 2 snapshot + region + 2 soft not-null + managed_by + 2 = 10
#   customer_tags 2 + 1 + 2 + org + 2 = 8          subscriptions 2 + 1 + 2 + type + status + end>=start + org + 2 = 11
#   licenses 2 + 1 + 2 + 3 consumed + total + org + 2 = 12     people 2 + 1 + 2 + email + org + 2 = 9
#   people_emails 4 + 1 + 2 + index + regex + org + 2 = 12     people_licenses 3 + 1 + 2 + org + 2 = 9
#   locations 2 + 1 + 2 + org + 2 = 8              devices 2 + 1 + 2 + mac + org + 2 = 9
#   numbers 2 + number-or-ext + key + 2 + index + state + e164 + org + 2 = 12
#   partner_admins 1 + 1 + 2 + email + role + 2 = 8    partner_admin_orgs 2 + 1 + 2 + 2 = 7
#   subscription_orders 3 + 1 + 2 + 3 soft not-null + quantity + 2 = 12
COUNTS = {
    "cdr": 15,
    "media_quality": 26,
    "call_queue_stats": 19,
    "meeting_participants": 11,
    "customers": 10,
    "customer_tags": 8,
    "subscriptions": 11,
    "licenses": 12,
    "people": 9,
    "people_emails": 12,
    "people_licenses": 9,
    "locations": 8,
    "devices": 9,
    "numbers": 12,
    "partner_admins": 8,
    "partner_admin_orgs": 7,
    "subscription_orders": 12,
}
assert sum(COUNTS.values()) == 198


def _write_good(lake, *datasets):
    """Good partitions (events in week D, snapshots dated D); returns the `partitions` argument."""
    partitions: dict[str, list[str]] = {}
    for dataset in datasets:
        landing = next(k for k, v in schemas.LANDING_TO_LAKE.items() if dataset in v)
        partitions.setdefault(landing, []).append(lake.write(dataset, D, GOOD[dataset]))
    return partitions


def _fail(lake, partitions, **kwargs) -> tuple[str, dict]:
    with pytest.raises(ValidationError) as caught:
        validate_region(lake.home, REGION, D, partitions, **kwargs)
    return str(caught.value), json.loads((lake.run_dir / "validation.json").read_text())


def test_good_lake_of_every_dataset_passes(lake):
    partitions = _write_good(lake, *COUNTS)
    result = validate_region(lake.home, REGION, D, partitions)
    assert result == {
        "status": "passed",
        "hard_failures": [],
        "soft_warnings": [],
        "expectations_evaluated": 198,
        "data_docs": str(lake.run_dir / "data_docs" / "index.html"),
    }
    saved = json.loads((lake.run_dir / "validation.json").read_text())
    assert saved["status"] == "passed"
    assert {p["dataset"]: len(p["results"]) for p in saved["partitions"]} == COUNTS
    rows_by_dataset = {p["dataset"]: p["rows"] for p in saved["partitions"]}
    assert (rows_by_dataset["numbers"], rows_by_dataset["licenses"]) == (2, 1)
    index = (lake.run_dir / "data_docs" / "index.html").read_text()
    for dataset in COUNTS:
        assert f"{dataset}.html" in index  # the suite page of every dataset is linked


def test_negative_duration_is_hard_with_exact_message(lake):
    partitions = _write_good(lake, "customers")
    partitions["cdr"] = [lake.write("cdr", D, rows("cdr", {}, {"duration_seconds": -5}))]
    message, saved = _fail(lake, partitions)
    assert message == "cdr: expect_column_values_to_be_between(duration_seconds, min_value=0) failed for 1 row(s), e.g. -5"
    assert saved["status"] == "failed"
    assert saved["hard_failures"] == [
        {
            "dataset": "cdr",
            "partition": "cdr/week_ending=2026-11-22",
            "expectation": "expect_column_values_to_be_between(duration_seconds, min_value=0)",
            "unexpected_count": 1,
            "example": "-5",
            "source": "US/cdr/2026-11-22.json:2",  # second row of the partition
            "message": message,
        }
    ]
    # Data Docs are written before the error is raised, and show the failing dataset's validation.
    docs = lake.run_dir / "data_docs"
    assert (docs / "index.html").exists()
    assert len(list((docs / "validations" / "cdr").rglob("*.html"))) == 1


def test_unknown_enum_is_soft_and_run_goes_on(lake):
    partitions = _write_good(lake, "customers")
    partitions["cdr"] = [lake.write("cdr", D, rows("cdr", {"direction": "SIDEWAYS"}, {"direction": "SIDEWAYS"}))]
    result = validate_region(lake.home, REGION, D, partitions)
    assert result["status"] == "warned"
    assert result["hard_failures"] == []
    assert result["soft_warnings"] == [
        {
            "dataset": "cdr",
            "partition": "cdr/week_ending=2026-11-22",
            "expectation": "expect_column_values_to_be_in_set(direction, value_set=['ORIGINATING', 'TERMINATING'])",
            "unexpected_count": 2,
            "example": "'SIDEWAYS'",
        }
    ]
    assert result["expectations_evaluated"] == 15 + 10


def test_cdr_org_unknown_in_customers_snapshot_in_force_is_soft(lake):
    # customers in force at D is the 2026-11-22 snapshot (o1, o2): the older one (o1, o3) and the later
    # one (o1, o4) are not. CDR orgs o1, o3, o4, o4 -> o3 and both o4 rows unknown = 3 rows.
    lake.write("customers", day("2026-11-15"), rows("customers", {}, {"org_id": "o3"}))
    lake.write("customers", D, GOOD["customers"])
    lake.write("customers", day("2026-11-29"), rows("customers", {}, {"org_id": "o4"}))
    cdr = [dict(GOOD["cdr"][0], report_id=f"R{i}", org_id=org) for i, org in enumerate(["o1", "o3", "o4", "o4"])]
    result = validate_region(lake.home, REGION, D, {"cdr": [lake.write("cdr", D, cdr)]})
    assert result["status"] == "warned"
    assert result["soft_warnings"] == [
        {
            "dataset": "cdr",
            "partition": "cdr/week_ending=2026-11-22",
            "expectation": "expect_column_values_to_be_in_set(is_known_org, value_set=[True])",
            "unexpected_count": 3,
            "example": "org_id='o3'",
        }
    ]


def test_media_packet_loss_above_100_is_hard(lake):
    partitions = _write_good(lake, "customers")
    partitions["media_quality"] = [lake.write("media_quality", D, rows("media_quality", {"video_out_packet_loss_pct": 100.5}))]
    message, _ = _fail(lake, partitions)
    assert message == (
        "media_quality: expect_column_values_to_be_between(video_out_packet_loss_pct, min_value=0, max_value=100) failed for 1 row(s), e.g. 100.5"
    )


def test_answered_above_total_is_hard_and_abandoned_above_total_is_soft(lake):
    partitions = _write_good(lake, "customers")
    partitions["call_queue_stats"] = [
        lake.write(
            "call_queue_stats",
            D,
            rows(
                "call_queue_stats",
                {"answered_calls": 12},  # 12 > total 10
                {"abandoned_calls": 5},  # 5 > total 4
            ),
        )
    ]
    message, saved = _fail(lake, partitions)
    assert message == (
        "call_queue_stats: expect_column_pair_values_a_to_be_greater_than_b(total_calls, answered_calls, "
        "or_equal=True) failed for 1 row(s), e.g. total_calls=10, answered_calls=12"
    )
    assert [(w["expectation"], w["unexpected_count"], w["example"]) for w in saved["soft_warnings"]] == [
        (
            "expect_column_pair_values_a_to_be_greater_than_b(total_calls, abandoned_calls, or_equal=True)",
            1,
            "total_calls=4, abandoned_calls=5",
        )
    ]


def test_queue_stats_date_outside_the_partition_week_is_hard(lake):
    partitions = _write_good(lake, "customers")
    # W = [2026-11-15, 2026-11-22): 2026-11-22 belongs to the next week's partition
    partitions["call_queue_stats"] = [lake.write("call_queue_stats", D, rows("call_queue_stats", {}, {"stats_date": day("2026-11-22")}))]
    message, _ = _fail(lake, partitions)
    assert message == (
        "call_queue_stats: expect_column_values_to_be_between(stats_date, min_value=2026-11-15, "
        "max_value=2026-11-22, strict_max=True) failed for 1 row(s), e.g. 2026-11-22"
    )


def test_meeting_key_is_unique_case_insensitively(lake):
    partitions = _write_good(lake, "customers")
    # Same org, meeting and join time; emails differ only in case -> the same key: both rows flagged.
    partitions["meeting_participants"] = [
        lake.write("meeting_participants", D, rows("meeting_participants", {"email": "Ann@Acme.com"}, {"email": "ann@acme.com"}))
    ]
    message, saved = _fail(lake, partitions)
    assert message == (
        "meeting_participants: expect_column_values_to_be_in_set(has_unique_key, value_set=[True]) failed for "
        "2 row(s), e.g. org_id='o1', meeting_id='m1', email='Ann@Acme.com', joined_at=2026-11-16T10:00:00Z"
    )
    assert saved["hard_failures"][0]["source"] == "US/meeting_participants/2026-11-22.json:1"


def test_customer_in_another_region_is_hard(lake):
    partitions = {"customers": [lake.write("customers", D, rows("customers", {}, {"region": "EU"}))]}
    message, _ = _fail(lake, partitions)
    assert message == ("customers: expect_column_values_to_be_in_set(region, value_set=['US']) failed for 1 row(s), e.g. 'EU'")


def test_snapshot_dated_after_d_is_hard(lake):
    partitions = _write_good(lake, "customers")
    partitions["subscriptions"] = [lake.write("subscriptions", day("2026-11-29"), GOOD["subscriptions"])]
    message, saved = _fail(lake, partitions)
    assert message == ("subscriptions: expect_column_values_to_be_between(snapshot_date, max_value=2026-11-22) failed for 2 row(s), e.g. 2026-11-29")
    assert len(saved["hard_failures"]) == 1


def test_numbers_without_number_and_extension_is_hard_and_bad_e164_is_soft(lake):
    partitions = _write_good(lake, "customers")
    partitions["numbers"] = [
        lake.write(
            "numbers",
            D,
            rows(
                "numbers",
                {"phone_number": "4155550100"},  # no leading +: soft
                {"extension": None},  # neither number nor extension: hard
            ),
        )
    ]
    message, saved = _fail(lake, partitions)
    assert message == (
        "numbers: expect_column_values_to_be_in_set(has_number_or_extension, value_set=[True]) failed for "
        "1 row(s), e.g. source_file='US/numbers/2026-11-22.json', source_row=2"
    )
    assert [(w["expectation"], w["unexpected_count"], w["example"]) for w in saved["soft_warnings"]] == [
        ("expect_column_values_to_match_regex(phone_number, regex='^\\\\+[1-9][0-9]{1,14}$')", 1, "'4155550100'"),
    ]


def test_null_key_is_hard_and_several_failures_are_counted_in_the_message(lake):
    partitions = _write_good(lake, "customers")
    partitions["licenses"] = [
        lake.write(
            "licenses",
            D,
            [
                dict(GOOD["licenses"][0], license_id=None),
                dict(GOOD["licenses"][0], license_id="L2", consumed_units=-1),
            ],
        )
    ]
    message, saved = _fail(lake, partitions)
    assert message == (
        "licenses: expect_column_values_to_not_be_null(license_id) failed for 1 row(s), "
        "e.g. source_file='US/licenses/2026-11-22.json', source_row=1 "
        f"(and 1 more hard failure(s), see {lake.run_dir / 'validation.json'})"
    )
    assert [(f["expectation"], f["unexpected_count"], f["example"]) for f in saved["hard_failures"]] == [
        ("expect_column_values_to_not_be_null(license_id)", 1, "source_file='US/licenses/2026-11-22.json', source_row=1"),
        ("expect_column_values_to_be_between(consumed_units, min_value=0)", 1, "-1"),
    ]


def test_chunks_add_up_to_the_partition(lake):
    # 7 CDR rows validated 3 at a time -> chunks [0-2], [3-5], [6].
    # Negative durations at rows 1 and 6 (chunks 1 and 3): 2 rows.
    # report_id 'R0' at rows 0 and 4 (chunks 1 and 2): a duplicate no single chunk can see: 2 rows.
    # direction 'SIDEWAYS' at rows 2, 3, 6 (chunks 1, 2, 3): 3 rows (soft).
    base = GOOD["cdr"][0]
    cdr = [dict(base, report_id=f"R{i}", source_row=i + 1) for i in range(7)]
    cdr[4]["report_id"] = "R0"
    cdr[1]["duration_seconds"] = -5
    cdr[6]["duration_seconds"] = -7
    for i in (2, 3, 6):
        cdr[i]["direction"] = "SIDEWAYS"
    partitions = _write_good(lake, "customers")
    partitions["cdr"] = [lake.write("cdr", D, cdr)]

    message, chunked = _fail(lake, partitions, chunk_rows=3)
    # Data Docs show the partition, not the last chunk: 2 of 7 rows = 28.57 %.
    page = next((lake.run_dir / "data_docs" / "validations" / "cdr").rglob("*.html")).read_text()
    assert "2 unexpected values found. ≈28.57% of 7 total rows." in page
    assert message.startswith(
        "cdr: expect_column_values_to_be_in_set(has_unique_key, value_set=[True]) failed for 2 row(s), e.g. report_id='R0' (and 1 more hard failure(s)"
    )
    cdr_part = next(p for p in chunked["partitions"] if p["dataset"] == "cdr")
    assert cdr_part["rows"] == 7
    assert next(d for d in chunked["datasets"] if d["dataset"] == "cdr") == {
        "dataset": "cdr",
        "partitions": 1,
        "rows": 7,
        "chunks": 3,
    }
    counts = {r["expectation"]: (r["element_count"], r["unexpected_count"]) for r in cdr_part["results"]}
    assert counts["expect_column_values_to_be_between(duration_seconds, min_value=0)"] == (7, 2)
    assert counts["expect_column_values_to_be_in_set(has_unique_key, value_set=[True])"] == (7, 2)
    assert counts["expect_column_values_to_be_in_set(direction, value_set=['ORIGINATING', 'TERMINATING'])"] == (7, 3)
    assert [(f["expectation"], f["unexpected_count"], f["example"]) for f in chunked["hard_failures"]] == [
        ("expect_column_values_to_be_in_set(has_unique_key, value_set=[True])", 2, "report_id='R0'"),
        ("expect_column_values_to_be_between(duration_seconds, min_value=0)", 2, "-5"),  # first bad row wins
    ]

    # One chunk gives the same outcome; only the chunk count differs.
    _, whole = _fail(lake, partitions)
    whole_cdr = next(p for p in whole["partitions"] if p["dataset"] == "cdr")
    assert next(d for d in whole["datasets"] if d["dataset"] == "cdr")["chunks"] == 1
    assert whole_cdr["results"] == cdr_part["results"]
    assert whole["hard_failures"] == chunked["hard_failures"]
    assert whole["soft_warnings"] == chunked["soft_warnings"]


def test_chunks_spanning_partitions_are_split_back_per_partition(lake):
    # Two CDR weeks validated together, 3 rows at a time:
    #   A = week_ending=2026-11-15, W = [11-08, 11-15): rows A0..A3     B = week_ending=2026-11-22: rows B0..B2
    #   chunks: [A0 A1 A2] [A3 B0 B1] [B2]  -> the 2nd chunk holds rows of both partitions.
    # A3 starts 2026-11-16T10:00Z: outside A's week (though inside B's) -> 1 placement failure in A, bounds of A.
    # Negative durations: A3 (-1) -> A: 1 row; B1 (-5), B2 (-7) -> B: 2 rows, e.g. -5 (first of B).
    # B0 reuses report_id 'A0': keys are unique per partition, so no duplicate.
    base = GOOD["cdr"][0]
    week_a = [
        dict(base, report_id=f"A{i}", report_at=utc("2026-11-10T10:05:00"), started_at=utc("2026-11-10T10:00:00"), released_at=utc("2026-11-10T10:01:00"))
        for i in range(4)
    ]
    week_a[3].update(started_at=utc("2026-11-16T10:00:00"), released_at=utc("2026-11-16T10:01:00"), duration_seconds=-1)
    week_b = [dict(base, report_id=r) for r in ("A0", "B1", "B2")]
    week_b[1]["duration_seconds"] = -5
    week_b[2]["duration_seconds"] = -7
    partitions = _write_good(lake, "customers")
    partitions["cdr"] = [lake.write("cdr", day("2026-11-15"), week_a), lake.write("cdr", D, week_b)]

    message, chunked = _fail(lake, partitions, chunk_rows=3)
    assert message == (
        "cdr: expect_column_values_to_be_between(started_at, min_value=2026-11-08T00:00:00Z, "
        "max_value=2026-11-15T00:00:00Z, strict_max=True) failed for 1 row(s), e.g. 2026-11-16T10:00:00Z "
        f"(and 2 more hard failure(s), see {lake.run_dir / 'validation.json'})"
    )
    assert [(f["partition"], f["expectation"], f["unexpected_count"], f["example"], f["source"]) for f in chunked["hard_failures"]] == [
        (
            "cdr/week_ending=2026-11-15",
            "expect_column_values_to_be_between(started_at, min_value=2026-11-08T00:00:00Z, max_value=2026-11-15T00:00:00Z, strict_max=True)",
            1,
            "2026-11-16T10:00:00Z",
            "US/cdr/2026-11-15.json:4",
        ),
        ("cdr/week_ending=2026-11-15", "expect_column_values_to_be_between(duration_seconds, min_value=0)", 1, "-1", "US/cdr/2026-11-15.json:4"),
        ("cdr/week_ending=2026-11-22", "expect_column_values_to_be_between(duration_seconds, min_value=0)", 2, "-5", "US/cdr/2026-11-22.json:2"),
    ]
    by_partition = {p["partition"]: p for p in chunked["partitions"] if p["dataset"] == "cdr"}
    assert {k: p["rows"] for k, p in by_partition.items()} == {
        "cdr/week_ending=2026-11-15": 4,
        "cdr/week_ending=2026-11-22": 3,
    }
    b_counts = {r["expectation"]: (r["element_count"], r["unexpected_count"]) for r in by_partition["cdr/week_ending=2026-11-22"]["results"]}
    assert b_counts["expect_column_values_to_be_in_set(has_unique_key, value_set=[True])"] == (3, 0)
    assert b_counts["expect_column_values_to_be_between(started_at, min_value=2026-11-15T00:00:00Z, max_value=2026-11-22T00:00:00Z, strict_max=True)"] == (3, 0)
    assert next(d for d in chunked["datasets"] if d["dataset"] == "cdr") == {
        "dataset": "cdr",
        "partitions": 2,
        "rows": 7,
        "chunks": 3,
    }
    # One Data Docs page for the dataset, counts over both partitions: 3 negative durations of 7 rows = 42.86 %.
    page = next((lake.run_dir / "data_docs" / "validations" / "cdr").rglob("*.html")).read_text()
    assert "3 unexpected values found. ≈42.86% of 7 total rows." in page

    # One chunk for all 7 rows: the same outcome.
    _, whole = _fail(lake, partitions)
    assert whole["hard_failures"] == chunked["hard_failures"]
    assert whole["partitions"] == chunked["partitions"]


def test_rerun_writes_identical_validation_json(lake):
    partitions = _write_good(lake, "customers", "cdr", "numbers")
    validate_region(lake.home, REGION, D, partitions)
    first = (lake.run_dir / "validation.json").read_bytes()
    validate_region(lake.home, REGION, D, partitions)
    assert (lake.run_dir / "validation.json").read_bytes() == first


def test_chunks_are_not_fingerprinted(lake):
    """GX would md5 every chunk (a quarter of validation's time) into a marker no one reads."""
    partitions = _write_good(lake, "customers", "cdr")
    validate_region(lake.home, REGION, D, partitions)
    pages = sorted((lake.run_dir / "data_docs" / "validations").rglob("*.html"))
    assert [p.parent.parent.parent.name for p in pages] == ["cdr", "customers"]
    assert not [p for p in pages if "pandas_data_fingerprint" in p.read_text()]


def test_no_partitions_passes_with_zero_expectations_and_a_docs_index(lake):
    for partitions in ({}, {"cdr": [], "customers": []}):
        result = validate_region(lake.home, REGION, D, partitions)
        assert result == {
            "status": "passed",
            "hard_failures": [],
            "soft_warnings": [],
            "expectations_evaluated": 0,
            "data_docs": str(lake.run_dir / "data_docs" / "index.html"),
        }
        assert "<html" in (lake.run_dir / "data_docs" / "index.html").read_text().lower()


def test_relative_home_is_taken_from_the_current_directory(lake, monkeypatch):
    # `partner-analytics run --home h` once failed here: GX's Data Docs store refuses a relative folder
    monkeypatch.chdir(lake.home.parent)
    relative = lake.home.relative_to(lake.home.parent)
    result = validate_region(relative, REGION, D, _write_good(lake, "cdr", "customers"))
    assert (result["status"], result["expectations_evaluated"]) == ("passed", 15 + 10)
    assert result["data_docs"] == str(lake.run_dir / "data_docs" / "index.html")
    assert (lake.run_dir / "data_docs" / "index.html").exists()


def test_zero_row_partition_is_evaluated_and_passes(lake):
    result = validate_region(lake.home, REGION, D, {"cdr": [lake.write("cdr", D, [])]})
    assert (result["status"], result["expectations_evaluated"]) == ("passed", 15)


def test_schema_drift_is_hard(lake):
    import polars as pl

    frame = pl.DataFrame(
        [dict(r, week_ending=D, source_file="f", source_row=1) for r in GOOD["cdr"]],
        schema=schemas.schema("cdr"),
    ).with_columns(pl.col("duration_seconds").cast(pl.String))
    message, _ = _fail(lake, {"cdr": [lake.write("cdr", D, [], frame=frame)]})
    assert message == "cdr: lake schema differs from ingestion/schemas.py: duration_seconds is String, expected Int64"


def test_missing_partition_is_a_pipeline_error(lake):
    with pytest.raises(PipelineError, match="partition written by ingestion is missing"):
        validate_region(lake.home, REGION, D, {"cdr": ["cdr/week_ending=2026-11-22"]})


def test_timestamps_and_dates_at_the_week_edges(lake):
    # W = [2026-11-15T00:00Z, 2026-11-22T00:00Z): the first instant is in, the last instant is out.
    cdr = rows("cdr", {"started_at": utc("2026-11-15T00:00:00")}, {"started_at": utc("2026-11-22T00:00:00")})
    partitions = _write_good(lake, "customers")
    partitions["cdr"] = [lake.write("cdr", D, cdr)]
    message, _ = _fail(lake, partitions)
    assert message == (
        "cdr: expect_column_values_to_be_between(started_at, min_value=2026-11-15T00:00:00Z, "
        "max_value=2026-11-22T00:00:00Z, strict_max=True) failed for 1 row(s), e.g. 2026-11-22T00:00:00Z"
    )


def test_no_gx_context_outlives_a_region_passed_or_failed(lake, monkeypatch):
    """A worker validates region after region: the last region's context (all its chunk results) must
    not stay alive into the next (at scale m it added ~300 MiB to the next region's peak)."""
    import gc
    import weakref

    from expectations import runner

    built = []
    real = runner._context

    def tracked(docs_dir):
        context = real(docs_dir)
        built.append(weakref.ref(context))
        return context

    monkeypatch.setattr(runner, "_context", tracked)
    validate_region(lake.home, REGION, D, _write_good(lake, "customers", "cdr"))
    bad = _write_good(lake, "customers")
    bad["cdr"] = [lake.write("cdr", D, rows("cdr", {}, {"duration_seconds": -5}))]
    _fail(lake, bad)
    gc.collect()
    assert len(built) == 2
    assert [ref() for ref in built] == [None, None]
