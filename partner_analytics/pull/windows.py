"""Which Detailed Call History windows to request: pure functions of `now` (never the wall clock).

The feed serves any window of at most 12 hours between 30 days and 5 minutes before the current UTC
time. Windows here lie on a fixed 12-hour UTC grid (00:00-12:00, 12:00-24:00) so that every run names
the same windows and the resume state can say which ones are complete. A window is requested only
when it lies wholly inside the allowed range with a safety margin at the old end (the request reaches
Webex a little after `now`): a window that would reach back beyond 30 days is never sent."""

from __future__ import annotations

import datetime as dt

from partner_analytics.pull.endpoints import CDR_MAX_WINDOW_HOURS, CDR_MIN_AGE_MINUTES, CDR_RETENTION_DAYS

WINDOW = dt.timedelta(hours=CDR_MAX_WINDOW_HOURS)
RETENTION = dt.timedelta(days=CDR_RETENTION_DAYS)
MIN_AGE = dt.timedelta(minutes=CDR_MIN_AGE_MINUTES)
MARGIN = dt.timedelta(minutes=15)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def allowed_range(now: dt.datetime, margin: dt.timedelta = MARGIN) -> tuple[dt.datetime, dt.datetime]:
    """[oldest start, newest end] a request may use at `now` (UTC, aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    now = now.astimezone(dt.UTC)
    return now - RETENTION + margin, now - MIN_AGE


def windows(now: dt.datetime, margin: dt.timedelta = MARGIN) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every 12-hour grid window wholly inside the allowed range at `now`, oldest first."""
    oldest, newest = allowed_range(now, margin)
    steps = -((_EPOCH - oldest) // WINDOW)  # ceil: the first grid point at or after `oldest`
    start = _EPOCH + steps * WINDOW
    out = []
    while start + WINDOW <= newest:
        out.append((start, start + WINDOW))
        start += WINDOW
    return out


def iso_ms(moment: dt.datetime) -> str:
    """The feed's time format: YYYY-MM-DDTHH:MM:SS.mmmZ."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
