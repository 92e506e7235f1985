"""Calling engagement marts and reports (SPEC 6.4, 7): a tiny hand-made US lake, one dbt build,
exact cell values of every calling rpt_ table, worked out by hand in the comments.

Week ending D = 2026-11-22, W = [2026-11-15, 2026-11-22). Customers: o1 Acme, o2 Beta, o3 Gamma.
Legs in W (o1 unless noted):
  r1  c1 ORIG  User p1  HQ     2026-11-15 00:00:00 (= D - 7, inside)  120 s  MAC of d1 (cisco phone)  media good
  r2  c1 TERM  HuntGroup HQ    2026-11-15 00:00:05                      0 s  no media, not answered   HuntGroup reason
  r3  c1 TERM  HuntGroup HQ    2026-11-15 00:00:06                      0 s  no media, not answered   HuntGroup reason
  r4  c2 ORIG  User p2  HQ     2026-11-18 09:00                       300 s  MAC of d2 (cisco roomdesk)  audio jitter 150
                                                                              (not poor) + video latency 401 (poor)  CalllPark
  r5  c3 TERM  AutomatedAttendantVideo Branch 2026-11-19 12:00          45 s  unmatched MAC, WXC_CLIENT, no media, answered
  r6  --  ORIG User p1  Branch 2026-11-21 23:59:59                      61 s  no MAC, WXC_THIRD_PARTY, loss 5.0 (not poor)
  r8  c8 ORIG  User p3  Main (o2) 2026-11-17 10:00                      30 s  MAC of d3 (polycom) loss 5.01 (poor) CallQueue
  r9  c8 TERM  User p3  Main (o2) 2026-11-17 10:00:10                   30 s  TEAMS_WXC_CLIENT, jitter 150.01 (poor)
Outside W: r7 at exactly D (o1 HQ ORIG); r10 2026-11-14 23:59:59 and r11 2026-11-08 00:00 (week ending
11-15, ORIG 60 s each); r12 2026-10-01 (oldest trend week, 90 s, media good); r13 2026-09-26 (before it).
Queue stats: o1 q1 HQ 11-16 (10 total, 3 answered ASA 12 s, 1 abandoned after 30 s, 2 busy, 1 timeout),
o1 q1 HQ 11-17 (5 total, 1 answered ASA 13 s, 3 abandoned after 60 s, 1 transferred),
o3 q9 Remote 11-20 (4 total, 4 answered ASA 20 s), and o1 q1 on D itself (outside).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from partner_analytics.warehouse import mart

pytestmark = pytest.mark.slow

D = dt.date(2026, 11, 22)
SNAP = dt.date(2026, 11, 20)
UTC = dt.UTC
LATER = dt.date(2026, 11, 29)  # a snapshot dated after D: never in force for this run


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def media(org_id, session, started_at, audio=None, video=None):
    """A media_quality row; audio/video = {(direction, metric): value}, samples on given directions."""
    row = {"org_id": org_id, "local_session_id": session, "correlation_id": None, "started_at": started_at, "ended_at": started_at}
    for stream, values in (("audio", audio or {}), ("video", video or {})):
        directions = {d for d, _ in values}
        for d in ("in", "out"):
            row[f"{stream}_{d}_sample_count"] = 2 if d in directions else 0
        for (d, metric), v in values.items():
            row[f"{stream}_{d}_{metric}"] = v
    return row


GOOD_AUDIO = {
    ("in", "jitter_ms"): 10.0,
    ("out", "jitter_ms"): 20.0,
    ("in", "latency_ms"): 50.0,
    ("out", "latency_ms"): 60.0,
    ("in", "packet_loss_pct"): 0.1,
    ("out", "packet_loss_pct"): 0.2,
}


def leg(
    lake,
    report_id,
    org_id,
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
    session=None,
    related=None,
    original=None,
):
    lake.add(
        "cdr",
        report_id=report_id,
        report_at=ts(started),
        org_id=org_id,
        correlation_id=corr,
        local_session_id=session,
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
    )


def build_lake(lake) -> None:
    # customers: the snapshot in force at D names them; the later one is ignored
    for snap, names in (
        (dt.date(2026, 11, 15), ("Old Acme", "Beta", "Gamma")),
        (D, ("Acme", "Beta", "Gamma")),
        (LATER, ("Future Acme", "Future Beta", "Future Gamma")),
    ):
        for org, name, ext in zip(("o1", "o2", "o3"), names, ("EXT-1", None, "EXT-3")):
            lake.add("customers", org_id=org, display_name=name, external_id=ext, region="US", managed_by="PARTNER", snapshot_date=snap)
    lake.add("locations", location_id="L1", org_id="o1", location_name="HQ", country="US", pstn_provider_name="AT&T", snapshot_date=SNAP)
    lake.add("locations", location_id="L2", org_id="o1", location_name="Branch", country="US", pstn_provider_name=None, snapshot_date=SNAP)
    lake.add("locations", location_id="L3", org_id="o2", location_name="Main", country="CA", pstn_provider_name="Bell", snapshot_date=SNAP)
    for pid, org, email in (("p1", "o1", "anna@acme.example"), ("p2", "o1", "bob@acme.example"), ("p3", "o2", "carl@beta.example")):
        lake.add("people", person_id=pid, org_id=org, display_name=pid, primary_email=email, snapshot_date=SNAP)
    lake.add(
        "devices",
        device_id="d1",
        org_id="o1",
        person_id="p1",
        location_id="L1",
        product="Cisco 8845",
        device_type="phone",
        device_platform="cisco",
        mac="AABBCCDDEEFF",
        firmware="sip88xx.14-2",
        snapshot_date=SNAP,
    )
    lake.add(
        "devices",
        device_id="d2",
        org_id="o1",
        workspace_id="w1",
        location_id="L2",
        product="Cisco Room Kit",
        device_type="roomdesk",
        device_platform="cisco",
        mac="112233445566",
        firmware="ce11.2",
        snapshot_date=SNAP,
    )
    lake.add(
        "devices",
        device_id="d3",
        org_id="o2",
        person_id="p3",
        location_id="L3",
        product="Poly VVX 450",
        device_type="phone",
        device_platform="polycom",
        mac="0004F2AABBCC",
        firmware="6.4",
        snapshot_date=SNAP,
    )
    # only in a snapshot after D: neither in the Devices Report nor matched (r5's MAC stays unmatched)
    lake.add(
        "devices",
        device_id="d9",
        org_id="o1",
        person_id="p2",
        location_id="L1",
        product="Cisco 8865",
        device_type="phone",
        device_platform="cisco",
        mac="999999999999",
        firmware="x",
        snapshot_date=LATER,
    )

    def number(org, phone, ext, state, kind, loc_id, loc, owner=None, owner_type=None, idx=1):
        lake.add(
            "numbers",
            org_id=org,
            phone_number=phone,
            extension=ext,
            state=state,
            phone_number_type=kind,
            is_main_number=False,
            location_id=loc_id,
            location_name=loc,
            owner_id=owner,
            owner_type=owner_type,
            number_index=idx,
            snapshot_date=SNAP,
        )

    number("o1", "+15550001", "101", "ACTIVE", "PRIMARY", "L1", "HQ", "p1", "PEOPLE", 1)
    number("o1", None, "102", "ACTIVE", "PRIMARY", "L1", "HQ", "p2", "PEOPLE", 2)
    number("o1", "+15550002", None, "ACTIVE", "PRIMARY", "L2", "Branch", "w1", "PLACE", 3)
    number("o1", "+15550003", None, "INACTIVE", "PRIMARY", "L1", "HQ", None, None, 4)
    number("o2", "+15550100", "200", "ACTIVE", "ALTERNATE", "L3", "Main", "p3", "PEOPLE", 1)
    number("o2", "+15550101", None, "ACTIVE", "PRIMARY", "L3", "Main", "hg1", "HUNT_GROUP", 2)

    leg(lake, "r1", "o1", "2026-11-15 00:00:00", corr="c1", duration=120, mac="AABBCCDDEEFF", session="s1")
    leg(
        lake,
        "r2",
        "o1",
        "2026-11-15 00:00:05",
        corr="c1",
        direction="TERMINATING",
        user="hg",
        user_type="HuntGroup",
        answered=False,
        session="s2",
        related="HuntGroup",
    )
    leg(
        lake,
        "r3",
        "o1",
        "2026-11-15 00:00:06",
        corr="c1",
        direction="TERMINATING",
        user="hg",
        user_type="HuntGroup",
        answered=False,
        session="s3",
        related="HuntGroup",
    )
    leg(lake, "r4", "o1", "2026-11-18 09:00:00", corr="c2", user="p2", duration=300, mac="112233445566", session="s4", original="CalllPark")
    leg(
        lake,
        "r5",
        "o1",
        "2026-11-19 12:00:00",
        corr="c3",
        direction="TERMINATING",
        user="aa",
        user_type="AutomatedAttendantVideo",
        location="Branch",
        duration=45,
        mac="999999999999",
        client="WXC_CLIENT",
        session="s5",
    )
    leg(lake, "r6", "o1", "2026-11-21 23:59:59", location="Branch", duration=61, client="WXC_THIRD_PARTY", session="s6")
    leg(lake, "r7", "o1", "2026-11-22 00:00:00", corr="c7", duration=600, mac="AABBCCDDEEFF", session="s7")
    leg(lake, "r8", "o2", "2026-11-17 10:00:00", corr="c8", user="p3", location="Main", duration=30, mac="0004F2AABBCC", session="s8", related="CallQueue")
    leg(
        lake,
        "r9",
        "o2",
        "2026-11-17 10:00:10",
        corr="c8",
        direction="TERMINATING",
        user="p3",
        location="Main",
        duration=30,
        client="TEAMS_WXC_CLIENT",
        session="s9",
    )
    leg(lake, "r10", "o1", "2026-11-14 23:59:59", corr="c10", duration=60)
    leg(lake, "r11", "o1", "2026-11-08 00:00:00", corr="c11", duration=60)
    leg(lake, "r12", "o1", "2026-10-01 08:00:00", corr="c12", duration=90, session="s12")
    leg(lake, "r13", "o1", "2026-09-26 23:00:00", corr="c13", duration=90)

    lake.add("media_quality", **media("o1", "s1", ts("2026-11-15 00:00:01"), audio=GOOD_AUDIO))
    lake.add(
        "media_quality",
        **media(
            "o1",
            "s4",
            ts("2026-11-18 09:00:01"),
            audio={("in", "jitter_ms"): 150.0, ("out", "jitter_ms"): 149.0},
            video={("in", "latency_ms"): 401.0, ("out", "latency_ms"): 300.0},
        ),
    )
    lake.add(
        "media_quality",
        **media(
            "o1",
            "s6",
            ts("2026-11-22 00:00:01"),  # media starts after D: still joins
            audio={("in", "packet_loss_pct"): 5.0, ("out", "packet_loss_pct"): 4.0},
        ),
    )
    lake.add("media_quality", **media("o2", "s8", ts("2026-11-17 10:00:01"), audio={("in", "packet_loss_pct"): 1.0, ("out", "packet_loss_pct"): 5.01}))
    lake.add("media_quality", **media("o2", "s9", ts("2026-11-17 10:00:11"), audio={("in", "jitter_ms"): 150.01}))
    lake.add("media_quality", **media("o1", "s12", ts("2026-10-01 08:00:01"), audio=GOOD_AUDIO))
    # same session id in another org: must not rate o1's r2
    lake.add("media_quality", **media("o2", "s2", ts("2026-11-15 00:00:05"), audio={("in", "jitter_ms"): 999.0}))

    def queue_day(org, queue, loc, day, total, answered, abandoned, asa, abandon, busy=0, timeout=0, transferred=0):
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

    queue_day("o1", "q1", "HQ", dt.date(2026, 11, 16), 10, 3, 1, 12.0, 30.0, busy=2, timeout=1)
    queue_day("o1", "q1", "HQ", dt.date(2026, 11, 17), 5, 1, 3, 13.0, 60.0, transferred=1)
    queue_day("o3", "q9", "Remote", dt.date(2026, 11, 20), 4, 4, 0, 20.0, None)
    queue_day("o1", "q1", "HQ", D, 100, 100, 0, 99.0, None)
    lake.write()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, calling_lake):
    lake = calling_lake.LakeBuilder(tmp_path_factory.mktemp("calling") / "home")
    build_lake(lake)
    path = calling_lake.build_region(lake.home, "US", D)
    return lambda relation, order_by: calling_lake.query(path, f"select * from {mart(relation)} order by {order_by}")


def rows(warehouse, relation: str, order_by: str) -> list[tuple]:
    return warehouse(relation, order_by)


def test_call_volume_trend_has_eight_weeks_with_exact_bounds(warehouse):
    zero = Decimal("0.00")
    assert rows(warehouse, "rpt_call_volume_trend", "week_ending") == [
        (dt.date(2026, 10, 4), 1, 1, 1, Decimal("1.50")),  # r12: 90 s; r13 (09-26) is before the oldest week
        (dt.date(2026, 10, 11), 0, 0, 0, zero),
        (dt.date(2026, 10, 18), 0, 0, 0, zero),
        (dt.date(2026, 10, 25), 0, 0, 0, zero),
        (dt.date(2026, 11, 1), 0, 0, 0, zero),
        (dt.date(2026, 11, 8), 0, 0, 0, zero),
        (dt.date(2026, 11, 15), 2, 2, 1, Decimal("2.00")),  # r10 (11-14 23:59:59), r11 (11-08 00:00): 120 s
        # W: calls r1 r4 r6 r8 = 4; legs r1-r6 r8 r9 = 8 (r7 at D is next week); users p1 p2 p3;
        # 120 + 0 + 0 + 300 + 45 + 61 + 30 + 30 = 586 s = 9.7666 -> 9.77
        (dt.date(2026, 11, 22), 4, 8, 3, Decimal("9.77")),
    ]


def test_call_quality_trend(warehouse):
    got = rows(warehouse, "rpt_call_quality_trend", "week_ending")
    assert len(got) == 8
    assert got[0] == (dt.date(2026, 10, 4), 1, 0, Decimal("0.0"))  # r12 rated, good
    assert got[6] == (dt.date(2026, 11, 15), 0, 0, None)  # no media that week: empty %, not 0
    # rated r1 r4 r6 r8 r9 = 5 (r2's session s2 has media only in org o2); poor r4 r8 r9 = 3 -> 60.0
    assert got[7] == (dt.date(2026, 11, 22), 5, 3, Decimal("60.0"))
    assert all(r[1:] == (0, 0, None) for r in got[1:6])


def test_call_quality_by_endpoint_type(warehouse):
    assert rows(warehouse, "rpt_call_quality_by_endpoint_type", "endpoint_type") == [
        ("Desk Phone", 1, 0, Decimal("0.0")),  # r1 (d1 cisco phone)
        ("Other Devices", 2, 1, Decimal("50.0")),  # r6 (WXC_THIRD_PARTY, loss 5.0 ok), r8 (polycom, loss 5.01)
        ("Room Device", 1, 1, Decimal("100.0")),  # r4 (d2 cisco roomdesk), video latency 401
        ("Unknown", 0, 0, None),  # r2 r3: no MAC, no client type, not rated
        ("Webex App", 1, 1, Decimal("100.0")),  # r5 (MAC only in a later snapshot, WXC_CLIENT, unrated), r9 jitter 150.01
    ]


def test_customers_and_usage(warehouse):
    assert rows(warehouse, "rpt_customers_and_usage", "customer") == [
        # o1: users p1 p2 (HuntGroup / auto attendant legs are not people); calls r1 r4 r6 = 3; legs 6;
        # 120 + 0 + 0 + 300 + 45 + 61 = 526 s = 8.7666 -> 8.77; previous week r10 r11 = 2: (3 - 2) / 2 = 50.0
        ("Acme", "o1", 2, 3, 6, Decimal("8.77"), Decimal("50.0")),
        # o2: p3; call r8; legs r8 r9; 60 s = 1.00; no calls the week before -> empty
        ("Beta", "o2", 1, 1, 2, Decimal("1.00"), None),
    ]


def test_customers_and_call_quality(warehouse):
    assert rows(warehouse, "rpt_customers_and_call_quality", "customer") == [
        ("Acme", "o1", 3, 1, Decimal("33.3")),  # rated r1 r4 r6, poor r4: 1 / 3 = 33.33 -> 33.3
        ("Beta", "o2", 2, 2, Decimal("100.0")),  # r8 r9 both poor
    ]


def test_feature_usage_counts_calls_not_legs(warehouse):
    assert rows(warehouse, "rpt_feature_usage", "feature") == [
        ("Auto Attendant", 1),  # c3: TERMINATING AutomatedAttendantVideo leg
        ("Call Park", 1),  # c2: Original reason CalllPark (sic)
        ("Call Queue", 1),  # o2 c8
        ("Hunt Group", 1),  # c1: two hunt-group legs, one call
    ]


def test_call_queue_kpis_are_weighted(warehouse):
    # W days: 11-16 (o1), 11-17 (o1), 11-20 (o3); D itself excluded. Totals 10 + 5 + 4 = 19,
    # answered 3 + 1 + 4 = 8, abandoned 1 + 3 + 0 = 4.
    # ASA (12 x 3 + 13 x 1 + 20 x 4) / 8 = 129 / 8 = 16.125 -> 16.1 (mean of means would be 15.0)
    # wait (30 x 1 + 60 x 3) / 4 = 52.5; abandoned 4 / 19 = 21.05 % -> 21.1
    assert rows(warehouse, "rpt_call_queue_kpis", "total_calls") == [
        (19, 8, 4, Decimal("16.1"), Decimal("52.5"), Decimal("21.1")),
    ]


def test_customers_and_call_queues(warehouse):
    assert rows(warehouse, "rpt_customers_and_call_queues", "customer") == [
        # o1: ASA (36 + 13) / 4 = 12.25 -> 12.3 (half away from zero); abandoned 4 / 15 = 26.67 -> 26.7
        ("Acme", "o1", 1, 15, 4, 4, Decimal("26.7"), Decimal("12.3"), Decimal("52.5"), 2, 1, 1),
        # o3 has queues but no legs; no abandoned calls -> wait empty, rate 0.0
        ("Gamma", "o3", 1, 4, 4, 0, Decimal("0.0"), Decimal("20.0"), None, 0, 0, 0),
    ]


def test_calling_usage_detail_report(warehouse):
    z = Decimal("0.00")
    assert rows(warehouse, "rpt_calling_usage_detail", "org_id, location") == [
        # Branch: r5 (AA, answered, no media -> audio; Webex App), r6 (media audio; Other Devices);
        # calls r6 = 1; 45 + 61 = 106 s = 1.7666 -> 1.77; no queue stats at Branch -> 0s
        ("Acme", "o1", "Branch", 1, 2, 0, Decimal("1.77"), z, 2, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0),
        # HQ: legs r1 r2 r3 r4 (r7 at D excluded); calls r1 r4; poor r4; 420 s = 7.00; video r4 300 s = 5.00;
        # audio r1 r4 (r2 r3 unanswered without media); desk r1, room r4; hunt-group call c1 once;
        # queues in W at HQ: total 15, timeout 1, busy 2, transferred 1, abandoned 4
        ("Acme", "o1", "HQ", 2, 4, 1, Decimal("7.00"), Decimal("5.00"), 2, 1, 1, 1, 0, 1, 0, 15, 1, 2, 1, 4),
        # Main: r8 r9; call r8; both poor; 60 s; r8 polycom -> Other Devices, r9 Webex App
        ("Beta", "o2", "Main", 1, 2, 2, Decimal("1.00"), z, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
    ]


def test_devices_report(warehouse):
    assert rows(warehouse, "rpt_devices", "mac_address") == [
        # d3: o2 has no external id; p3 owns only an ALTERNATE number -> no phone number
        (None, "Beta", "o2", "L3", "Main", "Poly VVX 450", "0004F2AABBCC", "6.4", None, None, "carl@beta.example", "p3"),
        # d2: workspace device: the PRIMARY number of workspace w1, no user
        ("EXT-1", "Acme", "o1", "L2", "Branch", "Cisco Room Kit", "112233445566", "ce11.2", "+15550002", None, None, None),
        # d1: p1's PRIMARY entry has both number and extension
        ("EXT-1", "Acme", "o1", "L1", "HQ", "Cisco 8845", "AABBCCDDEEFF", "sip88xx.14-2", "+15550001", "101", "anna@acme.example", "p1"),
    ]  # d9 exists only in the snapshot after D


def test_phone_numbers_report(warehouse):
    got = rows(warehouse, "rpt_phone_numbers", "customer_org_id, coalesce(phone_number, ''), extension")
    assert got == [
        ("EXT-1", "Acme", "o1", "L1", "HQ", "US", None, "101", None, True, "People", None, "anna@acme.example", "p1"),
        ("EXT-1", "Acme", "o1", "L1", "HQ", "US", None, "102", None, True, "People", None, "bob@acme.example", "p2"),
        # the entry +15550001 / 101 gives this row and the extension row above
        ("EXT-1", "Acme", "o1", "L1", "HQ", "US", "+15550001", None, "AT&T", True, "People", "Primary", "anna@acme.example", "p1"),
        ("EXT-1", "Acme", "o1", "L2", "Branch", "US", "+15550002", None, None, True, "Workspace", "Primary", None, "w1"),
        # unassigned: no user type, number type or user
        ("EXT-1", "Acme", "o1", "L1", "HQ", "US", "+15550003", None, "AT&T", False, None, None, None, None),
        (None, "Beta", "o2", "L3", "Main", "CA", None, "200", None, True, "People", None, "carl@beta.example", "p3"),
        (None, "Beta", "o2", "L3", "Main", "CA", "+15550100", None, "Bell", True, "People", "Alternate", "carl@beta.example", "p3"),
        (None, "Beta", "o2", "L3", "Main", "CA", "+15550101", None, "Bell", True, "Hunt Group", "Primary", None, "hg1"),
    ]
