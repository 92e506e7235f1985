"""Run weeks and report periods (SPEC 2): pure date arithmetic, checked by hand."""

import datetime as dt

import pytest

from partner_analytics import periods
from partner_analytics.errors import BadArgumentError


def test_week_is_the_seven_days_before_the_sunday():
    w = periods.week(dt.date(2026, 11, 22))
    assert (w.start, w.end, w.label_date, w.days) == (dt.date(2026, 11, 15), dt.date(2026, 11, 22), dt.date(2026, 11, 22), 7)


@pytest.mark.parametrize("bad", ["2026-11-25", "2026-11-21", "not-a-date", "2026-02-30"])
def test_week_ending_must_be_a_sunday_date(bad):
    with pytest.raises(BadArgumentError):
        periods.week_ending(bad)


def test_last_complete_week_from_a_wednesday_noon():
    # Wednesday 2026-11-25 12:00 UTC -> the week [2026-11-15, 2026-11-22)
    assert periods.last_complete_week_ending(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)) == dt.date(2026, 11, 22)
    # a Sunday is its own week ending (the week that just ended at 00:00)
    assert periods.last_complete_week_ending(dt.date(2026, 11, 22)) == dt.date(2026, 11, 22)


def test_daily_period_is_the_previous_day():
    p = periods.previous_day(dt.date(2026, 3, 1))
    assert (p.start, p.end, p.label_date) == (dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 1))


def test_monthly_period_is_the_previous_calendar_month_leap_year():
    p = periods.previous_month(dt.date(2028, 3, 1))
    assert (p.start, p.end, p.days) == (dt.date(2028, 2, 1), dt.date(2028, 3, 1), 29)  # 2028-02-01..2028-02-29
    j = periods.previous_month(dt.date(2027, 1, 15))
    assert (j.start, j.end) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
