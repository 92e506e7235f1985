"""End-to-end fixtures: a hand-made landing set (US + a tiny EU) in the landing formats of SPEC §4,
one `partner-analytics run` over it for D = 2026-11-22, and helpers to read the exported CSVs.

Every value in the landing set is chosen so that the expected export cells can be worked out by hand
from SPEC §6-§7 (see the comments in the test files). Dates: D = 2026-11-22 (a Sunday),
W = [2026-11-15, 2026-11-22), W-1 = [2026-11-08, 2026-11-15), next 90 days = [D, 2027-02-20),
last 90 days = [2026-08-24, D), D-30 = 2026-10-23, trend weeks end 2026-10-04 ... 2026-11-22.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / ".venv" / "bin" / "partner-analytics"

D = dt.date(2026, 11, 22)
D_ISO = D.isoformat()
D_MINUS_7 = "2026-11-15"
AFTER_D = "2026-11-29"

# ------------------------------------------------------------------ ids
ACME, FORMULA, GLOBEX = "org-us-acme", "org-us-formula", "org-us-globex"
INITECH = "org-us-initech"  # only in the customers snapshot dated after D
EURO = "org-eu-euro"
US_ORGS = (ACME, FORMULA, GLOBEX, INITECH)
US_NAMES = ("Acme Health", "=Formula Corp", "Globex", "Initech Late", "Acme Old Name")

LOC_A_HQ, LOC_A_BR, LOC_F, LOC_G, LOC_E = "loc-a-hq", "loc-a-br", "loc-f-main", "loc-g-plant", "loc-e-berlin"


# ------------------------------------------------------------------ writers
def _write_json(path: Path, payload) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1), encoding="utf-8")


def _write_csv(path: Path, header: list[str], rows: list[dict], bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if r.get(h) is None else str(r.get(h)) for h in header])
    data = buf.getvalue().encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


# ------------------------------------------------------------------ snapshots (US)
def _customers(extra: bool = False, acme_name: str = "Acme Health") -> dict:
    items = [
        {
            "orgId": ACME,
            "displayName": acme_name,
            "externalId": "EXT-100",
            "region": "US",
            "managedBy": "PARTNER",
            "createdAt": "2024-01-10T09:00:00Z",
            # exactly D-30 at 00:00 UTC: not *strictly* before D-30 -> no "No Recent Activity"
            "lastAdminActivityAt": "2026-10-23T00:00:00Z",
            "tags": ["vip", "healthcare"],
            "someNewField": {"ignored": True},
        },
        {
            "orgId": FORMULA,
            "displayName": "=Formula Corp",
            "externalId": "EXT-200",
            "region": "US",
            "managedBy": "PARTNER",
            "createdAt": "2026-10-30T09:00:00Z",
            "lastAdminActivityAt": None,  # empty -> "No Recent Activity"
            "tags": ["retail"],
        },
        {
            "orgId": GLOBEX,
            "displayName": "Globex",
            "externalId": None,
            "region": "US",
            "managedBy": "EXTERNAL_ADMIN",
            "createdAt": "2024-05-20T09:00:00Z",
            # 30 minutes before D-30 -> strictly before -> "No Recent Activity"
            "lastAdminActivityAt": "2026-10-22T23:30:00Z",
            "tags": [],
        },
    ]
    if extra:
        items.append(
            {
                "orgId": INITECH,
                "displayName": "Initech Late",
                "externalId": "EXT-900",
                "region": "US",
                "managedBy": "PARTNER",
                "createdAt": "2026-11-25T09:00:00Z",
                "lastAdminActivityAt": "2026-11-26T09:00:00Z",
                "tags": ["late"],
            }
        )
    return {"items": items}


def _sub(sid, org, typ, status, created, start, end, auto, qty=10):
    return {
        "subscriptionId": sid,
        "orgId": org,
        "type": typ,
        "status": status,
        "createdAt": created,
        "startDate": start,
        "endDate": end,
        "autoRenew": auto,
        "invoiceId": f"INV-{sid}",
        "orders": [{"orderId": f"ORD-{sid}", "orderedAt": created, "action": "ADD", "quantity": qty}],
    }


def _subscriptions(at_d: bool) -> dict:
    items = [
        # S1: Acme, active, added 2026-09-01 (82 days before D), ends in 18 days, no auto-renew
        _sub("SUB-A1", ACME, "SUBSCRIPTION", "ACTIVE", "2026-09-01T10:00:00Z", "2026-09-01", "2026-12-10", False),
        # S2: Acme, active, auto-renew, ends 2027-01-31 (70 days after D), overage by 2 on Calling
        _sub("SUB-A2", ACME, "SUBSCRIPTION", "ACTIVE", "2025-01-15T10:00:00Z", "2025-01-15", "2027-01-31", True),
        # S7: Acme, status ACTIVE but ended 2026-11-21 < D: not active at D (active at D-7)
        _sub("SUB-A3", ACME, "SUBSCRIPTION", "ACTIVE", "2025-11-21T10:00:00Z", "2025-11-21", "2026-11-21", True),
        # S3: =Formula, active TRIAL, added 2026-11-01 (21 days), ends 2026-12-01 (9 days), no auto-renew
        _sub("SUB-F1", FORMULA, "TRIAL", "ACTIVE", "2026-11-01T08:00:00Z", "2026-11-01", "2026-12-01", False),
        # S4: Globex, active, ends beyond 90 days
        _sub("SUB-G1", GLOBEX, "SUBSCRIPTION", "ACTIVE", "2024-06-01T10:00:00Z", "2024-06-01", "2027-06-30", True),
        # S5: Globex, SUSPENDED (unpaid), has a Calling license: never counted as active
        _sub("SUB-G2", GLOBEX, "SUBSCRIPTION", "SUSPENDED", "2025-03-01T10:00:00Z", "2025-03-01", "2027-03-01", True),
    ]
    if at_d:
        # S6: =Formula, PROVISIONING (ready for order setup), created after D-7, no licenses
        items.append(_sub("SUB-F2", FORMULA, "SUBSCRIPTION", "PROVISIONING", "2026-11-20T10:00:00Z", "2026-12-01", "2027-12-01", True))
    return {"items": items}


def _lic(lid, org, name, total, consumed, sub):
    return {
        "id": lid,
        "orgId": org,
        "name": name,
        "totalUnits": total,
        "consumedUnits": consumed,
        "consumedByUsers": consumed,
        "consumedByWorkspaces": 0,
        "subscriptionId": sub,
        "siteUrl": None,
        "siteType": None,
    }


def _licenses(at_d: bool) -> dict:
    call, mtg, msg = "Webex Calling - Professional", "Meeting - Webex Meetings Suite", "Messaging - Webex Advanced Messaging"
    if at_d:
        items = [
            _lic("lic-a1-call", ACME, call, 10, 8, "SUB-A1"),
            _lic("lic-a1-mtg", ACME, mtg, 20, 5, "SUB-A1"),
            _lic("lic-a2-call", ACME, call, 20, 22, "SUB-A2"),  # overage by 2
            _lic("lic-a3-call", ACME, "Webex Calling - Basic", 4, 1, "SUB-A3"),
            _lic("lic-f1-call", FORMULA, call, 6, 1, "SUB-F1"),
            _lic("lic-f1-msg", FORMULA, msg, 5, 3, "SUB-F1"),
            _lic("lic-g1-call", GLOBEX, call, 50, 30, "SUB-G1"),
            _lic("lic-g1-mtg", GLOBEX, "Meeting - Webex Enterprise", 10, 10, "SUB-G1"),
            _lic("lic-g2-call", GLOBEX, call, 8, 0, "SUB-G2"),
        ]
        return {"snapshotDate": D_ISO, "items": items}
    items = [  # D-7: lic-g1-mtg absent (counts as 0 assigned there)
        _lic("lic-a1-call", ACME, call, 10, 6, "SUB-A1"),
        _lic("lic-a1-mtg", ACME, mtg, 20, 5, "SUB-A1"),
        _lic("lic-a2-call", ACME, call, 20, 21, "SUB-A2"),
        _lic("lic-a3-call", ACME, "Webex Calling - Basic", 4, 1, "SUB-A3"),
        _lic("lic-f1-call", FORMULA, call, 6, 1, "SUB-F1"),
        _lic("lic-f1-msg", FORMULA, msg, 5, 2, "SUB-F1"),
        _lic("lic-g1-call", GLOBEX, call, 50, 28, "SUB-G1"),
        _lic("lic-g2-call", GLOBEX, call, 8, 0, "SUB-G2"),
    ]
    return {"snapshotDate": D_MINUS_7, "items": items}


def _person(pid, org, emails, name, licenses, loc):
    return {"id": pid, "emails": emails, "displayName": name, "orgId": org, "licenses": licenses, "locationId": loc, "created": "2025-01-01T00:00:00Z"}


def _people(at_d: bool) -> dict:
    items = [
        _person("p-alice", ACME, ["alice@acme.example"], "Alice", ["lic-a1-call", "lic-a1-mtg"], LOC_A_HQ),
        _person("p-bob", ACME, ["bob@acme.example", "robert@acme.example"], "Bob", ["lic-a2-call", "lic-a1-mtg"], LOC_A_HQ),
        _person("p-gina", ACME, ["gina@acme.example"], "Gina", ["lic-a1-call", "lic-a1-mtg"], LOC_A_HQ),
        _person("p-dave", FORMULA, ["dave@formula.example"], "Dave", ["lic-f1-call", "lic-f1-msg"], LOC_F),
        _person("p-erin", GLOBEX, ["erin@globex.example"], "Erin", ["lic-g1-call", "lic-g1-mtg"], LOC_G),
        _person("p-frank", GLOBEX, ["frank@globex.example"], "Frank", ["lic-g1-call"], LOC_G),
    ]
    if at_d:  # carol joined after D-7: not in the D-7 people snapshot
        items.insert(2, _person("p-carol", ACME, ["carol@acme.example"], "Carol", ["lic-a1-call"], LOC_A_BR))
    return {"items": items}


def _locations() -> dict:
    def loc(i, org, name, country, provider):
        return {
            "id": i,
            "name": name,
            "orgId": org,
            "address": {"address1": "1 Main St", "country": country},
            "pstnConnection": {"type": "X", "providerName": provider} if provider else None,
        }

    return {
        "items": [
            loc(LOC_A_HQ, ACME, "Acme HQ", "US", "AT&T"),
            loc(LOC_A_BR, ACME, "Acme Branch", "CA", None),
            loc(LOC_F, FORMULA, "Formula Main", "US", "Cisco PSTN"),
            loc(LOC_G, GLOBEX, "Globex Plant", "US", "Lumen"),
        ]
    }


def _devices() -> dict:
    def dev(i, org, person, ws, loc, product, typ, platform, mac, sw):
        return {
            "id": i,
            "orgId": org,
            "personId": person,
            "workspaceId": ws,
            "locationId": loc,
            "product": product,
            "type": typ,
            "devicePlatform": platform,
            "mac": mac,
            "serial": f"SN-{i}",
            "software": sw,
            "connectionStatus": "connected",
            "tags": [],
        }

    return {
        "items": [
            dev("dev-1", ACME, "p-alice", None, LOC_A_HQ, "Cisco 8851", "phone", "cisco", "AA:BB:CC:00:11:01", "sip88xx.14-2-1"),
            dev("dev-2", ACME, None, "ws-a-board", LOC_A_HQ, "Cisco Room Kit", "roomdesk", "cisco", "aa:bb:cc:00:11:02", "RoomOS 11.9"),
            dev("dev-3", GLOBEX, "p-erin", None, LOC_G, "Poly VVX 450", "phone", "poly", "AA:BB:CC:00:33:03", "6.4.3"),
            dev("dev-4", FORMULA, "p-dave", None, LOC_F, "Cisco 8845", "phone", "cisco", "AA:BB:CC:00:22:04", "sip88xx.14-1-1"),
        ]
    }


def _num(phone, ext, state, typ, loc_id, loc_name, owner=None, main=False):
    item = {
        "phoneNumber": phone,
        "extension": ext,
        "state": state,
        "phoneNumberType": typ,
        "mainNumber": main,
        "location": {"id": loc_id, "name": loc_name},
        "tollFreeNumber": False,
    }
    if ext is None:
        del item["extension"]
    if owner:
        item["owner"] = owner
    return item


def _numbers() -> dict:
    return {
        "items": [
            {
                "orgId": ACME,
                "phoneNumbers": [
                    # N1: number + extension -> 2 rows
                    _num(
                        "+14155550101",
                        "101",
                        "ACTIVE",
                        "PRIMARY",
                        LOC_A_HQ,
                        "Acme HQ",
                        {"id": "p-alice", "type": "PEOPLE", "firstName": "Alice", "lastName": "A"},
                    ),
                    # N2: main number, unassigned (no owner)
                    _num("+14155550100", None, "ACTIVE", "PRIMARY", LOC_A_HQ, "Acme HQ", None, main=True),
                    # N3: hunt group, inactive, number + extension
                    _num(
                        "+14155550150",
                        "150",
                        "INACTIVE",
                        "PRIMARY",
                        LOC_A_BR,
                        "Acme Branch",
                        {"id": "hg-sales", "type": "HUNT_GROUP", "firstName": "Sales", "lastName": "Line"},
                    ),
                    # N4: extension only (empty phoneNumber), a workspace
                    _num("", "102", "ACTIVE", "PRIMARY", LOC_A_HQ, "Acme HQ", {"id": "ws-a-board", "type": "PLACE", "firstName": "Board", "lastName": "Room"}),
                ],
            },
            {
                "orgId": FORMULA,
                "phoneNumbers": [
                    _num(
                        "+12125550199",
                        "199",
                        "ACTIVE",
                        "PRIMARY",
                        LOC_F,
                        "Formula Main",
                        {"id": "p-dave", "type": "PEOPLE", "firstName": "Dave", "lastName": "D"},
                    ),
                    _num(
                        "+12125550198",
                        "198",
                        "ACTIVE",
                        "ALTERNATE",
                        LOC_F,
                        "Formula Main",
                        {"id": "p-dave", "type": "PEOPLE", "firstName": "Dave", "lastName": "D"},
                    ),
                ],
            },
            {
                "orgId": GLOBEX,
                "phoneNumbers": [
                    _num(
                        "+13125550300",
                        None,
                        "ACTIVE",
                        "PRIMARY",
                        LOC_G,
                        "Globex Plant",
                        {"id": "aa-main", "type": "AUTO_ATTENDANT", "firstName": "Main", "lastName": "AA"},
                    ),
                    _num(
                        "", "301", "ACTIVE", "PRIMARY", LOC_G, "Globex Plant", {"id": "vm-1", "type": "VOICE_MESSAGING", "firstName": "VM", "lastName": "Box"}
                    ),
                ],
            },
        ]
    }


# ------------------------------------------------------------------ events (US)
CDR_COLUMNS = [
    "Report ID",
    "Report time",
    "Org UUID",
    "Correlation ID",
    "Local SessionID",
    "Start time",
    "Answer time",
    "Release time",
    "Duration",
    "Ring duration",
    "Direction",
    "Answered",
    "Call type",
    "Client type",
    "Device MAC",
    "Model",
    "Location",
    "User UUID",
    "User type",
    "Original reason",
    "Redirect reason",
    "Related reason",
    "Call outcome",
    "Site timezone",  # the last one: a field the pipeline ignores
]


def _leg(
    rid,
    org,
    corr,
    start,
    duration,
    direction,
    user,
    user_type,
    location,
    *,
    answered=True,
    client=None,
    mac=None,
    model=None,
    original=None,
    redirect=None,
    related=None,
    report=None,
    session=None,
    start_text=None,
):
    """One CDR leg in source spelling. `start` is the UTC instant; `start_text` overrides its rendering."""
    t0 = dt.datetime.fromisoformat(start)
    rel = t0 + dt.timedelta(seconds=duration if isinstance(duration, int) else 0)
    return {
        "Report ID": rid,
        "Report time": report or (rel + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "Org UUID": org,
        "Correlation ID": corr,
        "Local SessionID": session or f"ls-{rid}",
        "Start time": start_text or t0.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "Answer time": t0.strftime("%Y-%m-%dT%H:%M:%S.000Z") if answered else None,
        "Release time": rel.strftime("%Y-%m-%d %H:%M:%S.000"),
        "Duration": duration,
        "Ring duration": 2,
        "Direction": direction,
        "Answered": answered,
        "Call type": "SIP_ENTERPRISE",
        "Client type": client,
        "Device MAC": mac,
        "Model": model,
        "Location": location,
        "User UUID": user,
        "User type": user_type,
        "Original reason": original,
        "Redirect reason": redirect,
        "Related reason": related,
        "Call outcome": "Success",
        "Site timezone": "-300",
    }


ORIG, TERM = "ORIGINATING", "TERMINATING"

# Leg ids say customer (A/F/G) and call; every leg of W is listed in the test files' comments.
CDR_CSV_1 = [  # US/cdr/2026-11-16.csv, with a UTF-8 BOM
    # W-1 = [11-08, 11-15): Acme only, 3 calls (ORIGINATING), 200 + 100 + 40 = 340 s
    _leg("R-A0-1", ACME, "c-a-0", "2026-11-10T12:00:00+00:00", 200, ORIG, "p-carol", "User", "Acme HQ", client="WXC_CLIENT"),
    _leg("R-A0-2", ACME, "c-a-0b", "2026-11-14T23:59:59+00:00", 100, ORIG, "p-alice", "User", "Acme HQ", client="SIP", mac="AABBCC001101", model="8851"),
    _leg("R-A0-3", ACME, "c-a-0c", "2026-11-12T08:00:00+00:00", 40, ORIG, "p-bob", "User", "Acme HQ", client="WXC_CLIENT"),
    # W: call c-a-1, alice (desk phone, exactly at D-7 = inside W) calls bob (SIP client, no MAC -> Unknown)
    _leg("R-A1-1", ACME, "c-a-1", "2026-11-15T00:00:00+00:00", 120, ORIG, "p-alice", "User", "Acme HQ", client="SIP", mac="AABBCC001101", model="8851"),
    _leg("R-A1-2", ACME, "c-a-1", "2026-11-15T00:00:02+00:00", 118, TERM, "p-bob", "User", "Acme HQ", client="SIP", related="CallParkRetrieve"),
    # W: call c-a-2, hunt group (unanswered leg) -> carol -> consultative transfer
    _leg("R-A2-1", ACME, "c-a-2", "2026-11-17T14:00:00+00:00", 5, TERM, "hg-sales", "HuntGroup", "Acme Branch", answered=False, original="HuntGroup"),
    _leg("R-A2-2", ACME, "c-a-2", "2026-11-17T14:00:05+00:00", 300, TERM, "p-carol", "User", "Acme Branch", client="WXC_CLIENT", related="HuntGroup"),
    _leg("R-A2-3", ACME, "c-a-2", "2026-11-17T14:03:00+00:00", 60, ORIG, "p-carol", "User", "Acme Branch", client="WXC_CLIENT", related="ConsultativeTransfer"),
    # W: =Formula call c-f-1: dave on a third-party device whose MAC is Acme's desk phone (other org: no match)
    _leg(
        "R-F1-1",
        FORMULA,
        "c-f-1",
        "2026-11-16T10:00:00.123000+00:00",
        75,
        ORIG,
        "p-dave",
        "User",
        "Formula Main",
        client="WXC_THIRD_PARTY",
        mac="AABBCC001101",
        start_text="2026-11-16 10:00:00.123",
    ),
    _leg("R-F1-2", FORMULA, "c-f-1", "2026-11-16T10:00:01+00:00", 74, TERM, "aa-f", "AutomatedAttendantVideo", "Formula Main"),
    # dirt: Duration "abc" -> quarantined
    _leg("R-F3-1", FORMULA, "c-f-3", "2026-11-18T10:00:00+00:00", "abc", ORIG, "p-dave", "User", "Formula Main", client="WXC_CLIENT"),
]

CDR_JSON = [  # US/cdr/2026-11-20.json (API page)
    # W: room device, offset +02:00: 2026-11-22T01:30+02:00 = 2026-11-21T23:30Z (inside W); lower-case MAC
    _leg(
        "R-A3-1",
        ACME,
        "c-a-3",
        "2026-11-21T23:30:00+00:00",
        604,
        ORIG,
        "ws-a-board",
        "Place",
        "Acme HQ",
        client="SIP",
        mac="aabbcc001102",
        model="Room Kit",
        start_text="2026-11-22T01:30:00+02:00",
    ),
    # exactly D: outside W (belongs to the week ending 2026-11-29)
    _leg("R-A4-1", ACME, "c-a-4", "2026-11-22T00:00:00+00:00", 45, ORIG, "p-alice", "User", "Acme HQ", client="SIP", mac="AABBCC001101"),
    # call park ("CalllPark", sic); this first version (80 s) is superseded by a later Report time
    _leg(
        "R-A5-1",
        ACME,
        "c-a-5",
        "2026-11-19T09:00:00.250000+00:00",
        80,
        ORIG,
        "p-bob",
        "User",
        "Acme HQ",
        client="WXC_CLIENT",
        redirect="CalllPark",
        report="2026-11-19T09:10:00.000Z",
    ),
    # unknown Direction value, Teams client, forwarded on no answer
    _leg(
        "R-F2-1",
        FORMULA,
        "c-f-2",
        "2026-11-20T15:00:00+00:00",
        30,
        "INTERNAL",
        "p-dave",
        "User",
        "Formula Main",
        answered=False,
        client="TEAMS_WXC_CLIENT",
        original="CallForwardNoAnswer",
    ),
    # Globex call c-g-1: erin on a non-Cisco phone (matched -> Other Devices), frank on SIP (Unknown)
    _leg(
        "R-G1-1",
        GLOBEX,
        "c-g-1",
        "2026-11-18T16:00:00+00:00",
        240,
        ORIG,
        "p-erin",
        "User",
        "Globex Plant",
        client="SIP",
        mac="AABBCC003303",
        model="VVX450",
        report="2026-11-18T16:10:00.000Z",
    ),
    _leg("R-G1-2", GLOBEX, "c-g-1", "2026-11-18T16:00:01+00:00", 238, TERM, "p-frank", "User", "Globex Plant", client="SIP"),
    # Globex call c-g-2 through a call queue
    _leg("R-G2-1", GLOBEX, "c-g-2", "2026-11-19T11:00:00+00:00", 50, TERM, "cq-1", "CallQueue", "Globex Plant", related="CallQueue"),
    _leg("R-G2-2", GLOBEX, "c-g-2", "2026-11-19T11:00:20+00:00", 31, TERM, "p-frank", "User", "Globex Plant", client="WXC_CLIENT", related="CallQueue"),
    # week ending 2026-10-11: gina (185 s)
    _leg("R-A9-1", ACME, "c-a-9", "2026-10-06T09:00:00+00:00", 185, ORIG, "p-gina", "User", "Acme HQ", client="WXC_CLIENT"),
]
# JSON pages carry Answered as a bool or as the string Cisco's own sample sends: both forms appear here.
CDR_JSON[0]["Answered"] = "true"  # R-A3-1
CDR_JSON[3]["Answered"] = "false"  # R-F2-1

CDR_CSV_2 = [  # US/cdr/2026-11-21.csv (no BOM), a later file
    # R-A5-1 again with a later Report time: this version (90 s) wins
    _leg(
        "R-A5-1",
        ACME,
        "c-a-5",
        "2026-11-19T09:00:00.250000+00:00",
        90,
        ORIG,
        "p-bob",
        "User",
        "Acme HQ",
        client="WXC_CLIENT",
        redirect="CalllPark",
        report="2026-11-20T09:10:00.000Z",
    ),
    # R-G1-1 again with an OLDER Report time (and a wrong duration): loses although its file sorts last
    _leg(
        "R-G1-1",
        GLOBEX,
        "c-g-1",
        "2026-11-18T16:00:00+00:00",
        999,
        ORIG,
        "p-erin",
        "User",
        "Globex Plant",
        client="SIP",
        mac="AABBCC003303",
        model="VVX450",
        report="2026-11-18T16:05:00.000Z",
    ),
]


def _iv(start: str, jitter, latency, loss):
    t0 = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    return {
        "samplingInterval": 60,
        "startTime": start,
        "endTime": (t0 + dt.timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "jitter": jitter,
        "latency": latency,
        "packetLoss": loss,
    }


def _media(org, corr, session, start, audio_in, audio_out, video_in=None, video_out=None):
    rec = {
        "orgId": org,
        "correlationId": corr,
        "localSessionId": session,
        "audioIn": [_iv(start, *a) for a in audio_in],
        "audioOut": [_iv(start, *a) for a in audio_out],
    }
    if video_in is not None:
        rec["videoIn"] = [_iv(start, *v) for v in video_in]
        rec["videoOut"] = [_iv(start, *v) for v in video_out]
    else:
        rec["videoIn"] = []
    return rec


# Within one interval the three sample arrays have one entry per sample (equal lengths, as Webex sends them).
GOOD = ([5], [30], [0.0])
MEDIA_1 = [  # US/media_quality/2026-11-20.json
    # desk phone leg: audioIn jitter samples 100, 200 -> mean exactly 150 -> NOT poor (> 150 is poor)
    _media(ACME, "c-a-1", "ls-R-A1-1", "2026-11-15T00:00:00.000Z", [([100, 200], [40, 40], [0.0, 0.0])], [([140], [40], [0.5])]),
    # bob's leg: audioIn jitter 150.5 -> poor
    _media(ACME, "c-a-1", "ls-R-A1-2", "2026-11-15T00:00:02.000Z", [([150.5], [30], [0.0])], [([10], [30], [0.0])]),
    # room device: audio good, video out latency 420/430 -> mean 425 > 400 -> poor; has video
    _media(
        ACME, "c-a-3", "ls-R-A3-1", "2026-11-21T23:30:00.000Z", [GOOD], [GOOD], video_in=[([8], [100], [0.2])], video_out=[([8, 8], [420, 430], [0.2, 0.2])]
    ),
    # =Formula third-party leg: audioIn packet loss 5.0, 7.0 -> mean 6.0 > 5 -> poor
    _media(FORMULA, "c-f-1", "ls-R-F1-1", "2026-11-16T10:00:00.123Z", [([12, 12], [60, 60], [5.0, 7.0])], [([5], [60], [1.0])]),
    # erin: audioIn jitter over two intervals 20, 200 | 20 -> mean 80 (max 200 would wrongly be poor);
    # audioOut packet loss exactly 5.0 -> not poor
    _media(GLOBEX, "c-g-1", "ls-R-G1-1", "2026-11-18T16:00:00.000Z", [([20, 200], [50, 50], [0.1, 0.1]), ([20], [50], [0.1])], [([10], [50], [5.0])]),
    # frank: audioOut latency 380, 440 -> mean 410 > 400 in one direction -> poor
    _media(GLOBEX, "c-g-1", "ls-R-G1-2", "2026-11-18T16:00:01.000Z", [([10], [100], [0.0])], [([10, 10], [380, 440], [0.0, 0.0])]),
    # queue leg: good
    _media(GLOBEX, "c-g-2", "ls-R-G2-1", "2026-11-19T11:00:00.000Z", [GOOD], [GOOD]),
    # W-1 desk phone leg: jitter 160 -> poor
    _media(ACME, "c-a-0b", "ls-R-A0-2", "2026-11-14T23:59:59.000Z", [([160], [30], [0.0])], [([10], [30], [0.0])]),
]
MEDIA_2 = [MEDIA_1[6]]  # US/media_quality/2026-11-21.json: an identical repeat -> duplicate

QUEUE_COLUMNS = [
    "Org ID",
    "Location ID",
    "Location",
    "Queue ID",
    "Queue Name",
    "Date",
    "Total Calls",
    "Answered Calls",
    "Abandoned Calls",
    "Overflowed Calls - Busy",
    "Overflowed Calls - Timeout",
    "Transferred Calls",
    "Average Speed of Answer (s)",
    "Average Abandon Time (s)",
]


def _q(org, loc_id, loc, qid, qname, date, total, ans, aband, busy, tout, transf, asa, abt):
    return dict(zip(QUEUE_COLUMNS, [org, loc_id, loc, qid, qname, date, total, ans, aband, busy, tout, transf, asa, abt]))


QUEUE_1 = [  # US/call_queue_stats/2026-11-21.csv
    _q(GLOBEX, LOC_G, "Globex Plant", "q-support", "Support", "2026-11-16", 10, 8, 2, 0, 1, 1, 10.5, 30.0),
    _q(GLOBEX, LOC_G, "Globex Plant", "q-support", "Support", "2026-11-18", 5, 2, 3, 1, 0, 0, 40.0, 20.0),
    _q(ACME, LOC_A_BR, "Acme Branch", "q-front", "Front Desk", "2026-11-20", 4, 4, 0, 0, 0, 2, 5.0, 0),
    _q(GLOBEX, LOC_G, "Globex Plant", "q-support", "Support", D_ISO, 100, 50, 50, 0, 0, 0, 9.0, 9.0),  # D: outside W
]
QUEUE_2 = [QUEUE_1[0]]  # US/call_queue_stats/2026-11-22.csv: identical repeat -> duplicate


def _mp(org, meeting, email, joined, host=False):
    t0 = dt.datetime.fromisoformat(joined.replace("Z", "+00:00"))
    return {
        "orgId": org,
        "meetingId": meeting,
        "email": email,
        "host": host,
        "joinedTime": joined,
        "leftTime": (t0 + dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "displayName": "x",
    }


MEETINGS_1 = [  # US/meeting_participants/2026-11-20.json
    _mp(ACME, "m-1", "ALICE@ACME.EXAMPLE", "2026-11-16T15:00:00Z", host=True),  # upper-case email of alice
    _mp(ACME, "m-1", "robert@acme.example", "2026-11-16T15:01:00Z"),  # bob's second email
    _mp(GLOBEX, "m-2", "erin@globex.example", "2026-11-17T09:00:00Z"),
    _mp(ACME, "m-0", "alice@acme.example", "2026-11-09T10:00:00Z"),  # W-1
    _mp(GLOBEX, "m-3", "guest@outside.example", "2026-11-18T10:00:00Z"),  # not a person
    _mp(ACME, "m-4", "Gina@Acme.example", "2026-10-05T10:00:00Z"),  # last 90 days, not W
]
MEETINGS_2 = [  # US/meeting_participants/2026-11-21.json: same key (lower(email)) -> duplicate
    _mp(ACME, "m-1", "ROBERT@ACME.EXAMPLE", "2026-11-16T15:01:00Z"),
]


def _partner_admins(version: str) -> dict:
    adm = [
        {"id": "adm-1", "email": "pat@partner.example", "displayName": "Pat", "role": "PARTNER_FULL_ADMIN", "assignedOrgIds": [ACME, FORMULA, EURO]},
        {"id": "adm-2", "email": "sam@partner.example", "displayName": "Sam", "role": "SALES_ADMIN", "assignedOrgIds": [ACME]},
        {"id": "adm-3", "email": "zoe@partner.example", "displayName": "Zoe", "role": "PARTNER_READ_ONLY_ADMIN", "assignedOrgIds": []},
    ]
    if version in ("old", "late"):  # before and after D zoe manages Globex; at D she does not
        adm[2]["assignedOrgIds"] = [GLOBEX]
    return {"items": adm}


# ------------------------------------------------------------------ EU (tiny)
def _write_eu(root: Path) -> None:
    eu = root / "EU"
    _write_json(
        eu / "customers" / f"{D_ISO}.json",
        {
            "items": [
                {
                    "orgId": EURO,
                    "displayName": "Euro Widgets GmbH",
                    "externalId": "EU-1",
                    "region": "EU",
                    "managedBy": "PARTNER",
                    "createdAt": "2023-02-01T00:00:00Z",
                    "lastAdminActivityAt": "2026-11-20T08:00:00Z",
                    "tags": ["dach"],
                }
            ]
        },
    )
    _write_json(
        eu / "subscriptions" / f"{D_ISO}.json",
        {"items": [_sub("SUB-E1", EURO, "SUBSCRIPTION", "ACTIVE", "2023-02-01T00:00:00Z", "2023-02-01", "2027-09-30", True)]},
    )
    _write_json(
        eu / "licenses" / f"{D_ISO}.json", {"snapshotDate": D_ISO, "items": [_lic("lic-e1-call", EURO, "Webex Calling - Professional", 5, 3, "SUB-E1")]}
    )
    _write_json(eu / "people" / f"{D_ISO}.json", {"items": [_person("p-hans", EURO, ["hans@euro.example"], "Hans", ["lic-e1-call"], LOC_E)]})
    _write_json(
        eu / "locations" / f"{D_ISO}.json",
        {"items": [{"id": LOC_E, "name": "Berlin", "orgId": EURO, "address": {"country": "DE"}, "pstnConnection": {"providerName": "Deutsche Telekom"}}]},
    )
    _write_json(eu / "devices" / f"{D_ISO}.json", {"items": []})
    _write_json(
        eu / "numbers" / f"{D_ISO}.json",
        {
            "items": [
                {
                    "orgId": EURO,
                    "phoneNumbers": [
                        _num(
                            "+493055500100",
                            "100",
                            "ACTIVE",
                            "PRIMARY",
                            LOC_E,
                            "Berlin",
                            {"id": "p-hans", "type": "PEOPLE", "firstName": "Hans", "lastName": "H"},
                        )
                    ],
                }
            ]
        },
    )
    legs = [
        _leg("R-E1-1", EURO, "c-e-1", "2026-11-17T09:00:00+00:00", 65, ORIG, "p-hans", "User", "Berlin", client="WXC_CLIENT"),
        _leg("R-E2-1", EURO, "c-e-2", "2026-11-18T09:00:00+00:00", 70, ORIG, "p-hans", "User", "Berlin", client="WXC_CLIENT"),
    ]
    _write_json(eu / "cdr" / "page-001.json", {"items": legs})
    _write_json(eu / "media_quality" / "2026-11-20.json", {"items": []})
    _write_json(eu / "meeting_participants" / "2026-11-20.json", {"items": []})
    _write_csv(eu / "call_queue_stats" / "2026-11-21.csv", QUEUE_COLUMNS, [])


def build_landing(root: Path) -> Path:
    """Write the whole hand-made landing set under `root` and return it."""
    us = root / "US"
    _write_json(us / "customers" / f"{D_MINUS_7}.json", _customers(acme_name="Acme Old Name"))
    _write_json(us / "customers" / f"{D_ISO}.json", _customers())
    _write_json(us / "customers" / f"{AFTER_D}.json", _customers(extra=True))  # after D: not used
    _write_json(us / "subscriptions" / f"{D_MINUS_7}.json", _subscriptions(at_d=False))
    _write_json(us / "subscriptions" / f"{D_ISO}.json", _subscriptions(at_d=True))
    _write_json(us / "licenses" / f"{D_MINUS_7}.json", _licenses(at_d=False))
    _write_json(us / "licenses" / f"{D_ISO}.json", _licenses(at_d=True))
    _write_json(us / "people" / f"{D_MINUS_7}.json", _people(at_d=False))
    _write_json(us / "people" / f"{D_ISO}.json", _people(at_d=True))
    _write_json(us / "locations" / f"{D_ISO}.json", _locations())
    _write_json(us / "devices" / f"{D_ISO}.json", _devices())
    _write_json(us / "numbers" / f"{D_ISO}.json", _numbers())
    _write_csv(
        us / "cdr" / "2026-11-16.csv", CDR_COLUMNS, [{k: (str(v).lower() if isinstance(v, bool) else v) for k, v in r.items()} for r in CDR_CSV_1], bom=True
    )
    _write_json(us / "cdr" / "2026-11-20.json", {"items": CDR_JSON})
    _write_csv(us / "cdr" / "2026-11-21.csv", CDR_COLUMNS, [{k: (str(v).lower() if isinstance(v, bool) else v) for k, v in r.items()} for r in CDR_CSV_2])
    _write_json(us / "media_quality" / "2026-11-20.json", {"items": MEDIA_1})
    _write_json(us / "media_quality" / "2026-11-21.json", {"items": MEDIA_2})
    _write_csv(us / "call_queue_stats" / "2026-11-21.csv", QUEUE_COLUMNS, QUEUE_1)
    _write_csv(us / "call_queue_stats" / "2026-11-22.csv", QUEUE_COLUMNS, QUEUE_2)
    _write_json(us / "meeting_participants" / "2026-11-20.json", {"items": MEETINGS_1})
    _write_json(us / "meeting_participants" / "2026-11-21.json", {"items": MEETINGS_2})
    _write_json(root / "partner_admins" / f"{D_MINUS_7}.json", _partner_admins("old"))
    _write_json(root / "partner_admins" / f"{D_ISO}.json", _partner_admins("d"))
    _write_json(root / "partner_admins" / f"{AFTER_D}.json", _partner_admins("late"))
    _write_eu(root)
    return root


# ------------------------------------------------------------------ running the pipeline
def run_cli(landing: Path, home: Path, *regions: str) -> subprocess.CompletedProcess:
    """`partner-analytics run` as a user types it (PA_* variables of the test environment removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PA_")}
    region_args = [a for r in regions for a in ("--region", r)]
    return subprocess.run(
        [str(CLI), "run", "--landing", str(landing), "--home", str(home), "--week-ending", D_ISO, *region_args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(REPO),
        timeout=900,
    )


def export_bytes(home: Path) -> dict[str, bytes]:
    """Every export file of the run: relative path -> bytes."""
    root = home / "exports"
    # exports/<REGION> is a symlink to the live version (README "Atomicity"): rglob would not enter it
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(p for r in root.iterdir() for p in r.glob("*.csv"))}


class E2ERun:
    def __init__(self, landing: Path, home: Path, proc: subprocess.CompletedProcess):
        self.landing, self.home, self.proc = landing, home, proc
        self.first_exports = export_bytes(home) if (home / "exports").exists() else {}

    def require_success(self) -> None:
        if self.proc.returncode != 0:
            pytest.fail(
                f"partner-analytics run exited {self.proc.returncode}\nstdout:\n{self.proc.stdout[-4000:]}\nstderr:\n{self.proc.stderr[-8000:]}", pytrace=False
            )

    def export_path(self, name: str, region: str = "US") -> Path:
        pattern = re.compile(rf"^{re.escape(name)}_[0-9a-f]{{8}}_{D_ISO}\.csv$")
        folder = self.home / "exports" / region
        hits = sorted(p for p in folder.glob("*.csv") if pattern.match(p.name)) if folder.exists() else []
        assert len(hits) == 1, f"expected one export named {name}_<8 hex>_{D_ISO}.csv in {folder}, found {hits}"
        return hits[0]

    def read(self, name: str, region: str = "US") -> tuple[list[str], list[list[str]]]:
        self.require_success()
        # the bytes of the first run (a later re-run test must not change what the other tests read)
        path = self.export_path(name, region)
        raw = self.first_exports[str(path.relative_to(self.home / "exports"))]
        text = raw.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return rows[0], rows[1:]


@pytest.fixture(scope="session")
def e2e(tmp_path_factory) -> E2ERun:
    """The hand-made landing set, run once through `partner-analytics run` for D = 2026-11-22."""
    base = tmp_path_factory.mktemp("e2e")
    landing = build_landing(base / "landing")
    home = base / "home"
    proc = run_cli(landing, home)
    return E2ERun(landing, home, proc)


# ------------------------------------------------------------------ comparing cells
class Num:
    """An expected numeric cell whose textual precision SPEC leaves open (e.g. a 0 of minutes:
    "0", "0.0" and "0.00" are all right); equal to any cell with the same decimal value."""

    def __init__(self, value: str):
        self.value = Decimal(value)

    def __eq__(self, other) -> bool:
        try:
            return Decimal(str(other)) == self.value
        except InvalidOperation:
            return False

    def __repr__(self) -> str:
        return f"Num({self.value})"


def assert_table(actual_header, actual_rows, header, expected_rows, *, sort_key=None):
    """Exact header, exact rows. With `sort_key` (column indices) SPEC fixes no order: compare as a set
    ordered on those columns; otherwise the file's row order must be the expected one."""
    assert actual_header == header
    if sort_key is not None:
        actual_rows = sorted(actual_rows, key=lambda r: tuple(r[i] for i in sort_key))
        expected_rows = sorted(expected_rows, key=lambda r: tuple(str(r[i]) for i in sort_key))
    problems = []
    if len(actual_rows) != len(expected_rows):
        problems.append(f"row count: expected {len(expected_rows)}, got {len(actual_rows)}")
    for i, (got, want) in enumerate(zip(actual_rows, expected_rows)):
        if len(got) != len(want) or any(not (w == g) for g, w in zip(got, want)):
            diffs = [f"{header[j]}: expected {w!r}, got {g!r}" for j, (g, w) in enumerate(zip(got, want)) if not (w == g)]
            problems.append(f"row {i + 1} {got[:3]}: " + "; ".join(diffs or [f"width {len(got)} != {len(want)}"]))
    if problems:
        full = "\n".join(",".join(r) for r in actual_rows)
        pytest.fail("\n".join(problems) + f"\n--- actual rows ---\n{full}", pytrace=False)
