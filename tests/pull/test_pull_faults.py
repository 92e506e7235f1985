"""Fault tests against the fake Webex, each with an exact outcome (SPEC 10)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from partner_analytics.pull import OrgPullError, ScopeError, pull
from partner_analytics.pull import windows as win
from partner_analytics.pull.landing import STATE_FILE
from tests.pull.conftest import TOKEN, D, Sleeps, at
from tests.pull.fake_webex import ALL_SCOPES, Rule

REPO = Path(__file__).resolve().parents[2]
FAST = {"backoff_initial": 0.5, "backoff_max": 4.0}


def run_pull(landing: Path, fake, sleeps: Sleeps | None = None, **kw):
    kw.setdefault("what", "cdr")
    kw.setdefault("regions", ["US"])
    kw.setdefault("now", at(D))
    kw.setdefault("pull_date", D)
    return pull(landing, TOKEN, base_url=fake.url, cdr_base_url=fake.url, sleep=sleeps if sleeps is not None else Sleeps(), client_options=FAST, **kw)


def tree(landing: Path) -> dict[str, bytes]:
    return {str(p.relative_to(landing)): p.read_bytes() for p in sorted(landing.rglob("*")) if p.is_file()}


def orgs_of(fake, region: str) -> list[str]:
    return sorted(o for o, r in fake.fake.data.org_region.items() if r == region)


@pytest.fixture(scope="module")
def clean_us_cdrs(landing_data, tmp_path_factory):
    """The landing a fault-free CDR pull of region US at D 01:00 gives (the reference for 'nothing lost')."""
    from tests.pull.fake_webex import FakeServer, FakeWebex

    landing = tmp_path_factory.mktemp("clean") / "landing"
    with FakeServer(FakeWebex(data=landing_data, now=at(D), tokens={TOKEN: ALL_SCOPES})) as server:
        result = run_pull(landing, server)
        requests = len(server.fake.seen)
    assert result.failed == {} and result.cdr_rows > 0
    return tree(landing), requests, result


def test_windows_are_the_12_hour_grid_inside_30_days_and_5_minutes():
    now = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
    got = win.windows(now)
    # oldest allowed start 2026-10-23T01:00 + 15 min margin -> first grid point 2026-10-23T12:00;
    # newest allowed end 2026-11-22T00:55 -> last window ends 2026-11-22T00:00
    assert got[0] == (dt.datetime(2026, 10, 23, 12, tzinfo=dt.UTC), dt.datetime(2026, 10, 24, 0, tzinfo=dt.UTC))
    assert got[-1] == (dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), dt.datetime(2026, 11, 22, 0, tzinfo=dt.UTC))
    assert len(got) == 59
    assert all(end - start == dt.timedelta(hours=12) for start, end in got)
    assert win.iso_ms(got[0][0]) == "2026-10-23T12:00:00.000Z"
    with pytest.raises(ValueError):
        win.windows(dt.datetime(2026, 11, 22))  # a naive "now" is refused, not guessed


def test_a_window_beyond_30_days_is_never_sent(fake, tmp_path):
    result = run_pull(tmp_path / "landing", fake)
    feed = fake.fake.requests_to("/v1/cdr_feed")
    assert result.failed == {} and len(feed) == 5 * 59  # 5 US orgs, 59 windows each
    oldest = at(D) - dt.timedelta(days=30)
    for seen in feed:
        start = dt.datetime.strptime(seen.query["startTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        end = dt.datetime.strptime(seen.query["endTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        assert oldest < start and end - start <= dt.timedelta(hours=12) and end <= at(D) - dt.timedelta(minutes=5)
    assert {s.status for s in feed} == {200}
    # and the fake does refuse such a window, with Webex's error shape
    r = httpx.get(
        f"{fake.url}/v1/cdr_feed",
        headers={"Authorization": f"Bearer {TOKEN}"},
        params={"orgId": orgs_of(fake, "US")[0], "startTime": "2026-10-20T00:00:00.000Z", "endTime": "2026-10-20T12:00:00.000Z"},
    )
    assert r.status_code == 400 and r.json()["errors"][0]["description"] == "startTime must not be more than 30 days ago"
    r = httpx.get(
        f"{fake.url}/v1/cdr_feed",
        headers={"Authorization": f"Bearer {TOKEN}"},
        params={"orgId": orgs_of(fake, "US")[0], "startTime": "2026-11-20T00:00:00.000Z", "endTime": "2026-11-20T12:00:01.000Z"},
    )
    assert r.status_code == 400 and r.json()["message"] == "Only 12 hours of records can be retrieved per request"


def test_429_waits_the_retry_after_seconds_and_loses_nothing(fake, tmp_path, clean_us_cdrs):
    reference, clean_requests, _ = clean_us_cdrs
    fake.fake.rules = [Rule("/v1/cdr_feed", status=429, times=3, retry_after=1), Rule("/v1/organizations", status=429, times=1, retry_after=2)]
    sleeps = Sleeps()
    result = run_pull(tmp_path / "landing", fake, sleeps)
    assert result.failed == {}
    assert sorted(sleeps) == [1, 1, 1, 2]
    assert len(fake.fake.seen) == clean_requests + 4
    assert [s.status for s in fake.fake.seen].count(429) == 4
    assert tree(tmp_path / "landing") == reference


def test_paging_follows_link_next_and_lands_every_page(fake, tmp_path, clean_us_cdrs):
    _, _, clean = clean_us_cdrs
    fake.fake.page_cap = 7  # forces pages of 7 rows whatever `max` says
    result = run_pull(tmp_path / "landing", fake)
    assert result.failed == {} and result.cdr_rows == clean.cdr_rows
    pages = sorted((tmp_path / "landing" / "US" / "cdr").glob("*_0002.json"))
    assert pages, "some window has a second page"
    first = pages[0].with_name(pages[0].name.replace("_0002.json", "_0001.json"))
    assert len(json.loads(first.read_bytes())["items"]) == 7
    followed = [s for s in fake.fake.requests_to("/v1/cdr_feed") if "cursor" in s.query]
    assert len(followed) == len(list((tmp_path / "landing" / "US" / "cdr").glob("*.json"))) - result.cdr_windows


def test_451_is_followed_once_and_remembered_for_the_org(fake, tmp_path):
    ca = orgs_of(fake, "CA")
    result = run_pull(tmp_path / "landing", fake, regions=["CA"])
    assert result.failed == {} and result.cdr_rows > 0
    redirected = [s for s in fake.fake.seen if s.status == 451]
    assert sorted(s.query["orgId"] for s in redirected) == ca  # one 451 per org, then the region URL is kept
    assert all(s.path == "/v1/cdr_feed" for s in redirected)
    assert len(fake.fake.requests_to("/regions/CA/v1/cdr_feed")) == len(ca) * 59
    state = json.loads((tmp_path / "landing" / STATE_FILE).read_bytes())
    assert state["cdr_region_urls"] == {org: f"{fake.url}/regions/CA" for org in ca}
    # a later run goes straight to the region: no 451 at all
    fake.fake.seen.clear()
    fake.fake.now = at(D, 13)
    later = run_pull(tmp_path / "landing", fake, regions=["CA"], now=at(D, 13))
    assert later.cdr_windows == len(ca) and [s.status for s in fake.fake.seen].count(451) == 0


def test_a_second_451_fails_that_org_only(fake, tmp_path):
    ca = orgs_of(fake, "CA")
    fake.fake.rules = [Rule("/regions/CA/v1/cdr_feed", status=451, times=1, org=ca[0])]
    result = run_pull(tmp_path / "landing", fake, regions=["CA"])
    assert list(result.failed) == [ca[0]]
    assert "a second 451" in result.failed[ca[0]] and "/v1/cdr_feed" in result.failed[ca[0]]
    landed = {p.name.split("_")[0] for p in (tmp_path / "landing" / "CA" / "cdr").glob("*.json")}
    assert landed == set(ca[1:])


def test_5xx_burst_beyond_the_retry_budget_fails_that_org_others_land(fake, tmp_path):
    victim = orgs_of(fake, "US")[0]
    fake.fake.rules = [Rule("/v1/people", status=503, times=100, org=victim), Rule("/v1/devices", status=500, times=2)]
    sleeps = Sleeps()
    result = run_pull(tmp_path / "landing", fake, sleeps, what="all", regions=["US", "CA"])
    assert list(result.failed) == [victim]
    assert result.failed[victim].startswith(f"GET /v1/people for org {victim}: 503")
    assert "gave up after 5 tries" in result.failed[victim]
    assert len(fake.fake.requests_to("/v1/people")) - len(orgs_of(fake, "US")) - len(orgs_of(fake, "CA")) + 1 == 5
    # backoff: 4 waits for the victim (exponential, jitter <= 0.5 s, capped at 4 s) and 2 for the devices burst
    assert len(sleeps) == 6 and all(0.5 <= s <= 4.5 for s in sleeps)
    landing = tmp_path / "landing"
    assert (landing / "CA" / "people" / f"{D}.json").exists()  # the other region landed whole
    assert not (landing / "US" / "people" / f"{D}.json").exists()  # a snapshot missing an org is not written
    assert (landing / "US" / "customers" / f"{D}.json").exists()
    # the victim's CDRs were not fetched; the other US orgs' were
    landed = {p.name.split("_")[0] for p in (landing / "US" / "cdr").glob("*.json")}
    assert victim not in landed and landed


def test_cli_exits_1_naming_the_failed_org(fake, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from partner_analytics.cli import app

    victim = orgs_of(fake, "US")[1]
    fake.fake.rules = [Rule("/v1/licenses", status=502, times=100, org=victim)]
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", TOKEN)
    monkeypatch.setattr("partner_analytics.pull.client.time.sleep", lambda s: None)
    out = CliRunner().invoke(
        app,
        [
            "pull",
            "--landing",
            str(tmp_path / "l"),
            "--week-ending",
            str(D),
            "--region",
            "US",
            "--what",
            "snapshots",
            "--base-url",
            fake.url,
            "--now",
            at(D).isoformat(),
        ],
    )
    assert out.exit_code == 1, out.output
    assert f"1 org(s) failed: {victim}: GET /v1/licenses for org {victim}: 502" in out.output


def test_connection_dropped_mid_page_is_retried_and_loses_nothing(fake, tmp_path, clean_us_cdrs):
    reference, clean_requests, _ = clean_us_cdrs
    fake.fake.rules = [Rule("/v1/cdr_feed", drop=True, times=2)]
    sleeps = Sleeps()
    result = run_pull(tmp_path / "landing", fake, sleeps)
    assert result.failed == {} and len(sleeps) == 2
    assert len(fake.fake.seen) == clean_requests + 2
    assert tree(tmp_path / "landing") == reference


def test_401_stops_at_once(fake, tmp_path):
    with pytest.raises(ScopeError, match="401 Unauthorized.*needs scope spark-admin:organizations_read"):
        pull(tmp_path / "l", "not-the-token", pull_date=D, now=at(D), base_url=fake.url, cdr_base_url=fake.url)
    assert [s.status for s in fake.fake.seen] == [401]


def test_403_stops_at_once_naming_the_missing_scope(fake, tmp_path):
    fake.fake.tokens = {TOKEN: ALL_SCOPES - {"spark-admin:calling_cdr_read"}}
    with pytest.raises(ScopeError, match=r"403 Forbidden.*needs scope spark-admin:calling_cdr_read"):
        run_pull(tmp_path / "l", fake, concurrency=1)
    statuses = [s.status for s in fake.fake.seen]
    assert statuses == [200, 403]  # the org list, then the first CDR request: nothing after it
    assert not (tmp_path / "l" / "US" / "cdr").exists()


def test_kill_mid_pull_then_rerun_fetches_only_missing_windows(fake, tmp_path, clean_us_cdrs):
    reference, _, _ = clean_us_cdrs
    landing = tmp_path / "landing"
    env = {**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN}
    cmd = [
        sys.executable,
        "-m",
        "partner_analytics.cli",
        "pull",
        "--landing",
        str(landing),
        "--week-ending",
        str(D),
        "--region",
        "US",
        "--what",
        "cdr",
        "--base-url",
        fake.url,
        "--cdr-base-url",
        fake.url,
        "--now",
        at(D).isoformat(),
        "--concurrency",
        "1",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state_file = landing / STATE_FILE
    deadline = time.monotonic() + 60
    done: dict = {}
    while time.monotonic() < deadline and proc.poll() is None:
        if state_file.exists():
            try:
                done = json.loads(state_file.read_bytes())["cdr_windows"]
            except (ValueError, KeyError):
                done = {}
            if sum(len(v) for v in done.values()) >= 70:
                break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    killed_at = json.loads(state_file.read_bytes())["cdr_windows"]
    fetched_before = sum(len(v) for v in killed_at.values())
    assert 70 <= fetched_before < 5 * 59, "killed mid-pull"

    fake.fake.seen.clear()
    result = run_pull(landing, fake)
    assert result.failed == {} and result.cdr_windows == 5 * 59 - fetched_before
    again = {(s.query["orgId"], s.query["startTime"]) for s in fake.fake.requests_to("/v1/cdr_feed")}
    before = {(org, key.split("/")[0]) for org, keys in killed_at.items() for key in keys}
    assert {(o, dt.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").strftime("%Y%m%dT%H%M%SZ")) for o, t in again} & before == set()
    assert tree(landing) == reference  # identical to an uninterrupted pull (no temp file left either)


def test_org_errors_are_errors_of_the_pipeline():
    from partner_analytics.errors import PipelineError

    assert issubclass(OrgPullError, PipelineError) and issubclass(ScopeError, PipelineError)
