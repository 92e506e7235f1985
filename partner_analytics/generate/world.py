"""The synthetic customer world of one region (orgs, people, licenses, devices, numbers, queues) and its
snapshots: one JSON file per dataset per Sunday, evolving over time (people added, licenses assigned,
subscriptions added, one expiring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from partner_analytics.generate import ids, names
from partner_analytics.generate.formats import DAY_MS, FileLog, iso_date, iso_ms, write_items

REGION_CODES = {"US": 1, "CA": 2, "EU": 3, "UAE": 4}
UNKNOWN_SUBSCRIPTION_STATUS = "GRACE_PERIOD"  # a status outside the documented five (SPEC 4.1)
# Cases every generation contains even at scale "tiny": orgs 1 and 2 of each region get one each, rotating by
# region so the four regions together cover all eight (larger scales also get them at random).
FORCED_CASES = ("trial", "overage", "low_assignment", "suspended", "provisioning_addon", "expires_30_no_renew", "renews_90", "messaging_zero_units")


def forced_cases(region: str, n_orgs: int) -> dict[int, str]:
    r = REGION_CODES[region] - 1
    return {i: FORCED_CASES[(2 * r + i - 1) % len(FORCED_CASES)] for i in (1, 2) if i < n_orgs}


@dataclass(frozen=True)
class Calendar:
    """The day grid of one generation: week ending D, the event window and the snapshot Sundays (day numbers)."""

    d: int  # D as a day number
    event_start: int  # first day with events: D - 7 * history_weeks
    snapshot_days: tuple[int, ...]  # Sundays, oldest first, the last is D
    world_start: int  # before this everything is "old"


@dataclass
class Org:
    """One customer organisation and the index ranges of what it owns."""

    idx: int
    org_id: str
    name: str
    domain: str
    external_id: str | None
    managed_by: str
    created_day: int
    created_ms: int
    tags: list[str]
    tz_hours: int
    kind: str  # "paid" or "trial"
    intensity: float  # calls per user relative to the region's average
    admin_mode: str  # "active", "stale" or "never"
    admin_period: int
    admin_phase: int
    admin_stop: int
    admin_seconds: int
    locations: list[int] = field(default_factory=list)
    people_start: int = 0
    people_count: int = 0
    subscriptions: list[int] = field(default_factory=list)
    queues: list[int] = field(default_factory=list)
    hunt_groups: list[int] = field(default_factory=list)
    auto_attendants: list[int] = field(default_factory=list)
    workspaces: list[int] = field(default_factory=list)
    calling_license: int = -1
    meeting_license: int = -1
    messaging_license: int = -1


@dataclass
class RegionWorld:
    """Everything one region's snapshots and events are generated from."""

    region: str
    calendar: Calendar
    orgs: list[Org]
    locations: list[dict]
    subscriptions: list[dict]
    licenses: list[dict]
    workspaces: list[dict]
    devices: list[dict]
    queues: list[dict]  # call queues, hunt groups and auto attendants share this shape
    hunt_groups: list[dict]
    auto_attendants: list[dict]
    people: dict[str, np.ndarray]  # numpy columns, one row per person
    person_ids: pl.Series
    person_names: pl.Series
    person_emails: pl.Series  # first email
    person_alias: list[str | None]
    person_first: list[str]
    person_last: list[str]
    person_numbers: list[tuple[str, str]]  # (phoneNumber or "", extension)
    unknown_statuses: int = 0
    person_refs: list[str] | None = None  # people's REST (Hydra) ids, made on first use (`_person_ref`)


# The REST APIs (snapshots) name orgs and people by Hydra ids; CDRs, meeting participants and Control
# Hub reports by the raw UUID of the same org or person (SPEC 9): ingestion must join the two.


def _org_ref(org: Org) -> str:
    return ids.webex_id("ORGANIZATION", org.org_id)


def _person_ref(world: RegionWorld, k: int) -> str:
    if world.person_refs is None:
        world.person_refs = [ids.webex_id("PEOPLE", u) for u in world.person_ids.to_list()]
    return world.person_refs[k]


# ---------------------------------------------------------------------------------------------- build


def _lognormal_counts(rng: np.random.Generator, mean: float, sigma: float, n: int, low: int) -> np.ndarray:
    mu = np.log(mean) - sigma**2 / 2
    return np.maximum(low, np.rint(rng.lognormal(mu, sigma, n))).astype(np.int64)


def _email_local(first: str, last: str) -> str:
    return (first + "." + last).lower().replace("'", "").replace(" ", "")


def build_region(region: str, org_names: list[str], people_mean: float, calendar: Calendar, seed: int, force_unknown_status: bool) -> RegionWorld:
    """Build one region's world, deterministic in (region, org_names, people_mean, calendar, seed)."""
    rng = np.random.default_rng([seed, REGION_CODES[region], 101])
    d = calendar.d
    cities = names.CITIES[region]
    n_orgs = len(org_names)

    orgs: list[Org] = []
    locations: list[dict] = []
    forced = forced_cases(region, n_orgs)
    org_uuids = ids.uuid_list(rng, n_orgs)
    people_counts = _lognormal_counts(rng, people_mean, 0.8, n_orgs, 3)
    for i, (name, org_id) in enumerate(zip(org_names, org_uuids, strict=True)):
        kind = "trial" if i > 0 and (rng.random() < 0.15 or forced.get(i) == "trial") else "paid"
        if forced.get(i, "trial") != "trial":
            kind = "paid"
        recent = i > 0 and rng.random() < (0.6 if kind == "trial" else 0.15)
        # Recent customers were added inside the last 90 days (the "recently added" views need them).
        created_day = int(d - rng.integers(4, 86)) if recent else int(d - rng.integers(120, 1500))
        slug = name.lower().replace(" ", "-").replace(".", "")
        mode = rng.choice(["active", "stale", "never"], p=[0.75, 0.15, 0.10])
        org = Org(
            idx=i,
            org_id=org_id,
            name=name,
            domain=f"{slug}.example.com",
            external_id=f"WS-{int(rng.integers(100000, 999999))}" if rng.random() < 0.45 else None,
            managed_by="PARTNER" if rng.random() < 0.7 else "EXTERNAL_ADMIN",
            created_day=created_day,
            created_ms=created_day * DAY_MS + int(rng.integers(0, DAY_MS)),
            tags=sorted(set(rng.choice(names.TAGS, size=int(rng.integers(0, 3)), replace=False).tolist())),
            tz_hours=0,
            kind=kind,
            intensity=float(rng.lognormal(0, 0.35)),
            admin_mode=str(mode),
            admin_period=int(rng.integers(1, 12)),
            admin_phase=int(rng.integers(0, 12)),
            admin_stop=int(d - rng.integers(45, 400)),
            admin_seconds=int(rng.integers(6 * 3600, 20 * 3600)),
        )
        # Locations: one per started 60 people (at least one), each in a region city.
        n_loc = 1 + min(int(people_counts[i] // 60), 6)
        used: set[str] = set()
        for k in range(n_loc):
            city, country, tz = cities[int(rng.integers(len(cities)))]
            suffix = 0
            loc_name = city
            while loc_name in used:
                suffix += 1
                loc_name = city + names.SITE_SUFFIXES[suffix % len(names.SITE_SUFFIXES)] + (f" {suffix}" if suffix >= len(names.SITE_SUFFIXES) else "")
            used.add(loc_name)
            if k == 0:
                org.tz_hours = tz
            providers = names.PSTN_PROVIDERS[region]
            locations.append(
                {
                    "uuid": ids.uuid_list(rng, 1)[0],
                    "name": loc_name,
                    "org": i,
                    "city": city,
                    "country": country,
                    "tz": tz,
                    "provider": None if rng.random() < 0.15 else providers[int(rng.integers(len(providers)))],
                    "main_number": "",
                }
            )
            org.locations.append(len(locations) - 1)
        orgs.append(org)

    # ------------------------------------------------------------------ people (numpy columns)
    total = int(people_counts.sum())
    p_org = np.repeat(np.arange(n_orgs), people_counts)
    starts = np.concatenate([[0], np.cumsum(people_counts)[:-1]])
    for org, start, count in zip(orgs, starts, people_counts, strict=True):
        org.people_start, org.people_count = int(start), int(count)
    org_created = np.array([o.created_day for o in orgs])[p_org]
    org_recent = org_created > calendar.world_start - 30
    # Old orgs: most people exist before the window, ~15% join during it; new orgs onboard in ~2 weeks.
    joins_late = rng.random(total) < 0.15
    created_day = np.where(
        org_recent,
        org_created + rng.integers(0, 15, total),
        np.where(
            joins_late,
            rng.integers(calendar.world_start, d + 1, total),
            org_created + (rng.random(total) * np.maximum(calendar.world_start - org_created, 1)).astype(np.int64),
        ),
    )
    created_day = np.minimum(created_day, d)
    created_ms = created_day * DAY_MS + rng.integers(8 * 3_600_000, 18 * 3_600_000, total)
    p_call = np.array([rng.uniform(0.55, 1.0) for _ in orgs])[p_org]
    p_meet = np.array([rng.uniform(0.4, 1.0) for _ in orgs])[p_org]
    has_call = rng.random(total) < p_call
    has_meet = rng.random(total) < p_meet
    has_msg = rng.random(total) < 0.92
    # Licenses are assigned some days after the account exists: assignment grows week by week.
    lag = lambda: np.minimum(rng.geometric(0.25, total) - 1, 30)  # noqa: E731
    call_day = np.where(has_call, created_day + lag(), -1)
    meet_day = np.where(has_meet, created_day + lag(), -1)
    msg_day = np.where(has_msg, created_day + lag(), -1)
    dormant = rng.random(total) < 0.10
    loc_of = np.empty(total, dtype=np.int64)
    for org in orgs:
        sl = slice(org.people_start, org.people_start + org.people_count)
        weights = np.array([3.0] + [1.0] * (len(org.locations) - 1))
        loc_of[sl] = np.array(org.locations)[rng.choice(len(org.locations), org.people_count, p=weights / weights.sum())]

    first_idx = rng.integers(0, len(names.FIRST_NAMES), total)
    last_idx = rng.integers(0, len(names.LAST_NAMES), total)
    comma_name = rng.random(total) < 0.03
    has_alias = rng.random(total) < 0.08
    has_did = rng.random(total) < 0.7
    person_uuid = ids.uuids(rng, total, "person_id")
    firsts, lasts, displays, emails, aliases, numbers_ = [], [], [], [], [], []
    prefixes = names.PHONE_PREFIXES[region]
    counter = 1000
    for org in orgs:
        seen: dict[str, int] = {}
        prefix = prefixes[org.idx % len(prefixes)]
        for k in range(org.people_start, org.people_start + org.people_count):
            first, last = names.FIRST_NAMES[first_idx[k]], names.LAST_NAMES[last_idx[k]]
            local = _email_local(first, last)
            n_seen = seen.get(local, 0)
            seen[local] = n_seen + 1
            if n_seen:
                local = f"{local}{n_seen + 1}"
            firsts.append(first)
            lasts.append(last)
            displays.append(f"{last}, {first}" if comma_name[k] else f"{first} {last}")
            emails.append(f"{local}@{org.domain}")
            aliases.append(f"{local}@mail.{org.domain}" if has_alias[k] else None)
            counter += 1
            ext = str(1000 + k - org.people_start)
            numbers_.append((f"{prefix}{counter:07d}" if has_did[k] else "", ext))
        for loc in org.locations:
            counter += 1
            locations[loc]["main_number"] = f"{prefix}{counter:07d}"

    world = RegionWorld(
        region=region,
        calendar=calendar,
        orgs=orgs,
        locations=locations,
        subscriptions=[],
        licenses=[],
        workspaces=[],
        devices=[],
        queues=[],
        hunt_groups=[],
        auto_attendants=[],
        people={
            "org": p_org,
            "created_day": created_day,
            "created_ms": created_ms,
            "call_day": call_day,
            "meet_day": meet_day,
            "msg_day": msg_day,
            "dormant": dormant,
            "location": loc_of,
            "desk_device": np.full(total, -1),
            "other_device": np.full(total, -1),
            "addon_day": np.full(total, -1),
        },
        person_ids=person_uuid,
        person_names=pl.Series("name", displays),
        person_emails=pl.Series("email", emails),
        person_alias=aliases,
        person_first=firsts,
        person_last=lasts,
        person_numbers=numbers_,
    )
    _add_services(world, rng, counter)
    _add_subscriptions(world, rng, force_unknown_status, forced)
    _add_devices(world, rng)
    for loc in world.locations:
        loc["id"] = ids.webex_id("LOCATION", loc["uuid"])
    return world


def _add_services(world: RegionWorld, rng: np.random.Generator, counter: int) -> None:
    """Call queues, hunt groups, auto attendants and workspaces per org (ids are plain UUIDs: CDR User UUID)."""
    prefix_list = names.PHONE_PREFIXES[world.region]
    for org in world.orgs:
        prefix = prefix_list[org.idx % len(prefix_list)]
        size = org.people_count
        specs = (
            (world.queues, org.queues, names.QUEUE_NAMES, 0.7, size / 40),
            (world.hunt_groups, org.hunt_groups, names.HUNT_GROUP_NAMES, 0.5, size / 60),
            (world.auto_attendants, org.auto_attendants, names.AUTO_ATTENDANT_NAMES, 0.7, 0),
        )
        ext = 5000
        for table, owned, labels, p_any, extra in specs:
            n = 0 if rng.random() > p_any else 1 + min(int(rng.poisson(extra)), len(labels) - 1)
            for k in range(n):
                counter += 1
                ext += 1
                table.append(
                    {
                        "id": ids.uuid_list(rng, 1)[0],
                        "name": labels[k],
                        "org": org.idx,
                        "location": org.locations[int(rng.integers(len(org.locations)))],
                        "number": f"{prefix}{counter:07d}",
                        "extension": str(ext),
                    }
                )
                owned.append(len(table) - 1)
        n_ws = min(6, int(rng.poisson(0.5 + size / 40)))
        for k in range(n_ws):
            counter += 1
            ext += 1
            world.workspaces.append(
                {
                    "id": ids.uuid_list(rng, 1)[0],
                    "name": f"{names.WORKSPACE_NAMES[k % len(names.WORKSPACE_NAMES)]} {k + 1}",
                    "org": org.idx,
                    "location": org.locations[int(rng.integers(len(org.locations)))],
                    "number": f"{prefix}{counter:07d}" if rng.random() < 0.6 else "",
                    "extension": str(ext),
                    "room": rng.random() < 0.6,
                    "created_day": max(org.created_day, int(world.calendar.d - rng.integers(0, 400))),
                    "device": -1,
                }
            )
            org.workspaces.append(len(world.workspaces) - 1)


def _subscription_id(rng: np.random.Generator) -> str:
    return f"Sub{int(rng.integers(100000, 999999))}"


def _add_subscriptions(world: RegionWorld, rng: np.random.Generator, force_unknown_status: bool, forced: dict[int, str]) -> None:
    """Subscriptions and their licenses; units sized from holders at D by a per-subscription class
    (normal / low assignment / overage) so every analytics section has members."""
    cal = world.calendar
    d = cal.d
    people = world.people
    used_ids: set[str] = set()

    def new_sub(org: Org, **fields) -> dict:
        sub_id = _subscription_id(rng)
        while sub_id in used_ids:
            sub_id = _subscription_id(rng)
        used_ids.add(sub_id)
        sub = {"subscriptionId": sub_id, "org": org.idx, "licenses": [], "expires_in_window": False, **fields}
        world.subscriptions.append(sub)
        org.subscriptions.append(len(world.subscriptions) - 1)
        return sub

    def new_license(sub: dict, name: str, holders_at_d: int, unit_class: str, workspace: bool = False) -> int:
        if unit_class == "low":
            total = int(np.ceil(holders_at_d * rng.uniform(3, 6))) + 5
        elif unit_class == "over" and holders_at_d >= 2:
            total = max(1, int(holders_at_d * rng.uniform(0.7, 0.95)))
        elif unit_class == "trial":
            total = max(holders_at_d, int(rng.choice([10, 25, 50])))
        else:
            total = int(np.ceil(holders_at_d * rng.uniform(1.0, 1.35))) + int(rng.integers(0, 3))
        lic = {
            "uuid": ids.uuid_list(rng, 1)[0],
            "name": name,
            "sub": len(world.subscriptions) - 1,
            "org": sub["org"],
            "totalUnits": total,
            "workspace": workspace,
            "index": len(world.licenses),
        }
        lic["id"] = ids.webex_id("LICENSE", lic["uuid"])
        world.licenses.append(lic)
        sub["licenses"].append(len(world.licenses) - 1)
        return len(world.licenses) - 1

    expiring_org = next((o.idx for o in world.orgs if o.kind == "paid" and o.created_day < cal.world_start), None)
    for org in world.orgs:
        sl = slice(org.people_start, org.people_start + org.people_count)
        holders = {key: int(((people[key][sl] >= 0) & (people[key][sl] <= d)).sum()) for key in ("call_day", "meet_day", "msg_day")}
        start_day = org.created_day
        if org.kind == "trial":
            length = int(rng.choice([30, 60, 90]))
            end_day = max(start_day + length, d + int(rng.integers(3, 45)))
            sub = new_sub(
                org,
                type="TRIAL",
                status="ACTIVE",
                created_ms=org.created_ms + 3_600_000,
                start=start_day,
                end=end_day,
                autoRenew=False,
                add_day=org.created_day,
            )
            org.calling_license = new_license(sub, "Webex Calling - Professional", holders["call_day"], "trial")
            org.meeting_license = new_license(sub, "Meeting - Webex Meeting Center", holders["meet_day"], "trial")
        else:
            u = rng.random()
            if u < 0.08:
                end_day = d + int(rng.integers(0, 30))
            elif u < 0.20:
                end_day = d + int(rng.integers(30, 90))
            else:
                end_day = d + int(rng.integers(90, 1000))
            status = str(rng.choice(["ACTIVE", "SUSPENDED", "CANCELLED"], p=[0.93, 0.05, 0.02]))
            unit_class = str(rng.choice(["normal", "low", "over"], p=[0.74, 0.14, 0.12]))
            auto_renew = bool(rng.random() < 0.65)
            case = forced.get(org.idx)
            if case == "overage":
                unit_class, status = "over", "ACTIVE"
            elif case == "low_assignment":
                unit_class, status = "low", "ACTIVE"
            elif case == "suspended":
                status = "SUSPENDED"
            elif case == "expires_30_no_renew":
                end_day, auto_renew, status = d + int(rng.integers(1, 30)), False, "ACTIVE"
            elif case == "renews_90":
                end_day, auto_renew, status = d + int(rng.integers(30, 90)), True, "ACTIVE"
            sub = new_sub(
                org,
                type="SUBSCRIPTION",
                status=status,
                created_ms=org.created_ms + 3_600_000,
                start=start_day,
                end=max(end_day, start_day + 30),
                autoRenew=auto_renew,
                add_day=org.created_day,
            )
            org.calling_license = new_license(sub, "Webex Calling - Professional", holders["call_day"], unit_class)
            org.meeting_license = new_license(sub, "Meeting - Webex Meeting Center", holders["meet_day"], unit_class)
            org.messaging_license = new_license(sub, "Messaging", holders["msg_day"], "normal")
            if rng.random() < 0.08 or case == "messaging_zero_units":  # free seats: totalUnits 0, yet assigned
                world.licenses[org.messaging_license]["totalUnits"] = 0
            if org.workspaces:
                n_ws = sum(1 for w in org.workspaces if world.workspaces[w]["created_day"] <= d)
                name = "Webex Calling - Workspaces" if rng.random() < 0.5 else "Common Area Calling"
                new_license(sub, name, n_ws, "normal", workspace=True)
            # Add-on subscriptions arrive during the window; some are still in order setup at D.
            if rng.random() < 0.3 or org.idx == expiring_org or case == "provisioning_addon":
                add_day = int(rng.integers(max(cal.world_start, org.created_day + 1), d))
                start = add_day + int(rng.integers(0, 12))
                if case == "provisioning_addon":
                    start = d + int(rng.integers(1, 20))  # still in order setup at D
                addon = new_sub(
                    org,
                    type="SUBSCRIPTION",
                    status="ACTIVE",
                    created_ms=add_day * DAY_MS + 40_000_000,
                    start=start,
                    end=start + 365,
                    autoRenew=bool(rng.random() < 0.5),
                    add_day=add_day,
                )
                if org.idx == expiring_org:
                    # The one that expires inside the window: added long ago, ended a few weeks before D.
                    addon.update(
                        add_day=org.created_day,
                        created_ms=org.created_ms + 7_200_000,
                        start=org.created_day,
                        end=int(d - rng.integers(15, 40)),
                        autoRenew=False,
                        expires_in_window=True,
                    )
                    start = org.created_day
                meet = np.flatnonzero(people["meet_day"][sl] >= 0)[:3] + org.people_start
                people["addon_day"][meet] = np.maximum(people["meet_day"][meet], start)
                new_license(addon, "Meeting - Webex Webinars", len(meet), "normal")
        if rng.random() < 0.01 or (force_unknown_status and org.idx == len(world.orgs) - 1):
            world.subscriptions[org.subscriptions[0]]["status"] = UNKNOWN_SUBSCRIPTION_STATUS
            world.unknown_statuses += 1
    for sub in world.subscriptions:
        sub["invoiceId"] = f"INV{int(rng.integers(10**7, 10**8))}"
        sub["orderId"] = f"CO{int(rng.integers(10**8, 10**9))}"


def _add_devices(world: RegionWorld, rng: np.random.Generator) -> None:
    """Desk phones (45% of calling people), third-party phones (4%), one device per workspace."""
    people = world.people
    calling = np.flatnonzero(people["call_day"] >= 0)
    u = rng.random(len(calling))
    desk = calling[u < 0.45]
    other = calling[(u >= 0.45) & (u < 0.49)]
    cisco_macs = ids.macs(rng, names.CISCO_OUIS, len(desk) + len(world.workspaces))
    other_macs = ids.macs(rng, names.THIRD_PARTY_OUIS, len(other))

    def device(
        org: int, location: int, product: tuple[str, str, str], kind: str, platform: str, mac: str, created_day: int, person: int = -1, workspace: int = -1
    ) -> int:
        dev_uuid = ids.uuid_list(rng, 1)[0]
        world.devices.append(
            {
                "id": ids.webex_id("DEVICE", dev_uuid),
                "org": org,
                "person": person,
                "workspace": workspace,
                "location": location,
                "product": product[0],
                "model": product[1],
                "software": product[2],
                "type": kind,
                "platform": platform,
                "mac": mac,
                "serial": "FOC" + "".join(str(x) for x in rng.integers(0, 10, 8)),
                "status": str(rng.choice(["connected", "disconnected", "offline_expired"], p=[0.86, 0.1, 0.04])),
                "created_day": created_day,
            }
        )
        return len(world.devices) - 1

    for k, person in enumerate(desk):
        product = names.DESK_PHONES[int(rng.integers(len(names.DESK_PHONES)))]
        people["desk_device"][person] = device(
            int(people["org"][person]),
            int(people["location"][person]),
            product,
            "phone",
            "cisco",
            cisco_macs[k],
            int(people["call_day"][person]),
            person=int(person),
        )
    for k, person in enumerate(other):
        product = names.THIRD_PARTY_PHONES[int(rng.integers(len(names.THIRD_PARTY_PHONES)))]
        people["other_device"][person] = device(
            int(people["org"][person]),
            int(people["location"][person]),
            product,
            "phone",
            "other",
            other_macs[k],
            int(people["call_day"][person]),
            person=int(person),
        )
    for k, ws in enumerate(world.workspaces):
        product = names.ROOM_DEVICES[int(rng.integers(len(names.ROOM_DEVICES)))] if ws["room"] else names.DESK_PHONES[4]
        ws["device"] = device(
            ws["org"], ws["location"], product, "roomdesk" if ws["room"] else "phone", "cisco", cisco_macs[len(desk) + k], ws["created_day"], workspace=k
        )


# ---------------------------------------------------------------------------------------------- snapshots


def _subscription_status(sub: dict, day: int) -> str:
    if sub["status"] != "ACTIVE":
        return sub["status"]
    if day < sub["start"]:
        return "PROVISIONING"
    if day > sub["end"]:
        return "EXPIRED"
    return "ACTIVE"


def _license_present(world: RegionWorld, lic: dict, day: int) -> bool:
    sub = world.subscriptions[lic["sub"]]
    return sub["add_day"] <= day and not (sub["expires_in_window"] and day > sub["end"])


def _admin_activity(org: Org, day: int) -> str | None:
    if org.admin_mode == "never":
        return None
    last = day - 1 - ((day - 1 - org.admin_phase) % org.admin_period)
    if org.admin_mode == "stale":
        last = min(last, org.admin_stop)
    if last < org.created_day:
        return None
    return iso_ms(last * DAY_MS + org.admin_seconds)


def _held_licenses(world: RegionWorld, person: int, day: int) -> list[str]:
    people = world.people
    org = world.orgs[int(people["org"][person])]
    held = []
    for key, lic_idx in (("call_day", org.calling_license), ("meet_day", org.meeting_license), ("msg_day", org.messaging_license)):
        if lic_idx >= 0 and 0 <= people[key][person] <= day:
            held.append(lic_idx)
    if 0 <= people["addon_day"][person] <= day:
        for sub_idx in org.subscriptions[1:]:
            for lic_idx in world.subscriptions[sub_idx]["licenses"]:
                if world.licenses[lic_idx]["name"] == "Meeting - Webex Webinars":
                    held.append(lic_idx)
    return [world.licenses[i]["id"] for i in held if _license_present(world, world.licenses[i], day)]


def write_snapshots(world: RegionWorld, landing: Path, log: FileLog) -> dict[str, int]:
    """Write every regional snapshot dataset for every snapshot Sunday; returns items written per dataset."""
    counts: dict[str, int] = {}
    base = landing / world.region
    for day in world.calendar.snapshot_days:
        name = f"{iso_date(day)}.json"
        for dataset, items, extra in (
            ("customers", _customers(world, day), None),
            ("subscriptions", _subscriptions(world, day), None),
            ("licenses", _licenses(world, day), {"snapshotDate": iso_date(day)}),
            ("people", _people(world, day), None),
            ("locations", _locations(world, day), None),
            ("devices", _devices(world, day), None),
            ("numbers", _numbers(world, day), None),
        ):
            counts[dataset] = counts.get(dataset, 0) + write_items(base / dataset / name, items, log, extra)
    return counts


def _customers(world: RegionWorld, day: int):
    for org in world.orgs:
        if org.created_day > day:
            continue
        yield {
            "orgId": _org_ref(org),
            "displayName": org.name,
            "externalId": org.external_id,
            "region": world.region,
            "managedBy": org.managed_by,
            "createdAt": iso_ms(org.created_ms),
            "lastAdminActivityAt": _admin_activity(org, day),
            "tags": org.tags,
            "customerType": "wholesale" if org.external_id else "standard",
        }


def _subscriptions(world: RegionWorld, day: int):
    for sub in world.subscriptions:
        if sub["add_day"] > day:
            continue
        quantity = sum(world.licenses[i]["totalUnits"] for i in sub["licenses"])
        orders = [{"orderId": sub["orderId"], "orderedAt": iso_ms(sub["created_ms"] - 86_400_000), "action": "NEW", "quantity": quantity}]
        if sub["type"] == "SUBSCRIPTION" and sub["end"] - sub["start"] > 400:
            orders.append(
                {
                    "orderId": sub["orderId"] + "-M1",
                    "orderedAt": iso_ms(sub["created_ms"] + 90 * DAY_MS),
                    "action": "MODIFY",
                    "quantity": max(1, quantity // 10),
                }
            )
        yield {
            "subscriptionId": sub["subscriptionId"],
            "orgId": _org_ref(world.orgs[sub["org"]]),
            "type": sub["type"],
            "status": _subscription_status(sub, day),
            "createdAt": iso_ms(sub["created_ms"]),
            "startDate": iso_date(sub["start"]),
            "endDate": iso_date(sub["end"]),
            "autoRenew": sub["autoRenew"],
            "invoiceId": sub["invoiceId"],
            "orders": orders,
            "billingCycle": "ANNUAL",
        }


def _licenses(world: RegionWorld, day: int):
    people = world.people
    for lic in world.licenses:
        if not _license_present(world, lic, day):
            continue
        org = world.orgs[lic["org"]]
        sl = slice(org.people_start, org.people_start + org.people_count)
        by_users = by_workspaces = 0
        if lic["workspace"]:
            by_workspaces = sum(1 for w in org.workspaces if world.workspaces[w]["created_day"] <= day)
        else:
            for key, idx in (("call_day", org.calling_license), ("meet_day", org.meeting_license), ("msg_day", org.messaging_license)):
                if idx == lic["index"]:
                    column = people[key][sl]
                    by_users = int(((column >= 0) & (column <= day)).sum())
            if lic["name"] == "Meeting - Webex Webinars":
                column = people["addon_day"][sl]
                by_users = int(((column >= 0) & (column <= day)).sum())
        item = {
            "id": lic["id"],
            "name": lic["name"],
            "totalUnits": lic["totalUnits"],
            "consumedUnits": by_users + by_workspaces,
            "consumedByUsers": by_users,
            "consumedByWorkspaces": by_workspaces,
            "subscriptionId": world.subscriptions[lic["sub"]]["subscriptionId"],
            "orgId": _org_ref(org),
        }
        if "Meeting" in lic["name"]:
            item["siteUrl"] = org.domain.replace(".example.com", "") + ".webex.com"
            item["siteType"] = "Control Hub managed site"
        yield item


def _people(world: RegionWorld, day: int):
    people = world.people
    created = people["created_day"]
    for org in world.orgs:
        for k in range(org.people_start, org.people_start + org.people_count):
            if created[k] > day:
                continue
            emails = [world.person_emails[k]]
            if world.person_alias[k]:
                emails.append(world.person_alias[k])
            yield {
                "id": _person_ref(world, k),
                "emails": emails,
                "displayName": world.person_names[k],
                "firstName": world.person_first[k],
                "lastName": world.person_last[k],
                "orgId": _org_ref(org),
                "licenses": _held_licenses(world, k, day),
                "locationId": world.locations[int(people["location"][k])]["id"],
                "created": iso_ms(int(people["created_ms"][k])),
                "type": "person",
                "status": "active",
            }


def _locations(world: RegionWorld, day: int):
    for loc in world.locations:
        org = world.orgs[loc["org"]]
        if org.created_day > day:
            continue
        yield {
            "id": loc["id"],
            "name": loc["name"],
            "orgId": _org_ref(org),
            "timeZone": f"UTC{loc['tz']:+d}",
            "preferredLanguage": "en_us",
            "address": {"address1": f"{100 + loc['org'] * 7 % 900} Main Street", "city": loc["city"], "country": loc["country"]},
            "pstnConnection": {"type": "CLOUD_CONNECTED" if loc["provider"] else None, "providerName": loc["provider"]},
        }


def _devices(world: RegionWorld, day: int):
    for dev in world.devices:
        if dev["created_day"] > day:
            continue
        org = world.orgs[dev["org"]]
        person = dev["person"]
        workspace = world.workspaces[dev["workspace"]]["id"] if dev["workspace"] >= 0 else None
        yield {
            "id": dev["id"],
            "displayName": dev["product"],
            "orgId": _org_ref(org),
            "personId": _person_ref(world, person) if person >= 0 else None,
            "workspaceId": workspace,
            "locationId": world.locations[dev["location"]]["id"],
            "product": dev["product"],
            "type": dev["type"],
            "devicePlatform": dev["platform"],
            "mac": dev["mac"],
            "serial": dev["serial"],
            "software": dev["software"],
            "connectionStatus": dev["status"],
            "created": iso_ms(dev["created_day"] * DAY_MS + 36_000_000),
            "upgradeChannel": "stable",
        }


def _number(phone: str, ext: str | None, state: str, kind: str | None, main: bool, loc: dict, owner: dict | None) -> dict:
    item: dict = {"phoneNumber": phone}
    if ext:
        item["extension"] = ext
    item.update({"state": state, "phoneNumberType": kind, "mainNumber": main, "location": {"id": loc["id"], "name": loc["name"]}, "tollFreeNumber": False})
    if owner:
        item["owner"] = owner
    return item


def _numbers(world: RegionWorld, day: int):
    people = world.people
    for org in world.orgs:
        if org.created_day > day:
            continue
        items = []
        for loc_idx in org.locations:
            loc = world.locations[loc_idx]
            items.append(_number(loc["main_number"], None, "ACTIVE", "PRIMARY", True, loc, None))
        for k in range(org.people_start, org.people_start + org.people_count):
            if not 0 <= people["call_day"][k] <= day:
                continue
            phone, ext = world.person_numbers[k]
            owner = {"id": _person_ref(world, k), "type": "PEOPLE", "firstName": world.person_first[k], "lastName": world.person_last[k]}
            items.append(_number(phone, ext, "ACTIVE", "PRIMARY", False, world.locations[int(people["location"][k])], owner))
        for table, owned, owner_type in (
            (world.workspaces, org.workspaces, "PLACE"),
            (world.queues, org.queues, "CALL_QUEUE"),
            (world.hunt_groups, org.hunt_groups, "HUNT_GROUP"),
            (world.auto_attendants, org.auto_attendants, "AUTO_ATTENDANT"),
        ):
            for idx in owned:
                entity = table[idx]
                if entity.get("created_day", 0) > day:
                    continue
                owner = {"id": entity["id"], "type": owner_type, "firstName": entity["name"], "lastName": ""}
                items.append(_number(entity["number"], entity["extension"], "ACTIVE", "PRIMARY", False, world.locations[entity["location"]], owner))
        # Unassigned inventory: numbers ordered but not yet given to anyone, half not activated.
        loc = world.locations[org.locations[0]]
        base = loc["main_number"][:-3]
        for k in range(1 + org.idx % 3):
            items.append(_number(f"{base}{900 + k:03d}", None, "INACTIVE" if k % 2 else "ACTIVE", "PRIMARY", False, loc, None))
        yield {"orgId": _org_ref(org), "phoneNumbers": items}


def write_partner_admins(worlds: list[RegionWorld], landing: Path, seed: int, log: FileLog) -> int:
    """Partner admins per Sunday: assignedOrgIds span regions; one admin joins mid-window."""
    rng = np.random.default_rng([seed, 0, 303])
    all_orgs = [(w.region, o) for w in worlds for o in w.orgs]
    cal = worlds[0].calendar
    n_admins = 3 + len(all_orgs) // 15
    admins = []
    for k in range(n_admins):
        first = names.FIRST_NAMES[int(rng.integers(len(names.FIRST_NAMES)))]
        last = names.LAST_NAMES[int(rng.integers(len(names.LAST_NAMES)))]
        role = names.ADMIN_ROLES[0] if k == 0 else names.ADMIN_ROLES[int(rng.integers(len(names.ADMIN_ROLES)))]
        # Full admins see most customers; others a handful, drawn across all regions.
        share = 0.8 if role == "PARTNER_FULL_ADMIN" else float(rng.uniform(0.05, 0.35))
        assigned = np.flatnonzero(rng.random(len(all_orgs)) < share).tolist() or [int(rng.integers(len(all_orgs)))]
        admins.append(
            {
                "id": ids.webex_id("PEOPLE", ids.uuid_list(rng, 1)[0]),
                "email": f"{_email_local(first, last)}{k}@{names.PARTNER_DOMAIN}",
                "displayName": f"{first} {last}",
                "role": role,
                "assigned": assigned,
                "joined_day": cal.snapshot_days[len(cal.snapshot_days) // 2] if k == n_admins - 1 and k > 0 else 0,
            }
        )
    total = 0
    for day in cal.snapshot_days:
        items = [
            {
                "id": a["id"],
                "email": a["email"],
                "displayName": a["displayName"],
                "role": a["role"],
                "assignedOrgIds": [_org_ref(all_orgs[i][1]) for i in a["assigned"] if all_orgs[i][1].created_day <= day],
            }
            for a in admins
            if a["joined_day"] <= day
        ]
        total += write_items(landing / "partner_admins" / f"{iso_date(day)}.json", items, log)
    return total


def calendar_for(week_ending: dt.date, history_weeks: int, snapshot_weeks: int) -> Calendar:
    from partner_analytics.generate.formats import day_number

    d = day_number(week_ending)
    n_snap = max(snapshot_weeks, history_weeks + 1)
    snaps = tuple(d - 7 * k for k in range(n_snap - 1, -1, -1))
    event_start = d - 7 * history_weeks
    return Calendar(d=d, event_start=event_start, snapshot_days=snaps, world_start=min(snaps[0], event_start))
