"""`partner-analytics customer ORG_ID` on a hand-made warehouse (the rpt_ tables of SPEC 12): the view's
sections and order, formula-safe CSV, unknown org ids, and the admin scope."""

import csv
import io

import duckdb
import pytest
from typer.testing import CliRunner

from partner_analytics import paths
from partner_analytics.cli import app
from partner_analytics.customer import _readable, admin_rows, customer_detail, to_csv
from partner_analytics.errors import BadArgumentError


@pytest.fixture
def home(tmp_path):
    wh = paths.warehouse_path(tmp_path, "US")
    wh.parent.mkdir(parents=True)
    con = duckdb.connect(str(wh))
    con.execute("create schema marts")
    con.execute("""create table marts.rpt_customers as select * from (values
        ('Acme Health', 'org-a', 'EXT-1', 'Partner', 'Calling', 'Subscription', 'Subscription', 'vip', null, date '2027-01-31'),
        ('@Evil', 'org-e', null, 'External Admin', null, null, 'Expired', null, null, null)
    ) t(customer, org_id, external_id, managed_by, products, subscription_types, statuses, tags, partner_admins, next_expiry_date)""")
    con.execute("""create table marts.rpt_customer_detail as select * from (values
        ('Acme Health', 'org-a', 'S2', 'Subscription', 'Active', date '2025-01-01', date '2027-01-31', date '2027-01-31', true, 'INV-2', 'L9', 'Webex Calling', 'Calling', 20, 22),
        ('Acme Health', 'org-a', 'S1', 'Trial', 'Active', date '2026-11-01', date '2026-12-01', null, false, '=cmd()', null, null, null, null, null),
        ('@Evil', 'org-e', 'S9', 'Subscription', 'Expired', date '2020-01-01', date '2021-01-01', null, false, null, null, null, null, null, null)
    ) t(customer, org_id, subscription_id, subscription_type, status, start_date, end_date, renewal_date, is_auto_renew,
        invoice_id, license_id, license, product, total_licenses, assigned_licenses)""")
    con.execute("""create table marts.rpt_customer_orders as select * from (values
        ('Acme Health', 'org-a', 'S2', 2, 'O2', timestamptz '2026-03-01 00:00:00+00', 'REMOVE', 2),
        ('Acme Health', 'org-a', 'S2', 1, 'O1', timestamptz '2025-01-01 00:00:00+00', 'ADD', 24)
    ) t(customer, org_id, subscription_id, order_index, order_id, ordered_at, action, quantity)""")
    con.execute("""create table marts.rpt_trials as select * from (values
        ('Acme Health', 'org-a', 'S1', null, date '2026-11-01', date '2026-12-01', 9, 0, 0)
    ) t(customer, org_id, subscription_id, products, start_date, end_date, days_left, total_licenses, assigned_licenses)""")
    con.execute("""create table marts.rpt_partner_admins as select * from (values
        ('Acme Health', 'org-a', 'A2', 'Sam', 'sam@p.example', 'Sales Admin'),
        ('Acme Health', 'org-a', 'A1', 'Pat', 'pat@p.example', 'Partner Full Admin'),
        ('@Evil', 'org-e', 'A1', 'Pat', 'pat@p.example', 'Partner Full Admin')
    ) t(customer, org_id, admin_id, admin_name, admin_email, role)""")
    con.execute("""create table marts.dim_partner_admins as select * from (values
        ('A1', 'pat@p.example', 'pat@p.example', 'Pat', 'PARTNER_FULL_ADMIN', 'Partner Full Admin', true, 2),
        ('A2', 'sam@p.example', 'sam@p.example', 'Sam', 'SALES_ADMIN', 'Sales Admin', false, 1)
    ) t(admin_id, admin_email, admin_email_lower, admin_name, role_code, role, is_full_admin, managed_customers)""")
    con.close()
    return tmp_path


def test_sections_in_export_order_without_customer_columns(home):
    view = customer_detail(home, "US", "org-a")
    assert dict(view.header)["Managed by admins"] == "pat@p.example; sam@p.example"
    subs, orders, trials, admins = view.sections
    assert subs.headers[:3] == ["Subscription ID", "Type", "Status"] and subs.headers[-4:] == ["License", "Product", "Total", "Assigned"]
    assert [r[0] for r in subs.rows] == ["S1", "S2"]  # by Subscription ID
    assert [r[1] for r in orders.rows] == ["O1", "O2"]  # by Ordered At, not by source order
    assert [r[0] for r in trials.rows] == ["S1"]
    assert admins.rows == [("Pat", "pat@p.example", "Partner Full Admin"), ("Sam", "sam@p.example", "Sales Admin")]
    # terminal: one row per subscription, license lines apart (S1 has none)
    readable = {s.title: s for s in _readable(view.sections)}
    assert [r[0] for r in readable["Subscriptions"].rows] == ["S1", "S2"]
    assert readable["License lines"].rows == [("S2", "Webex Calling", "Calling", 20, 22)]


def test_csv_is_formula_safe(home):
    text = to_csv(customer_detail(home, "US", "org-e"))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["Customer", "'@Evil"]
    text = to_csv(customer_detail(home, "US", "org-a"))
    assert "'=cmd()" in text and ",=cmd()" not in text
    assert text.endswith("\r\n") and "\r\n\r\nSubscriptions\r\nSubscription ID," in text


def test_unknown_org_exits_2_with_close_names(home):
    with pytest.raises(BadArgumentError) as caught:
        customer_detail(home, "US", "acme helth")
    assert str(caught.value) == "no customer with org id 'acme helth' in region US; close matches: Acme Health (org-a)"
    result = CliRunner().invoke(app, ["customer", "org-x", "--home", str(home), "--region", "US"])
    assert result.exit_code == 2 and "no customer with org id 'org-x' in region US" in result.output


def test_as_admin_limits_to_the_admins_customers(home):
    assert customer_detail(home, "US", "org-e", as_admin="PAT@p.example").admin == "PAT@p.example"  # full admin
    with pytest.raises(BadArgumentError, match="'org-e' is not managed by partner admin 'sam@p.example'"):
        customer_detail(home, "US", "org-e", as_admin="sam@p.example")
    rows = [("Acme Health", "org-a"), ("@Evil", "org-e")]
    assert admin_rows(home, "US", "sam@p.example", ["Customer", "Org ID"], rows) == [("Acme Health", "org-a")]
    assert admin_rows(home, "US", "pat@p.example", ["Customer", "Org ID"], rows) == rows
