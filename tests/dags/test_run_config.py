"""What a DAG run resolves before any work: its week or run date (never the wall clock) and its folders."""

import datetime as dt
from pathlib import Path

import pytest

from partner_analytics import orchestration
from partner_analytics.errors import BadArgumentError

UTC = dt.UTC


def test_scheduled_run_uses_the_end_of_its_data_interval():
    # the run at Sunday 2026-11-22 00:00 covers [2026-11-15, 2026-11-22): D = 2026-11-22
    end = dt.datetime(2026, 11, 22, tzinfo=UTC)
    assert orchestration.run_week_ending(end, dt.datetime(2026, 11, 22, 0, 3, tzinfo=UTC)) == dt.date(2026, 11, 22)


def test_manual_run_without_interval_reports_the_last_complete_week(caplog):
    # Wednesday 2026-11-25 12:00 UTC: weekday 2, last Sunday is 3 days back -> D = 2026-11-22, W = [11-15, 11-22)
    with caplog.at_level("INFO", logger="partner_analytics.orchestration"):
        d = orchestration.run_week_ending(None, dt.datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert d == dt.date(2026, 11, 22)
    assert "week ending 2026-11-22" in caplog.text


def test_manual_run_time_is_taken_in_utc():
    # Sunday 2026-11-22 01:30 at +02:00 is Saturday 23:30 UTC: the last complete week ended 2026-11-15
    moment = dt.datetime(2026, 11, 22, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert orchestration.run_week_ending(None, moment) == dt.date(2026, 11, 15)


def test_an_interval_that_does_not_end_on_a_sunday_is_refused():
    with pytest.raises(BadArgumentError, match="Sunday"):
        orchestration.run_week_ending(dt.datetime(2026, 11, 25, tzinfo=UTC), None)


def test_report_run_date_from_interval_or_trigger_date():
    assert orchestration.report_run_date(dt.datetime(2026, 3, 1, 6, tzinfo=UTC), None) == dt.date(2026, 3, 1)
    assert orchestration.report_run_date(None, dt.datetime(2026, 3, 1, 23, 59, tzinfo=UTC)) == dt.date(2026, 3, 1)


def test_locations_variable_then_environment_then_default(tmp_path):
    env = {"PA_HOME": str(tmp_path / "env-home"), "PA_LANDING": str(tmp_path / "env-landing")}
    variables = {"PA_HOME": str(tmp_path / "var-home")}
    cfg = orchestration.weekly_run_config(dt.datetime(2026, 11, 22, tzinfo=UTC), None, variables.get, env)
    assert cfg == {
        "week_ending": "2026-11-22",
        "landing": str(tmp_path / "env-landing"),  # no Variable: the environment
        "home": str(tmp_path / "var-home"),  # the Variable wins over the environment
    }
    defaults = orchestration.weekly_run_config(dt.datetime(2026, 11, 22, tzinfo=UTC), None, None, {})
    repo = Path(orchestration.__file__).resolve().parents[1]
    assert (defaults["landing"], defaults["home"]) == (str(repo / "demo" / "landing"), str(repo / "demo" / "home"))


def test_report_run_config():
    cfg = orchestration.report_run_config("monthly", dt.datetime(2028, 3, 1, 6, tzinfo=UTC), None, None, {"PA_HOME": "/h", "PA_TEMPLATES_DIR": "/t"})
    assert cfg == {"cadence": "monthly", "run_date": "2028-03-01", "home": "/h", "templates_dir": "/t"}
