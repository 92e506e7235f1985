"""Ids line up across datasets and regions, as the marts' joins need (checked on the files themselves)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from generate_landing_reader import REGIONS, WEEK_ENDING, as_uuids, csv_rows, json_items
from generate_landing_reader import snapshot_uuids as snapshot


def _by_org(items, key="orgId"):
    out = defaultdict(list)
    for item in items:
        out[item[key]].append(item)
    return out


def test_every_dataset_uses_the_orgs_of_its_own_region(tiny, tiny_cdr):
    landing, _ = tiny
    all_orgs = {}
    for region in REGIONS:
        customers = snapshot(landing, region, "customers")["items"]
        assert {c["region"] for c in customers} == {region}
        orgs = {c["orgId"] for c in customers}
        assert not orgs & set(all_orgs)  # an org lives in exactly one region
        all_orgs.update(dict.fromkeys(orgs, region))
        for dataset in ("subscriptions", "licenses", "people", "locations", "devices", "numbers"):
            assert {i["orgId"] for i in snapshot(landing, region, dataset)["items"]} <= orgs, dataset
        for dataset in ("media_quality", "meeting_participants"):
            assert {i["orgId"] for _, i in json_items(landing, region, dataset)} <= orgs, dataset
        assert {r["Org ID"] for r in csv_rows(landing, region, "call_queue_stats")} <= orgs
        cdr_orgs = {r.values["Org UUID"] for r in tiny_cdr if r.well_formed and r.file.startswith(f"{region}/")}
        assert cdr_orgs <= orgs and len(cdr_orgs) >= 2
    # partner admins: ids of customers in any region, and together they span all regions
    admins = as_uuids(json.loads((landing / "partner_admins" / f"{WEEK_ENDING}.json").read_bytes())["items"])
    assigned = {o for a in admins for o in a["assignedOrgIds"]}
    assert assigned <= set(all_orgs)
    assert any(len({all_orgs[o] for o in a["assignedOrgIds"]}) >= 2 for a in admins)
    assert {all_orgs[o] for o in assigned} == set(REGIONS)


def test_licenses_subscriptions_and_people_line_up_in_every_snapshot(tiny):
    landing, stats = tiny
    for region in REGIONS:
        for day in stats["snapshot_dates"]:
            date = dt.date.fromisoformat(day)
            subs = {(s["orgId"], s["subscriptionId"]) for s in snapshot(landing, region, "subscriptions", date)["items"]}
            licenses = snapshot(landing, region, "licenses", date)
            assert licenses["snapshotDate"] == day
            license_org = {lic["id"]: lic["orgId"] for lic in licenses["items"]}
            for lic in licenses["items"]:
                assert (lic["orgId"], lic["subscriptionId"]) in subs
            people = snapshot(landing, region, "people", date)["items"]
            holders = defaultdict(int)
            for person in people:
                for lic_id in person["licenses"]:
                    assert license_org[lic_id] == person["orgId"]
                    holders[lic_id] += 1
            # consumedByUsers is exactly the people holding the license in the same snapshot
            for lic in licenses["items"]:
                assert lic["consumedByUsers"] == holders[lic["id"]]
                assert lic["consumedUnits"] == lic["consumedByUsers"] + lic["consumedByWorkspaces"]
            locations = {loc["id"]: loc["orgId"] for loc in snapshot(landing, region, "locations", date)["items"]}
            assert all(locations[p["locationId"]] == p["orgId"] for p in people)


def test_cdr_users_devices_and_locations_exist(tiny, tiny_cdr):
    landing, _ = tiny
    for region in REGIONS:
        people = {(p["orgId"], p["id"]) for p in snapshot(landing, region, "people")["items"]}
        devices = snapshot(landing, region, "devices")["items"]
        assert all(len(d["mac"]) == 17 and d["mac"].count(":") == 5 and d["mac"] == d["mac"].upper() for d in devices)
        macs = {(d["orgId"], d["mac"].replace(":", "")): d for d in devices}
        workspaces = {(d["orgId"], d["workspaceId"]) for d in devices if d["workspaceId"]}
        locations = {(loc["orgId"], loc["name"]) for loc in snapshot(landing, region, "locations")["items"]}
        owners = {
            (n["orgId"], p["owner"]["type"], p["owner"]["id"]) for n in snapshot(landing, region, "numbers")["items"] for p in n["phoneNumbers"] if "owner" in p
        }
        service_type = {"CallQueue": "CALL_QUEUE", "HuntGroup": "HUNT_GROUP", "AutomatedAttendantVideo": "AUTO_ATTENDANT"}
        matched_macs = 0
        for row in tiny_cdr:
            if not row.well_formed or not row.file.startswith(f"{region}/"):
                continue
            v = row.values
            org = v["Org UUID"]
            if v["User type"] == "User":
                assert (org, v["User UUID"]) in people
            elif v["User type"] == "Place":
                assert (org, v["User UUID"]) in workspaces
            else:
                assert (org, service_type[v["User type"]], v["User UUID"]) in owners
            assert (org, v["Location"]) in locations
            if v["Client type"] == "WXC_DEVICE":  # Cisco devices: the MAC is in the org's inventory
                device = macs[(org, v["Device MAC"])]
                assert device["personId"] == v["User UUID"] or device["workspaceId"] == v["User UUID"]
                matched_macs += 1
        assert matched_macs > 0


def test_numbers_owners_and_media_and_meetings_join(tiny, tiny_cdr):
    landing, _ = tiny
    for region in REGIONS:
        people = snapshot(landing, region, "people")["items"]
        person_ids = {p["id"] for p in people}
        for entry in snapshot(landing, region, "numbers")["items"]:
            for number in entry["phoneNumbers"]:
                if number.get("owner", {}).get("type") == "PEOPLE":
                    assert number["owner"]["id"] in person_ids
        legs = {}
        for r in tiny_cdr:
            if r.file.startswith(f"{region}/"):
                # malformed records keep their leading fields: Correlation ID 7, Local SessionID 8, Org UUID 11
                v = r.values if r.well_formed else dict(zip(("Correlation ID", "Local SessionID", "Org UUID"), (r.raw[7], r.raw[8], r.raw[11]), strict=True))
                legs[(v["Org UUID"], v["Local SessionID"])] = v["Correlation ID"]
        media = [i for _, i in json_items(landing, region, "media_quality")]
        assert media
        # every media item belongs to a CDR leg of the same org and call
        assert all(legs.get((m["orgId"], m["localSessionId"])) == m["correlationId"] for m in media)
        emails = {(p["orgId"], e.lower()) for p in people for e in p["emails"]}
        participants = [i for _, i in json_items(landing, region, "meeting_participants")]
        internal = [p for p in participants if "example.com" in p["email"].lower() and "guest" not in p["email"]]
        assert internal and all((p["orgId"], p["email"].lower()) in emails for p in internal)
