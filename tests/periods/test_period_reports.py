"""SPEC 7 "Periods" on a REAL disposable warehouse (real dbt, nothing faked): a hand-made US lake built
for D = 2026-11-22, then `report --from 2026-11-12 --to 2026-11-17`, a period that straddles the week
ending 2026-11-15 and W = [11-15, 11-22). Every period table's cells are worked out by hand below;
every weekly table refuses the period (exit 2, nothing written).

Period P = [2026-11-12, 2026-11-18) (6 days); the previous period = [2026-11-06, 2026-11-12).
Snapshots (customers, tags, devices, numbers) dated 11-08, 11-16 and 11-22 (= D): the one in force at
P's end is 11-16 (names "Acme Mid", "Beta", "Gamma"; o2 tagged gold); the live warehouse holds 11-22
("Acme Now"; o1 tagged Gold; device d2 with MAC BBBBBB000002 exists only there).

Legs (o1 Acme unless noted):
  b1  11-08 10:00      ORIG  p1 HQ     60 s                                previous period
  b2  11-10 10:00      ORIG  p3 Main  30 s   o2                            previous period
  b3  11-11 23:59:59   ORIG  p1 HQ    100 s                                previous period (last second)
  a2  11-12 00:00:00   ORIG  p1 HQ    120 s  MAC of d1 (cisco phone)  media good     c2
  a3  11-12 00:00:05   TERM  p2 HQ    118 s  WXC_CLIENT, jitter 200 (poor)  CallPark c2
  a4  11-14 09:00      ORIG  p2 Branch 200 s MAC BBBBBB000002: no device at P's end -> SIP -> Unknown;
                                             no media, answered; CallForwardBusy                  c4
  a5  11-16 10:00      TERM  hg HuntGroup Main 50 s  o2  not answered, no media, HuntGroup      c5
  a6  11-16 10:00:10   TERM  p3 Main  40 s   o2  TEAMS_WXC_CLIENT, media good, HuntGroup       c5
  a10 11-17 12:00      TERM  aa AutomatedAttendantVideo Remote 20 s  o3  no media, answered      c10
  a7  11-17 23:59:59   ORIG  p1 HQ     30 s  MAC of d1, latency 500 (poor), CallForwardNoAnswer c7
  a8  11-18 00:00:00   ORIG  p1 HQ     45 s  (first instant after P: W only)   CallForwardAlways c8
  a9  11-20 10:00      ORIG  p3 Main  300 s  o2 (W only)
Queue days: o1 q1 HQ 11-11 (9 total: previous period), 11-13 (10 total, 6 answered ASA 10 s, 4
abandoned after 20 s, 1 busy, 2 timeout, 3 transferred), 11-17 (4 total, 2 answered ASA 16 s, 2
abandoned after 5 s); o2 q2 Main 11-16 (5 total, 5 answered ASA 8 s); o1 q1 HQ 11-19 (100: W only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the calling lake builder
from dbt_calling.conftest import LakeBuilder, ts  # noqa: E402

from exports.custom import parse_custom_template  # noqa: E402
from exports.templates import load_default_templates  # noqa: E402
from partner_analytics import reports  # noqa: E402
from partner_analytics.cli import app  # noqa: E402
from partner_analytics.dbt import build_region  # noqa: E402

pytestmark = pytest.mark.slow

D = dt.date(2026, 11, 22)
BEFORE, MID = dt.date(2026, 11, 8), dt.date(2026, 11, 16)
FROM, TO = "2026-11-12", "2026-11-17"
WEEKLY_TABLES = (
    "Customers",
    "Subscription KPIs",
    "Recently Added Subscriptions",
    "Expiring Subscriptions",
    "Renewing Subscriptions",
    "Low License Assignment Subscriptions",
    "License Overage Subscriptions",
    "License Allocation Trend",
    "Call Volume Trend",
    "Call Quality Trend",
    # SPEC 12's tables are "as of D" too
    "Customer Detail",
    "Customer Orders",
    "Trials",
    "Partner Admins",
)


def _leg(
    lake,
    rid,
    org,
    started,
    *,
    corr=None,
    direction="ORIGINATING",
    user="p1",
    user_type="User",
    location="HQ",
    duration=0,
    answered=True,
    mac=None,
    client=None,
    related=None,
    original=None,
    redirect=None,
):
    lake.add(
        "cdr",
        report_id=rid,
        report_at=ts(started),
        org_id=org,
        correlation_id=corr,
        local_session_id=f"s-{rid}",
        started_at=ts(started),
        duration_seconds=duration,
        direction=direction,
        is_answered=answered,
        client_type=client,
        device_mac=mac,
        location_name=location,
        user_id=user,
        user_type=user_type,
        related_reason=related,
        original_reason=original,
        redirect_reason=redirect,
    )


def _media(lake, org, rid, started, **metrics):
    row = {
        "org_id": org,
        "local_session_id": f"s-{rid}",
        "started_at": ts(started),
        "ended_at": ts(started),
        "audio_in_sample_count": 2,
        "audio_out_sample_count": 2,
        "video_in_sample_count": 0,
        "video_out_sample_count": 0,
        "audio_in_jitter_ms": 10.0,
        "audio_out_jitter_ms": 10.0,
        "audio_in_latency_ms": 50.0,
        "audio_out_latency_ms": 50.0,
        "audio_in_packet_loss_pct": 0.0,
        "audio_out_packet_loss_pct": 0.0,
    }
    lake.add("media_quality", **{**row, **metrics})


def _queue_day(lake, org, queue, loc, day, total, answered, abandoned, asa, abandon, busy=0, timeout=0, transferred=0):
    lake.add(
        "call_queue_stats",
        org_id=org,
        location_id=None,
        location_name=loc,
        queue_id=queue,
        queue_name=queue,
        stats_date=day,
        total_calls=total,
        answered_calls=answered,
        abandoned_calls=abandoned,
        overflowed_busy_calls=busy,
        overflowed_timeout_calls=timeout,
        transferred_calls=transferred,
        average_speed_of_answer_seconds=asa,
        average_abandon_time_seconds=abandon,
    )


def build_lake(lake: LakeBuilder) -> None:
    names = {BEFORE: "Acme Before", MID: "Acme Mid", D: "Acme Now"}
    tags = {BEFORE: [], MID: [("o2", "gold")], D: [("o1", "Gold")]}
    for snap in (BEFORE, MID, D):
        for org, name, ext in (("o1", names[snap], "EXT-1"), ("o2", "Beta", None), ("o3", "Gamma", "EXT-3")):
            lake.add("customers", org_id=org, display_name=name, external_id=ext, region="US", managed_by="PARTNER", snapshot_date=snap)
        for org, tag in tags[snap]:
            lake.add("customer_tags", org_id=org, tag=tag, snapshot_date=snap)
        lake.add("locations", location_id="L1", org_id="o1", location_name="HQ", country="US", pstn_provider_name="AT&T", snapshot_date=snap)
        for pid, org, email in (("p1", "o1", "anna@acme.example"), ("p2", "o1", "bob@acme.example"), ("p3", "o2", "carl@beta.example")):
            lake.add("people", person_id=pid, org_id=org, display_name=pid, primary_email=email, snapshot_date=snap)
        lake.add(
            "devices",
            device_id="d1",
            org_id="o1",
            person_id="p1",
            location_id="L1",
            product="Cisco 8845",
            device_type="phone",
            device_platform="cisco",
            mac="AAAAAA000001",
            firmware="fw-2" if snap == D else "fw-1",
            snapshot_date=snap,
        )
        lake.add(
            "numbers",
            org_id="o1",
            phone_number="+15550001",
            extension="101",
            state="ACTIVE",
            phone_number_type="PRIMARY",
            is_main_number=False,
            location_id="L1",
            location_name="HQ",
            owner_id="p1",
            owner_type="PEOPLE",
            number_index=1,
            snapshot_date=snap,
        )
    # only at D: a room device whose MAC a4 used, and a second number
    lake.add(
        "devices",
        device_id="d2",
        org_id="o1",
        workspace_id="w1",
        location_id="L1",
        product="Cisco Room Kit",
        device_type="roomdesk",
        device_platform="cisco",
        mac="BBBBBB000002",
        firmware="ce11",
        snapshot_date=D,
    )
    lake.add(
        "numbers",
        org_id="o1",
        phone_number="+15550002",
        extension=None,
        state="ACTIVE",
        phone_number_type="PRIMARY",
        is_main_number=False,
        location_id="L1",
        location_name="HQ",
        owner_id=None,
        owner_type=None,
        number_index=2,
        snapshot_date=D,
    )

    _leg(lake, "b1", "o1", "2026-11-08 10:00:00", corr="c-b1", duration=60)
    _leg(lake, "b2", "o2", "2026-11-10 10:00:00", corr="c-b2", user="p3", location="Main", duration=30)
    _leg(lake, "b3", "o1", "2026-11-11 23:59:59", corr="c-b3", duration=100)
    _leg(lake, "a2", "o1", "2026-11-12 00:00:00", corr="c2", duration=120, mac="AAAAAA000001", client="SIP")
    _leg(lake, "a3", "o1", "2026-11-12 00:00:05", corr="c2", direction="TERMINATING", user="p2", duration=118, client="WXC_CLIENT", related="CallPark")
    _leg(
        lake,
        "a4",
        "o1",
        "2026-11-14 09:00:00",
        corr="c4",
        user="p2",
        location="Branch",
        duration=200,
        mac="BBBBBB000002",
        client="SIP",
        original="CallForwardBusy",
    )
    _leg(
        lake,
        "a5",
        "o2",
        "2026-11-16 10:00:00",
        corr="c5",
        direction="TERMINATING",
        user="hg",
        user_type="HuntGroup",
        location="Main",
        duration=50,
        answered=False,
        related="HuntGroup",
    )
    _leg(
        lake,
        "a6",
        "o2",
        "2026-11-16 10:00:10",
        corr="c5",
        direction="TERMINATING",
        user="p3",
        location="Main",
        duration=40,
        client="TEAMS_WXC_CLIENT",
        related="HuntGroup",
    )
    _leg(
        lake,
        "a10",
        "o3",
        "2026-11-17 12:00:00",
        corr="c10",
        direction="TERMINATING",
        user="aa",
        user_type="AutomatedAttendantVideo",
        location="Remote",
        duration=20,
    )
    _leg(lake, "a7", "o1", "2026-11-17 23:59:59", corr="c7", duration=30, mac="AAAAAA000001", client="SIP", redirect="CallForwardNoAnswer")
    _leg(lake, "a8", "o1", "2026-11-18 00:00:00", corr="c8", duration=45, original="CallForwardAlways")
    _leg(lake, "a9", "o2", "2026-11-20 10:00:00", corr="c9", user="p3", location="Main", duration=300)

    _media(lake, "o1", "a2", "2026-11-12 00:00:01")
    _media(lake, "o1", "a3", "2026-11-12 00:00:06", audio_in_jitter_ms=200.0)
    _media(lake, "o2", "a6", "2026-11-16 10:00:11")
    _media(lake, "o1", "a7", "2026-11-18 00:00:01", audio_out_latency_ms=500.0)

    _queue_day(lake, "o1", "q1", "HQ", dt.date(2026, 11, 11), 9, 9, 0, 1.0, None)
    _queue_day(lake, "o1", "q1", "HQ", dt.date(2026, 11, 13), 10, 6, 4, 10.0, 20.0, busy=1, timeout=2, transferred=3)
    _queue_day(lake, "o1", "q1", "HQ", dt.date(2026, 11, 17), 4, 2, 2, 16.0, 5.0)
    _queue_day(lake, "o2", "q2", "Main", dt.date(2026, 11, 16), 5, 5, 0, 8.0, None)
    _queue_day(lake, "o1", "q1", "HQ", dt.date(2026, 11, 19), 100, 50, 50, 9.0, 9.0)
    lake.write()


# The hand-computed cells of P, per period table (rows in the export's order).
EXPECTED = {
    # o1: legs a2 a3 a4 a7; calls a2 a4 a7 = 3; users p1 p2; 120 + 118 + 200 + 30 = 468 s = 7.80 min;
    #     previous period calls b1 b3 = 2 -> (3 - 2) / 2 = +50.0 %
    # o2: legs a5 a6, no call; user p3 (a5 is a hunt group); 90 s = 1.50; previous b2 = 1 -> -100.0 %
    # o3: a10, no call, no user; 20 s = 0.33; no previous calls -> empty
    "Customers and Usage": [
        ["Acme Mid", "o1", "2", "3", "4", "7.80", "50.0"],
        ["Beta", "o2", "1", "0", "2", "1.50", "-100.0"],
        ["Gamma", "o3", "0", "0", "1", "0.33", ""],
    ],
    # rated = legs with media: o1 a2 a3 a7 (a3, a7 poor) -> 2 / 3 = 66.7 %; o2 a6 good; o3 none -> empty
    "Customers and Call Quality": [
        ["Acme Mid", "o1", "3", "2", "66.7"],
        ["Beta", "o2", "1", "0", "0.0"],
        ["Gamma", "o3", "0", "0", ""],
    ],
    # Desk Phone a2 a7 (a7 poor); Webex App a3 (poor) a6; Unknown a4 (d2 not yet in the devices in force
    # at P's end: Room Device with D's devices), a5, a10 - none rated
    "Call Quality by Endpoint Type": [
        ["Desk Phone", "2", "1", "50.0"],
        ["Unknown", "0", "0", ""],
        ["Webex App", "2", "1", "50.0"],
    ],
    # Auto Attendant c10; Call Forward c4 (Busy) and c7 (NoAnswer; c8 is after P); Call Park c2; Hunt Group c5
    "Feature Usage": [["Auto Attendant", "1"], ["Call Forward", "2"], ["Call Park", "1"], ["Hunt Group", "1"]],
    # days 11-13, 11-16, 11-17: 19 total, 13 answered, 6 abandoned;
    # ASA (10 x 6 + 16 x 2 + 8 x 5) / 13 = 132 / 13 = 10.15 -> 10.2; wait (20 x 4 + 5 x 2) / 6 = 15.0;
    # abandoned 6 / 19 = 31.58 -> 31.6 %
    "Call Queue KPIs": [["19", "13", "6", "10.2", "15.0", "31.6"]],
    # o1: 14 total, 8 answered, 6 abandoned -> 42.9 %; ASA 92 / 8 = 11.5; wait 90 / 6 = 15.0; 1 busy, 2 timeout, 3 transferred
    # o2: 5 / 5 / 0 -> 0.0 %; ASA 8.0; no abandoned call -> empty wait
    "Customers and Call Queues": [
        ["Acme Mid", "o1", "1", "14", "8", "6", "42.9", "11.5", "15.0", "1", "2", "3"],
        ["Beta", "o2", "1", "5", "5", "0", "0.0", "8.0", "", "0", "0", "0"],
    ],
    # o1 Branch: a4 (1 call, answered without media -> audio, Unknown endpoint), 200 s = 3.33
    # o1 HQ: a2 a3 a7 (2 calls, 2 poor), 268 s = 4.47, audio 3, desk phone 2; queues 11-13 + 11-17:
    #        14 total, 2 timed out, 1 overflowed (busy), 3 transferred, 6 abandoned
    # o2 Main: a5 a6, 90 s = 1.50, audio a6 only (a5 unanswered, no media), 1 hunt-group call; queue 5 total
    # o3 Remote: a10, 0.33 min, audio (answered), 1 auto-attendant call
    "Calling Usage Detail Report": [
        ["Acme Mid", "o1", "Branch", "1", "1", "0", "3.33", "0.00", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["Acme Mid", "o1", "HQ", "2", "3", "2", "4.47", "0.00", "3", "0", "2", "0", "0", "0", "0", "14", "2", "1", "3", "6"],
        ["Beta", "o2", "Main", "0", "2", "0", "1.50", "0.00", "1", "0", "0", "0", "0", "1", "0", "5", "0", "0", "0", "0"],
        ["Gamma", "o3", "Remote", "0", "1", "0", "0.33", "0.00", "1", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0"],
    ],
    # inventories in force at P's end (the 11-16 snapshots): d1 with fw-1 only; one number entry -> 2 rows
    "Devices Report": [
        ["EXT-1", "Acme Mid", "o1", "L1", "HQ", "Cisco 8845", "AAAAAA000001", "fw-1", "+15550001", "101", "anna@acme.example", "p1"],
    ],
    "Phone Numbers Report": [
        ["EXT-1", "Acme Mid", "o1", "L1", "HQ", "US", "+15550001", "", "AT&T", "True", "People", "Primary", "anna@acme.example", "p1"],
        ["EXT-1", "Acme Mid", "o1", "L1", "HQ", "US", "", "101", "", "True", "People", "", "anna@acme.example", "p1"],
    ],
}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    lake = LakeBuilder(tmp_path_factory.mktemp("periods") / "home")
    build_lake(lake)
    build_region(lake.home, "US", D)
    return lake.home


def _read(path: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(path).read_bytes().decode("utf-8"), newline="")))


def test_every_period_table_is_computed_over_the_period(home):
    defaults = {t.name: t for t in load_default_templates()}
    gold = parse_custom_template({"name": "Gold Usage", "base": "Customers and Usage", "filters": {"tags": ["GOLD"]}}, "gold.yml", list(defaults.values()))
    templates = [defaults[name] for name in EXPECTED] + [gold]
    period = reports.cli_period(FROM, TO, D)
    assert (period.start, period.end, period.label_date) == (dt.date(2026, 11, 12), dt.date(2026, 11, 18), dt.date(2026, 11, 18))
    live = home / "warehouse" / "US.duckdb"
    before = live.read_bytes()

    written = {w["template"]: w for w in reports.export_reports(home, "US", templates, period)}

    for name, rows in EXPECTED.items():
        got = _read(written[name]["path"])
        assert got[0] == defaults[name].headers, name
        assert got[1:] == rows, name
        assert written[name]["path"].endswith("_2026-11-18.csv")
    # tags in force at P's end: o2 is gold (at D it is o1); case-insensitive
    assert _read(written["Gold Usage"]["path"])[1:] == [EXPECTED["Customers and Usage"][1]]
    assert live.read_bytes() == before  # the rebuild ran in a disposable copy


def test_the_default_week_still_reads_w_and_the_snapshots_at_d(home):
    """No report vars: W = [11-15, 11-22), names and devices at D, previous week [11-08, 11-15)."""
    defaults = {t.name: t for t in load_default_templates()}
    names = ["Customers and Usage", "Call Quality by Endpoint Type", "Devices Report"]
    written = {w["template"]: w for w in reports.export_reports(home, "US", [defaults[n] for n in names], reports.cli_period(None, None, D))}
    # o1 in W: a7? no (11-17 is in W: yes) -> legs a7 a8 = 2 calls, p1, 75 s = 1.25; week before: b1 b3 a2 a4 = 4 -> -50.0
    # o2: a5 a6 (11-16), a9 -> 1 call, users p3; 390 s = 6.50; week before: b2 = 1 -> 0.0; o3: a10
    assert _read(written["Customers and Usage"]["path"])[1:] == [
        ["Acme Now", "o1", "1", "2", "2", "1.25", "-50.0"],
        ["Beta", "o2", "1", "1", "3", "6.50", "0.0"],
        ["Gamma", "o3", "0", "0", "1", "0.33", ""],
    ]
    # W: Desk Phone a7 (poor); Webex App a6; Unknown a5 a8 a9 a10
    assert _read(written["Call Quality by Endpoint Type"]["path"])[1:] == [
        ["Desk Phone", "1", "1", "100.0"],
        ["Unknown", "0", "0", ""],
        ["Webex App", "1", "0", "0.0"],
    ]
    assert [r[6:8] for r in _read(written["Devices Report"]["path"])[1:]] == [["AAAAAA000001", "fw-2"], ["BBBBBB000002", "ce11"]]


def test_the_report_command_writes_a_period_table_for_the_period(home):
    result = CliRunner().invoke(app, ["report", "Feature Usage", "--home", str(home), "--region", "US", "--from", FROM, "--to", TO])
    assert result.exit_code == 0, result.output
    [line] = result.output.strip().splitlines()
    assert line.endswith("_2026-11-18.csv (4 rows)")
    assert _read(line.rsplit(" (", 1)[0])[1:] == EXPECTED["Feature Usage"]


@pytest.mark.parametrize("name", WEEKLY_TABLES)
def test_every_weekly_table_refuses_the_period_and_writes_nothing(home, name):
    exports = home / "exports" / "US"
    before = sorted(p.name for p in exports.glob("*")) if exports.exists() else []
    result = CliRunner().invoke(app, ["report", name, "--home", str(home), "--region", "US", "--from", FROM, "--to", TO])
    assert result.exit_code == 2, result.output
    assert f"report {name!r} is a weekly table" in result.output
    assert "[2026-11-12, 2026-11-17]" in result.output
    after = sorted(p.name for p in exports.glob("*")) if exports.exists() else []
    assert after == before
    assert sorted(p.name for p in (home / "warehouse").iterdir()) == ["US.duckdb"]  # no copy left behind


def test_tags_match_case_insensitively_in_the_customers_command_too(home):
    """One tag rule: o1 carries 'Gold' at D; --tag gold, GOLD and Gold all find it, 'gol' does not."""
    from partner_analytics.customers import list_customers

    for tag in ("gold", "GOLD", "Gold"):
        headers, rows = list_customers(home, "US", tags=[tag])
        assert [(r[0], r[1], r[headers.index("Tags")]) for r in rows] == [("Acme Now", "o1", "Gold")]
    assert list_customers(home, "US", tags=["gol"])[1] == []
