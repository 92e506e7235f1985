"""What the Airflow tasks of `partner_pull` and `partner_weekly` call for pulling (SPEC 10).

`now` is read from the clock here, at the edge, and only when the run does not fix it (DAG param `now`):
the feed's own rules are relative to the real current time, and tests pin it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from partner_analytics import periods
from partner_analytics.errors import PipelineError
from partner_analytics.pull.cli import client_options, parse_now
from partner_analytics.pull.credentials import MissingTokenError, webex_credentials
from partner_analytics.pull.run import DEFAULT_BASE_URL, DEFAULT_CDR_BASE_URL, pull

log = logging.getLogger(__name__)

ALL_REGIONS = ("US", "CA", "EU", "UAE")


def _setting(key: str, get_variable: Callable[[str], Any] | None, environ: Mapping[str, str] | None, default: str) -> str:
    import os

    env = os.environ if environ is None else environ
    value = get_variable(key) if get_variable is not None else None
    return str(value or env.get(key) or default)


def pull_config(get_variable: Callable[[str], Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Landing, regions to pull (`PA_PULL_REGIONS`, default all four) and the CDR base URL, as XCom strings."""
    from partner_analytics.orchestration import setting

    regions = _setting("PA_PULL_REGIONS", get_variable, environ, ",".join(ALL_REGIONS))
    return {
        "landing": str(setting("PA_LANDING", get_variable, environ)),
        "regions": [r.strip().upper() for r in regions.split(",") if r.strip()],
        "cdr_base_url": _setting("PA_WEBEX_CDR_BASE_URL", get_variable, environ, DEFAULT_CDR_BASE_URL),
        "base_url": _setting("PA_WEBEX_BASE_URL", get_variable, environ, ""),
    }


def pull_region_cdrs(config: dict, region: str, now: str | None = None) -> dict:
    """The daily task: every CDR window of `region`'s orgs inside the feed's 30 days not yet landed (the
    previous day's, plus any a missed run left), read as of `now` (default: the clock)."""
    creds = webex_credentials()
    moment = parse_now(now)
    result = pull(
        Path(config["landing"]),
        creds.token,
        pull_date=moment.date(),
        now=moment,
        regions=[region],
        what="cdr",
        base_url=creds.base_url or config.get("base_url") or DEFAULT_BASE_URL,
        cdr_base_url=config["cdr_base_url"],
        client_options=client_options(),
    )
    summary = {
        "region": region,
        "now": moment.isoformat(),
        "windows": result.cdr_windows,
        "rows": result.cdr_rows,
        "requests": result.requests,
        "bytes": result.bytes,
        "failed": result.failed,
    }
    if result.failed:
        raise PipelineError(f"{region}: {len(result.failed)} org(s) failed: " + "; ".join(f"{o}: {r}" for o, r in sorted(result.failed.items())))
    return summary


def pull_weekly_snapshots(config: dict, now: str | None = None) -> dict:
    """The weekly DAG's first step: snapshots dated D when the connection `webex_default` (or the token
    variable) exists and today is D; otherwise nothing, and the run ingests file-landed data only."""
    d = periods.week_ending(config["week_ending"])
    try:
        creds = webex_credentials()
    except MissingTokenError:
        log.info("no Webex connection: ingesting file-landed data only")
        return {"pulled": False, "reason": "no webex_default connection"}
    moment = parse_now(now)
    if moment.date() != d:
        log.warning("snapshots dated %s cannot be pulled on %s (the APIs serve today's state): file-landed data only", d, moment.date())
        return {"pulled": False, "reason": f"run on {moment.date().isoformat()}, not on D"}
    result = pull(
        Path(config["landing"]),
        creds.token,
        pull_date=d,
        now=moment,
        what="snapshots",
        base_url=creds.base_url or _setting("PA_WEBEX_BASE_URL", None, None, "") or DEFAULT_BASE_URL,
        client_options=client_options(),
    )
    if result.failed:
        raise PipelineError(f"snapshot pull: {len(result.failed)} org(s) failed: " + "; ".join(f"{o}: {r}" for o, r in sorted(result.failed.items())))
    return {"pulled": True, "files": len(result.files), "requests": result.requests}


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
