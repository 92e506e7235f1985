"""Run weeks and report periods (SPEC 2). Pure functions of their inputs: never the wall clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pa_base.errors import BadArgumentError

SUNDAY = 6  # date.weekday()


@dataclass(frozen=True)
class Period:
    """A half-open UTC date range [start, end) and the date that names its exports."""

    start: dt.date
    end: dt.date
    label_date: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadArgumentError(f"{what} must be a date as YYYY-MM-DD, got {value!r}") from None


def week_ending(value: str | dt.date) -> dt.date:
    """Validate a run's week ending D: a Sunday, else BadArgumentError (exit code 2)."""
    d = parse_date(value, "week ending")
    if d.weekday() != SUNDAY:
        raise BadArgumentError(f"week ending must be a Sunday (00:00 UTC), got {d.isoformat()} ({d:%A})")
    return d


def week(d: dt.date) -> Period:
    """W = [D - 7 days, D), labelled D."""
    d = week_ending(d)
    return Period(d - dt.timedelta(days=7), d, d)


def last_complete_week_ending(moment: dt.datetime | dt.date) -> dt.date:
    """The latest Sunday 00:00 UTC at or before `moment` (a run triggered mid-week reports the
    week that ended last Sunday)."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day - dt.timedelta(days=(day.weekday() - SUNDAY) % 7)


def previous_day(run_date: dt.date) -> Period:
    """Daily schedule: the previous UTC day, labelled with the run date."""
    return Period(run_date - dt.timedelta(days=1), run_date, run_date)


def previous_month(run_date: dt.date) -> Period:
    """Monthly schedule: the previous calendar month, labelled with the run date."""
    first_this = run_date.replace(day=1)
    first_prev = (first_this - dt.timedelta(days=1)).replace(day=1)
    return Period(first_prev, first_this, run_date)
