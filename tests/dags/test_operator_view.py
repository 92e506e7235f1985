"""The operator's view of the DAGs: region names on mapped tasks, the memory pool, timeouts, failure
notifiers (fired against a local webhook), the deadline alert, and the regions param's enum."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from partner_analytics import notify

REGION_TASKS = ["region.ingest_region", "region.validate_region", "region.build_marts", "region.export_reports", "region.write_summary"]


def test_mapped_region_tasks_are_named_after_their_region(dagbag):
    weekly = dagbag.dags["partner_weekly"]
    for task_id in REGION_TASKS:
        assert weekly.get_task(task_id).map_index_template == "{{ region }}", task_id
    reports = dagbag.dags["partner_reports_weekly"].get_task("export_scheduled_reports")
    assert reports.map_index_template == "{{ region }}"


def test_ingestion_and_validation_share_the_memory_pool_builds_the_writer_pool(dagbag):
    dag = dagbag.dags["partner_weekly"]
    pools = {t.task_id: (t.pool, t.pool_slots) for t in dag.tasks}
    assert pools["region.ingest_region"] == ("partner_memory", 1)
    assert pools["region.validate_region"] == ("partner_memory", 1)
    assert pools["region.build_marts"] == ("duckdb_writer", 1)
    assert {p for t, (p, _) in pools.items() if t not in {"region.ingest_region", "region.validate_region", "region.build_marts"}} == {"default_pool"}


def test_every_task_has_a_timeout_and_every_dag_a_run_timeout(dagbag):
    heavy = {"region.ingest_region": 3, "region.validate_region": 2, "region.build_marts": 3, "export_scheduled_reports": 1, "pull_region_cdrs": 3}
    for dag in dagbag.dags.values():
        assert dag.dagrun_timeout is not None and dag.dagrun_timeout <= timedelta(hours=20), dag.dag_id
        for t in dag.tasks:
            want = timedelta(hours=heavy[t.task_id]) if t.task_id in heavy else timedelta(minutes=30)
            assert t.execution_timeout == want, (dag.dag_id, t.task_id)
    assert dagbag.dags["partner_weekly"].dagrun_timeout == timedelta(hours=12)


def test_every_task_fails_into_the_webhook_and_email_notifiers(dagbag):
    for dag in dagbag.dags.values():
        for t in dag.tasks:
            callbacks = t.on_failure_callback
            assert [type(c) for c in callbacks] == [notify.WebhookNotifier, notify.EmailNotifier], (dag.dag_id, t.task_id)
            assert [c.conn_id for c in callbacks] == ["pa_alerts_webhook", "pa_alerts_smtp"]


def test_the_sunday_run_has_a_deadline_alert_unless_turned_off(dagbag, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import AsyncCallback, DeadlineReference

    DAGS = Path(__file__).resolve().parents[2] / "dags"
    assert dagbag.dags["partner_weekly"].deadline is None  # PA_WEEKLY_DEADLINE_HOURS=off (conftest)
    monkeypatch.delenv("PA_WEEKLY_DEADLINE_HOURS")
    dag = DagBag(dag_folder=str(DAGS / "partner_weekly.py")).dags["partner_weekly"]
    [alert] = dag.deadline
    assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert alert.interval == timedelta(hours=6)  # the default
    assert isinstance(alert.callback, AsyncCallback)
    assert alert.callback.path == "partner_analytics.notify.deadline_missed"
    assert alert.callback.kwargs == {"hours": 6.0}
    monkeypatch.setenv("PA_WEEKLY_DEADLINE_HOURS", "9")
    [alert] = DagBag(dag_folder=str(DAGS / "partner_weekly.py")).dags["partner_weekly"].deadline
    assert alert.interval == timedelta(hours=9)


def test_deadline_hours_come_from_the_environment():
    assert notify.deadline_hours({}) == 6.0
    assert notify.deadline_hours({"PA_WEEKLY_DEADLINE_HOURS": "9.5"}) == 9.5
    assert notify.deadline_hours({"PA_WEEKLY_DEADLINE_HOURS": "off"}) is None
    for bad in ("soon", "0", "200"):
        with pytest.raises(ValueError, match="PA_WEEKLY_DEADLINE_HOURS"):
            notify.deadline_hours({"PA_WEEKLY_DEADLINE_HOURS": bad})


def test_the_regions_param_is_an_enum_of_the_four_regions(dagbag):
    from airflow.sdk.definitions.param import ParamValidationError

    param = dagbag.dags["partner_weekly"].params.get_param("regions")
    assert param.schema["items"]["enum"] == ["US", "CA", "EU", "UAE"]
    assert param.resolve(["US", "UAE"]) == ["US", "UAE"]
    assert param.resolve([]) == []
    for bad in (["XX"], ["US", "XX"], ["us"], ["US", "US"]):
        with pytest.raises(ParamValidationError):
            param.resolve(bad)


# ------------------------------------------------------------------------------------ notifications


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def webhook(monkeypatch):
    """A webhook receiver on 127.0.0.1 and the Airflow connection pointing at it (from the environment)."""
    _Hook.received = []
    _Hook.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/services/T000/B000/secret-token"
    monkeypatch.setenv("AIRFLOW_CONN_PA_ALERTS_WEBHOOK", json.dumps({"conn_type": "http", "host": url}))
    try:
        yield _Hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _failed_context(dag, exception):
    ti = SimpleNamespace(
        dag_id=dag.dag_id, task_id="region.ingest_region", run_id="scheduled__2026-11-22T00:00:00+00:00",
        map_index=2, rendered_map_index="EU", try_number=1, log_url="http://airflow.example/log",
    )  # fmt: skip
    return {"dag": dag, "ti": ti, "task_instance": ti, "exception": exception}


def test_the_failure_callback_posts_dag_region_and_error_to_the_webhook(dagbag, webhook, caplog):
    from partner_analytics.errors import FileFormatError

    dag = dagbag.dags["partner_weekly"]
    error = FileFormatError("/landing/EU/cdr/2026-11-20.csv", "not UTF-8 at byte 7")
    for callback in dag.get_task("region.ingest_region").on_failure_callback:
        callback(_failed_context(dag, error))  # what Airflow does when the task fails for good
    assert len(webhook.received) == 1
    path, content_type, payload = webhook.received[0]
    assert (path, content_type) == ("/services/T000/B000/secret-token", "application/json")
    assert payload == {
        "text": ":rotating_light: partner_weekly / region.ingest_region [EU] failed in run "
        "scheduled__2026-11-22T00:00:00+00:00: FileFormatError: /landing/EU/cdr/2026-11-20.csv: not UTF-8 at byte 7",
        "dag_id": "partner_weekly",
        "run_id": "scheduled__2026-11-22T00:00:00+00:00",
        "task_id": "region.ingest_region",
        "map_index": 2,
        "region": "EU",
        "error": "FileFormatError: /landing/EU/cdr/2026-11-20.csv: not UTF-8 at byte 7",
        "try_number": 1,
        "log_url": "http://airflow.example/log",
    }
    assert "secret-token" not in caplog.text  # the URL holds the token: never logged


def test_a_region_the_task_put_in_its_context_wins_and_a_rejected_post_does_not_raise(dagbag, webhook):
    webhook.status = 500
    ctx = _failed_context(dagbag.dags["partner_weekly"], RuntimeError("boom"))
    ctx["region"] = "UAE"
    ctx["ti"].rendered_map_index = None
    notify.WebhookNotifier()(ctx)
    assert [p["region"] for _, _, p in webhook.received] == ["UAE"]


def test_nothing_is_sent_when_no_connection_is_configured(dagbag, monkeypatch, caplog):
    monkeypatch.delenv("AIRFLOW_CONN_PA_ALERTS_WEBHOOK", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_PA_ALERTS_SMTP", raising=False)
    sent = []
    monkeypatch.setattr(notify, "post_json", lambda *a, **k: sent.append(a) or 200)
    caplog.set_level("INFO", logger="partner_analytics.notify")
    ctx = _failed_context(dagbag.dags["partner_weekly"], RuntimeError("boom"))
    for callback in notify.failure_notifiers():
        callback(ctx)
    assert sent == []
    assert "no connection pa_alerts_webhook: no webhook sent" in caplog.text
    assert "no connection pa_alerts_smtp: no e-mail sent" in caplog.text


def test_the_email_goes_through_the_smtp_providers_notifier(dagbag, monkeypatch):
    from airflow.providers.smtp.notifications import smtp

    monkeypatch.setenv(
        "AIRFLOW_CONN_PA_ALERTS_SMTP",
        json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": 2525, "login": "alerts@partner.example",
                    "extra": {"to": "ops@partner.example, oncall@partner.example"}}),
    )  # fmt: skip
    sent = []
    monkeypatch.setattr(smtp.SmtpNotifier, "notify", lambda self, context: sent.append(self))
    notify.EmailNotifier()(_failed_context(dagbag.dags["partner_weekly"], RuntimeError("disk full")))
    assert len(sent) == 1
    mail = sent[0]
    assert mail.to == ["ops@partner.example", "oncall@partner.example"]
    assert mail.from_email == "alerts@partner.example"
    assert mail.smtp_conn_id == "pa_alerts_smtp"
    assert mail.subject == "partner_weekly / region.ingest_region [EU] failed in run scheduled__2026-11-22T00:00:00+00:00: RuntimeError: disk full"
    assert "region: EU" in mail.html_content and "error: RuntimeError: disk full" in mail.html_content


def test_a_missed_deadline_posts_to_the_webhook(webhook):
    import asyncio

    context = {"dag_run": {"dag_id": "partner_weekly", "run_id": "scheduled__2026-11-22T00:00:00+00:00"},
               "deadline": {"id": "d1", "deadline_time": "2026-11-22T06:00:00+00:00"}}  # fmt: skip
    asyncio.run(notify.deadline_missed(context=context, hours=6.0))
    assert len(webhook.received) == 1
    payload = webhook.received[0][2]
    assert payload["dag_id"] == "partner_weekly"
    assert payload["run_id"] == "scheduled__2026-11-22T00:00:00+00:00"
    assert payload["error"] == "DeadlineMissed: the run has not finished by 2026-11-22T06:00:00+00:00 (6 h after it was queued)"
