"""`partner-analytics customers`: filters over dim_customers, output rows from rpt_customers."""

import duckdb
import pytest
from typer.testing import CliRunner

from partner_analytics import paths
from partner_analytics.cli import app
from partner_analytics.customers import list_customers
from partner_analytics.errors import BadArgumentError

FLAGS = [
    "is_status_trial",
    "is_status_subscription",
    "is_status_expiring_soon",
    "is_status_license_overage",
    "is_status_no_recent_activity",
    "is_status_ready_for_order_setup",
    "is_status_suspended",
    "is_status_expired",
    "has_product_calling",
    "has_product_meetings",
    "has_product_messaging",
    "has_product_other",
    "has_subscription_type_subscription",
    "has_subscription_type_trial",
]


@pytest.fixture
def home(tmp_path):
    wh = paths.warehouse_path(tmp_path, "US")
    wh.parent.mkdir(parents=True)
    con = duckdb.connect(str(wh))
    con.execute("create schema marts")
    con.execute("""create table marts.rpt_customers as select * from (values
        ('Acme', 'org-a', 'EXT-1', 'Partner', 'Calling; Meetings', 'Subscription; Trial', 'Trial; Subscription', 'east; gold', 'pa@partner.com', date '2026-12-10'),
        ('=Beta', 'org-b', null, 'External Admin', 'Calling', 'Subscription', 'Subscription; License Overage', null, null, date '2027-06-30'),
        ('Gamma', 'org-c', 'EXT-3', 'Partner', 'Messaging', null, 'No Recent Activity; Expired', 'east', null, null)
    ) t(customer, org_id, external_id, managed_by, products, subscription_types, statuses, tags, partner_admins, next_expiry_date)""")
    flags = {  # org -> flags set to true
        "org-a": {
            "is_status_trial",
            "is_status_subscription",
            "has_product_calling",
            "has_product_meetings",
            "has_subscription_type_subscription",
            "has_subscription_type_trial",
        },
        "org-b": {"is_status_subscription", "is_status_license_overage", "has_product_calling", "has_subscription_type_subscription"},
        "org-c": {"is_status_no_recent_activity", "is_status_expired", "has_product_messaging"},
    }
    rows = []
    for org, code, tags in [("org-a", "PARTNER", "east; gold"), ("org-b", "EXTERNAL_ADMIN", None), ("org-c", "PARTNER", "east")]:
        rows.append((org, code, tags, *[f in flags[org] for f in FLAGS]))
    con.execute(f"create table marts.dim_customers (org_id varchar, managed_by_code varchar, tags varchar, {', '.join(f + ' boolean' for f in FLAGS)})")
    con.executemany(f"insert into marts.dim_customers values ({', '.join('?' for _ in range(3 + len(FLAGS)))})", rows)
    con.close()
    return tmp_path


def orgs(rows):
    return [r[1] for r in rows]


def test_filters_combine_with_and_and_repeat_with_or(home):
    assert orgs(list_customers(home, "US")[1]) == ["org-b", "org-a", "org-c"]  # sorted by Customer: '=' < 'A' < 'G'
    assert orgs(list_customers(home, "US", statuses=["Expiring Soon"])[1]) == []
    assert orgs(list_customers(home, "US", statuses=["license-overage", "expired"])[1]) == ["org-b", "org-c"]
    assert orgs(list_customers(home, "US", product="calling", managed_by="partner")[1]) == ["org-a"]
    assert orgs(list_customers(home, "US", subscription_type="trial")[1]) == ["org-a"]
    assert orgs(list_customers(home, "US", tags=["east"])[1]) == ["org-a", "org-c"]
    assert orgs(list_customers(home, "US", tags=["gold"], statuses=["trial"])[1]) == ["org-a"]
    # "ea" is not a tag of anyone: tags match whole values, not substrings
    assert orgs(list_customers(home, "US", tags=["ea"])[1]) == []


def test_unknown_filter_value_is_a_bad_argument(home):
    with pytest.raises(BadArgumentError, match="unknown status 'Gold'"):
        list_customers(home, "US", statuses=["Gold"])


def test_cli_csv_is_formula_safe(home):
    result = CliRunner().invoke(app, ["customers", "--home", str(home), "--region", "US", "--managed-by", "external-admin", "--csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Customer,Org ID,External ID,Managed By,Products,Subscription Types,Statuses,Tags,Partner Admins,Next Expiry Date",
        "'=Beta,org-b,,External Admin,Calling,Subscription,Subscription; License Overage,,,2027-06-30",
    ]


def test_cli_without_a_warehouse_fails_with_exit_1(tmp_path):
    result = CliRunner().invoke(app, ["customers", "--home", str(tmp_path), "--region", "EU"])
    assert result.exit_code == 1
    assert "no warehouse for region EU" in result.output
