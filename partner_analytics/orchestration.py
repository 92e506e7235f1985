"""What the Airflow tasks call: run dates from data intervals, locations from Variables/env, and one
wrapper per weekly step that keeps summary.json identical to the CLI run's (pipeline.run).

Nothing here imports Airflow: the DAG files pass in what they read from the task context, so every
rule is a plain function with plain tests."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any, Callable, Mapping

from partner_analytics import paths, periods, pipeline
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
    d = periods.last_complete_week_ending(run_after.astimezone(dt.timezone.utc))
    log.info("run has no data interval: using the last complete week before %s, week ending %s", run_after, d)
    return d


def report_run_date(data_interval_end: dt.datetime | None, run_after: dt.datetime | None) -> dt.date:
    """The run date of a report schedule (daily/monthly periods end there): the data interval's end,
    else the UTC date the run was triggered."""
    if data_interval_end is not None:
        return data_interval_end.astimezone(dt.timezone.utc).date()
    if run_after is None:
        raise PipelineError("a run without a data interval needs run_after to pick its period")
    d = run_after.astimezone(dt.timezone.utc).date()
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
    return pipeline.landing_regions(Path(config["landing"]), requested or None)


def regions_with_warehouse(config: dict) -> list[str]:
    """Regions a report schedule can export: those whose weekly run has built a warehouse."""
    from ingestion.schemas import REGIONS

    return [r for r in REGIONS if paths.warehouse_path(Path(config["home"]), r).exists()]


def ingest_partner(config: dict) -> dict:
    """The partner-level ingest, once per run before the regions."""
    from partner_analytics import locks

    d = periods.week_ending(config["week_ending"])
    with locks.region_lock(Path(config["home"]), paths.PARTNER, locks.new_run_id(), wait_seconds=600):
        return pipeline.json_value(pipeline.ingest_partner_step(Path(config["landing"]), Path(config["home"]), d))


def _step(config: dict, summary: dict, step: str, key: str, call: Callable[[Path, str, dt.date], Any]) -> dict:
    """Run one step of a region through pipeline.record_step, the CLI's own recorder."""
    from partner_analytics import locks

    home, region = Path(config["home"]), summary["region"]
    d = periods.week_ending(summary["week_ending"])
    # each task holds the region's lock while it runs and leaves its run's claim between tasks
    # (partner_analytics.locks); a failed step closes the claim: the region's run is over
    with locks.region_lock(home, region, summary["run_id"], claim=True, release=False) as held:
        try:
            return pipeline.record_step(home, summary, step, key, lambda: call(home, region, d))
        except BaseException:
            held.release_claim()
            raise


def ingest_region(config: dict, region: str, partner: dict | None) -> dict:
    """Start a region's summary and ingest its landing files (summary key `datasets`)."""
    from partner_analytics import locks

    summary = {**pipeline.new_summary(region, periods.week_ending(config["week_ending"]), partner), "run_id": locks.new_run_id()}
    landing = Path(config["landing"])
    from partner_analytics.landing_check import landing_warnings

    if warnings := landing_warnings(landing, region):
        summary["warnings"] = warnings
    allow_stale = bool(config.get("allow_stale", False))  # SPEC 13 freshness gate (DAG param / Variable PA_ALLOW_STALE)
    return _step(config, summary, "ingest", "datasets", lambda home, r, d: pipeline.ingest_step(landing, home, r, d, *([True] if allow_stale else [])))


def validate_region(config: dict, summary: dict) -> dict:
    """Gate the newly ingested partitions (summary key `data_quality`)."""
    parts = pipeline.partitions_of(summary["datasets"])
    return _step(config, summary, "validate", "data_quality", lambda home, r, d: pipeline.validate_step(home, r, d, parts))


def build_region(config: dict, summary: dict) -> dict:
    """dbt build the region's warehouse (summary key `warehouse`: the live path export publishes it to)."""
    return _step(config, summary, "build", "warehouse", lambda home, r, d: pipeline.build_step(home, r, d, summary["run_id"]))


def export_region(config: dict, summary: dict) -> dict:
    """Write every default template for W (summary key `exports`)."""
    return _step(config, summary, "export", "exports", pipeline.export_step)


def finish_region(config: dict, summary: dict) -> str:
    """Mark the region succeeded and write its summary.json; returns its path."""
    from partner_analytics import locks

    path = str(pipeline.finish_summary(Path(config["home"]), summary))
    locks.release_claim(Path(config["home"]), summary["region"], summary["run_id"])
    return path
