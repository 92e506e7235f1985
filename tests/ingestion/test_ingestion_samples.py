"""Cisco's published example payloads (/work/shared/samples/webex-api) ingest with their quirks intact."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

SAMPLES = Path("/work/shared/samples/webex-api")
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="Cisco samples not available")
SNAP = dt.date(2026, 11, 22)


def test_cdr_feed_page(landing, home, b):
    (landing / "US/cdr").mkdir(parents=True)
    shutil.copy(SAMPLES / "cdr_feed_page.json", landing / "US/cdr/cdr_feed_page.json")
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (1, 1, 0, 0, 0)
    # Start time 2020-05-14 (a Thursday) -> the week ending Sunday 2020-05-17
    assert summary["partitions"] == ["cdr/week_ending=2020-05-17"]
    [row] = b.lake(home, "cdr").to_dicts()
    assert row == {
        "report_id": "0a0c2eb7-f1f6-3326-86f9-565d2e11553d",
        "report_at": b.ts("2020-05-14T11:01:52.723Z"),
        "org_id": "408806bc-a013-4a4b-9a24-85e374912102",
        "correlation_id": "8e8e1dc7-4f25-4595-b9c7-26237f824535",
        "local_session_id": "82bb753300105000a0000242be131609",
        "started_at": b.ts("2020-05-14T11:01:16.545Z"),
        "answered_at": b.ts("2020-05-14T11:01:17.551Z"),
        "released_at": b.ts("2023-10-12T21:22:32.621Z"),  # "2023-10-12 21:22:32.621": no T, no Z -> UTC
        "duration_seconds": 36,
        "ring_duration_seconds": 23,
        "direction": "ORIGINATING",
        "is_answered": True,  # the string "true"
        "call_type": "SIP_ENTERPRISE",
        "client_type": "SIP_TOLLFREE",  # outside the documented list, kept
        "device_mac": "6C710D8ABC10",
        "device_model": "8851-3PCC",
        "location_name": "Richardson",
        "user_id": "47f0d0c2-f05a-44cc-870d-7a3daf859c6c",
        "user_type": "User",
        "original_reason": "UserBusy",
        "redirect_reason": "Unavailable",
        "related_reason": "CallQueue",
        "call_outcome": "Success",
        "week_ending": dt.date(2020, 5, 17),
        "source_file": "US/cdr/cdr_feed_page.json",
        "source_row": 1,
    }


def test_devices_list(landing, home, b):
    (landing / "US/devices").mkdir(parents=True)
    shutil.copy(SAMPLES / "devices_list.json", landing / "US/devices/2026-11-22.json")
    assert b.counts(b.run(landing, home)["devices"]) == (1, 1, 0, 0, 0)
    [row] = b.lake(home, "devices").to_dicts()
    assert row["mac"] == "11223344AAFF"  # 11:22:33:44:AA:FF without the colons
    assert (row["product"], row["device_type"], row["device_platform"]) == ("Cisco Webex DX80", "roomdesk", "cisco")
    assert (row["serial"], row["firmware"], row["connection_status"]) == ("FOC1923NVVN", "RoomOS 2018-06-01 608dcdbb6e1", "connected")
    # Hydra ids (SPEC 9) as the lower-case UUIDs inside them: Y2lz...OWE = ciscospark://us/ORGANIZATION/96abc2aa-...
    assert row["org_id"] == "96abc2aa-3dcc-11e5-a152-fe34819cdc9a"
    assert row["person_id"] == row["workspace_id"] == "716e9d1c-ca44-4fed-8fca-9df4b4f417f5"
    assert row["device_id"] == "5101b07b-4f8f-4ef7-b565-db19c7b723f7"  # .../DEVICE/5101B07B-... lower-cased
    assert row["snapshot_date"] == SNAP


def test_licenses_list_wrapped_with_org_id(landing, home, b):
    page = json.loads((SAMPLES / "licenses_list.json").read_text())
    page["items"] = [{**item, "orgId": "org-1"} for item in page["items"]]
    b.write_items(landing / "US/licenses/2026-11-22.json", page["items"], snapshotDate="2026-11-22")
    summary = b.run(landing, home)["licenses"]
    assert b.counts(summary) == (1, 1, 0, 0, 0)
    # "org-1" is neither a UUID nor a Hydra id: kept, counted (subscription ids are often neither: not counted)
    assert summary["unrecognised_ids"] == {"orgId": 1}
    [row] = b.lake(home, "licenses").to_dicts()
    assert row == {
        "license_id": "96abc2aa-3dcc-11e5-a152-fe34819cdc9a",  # ciscospark://us/LICENSE/96abc2aa-...
        "org_id": "org-1",
        "license_name": "Meeting - Webex Meeting Center",
        "total_units": 50,
        "consumed_units": 5,
        "consumed_by_users": 5,
        "consumed_by_workspaces": 0,
        "subscription_id": "Sub-hydraOct26a",
        "site_url": "site1-example.webex.com",
        "site_type": "Control Hub managed site",
        "snapshot_date": SNAP,
        "source_file": "US/licenses/2026-11-22.json",
        "source_row": 1,
    }


def test_telephony_numbers_wrapped_per_org(landing, home, b):
    page = json.loads((SAMPLES / "telephony_numbers.json").read_text())
    b.write_items(landing / "US/numbers/2026-11-22.json", [{"orgId": "org-1", "phoneNumbers": page["phoneNumbers"]}])
    assert b.counts(b.run(landing, home)["numbers"]) == (3, 3, 0, 0, 0)
    rows = {r["number_index"]: r for r in b.lake(home, "numbers").to_dicts()}
    assert (rows[1]["phone_number"], rows[1]["extension"], rows[1]["phone_number_type"], rows[1]["is_main_number"]) == ("+12056350001", "11", "FAX", False)
    assert (rows[1]["location_name"], rows[1]["owner_type"], rows[1]["owner_first_name"]) == ("Banglore", "PEOPLE", "sadiqhussain96")
    # the empty phoneNumber becomes null; its extension keeps the row
    assert (rows[2]["phone_number"], rows[2]["extension"], rows[2]["phone_number_type"], rows[2]["owner_last_name"]) == (None, "568", "ALTERNATE", "test_2")
    # the entry without owner is unassigned
    assert (rows[3]["phone_number"], rows[3]["is_main_number"], rows[3]["owner_id"], rows[3]["owner_type"]) == ("+12026282002", True, None, None)
    assert rows[3]["location_id"] == "107a3590-f79c-4c49-b3b6-d538ca04ae50"  # ciscospark://us/LOCATION/107a3590-...
    assert (rows[1]["owner_id"], rows[2]["owner_id"]) == ("c88bdb04-cf59-4c23-8488-453a917d1e29", "f75d2282-2f95-462c-b1b4-db4ef559971a")
    assert {r["source_row"] for r in rows.values()} == {1} and {r["state"] for r in rows.values()} == {"ACTIVE"}
