"""`partner-analytics pull`: fetch what the Webex APIs serve into the landing zone, per customer org (SPEC 10).

Snapshots (customers, licenses, people, devices, locations, numbers; partner admins) are written as
`<pull date>.json` exactly in the layout of SPEC 4; CDR pages as `cdr/<org>_<start>_<end>_<page>.json`.
One org's failure does not stop the others: its region's snapshot files of the datasets it failed are not
written (a snapshot missing an org would read as that org losing everything; the run then keeps using the
previous snapshot), its CDR windows stay missing for the next run, and the result lists it. A 401/403
stops everything at once."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from partner_analytics.pull import endpoints as ep
from partner_analytics.pull import landing as lw
from partner_analytics.pull import windows as win
from partner_analytics.pull.client import OrgPullError, RegionRedirect, ScopeError, Stopped, WebexClient

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://webexapis.com"
DEFAULT_CDR_BASE_URL = "https://analytics-calling.webexapis.com"
WHAT = ("all", "snapshots", "cdr")


@dataclass
class PullResult:
    """What a pull did: files written, failed orgs (org -> reason), the client's counters."""

    files: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    cdr_windows: int = 0
    cdr_rows: int = 0
    requests: int = 0
    bytes: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail(self, org: str, reason: str) -> None:
        with self._lock:
            self.failed.setdefault(org, reason)

    def wrote(self, path: Path, rows: int = 0, cdr: bool = False) -> None:
        with self._lock:
            self.files.append(str(path))
            if cdr:
                self.cdr_rows += rows


def org_id(item: dict) -> str:
    """The customer org id: `orgId` when the answer has it, else the organization's `id`."""
    return str(item.get("orgId") or item.get("id"))


def _partner_admins(per_org: dict[str, list[dict]], org_order: list[str]) -> list[dict]:
    """Per-org admin lists -> one record per admin with every org it is assigned to (SPEC 4.1)."""
    admins: dict[str, dict] = {}
    for org in org_order:
        for admin in per_org.get(org, []):
            record = admins.get(admin["id"])
            if record is None:
                emails = admin.get("emails") or []
                role = admin.get("roleInCustomerOrg")
                record = admins[admin["id"]] = {
                    "id": admin["id"],
                    "email": admin.get("email") or (emails[0] if emails else None),
                    "displayName": admin.get("displayName"),
                    "role": ep.ADMIN_ROLES.get(role, role),
                    "assignedOrgIds": [],
                }
            record["assignedOrgIds"].append(org)
    return list(admins.values())


class Puller:
    """One pull: the client, the landing, the state, the options."""

    def __init__(
        self,
        client: WebexClient,
        landing: Path,
        *,
        pull_date: dt.date,
        now: dt.datetime,
        base_url: str = DEFAULT_BASE_URL,
        cdr_base_url: str = DEFAULT_CDR_BASE_URL,
        regions: Iterable[str] | None = None,
        what: str = "all",
        cdr_page_size: int = ep.CDR_PAGE_MAX,
    ):
        if what not in WHAT:
            raise ValueError(f"what must be one of {WHAT}, got {what!r}")
        if not ep.CDR_PAGE_MIN <= cdr_page_size <= ep.CDR_PAGE_MAX:
            raise ValueError(f"CDR page size must be {ep.CDR_PAGE_MIN}-{ep.CDR_PAGE_MAX}, got {cdr_page_size}")
        self.client = client
        self.landing = Path(landing)
        self.pull_date = pull_date
        self.now = now
        self.base_url = base_url.rstrip("/")
        self.cdr_base_url = cdr_base_url.rstrip("/")
        self.regions = {r.upper() for r in regions} if regions else None
        self.what = what
        self.cdr_page_size = cdr_page_size
        self.state = lw.PullState(self.landing)
        self.result = PullResult()

    # -- snapshots ---------------------------------------------------------------------------------
    def organizations(self) -> list[dict]:
        items: list[dict] = []
        for _, page in self.client.pages(self.base_url + ep.ORGANIZATIONS.path, None, ep.ORGANIZATIONS):
            items.extend(page)
        return items

    def _list(self, endpoint: ep.Endpoint, org: str) -> list:
        params = {"orgId": org}
        if endpoint.page_size:
            params["max"] = endpoint.page_size
        out: list = []
        for _, page in self.client.pages(self.base_url + endpoint.path, params, endpoint, org):
            out.extend(page)
        return out

    def org_snapshots(self, org: str) -> dict[str, list]:
        """Every per-org snapshot dataset of one org, as the landing writes them."""
        got: dict[str, list] = {}
        for endpoint in ep.ORG_SNAPSHOTS:
            items = self._list(endpoint, org)
            if endpoint is ep.LICENSES:
                items = [{**item, "orgId": item.get("orgId") or org} for item in items]
            elif endpoint is ep.NUMBERS:
                items = [{"orgId": org, "phoneNumbers": items}]
            got[endpoint.name] = items
        return got

    def org_admins(self, org: str) -> list[dict]:
        url = self.base_url + ep.PARTNER_ADMINS.path.format(org=org)
        out: list[dict] = []
        for _, page in self.client.pages(url, None, ep.PARTNER_ADMINS, org):
            out.extend(page)
        return out

    # -- CDRs --------------------------------------------------------------------------------------
    def _cdr_window(self, org: str, region: str, start: dt.datetime, end: dt.datetime) -> int:
        """Fetch every page of one window and land them; returns the rows. 451 is followed once."""
        base = self.state.region_url(org) or self.cdr_base_url
        params = {"orgId": org, "startTime": win.iso_ms(start), "endTime": win.iso_ms(end), "max": self.cdr_page_size}
        followed = False
        while True:
            try:
                pages = []
                for response, items in self.client.pages(base + ep.CDR_FEED.path, params, ep.CDR_FEED, org):
                    pages.append((response.content, len(items)))
                break
            except RegionRedirect as redirect:
                if followed:
                    raise OrgPullError(f"{redirect}: a second 451 after following {base} (not followed again)") from None
                followed = True
                base = redirect.url.rstrip("/")
                self.state.remember_region(org, base)
                log.info("org %s: CDRs are held at %s (451), following once", org, base)
        rows = 0
        for number, (content, count) in enumerate(pages, start=1):
            path = lw.cdr_page_path(self.landing, region, org, start, end, number)
            lw.write_atomic(path, content)
            self.result.wrote(path, count, cdr=True)
            rows += count
        return rows

    def org_cdrs(self, org: str, region: str) -> None:
        done = self.state.fetched(org)
        for start, end in win.windows(self.now):
            key = lw.window_key(start, end)
            if key in done:
                continue
            oldest, newest = win.allowed_range(self.now, dt.timedelta(0))
            assert oldest <= start and end <= newest, (start, end)  # never send a window the feed refuses
            self._cdr_window(org, region, start, end)
            self.state.mark_fetched(org, key)
            with self.result._lock:
                self.result.cdr_windows += 1

    # -- the whole pull ----------------------------------------------------------------------------
    def run(self, concurrency: int) -> PullResult:
        snapshots = self.what in ("all", "snapshots")
        cdrs = self.what in ("all", "cdr")
        if self.landing.exists():
            lw.remove_stale_temp_files(self.landing)
        orgs = self.organizations()
        by_region: dict[str, list[dict]] = {}
        for item in orgs:
            region = str(item.get("region") or "").upper()
            if not region:
                self.result.fail(org_id(item), "organization without a region: cannot place its data (SPEC 3)")
                continue
            by_region.setdefault(region, []).append(item)
        chosen = {r: items for r, items in by_region.items() if self.regions is None or r in self.regions}
        org_region = {org_id(item): region for region, items in by_region.items() for item in items}
        all_orgs = [org_id(item) for item in orgs if org_id(item) in org_region]

        snap: dict[str, dict[str, list]] = {}
        admins: dict[str, list[dict]] = {}
        scope_error: list[ScopeError] = []

        def work(org: str) -> None:
            region = org_region[org]
            try:
                if snapshots:
                    admins[org] = self.org_admins(org)
                    if region in chosen:
                        snap[org] = self.org_snapshots(org)
                if cdrs and region in chosen:
                    self.org_cdrs(org, region)
            except ScopeError as exc:
                scope_error.append(exc)
            except Stopped:
                pass
            except (OrgPullError, OSError) as exc:
                self.result.fail(org, str(exc))
                log.warning("org %s failed: %s", org, exc)

        targets = [o for o in all_orgs if snapshots or org_region[o] in chosen]
        with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="pull") as pool:
            list(pool.map(work, targets))
        if scope_error:
            raise scope_error[0]

        if snapshots:
            self._write_snapshots(chosen, snap)
            if all(o in admins for o in all_orgs):
                path = lw.partner_admins_path(self.landing, self.pull_date)
                lw.write_atomic(path, lw.items_document(_partner_admins(admins, all_orgs)))
                self.result.wrote(path)
            else:
                log.warning("partner admins not written: %d org(s) failed", len(self.result.failed))
        stats = self.client.stats
        self.result.requests, self.result.bytes, self.result.waits = stats.requests, stats.bytes, list(stats.waits)
        return self.result

    def _write_snapshots(self, chosen: dict[str, list[dict]], snap: dict[str, dict[str, list]]) -> None:
        for region, items in sorted(chosen.items()):
            orgs = [org_id(item) for item in items]
            failed = [o for o in orgs if o not in snap]
            path = lw.snapshot_path(self.landing, region, "customers", self.pull_date)
            lw.write_atomic(path, lw.items_document([{**item, "orgId": org_id(item)} for item in items]))
            self.result.wrote(path)
            if failed:
                log.warning("%s: snapshots other than customers not written: org(s) %s failed", region, ", ".join(failed))
                continue
            for endpoint in ep.ORG_SNAPSHOTS:
                rows = [row for o in orgs for row in snap[o][endpoint.name]]
                extra = {"snapshotDate": self.pull_date.isoformat()} if endpoint is ep.LICENSES else None
                path = lw.snapshot_path(self.landing, region, endpoint.name, self.pull_date)
                lw.write_atomic(path, lw.items_document(rows, extra))
                self.result.wrote(path)


def pull(
    landing: Path,
    token: str,
    *,
    pull_date: dt.date,
    now: dt.datetime,
    regions: Iterable[str] | None = None,
    what: str = "all",
    base_url: str = DEFAULT_BASE_URL,
    cdr_base_url: str = DEFAULT_CDR_BASE_URL,
    concurrency: int = 4,
    cdr_page_size: int = ep.CDR_PAGE_MAX,
    sleep: Callable[[float], None] | None = None,
    client_options: dict | None = None,
) -> PullResult:
    """Pull into `landing`. `now` decides which CDR windows the feed serves; `pull_date` names the snapshots."""
    options = dict(client_options or {})
    if sleep is not None:
        options["sleep"] = sleep
    with WebexClient(token, concurrency=concurrency, **options) as client:
        puller = Puller(
            client,
            landing,
            pull_date=pull_date,
            now=now,
            base_url=base_url,
            cdr_base_url=cdr_base_url,
            regions=regions,
            what=what,
            cdr_page_size=cdr_page_size,
        )
        return puller.run(concurrency)
