"""SPEC 13 freshness rules on hand-made lake partitions (no pipeline run): exact messages."""

import datetime as dt

import pytest

from partner_analytics import freshness
from partner_analytics.errors import PipelineError

D = dt.date(2026, 11, 22)


def partition(home, dataset, column, day, rows=1):
    import polars as pl

    folder = home / "lake" / "US" / dataset / f"{column}={day}"
    folder.mkdir(parents=True)
    pl.DataFrame({"x": list(range(rows))}, schema={"x": pl.Int64}).write_parquet(folder / "data.parquet")


def test_fresh_stale_and_never_delivered_datasets(tmp_path):
    home = tmp_path
    partition(home, "cdr", "week_ending", D)
    partition(home, "customers", "snapshot_date", D - dt.timedelta(days=7))  # exactly D - 7: still fresh
    partition(home, "customers", "snapshot_date", D + dt.timedelta(days=7))  # after D: not counted for D
    partition(home, "devices", "snapshot_date", dt.date(2026, 11, 8))  # delivered once, then stopped
    # subscriptions, licenses, ... never delivered by this region: not a feed it has
    assert freshness.problems(home, "US", D) == ["devices: newest snapshot 2026-11-08 is older than 2026-11-15 (D - 7 days)"]
    with pytest.raises(freshness.FreshnessError) as failed:
        freshness.check(home, "US", D)
    assert isinstance(failed.value, PipelineError)  # the DAG's retry policy fails it at once
    assert str(failed.value) == (
        "not fresh for week ending 2026-11-22: devices: newest snapshot 2026-11-08 is older than 2026-11-15 (D - 7 days)"
        " — nothing published (run with --allow-stale to publish anyway)"
    )
    assert freshness.check(home, "US", D, allow_stale=True) == ["stale (allowed): devices: newest snapshot 2026-11-08 is older than 2026-11-15 (D - 7 days)"]


def test_an_empty_cdr_week_and_missing_customers_are_stale(tmp_path):
    home = tmp_path
    partition(home, "cdr", "week_ending", D - dt.timedelta(days=14))
    partition(home, "cdr", "week_ending", D, rows=0)  # a partition without a leg is no leg in W
    assert freshness.problems(home, "US", D) == [
        "cdr: no call leg in W [2026-11-15, 2026-11-22) (newest week with legs ends 2026-11-08)",
        "customers: no snapshot dated on or before 2026-11-22",
    ]
    assert freshness.problems(home, "EU", D) == [  # a region with an empty lake
        "cdr: no call leg in W [2026-11-15, 2026-11-22) (no earlier week with legs)",
        "customers: no snapshot dated on or before 2026-11-22",
    ]


def test_the_weekly_dag_fails_a_stale_region_without_retry_and_takes_allow_stale():
    from operations.tests_dag_loader import export_reports_callable

    _, bag = export_reports_callable()
    dag = bag.dags["partner_weekly"]
    policy = dag.get_task("region.ingest_region").retry_policy
    assert policy.evaluate(freshness.FreshnessError("x"), 1, 3).action.value == "fail"
    assert dag.params["allow_stale"] is False
    assert [freshness.parse_flag(v) for v in (True, "true", "1", "yes", None, "", "false", False)] == [True] * 4 + [False] * 4


def test_allowed_staleness_is_kept_in_the_summary_warnings(tmp_path, caplog):
    from partner_analytics import pipeline
    from partner_analytics.process import Ran

    home = tmp_path / "home"
    partition(home, "cdr", "week_ending", D)
    partition(home, "customers", "snapshot_date", D)
    partition(home, "devices", "snapshot_date", dt.date(2026, 11, 8))  # stale: older than D - 7 days
    calls = []

    def runner(function, *args):  # the lake above stands for what the ingest step left
        calls.append((function.__name__, args[-1]))
        return Ran({})

    landing_warning = "landing: an earlier warning"
    allowed = {**pipeline.new_summary("US", D), "run_id": "r1", "allow_stale": True, "warnings": [landing_warning]}
    with caplog.at_level("WARNING", logger="partner_analytics.pipeline"):
        out = pipeline.run_step("ingest", tmp_path / "landing", home, allowed, runner=runner)
    assert calls == [("ingest_step", True)]  # the step itself was told to let it through
    stale = "stale (allowed): devices: newest snapshot 2026-11-08 is older than 2026-11-15 (D - 7 days)"
    assert out["warnings"] == [landing_warning, stale]
    assert [r.getMessage() for r in caplog.records if r.name == "partner_analytics.pipeline"] == [f"US: {stale}"]  # logged once
    # a fresh lake adds nothing; a run without --allow-stale never reaches this (its ingest step raised)
    partition(home, "devices", "snapshot_date", D)
    out = pipeline.run_step("ingest", tmp_path / "landing", home, allowed, runner=runner)
    assert out["warnings"] == [landing_warning]
    plain = {**pipeline.new_summary("US", D), "run_id": "r2"}
    assert "warnings" not in pipeline.run_step("ingest", tmp_path / "landing", home, plain, runner=runner)
