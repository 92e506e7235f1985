"""Report schedules: custom report templates exported daily, weekly or monthly from the weekly run's marts.

### What is scheduled
Every custom template in `PA_TEMPLATES_DIR` (default `<repo>/exports/templates/*.yml`) whose
`schedules` lists the cadence (`daily`, `weekly`, `monthly`; see `exports/custom.py`), for every
region whose weekly run has built a warehouse (dynamic task mapping over `region`).

| DAG | runs | period (from `partner_analytics.periods`) | file date |
|---|---|---|---|
| `partner_reports_daily` | every day 06:00 UTC | the previous UTC day | the run date |
| `partner_reports_weekly` | Sunday 06:00 UTC | W = [D - 7 days, D) of that Sunday D | D |
| `partner_reports_monthly` | the 1st 06:00 UTC | the previous calendar month | the run date |

The run date is the date of `data_interval_end`; a run without a data interval (manual trigger)
uses the UTC date it was triggered.

### Design: reuse the lake and the marts, never touch the live warehouse
These DAGs ingest nothing and never build the live warehouse. They read the week the region's
warehouse holds (D of its latest succeeded weekly run, from `<home>/runs/*/<REGION>/summary.json`):
- a period equal to W of that D (the weekly schedule after its weekly run) is exported straight
  from the live warehouse, opened read-only;
- any other period: the live warehouse is copied into a disposable folder next to it, only the
  `rpt_*` models the templates read are rebuilt there with the dbt vars `report_start` /
  `report_end` (`dbt build --select rpt_...`, so their tests still gate the export), the CSVs are
  written from the copy, and the copy is deleted whatever happens.
Reports therefore see the data the latest weekly run ingested: events landed since then appear
after the next weekly run. A weekly schedule whose week is not built yet fails with
`WeekNotBuiltError` and is retried (exponential backoff, up to 4 times) while the weekly run finishes.

Configuration (Airflow Variable, else environment, else default): `PA_HOME` (default
`<repo>/demo/home`), `PA_TEMPLATES_DIR` (default `<repo>/exports/templates`).
The same code answers `partner-analytics report` (`partner_analytics/reports.py`).
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable, dag, task
from pendulum import datetime

from partner_analytics import orchestration  # light: no Airflow hook or data library at import

SCHEDULES = {
    "daily": "0 6 * * *",
    "weekly": "0 6 * * 0",
    "monthly": "0 6 1 * *",
}

RETRY_RULES = [
    ("partner_analytics.reports.WeekNotBuiltError", "retry", "the weekly run has not built this week yet"),
    ("partner_analytics.errors.PipelineError", "fail", "data or pipeline failure: the same inputs fail the same way"),
]
DEFAULT_ARGS = orchestration.default_args(retries=4, retry_delay=timedelta(minutes=15), max_retry_delay=timedelta(hours=4), rules=RETRY_RULES)


def report_schedule(cadence: str, cron: str):
    @dag(
        dag_id=f"partner_reports_{cadence}",
        schedule=CronDataIntervalTimetable(cron, timezone="UTC"),
        start_date=datetime(2026, 1, 4, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        dagrun_timeout=timedelta(hours=20),  # retries of a week not built yet back off up to 4 h
        tags=["partner-analytics", "reports", cadence],
        doc_md=__doc__,
    )
    def reports():
        @task
        def resolve_run(data_interval_end=None, dag_run=None) -> dict:
            return orchestration.report_run_config(cadence, data_interval_end, dag_run.run_after, orchestration.airflow_variable)

        @task
        def list_regions(config: dict) -> list[str]:
            return orchestration.regions_with_warehouse(config)

        @task(map_index_template="{{ region }}", execution_timeout=timedelta(hours=1))
        def export_scheduled_reports(config: dict, region: str) -> list[dict]:
            from airflow.sdk import get_current_context

            from partner_analytics import progress, reports

            get_current_context()["region"] = region  # the grid and the failure message name the region
            progress.quiet_benign_warnings()
            return reports.run_schedule(config["home"], region, config["cadence"], config["run_date"], config["templates_dir"])

        config = resolve_run()
        export_scheduled_reports.partial(config=config).expand(region=list_regions(config))

    return reports()


for _cadence, _cron in SCHEDULES.items():
    report_schedule(_cadence, _cron)
