"""A fake Webex for the pull tests: a real HTTP/1.1 server on 127.0.0.1 (stdlib `http.server`, one thread
per connection) serving a generated landing through the REST shapes of `partner_analytics.pull.endpoints`,
and enforcing the real API's rules:

- 401 without a bearer token or with an unknown one; 403 when the token lacks the endpoint's scope;
- the Detailed Call History limits: startTime/endTime in YYYY-MM-DDTHH:MM:SS.mmmZ, at most 12 hours apart,
  not older than 30 days, not newer than 5 minutes before the fake's clock (`now`), else 400 with Webex's
  error shape `{"message", "errors": [{"description"}], "trackingId"}`; `max` adjusted into 500-5000;
  rows chosen by `Report time` (the time the call finished) in [startTime, endTime);
- paging by `Link: <...>; rel="next"` (`page_cap` forces small pages so tiny data pages too);
- regions: the base URL is the `home_region`'s host; `/regions/<R>` is region R's host; an org of
  another region gets 451 naming its region's URL;
- scripted faults (`Rule`): 429 with Retry-After, 5xx bursts, 451, a connection dropped mid-body.

Snapshots are served as of the fake's clock: the newest landing snapshot dated on or before `now`."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from ingestion.archives import ZIP_SIGNATURES, csv_members
from ingestion.events import CDR
from ingestion.readers import canonical_header, header_key

CDR_FIELDS = [f.source for f in CDR.fields]

ALL_SCOPES = frozenset(
    {
        "spark-admin:organizations_read",
        "spark-admin:licenses_read",
        "spark-admin:people_read",
        "spark-admin:devices_read",
        "spark-admin:locations_read",
        "spark-admin:telephony_config_read",
        "spark-admin:calling_cdr_read",
    }
)
REST = {  # path -> (dataset, scope, items key)
    "/v1/licenses": ("licenses", "spark-admin:licenses_read", "items"),
    "/v1/people": ("people", "spark-admin:people_read", "items"),
    "/v1/devices": ("devices", "spark-admin:devices_read", "items"),
    "/v1/locations": ("locations", "spark-admin:locations_read", "items"),
    "/v1/telephony/config/numbers": ("numbers", "spark-admin:telephony_config_read", "phoneNumbers"),
}
SNAPSHOT_DATASETS = ("customers", "licenses", "people", "devices", "locations", "numbers")


def org_uuid(value: str) -> str:
    """The org's raw UUID, as CDRs carry it, from the REST APIs' Hydra id (base64url of
    `ciscospark://<cluster>/ORGANIZATION/<uuid>`), as the real feed accepts either (SPEC 9)."""
    value = (value or "").strip()
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return value.lower()
    return decoded.rsplit("/", 1)[-1].lower() if decoded.startswith("ciscospark://") else value.lower()


def _field(row: dict, name: str):
    """A row's value of `name`, its key matched as ingestion matches names (SPEC 9: case and spaces drift)."""
    if name in row:
        return row[name]
    wanted = header_key(name)
    return next((v for k, v in row.items() if header_key(k) == wanted), None)


def parse_time(value: str) -> dt.datetime | None:
    """A CDR timestamp in any of the landing's styles, as aware UTC; None when it does not parse."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def parse_feed_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


@dataclass
class Rule:
    """A scripted fault: the next `times` requests whose path contains `path` (and for `org`, if given)
    get `status` (with `retry_after` for 429), or are cut off mid-body (`drop`)."""

    path: str
    status: int | None = None
    times: int = 1
    org: str | None = None
    retry_after: int | None = None
    drop: bool = False
    hits: int = 0


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    status: int


class LandingData:
    """The generated landing, indexed the way the APIs serve it."""

    def __init__(self, landing: Path):
        self.landing = Path(landing)
        self.regions = sorted(p.name for p in self.landing.iterdir() if p.is_dir() and (p / "customers").is_dir())
        # snapshots[dataset][date] -> {org: [items]} ; customers[date] -> [items in region order]
        self.snapshots: dict[str, dict[dt.date, dict[str, list]]] = {d: {} for d in SNAPSHOT_DATASETS}
        self.customers: dict[dt.date, list[dict]] = {}
        self.org_region: dict[str, str] = {}
        for region in self.regions:
            for dataset in SNAPSHOT_DATASETS:
                for path in sorted((self.landing / region / dataset).glob("*.json")):
                    day = dt.date.fromisoformat(path.stem)
                    items = json.loads(path.read_bytes())["items"]
                    if dataset == "customers":
                        self.customers.setdefault(day, []).extend(items)
                        for item in items:
                            self.org_region[item["orgId"]] = region
                        continue
                    by_org = self.snapshots[dataset].setdefault(day, {})
                    for item in items:
                        item = dict(item)
                        org = item.pop("orgId") if dataset in ("licenses", "numbers") else item["orgId"]
                        if dataset == "numbers":
                            by_org.setdefault(org, []).extend(item["phoneNumbers"])
                        else:
                            by_org.setdefault(org, []).append(item)
        self.admins: dict[dt.date, dict[str, list]] = {}
        for path in sorted((self.landing / "partner_admins").glob("*.json")):
            by_org: dict[str, list] = {}
            for admin in json.loads(path.read_bytes())["items"]:
                for org in admin["assignedOrgIds"]:
                    by_org.setdefault(org, []).append(
                        {"id": admin["id"], "displayName": admin["displayName"], "emails": [admin["email"]], "roleInCustomerOrg": admin["role"]}
                    )
            self.admins[dt.date.fromisoformat(path.stem)] = by_org
        # CDR rows per org, ordered by (Report time, file, row): what the feed would hold
        self.cdr: dict[str, list[tuple[dt.datetime, dict]]] = {}
        self.cdr_unservable = 0
        for region in self.regions:
            for path in sorted((self.landing / region / "cdr").glob("*")):
                for row in self._cdr_rows(path):
                    when = parse_time(_field(row, "Report time") or "")
                    org = str(_field(row, "Org UUID") or "").strip().lower()
                    if when is None or not org:
                        self.cdr_unservable += 1  # a row the real feed could not have placed
                        continue
                    self.cdr.setdefault(org, []).append((when, row))
        for rows in self.cdr.values():
            rows.sort(key=lambda pair: pair[0])

    def _cdr_rows(self, path: Path):
        data = path.read_bytes()
        if path.suffix == ".json":
            yield from json.loads(data)["items"]
            return
        if data[:4] in ZIP_SIGNATURES:  # a Control Hub download: the feed holds its CSV members' rows
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in csv_members(archive):
                    yield from self._csv_rows(archive.read(member))
            return
        yield from self._csv_rows(data)

    def _csv_rows(self, data: bytes):
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        # one spelling per field, as one API response has (the feed mixes rows of files whose headers drifted
        # differently); a trailing comma's empty name dropped
        header = canonical_header([h.strip() for h in next(reader)], CDR_FIELDS)
        for record in reader:
            if len(record) < len(header):
                self.cdr_unservable += 1  # malformed CSV row
                continue
            if len(record) > len(header) and any(v.strip() for v in record[len(header) :]):
                self.cdr_unservable += 1
                continue
            yield {h: v for h, v in zip(header, record) if h}

    def as_of(self, table: dict, day: dt.date):
        days = [d for d in table if d <= day]
        return table[max(days)] if days else None


@dataclass
class FakeWebex:
    """The server's behaviour; tests change `now`, `tokens`, `rules`, `page_cap` between calls."""

    data: LandingData
    now: dt.datetime
    tokens: dict[str, frozenset] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    page_cap: int | None = None
    home_region: str = "US"
    seen: list[Seen] = field(default_factory=list)
    base_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def region_url(self, region: str) -> str:
        return f"{self.base_url}/regions/{region}"

    def requests_to(self, fragment: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if fragment in s.path]

    def _rule(self, path: str, org: str | None) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.hits < rule.times and rule.path in path and (rule.org is None or rule.org == org):
                    rule.hits += 1
                    return rule
        return None


def error_body(message: str) -> dict:
    return {"message": message, "errors": [{"description": message}], "trackingId": "FAKE_WEBEX_0001"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeWebex  # set on the subclass by `serve`

    def log_message(self, *args) -> None:  # quiet: the tests read `fake.seen`
        pass

    def _send(self, status: int, body: dict, headers: dict | None = None, drop: bool = False) -> None:
        # recorded before the response leaves: a client that stops on it (a 401) may be checked at once,
        # and recording after the write raced with the test reading `seen` (seen failing under CI's load)
        parts = urlsplit(self.path)
        with self.fake._lock:
            self.fake.seen.append(Seen("GET", parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}, status))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("TrackingID", "FAKE_WEBEX_0001")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if drop:  # the connection breaks half way through the body
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        fake = self.fake
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        region = fake.home_region
        if path.startswith("/regions/"):
            _, _, region, rest = path.split("/", 3)
            path = "/" + rest
        self._handle(fake, path, region, query)  # every response goes through _send, which records it

    def _page(self, items: list, query: dict, max_default: int, clamp: tuple[int, int] | None) -> tuple[list, dict]:
        size = int(query.get("max", max_default))
        if clamp:
            size = min(max(size, clamp[0]), clamp[1])
        if self.fake.page_cap:
            size = min(size, self.fake.page_cap)
        offset = int(query.get("cursor", 0))
        page = items[offset : offset + size]
        headers = {}
        if offset + size < len(items):
            nxt = dict(query, cursor=str(offset + size))
            headers["Link"] = f'<{self.fake.base_url}{urlsplit(self.path).path}?{urlencode(nxt)}>; rel="next"'
        return page, headers

    def _handle(self, fake: FakeWebex, path: str, region: str, query: dict) -> int:
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        if token is None or token not in fake.tokens:
            self._send(401, error_body("The request requires a valid access token set in the Authorization request header."))
            return 401
        scopes = fake.tokens[token]
        org = query.get("orgId")
        if path.startswith("/v1/partner/organizations/"):
            org = path.split("/")[4]
        needed = {"/v1/organizations": "spark-admin:organizations_read", "/v1/cdr_feed": "spark-admin:calling_cdr_read"}.get(path)
        if path in REST:
            needed = REST[path][1]
        elif path.startswith("/v1/partner/organizations/"):
            needed = "spark-admin:organizations_read"
        if needed is None:
            self._send(404, error_body(f"no such resource {path}"))
            return 404
        if needed not in scopes:
            self._send(403, error_body(f"Token does not have the required scope ({needed})."))
            return 403
        rule = fake._rule(self.path, org)
        if rule and rule.status:
            headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            if rule.status == 451:
                target = fake.region_url(fake.data.org_region.get(org, fake.home_region))
                self._send(451, error_body(f"Org data is held in another region; use {target}"))
            else:
                self._send(rule.status, error_body(f"scripted {rule.status}"), headers)
            return rule.status
        day = fake.now.date()
        if path == "/v1/organizations":
            items = fake.data.as_of(fake.data.customers, day) or []
            page, headers = self._page(items, query, 100, None)
            self._send(200, {"items": page}, headers, drop=bool(rule and rule.drop))
            return 200
        if path in REST:
            dataset, _, key = REST[path]
            by_org = fake.data.as_of(fake.data.snapshots[dataset], day) or {}
            page, headers = self._page(by_org.get(org, []), query, 100, None)
            self._send(200, {key: page}, headers, drop=bool(rule and rule.drop))
            return 200
        if path.startswith("/v1/partner/organizations/"):
            by_org = fake.data.as_of(fake.data.admins, day) or {}
            self._send(200, {"items": by_org.get(org, [])}, drop=bool(rule and rule.drop))
            return 200
        return self._cdr(fake, region, org, query, rule)

    def _cdr(self, fake: FakeWebex, region: str, org: str | None, query: dict, rule: Rule | None) -> int:
        start, end = parse_feed_time(query.get("startTime")), parse_feed_time(query.get("endTime"))
        problem = None
        if start is None or end is None:
            problem = "startTime and endTime are required, formatted as YYYY-MM-DDTHH:MM:SS.mmmZ"
        elif end <= start:
            problem = "endTime must be later than startTime"
        elif end - start > dt.timedelta(hours=12):
            problem = "Only 12 hours of records can be retrieved per request"
        elif start < fake.now - dt.timedelta(days=30):
            problem = "startTime must not be more than 30 days ago"
        elif end > fake.now - dt.timedelta(minutes=5):
            problem = "endTime must be at least 5 minutes ago"
        if problem:
            self._send(400, error_body(problem))
            return 400
        home = fake.data.org_region.get(org or "")
        if home and home != region:
            self._send(451, error_body(f"Org data is held in region {home}; use {fake.region_url(home)}"))
            return 451
        rows = [row for when, row in fake.data.cdr.get(org_uuid(org or ""), []) if start <= when < end]
        page, headers = self._page(rows, query, 500, (500, 5000))
        self._send(200, {"items": page}, headers, drop=bool(rule and rule.drop))
        return 200


class FakeServer:
    """Start/stop the fake on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, fake: FakeWebex):
        self.fake = fake
        handler = type("BoundHandler", (Handler,), {"fake": fake})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        fake.base_url = f"http://{host}:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="fake-webex", daemon=True)

    @property
    def url(self) -> str:
        return self.fake.base_url

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def main() -> None:  # pragma: no cover - the benchmark runs the fake in its own process
    """`python -m tests.pull.fake_webex --landing DIR --now ISO --token T`: serve until killed; prints the URL."""
    import argparse
    import sys
    import time

    parser = argparse.ArgumentParser()
    parser.add_argument("--landing", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    started = time.monotonic()
    fake = FakeWebex(data=LandingData(Path(args.landing)), now=dt.datetime.fromisoformat(args.now), tokens={args.token: ALL_SCOPES})
    with FakeServer(fake) as server:
        print(
            json.dumps({"url": server.url, "load_seconds": round(time.monotonic() - started, 1), "cdr_rows": sum(len(v) for v in fake.data.cdr.values())}),
            flush=True,
        )
        try:
            sys.stdin.read()  # until the parent closes our stdin
        finally:
            print(json.dumps({"requests": len(fake.seen)}), flush=True)


if __name__ == "__main__":  # pragma: no cover
    main()
