"""`partner-analytics pull` refuses what it cannot honour (exit 2) before sending any request."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from partner_analytics.cli import app
from partner_analytics.pull.credentials import Credentials, webex_credentials


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--week-ending", "2026-11-21"], "week ending must be a Sunday"),
        (["--week-ending", "2026-11-22", "--what", "everything"], "--what must be one of all, snapshots, cdr"),
        (["--week-ending", "2026-11-22", "--now", "2026-11-25T10:00:00Z"], "snapshots can only be pulled on the day they are dated"),
        (["--week-ending", "2026-11-22", "--now", "yesterday"], "--now must be an ISO timestamp"),
        (["--week-ending", "2026-11-22", "--now", "2026-11-22T03:00:00Z", "--what", "cdr"], "no Webex access token"),
    ],
)
def test_refused_with_exit_2(tmp_path, monkeypatch, extra, message):
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN", raising=False)
    monkeypatch.setattr("partner_analytics.pull.credentials.airflow_connection", lambda conn_id="webex_default": None)
    out = CliRunner().invoke(app, ["pull", "--landing", str(tmp_path / "l"), "--base-url", "http://127.0.0.1:9", *extra])
    assert out.exit_code == 2, out.output
    assert message in out.output
    assert not (tmp_path / "l").exists()


def test_token_from_the_environment_first_then_the_connection(monkeypatch):
    assert webex_credentials({"WEBEX_ACCESS_TOKEN": " abc "}, use_airflow=False) == Credentials("abc")
    monkeypatch.setattr(
        "partner_analytics.pull.credentials.airflow_connection", lambda conn_id="webex_default": Credentials("from-conn", "https://webexapis.example")
    )
    creds = webex_credentials({})
    assert creds.token == "from-conn" and creds.base_url == "https://webexapis.example"
    assert "from-conn" not in repr(creds)
