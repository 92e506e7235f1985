"""Realistic shape, not uniform noise: volumes, business hours, call structure, features, quality tail,
and the subscription / customer variety and evolution the analytics sections need."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict

from generate_landing_reader import REGIONS, WEEK_ENDING, csv_rows, json_items, parse_ts, snapshot

D = WEEK_ENDING


def _clean(tiny_cdr):
    return [r for r in tiny_cdr if r.well_formed and parse_ts(r.values["Start time"])]


def test_weekly_volume_history_and_weekdays(tiny, tiny_cdr):
    _, stats = tiny
    legs_per_week = Counter()
    per_weekday = Counter()
    seen = set()
    for r in _clean(tiny_cdr):
        if r.values["Report ID"] in seen:
            continue
        seen.add(r.values["Report ID"])
        start = parse_ts(r.values["Start time"])
        legs_per_week[((D - start.date()).days - 1) // 7] += 1  # 0 = W, 12 = the oldest week
        per_weekday[start.weekday()] += 1
    # 13 weeks before D, each near the tiny scale's 2 000 legs (mild variation, Poisson noise)
    # (-1: a few transfer legs of calls placed just before midnight start after D)
    assert set(range(13)) <= set(legs_per_week) <= set(range(-1, 13)) and legs_per_week[-1] < 10
    assert all(1500 <= legs_per_week[w] <= 2600 for w in range(13)), legs_per_week
    weekday = sum(per_weekday[d] for d in range(5)) / 5
    weekend = (per_weekday[5] + per_weekday[6]) / 2
    assert weekday > 4 * weekend
    assert stats["history_weeks"] == 13


def test_business_hours_in_local_time(tiny_cdr):
    hours = Counter()
    for r in _clean(tiny_cdr):
        start = parse_ts(r.values["Start time"])
        local = start + dt.timedelta(minutes=int(r.values["Site timezone"]))
        hours[local.hour] += 1
    business = sum(n for h, n in hours.items() if 8 <= h < 18)
    assert business / sum(hours.values()) > 0.7
    assert hours[3] < hours[10] / 5


def test_call_structure_features_and_clients(tiny_cdr):
    calls = defaultdict(list)
    seen = set()
    for r in _clean(tiny_cdr):
        if r.values["Report ID"] not in seen:
            seen.add(r.values["Report ID"])
            calls[r.values["Correlation ID"]].append(r.values)
    sizes = Counter(len(legs) for legs in calls.values())
    assert set(sizes) <= {1, 2, 3, 4} and sizes[1] and sizes[2] and sizes[3] and sizes[4]
    directions = Counter(tuple(sorted({leg["Direction"] for leg in legs})) for legs in calls.values() if len(legs) > 1)
    assert directions[("ORIGINATING", "TERMINATING")] > 0
    legs = [leg for legs in calls.values() for leg in legs]
    reasons = Counter(leg[k] for leg in legs for k in ("Related reason", "Original reason", "Redirect reason") if leg.get(k))
    for reason in (
        "CallQueue",
        "HuntGroup",
        "ConsultativeTransfer",
        "CallPark",
        "CalllPark",
        "CallParkRetrieve",
        "CallPickup",
        "CallForwardNoAnswer",
        "CallForwardAlways",
        "CallRecording",
    ):
        assert reasons[reason] > 0, reason
    user_types = Counter((leg["User type"], leg["Direction"]) for leg in legs)
    for key in (
        ("User", "ORIGINATING"),
        ("User", "TERMINATING"),
        ("CallQueue", "TERMINATING"),
        ("HuntGroup", "TERMINATING"),
        ("AutomatedAttendantVideo", "TERMINATING"),
        ("Place", "ORIGINATING"),
    ):
        assert user_types[key] > 0, key
    clients = Counter(leg["Client type"] for leg in legs)
    for client in ("WXC_CLIENT", "TEAMS_WXC_CLIENT", "WXC_THIRD_PARTY", "SIP_TOLLFREE", "WXC_DEVICE"):
        assert clients[client] > 0, client
    # answered legs have an answer time and a duration; unanswered ones neither
    for leg in legs:
        answered = str(leg["Answered"]).lower() == "true"
        assert bool(leg["Answer time"]) == answered
        if answered is False and str(leg["Duration"]).isdigit():
            assert int(leg["Duration"]) == 0


def test_media_quality_mostly_good_with_a_poor_tail(tiny):
    landing, _ = tiny
    rated = poor = video = 0
    poor_by = Counter()
    for region in REGIONS:
        for _, item in json_items(landing, region, "media_quality"):
            rated += 1
            video += bool(item["videoIn"])
            worst = {}
            for stream in ("audioIn", "audioOut", "videoIn", "videoOut"):
                samples = defaultdict(list)
                for interval in item[stream]:
                    for metric in ("jitter", "latency", "packetLoss"):
                        samples[metric] += interval[metric]
                for metric, values in samples.items():
                    worst[metric] = max(worst.get(metric, 0), sum(values) / len(values))
            bad = [m for m, limit in (("jitter", 150), ("latency", 400), ("packetLoss", 5)) if worst[m] > limit]
            poor += bool(bad)
            poor_by.update(bad)
    assert 0.02 < poor / rated < 0.15
    assert poor_by["jitter"] and poor_by["latency"] and poor_by["packetLoss"]
    assert 0.03 < video / rated < 0.5


def test_queue_stats_add_up_and_match_the_queue_legs(tiny, tiny_cdr):
    landing, _ = tiny
    for region in REGIONS:
        rows = csv_rows(landing, region, "call_queue_stats")
        for row in rows:
            total = int(row["Total Calls"])
            parts = sum(int(row[k]) for k in ("Answered Calls", "Abandoned Calls", "Overflowed Calls - Busy", "Overflowed Calls - Timeout"))
            assert total == parts and int(row["Transferred Calls"]) <= int(row["Answered Calls"])
        # one row per queue per day over the whole history (91 days), and every queue call has one queue leg
        days = {row["Date"] for row in rows}
        assert not rows or len(days) == 91
        queue_legs = {
            r.values["Report ID"]
            for r in tiny_cdr
            if r.file.startswith(f"{region}/") and (r.values.get("User type") if r.well_formed else r.raw[14]) == "CallQueue"
        }
        assert sum(int(row["Total Calls"]) for row in rows) == len(queue_legs)


def test_subscription_and_customer_variety_at_d(tiny):
    landing, _ = tiny
    subs, licenses, customers = [], [], []
    for region in REGIONS:
        subs += snapshot(landing, region, "subscriptions")["items"]
        licenses += snapshot(landing, region, "licenses")["items"]
        customers += snapshot(landing, region, "customers")["items"]
    statuses = Counter(s["status"] for s in subs)
    for status in ("ACTIVE", "SUSPENDED", "PROVISIONING", "EXPIRED"):
        assert statuses[status] > 0, status
    assert {s["type"] for s in subs} == {"SUBSCRIPTION", "TRIAL"}
    assert {s["autoRenew"] for s in subs} == {True, False}
    days_left = [(dt.date.fromisoformat(s["endDate"]) - D).days for s in subs if s["status"] == "ACTIVE"]
    assert any(0 <= n < 30 for n in days_left) and any(30 <= n < 90 for n in days_left)
    assert any(lic["consumedUnits"] > lic["totalUnits"] > 0 for lic in licenses)  # overage
    assert any(lic["totalUnits"] >= 3 * lic["consumedUnits"] + 5 for lic in licenses)  # low assignment
    assert any(lic["totalUnits"] == 0 for lic in licenses)
    names = {lic["name"] for lic in licenses}
    assert {"Webex Calling - Professional", "Meeting - Webex Meeting Center", "Messaging"} <= names
    assert names & {"Webex Calling - Workspaces", "Common Area Calling"}
    assert {c["managedBy"] for c in customers} == {"PARTNER", "EXTERNAL_ADMIN"}
    assert any(c["externalId"] is None for c in customers) and any(c["externalId"] for c in customers)
    assert any(c["tags"] for c in customers)
    stale = [c for c in customers if c["lastAdminActivityAt"] is None or parse_ts(c["lastAdminActivityAt"]).date() < D - dt.timedelta(days=30)]
    assert 0 < len(stale) < len(customers)
    recent = [c for c in customers if parse_ts(c["createdAt"]).date() >= D - dt.timedelta(days=90)]
    assert recent


def test_world_evolves_week_by_week(tiny):
    landing, stats = tiny
    first = dt.date.fromisoformat(stats["snapshot_dates"][0])
    week_before = D - dt.timedelta(days=7)
    grew = Counter()
    for region in REGIONS:
        for dataset in ("people", "subscriptions", "customers"):
            early = len(snapshot(landing, region, dataset, first)["items"])
            late = len(snapshot(landing, region, dataset)["items"])
            assert late >= early
            grew[dataset] += late > early
        assigned = [sum(lic["consumedUnits"] for lic in snapshot(landing, region, "licenses", day)["items"]) for day in (first, week_before, D)]
        grew["assigned"] += assigned[0] < assigned[2]
    assert grew["people"] >= 3 and grew["assigned"] >= 3 and grew["subscriptions"] >= 1 and grew["customers"] >= 1
    # the subscription that expires inside the window: ACTIVE in the first snapshot, EXPIRED at D
    early_status = {s["subscriptionId"]: s["status"] for r in REGIONS for s in snapshot(landing, r, "subscriptions", first)["items"]}
    now_status = {s["subscriptionId"]: s["status"] for r in REGIONS for s in snapshot(landing, r, "subscriptions")["items"]}
    assert any(early_status.get(k) == "ACTIVE" and v == "EXPIRED" for k, v in now_status.items())
    admins = [json.loads((landing / "partner_admins" / f"{day}.json").read_bytes())["items"] for day in stats["snapshot_dates"]]
    assert len(admins[0]) < len(admins[-1])  # an admin joined during the window
