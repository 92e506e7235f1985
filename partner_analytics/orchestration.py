"""What only the Airflow DAGs need: run dates from data intervals, locations from Variables/env, a
weekly task's hold on its region's lock (`region_step`), and the DAGs' shared default arguments.

The weekly DAG's tasks call the pipeline's own step functions (`pipeline.partner_step`,
`pipeline.run_step` through `region_step`, `pipeline.finish_summary`), the ones `partner-analytics
run` calls, so summary.json and the exports are the same bytes. Nothing here imports Airflow at import time: the
DAG files pass in what they read from the task context, so every rule is a plain function with
plain tests (`default_args` imports airflow.sdk when called, from a DAG file that already has)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from partner_analytics import paths, periods  # light: the DAG files import this module when parsed
from partner_analytics.errors import PipelineError

log = logging.getLogger(__name__)

# Where the DAGs look when neither an Airflow Variable nor an environment variable says otherwise:
# the folders `make demo` uses, so a fresh checkout runs under Airflow without configuration.
DEFAULT_LANDING = paths.REPO_ROOT / "demo" / "landing"
DEFAULT_HOME = paths.REPO_ROOT / "demo" / "home"
DEFAULT_TEMPLATES_DIR = paths.REPO_ROOT / "exports" / "templates"

SETTINGS = {
    "PA_LANDING": DEFAULT_LANDING,
    "PA_HOME": DEFAULT_HOME,
    "PA_TEMPLATES_DIR": DEFAULT_TEMPLATES_DIR,
}

# The Airflow asset alias the weekly build emits one asset event per region through.
MARTS_ASSET_ALIAS = "partner_analytics_marts"


def marts_asset_name(region: str) -> str:
    """Name of the Airflow asset standing for one region's marts (its DuckDB warehouse)."""
    return f"partner_analytics_marts_{region}"


def marts_asset_uri(region: str) -> str:
    """A stable URI per region (not the file path: home differs between machines, consumers don't)."""
    return f"partner-analytics://marts/{region}"


def setting(key: str, get_variable: Callable[[str], Any] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """One location setting: the Airflow Variable `key`, else the environment variable `key`, else its default."""
    environ = os.environ if environ is None else environ
    value = get_variable(key) if get_variable is not None else None
    if value in (None, ""):
        value = environ.get(key) or None
    return Path(value or SETTINGS[key]).resolve()


def airflow_variable(key: str) -> Any:
    """An Airflow Variable, or None when unset (only called inside a running task)."""
    from airflow.sdk import Variable

    return Variable.get(key, default=None)


def run_week_ending(data_interval_end: dt.datetime | None, run_after: dt.datetime | None) -> dt.date:
    """D of a weekly run: the end of its data interval; a run without one (manual, CLI or asset
    trigger) reports the last complete week before it was triggered."""
    if data_interval_end is not None:
        return periods.week_ending(data_interval_end.date())
    if run_after is None:
        raise PipelineError("a run without a data interval needs run_after to pick its week")
    d = periods.last_complete_week_ending(run_after.astimezone(dt.UTC))
    log.info("run has no data interval: using the last complete week before %s, week ending %s", run_after, d)
    return d


def report_run_date(data_interval_end: dt.datetime | None, run_after: dt.datetime | None) -> dt.date:
    """The run date of a report schedule (daily/monthly periods end there): the data interval's end,
    else the UTC date the run was triggered."""
    if data_interval_end is not None:
        return data_interval_end.astimezone(dt.UTC).date()
    if run_after is None:
        raise PipelineError("a run without a data interval needs run_after to pick its period")
    d = run_after.astimezone(dt.UTC).date()
    log.info("run has no data interval: using the trigger date %s as the run date", d)
    return d


def weekly_run_config(
    data_interval_end: dt.datetime | None,
    run_after: dt.datetime | None,
    get_variable: Callable[[str], Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict:
    """The weekly DAG run's D, landing and home, as XCom-friendly strings."""
    return {
        "week_ending": run_week_ending(data_interval_end, run_after).isoformat(),
        "landing": str(setting("PA_LANDING", get_variable, environ)),
        "home": str(setting("PA_HOME", get_variable, environ)),
    }


def report_run_config(
    cadence: str,
    data_interval_end: dt.datetime | None,
    run_after: dt.datetime | None,
    get_variable: Callable[[str], Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict:
    """A report schedule run's cadence, run date, home and custom-templates folder."""
    return {
        "cadence": cadence,
        "run_date": report_run_date(data_interval_end, run_after).isoformat(),
        "home": str(setting("PA_HOME", get_variable, environ)),
        "templates_dir": str(setting("PA_TEMPLATES_DIR", get_variable, environ)),
    }


def regions_to_run(config: dict, requested: list[str] | None = None) -> list[str]:
    """Regions of the weekly run: those with a landing folder (or the requested ones)."""
    from partner_analytics import pipeline

    return pipeline.landing_regions(Path(config["landing"]), requested or None)


def regions_with_warehouse(config: dict) -> list[str]:
    """Regions a report schedule can export: those whose weekly run has built a warehouse."""
    from ingestion.schemas import REGIONS

    return [r for r in REGIONS if paths.warehouse_path(Path(config["home"]), r).exists()]


def region_step(config: dict, summary: dict, step: str) -> dict:
    """One step of a region as a weekly task runs it: `pipeline.run_step` (what `partner-analytics run`
    calls per region and stage) in this process, holding the region's lock while it runs and leaving
    the run's claim on the region between tasks (partner_analytics.locks); a failed step closes the
    claim: the region's run is over."""
    from partner_analytics import locks, pipeline

    home = Path(config["home"])
    with locks.region_lock(home, summary["region"], summary["run_id"], claim=True, release=False) as held:
        try:
            return pipeline.run_step(step, Path(config["landing"]), home, summary)
        except BaseException:
            held.release_claim()
            raise


def release_region(config: dict, summary: dict) -> None:
    """The region's run is over (its summary written): its claim goes."""
    from partner_analytics import locks

    locks.release_claim(Path(config["home"]), summary["region"], summary["run_id"])


def default_args(retries: int, retry_delay: dt.timedelta, max_retry_delay: dt.timedelta, rules: list[tuple[str, str, str]]) -> dict:
    """The default_args every DAG of the project shares: owner, exponential retries, a 30-minute
    execution timeout and the failure notifiers (README "The operator's view"), with the DAG's own
    retry count and delays, and its retry rules as (exception path, "retry"|"fail", reason)."""
    from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

    from partner_analytics import notify

    actions = {"retry": RetryAction.RETRY, "fail": RetryAction.FAIL}
    return {
        "owner": "partner-analytics",
        "retries": retries,
        "retry_delay": retry_delay,
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": max_retry_delay,
        "retry_policy": ExceptionRetryPolicy(
            rules=[RetryRule(exception=exception, action=actions[action], reason=reason) for exception, action, reason in rules]
        ),
        # The operator's view (issue 23): a timeout on every task, someone told when a task fails for good.
        "execution_timeout": dt.timedelta(minutes=30),
        "on_failure_callback": notify.failure_notifiers(),
    }
