"""Daily pull of the Webex Detailed Call History into the landing zone (SPEC 10), every day 00:15 UTC.

### What a run does
`resolve_pull` reads the landing folder and the regions to pull; then one mapped task per region,
`pull_region_cdrs`, fetches from `/v1/cdr_feed` every 12-hour window of that region's customer orgs
that lies inside the feed's retention (30 days back to 5 minutes ago) and is not yet recorded in
`<landing>/_pull_state.json`: normally the previous UTC day's two windows; after downtime, every
missed day up to 30 days back (catch-up comes from the state file, not from Airflow backfills, so
`catchup=False` and a run after a week's outage fetches the whole week). Pages land as
`<landing>/<REGION>/cdr/<org>_<start>_<end>_<page>.json`; the weekly run ingests them.

### The clock
The feed's limits are relative to the real current time, so each task takes `now` from the clock when
it starts; the run param `now` (an ISO timestamp) pins it (tests, replays). 00:15 leaves the day's last
window (ending 00:00) more than the feed's 5 minutes behind.

### Rate limits and secrets
Tasks run in the pool `webex_api` (`airflow pools set webex_api 2 "Webex API pulls"`): at most that many
regions pull at once, each with at most `--concurrency` requests in flight per host; 429 answers are
waited out as `Retry-After` says. The token comes from the connection `webex_default` (password = token,
host = API base URL) or `WEBEX_ACCESS_TOKEN`; it is never logged. A 401/403 (missing scope) fails the
task without retries; an org that still fails after its retries fails its region's task, naming it.

### Configuration (Airflow Variable, else environment variable)
`PA_LANDING` (default `<repo>/demo/landing`), `PA_PULL_REGIONS` (default `US,CA,EU,UAE`),
`PA_WEBEX_CDR_BASE_URL` (default `https://analytics-calling.webexapis.com`), `PA_PULL_*` retry settings.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable, Param, dag, task
from pendulum import datetime

from partner_analytics import orchestration  # light: no Airflow hook or data library at import

RETRY_RULES = [
    ("partner_analytics.pull.client.ScopeError", "fail", "401/403: the token or its scopes must be fixed first; a retry fails the same way"),
    ("partner_analytics.pull.credentials.MissingTokenError", "fail", "no webex_default connection and no WEBEX_ACCESS_TOKEN"),
]
DEFAULT_ARGS = orchestration.default_args(retries=3, retry_delay=timedelta(minutes=10), max_retry_delay=timedelta(hours=2), rules=RETRY_RULES)


@dag(
    dag_id="partner_pull",
    schedule=CronDataIntervalTimetable("15 0 * * *", timezone="UTC"),  # daily 00:15 UTC
    start_date=datetime(2026, 1, 4, tz="UTC"),
    catchup=False,  # the state file catches up every missed window within the feed's 30 days
    max_active_runs=1,  # one writer of _pull_state.json per region at a time
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=20),  # before the next day's run is due
    params={"now": Param(None, type=["null", "string"], description="Pin the current UTC time (ISO); default: the clock.")},
    tags=["partner-analytics", "daily", "pull"],
    doc_md=__doc__,
)
def partner_pull():
    @task
    def resolve_pull() -> dict:
        from partner_analytics.pull import tasks

        return tasks.pull_config(orchestration.airflow_variable)

    @task
    def list_pull_regions(config: dict) -> list[str]:
        return config["regions"]

    # a catch-up after downtime fetches up to 30 days of windows: hours, not minutes
    @task(pool="webex_api", max_active_tis_per_dag=4, map_index_template="{{ region }}", execution_timeout=timedelta(hours=3))
    def pull_region_cdrs(config: dict, region: str, params=None) -> dict:
        from airflow.sdk import get_current_context

        from partner_analytics.pull import tasks

        get_current_context()["region"] = region  # the grid label, and the notifiers name the region

        return tasks.pull_region_cdrs(config, region, (params or {}).get("now"))

    config = resolve_pull()
    pull_region_cdrs.partial(config=config).expand(region=list_pull_regions(config))


partner_pull()
