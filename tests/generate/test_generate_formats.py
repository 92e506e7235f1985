"""Landing layout and field names exactly as SPEC 4 (source spelling), plus value formats worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from generate_landing_reader import REGIONS, SHAPES, WEEK_ENDING, json_items, parse_ts, snapshot

from partner_analytics.errors import BadArgumentError
from partner_analytics.generate import generate
from partner_analytics.generate.formats import TS_OFFSET, TS_SPACE, TS_Z, format_timestamps

SNAPSHOTS = ("customers", "subscriptions", "licenses", "people", "locations", "devices", "numbers")
EVENTS = ("cdr", "media_quality", "call_queue_stats", "meeting_participants")
SNAPSHOT_FIELDS = {
    "customers": {"orgId", "displayName", "externalId", "region", "managedBy", "createdAt", "lastAdminActivityAt", "tags"},
    "subscriptions": {"subscriptionId", "orgId", "type", "status", "createdAt", "startDate", "endDate", "autoRenew", "invoiceId", "orders"},
    "licenses": {"id", "name", "totalUnits", "consumedUnits", "consumedByUsers", "consumedByWorkspaces", "subscriptionId", "orgId"},
    "people": {"id", "emails", "displayName", "orgId", "licenses", "locationId", "created"},
    "locations": {"id", "name", "orgId", "address", "pstnConnection"},
    "devices": {"id", "orgId", "personId", "workspaceId", "locationId", "product", "type", "devicePlatform", "mac", "serial", "software", "connectionStatus"},
    "numbers": {"orgId", "phoneNumbers"},
}
CDR_FIELDS = {
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
}
QUEUE_FIELDS = [
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
INTERVAL_FIELDS = {"samplingInterval", "startTime", "endTime", "jitter", "latency", "packetLoss"}


def test_layout_and_snapshot_dates(tiny):
    landing, stats = tiny
    assert sorted(p.name for p in landing.iterdir()) == sorted([*REGIONS, "partner_admins"])
    for region in REGIONS:
        assert sorted(p.name for p in (landing / region).iterdir()) == sorted(SNAPSHOTS + EVENTS)
        for dataset in SNAPSHOTS:
            names = sorted(p.name for p in (landing / region / dataset).iterdir())
            assert names == [f"{d}.json" for d in stats["snapshot_dates"]]
    dates = [dt.date.fromisoformat(d) for d in stats["snapshot_dates"]]
    # 13 weeks of history -> 14 Sundays (D-91 .. D), all Sundays, one week apart, the last is D
    assert len(dates) == 14 and dates[-1] == WEEK_ENDING and all(d.weekday() == 6 for d in dates)
    assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    assert sorted(p.name for p in (landing / "partner_admins").iterdir()) == [f"{d}.json" for d in stats["snapshot_dates"]]
    assert stats["files"] == sum(1 for p in landing.rglob("*") if p.is_file())


def test_snapshot_field_names(tiny):
    landing, _ = tiny
    for region in REGIONS:
        for dataset, fields in SNAPSHOT_FIELDS.items():
            document = snapshot(landing, region, dataset)
            assert document["items"], dataset
            for item in document["items"]:
                assert fields <= set(item), (dataset, fields - set(item))
        assert snapshot(landing, region, "licenses")["snapshotDate"] == WEEK_ENDING.isoformat()
        for sub in snapshot(landing, region, "subscriptions")["items"]:
            assert sub["orders"] and all({"orderId", "orderedAt", "action", "quantity"} <= set(o) for o in sub["orders"])
            assert parse_ts(sub["createdAt"]) and dt.date.fromisoformat(sub["endDate"])
        for loc in snapshot(landing, region, "locations")["items"]:
            assert "country" in loc["address"] and "providerName" in loc["pstnConnection"]
        for entry in snapshot(landing, region, "numbers")["items"]:
            for number in entry["phoneNumbers"]:
                assert {"phoneNumber", "state", "phoneNumberType", "mainNumber", "location"} <= set(number)
                assert {"id", "name"} <= set(number["location"])
                assert "owner" not in number or {"id", "type", "firstName", "lastName"} <= set(number["owner"])
                assert number["phoneNumber"] == "" or number["phoneNumber"].startswith("+")
    admins = json.loads((landing / "partner_admins" / f"{WEEK_ENDING}.json").read_bytes())["items"]
    assert admins and all({"id", "email", "displayName", "role", "assignedOrgIds"} <= set(a) for a in admins)


def test_event_field_names(tiny, tiny_cdr):
    landing, _ = tiny
    csv_headers = set()
    for region in REGIONS:
        for path in (landing / region / "cdr").iterdir():
            shape = SHAPES[str(path.relative_to(landing))] if path.suffix == ".csv" else None
            if shape is not None and not (shape.recased or shape.trailing_comma):  # drifted headers: test_generate_dirt
                csv_headers.add(path.read_bytes().decode("utf-8-sig").split("\n", 1)[0])
        for path in (landing / region / "call_queue_stats").iterdir():
            header = path.read_bytes().decode("utf-8-sig").split("\n", 1)[0].split(",")
            assert header[:5] == QUEUE_FIELDS[:5] and set(QUEUE_FIELDS) <= set(header)
        for _, item in json_items(landing, region, "media_quality"):
            assert {"orgId", "correlationId", "localSessionId", "audioIn", "audioOut", "videoIn", "videoOut"} <= set(item)
            for stream in ("audioIn", "audioOut", "videoIn", "videoOut"):
                for interval in item[stream]:
                    assert set(interval) == INTERVAL_FIELDS
                    assert len(interval["jitter"]) == len(interval["latency"]) == len(interval["packetLoss"]) >= 1
                    assert parse_ts(interval["startTime"]) < parse_ts(interval["endTime"])
        for _, item in json_items(landing, region, "meeting_participants"):
            assert {"orgId", "meetingId", "email", "host", "joinedTime", "leftTime"} <= set(item)
            assert isinstance(item["host"], bool) and parse_ts(item["joinedTime"]) < parse_ts(item["leftTime"])
    assert len(csv_headers) == 1  # one Control Hub layout
    header = csv_headers.pop().split(",")
    assert CDR_FIELDS <= set(header) and {"Call ID", "Site timezone"} <= set(header)  # extras ingestion ignores
    json_rows = [r for r in tiny_cdr if r.fmt == "json"]
    assert json_rows and all(CDR_FIELDS <= set(r.values) for r in json_rows)


def test_timestamp_styles_are_the_same_instant():
    # 2026-11-16 is day 20773 since 1970-01-01: 56 years * 365 + 14 leap days = 20454 to 2026-01-01,
    # + 319 days (Jan..Oct = 304, + 15) -> 20773 * 86 400 000 ms + 10 h (36 000 000 ms) + 123 ms.
    ms = 20773 * 86_400_000 + 36_000_000 + 123
    out = format_timestamps(
        np.array([ms] * 4),
        style=np.array([TS_Z, TS_SPACE, TS_OFFSET, TS_OFFSET]),
        offset_hours=np.array([0, 0, 2, -5]),
        null=np.array([False, False, False, False]),
    )
    assert out.to_list() == ["2026-11-16T10:00:00.123Z", "2026-11-16 10:00:00.123", "2026-11-16T12:00:00.123+02:00", "2026-11-16T05:00:00.123-05:00"]
    nulls = format_timestamps(np.array([ms, ms]), null=np.array([True, False]))
    assert nulls.to_list() == [None, "2026-11-16T10:00:00.123Z"]


def test_bad_arguments(tmp_path):
    with pytest.raises(BadArgumentError, match="Sunday"):
        generate(tmp_path, dt.date(2026, 11, 21), scale="tiny")
    with pytest.raises(BadArgumentError, match="scale"):
        generate(tmp_path, WEEK_ENDING, scale="huge")
    with pytest.raises(BadArgumentError, match="history_weeks"):
        generate(tmp_path, WEEK_ENDING, scale="tiny", history_weeks=0)
    assert not any(tmp_path.iterdir())  # nothing written
