"""The token is never logged or written: a verbose pull through every fault path, then grep everything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.pull.conftest import TOKEN, D, at
from tests.pull.fake_webex import ALL_SCOPES, Rule

REPO = Path(__file__).resolve().parents[2]


def cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "partner_analytics.cli", "pull", *args], cwd=REPO, env=env, capture_output=True, timeout=300)


def test_token_appears_in_no_output_no_log_and_no_file(fake, tmp_path):
    us = sorted(o for o, r in fake.fake.data.org_region.items() if r == "US")
    fake.fake.rules = [
        Rule("/v1/cdr_feed", status=429, times=1, retry_after=1),
        Rule("/v1/people", status=503, times=1),
        Rule("/v1/devices", status=503, times=100, org=us[0]),  # one org fails: its error is printed
    ]
    landing = tmp_path / "landing"
    env = {**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN, "PA_PULL_BACKOFF_S": "0.05", "PA_PULL_BACKOFF_MAX_S": "0.2"}
    args = [
        "--landing",
        str(landing),
        "--week-ending",
        str(D),
        "--region",
        "US",
        "--region",
        "CA",
        "--base-url",
        fake.url,
        "--cdr-base-url",
        fake.url,
        "--now",
        at(D).isoformat(),
        "--verbose",
    ]
    failed = cli(args, env)
    assert failed.returncode == 1 and f"{us[0]}: GET /v1/devices" in failed.stderr.decode()
    assert b"451" in failed.stderr or b"region" in failed.stderr  # CA orgs were redirected, and it was logged
    fake.fake.tokens = {TOKEN: ALL_SCOPES - {"spark-admin:calling_cdr_read"}}
    fake.fake.rules = []
    refused = cli(args, env)
    assert refused.returncode == 1 and b"spark-admin:calling_cdr_read" in refused.stderr

    secret = TOKEN.encode()
    for run in (failed, refused):
        assert secret not in run.stdout and secret not in run.stderr
    files = [p for p in landing.rglob("*") if p.is_file()]
    assert len(files) > 100
    assert [p for p in files if secret in p.read_bytes()] == []
