"""Weekly partner analytics: ingest, validate, build marts, export reports — every Sunday 00:00 UTC.

### What a run does
`resolve_run` fixes the run's week ending **D** and its folders; `ingest_partner` ingests the
partner-level data once; then, for each region with a landing folder (dynamic task mapping over
`region`): `ingest_region` -> `validate_region` -> `build_marts` -> `export_reports` ->
`write_summary`. Each region task runs one step through `partner_analytics.pipeline.run_step`, the
function `partner-analytics run` calls for every region and stage, so `<home>/runs/<D>/<REGION>/summary.json`
and the exported CSVs are the same bytes as the command line's.

### The week
D = `data_interval_end` of the run (schedule `CronDataIntervalTimetable("0 0 * * 0", "UTC")`: the
interval of the run at Sunday 00:00 is the week that just ended). A run without a data interval
(triggered manually, from the CLI or by an asset) reports the last complete week before it was
triggered: a manual run on Wednesday 2026-11-25 12:00 UTC -> D = 2026-11-22, W = [2026-11-15, 2026-11-22).

### Configuration (read inside the tasks, never at parse time)
Airflow Variable, else environment variable, else default:
`PA_LANDING` (default `<repo>/demo/landing`), `PA_HOME` (default `<repo>/demo/home`).
Run conf `{"regions": ["US", ...]}` restricts a manual run to some regions.

### Safety
`max_active_runs=1` and one build per region per run, so no two writers ever open one DuckDB
file; builds run in the pool `duckdb_writer` (create it with as many slots as the machine can run
dbt builds at once: `airflow pools set duckdb_writer 1 "dbt-duckdb builds"`). Ingestion and validation (about
1 GiB each at scale m) run in the pool `partner_memory`, one slot each: `airflow pools set partner_memory 1
"ingestion and validation"` runs one at a time; give it N slots for N at once where memory allows. Data and pipeline
failures (`PipelineError`: a bad landing file, a failed expectation, a failed dbt test) fail the task
at once — a retry would fail the same way — and write the failed summary.json; other errors are
retried with exponential backoff.

### Being told
Mapped tasks are labelled by region. A task that fails for good posts to the Airflow connection
`pa_alerts_webhook` (Slack-compatible JSON) and e-mails through `pa_alerts_smtp` (extra `to`), each only
when its connection exists; a run not finished `PA_WEEKLY_DEADLINE_HOURS` (default 6) after it was queued
triggers the same through a DeadlineAlert (`off` removes it, as `airflow dags test` needs on Airflow 3.3). Every task has an execution timeout, the run a 12 h timeout.

### Outputs
`build_marts` builds `<REGION>.duckdb.building`; `export_reports` writes the CSVs from it and
publishes warehouse and exports together, then emits the asset `partner_analytics_marts_<REGION>`
(`partner-analytics://marts/<REGION>`, through the alias `partner_analytics_marts`) with
`{"week_ending": D}` for downstream consumers (BI refreshes, further DAGs).
A backfill (D older than the live warehouse's week) publishes to `published/<REGION>/weeks/<D>/` and
emits no event. A region with no CDR leg in W or a snapshot older than D - 7 days fails its ingest task
(not retried) unless the param `allow_stale` or the Variable `PA_ALLOW_STALE` is true (SPEC 13).
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import (
    Asset,
    AssetAlias,
    AsyncCallback,
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    dag,
    task,
    task_group,
)
from pendulum import datetime

from partner_analytics import notify, orchestration  # light: no Airflow hook or data library at import
from partner_analytics.paths import REGIONS

MARTS = AssetAlias(orchestration.MARTS_ASSET_ALIAS)

# Data and pipeline failures fail at once: the same inputs fail the same way
RETRY_RULES = [("partner_analytics.errors.PipelineError", "fail", "data or pipeline failure: the same inputs fail the same way, see summary.json")]
DEFAULT_ARGS = orchestration.default_args(retries=2, retry_delay=timedelta(minutes=5), max_retry_delay=timedelta(hours=1), rules=RETRY_RULES)

# Ingestion and validation each need about 1 GiB at scale m (README, Performance): they share the pool
# `partner_memory`, one slot per step, so its slots are the steps that may run at once (default 1).
MEMORY_POOL = "partner_memory"
REGION_LABEL = "{{ region }}"  # the grid shows US, CA, EU, UAE instead of 0..3 (each task sets `region`)
DEADLINE_HOURS = notify.deadline_hours()  # PA_WEEKLY_DEADLINE_HOURS (default 6, `off`), read when the file is parsed


def _label(region: str) -> None:
    """Name this mapped task instance after its region (map_index_template) and tell the notifiers."""
    from airflow.sdk import get_current_context

    from partner_analytics import progress

    get_current_context()["region"] = region
    progress.quiet_benign_warnings()


def _run_step(config: dict, summary: dict, step: str) -> dict:
    """One step of a region, the pipeline's own step function as `partner-analytics run` calls it."""
    _label(summary["region"])
    return orchestration.region_step(config, summary, step)


@dag(
    dag_id="partner_weekly",
    schedule=CronDataIntervalTimetable("0 0 * * 0", timezone="UTC"),  # Sunday 00:00 UTC
    start_date=datetime(2026, 1, 4, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # one writer per DuckDB file
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=12),
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(hours=DEADLINE_HOURS),
        callback=AsyncCallback(notify.deadline_missed, kwargs={"hours": DEADLINE_HOURS}),
    )
    if DEADLINE_HOURS
    else None,
    params={
        "regions": Param(
            [],
            type="array",
            items={"type": "string", "enum": list(REGIONS)},
            uniqueItems=True,
            description="Regions to run (default: all with landing data).",
        ),
        "allow_stale": Param(
            False,
            type="boolean",
            description="Publish a region whose lake has no CDR leg in W or a snapshot older than D - 7 days "
            "(SPEC 13; the Variable PA_ALLOW_STALE=true does the same).",
        ),
    },
    tags=["partner-analytics", "weekly"],
    doc_md=__doc__,
)
def partner_weekly():
    @task
    def resolve_run(data_interval_end=None, dag_run=None, params=None) -> dict:
        from partner_analytics import freshness

        config = orchestration.weekly_run_config(data_interval_end, dag_run.run_after, orchestration.airflow_variable)
        # SPEC 13: a stale region fails (FreshnessError, a PipelineError: not retried) unless allowed
        allowed = (params or {}).get("allow_stale") or orchestration.airflow_variable("PA_ALLOW_STALE")
        return {**config, "allow_stale": freshness.parse_flag(allowed)}

    @task
    def pull_snapshots(config: dict, dag_run=None) -> dict:
        # SPEC 10: snapshots dated D from the Webex APIs when the webex_default connection exists (else a no-op);
        # run conf {"pull_now": ISO} pins the clock
        from partner_analytics.pull import tasks

        return tasks.pull_weekly_snapshots(config, ((dag_run.conf if dag_run else None) or {}).get("pull_now"))

    @task
    def ingest_partner(config: dict) -> dict:
        from partner_analytics import locks, periods, pipeline

        return pipeline.partner_step(config["landing"], config["home"], periods.week_ending(config["week_ending"]), locks.new_run_id())

    @task
    def list_regions(config: dict, params=None) -> list[str]:
        return orchestration.regions_to_run(config, params.get("regions"))

    @task_group(group_id="region")
    def region_run(region: str, config: dict, partner: dict):
        @task(pool=MEMORY_POOL, map_index_template=REGION_LABEL, execution_timeout=timedelta(hours=3))
        def ingest_region(config: dict, region: str, partner: dict) -> dict:
            from partner_analytics import locks, periods, pipeline

            d = periods.week_ending(config["week_ending"])
            summary = pipeline.start_summary(config["landing"], region, d, locks.new_run_id(), partner, bool(config.get("allow_stale", False)))
            return _run_step(config, summary, "ingest")

        @task(pool=MEMORY_POOL, map_index_template=REGION_LABEL, execution_timeout=timedelta(hours=2))
        def validate_region(config: dict, summary: dict) -> dict:
            return _run_step(config, summary, "validate")

        @task(pool="duckdb_writer", map_index_template=REGION_LABEL, execution_timeout=timedelta(hours=3))
        def build_marts(config: dict, summary: dict) -> dict:
            return _run_step(config, summary, "build")

        # The export step publishes the built warehouse together with the exports: the marts are
        # new for consumers only from then on, so the asset event comes from this task.
        @task(outlets=[MARTS], map_index_template=REGION_LABEL)
        def export_reports(config: dict, summary: dict, outlet_events=None) -> dict:
            from partner_analytics import publish

            exported = _run_step(config, summary, "export")
            region = exported["region"]
            if publish.is_backfill(config["home"], region, exported["week_ending"]):
                return exported  # SPEC 13: an older week than the live one is not announced as the latest
            outlet_events[MARTS].add(
                Asset(name=orchestration.marts_asset_name(region), uri=orchestration.marts_asset_uri(region)),
                extra={"week_ending": exported["week_ending"]},
            )
            return exported

        @task(map_index_template=REGION_LABEL)
        def write_summary(config: dict, summary: dict) -> str:
            from pathlib import Path

            from partner_analytics import pipeline

            _label(summary["region"])
            path = str(pipeline.finish_summary(Path(config["home"]), summary))
            orchestration.release_region(config, summary)
            return path

        ingested = ingest_region(config, region, partner)
        built = build_marts(config, validate_region(config, ingested))
        write_summary(config, export_reports(config, built))

    config = resolve_run()
    pulled = pull_snapshots(config)
    partner = ingest_partner(config)
    regions = list_regions(config)
    pulled >> [partner, regions]
    region_run.partial(config=config, partner=partner).expand(region=regions)


partner_weekly()
