"""The HTTP client `pull` uses: one pooled `httpx.Client`, a concurrency cap per host, bounded retries (tenacity).

What each answer means (SPEC 10, Webex's documented behaviour, see `endpoints.py`):
- 429: wait the `Retry-After` seconds, then retry (bounded: `rate_limit_attempts`).
- 5xx and connection errors (refused, reset, a body cut off mid-page, timeouts): exponential backoff with
  jitter, at most `attempts` tries, then `OrgPullError` naming the endpoint.
- 401/403: `ScopeError` at once, naming the scope the endpoint needs; nothing is retried.
- 451: `RegionRedirect` carrying the region URL the body names (the caller follows it once).
- any other 4xx: `OrgPullError` naming the endpoint and Webex's message.

The token goes into the Authorization header only: it is never part of a message, a log line or a repr.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import orjson
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential_jitter

from partner_analytics.errors import PipelineError
from partner_analytics.pull.endpoints import Endpoint

log = logging.getLogger(__name__)

_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_URL = re.compile(r"https?://[^\s\"'<>,]+")


class OrgPullError(PipelineError):
    """One org's pull failed (after the retries it was allowed); the other orgs go on."""


class ScopeError(PipelineError):
    """401/403: the token is missing, wrong or lacks a scope. The whole pull stops at once."""


class RegionRedirect(Exception):
    """HTTP 451: the org's data lives in another region; `url` is that region's base URL."""

    def __init__(self, url: str, message: str):
        self.url = url
        super().__init__(message)


class Stopped(Exception):
    """The pull was stopped (another worker hit a 401/403): no further request is sent."""


class _RateLimited(Exception):
    def __init__(self, seconds: float, what: str):
        self.seconds = seconds
        super().__init__(what)


class _Transient(Exception):
    """A 5xx answer or a connection-level error: retried with backoff."""


def webex_message(response: httpx.Response) -> str:
    """Webex's error text: `message`, else the `errors[].description`, else the status line."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.reason_phrase or str(response.status_code)
    if isinstance(body, dict):
        if body.get("message"):
            return str(body["message"])
        errors = body.get("errors") or []
        if errors and isinstance(errors[0], dict) and errors[0].get("description"):
            return str(errors[0]["description"])
    return response.reason_phrase or str(response.status_code)


def next_link(response: httpx.Response) -> str | None:
    """The `Link: <...>; rel="next"` URL, or None on the last page."""
    for value in response.headers.get_list("link"):
        match = _LINK_NEXT.search(value)
        if match:
            return match.group(1)
    return None


def region_url(response: httpx.Response) -> str | None:
    """The first URL a 451 body names (Webex names the region's servers in the message)."""
    match = _URL.search(response.text)
    return match.group(0).rstrip("./") if match else None


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        return default


@dataclass
class ClientStats:
    """What the client did: requests sent, response bytes read, each wait (seconds) and why."""

    requests: int = 0
    bytes: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, nbytes: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes += nbytes

    def waited(self, why: str, seconds: float) -> None:
        with self._lock:
            self.waits.append((why, seconds))


class WebexClient:
    """GET with the pull's fault rules; at most `concurrency` requests in flight per host."""

    def __init__(
        self,
        token: str,
        *,
        concurrency: int = 4,
        timeout: float = 30.0,
        attempts: int = 5,
        rate_limit_attempts: int = 20,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        if not token:
            raise ScopeError("no Webex access token")
        self.concurrency = concurrency
        self.attempts = attempts
        self.rate_limit_attempts = rate_limit_attempts
        self.stats = ClientStats()
        self.stopped = threading.Event()
        self._sleep = sleep
        self._backoff = wait_exponential_jitter(initial=backoff_initial, max=backoff_max, jitter=backoff_initial)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        self._http = httpx.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=4 * concurrency, max_keepalive_connections=2 * concurrency),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:  # never the token
        return f"WebexClient(concurrency={self.concurrency}, attempts={self.attempts})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WebexClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _slot(self, url: str) -> threading.BoundedSemaphore:
        host = urlsplit(url).netloc
        with self._slots_lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self.concurrency)
            return self._slots[host]

    def _once(self, url: str, params: dict | None, endpoint: Endpoint, what: str) -> httpx.Response:
        if self.stopped.is_set():
            raise Stopped(what)
        with self._slot(url):  # held for the request only, never while waiting to retry
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:  # refused, reset, cut off mid-body, timed out
                self.stats.count(0)
                raise _Transient(f"{what}: {type(exc).__name__}: {exc}") from None
        self.stats.count(len(response.content))
        status = response.status_code
        if status == 200:
            return response
        if status == 429:
            raise _RateLimited(_retry_after(response, 60.0), f"{what}: 429 Too Many Requests")
        if status >= 500:
            raise _Transient(f"{what}: {status} {webex_message(response)}")
        if status in (401, 403):
            self.stopped.set()
            kind = "the token is missing, expired or wrong" if status == 401 else "the token lacks a scope or admin role"
            raise ScopeError(f"{what}: {status} {response.reason_phrase}: {kind}; this endpoint needs scope {endpoint.scope} ({webex_message(response)})")
        if status == 451:
            target = region_url(response)
            if not target:
                raise OrgPullError(f"{what}: 451 without a region URL ({webex_message(response)})")
            raise RegionRedirect(target, f"{what}: 451, data held in region {target}")
        raise OrgPullError(f"{what}: {status} {webex_message(response)}")

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RateLimited):
            return exc.seconds
        return self._backoff(state)

    def _stop(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        counts = state.retry_object.statistics.setdefault("by_kind", {})
        kind = type(exc).__name__
        counts[kind] = counts.get(kind, 0) + 1
        limit = self.rate_limit_attempts if isinstance(exc, _RateLimited) else self.attempts
        return counts[kind] >= limit or self.stopped.is_set()

    def _record_sleep(self, seconds: float) -> None:
        self.stats.waited("retry", seconds)
        self._sleep(seconds)

    def get(self, url: str, params: dict | None, endpoint: Endpoint, org: str | None = None) -> httpx.Response:
        """One GET with the retry rules; returns the 200 response or raises (see the module doc)."""
        what = f"GET {urlsplit(url).path}" + (f" for org {org}" if org else "")
        retrying = Retrying(
            retry=retry_if_exception_type((_RateLimited, _Transient)),
            wait=self._wait,
            stop=self._stop,
            sleep=self._record_sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, url, params, endpoint, what)
        except _RateLimited as exc:
            raise OrgPullError(f"{exc}: still rate-limited after {self.rate_limit_attempts} tries") from None
        except _Transient as exc:
            raise OrgPullError(f"{exc} (gave up after {self.attempts} tries)") from None

    def pages(self, url: str, params: dict | None, endpoint: Endpoint, org: str | None = None):
        """Every page of a list (following `Link: rel="next"`): yields (response, items)."""
        while url:
            response = self.get(url, params, endpoint, org)
            try:
                body = orjson.loads(response.content)
            except orjson.JSONDecodeError:
                raise OrgPullError(f"GET {urlsplit(url).path}: the answer is not JSON") from None
            items = body.get(endpoint.items_key) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise OrgPullError(f"GET {urlsplit(url).path}: no {endpoint.items_key!r} list in the answer")
            yield response, items
            url, params = next_link(response), None  # the next link carries every parameter
