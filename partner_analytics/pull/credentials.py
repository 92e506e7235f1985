"""Where the Webex token comes from: `WEBEX_ACCESS_TOKEN`, else the Airflow connection `webex_default`
(password = token, host = API base URL). The token is returned to the caller and never logged."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from partner_analytics.errors import BadArgumentError

CONNECTION_ID = "webex_default"
TOKEN_ENV = "WEBEX_ACCESS_TOKEN"


class MissingTokenError(BadArgumentError):
    """No token anywhere: exit code 2 (a setup problem, not a data failure)."""


@dataclass(frozen=True)
class Credentials:
    token: str
    base_url: str | None = None  # from the connection's host, when it gives one

    def __repr__(self) -> str:  # never the token
        return f"Credentials(base_url={self.base_url!r}, token=<hidden>)"


def airflow_connection(conn_id: str = CONNECTION_ID) -> Credentials | None:
    """The Airflow connection, or None when Airflow or the connection is absent."""
    try:
        from airflow.sdk import Connection
    except ImportError:
        return None
    try:
        conn = Connection.get(conn_id)
    except Exception:  # AirflowNotFoundException and friends: no such connection
        return None
    if not conn or not conn.password:
        return None
    host = (conn.host or "").strip() or None
    if host and "://" not in host:
        host = f"https://{host}"
    return Credentials(conn.password, host)


def webex_credentials(environ: Mapping[str, str] | None = None, use_airflow: bool = True) -> Credentials:
    env = os.environ if environ is None else environ
    token = (env.get(TOKEN_ENV) or "").strip()
    if token:
        return Credentials(token)
    conn = airflow_connection() if use_airflow else None
    if conn:
        return conn
    raise MissingTokenError(f"no Webex access token: set {TOKEN_ENV} or create the Airflow connection {CONNECTION_ID!r} (password = token)")
