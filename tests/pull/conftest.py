"""Fixtures: one generated landing (scale tiny, regions US and CA, 5 weeks) and a fake Webex serving it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.pull.fake_webex import ALL_SCOPES, FakeServer, FakeWebex, LandingData

D = dt.date(2026, 11, 22)  # the generated week ending
REGIONS = ["US", "CA"]
TOKEN = "fake-token-5b1c7e9d0a4f4c2e8d3a"  # a value the secrecy test greps every file and log for


def at(day: dt.date, hours: float = 1.0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hours)


@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory) -> Path:
    from partner_analytics.generate import generate

    landing = tmp_path_factory.mktemp("generated") / "landing"
    generate(landing, D, scale="tiny", seed=7, history_weeks=5, regions=REGIONS)
    return landing


@pytest.fixture(scope="session")
def landing_data(generated_landing) -> LandingData:
    return LandingData(generated_landing)


@pytest.fixture()
def fake(landing_data):
    """A fresh fake (clock at D 01:00 UTC, one token with every scope) running on 127.0.0.1."""
    state = FakeWebex(data=landing_data, now=at(D), tokens={TOKEN: ALL_SCOPES})
    with FakeServer(state) as server:
        yield server


class Sleeps(list):
    """An injectable sleeper: records every wait instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
