"""End to end, subscription side: the exported Customers list, Subscription KPIs, the five subscription
tables and the License Allocation Trend for US, D = 2026-11-22, every cell worked out by hand from SPEC
§6.1-§6.3 over the landing set of conftest.py.

Facts used below (from conftest.py):
  subscriptions at D (all ACTIVE unless said):
    SUB-A1 Acme    SUBSCRIPTION created 2026-09-01 start 2026-09-01 end 2026-12-10 autoRenew false
    SUB-A2 Acme    SUBSCRIPTION created 2025-01-15 end 2027-01-31 autoRenew true
    SUB-A3 Acme    ACTIVE but end 2026-11-21 < D  -> not active at D (active at D-7)
    SUB-F1 =Formula TRIAL        created 2026-11-01 end 2026-12-01 autoRenew false
    SUB-G1 Globex  SUBSCRIPTION created 2024-06-01 end 2027-06-30 autoRenew true
    SUB-G2 Globex  SUSPENDED;  SUB-F2 =Formula PROVISIONING (only in the D snapshot)
  licenses at D (total/assigned):  A1 Calling 10/8, A1 Meetings 20/5, A2 Calling 20/22, A3 Calling 4/1,
    F1 Calling 6/1, F1 Messaging 5/3, G1 Calling 50/30, G1 Meetings 10/10, G2 Calling 8/0
  licenses at D-7: A1 Calling 10/6, A1 Meetings 20/5, A2 Calling 20/21, A3 Calling 4/1, F1 Calling 6/1,
    F1 Messaging 5/2, G1 Calling 50/28, (no G1 Meetings), G2 Calling 8/0
  people (license holders): alice A1-call+A1-mtg, bob A2-call+A1-mtg, carol A1-call (only at D),
    gina A1-call+A1-mtg, dave F1-call, erin G1-call+G1-mtg, frank G1-call
  calling-active (a CDR leg with User UUID = person):
    W:   alice, bob, carol, dave, erin, frank      W-1: carol, alice, bob     2026-10-06: gina
  meetings-active (joinedTime, email case-insensitive):
    W:   alice (ALICE@...), bob (robert@...), erin     W-1: alice     2026-10-05: gina

Used in W per subscription and product:
  A1 Calling = |{alice, carol, gina} ∩ active W| = 2 (alice, carol);  A2 Calling = 1 (bob);  F1 Calling = 1 (dave)
  G1 Calling = 2 (erin, frank);  A1 Meetings = 2 (alice, bob);  G1 Meetings = 1 (erin)
Usage in last 3 months [2026-08-24, D): A1 Calling = 3 (+gina), A1 Meetings = 3 (+gina), A2 Calling = 1,
  F1 Calling = 1
"""

import pytest

from .conftest import assert_table

pytestmark = pytest.mark.slow  # reads the exports of one full pipeline run

# ---------------------------------------------------------------- Customers (SPEC 6.3)
CUSTOMERS_HEADER = [
    "Customer",
    "Org ID",
    "External ID",
    "Managed By",
    "Products",
    "Subscription Types",
    "Statuses",
    "Tags",
    "Partner Admins",
    "Next Expiry Date",
]


def test_customers(e2e):
    header, rows = e2e.read("Customers")
    expected = [
        # Acme: licenses at D are Calling (A1, A2, A3) and Meetings (A1); active subs A1, A2 are SUBSCRIPTION.
        # Statuses: Subscription; Expiring Soon (A1: autoRenew false, end 2026-12-10 in [D, 2026-12-22));
        # License Overage (A2: 22 > 20); lastAdminActivityAt 2026-10-23T00:00Z is not strictly before D-30
        # -> no "No Recent Activity". Tags sorted: healthcare; vip. Admins at D: pat, sam (zoe's Globex
        # assignment is only in the 2026-11-15 and 2026-11-29 snapshots). Next expiry = min(12-10, 2027-01-31).
        [
            "Acme Health",
            "org-us-acme",
            "EXT-100",
            "Partner",
            "Calling; Meetings",
            "Subscription",
            "Subscription; Expiring Soon; License Overage",
            "healthcare; vip",
            "pat@partner.example; sam@partner.example",
            "2026-12-10",
        ],
        # =Formula: name starts with "=" -> prefixed with "'". Licenses: Calling, Messaging. Active: F1 TRIAL only.
        # Statuses: Trial; Expiring Soon (F1 end 2026-12-01, autoRenew false); No Recent Activity (null);
        # Ready for Order Setup (F2 PROVISIONING).
        [
            "'=Formula Corp",
            "org-us-formula",
            "EXT-200",
            "Partner",
            "Calling; Messaging",
            "Trial",
            "Trial; Expiring Soon; No Recent Activity; Ready for Order Setup",
            "retail",
            "pat@partner.example",
            "2026-12-01",
        ],
        # Globex: EXTERNAL_ADMIN, null externalId, no tags, no admin at D. Active: G1 SUBSCRIPTION.
        # Statuses: Subscription; No Recent Activity (2026-10-22T23:30Z < 2026-10-23); Suspended (G2).
        [
            "Globex",
            "org-us-globex",
            "",
            "External Admin",
            "Calling; Meetings",
            "Subscription",
            "Subscription; No Recent Activity; Suspended",
            "",
            "",
            "2027-06-30",
        ],
    ]
    # SPEC 6.3 fixes no row order ("rows sorted deterministically"): compare as a set, keyed on Org ID.
    assert_table(header, rows, CUSTOMERS_HEADER, expected, sort_key=(1,))


# ---------------------------------------------------------------- Subscription KPIs (SPEC 6.2)
KPI_HEADER = [
    "Product",
    "Total Customers",
    "Nearing Expiration",
    "Nearing Renewal",
    "Low License Assignment",
    "License Overage",
    "New Customers",
    "Recently Added Total Licenses",
    "Customers Expiring",
    "Expiring License Assignment %",
    "Expiring License Usage %",
    "Customers Renewing",
    "Renewing License Assignment %",
    "Renewing License Usage %",
    "Customers with Low Assignment",
    "Low Assignment License Assignment %",
    "Low Assignment License Usage When Assigned %",
    "Total Unassigned Licenses",
    "Customers with Overage",
    "Total Overage Licenses",
    "Average Overage",
]


def test_subscription_kpis(e2e):
    header, rows = e2e.read("Subscription KPIs")
    expected = [
        # Calling, active and in scope at D: A1 (10/8), A2 (20/22), F1 (6/1), G1 (50/30) -> 3 customers.
        # Nearing expiration (end in [D, 2027-02-20), autoRenew false): A1 (Acme), F1 (=Formula) -> 2.
        # Nearing renewal (SUBSCRIPTION, autoRenew, end in next 90 days): A2 (2027-01-31) -> 1.
        # Low assignment: ratios 1/6=0.1667, 0.6, 0.8, 1.1; 25th pct (linear): pos 0.75 ->
        #   0.1667 + 0.75*(0.6-0.1667) = 0.4917; strictly below: F1 only -> 1 customer.
        # Overage: A2 (22 > 20) -> 1 customer, overage 2, average 2/1 = 2.0.
        # Recently added (created in [2026-08-24, D)): A1 (09-01), F1 (11-01) -> 2 customers, 10 + 6 = 16 licenses.
        # Expiring A1, F1: assignment (8+1)/(10+6) = 56.25 -> 56.3 (half away from zero);
        #   usage (2+1)/16 = 18.75 -> 18.8.
        # Renewing A2: 22/20 = 110.0 %, used 1/20 = 5.0 %.
        # Low assignment F1: 1/6 = 16.67 -> 16.7 %, used 1/6 -> 16.7 %, unassigned max(6-1, 0) = 5.
        ["Calling", "3", "2", "1", "1", "1", "2", "16", "2", "56.3", "18.8", "1", "110.0", "5.0", "1", "16.7", "16.7", "5", "1", "2", "2.0"],
        # Meetings, active and in scope: A1 (20/5), G1 (10/10) -> 2 customers.
        # Nearing expiration: A1 -> 1. Renewal: G1 ends 2027-06-30, beyond 90 days -> 0.
        # Low assignment: only 2 subscriptions (< 4) -> nobody. Overage: 10 = 10 is not > -> 0.
        # Recently added: A1 -> 1 customer, 20 licenses. Expiring A1: 5/20 = 25.0 %, used 2/20 = 10.0 %.
        # Renewing / low assignment / overage: empty sets -> counts and sums 0, percentages/averages empty.
        ["Meetings", "2", "1", "0", "0", "0", "1", "20", "1", "25.0", "10.0", "0", "", "", "0", "", "", "0", "0", "0", ""],
    ]
    assert_table(header, rows, KPI_HEADER, expected)


# ---------------------------------------------------------------- subscription tables (sorted Product, Customer, Subscription ID)
def test_recently_added_subscriptions(e2e):
    header, rows = e2e.read("Recently Added Subscriptions")
    expected = [
        # '=Formula Corp sorts before Acme ("=" < "A"). F1: added 2026-11-01 -> D - 11-01 = 21 days;
        # total 6, used 1 (dave), assigned 1, available 5; assignment change 1 - 1 = 0;
        # usage change = Used(W)=1 - Used(W-1)=0 (dave had no leg in W-1) = 1.
        ["Calling", "'=Formula Corp", "SUB-F1", "21", "6", "1", "1", "5", "0", "1"],
        # A1: added 2026-09-01 -> 29 (rest of Sep) + 1 + 31 (Oct) + 21 (Nov) = 82 days; total 10, used 2,
        # assigned 8, available 2; assignment change 8 - 6 = 2; usage change: Used(W) = 2 (alice, carol),
        # Used(W-1) with the D-7 people snapshot (alice, gina; carol not there yet) = 1 (alice) -> +1.
        ["Calling", "Acme Health", "SUB-A1", "82", "10", "2", "8", "2", "2", "1"],
        # A1 Meetings: total 20, used 2 (alice, bob), assigned 5, available 15; change 5 - 5 = 0;
        # usage change = 2 - 1 (alice in W-1) = 1.
        ["Meetings", "Acme Health", "SUB-A1", "82", "20", "2", "5", "15", "0", "1"],
    ]
    assert_table(
        header,
        rows,
        [
            "Product",
            "Customer",
            "Subscription ID",
            "Days Since Added",
            "Total Licenses",
            "Used Licenses",
            "Assigned Licenses",
            "Available Licenses",
            "Weekly Assignment Change",
            "Weekly Usage Change",
        ],
        expected,
    )


def test_expiring_subscriptions(e2e):
    header, rows = e2e.read("Expiring Subscriptions")
    expected = [
        # F1: 2026-12-01 - D = 9 days; 6 total, 1 used, 1 assigned, 5 available; 3 months: dave -> 1.
        ["Calling", "'=Formula Corp", "SUB-F1", "9", "6", "1", "1", "5", "1"],
        # A1: 2026-12-10 - D = 18 days; 10, used 2, assigned 8, available 2; 3 months: alice, carol, gina = 3.
        ["Calling", "Acme Health", "SUB-A1", "18", "10", "2", "8", "2", "3"],
        # A1 Meetings: 18 days; 20, used 2, assigned 5, available 15; 3 months: alice, bob, gina = 3.
        ["Meetings", "Acme Health", "SUB-A1", "18", "20", "2", "5", "15", "3"],
    ]
    assert_table(
        header,
        rows,
        [
            "Product",
            "Customer",
            "Subscription ID",
            "Days to Expiry",
            "Total Licenses",
            "Used Licenses",
            "Assigned Licenses",
            "Available Licenses",
            "Usage in Last 3 Months",
        ],
        expected,
    )


def test_renewing_subscriptions(e2e):
    header, rows = e2e.read("Renewing Subscriptions")
    expected = [
        # A2: 2027-01-31 - 2026-11-22 = 8 (Nov) + 31 (Dec) + 31 (Jan) = 70 days; total 20, used 1 (bob),
        # assigned 22, available max(20-22, 0) = 0; 3 months: bob -> 1. (G1 ends beyond 90 days.)
        ["Calling", "Acme Health", "SUB-A2", "70", "20", "1", "22", "0", "1"],
    ]
    assert_table(
        header,
        rows,
        [
            "Product",
            "Customer",
            "Subscription ID",
            "Days to Renewal",
            "Total Licenses",
            "Used Licenses",
            "Assigned Licenses",
            "Available Licenses",
            "Usage in Last 3 Months",
        ],
        expected,
    )


def test_low_license_assignment_subscriptions(e2e):
    header, rows = e2e.read("Low License Assignment Subscriptions")
    expected = [
        # F1 (ratio 0.1667 < 0.4917): months since added floor(21/30) = 0; assigned 1; 1/6 = 16.7 %;
        # total 6; used 1; available 5; weekly assignment change 1 - 1 = 0. Meetings: < 4 subs, none.
        ["Calling", "'=Formula Corp", "SUB-F1", "0", "1", "16.7", "6", "1", "5", "0"],
    ]
    assert_table(
        header,
        rows,
        [
            "Product",
            "Customer",
            "Subscription ID",
            "Months Since Added",
            "Assigned Licenses",
            "Assigned %",
            "Total Licenses",
            "Used Licenses",
            "Available Licenses",
            "Weekly Assignment Change",
        ],
        expected,
    )


def test_license_overage_subscriptions(e2e):
    header, rows = e2e.read("License Overage Subscriptions")
    expected = [
        # A2: months remaining floor(70/30) = 2; auto-renew True; total 20; assigned 22; 22/20 = 110.0 %;
        # used 1; 1/20 = 5.0 %. (SUB-G2 has no overage and is suspended; G1 Meetings 10/10 is not >.)
        ["Calling", "Acme Health", "SUB-A2", "2", "True", "20", "22", "110.0", "1", "5.0"],
    ]
    assert_table(
        header,
        rows,
        [
            "Product",
            "Customer",
            "Subscription ID",
            "Months Remaining",
            "Auto-Renew",
            "Total Licenses",
            "Assigned Licenses",
            "Assigned %",
            "Used Licenses",
            "Used %",
        ],
        expected,
    )


def test_license_allocation_trend(e2e):
    header, rows = e2e.read("License Allocation Trend")
    empty_weeks = ["2026-10-04", "2026-10-11", "2026-10-18", "2026-10-25", "2026-11-01", "2026-11-08"]
    expected = []
    for product in ("Calling", "Meetings"):
        # no licenses snapshot is in force at the end of these weeks (the first is 2026-11-15)
        expected += [[week, product, "", "", ""] for week in empty_weeks]
    expected += [
        # week ending 2026-11-15, snapshots of 2026-11-15: active Calling subs A1, A2, A3 (end 11-21 >= 11-15),
        # F1, G1 -> total 10+20+4+6+50 = 90, assigned 6+21+1+1+28 = 57; used in W-1 with the 11-15 people:
        # A1 holders alice, gina -> alice = 1; A2 bob -> 1; others 0 -> 2.
        ["2026-11-15", "Calling", "90", "57", "2"],
        # week ending D: A1, A2, F1, G1 -> total 10+20+6+50 = 86, assigned 8+22+1+30 = 61,
        # used 2 + 1 + 1 + 2 = 6.
        ["2026-11-22", "Calling", "86", "61", "6"],
        # Meetings 2026-11-15: G1 Meetings license absent -> only A1: 20, 5, used in W-1: alice -> 1.
        ["2026-11-15", "Meetings", "20", "5", "1"],
        # Meetings D: A1 + G1: 20+10 = 30, 5+10 = 15, used 2 (alice, bob) + 1 (erin) = 3.
        ["2026-11-22", "Meetings", "30", "15", "3"],
    ]
    # SPEC gives no order for this table beyond "per product and week": compare as a set.
    assert_table(header, rows, ["Week Ending", "Product", "Total Licenses", "Assigned Licenses", "Used Licenses"], expected, sort_key=(1, 0))
