"""End-to-end values of every subscription rpt_ table: a hand-made lake -> build_region -> exact cells.

The scenario (D = 2026-11-22, W = [2026-11-15, 2026-11-22), last 3 months = [2026-08-24, 2026-11-22)):

customers (snapshot D; an older one with a stale tag is ignored)
  o1 Acme   PARTNER         EXT-1  last admin 2026-11-20        tags gold, east
  o2 Beta   EXTERNAL_ADMIN  -      last admin never
  o3 Cobalt PARTNER         EXT-3  last admin 2026-10-01 (< D-30 = 2026-10-23)  tag west
  o4 Delta  PARTNER         -      last admin 2026-11-21        no subscription, no license
subscriptions (snapshots D-7 and D identical; one dated D+7 cancels S1 and must be ignored)
  S1 o1 SUBSCRIPTION ACTIVE   created 2026-10-01  end 2027-01-31 (D+70)  autoRenew true
  S2 o1 TRIAL        ACTIVE   created 2026-11-10  end 2026-12-10 (D+18)  autoRenew false
  S3 o2 SUBSCRIPTION ACTIVE   created 2025-06-01  end 2027-06-01         autoRenew true
  S4 o2 SUBSCRIPTION ACTIVE   created 2024-01-01  end 2027-02-10 (D+80)  autoRenew false
  S5 o3 SUBSCRIPTION ACTIVE   created 2025-01-15  end 2028-01-01         autoRenew true
  S6 o3 SUBSCRIPTION SUSPENDED
licenses           at D (total/assigned)        at D-7
  L1 o1 Calling  S1   10 / 8                    10 / 6
  L2 o1 Meetings S2   20 / 5                    (absent)
  L3 o2 Calling  S3   40 / 10                   40 / 12
  L4 o2 Calling  S4    5 / 6                     5 / 6
  L5 o2 Meetings S3    8 / 8                     8 / 7
  L6 o3 Calling  S5   20 / 19                   20 / 19
  L7 o3 Messaging S5 100 / 50                  100 / 50
  L8 o3 Calling  S6    5 / 5                     5 / 5
  (a licenses snapshot dated D+7 with L1 999/999 must be ignored)
people at D: p1 o1 Ann@Acme.example [L1 L2]; p2 o1 bob@.. + Robert@acme.example [L1 L2];
             p3 o2 cy@beta.example [L3 L5]; p4 o2 [L4]; p5 o3 [L6]
people at D-7: p1 [L1]; p3 [L3 L5] (same email); p4 [L4]; p5 [L6]
CDR legs: p1 2026-11-16 (W); p2 2026-10-01 (3 months only); p3 2026-11-21 23:59:59 (W) and
          2026-11-10 (W-1); p4 2026-11-22 00:00 (= D, outside) and 2026-11-09 (W-1);
          p5 2026-08-24 00:00 (= D-90, inside 3 months) and 2026-08-20 (outside); u9 (no person) in W
meetings: ANN@acme.example 2026-11-17 (W, matches p1 case-insensitively);
          robert@ACME.example 2026-09-15 (p2, 3 months only); cy@beta.example 2026-11-12 (p3, W-1)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from partner_analytics.warehouse import mart

from .conftest import build, d, query, ts

pytestmark = pytest.mark.slow  # runs dbt build

D = dt.date(2026, 11, 22)

CUSTOMERS = [
    {"org_id": "o1", "display_name": "Acme", "external_id": "EXT-1", "managed_by": "PARTNER", "last_admin_activity_at": ts("2026-11-20 08:00:00")},
    {"org_id": "o2", "display_name": "Beta", "external_id": None, "managed_by": "EXTERNAL_ADMIN", "last_admin_activity_at": None},
    {"org_id": "o3", "display_name": "Cobalt", "external_id": "EXT-3", "managed_by": "PARTNER", "last_admin_activity_at": ts("2026-10-01 08:00:00")},
    {"org_id": "o4", "display_name": "Delta", "external_id": None, "managed_by": "PARTNER", "last_admin_activity_at": ts("2026-11-21 08:00:00")},
]


def subscription(sub_id, org, sub_type, status, created, start, end, auto_renew):
    return {
        "subscription_id": sub_id,
        "org_id": org,
        "subscription_type": sub_type,
        "status": status,
        "created_at": ts(created + " 09:00:00"),
        "start_date": d(start),
        "end_date": d(end),
        "is_auto_renew": auto_renew,
    }


SUBSCRIPTIONS = [
    subscription("S1", "o1", "SUBSCRIPTION", "ACTIVE", "2026-10-01", "2026-10-01", "2027-01-31", True),
    subscription("S2", "o1", "TRIAL", "ACTIVE", "2026-11-10", "2026-11-10", "2026-12-10", False),
    subscription("S3", "o2", "SUBSCRIPTION", "ACTIVE", "2025-06-01", "2025-06-01", "2027-06-01", True),
    subscription("S4", "o2", "SUBSCRIPTION", "ACTIVE", "2024-01-01", "2024-01-01", "2027-02-10", False),
    subscription("S5", "o3", "SUBSCRIPTION", "ACTIVE", "2025-01-15", "2025-01-15", "2028-01-01", True),
    subscription("S6", "o3", "SUBSCRIPTION", "SUSPENDED", "2025-01-01", "2025-01-01", "2027-01-01", False),
]

NAMES = {
    "Calling": "Webex Calling - Professional",
    "Meetings": "Webex Meeting - Enterprise",
    "Messaging": "Webex Messaging",
}


def license_row(license_id, org, product, sub_id, total, consumed):
    return {
        "license_id": license_id,
        "org_id": org,
        "license_name": NAMES[product],
        "subscription_id": sub_id,
        "total_units": total,
        "consumed_units": consumed,
    }


LICENSES_D = [
    license_row("L1", "o1", "Calling", "S1", 10, 8),
    license_row("L2", "o1", "Meetings", "S2", 20, 5),
    license_row("L3", "o2", "Calling", "S3", 40, 10),
    license_row("L4", "o2", "Calling", "S4", 5, 6),
    license_row("L5", "o2", "Meetings", "S3", 8, 8),
    license_row("L6", "o3", "Calling", "S5", 20, 19),
    license_row("L7", "o3", "Messaging", "S5", 100, 50),
    license_row("L8", "o3", "Calling", "S6", 5, 5),
]
LICENSES_D_MINUS_7 = [
    license_row("L1", "o1", "Calling", "S1", 10, 6),
    license_row("L3", "o2", "Calling", "S3", 40, 12),
    license_row("L4", "o2", "Calling", "S4", 5, 6),
    license_row("L5", "o2", "Meetings", "S3", 8, 7),
    license_row("L6", "o3", "Calling", "S5", 20, 19),
    license_row("L7", "o3", "Messaging", "S5", 100, 50),
    license_row("L8", "o3", "Calling", "S6", 5, 5),
]

# person -> (org, emails, licenses) per people snapshot
PEOPLE_D = {
    "p1": ("o1", ["Ann@Acme.example"], ["L1", "L2"]),
    "p2": ("o1", ["bob@acme.example", "Robert@acme.example"], ["L1", "L2"]),
    "p3": ("o2", ["cy@beta.example"], ["L3", "L5"]),
    "p4": ("o2", ["di@beta.example"], ["L4"]),
    "p5": ("o3", ["ed@cobalt.example"], ["L6"]),
}
PEOPLE_D_MINUS_7 = {
    "p1": ("o1", ["Ann@Acme.example"], ["L1"]),
    "p3": ("o2", ["cy@beta.example"], ["L3", "L5"]),
    "p4": ("o2", ["di@beta.example"], ["L4"]),
    "p5": ("o3", ["ed@cobalt.example"], ["L6"]),
}

CDR = [
    ("p1", "2026-11-16 09:00:00"),
    ("p2", "2026-10-01 09:00:00"),
    ("p3", "2026-11-21 23:59:59"),
    ("p3", "2026-11-10 09:00:00"),
    ("p4", "2026-11-22 00:00:00"),
    ("p4", "2026-11-09 09:00:00"),
    ("p5", "2026-08-24 00:00:00"),
    ("p5", "2026-08-20 09:00:00"),
    ("u9", "2026-11-17 09:00:00"),
]
MEETINGS = [
    ("ANN@acme.example", "2026-11-17 10:00:00"),
    ("robert@ACME.example", "2026-09-15 10:00:00"),
    ("cy@beta.example", "2026-11-12 10:00:00"),
    ("zed@else.example", "2026-11-17 10:00:00"),
]


def write_people(lake, snapshot_date: str, people: dict) -> None:
    """people + its two bridges, all in the same snapshot partition (as ingestion writes them)."""
    lake.snapshot(
        "people",
        snapshot_date,
        [{"person_id": pid, "org_id": org, "display_name": pid, "primary_email": emails[0]} for pid, (org, emails, _) in people.items()],
    )
    lake.snapshot(
        "people_emails",
        snapshot_date,
        [
            {"person_id": pid, "org_id": org, "email": email, "email_index": i}
            for pid, (org, emails, _) in people.items()
            for i, email in enumerate(emails, start=1)
        ],
    )
    lake.snapshot(
        "people_licenses",
        snapshot_date,
        [{"person_id": pid, "org_id": org, "license_id": lic} for pid, (org, _, licenses) in people.items() for lic in licenses],
    )


@pytest.fixture(scope="module")
def warehouse(lake_builder):
    lake = lake_builder("subs")
    for snapshot_date in ("2026-11-15", "2026-11-22"):
        lake.snapshot("customers", snapshot_date, CUSTOMERS)
        lake.snapshot("subscriptions", snapshot_date, SUBSCRIPTIONS)
    lake.snapshot("customer_tags", "2026-11-15", [{"org_id": "o2", "tag": "stale"}])
    lake.snapshot(
        "customer_tags",
        "2026-11-22",
        [
            {"org_id": "o1", "tag": "gold"},
            {"org_id": "o1", "tag": "east"},
            {"org_id": "o3", "tag": "west"},
        ],
    )
    # dated after D: ignored by the run for D
    lake.snapshot("subscriptions", "2026-11-29", [{**s, "status": "CANCELLED"} for s in SUBSCRIPTIONS])
    lake.snapshot("licenses", "2026-11-15", LICENSES_D_MINUS_7)
    lake.snapshot("licenses", "2026-11-22", LICENSES_D)
    lake.snapshot("licenses", "2026-11-29", [license_row("L1", "o1", "Calling", "S1", 999, 999)])
    write_people(lake, "2026-11-15", PEOPLE_D_MINUS_7)
    write_people(lake, "2026-11-22", PEOPLE_D)
    lake.events(
        "cdr",
        [
            {"report_id": f"r{i}", "org_id": "o1", "user_id": user, "started_at": ts(at), "direction": "ORIGINATING", "user_type": "User"}
            for i, (user, at) in enumerate(CDR)
        ],
    )
    lake.events(
        "meeting_participants", [{"org_id": "o9", "meeting_id": f"m{i}", "email": email, "joined_at": ts(at)} for i, (email, at) in enumerate(MEETINGS)]
    )
    lake.snapshot(
        "partner_admins",
        "2026-11-01",
        [
            {"admin_id": "A1", "email": "ops@partner.example", "role": "PARTNER_FULL_ADMIN"},
            {"admin_id": "A2", "email": "alice@partner.example", "role": "PARTNER_ADMIN"},
        ],
    )
    lake.snapshot(
        "partner_admin_orgs",
        "2026-11-01",
        [
            {"admin_id": "A1", "org_id": "o1"},
            {"admin_id": "A1", "org_id": "o2"},
            {"admin_id": "A2", "org_id": "o1"},
        ],
    )
    lake.snapshot("partner_admins", "2026-11-29", [{"admin_id": "A3", "email": "late@partner.example"}])
    lake.snapshot("partner_admin_orgs", "2026-11-29", [{"admin_id": "A3", "org_id": "o4"}])
    home = lake.write()
    return build(home, "US", D)


def rows(warehouse, relation: str, order_by: str) -> list[tuple]:
    return query(warehouse, f"select * from {mart(relation)} order by {order_by}")


# Numbers at D per (subscription, product), people snapshot D, W = [11-15, 11-22):
#   S1 Calling  (L1: p1, p2)  Total 10 Assigned 8 Avail 2; Used 1 (p1 CDR 11-16; p2 only 10-01); 3 months 2
#   S2 Meetings (L2: p1, p2)  20 / 5 / 15; Used 1 (ANN@ 11-17 matches Ann@); 3 months 2 (Robert@ 09-15)
#   S3 Calling  (L3: p3)      40 / 10 / 30; Used 1 (11-21 23:59:59); 3 months 1
#   S3 Meetings (L5: p3)       8 / 8 / 0;   Used 0 (11-12 is W-1); 3 months 1
#   S4 Calling  (L4: p4)       5 / 6 / 0;   Used 0 (leg at exactly D is outside); 3 months 1 (11-09)
#   S5 Calling  (L6: p5)      20 / 19 / 1;  Used 0; 3 months 1 (leg at exactly D-90)
# At D-7 (licenses + people at 11-15, W-1 = [11-08, 11-15)):
#   S1 Calling Assigned 6, Used 0 (p1 not active in W-1) -> changes +2, +1
#   S2 absent -> Assigned 0, Used 0 -> +5, +1
#   S3 Calling 12, Used 1 (11-10) -> -2, 0;  S3 Meetings 7, Used 1 (11-12) -> +1, -1
#   S4 Calling 6, Used 1 (11-09) -> 0, -1;   S5 Calling 19, Used 0 -> 0, 0
# Low assignment, Calling population (active, Total > 0): 10/40 = .25, 8/10 = .8, 19/20 = .95, 6/5 = 1.2
#   n = 4, h = 3 x 0.25 = 0.75 -> p25 = .25 + .75 x (.8 - .25) = .6625 -> S3 (.25) is low.
#   Meetings has only 2 (S2, S3) -> nobody low.


def test_recently_added(warehouse):
    # created in [2026-08-24, 2026-11-22): S1 (2026-10-01: 30 + 22 = 52 days), S2 (2026-11-10: 12 days)
    assert rows(warehouse, "rpt_recently_added_subscriptions", "product, customer, subscription_id") == [
        ("Calling", "Acme", "S1", 52, 10, 1, 8, 2, 2, 1),
        ("Meetings", "Acme", "S2", 12, 20, 1, 5, 15, 5, 1),
    ]


def test_expiring(warehouse):
    # autoRenew false, end in [D, D+90): S4 (2027-02-10: 8 + 31 + 31 + 10 = 80 days), S2 (2026-12-10: 18)
    assert rows(warehouse, "rpt_expiring_subscriptions", "product, customer, subscription_id") == [
        ("Calling", "Beta", "S4", 80, 5, 0, 6, 0, 1),
        ("Meetings", "Acme", "S2", 18, 20, 1, 5, 15, 2),
    ]


def test_renewing(warehouse):
    # SUBSCRIPTION, autoRenew true, end in [D, D+90): only S1 (2027-01-31: 8 + 31 + 31 = 70 days)
    assert rows(warehouse, "rpt_renewing_subscriptions", "product, customer, subscription_id") == [
        ("Calling", "Acme", "S1", 70, 10, 1, 8, 2, 2),
    ]


def test_low_license_assignment(warehouse):
    # S3: added 2025-06-01 -> 365 + 153 + 21 = 539 days -> 17 months; 10/40 = 25.0 %; change 10 - 12 = -2
    assert rows(warehouse, "rpt_low_license_assignment_subscriptions", "product, customer, subscription_id") == [
        ("Calling", "Beta", "S3", 17, 10, Decimal("25.0"), 40, 1, 30, -2),
    ]


def test_license_overage(warehouse):
    # S4: 6 assigned > 5 total; 80 days -> 2 months remaining; 6/5 = 120.0 %; Used 0 -> 0.0 %
    assert rows(warehouse, "rpt_license_overage_subscriptions", "product, customer, subscription_id") == [
        ("Calling", "Beta", "S4", 2, False, 5, 6, Decimal("120.0"), 0, Decimal("0.0")),
    ]


def test_subscription_kpis(warehouse):
    # Calling, active in scope: S1 (o1), S3 (o2), S4 (o2), S5 (o3) -> 3 customers; S6 is suspended.
    #   expiring S4: 6/5 = 120.0 %, 0/5 = 0.0 %; renewing S1: 8/10 = 80.0 %, 1/10 = 10.0 %;
    #   low S3: 10/40 = 25.0 %, 1/40 = 2.5 %, 30 unassigned; overage S4: 1 license / 1 customer = 1.0;
    #   recently added S1: 1 customer, 10 licenses.
    # Meetings: S2 (o1), S3 (o2) -> 2 customers; expiring S2: 5/20 = 25.0 %, 1/20 = 5.0 %;
    #   recently added S2: 1 customer, 20 licenses; no renewing / low / overage -> 0 and empty.
    assert rows(warehouse, "rpt_subscription_kpis", "product") == [
        (
            "Calling",
            3,
            1,
            1,
            1,
            1,
            1,
            10,
            1,
            Decimal("120.0"),
            Decimal("0.0"),
            1,
            Decimal("80.0"),
            Decimal("10.0"),
            1,
            Decimal("25.0"),
            Decimal("2.5"),
            30,
            1,
            1,
            Decimal("1.0"),
        ),
        ("Meetings", 2, 1, 0, 0, 0, 1, 20, 1, Decimal("25.0"), Decimal("5.0"), 0, None, None, 0, None, None, 0, 0, 0, None),
    ]


def test_license_allocation_trend(warehouse):
    # D: Calling S1 + S3 + S4 + S5 = 10+40+5+20 = 75 total, 8+10+6+19 = 43 assigned, 1+1+0+0 = 2 used;
    #    Meetings S2 + S3 = 28 / 13 / 1.
    # D-7: Calling 75 / 6+12+6+19 = 43 / used 0+1+1+0 = 2; Meetings only S3 (L2 absent) = 8 / 7 / 1.
    # D-14 ... D-49: no licenses snapshot in force -> empty.
    empty = [(week, None, None, None) for week in ("2026-10-04", "2026-10-11", "2026-10-18", "2026-10-25", "2026-11-01", "2026-11-08")]
    expected = {
        "Calling": empty + [("2026-11-15", 75, 43, 2), ("2026-11-22", 75, 43, 2)],
        "Meetings": empty + [("2026-11-15", 8, 7, 1), ("2026-11-22", 28, 13, 1)],
    }
    actual = rows(warehouse, "rpt_license_allocation_trend", "product, week_ending")
    assert actual == [(d(week), product, total, assigned, used) for product in ("Calling", "Meetings") for week, total, assigned, used in expected[product]]


def test_customers(warehouse):
    # o1: active TRIAL S2 ends 2026-12-10 < D+30 = 2026-12-22 without auto-renew -> Expiring Soon; no license over.
    # o2: L4 of active S4 has 6 > 5 -> License Overage; never signed in -> No Recent Activity.
    # o3: signed in 2026-10-01 < 2026-10-23 -> No Recent Activity; S6 SUSPENDED; products Calling + Messaging.
    # o4: no subscription at all -> Expired; the admin of the D+7 snapshot is ignored.
    assert rows(warehouse, "rpt_customers", "customer, org_id") == [
        (
            "Acme",
            "o1",
            "EXT-1",
            "Partner",
            "Calling; Meetings",
            "Subscription; Trial",
            "Trial; Subscription; Expiring Soon",
            "east; gold",
            "alice@partner.example; ops@partner.example",
            d("2026-12-10"),
        ),
        (
            "Beta",
            "o2",
            None,
            "External Admin",
            "Calling; Meetings",
            "Subscription",
            "Subscription; License Overage; No Recent Activity",
            None,
            "ops@partner.example",
            d("2027-02-10"),
        ),
        (
            "Cobalt",
            "o3",
            "EXT-3",
            "Partner",
            "Calling; Messaging",
            "Subscription",
            "Subscription; No Recent Activity; Suspended",
            "west",
            None,
            d("2028-01-01"),
        ),
        ("Delta", "o4", None, "Partner", None, None, "Expired", None, None, None),
    ]


def test_dim_customers_flags(warehouse):
    # The flags the `customers` CLI filters on agree with the list cells above.
    assert query(
        warehouse,
        """
        select org_id, has_product_calling, has_product_meetings, has_product_messaging,
               has_subscription_type_trial, is_status_expiring_soon, is_status_license_overage,
               is_status_no_recent_activity, is_status_suspended, is_status_expired
        from marts.dim_customers order by org_id
    """,
    ) == [
        ("o1", True, True, False, True, True, False, False, False, False),
        ("o2", True, True, False, False, False, True, True, False, False),
        ("o3", True, False, True, False, False, False, True, True, False),
        ("o4", False, False, False, False, False, False, False, False, True),
    ]


def test_weekly_changes_and_three_month_usage(warehouse):
    # All in-scope rows at D, with the changes worked out in the module comment above.
    assert query(
        warehouse,
        """
        select subscription_id, product, is_active, weekly_assignment_change, weekly_usage_change, usage_in_last_3_months
        from marts.fct_subscription_products where product in ('Calling', 'Meetings') order by subscription_id, product
    """,
    ) == [
        ("S1", "Calling", True, 2, 1, 2),
        ("S2", "Meetings", True, 5, 1, 2),
        ("S3", "Calling", True, -2, 0, 1),
        ("S3", "Meetings", True, 1, -1, 1),
        ("S4", "Calling", True, 0, -1, 1),
        ("S5", "Calling", True, 0, 0, 1),
        ("S6", "Calling", False, 0, 0, 0),
    ]


def test_default_templates_export_the_marts(warehouse, tmp_path):
    # exports/default_templates/subscriptions.yml against this warehouse: every template resolves, and
    # the cells render as SPEC 7 wants (empty for NULL, True/False, exact decimals, CRLF).
    from exports.templates import load_default_templates
    from exports.writer import write_exports
    from partner_analytics.periods import week

    templates = [t for t in load_default_templates() if "/subscriptions.yml " in t.source]
    written = {w.template: w for w in write_exports(warehouse, tmp_path, "US", week(D), templates)}
    assert {name: w.rows for name, w in written.items()} == {
        "Customers": 4,
        "Subscription KPIs": 2,
        "Recently Added Subscriptions": 2,
        "Expiring Subscriptions": 2,
        "Renewing Subscriptions": 1,
        "Low License Assignment Subscriptions": 1,
        "License Overage Subscriptions": 1,
        "License Allocation Trend": 16,
    }
    assert written["License Overage Subscriptions"].path.read_bytes() == (
        b"Product,Customer,Subscription ID,Months Remaining,Auto-Renew,Total Licenses,Assigned Licenses,"
        b"Assigned %,Used Licenses,Used %\r\n"
        b"Calling,Beta,S4,2,False,5,6,120.0,0,0.0\r\n"
    )
    kpis = written["Subscription KPIs"].path.read_bytes().decode("utf-8").split("\r\n")
    assert kpis[0].startswith("Product,Total Customers,Nearing Expiration,")
    assert kpis[0].endswith(",Customers with Overage,Total Overage Licenses,Average Overage")
    assert kpis[1:] == [
        "Calling,3,1,1,1,1,1,10,1,120.0,0.0,1,80.0,10.0,1,25.0,2.5,30,1,1,1.0",
        "Meetings,2,1,0,0,0,1,20,1,25.0,5.0,0,,,0,,,0,0,0,",
        "",
    ]
