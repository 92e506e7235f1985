"""The `pull` command's glue: arguments -> `pull()` -> printed lines / exit codes (SPEC 8, 10).

Exit 2 for arguments the command cannot honour (no token; snapshots asked for a date other than the
pull date: the APIs serve today's state only, so a snapshot "at D" can only be taken on D); exit 1
when an org failed (all of them listed) or a 401/403 stopped the pull."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from partner_analytics import periods
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.pull.credentials import webex_credentials
from partner_analytics.pull.run import DEFAULT_BASE_URL, WHAT, PullResult, pull


def parse_now(value: str | None) -> dt.datetime:
    """`--now` as aware UTC; the wall clock only when it is not given (the CLI's edge, never deeper)."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadArgumentError(f"--now must be an ISO timestamp (2026-11-22T00:30:00Z), got {value!r}") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def check_snapshot_date(what: str, week_ending: dt.date, now: dt.datetime) -> None:
    if what in ("all", "snapshots") and now.date() != week_ending:
        raise BadArgumentError(
            f"snapshots can only be pulled on the day they are dated: the APIs serve the current state, so on "
            f"{now.date().isoformat()} a snapshot would not be the state at {week_ending.isoformat()}; "
            "pull on D, or use --what cdr"
        )


def client_options(environ=None) -> dict:
    """Retry and timeout settings from the environment (README: Configuration)."""
    import os

    env = os.environ if environ is None else environ
    try:
        return {
            "attempts": int(env.get("PA_PULL_ATTEMPTS", 5)),
            "backoff_initial": float(env.get("PA_PULL_BACKOFF_S", 1.0)),
            "backoff_max": float(env.get("PA_PULL_BACKOFF_MAX_S", 30.0)),
            "timeout": float(env.get("PA_PULL_TIMEOUT_S", 30.0)),
        }
    except ValueError as exc:
        raise BadArgumentError(f"bad PA_PULL_* setting: {exc}") from None


def summary_lines(result: PullResult) -> list[str]:
    waited = sum(seconds for _, seconds in result.waits)
    return [
        f"pulled {len(result.files)} files ({result.cdr_windows} CDR windows, {result.cdr_rows} CDR rows): "
        f"{result.requests} requests, {result.bytes:,} bytes, waited {waited:.1f} s"
    ]


def pull_command(
    landing: Path,
    week_ending: str,
    regions: list[str] | None,
    what: str,
    base_url: str | None,
    cdr_base_url: str,
    now: str | None,
    concurrency: int,
) -> list[str]:
    d = periods.week_ending(week_ending)
    if what not in WHAT:
        raise BadArgumentError(f"--what must be one of {', '.join(WHAT)}, got {what!r}")
    if concurrency < 1:
        raise BadArgumentError("--concurrency must be at least 1")
    moment = parse_now(now)
    check_snapshot_date(what, d, moment)
    creds = webex_credentials()
    result = pull(
        Path(landing),
        creds.token,
        pull_date=d,
        now=moment,
        regions=regions,
        what=what,
        base_url=base_url or creds.base_url or DEFAULT_BASE_URL,
        cdr_base_url=cdr_base_url,
        concurrency=concurrency,
        client_options=client_options(),
    )
    lines = summary_lines(result)
    if result.failed:
        listing = "; ".join(f"{org}: {reason}" for org, reason in sorted(result.failed.items()))
        raise PipelineError(f"{lines[0]}; {len(result.failed)} org(s) failed: {listing}")
    return lines
