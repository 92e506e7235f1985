"""End to end, calling side: every calling engagement export and the Calling Usage Detail Report for US,
D = 2026-11-22, worked out by hand from SPEC §6.4 and §7 over the landing set of conftest.py.

The loaded US legs (after dedupe and quarantine), W = [2026-11-15, 2026-11-22):

 leg     call    org      dir   user (type)        endpoint (why)                       loc          s    media
 R-A1-1  c-a-1   Acme     ORIG  alice (User)       Desk Phone (MAC = dev-1 cisco phone)  Acme HQ     120  rated, jitter mean 150 -> ok
 R-A1-2  c-a-1   Acme     TERM  bob (User)         Unknown (client SIP, no MAC)          Acme HQ     118  rated, jitter 150.5 -> POOR
 R-A2-1  c-a-2   Acme     TERM  hg-sales (HuntGr.) Unknown (no client)                   Acme Branch   5  none, unanswered: no audio
 R-A2-2  c-a-2   Acme     TERM  carol (User)       Webex App (WXC_CLIENT)                Acme Branch 300  none, answered: audio
 R-A2-3  c-a-2   Acme     ORIG  carol (User)       Webex App                             Acme Branch  60  none, answered: audio
 R-A3-1  c-a-3   Acme     ORIG  ws (Place)         Room Device (lower-case MAC = dev-2)  Acme HQ     604  rated, video latency 425 -> POOR
 R-A5-1  c-a-5   Acme     ORIG  bob (User)         Webex App                             Acme HQ      90  none (the 80 s copy lost)
 R-F1-1  c-f-1   =Formula ORIG  dave (User)        Other Devices (WXC_THIRD_PARTY; MAC of another org)
                                                                                         Formula Main 75  rated, loss 6.0 -> POOR
 R-F1-2  c-f-1   =Formula TERM  aa-f (AutomatedAttendantVideo) Unknown                   Formula Main 74  none, answered: audio
 R-F2-1  c-f-2   =Formula INTERNAL dave (User)     Webex App (TEAMS_WXC_CLIENT)          Formula Main 30  none, unanswered
 R-G1-1  c-g-1   Globex   ORIG  erin (User)        Other Devices (dev-3, platform poly)  Globex Plant 240 rated, jitter mean 80 -> ok
 R-G1-2  c-g-1   Globex   TERM  frank (User)       Unknown (SIP)                         Globex Plant 238 rated, latency 410 -> POOR
 R-G2-1  c-g-2   Globex   TERM  cq-1 (CallQueue)   Unknown                               Globex Plant  50 rated, ok
 R-G2-2  c-g-2   Globex   TERM  frank (User)       Webex App                             Globex Plant  31 none, answered: audio
Outside W: R-A4-1 (exactly D), W-1: R-A0-1 carol 200 s, R-A0-2 alice 100 s (rated, jitter 160 POOR),
R-A0-3 bob 40 s (all ORIG, Acme); week ending 2026-10-11: R-A9-1 gina 185 s. R-F3-1 (Duration "abc") is
quarantined.
"""

import pytest

from .conftest import Num, assert_table

pytestmark = pytest.mark.slow  # reads the exports of one full pipeline run

ZERO = Num("0")


def test_call_volume_trend(e2e):
    header, rows = e2e.read("Call Volume Trend")
    expected = [
        ["2026-10-04", "0", "0", "0", ZERO],
        # R-A9-1 only: 1 call, 1 leg, 1 user (gina), 185/60 = 3.083 -> 3.08
        ["2026-10-11", "1", "1", "1", "3.08"],
        ["2026-10-18", "0", "0", "0", ZERO],
        ["2026-10-25", "0", "0", "0", ZERO],
        ["2026-11-01", "0", "0", "0", ZERO],
        ["2026-11-08", "0", "0", "0", ZERO],
        # W-1: R-A0-1/2/3: 3 calls, 3 legs, 3 users (carol, alice, bob), 340/60 = 5.667 -> 5.67
        ["2026-11-15", "3", "3", "3", "5.67"],
        # W: calls = ORIGINATING legs R-A1-1, R-A2-3, R-A3-1, R-A5-1, R-F1-1, R-G1-1 = 6 (R-F2-1's unknown
        # direction is not a call); legs 14; users of type User: alice, bob, carol, dave, erin, frank = 6;
        # seconds 120+118+5+300+60+604+90 + 75+74+30 + 240+238+50+31 = 1297 + 179 + 559 = 2035
        # -> 2035/60 = 33.917 -> 33.92
        ["2026-11-22", "6", "14", "6", "33.92"],
    ]
    assert_table(header, rows, ["Week Ending", "Calls", "Call Legs", "Active Users", "Call Minutes"], expected)


def test_customers_and_usage(e2e):
    header, rows = e2e.read("Customers and Usage")
    expected = [
        # =Formula: users dave = 1; calls R-F1-1 = 1; legs 3; 179/60 = 2.983 -> 2.98; no calls in W-1 -> empty
        ["'=Formula Corp", "org-us-formula", "1", "1", "3", "2.98", ""],
        # Acme: users alice, bob, carol = 3; calls 4; legs 7; 1297/60 = 21.617 -> 21.62;
        # calls change (4 - 3) / 3 * 100 = 33.33 -> 33.3
        ["Acme Health", "org-us-acme", "3", "4", "7", "21.62", "33.3"],
        # Globex: users erin, frank = 2; calls 1; legs 4; 559/60 = 9.317 -> 9.32; no W-1 calls -> empty
        ["Globex", "org-us-globex", "2", "1", "4", "9.32", ""],
    ]
    assert_table(header, rows, ["Customer", "Org ID", "Active Users", "Calls", "Call Legs", "Call Minutes", "Calls Change %"], expected)


def test_call_quality_trend(e2e):
    header, rows = e2e.read("Call Quality Trend")
    no_rated = ["0", "0", ""]  # no rated legs: the percentage over an empty set is empty
    expected = [
        ["2026-10-04", *no_rated],
        ["2026-10-11", *no_rated],
        ["2026-10-18", *no_rated],
        ["2026-10-25", *no_rated],
        ["2026-11-01", *no_rated],
        ["2026-11-08", *no_rated],
        # W-1: R-A0-2 rated and poor (jitter 160) -> 1, 1, 100.0
        ["2026-11-15", "1", "1", "100.0"],
        # W: rated R-A1-1, R-A1-2, R-A3-1, R-F1-1, R-G1-1, R-G1-2, R-G2-1 = 7; poor R-A1-2, R-A3-1, R-F1-1,
        # R-G1-2 = 4 -> 4/7 = 57.14 -> 57.1
        ["2026-11-22", "7", "4", "57.1"],
    ]
    assert_table(header, rows, ["Week Ending", "Rated Call Legs", "Poor Quality Call Legs", "Poor Quality %"], expected)


def test_call_quality_by_endpoint_type(e2e):
    header, rows = e2e.read("Call Quality by Endpoint Type")
    expected = [
        ["Desk Phone", "1", "0", "0.0"],  # R-A1-1
        ["Room Device", "1", "1", "100.0"],  # R-A3-1 (video latency)
        ["Webex App", "0", "0", ""],  # R-A2-2, R-A2-3, R-A5-1, R-F2-1, R-G2-2: legs, none rated
        ["Other Devices", "2", "1", "50.0"],  # R-F1-1 (poor), R-G1-1 (ok)
        ["Unknown", "3", "2", "66.7"],  # R-A1-2 (poor), R-G1-2 (poor), R-G2-1 (ok); R-A2-1, R-F1-2 unrated; 2/3
    ]
    # SPEC lists the types but fixes no row order: compare as a set.
    assert_table(header, rows, ["Endpoint Type", "Rated Call Legs", "Poor Quality Call Legs", "Poor Quality %"], expected, sort_key=(0,))


def test_customers_and_call_quality(e2e):
    header, rows = e2e.read("Customers and Call Quality")
    expected = [
        ["'=Formula Corp", "org-us-formula", "1", "1", "100.0"],  # R-F1-1
        ["Acme Health", "org-us-acme", "3", "2", "66.7"],  # R-A1-1, R-A1-2 (poor), R-A3-1 (poor): 2/3
        ["Globex", "org-us-globex", "3", "1", "33.3"],  # R-G1-1, R-G1-2 (poor), R-G2-1: 1/3
    ]
    assert_table(header, rows, ["Customer", "Org ID", "Rated Call Legs", "Poor Quality Call Legs", "Poor Quality %"], expected)


def test_feature_usage(e2e):
    header, rows = e2e.read("Feature Usage")
    expected = [
        ["Auto Attendant", "1"],  # c-f-1: TERMINATING leg R-F1-2 of User type AutomatedAttendantVideo
        ["Call Forward", "1"],  # c-f-2: Original reason CallForwardNoAnswer (its leg's direction is unknown)
        ["Call Park", "2"],  # c-a-1 (Related CallParkRetrieve), c-a-5 (Redirect "CalllPark")
        ["Call Queue", "1"],  # c-g-2: two legs with Related CallQueue -> one distinct call
        ["Hunt Group", "1"],  # c-a-2: R-A2-1 Original HuntGroup and R-A2-2 Related HuntGroup -> one call
        ["Transfer", "1"],  # c-a-2: R-A2-3 ConsultativeTransfer
    ]
    assert_table(header, rows, ["Feature", "Calls"], expected, sort_key=(0,))


def test_call_queue_kpis(e2e):
    header, rows = e2e.read("Call Queue KPIs")
    # queue-days in W: Globex support 11-16 (10 total, 8 answered, 2 abandoned, ASA 10.5, abandon 30.0),
    # 11-18 (5, 2, 3, ASA 40.0, abandon 20.0); Acme front desk 11-20 (4, 4, 0, ASA 5.0). The 2026-11-22 row is
    # outside W and the repeated 11-16 row is a duplicate.
    # total 19, answered 14, abandoned 5;
    # ASA = (10.5*8 + 40*2 + 5*4) / 14 = 184/14 = 13.14 -> 13.1 (a plain mean would be 18.5);
    # wait before abandon = (30*2 + 20*3 + 0*0) / 5 = 24.0; abandoned rate 5/19 = 26.32 -> 26.3
    expected = [["19", "14", "5", "13.1", "24.0", "26.3"]]
    assert_table(
        header,
        rows,
        ["Total Calls", "Answered Calls", "Abandoned Calls", "Average Speed of Answer (s)", "Average Wait Before Abandon (s)", "Abandoned Rate %"],
        expected,
    )


def test_customers_and_call_queues(e2e):
    header, rows = e2e.read("Customers and Call Queues")
    expected = [
        # Acme: 1 queue, 4/4/0; rate 0/4 = 0.0; ASA 5*4/4 = 5.0; no abandoned calls -> wait empty;
        # busy 0, timeout 0, transferred 2
        ["Acme Health", "org-us-acme", "1", "4", "4", "0", "0.0", "5.0", "", "0", "0", "2"],
        # Globex: 1 queue, 15/10/5; rate 5/15 = 33.3; ASA (84 + 80)/10 = 16.4 (plain mean 25.25);
        # wait (60 + 60)/5 = 24.0; busy 0+1 = 1, timeout 1+0 = 1, transferred 1
        ["Globex", "org-us-globex", "1", "15", "10", "5", "33.3", "16.4", "24.0", "1", "1", "1"],
        # =Formula has no queue stats in W: not listed
    ]
    assert_table(
        header,
        rows,
        [
            "Customer",
            "Org ID",
            "Queues",
            "Total Calls",
            "Answered Calls",
            "Abandoned Calls",
            "Abandoned Rate %",
            "Average Speed of Answer (s)",
            "Average Wait Before Abandon (s)",
            "Overflowed Calls - Busy",
            "Overflowed Calls - Timeout",
            "Transferred Calls",
        ],
        expected,
    )


USAGE_DETAIL_HEADER = [
    "Customer Name",
    "Org ID",
    "Location",
    "Total Calls",
    "Total Call Legs",
    "Total Poor Quality Calls",
    "Call Minutes",
    "Call Minutes - Video",
    "Call Legs - Audio",
    "Call Legs - Video",
    "Call Legs - Desk Phone",
    "Call Legs - Room Device",
    "Call Legs - Other Devices",
    "Calls - Hunt Group Calls",
    "Calls - Auto Attendant Calls",
    "Call Queue - Total Calls",
    "Call Queue - Timed Out Calls",
    "Call Queue - Overflowed Calls",
    "Call Queue - Transferred Calls",
    "Call Queue - Abandoned Calls",
]


def test_calling_usage_detail_report(e2e):
    header, rows = e2e.read("Calling Usage Detail Report")
    expected = [
        # Acme / Acme Branch: R-A2-1, R-A2-2, R-A2-3. Calls: R-A2-3 = 1; legs 3; none rated -> 0 poor;
        # 5+300+60 = 365 s -> 6.083 -> 6.08; no video -> 0; audio: R-A2-2, R-A2-3 (answered, no media
        # record), R-A2-1 unanswered -> 2; hunt group calls: c-a-2 has a TERMINATING HuntGroup leg -> 1.
        # Queue stats at Acme Branch: front desk 11-20: total 4, timeout 0, overflow (busy) 0, transferred 2,
        # abandoned 0.
        ["Acme Health", "org-us-acme", "Acme Branch", "1", "3", "0", "6.08", ZERO, "2", "0", "0", "0", "0", "1", "0", "4", "0", "0", "2", "0"],
        # Acme / Acme HQ: R-A1-1, R-A1-2, R-A3-1, R-A5-1. Calls R-A1-1, R-A3-1, R-A5-1 = 3; legs 4;
        # poor R-A1-2, R-A3-1 = 2; 120+118+604+90 = 932 s -> 15.533 -> 15.53; video minutes 604/60 = 10.067
        # -> 10.07; audio: all 4 (three with audio samples, R-A5-1 answered without media); video 1;
        # desk phone 1 (R-A1-1); room device 1 (R-A3-1); no queue stats at HQ -> 0s.
        ["Acme Health", "org-us-acme", "Acme HQ", "3", "4", "2", "15.53", "10.07", "4", "1", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0"],
        # =Formula / Formula Main: R-F1-1, R-F1-2, R-F2-1. Calls 1; legs 3; poor 1 (R-F1-1); 179 s -> 2.98;
        # audio: R-F1-1 (samples), R-F1-2 (answered, no media) = 2; other devices 1 (R-F1-1);
        # auto attendant calls: c-f-1 -> 1; no queue stats.
        ["'=Formula Corp", "org-us-formula", "Formula Main", "1", "3", "1", "2.98", ZERO, "2", "0", "0", "0", "1", "0", "1", "0", "0", "0", "0", "0"],
        # Globex / Globex Plant: R-G1-1, R-G1-2, R-G2-1, R-G2-2. Calls 1; legs 4; poor 1 (R-G1-2);
        # 559 s -> 9.32; audio 4; other devices 1 (R-G1-1). Queue stats (11-16, 11-18): total 15,
        # timed out (Overflowed - Timeout) 1, overflowed (Overflowed - Busy) 1, transferred 1, abandoned 5.
        ["Globex", "org-us-globex", "Globex Plant", "1", "4", "1", "9.32", ZERO, "4", "0", "0", "0", "1", "0", "0", "15", "1", "1", "1", "5"],
    ]
    # SPEC 7 fixes no row order for this report: compare as a set keyed on Org ID, Location.
    assert_table(header, rows, USAGE_DETAIL_HEADER, expected, sort_key=(1, 2))
