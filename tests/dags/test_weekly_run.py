"""The weekly DAG run through Airflow (dag.test) with the heavy steps replaced by small fakes:
summary.json must be the command line's (`pipeline.run`), on success and on failure — all but the
wall time each step took and the run id."""

import datetime as dt
import json
import shutil

import pytest

from partner_analytics import pipeline
from partner_analytics.errors import PipelineError, ValidationError

UTC = dt.UTC
D = dt.date(2026, 11, 22)


@pytest.fixture
def fake_steps(monkeypatch, tmp_path):
    """Deterministic stand-ins for ingestion, expectations, dbt and the exports (same for CLI and DAG)."""
    landing = tmp_path / "landing"
    for region in ("US", "EU"):  # CA and UAE have no landing folder: skipped
        (landing / region).mkdir(parents=True)
    calls = []

    def ingest_partner_step(landing, home, week_ending):
        calls.append(("partner", week_ending))
        return {"partner_admins": {"read": 3, "loaded": 2, "duplicates": 1, "quarantined": 0}}

    def ingest_step(landing, home, region, week_ending):
        calls.append(("ingest", region, week_ending))
        n = {"US": 5, "EU": 2}[region]
        return {"cdr": {"read": n, "loaded": n - 1, "duplicates": 1, "quarantined": 0, "partitions": [f"start_date={week_ending}"]}}

    def validate_step(home, region, week_ending, partitions):
        calls.append(("validate", region, week_ending))
        if region == "EU" and fail_eu:
            raise ValidationError("cdr: expect_column_values_to_not_be_null(report_id) failed, e.g. row 3")
        return {"suites": {"cdr": {"success": True, "partitions": partitions["cdr"]}}}

    def build_step(home, region, week_ending, run_id=None):
        calls.append(("build", region, week_ending))
        return str(home / "warehouse" / f"{region}.duckdb")  # the live path; the export step publishes the build there

    def export_step(home, region, week_ending):
        calls.append(("export", region, week_ending))
        if region == "EU" and crash_eu_export:
            raise OSError("No space left on device")
        return [{"template": "Devices Report", "path": str(home / "exports" / region / "x.csv"), "rows": 7}]

    fail_eu = crash_eu_export = False
    for name, fn in [
        ("ingest_partner_step", ingest_partner_step),
        ("ingest_step", ingest_step),
        ("validate_step", validate_step),
        ("build_step", build_step),
        ("export_step", export_step),
    ]:
        monkeypatch.setattr(pipeline, name, fn)

    class Fakes:
        def __init__(self):
            self.landing, self.home, self.calls = landing, tmp_path / "home", calls

        def fail_eu_validation(self):
            nonlocal fail_eu
            fail_eu = True

        def crash_eu_export(self):
            nonlocal crash_eu_export
            crash_eu_export = True

    fakes = Fakes()
    monkeypatch.setenv("PA_LANDING", str(landing))
    monkeypatch.setenv("PA_HOME", str(fakes.home))
    return fakes


def _summaries(home, d=D):
    """summary.json per region, with the wall times of its steps zeroed (the only part that may differ)."""
    out = {}
    for p in sorted((home / "runs" / d.isoformat()).glob("*/summary.json")):
        doc = json.loads(p.read_text())
        doc["timings_seconds"] = {step: 0 for step in doc["timings_seconds"]}
        assert doc.pop("run_id")  # every run has its own id (partner_analytics.locks)
        out[p.parent.name] = json.dumps(doc, indent=2, sort_keys=True)
    return out


def _cli_then_dag(dagbag, fakes, **dag_test_kwargs):
    """Run the CLI path, keep its summaries, clear them, run the DAG; return both (same home: same paths)."""
    try:
        pipeline.run(fakes.landing, fakes.home, D)
    except Exception:
        pass  # a failing region: the run raises after writing every summary
    cli = _summaries(fakes.home)
    shutil.rmtree(fakes.home / "runs")
    fakes.calls.clear()
    dr = dagbag.dags["partner_weekly"].test(**dag_test_kwargs)
    return cli, _summaries(fakes.home), dr


def test_weekly_dag_writes_the_same_summaries_as_the_cli(airflow_db, dagbag, fake_steps):
    cli, dag, dr = _cli_then_dag(dagbag, fake_steps, logical_date=dt.datetime(2026, 11, 22, tzinfo=UTC))
    assert dr.state == "success"
    assert set(cli) == {"US", "EU"}
    assert dag == cli
    us = json.loads(dag["US"])
    # US: read 5 = loaded 4 + duplicates 1 + quarantined 0; partner ingest counted once and copied into each region
    assert us["status"] == "succeeded" and us["week_ending"] == "2026-11-22"
    assert sorted(us["timings_seconds"]) == ["build", "export", "ingest", "validate"]
    assert us["datasets"]["cdr"]["loaded"] == 4 and us["partner_datasets"]["partner_admins"]["read"] == 3
    assert us["warehouse"] == str(fake_steps.home / "warehouse" / "US.duckdb")  # the live path, not .building
    # the partner ingest ran once, before the regions; each region ran its four steps in order for D
    assert fake_steps.calls[0] == ("partner", D)
    for region in ("US", "EU"):
        steps = [c[0] for c in fake_steps.calls if len(c) == 3 and c[1] == region]
        assert steps == ["ingest", "validate", "build", "export"]
    # one marts asset event per region built, carrying D
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        events = (
            session.query(AssetModel.name, AssetEvent.extra)
            .join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
            .filter(AssetEvent.source_run_id == dr.run_id)  # this run's events (the database is shared)
            .all()
        )
    assert sorted((n, e["week_ending"]) for n, e in events if n.startswith("partner_analytics_marts_")) == [
        ("partner_analytics_marts_EU", "2026-11-22"),
        ("partner_analytics_marts_US", "2026-11-22"),
    ]


def test_failed_region_writes_the_same_failed_summary_and_fails_the_run(airflow_db, dagbag, fake_steps):
    fake_steps.fail_eu_validation()
    cli, dag, dr = _cli_then_dag(dagbag, fake_steps, logical_date=dt.datetime(2026, 11, 22, tzinfo=UTC))
    assert dr.state == "failed"
    assert dag == cli
    eu = json.loads(dag["EU"])
    assert (eu["status"], eu["failed_step"]) == ("failed", "validate")
    assert "report_id" in eu["error"] and "warehouse" not in eu
    assert sorted(eu["timings_seconds"]) == ["ingest", "validate"]  # the failed step's time is recorded too
    assert json.loads(dag["US"])["status"] == "succeeded"  # regions are independent
    # a data failure is not retried: validate ran exactly once for EU, and EU never reached build
    assert [c[0] for c in fake_steps.calls if len(c) == 3 and c[1] == "EU"] == ["ingest", "validate"]


def test_manual_run_without_data_interval_reports_the_last_complete_week(airflow_db, dagbag, fake_steps):
    # no logical date -> no data interval; triggered Wednesday 2026-11-25 12:00 UTC -> D = 2026-11-22
    dr = dagbag.dags["partner_weekly"].test(logical_date=None, run_after=dt.datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert dr.state == "success"
    assert set(_summaries(fake_steps.home)) == {"US", "EU"}
    assert ("ingest", "US", D) in fake_steps.calls


def test_an_unexpected_error_is_recorded_like_the_cli_records_it(fake_steps):
    """Without Airflow (a retried task would wait minutes in dag.test): the tasks' step calls alone."""
    from partner_analytics import locks, orchestration

    fake_steps.crash_eu_export()
    with pytest.raises(PipelineError, match=r"^EU: No space left on device$"):
        pipeline.run(fake_steps.landing, fake_steps.home, D)
    cli = _summaries(fake_steps.home)
    shutil.rmtree(fake_steps.home / "runs")

    config = orchestration.weekly_run_config(dt.datetime(2026, 11, 22, tzinfo=UTC), None)
    partner = pipeline.partner_step(config["landing"], config["home"], D, locks.new_run_id())
    summary = pipeline.start_summary(config["landing"], "EU", D, locks.new_run_id(), partner)
    for step in ("ingest", "validate", "build"):
        summary = orchestration.region_step(config, summary, step)
    with pytest.raises(OSError):
        orchestration.region_step(config, summary, "export")
    dag = _summaries(fake_steps.home)
    assert dag["EU"] == cli["EU"]
    eu = json.loads(dag["EU"])
    assert (eu["status"], eu["failed_step"], eu["error"]) == ("failed", "export", "OSError: No space left on device")
