"""`--as-admin` (SPEC 12) without a dbt build: resolving the admin, file ids carrying the admin, and where
the scope is applied. The scoped numbers themselves are checked end to end in
tests/e2e/test_customer_exports.py."""

import hashlib

import duckdb
import pytest

from exports.naming import export_file_name, export_id
from partner_analytics import paths
from partner_analytics.errors import BadArgumentError
from partner_analytics.periods import week
from partner_analytics.scope import _selection, resolve_admin, scoped_models

W = week("2026-11-22")


@pytest.fixture
def home(tmp_path):
    wh = paths.warehouse_path(tmp_path, "US")
    wh.parent.mkdir(parents=True)
    con = duckdb.connect(str(wh))
    con.execute("create schema marts")
    con.execute("""create table marts.dim_partner_admins as select * from (values
        ('A1', 'pat@partner.example', 'pat@partner.example', 'Pat', 'PARTNER_FULL_ADMIN', 'Partner Full Admin', true, 3),
        ('A2', 'Zoe@Partner.example', 'zoe@partner.example', 'Zoe', 'PARTNER_READ_ONLY_ADMIN', 'Partner Read-Only Admin', false, 2),
        ('A3', 'eve@partner.example', 'eve@partner.example', 'Eve', 'PARTNER_ADMIN', 'Partner Admin', false, 0)
    ) t(admin_id, admin_email, admin_email_lower, admin_name, role_code, role, is_full_admin, managed_customers)""")
    con.execute("""create table marts.rpt_partner_admins as select * from (values
        ('Acme', 'org-a', 'A1', 'Pat', 'pat@partner.example', 'Partner Full Admin'),
        ('Beta', 'org-b', 'A1', 'Pat', 'pat@partner.example', 'Partner Full Admin'),
        ('Gamma', 'org-c', 'A1', 'Pat', 'pat@partner.example', 'Partner Full Admin'),
        ('Gamma', 'org-c', 'A2', 'Zoe', 'Zoe@Partner.example', 'Partner Read-Only Admin'),
        ('Acme', 'org-a', 'A2', 'Zoe', 'Zoe@Partner.example', 'Partner Read-Only Admin')
    ) t(customer, org_id, admin_id, admin_name, admin_email, role)""")
    con.close()
    return tmp_path


def test_resolve_admin_case_insensitive_with_their_org_ids(home):
    zoe = resolve_admin(home, "US", " ZOE@partner.EXAMPLE ")
    assert (zoe.is_full_admin, zoe.org_ids, zoe.scope_org_ids, zoe.role) == (False, ("org-a", "org-c"), ["org-a", "org-c"], "Partner Read-Only Admin")
    pat = resolve_admin(home, "US", "pat@partner.example")
    assert pat.is_full_admin and pat.scope_org_ids is None  # a full admin's view is not filtered at all


def test_unknown_email_names_it_and_suggests_close_ones(home):
    with pytest.raises(BadArgumentError) as caught:
        resolve_admin(home, "US", "zoey@partner.example")
    assert str(caught.value) == (
        "--as-admin: no partner admin with email 'zoey@partner.example' in the partner admins snapshot; did you mean zoe@partner.example?"
    )


def test_admin_without_customers_in_the_region_is_refused(home):
    with pytest.raises(BadArgumentError, match=r"'eve@partner.example' \(Partner Admin\) manages no customer in region US"):
        resolve_admin(home, "US", "eve@partner.example")


def test_scoped_file_ids_carry_the_admin_and_unscoped_ids_are_unchanged():
    plain = hashlib.sha256(b"Trials|US|2026-11-15|2026-11-22").hexdigest()[:8]
    assert export_id("Trials", "US", W.start, W.end) == plain  # the weekly run's names do not move
    zoe = export_id("Trials", "US", W.start, W.end, "zoe@partner.example")
    assert zoe == hashlib.sha256(b"Trials|US|2026-11-15|2026-11-22|admin=zoe@partner.example").hexdigest()[:8]
    assert zoe != plain and zoe == export_id("Trials", "US", W.start, W.end, "Zoe@Partner.Example")
    assert zoe != export_id("Trials", "US", W.start, W.end, "pat@partner.example")
    assert export_file_name("Trials", "US", W.start, W.end, W.label_date, "zoe@partner.example") == f"Trials_{zoe}_2026-11-22.csv"


def test_the_scope_is_applied_at_the_base_of_every_customer_bearing_model():
    # every path from the lake to an export crosses one of these (macros/scope.sql); the low-assignment
    # threshold is computed before fct_subscription_products applies it
    assert scoped_models() == [
        "dim_customers",
        "fct_subscription_products",
        "int_call_legs_windowed",
        "int_call_queue_days_weighted",
        "int_subscription_lines_joined",
        "int_subscription_orders_joined",
        "rpt_devices",
        "rpt_license_allocation_trend",
        "rpt_partner_admins",
        "rpt_phone_numbers",
    ]
    assert _selection(["rpt_trials"], ["a", "b"]) == ["rpt_trials", "a+,+rpt_trials", "b+,+rpt_trials"]


def test_every_default_template_is_downstream_of_a_scoped_model():
    """A new export that bypassed the scope would show an admin other admins' customers."""
    import json
    import re

    from exports.templates import load_default_templates
    from partner_analytics.scope import MODELS_DIR

    # the refs read from the SQL (dbt ls would take seconds)
    refs = {p.stem: set(re.findall(r"ref\('([a-z_]+)'\)", p.read_text())) for p in MODELS_DIR.rglob("*.sql")}
    scoped = set(scoped_models())

    def covered(model, seen=()):
        return model in scoped or any(covered(r, (*seen, model)) for r in refs.get(model, ()) if r not in seen)

    uncovered = [t.relation for t in load_default_templates() if not covered(t.relation)]
    assert uncovered == [], json.dumps(uncovered)
