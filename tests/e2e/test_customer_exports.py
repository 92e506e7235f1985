"""End to end, SPEC 12: Customer Detail, Customer Orders, Trials and Partner Admins exports, the
`customer` command and `--as-admin` scoping, every cell worked out by hand.

Landing: conftest.py's hand-made set (US + EU), with at D in US two more customers and a richer partner
admins snapshot (files written over conftest's D files, in this module's own landing):
  customers at D: Acme Health, =Formula Corp, Globex (conftest) + Hooli, Umbrella
  subscriptions at D (conftest) + SUB-H1 Hooli SUBSCRIPTION ACTIVE 2024-01-01..2027-12-31 auto,
    SUB-H2 Hooli TRIAL ACTIVE 2026-11-15..2026-12-15 no auto (no license line),
    SUB-U1 Umbrella SUBSCRIPTION ACTIVE 2024-01-01..2027-12-31 auto; SUB-A1's orders: ADD 10 (09-01),
    ADD 5 (10-01), REMOVE 3 (11-10); H1, H2, U1 have no orders.
  licenses at D (conftest) + H1 Calling 10/9, H1 Meetings 10/9, U1 Calling 10/10, U1 Meetings 10/8
  partner admins at D: pat PARTNER_FULL_ADMIN [Acme, =Formula, Euro]; sal SALES_FULL_ADMIN [];
    sam SALES_ADMIN [Acme]; zoe PARTNER_READ_ONLY_ADMIN [Acme, Globex, Euro] (two regions);
    ada PARTNER_ADMIN [Hooli, org-ca-nowhere]; eve PARTNER_ADMIN [Euro] (none in US)

Low-assignment thresholds of the region (SPEC 6.2), all five customers:
  Calling ratios (active, Total > 0): F1 1/6, G1 0.6, A1 0.8, H1 0.9, U1 1.0, A2 1.1; h = 5 x 0.25 = 1.25
    -> 0.6 + 0.25 x (0.8 - 0.6) = 0.65: F1 and G1 are low.
  Meetings: A1 0.25, U1 0.8, H1 0.9, G1 1.0; h = 0.75 -> 0.25 + 0.75 x 0.55 = 0.6625: A1 is low.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess

import pytest

from .conftest import (
    ACME,
    CLI,
    D_ISO,
    EURO,
    FORMULA,
    GLOBEX,
    REPO,
    E2ERun,
    _customers,
    _lic,
    _licenses,
    _sub,
    _subscriptions,
    _write_json,
    assert_table,
    build_landing,
    run_cli,
)
from .test_subscription_exports import KPI_HEADER

pytestmark = pytest.mark.slow  # one full pipeline run (two dbt builds) + scoped rebuilds

HOOLI, UMBRELLA = "org-us-hooli", "org-us-umbrella"
CALL, MTG = "Webex Calling - Professional", "Meeting - Webex Meetings Suite"


def _admins() -> dict:
    def adm(i, email, name, role, orgs):
        return {"id": i, "email": email, "displayName": name, "role": role, "assignedOrgIds": orgs}

    return {
        "items": [
            adm("adm-1", "pat@partner.example", "Pat", "PARTNER_FULL_ADMIN", [ACME, FORMULA, EURO]),
            adm("adm-2", "sam@partner.example", "Sam", "SALES_ADMIN", [ACME]),
            adm("adm-3", "zoe@partner.example", "Zoe", "PARTNER_READ_ONLY_ADMIN", [ACME, GLOBEX, EURO]),
            adm("adm-4", "ada@partner.example", "Ada", "PARTNER_ADMIN", [HOOLI, "org-ca-nowhere"]),
            adm("adm-5", "sal@partner.example", "Sal", "SALES_FULL_ADMIN", []),
            adm("adm-6", "eve@partner.example", "Eve", "PARTNER_ADMIN", [EURO]),
        ]
    }


def build_customer_landing(root):
    build_landing(root)
    us = root / "US"
    customers = _customers()
    for org, name in ((HOOLI, "Hooli"), (UMBRELLA, "Umbrella")):
        customers["items"].append(
            {
                "orgId": org,
                "displayName": name,
                "externalId": None,
                "region": "US",
                "managedBy": "PARTNER",
                "createdAt": "2024-01-01T00:00:00Z",
                "lastAdminActivityAt": "2026-11-20T00:00:00Z",
                "tags": [],
            }
        )
    _write_json(us / "customers" / f"{D_ISO}.json", customers)
    subs = _subscriptions(at_d=True)
    a1 = next(s for s in subs["items"] if s["subscriptionId"] == "SUB-A1")
    a1["orders"] = [
        {"orderId": "ORD-A1-1", "orderedAt": "2026-09-01T10:00:00Z", "action": "ADD", "quantity": 10},
        {"orderId": "ORD-A1-3", "orderedAt": "2026-11-10T09:30:00Z", "action": "REMOVE", "quantity": 3},
        {"orderId": "ORD-A1-2", "orderedAt": "2026-10-01T00:00:00Z", "action": "ADD", "quantity": 5},
    ]
    for sid, org, typ, start, end, auto in (
        ("SUB-H1", HOOLI, "SUBSCRIPTION", "2024-01-01", "2027-12-31", True),
        ("SUB-H2", HOOLI, "TRIAL", "2026-11-15", "2026-12-15", False),
        ("SUB-U1", UMBRELLA, "SUBSCRIPTION", "2024-01-01", "2027-12-31", True),
    ):
        s = _sub(sid, org, typ, "ACTIVE", f"{start}T00:00:00Z", start, end, auto)
        s["orders"] = []
        subs["items"].append(s)
    _write_json(us / "subscriptions" / f"{D_ISO}.json", subs)
    lic = _licenses(at_d=True)
    lic["items"] += [
        _lic("lic-h1-call", HOOLI, CALL, 10, 9, "SUB-H1"),
        _lic("lic-h1-mtg", HOOLI, MTG, 10, 9, "SUB-H1"),
        _lic("lic-u1-call", UMBRELLA, CALL, 10, 10, "SUB-U1"),
        _lic("lic-u1-mtg", UMBRELLA, MTG, 10, 8, "SUB-U1"),
    ]
    _write_json(us / "licenses" / f"{D_ISO}.json", lic)
    _write_json(root / "partner_admins" / f"{D_ISO}.json", _admins())
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> E2ERun:
    base = tmp_path_factory.mktemp("e2e-customers")
    landing = build_customer_landing(base / "landing")
    home = base / "home"
    return E2ERun(landing, home, run_cli(landing, home))


def cli(run: E2ERun, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PA_")}
    return subprocess.run([str(CLI), *args, "--home", str(run.home)], capture_output=True, text=True, env=env, cwd=str(REPO), timeout=900)


def unscoped_name(run: E2ERun, name: str, region: str = "US") -> str:
    """The weekly run's own file of `name` (captured before any scoped report was written)."""
    hits = [k for k in run.first_exports if k.startswith(f"{region}/{name}_")]
    assert len(hits) == 1, hits
    return hits[0]


def read_csv(path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    return rows[0], rows[1:]


# ------------------------------------------------------------------------------ Customer Detail
DETAIL_HEADER = [
    "Customer",
    "Org ID",
    "Subscription ID",
    "Type",
    "Status",
    "Start Date",
    "End Date",
    "Renewal Date",
    "Auto Renew",
    "Invoice ID",
    "License",
    "Product",
    "Total",
    "Assigned",
]


def test_customer_detail(run):
    header, rows = run.read("Customer Detail")
    F, A, G, H, U = "'=Formula Corp", "Acme Health", "Globex", "Hooli", "Umbrella"
    expected = [
        # sorted by Customer ("=Formula Corp" sorts before "Acme": '=' < 'A'), Org ID, Subscription ID, License.
        # F1: a TRIAL, no auto-renew -> Renewal Date empty; F2 PROVISIONING has no license line -> one row.
        [
            F,
            FORMULA,
            "SUB-F1",
            "Trial",
            "Active",
            "2026-11-01",
            "2026-12-01",
            "",
            "False",
            "INV-SUB-F1",
            "Messaging - Webex Advanced Messaging",
            "Messaging",
            "5",
            "3",
        ],
        [F, FORMULA, "SUB-F1", "Trial", "Active", "2026-11-01", "2026-12-01", "", "False", "INV-SUB-F1", CALL, "Calling", "6", "1"],
        [F, FORMULA, "SUB-F2", "Subscription", "Provisioning", "2026-12-01", "2027-12-01", "2027-12-01", "True", "INV-SUB-F2", "", "", "", ""],
        # A1 no auto-renew -> no Renewal Date; A2 auto -> Renewal Date = End Date; A3 listed though it ended.
        [A, ACME, "SUB-A1", "Subscription", "Active", "2026-09-01", "2026-12-10", "", "False", "INV-SUB-A1", MTG, "Meetings", "20", "5"],
        [A, ACME, "SUB-A1", "Subscription", "Active", "2026-09-01", "2026-12-10", "", "False", "INV-SUB-A1", CALL, "Calling", "10", "8"],
        [A, ACME, "SUB-A2", "Subscription", "Active", "2025-01-15", "2027-01-31", "2027-01-31", "True", "INV-SUB-A2", CALL, "Calling", "20", "22"],
        [
            A,
            ACME,
            "SUB-A3",
            "Subscription",
            "Active",
            "2025-11-21",
            "2026-11-21",
            "2026-11-21",
            "True",
            "INV-SUB-A3",
            "Webex Calling - Basic",
            "Calling",
            "4",
            "1",
        ],
        [
            G,
            GLOBEX,
            "SUB-G1",
            "Subscription",
            "Active",
            "2024-06-01",
            "2027-06-30",
            "2027-06-30",
            "True",
            "INV-SUB-G1",
            "Meeting - Webex Enterprise",
            "Meetings",
            "10",
            "10",
        ],
        [G, GLOBEX, "SUB-G1", "Subscription", "Active", "2024-06-01", "2027-06-30", "2027-06-30", "True", "INV-SUB-G1", CALL, "Calling", "50", "30"],
        [G, GLOBEX, "SUB-G2", "Subscription", "Suspended", "2025-03-01", "2027-03-01", "2027-03-01", "True", "INV-SUB-G2", CALL, "Calling", "8", "0"],
        [H, HOOLI, "SUB-H1", "Subscription", "Active", "2024-01-01", "2027-12-31", "2027-12-31", "True", "INV-SUB-H1", MTG, "Meetings", "10", "9"],
        [H, HOOLI, "SUB-H1", "Subscription", "Active", "2024-01-01", "2027-12-31", "2027-12-31", "True", "INV-SUB-H1", CALL, "Calling", "10", "9"],
        [H, HOOLI, "SUB-H2", "Trial", "Active", "2026-11-15", "2026-12-15", "", "False", "INV-SUB-H2", "", "", "", ""],
        [U, UMBRELLA, "SUB-U1", "Subscription", "Active", "2024-01-01", "2027-12-31", "2027-12-31", "True", "INV-SUB-U1", MTG, "Meetings", "10", "8"],
        [U, UMBRELLA, "SUB-U1", "Subscription", "Active", "2024-01-01", "2027-12-31", "2027-12-31", "True", "INV-SUB-U1", CALL, "Calling", "10", "10"],
    ]
    assert_table(header, rows, DETAIL_HEADER, expected)


ORDERS_HEADER = ["Customer", "Org ID", "Subscription ID", "Order ID", "Ordered At", "Action", "Quantity"]


def test_customer_orders(run):
    header, rows = run.read("Customer Orders")
    expected = [
        ["'=Formula Corp", FORMULA, "SUB-F1", "ORD-SUB-F1", "2026-11-01T08:00:00Z", "ADD", "10"],
        ["'=Formula Corp", FORMULA, "SUB-F2", "ORD-SUB-F2", "2026-11-20T10:00:00Z", "ADD", "10"],
        # A1's history by Ordered At (the source listed REMOVE before the second ADD)
        ["Acme Health", ACME, "SUB-A1", "ORD-A1-1", "2026-09-01T10:00:00Z", "ADD", "10"],
        ["Acme Health", ACME, "SUB-A1", "ORD-A1-2", "2026-10-01T00:00:00Z", "ADD", "5"],
        ["Acme Health", ACME, "SUB-A1", "ORD-A1-3", "2026-11-10T09:30:00Z", "REMOVE", "3"],
        ["Acme Health", ACME, "SUB-A2", "ORD-SUB-A2", "2025-01-15T10:00:00Z", "ADD", "10"],
        ["Acme Health", ACME, "SUB-A3", "ORD-SUB-A3", "2025-11-21T10:00:00Z", "ADD", "10"],
        ["Globex", GLOBEX, "SUB-G1", "ORD-SUB-G1", "2024-06-01T10:00:00Z", "ADD", "10"],
        ["Globex", GLOBEX, "SUB-G2", "ORD-SUB-G2", "2025-03-01T10:00:00Z", "ADD", "10"],
        # Hooli and Umbrella: no orders -> no rows
    ]
    assert_table(header, rows, ORDERS_HEADER, expected)


TRIALS_HEADER = ["Customer", "Org ID", "Subscription ID", "Products", "Start Date", "End Date", "Days Left", "Total Licenses", "Assigned Licenses"]


def test_trials(run):
    header, rows = run.read("Trials")
    expected = [
        # F1: Calling 6/1 + Messaging 5/3 -> 11 / 4; 2026-12-01 - D = 9 days
        ["'=Formula Corp", FORMULA, "SUB-F1", "Calling; Messaging", "2026-11-01", "2026-12-01", "9", "11", "4"],
        # H2: no license line -> no products, 0 / 0; 2026-12-15 - D = 23 days
        ["Hooli", HOOLI, "SUB-H2", "", "2026-11-15", "2026-12-15", "23", "0", "0"],
    ]
    assert_table(header, rows, TRIALS_HEADER, expected)


ADMINS_HEADER = ["Customer", "Org ID", "Admin Name", "Admin Email", "Role"]


def test_partner_admins_us_and_eu(run):
    header, rows = run.read("Partner Admins")
    pat = ["Pat", "pat@partner.example", "Partner Full Admin"]
    sal = ["Sal", "sal@partner.example", "Sales Full Admin"]  # full admin with no assignedOrgIds: every customer
    zoe = ["Zoe", "zoe@partner.example", "Partner Read-Only Admin"]
    expected = [
        ["'=Formula Corp", FORMULA, *pat],
        ["'=Formula Corp", FORMULA, *sal],
        ["Acme Health", ACME, *pat],
        ["Acme Health", ACME, *sal],
        ["Acme Health", ACME, "Sam", "sam@partner.example", "Sales Admin"],
        ["Acme Health", ACME, *zoe],
        ["Globex", GLOBEX, *pat],
        ["Globex", GLOBEX, *sal],
        ["Globex", GLOBEX, *zoe],
        ["Hooli", HOOLI, "Ada", "ada@partner.example", "Partner Admin"],
        ["Hooli", HOOLI, *pat],
        ["Hooli", HOOLI, *sal],
        ["Umbrella", UMBRELLA, *pat],
        ["Umbrella", UMBRELLA, *sal],
    ]
    assert_table(header, rows, ADMINS_HEADER, expected)
    header, rows = run.read("Partner Admins", "EU")
    # zoe is assigned orgs of two regions: in EU she manages Euro only; eve (Euro only) appears here alone
    expected = [
        ["Euro Widgets GmbH", EURO, "Eve", "eve@partner.example", "Partner Admin"],
        ["Euro Widgets GmbH", EURO, *pat],
        ["Euro Widgets GmbH", EURO, *sal],
        ["Euro Widgets GmbH", EURO, *zoe],
    ]
    assert_table(header, rows, ADMINS_HEADER, expected)


# ------------------------------------------------------------------------------ --as-admin
def _report(run, name, region, *extra):
    proc = cli(run, "report", name, "--region", region, *extra)
    assert proc.returncode == 0, proc.stderr[-4000:]
    path = proc.stdout.strip().splitlines()[-1].rsplit(" (", 1)[0]
    return run.home / "exports" / region / os.path.basename(path)


def test_read_only_admin_kpis_are_recomputed_over_their_two_customers(run):
    run.require_success()
    path = _report(run, "Subscription KPIs", "US", "--as-admin", "Zoe@Partner.example")
    unscoped = unscoped_name(run, "Subscription KPIs")
    assert f"US/{path.name}" != unscoped  # the admin is in the id: the unscoped file stays as it was
    assert (run.home / "exports" / unscoped).read_bytes() == run.first_exports[unscoped]
    header, rows = read_csv(path)
    expected = [
        # zoe manages Acme and Globex (2 of 5). Calling, active and in scope: A1 10/8 (used 2), A2 20/22 (used 1),
        # G1 50/30 (used 2) -> 2 customers. Nearing expiration: A1 -> 1. Renewal: A2 -> 1.
        # Low assignment with the REGION's threshold 0.65: G1 (0.6) -> 1 (over these two alone only 3 ratios
        # would exist, < 4, and nobody would be flagged). Overage A2: 1, 2 licenses, average 2.0.
        # Recently added: A1 -> 1 customer, 10 licenses. Expiring A1: 8/10 = 80.0 %, used 2/10 = 20.0 %.
        # Renewing A2: 22/20 = 110.0 %, 1/20 = 5.0 %. Low G1: 30/50 = 60.0 %, 2/50 = 4.0 %, unassigned 20.
        ["Calling", "2", "1", "1", "1", "1", "1", "10", "1", "80.0", "20.0", "1", "110.0", "5.0", "1", "60.0", "4.0", "20", "1", "2", "2.0"],
        # Meetings: A1 20/5 (used 2), G1 10/10 (used 1) -> 2. Expiring A1 -> 1: 25.0 %, 10.0 %. Renewal: none
        # (G1 ends 2027-06-30). Low with the region's 0.6625: A1 (0.25) -> 1, 5/20 = 25.0 %, 2/20 = 10.0 %,
        # unassigned 15. Overage: none. Recently added: A1, 20 licenses.
        ["Meetings", "2", "1", "0", "1", "0", "1", "20", "1", "25.0", "10.0", "0", "", "", "1", "25.0", "10.0", "15", "0", "0", ""],
    ]
    assert_table(header, rows, KPI_HEADER, expected)
    # every row of another scoped table is one of zoe's customers
    header, rows = read_csv(_report(run, "Customers and Usage", "US", "--as-admin", "zoe@partner.example"))
    assert sorted({r[1] for r in rows}) == [ACME, GLOBEX]


def test_full_admin_files_equal_the_unscoped_ones(run):
    run.require_success()
    for name in ("Subscription KPIs", "Customers", "Customer Detail", "Partner Admins", "Customers and Usage"):
        scoped = _report(run, name, "US", "--as-admin", "sal@partner.example")
        unscoped = unscoped_name(run, name)
        assert f"US/{scoped.name}" != unscoped
        assert scoped.read_bytes() == run.first_exports[unscoped], name


def test_scoping_never_reads_another_regions_customers(run):
    """zoe manages orgs in US and EU: her EU view holds the EU customer only, and no US id or name."""
    run.require_success()
    for name in ("Customers", "Customer Detail", "Partner Admins"):
        path = _report(run, name, "EU", "--as-admin", "zoe@partner.example")
        data = path.read_bytes()
        for needle in (ACME, GLOBEX, HOOLI, "Acme Health", "Globex"):
            assert needle.encode() not in data, (name, needle)
        _, rows = read_csv(path)
        assert rows and {r[1] for r in rows} == {EURO}


def test_unknown_or_unassigned_admin_exits_2(run):
    run.require_success()
    proc = cli(run, "report", "Subscription KPIs", "--region", "US", "--as-admin", "zo@partner.example")
    assert proc.returncode == 2
    assert "no partner admin with email 'zo@partner.example'" in proc.stderr and "zoe@partner.example" in proc.stderr
    proc = cli(run, "customers", "--region", "US", "--as-admin", "eve@partner.example")
    assert proc.returncode == 2
    assert "'eve@partner.example' (Partner Admin) manages no customer in region US" in proc.stderr


def test_customers_as_admin(run):
    run.require_success()
    proc = cli(run, "customers", "--region", "US", "--csv", "--as-admin", "ada@partner.example")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout, newline="")))
    assert [r[:2] for r in rows[1:]] == [["Hooli", HOOLI]]


# ------------------------------------------------------------------------------ customer ORG_ID
def test_customer_command_csv(run):
    run.require_success()
    proc = cli(run, "customer", FORMULA, "--region", "US", "--csv")
    assert proc.returncode == 0, proc.stderr
    # (text mode turns the CRLF line ends into "\n"; sections are separated by an empty line)
    blocks = [list(csv.reader(io.StringIO(b))) for b in proc.stdout.replace("\r\n", "\n").split("\n\n")]
    header = dict(blocks[0][1:])
    assert header["Customer"] == "'=Formula Corp"  # formula-safe
    assert header["Managed By"] == "Partner"
    assert header["Statuses"] == "Trial; Expiring Soon; No Recent Activity; Ready for Order Setup"
    assert header["Tags"] == "retail"
    assert header["Managed by admins"] == "pat@partner.example; sal@partner.example"
    titles = [b[0][0] for b in blocks[1:]]
    assert titles == ["Subscriptions", "Orders", "Trials", "Partner Admins"]
    subs = blocks[1]
    assert subs[1] == DETAIL_HEADER[2:]
    assert subs[2:] == [
        ["SUB-F1", "Trial", "Active", "2026-11-01", "2026-12-01", "", "False", "INV-SUB-F1", "Messaging - Webex Advanced Messaging", "Messaging", "5", "3"],
        ["SUB-F1", "Trial", "Active", "2026-11-01", "2026-12-01", "", "False", "INV-SUB-F1", CALL, "Calling", "6", "1"],
        ["SUB-F2", "Subscription", "Provisioning", "2026-12-01", "2027-12-01", "2027-12-01", "True", "INV-SUB-F2", "", "", "", ""],
    ]
    assert blocks[3][2:] == [["SUB-F1", "Calling; Messaging", "2026-11-01", "2026-12-01", "9", "11", "4"]]
    assert blocks[4][2:] == [["Pat", "pat@partner.example", "Partner Full Admin"], ["Sal", "sal@partner.example", "Sales Full Admin"]]


def test_customer_command_view_and_errors(run):
    run.require_success()
    proc = cli(run, "customer", ACME, "--region", "US")
    assert proc.returncode == 0, proc.stderr
    for text in ("Acme Health", "ORD-A1-3", "REMOVE", "Sales Admin", "Subscription; Expiring Soon; License Overage"):
        assert text in proc.stdout, text
    # unknown org id: exit 2 naming it, close matches by name
    proc = cli(run, "customer", "hooli", "--region", "US")
    assert proc.returncode == 2
    assert "no customer with org id 'hooli' in region US" in proc.stderr and "Hooli (org-us-hooli)" in proc.stderr
    # an admin who does not manage the customer
    proc = cli(run, "customer", ACME, "--region", "US", "--as-admin", "ada@partner.example")
    assert proc.returncode == 2 and "not managed by partner admin 'ada@partner.example'" in proc.stderr
    proc = cli(run, "customer", HOOLI, "--region", "US", "--as-admin", "ada@partner.example", "--csv")
    assert proc.returncode == 0 and "Hooli" in proc.stdout
