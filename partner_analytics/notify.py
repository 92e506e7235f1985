"""Telling someone: Airflow notifiers for a failed task and a missed deadline (webhook and e-mail).

Both are configured by Airflow connection id and send nothing when the connection does not exist:

- `pa_alerts_webhook` (any connection type; the URL is the connection's `host` when it starts with
  http(s)://, else the extra `url`): a JSON POST with Slack's incoming-webhook shape (`text`) plus the
  fields a program reads (`dag_id`, `run_id`, `task_id`, `region`, `error`, `log_url`).
- `pa_alerts_smtp` (an `smtp` connection; extra `to`, comma-separated, and optional `from_email`): an
  e-mail through the smtp provider's `SmtpNotifier`.

Module import is light (no Airflow, no data library): the DAG files import it at parse time. Secrets
(the webhook URL holds Slack's token, the SMTP password) come from the connection only and are never
logged: a failed POST logs the connection id and the HTTP status, not the URL."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

WEBHOOK_CONN_ID = "pa_alerts_webhook"
SMTP_CONN_ID = "pa_alerts_smtp"
TIMEOUT_SECONDS = 10

try:  # the DAG processor and workers have Airflow; the package's own tests may not need it
    from airflow.sdk.bases.notifier import BaseNotifier
except ImportError:  # pragma: no cover - Airflow is a dependency of this project
    BaseNotifier = object  # type: ignore[assignment,misc]


def _connection(conn_id: str):
    """The Airflow connection `conn_id`, or None when it is not defined (nothing to send)."""
    from airflow.sdk import BaseHook

    try:
        return BaseHook.get_connection(conn_id)
    except Exception:  # AirflowNotFoundException (and its task-SDK twin): not configured
        return None


def _region_of(context: Mapping[str, Any]) -> str | None:
    """The region a task ran for: what the task put in its context, else its rendered map index."""
    region = context.get("region")
    if region:
        return str(region)
    ti = context.get("ti") or context.get("task_instance")
    rendered = getattr(ti, "rendered_map_index", None)
    return str(rendered) if rendered else None


def failure_payload(context: Mapping[str, Any]) -> dict:
    """The message of a failed task (or a missed deadline) from its Airflow context: plain values only."""
    dag = context.get("dag")
    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(dag, "dag_id", None) or getattr(ti, "dag_id", None) or context.get("dag_id")
    run = context.get("dag_run")
    run_id = getattr(run, "run_id", None) or getattr(ti, "run_id", None) or context.get("run_id")
    task_id = getattr(ti, "task_id", None)
    region = _region_of(context)
    exc = context.get("exception")
    error = f"{type(exc).__name__}: {exc}" if exc is not None else context.get("reason")
    where = f"{dag_id}" + (f" / {task_id}" if task_id else "") + (f" [{region}]" if region else "")
    text = f":rotating_light: {where} failed in run {run_id}: {error}" if error else f":rotating_light: {where}: {run_id}"
    payload = {
        "text": text,
        "dag_id": dag_id,
        "run_id": run_id,
        "task_id": task_id,
        "map_index": getattr(ti, "map_index", None),
        "region": region,
        "error": error,
        "try_number": getattr(ti, "try_number", None),
        "log_url": getattr(ti, "log_url", None),
    }
    return {k: v for k, v in payload.items() if v is not None}


def webhook_url(conn) -> str | None:
    """The URL a webhook connection points at (host as a full URL, else extra `url`)."""
    host = (conn.host or "").strip()
    if host.startswith(("http://", "https://")):
        return host
    extra = conn.extra_dejson if hasattr(conn, "extra_dejson") else {}
    url = (extra or {}).get("url")
    return str(url) if url else None


def post_json(url: str, payload: dict, conn_id: str, timeout: float = TIMEOUT_SECONDS) -> int:
    """POST `payload` as JSON; returns the HTTP status. The URL is never logged (it holds the token)."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - an operator's URL
            return response.status
    except urllib.error.HTTPError as exc:
        log.warning("webhook %s answered HTTP %s", conn_id, exc.code)
        return exc.code
    except OSError as exc:
        log.warning("webhook %s unreachable: %s", conn_id, type(exc).__name__)
        return 0


class WebhookNotifier(BaseNotifier):
    """A Slack-compatible JSON POST to the URL of an Airflow connection; nothing when it is not defined."""

    def __init__(self, conn_id: str = WEBHOOK_CONN_ID):
        super().__init__()
        self.conn_id = conn_id

    def notify(self, context) -> None:
        conn = _connection(self.conn_id)
        if conn is None:
            log.info("no connection %s: no webhook sent", self.conn_id)
            return
        url = webhook_url(conn)
        if not url:
            log.warning("connection %s has no http(s) URL (host or extra url): no webhook sent", self.conn_id)
            return
        status = post_json(url, failure_payload(context), self.conn_id)
        if 200 <= status < 300:
            log.info("failure sent to webhook %s", self.conn_id)

    async def async_notify(self, context) -> None:  # the deadline callback runs in the triggerer
        self.notify(context)


class EmailNotifier(BaseNotifier):
    """An e-mail through the smtp provider's SmtpNotifier, when the connection exists and names recipients."""

    def __init__(self, conn_id: str = SMTP_CONN_ID):
        super().__init__()
        self.conn_id = conn_id

    def notify(self, context) -> None:
        conn = _connection(self.conn_id)
        if conn is None:
            log.info("no connection %s: no e-mail sent", self.conn_id)
            return
        extra = conn.extra_dejson or {}
        to = [a.strip() for a in str(extra.get("to", "")).split(",") if a.strip()]
        if not to:
            log.warning("connection %s has no extra 'to': no e-mail sent", self.conn_id)
            return
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        payload = failure_payload(context)
        body = "\n".join(f"{k}: {v}" for k, v in payload.items() if k != "text")
        SmtpNotifier(
            to=to,
            from_email=extra.get("from_email") or conn.login or None,
            smtp_conn_id=self.conn_id,
            subject=payload["text"].removeprefix(":rotating_light: ")[:200],
            html_content=f"<pre>{_escape(body)}</pre>",
        ).notify(context)
        log.info("failure e-mailed through %s to %d recipient(s)", self.conn_id, len(to))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def failure_notifiers() -> list:
    """What `on_failure_callback` runs: the webhook, then the e-mail (each silent when unconfigured)."""
    return [WebhookNotifier(), EmailNotifier()]


def deadline_context(context: Mapping[str, Any] | None, hours: float | None = None) -> dict:
    """The context a DeadlineAlert callback gets (`dag_run` as a dict, `deadline`) as failure_payload reads it."""
    context = dict(context or {})
    run = context.pop("dag_run", None) or {}
    deadline = context.get("deadline") or {}
    out = {"dag_id": run.get("dag_id", "partner_weekly"), "run_id": run.get("run_id") or run.get("dag_run_id")}
    when = deadline.get("deadline_time")
    after = f" ({hours:g} h after it was queued)" if hours else ""
    out["reason"] = f"DeadlineMissed: the run has not finished by {when}{after}" if when else f"DeadlineMissed: the run has not finished in time{after}"
    return out


async def deadline_missed(context: Mapping[str, Any] | None = None, hours: float | None = None, **_: Any) -> None:
    """The weekly run's DeadlineAlert callback (runs in the triggerer): the same webhook and e-mail."""
    context = deadline_context(context, hours)
    for notifier in failure_notifiers():
        try:
            notifier.notify(context)
        except Exception as exc:  # one channel failing must not hide the other
            log.warning("deadline notification through %s failed: %s", notifier.conn_id, type(exc).__name__)


def deadline_hours(environ: Mapping[str, str] | None = None) -> float | None:
    """Hours after the Sunday run is queued by which it must have finished: PA_WEEKLY_DEADLINE_HOURS,
    default 6; `off` for no deadline (what `airflow dags test` needs: Airflow 3.3's dag.test() hands the
    run the DAG's alert definitions where the scheduler hands it alert ids, and fails once the run succeeds)."""
    environ = os.environ if environ is None else environ
    raw = (environ.get("PA_WEEKLY_DEADLINE_HOURS") or "").strip()
    if not raw:
        return 6.0
    if raw.lower() in ("off", "none", "no"):
        return None
    try:
        hours = float(raw)
    except ValueError:
        raise ValueError(f"PA_WEEKLY_DEADLINE_HOURS must be a number of hours or 'off', got {raw!r}") from None
    if not 0 < hours <= 7 * 24:
        raise ValueError(f"PA_WEEKLY_DEADLINE_HOURS must be between 0 and 168, got {raw!r}")
    return hours
