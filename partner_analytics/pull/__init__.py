"""Pull from the Webex APIs into the landing zone (SPEC 10): client, endpoints, windows, landing writes.

`pull()` is what `partner-analytics pull` and the `partner_pull` / `partner_weekly` DAG tasks call.
Endpoints, scopes and response shapes, with the Webex documentation pages they were checked against,
are in `endpoints.py`."""

from partner_analytics.pull.client import OrgPullError, ScopeError
from partner_analytics.pull.credentials import MissingTokenError, webex_credentials
from partner_analytics.pull.run import DEFAULT_BASE_URL, DEFAULT_CDR_BASE_URL, PullResult, pull

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CDR_BASE_URL",
    "MissingTokenError",
    "OrgPullError",
    "PullResult",
    "ScopeError",
    "pull",
    "webex_credentials",
]
