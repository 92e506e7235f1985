"""DAG integrity: every DAG file imports, schedules/retries/catchup are as intended, nothing heavy at parse time."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"

EXPECTED = {"partner_weekly", "partner_reports_daily", "partner_reports_weekly", "partner_reports_monthly", "partner_pull"}


def test_dagbag_has_no_import_errors_and_every_dag(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == EXPECTED


def test_every_dag_has_tags_docs_retries_no_catchup_one_run_at_a_time(dagbag):
    for dag in dagbag.dags.values():
        assert "partner-analytics" in dag.tags, dag.dag_id
        assert dag.doc_md and len(dag.doc_md) > 200, dag.dag_id
        assert dag.catchup is False, dag.dag_id
        assert dag.max_active_runs == 1, dag.dag_id
        for t in dag.tasks:
            assert t.retries >= 1, (dag.dag_id, t.task_id)
            assert t.retry_exponential_backoff > 0, (dag.dag_id, t.task_id)
            assert t.retry_policy is not None, (dag.dag_id, t.task_id)


def test_weekly_schedule_is_sunday_midnight_utc_with_a_data_interval(dagbag):
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags["partner_weekly"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 0 * * 0"
    assert str(dag.timetable.timezone) == "UTC"


def test_report_schedules(dagbag):
    crons = {d: dagbag.dags[d].timetable.expression for d in EXPECTED - {"partner_weekly", "partner_pull"}}
    assert crons == {
        "partner_reports_daily": "0 6 * * *",
        "partner_reports_weekly": "0 6 * * 0",
        "partner_reports_monthly": "0 6 1 * *",
    }


def test_weekly_task_chain_per_region_and_the_writer_pool(dagbag):
    dag = dagbag.dags["partner_weekly"]
    chain = ["region.ingest_region", "region.validate_region", "region.build_marts", "region.export_reports", "region.write_summary"]
    for upstream, downstream in zip(chain, chain[1:]):
        assert dag.get_task(downstream).upstream_task_ids >= {upstream}
    # the partner-level ingest runs once, before any region
    assert "ingest_partner" in dag.get_task("region.ingest_region").upstream_task_ids
    assert dag.get_task("region.build_marts").pool == "duckdb_writer"
    # the marts asset is emitted once the export step has published the warehouse
    assert [o.name for o in dag.get_task("region.export_reports").outlets] == ["partner_analytics_marts"]
    assert dag.get_task("region.build_marts").outlets == []


def test_pipeline_errors_fail_fast_other_errors_retry(dagbag):
    from partner_analytics.errors import ValidationError
    from partner_analytics.reports import WeekNotBuiltError

    weekly = dagbag.dags["partner_weekly"].get_task("region.build_marts").retry_policy
    assert weekly.evaluate(ValidationError("x"), 1, 3).action.value == "fail"
    assert weekly.evaluate(OSError("disk"), 1, 3).action.value == "default"
    reports = dagbag.dags["partner_reports_weekly"].get_task("export_scheduled_reports").retry_policy
    assert reports.evaluate(WeekNotBuiltError("later"), 1, 5).action.value == "retry"
    assert reports.evaluate(ValidationError("x"), 1, 5).action.value == "fail"


def test_dags_serialize(dagbag):
    from airflow.serialization.serialized_objects import DagSerialization

    for dag in dagbag.dags.values():
        again = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))
        assert {t.task_id for t in again.tasks} == {t.task_id for t in dag.tasks}


def test_parsing_imports_nothing_heavy():
    # A fresh interpreter: parse the folder, then list which heavy packages got imported.
    code = (
        "import sys\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        f"b = DagBag(dag_folder={str(DAGS)!r})\n"
        "assert not b.import_errors, b.import_errors\n"
        "print(sorted(m for m in ('polars', 'duckdb', 'dbt', 'great_expectations', 'pandas', 'ingestion', 'exports') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
