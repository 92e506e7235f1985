"""The daily `partner_pull` DAG and the weekly DAG's snapshot pull: structure, and runs against the fake Webex."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.pull.conftest import TOKEN, D, at
from tests.pull.fake_webex import ALL_SCOPES, FakeServer, FakeWebex, LandingData


def test_pull_dag_is_daily_with_a_data_interval_one_mapped_task_per_region_in_the_pool(dagbag):
    from airflow.sdk import CronDataIntervalTimetable

    from partner_analytics.pull.client import ScopeError

    dag = dagbag.dags["partner_pull"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "15 0 * * *" and str(dag.timetable.timezone) == "UTC"
    assert dag.catchup is False and dag.max_active_runs == 1  # catch-up comes from _pull_state.json
    pull_task = dag.get_task("pull_region_cdrs")
    assert pull_task.pool == "webex_api"
    assert "list_pull_regions" in pull_task.upstream_task_ids
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    assert isinstance(pull_task, MappedOperator)
    policy = pull_task.retry_policy
    assert policy.evaluate(ScopeError("403"), 1, 4).action.value == "fail"
    assert policy.evaluate(OSError("reset"), 1, 4).action.value == "default"


def test_weekly_dag_pulls_snapshots_before_ingesting(dagbag):
    dag = dagbag.dags["partner_weekly"]
    assert "pull_snapshots" in dag.get_task("ingest_partner").upstream_task_ids
    assert "pull_snapshots" in dag.get_task("list_regions").upstream_task_ids


def test_weekly_snapshot_pull_is_a_no_op_without_a_connection(tmp_path, monkeypatch):
    from partner_analytics.pull import tasks

    monkeypatch.delenv("WEBEX_ACCESS_TOKEN", raising=False)
    monkeypatch.setattr("partner_analytics.pull.credentials.airflow_connection", lambda conn_id="webex_default": None)
    out = tasks.pull_weekly_snapshots({"week_ending": str(D), "landing": str(tmp_path)}, at(D).isoformat())
    assert out == {"pulled": False, "reason": "no webex_default connection"}
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory):
    from partner_analytics.generate import generate

    landing = tmp_path_factory.mktemp("gen") / "landing"
    generate(landing, D, scale="tiny", seed=7, history_weeks=1, regions=["US", "CA"])
    return LandingData(landing)


def test_weekly_snapshot_pull_lands_snapshots_dated_d_only_on_d(small_landing, tmp_path, monkeypatch):
    from partner_analytics.pull import tasks

    with FakeServer(FakeWebex(data=small_landing, now=at(D), tokens={TOKEN: ALL_SCOPES})) as server:
        monkeypatch.setenv("WEBEX_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("PA_WEBEX_BASE_URL", server.url)
        config = {"week_ending": str(D), "landing": str(tmp_path)}
        late = tasks.pull_weekly_snapshots(config, at(D + dt.timedelta(days=1)).isoformat())
        assert late == {"pulled": False, "reason": "run on 2026-11-23, not on D"} and list(tmp_path.iterdir()) == []
        out = tasks.pull_weekly_snapshots(config, at(D).isoformat())
    assert out["pulled"] is True and out["files"] == 2 * 6 + 1  # 6 snapshot datasets x 2 regions + partner admins
    assert sorted(p.name for p in (tmp_path / "US").iterdir()) == ["customers", "devices", "licenses", "locations", "numbers", "people"]
    assert {p.name for p in tmp_path.rglob("*.json") if p.name != "_pull_state.json"} == {f"{D}.json"}
    assert not (tmp_path / "US" / "cdr").exists()


def test_pull_dag_run_lands_each_regions_missing_windows(airflow_db, dagbag, small_landing, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    now = at(D, 0.25)  # the run at 00:15 UTC on D
    with FakeServer(FakeWebex(data=small_landing, now=now, tokens={TOKEN: ALL_SCOPES})) as server:
        monkeypatch.setenv("WEBEX_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("PA_LANDING", str(landing))
        monkeypatch.setenv("PA_PULL_REGIONS", "US,CA")
        monkeypatch.setenv("PA_WEBEX_BASE_URL", server.url)
        monkeypatch.setenv("PA_WEBEX_CDR_BASE_URL", server.url)
        dr = dagbag.dags["partner_pull"].test(logical_date=dt.datetime(2026, 11, 21, 0, 15, tzinfo=dt.UTC), run_conf={"now": now.isoformat()})
        assert dr.state == "success"
        first = len(server.fake.requests_to("/v1/cdr_feed"))
        # a second day: only the two new windows per org are fetched
        server.fake.now = now + dt.timedelta(days=1)
        dr = dagbag.dags["partner_pull"].test(
            logical_date=dt.datetime(2026, 11, 22, 0, 15, tzinfo=dt.UTC), run_conf={"now": (now + dt.timedelta(days=1)).isoformat()}
        )
        assert dr.state == "success"
        second = server.fake.requests_to("/v1/cdr_feed")[first:]
    orgs = len(small_landing.org_region)
    state = json.loads((landing / "_pull_state.json").read_bytes())["cdr_windows"]
    # 30 days back from 2026-11-22T00:15 (plus the 15-minute margin): 2026-10-23T12:00 .. 2026-11-22T00:00 = 59 windows
    assert sorted(len(v) for v in state.values()) == [61] * orgs  # then two more on the next day
    assert len([s for s in second if s.status == 200 and "cursor" not in s.query]) == 2 * orgs
    assert {p.parent.parent.name for p in landing.glob("*/cdr/*.json")} == {"US", "CA"}
