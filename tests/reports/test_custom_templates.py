"""Custom templates: validation that names the file and the field, column subsets, filters, tag resolution."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from exports.custom import load_custom_template, load_custom_templates, resolve, tagged_org_ids
from exports.templates import Column, Template, TemplateError, load_default_templates
from exports.writer import write_exports
from partner_analytics.periods import previous_day

REPO = Path(__file__).resolve().parents[2]

# Two small default reports, shaped like the real ones (SPEC 7 headers).
USAGE = Template(
    name="Calling Usage Detail Report",
    relation="rpt_calling_usage_detail",
    columns=(
        Column("customer_name", "Customer Name"),
        Column("org_id", "Org ID"),
        Column("location", "Location"),
        Column("total_calls", "Total Calls"),
        Column("call_minutes", "Call Minutes"),
    ),
    order_by=("customer_name", "org_id", "location"),
)
TREND = Template(
    name="Call Volume Trend",
    relation="rpt_call_volume_trend",
    columns=(Column("week_ending", "Week Ending"), Column("calls", "Calls")),
    order_by=("week_ending",),
)
DEFAULTS = [USAGE, TREND]


def write(tmp_path, text, name="t.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_column_fails_naming_the_file_and_the_column(tmp_path):
    path = write(tmp_path, "name: Gold\nbase: Calling Usage Detail Report\ncolumns: [Org ID, Total Callz]\n")
    with pytest.raises(TemplateError) as err:
        load_custom_template(path, DEFAULTS)
    message = str(err.value)
    assert str(path) in message and "'Total Callz'" in message and "field 'columns'" in message


def test_a_name_that_climbs_out_of_the_exports_folder_is_refused(tmp_path):
    path = write(tmp_path, "name: ../../x\nbase: Calling Usage Detail Report\n")
    with pytest.raises(TemplateError) as err:
        load_custom_template(path, DEFAULTS)
    assert str(path) in str(err.value) and "field 'name'" in str(err.value) and "'../../x'" in str(err.value)


@pytest.mark.parametrize(
    "text, field",
    [
        ("name: A\nbase: Nope Report\n", "field 'base'"),
        ("name: A\nbase: Calling Usage Detail Report\ncolour: red\n", "unknown field 'colour'"),
        ("base: Calling Usage Detail Report\n", "field 'name'"),
        ("name: Call Volume Trend\nbase: Call Volume Trend\n", "is a default report name"),
        ("name: A\nbase: Call Volume Trend\nfilters: {tags: [gold]}\n", "field 'filters.tags'"),
        ("name: A\nbase: Call Volume Trend\nfilters: {locations: [Austin]}\n", "field 'filters.locations'"),
        ("name: A\nbase: Calling Usage Detail Report\nfilters: {sites: [x]}\n", "unknown field 'filters.sites'"),
        ("name: A\nbase: Calling Usage Detail Report\ncolumns: [Org ID, Org ID]\n", "field 'columns' repeats 'Org ID'"),
        ("name: A\nbase: Calling Usage Detail Report\ncolumns: []\n", "field 'columns' must be a non-empty list"),
        ("name: A\nbase: Calling Usage Detail Report\nschedules: [hourly]\n", "unknown schedule 'hourly'"),
        ("name: A\nbase: Calling Usage Detail Report\nfilters: {org_ids: [null]}\n", "field 'filters.org_ids'"),
        ("- just a list\n", "must be a mapping"),
        ("name: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_templates_name_the_file_and_the_field(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(TemplateError) as err:
        load_custom_template(path, DEFAULTS)
    assert str(path) in str(err.value)
    assert field in str(err.value)


def test_a_valid_template_narrows_orders_and_filters_its_base(tmp_path):
    path = write(
        tmp_path,
        "name: Gold Calling\nbase: Calling Usage Detail Report\n"
        "columns: [Total Calls, Customer Name]\n"  # a subset, in the template's order
        "filters: {org_ids: [o1, o3], locations: [Austin - HQ], tags: [Gold]}\n"
        "schedules: [daily, monthly]\n",
    )
    t = load_custom_template(path, DEFAULTS)
    assert (t.name, t.base, t.relation, t.schedules, t.tags) == (
        "Gold Calling",
        "Calling Usage Detail Report",
        "rpt_calling_usage_detail",
        ("daily", "monthly"),
        ("Gold",),
    )
    assert t.template.headers == ["Total Calls", "Customer Name"]
    assert [c.column for c in t.template.columns] == ["total_calls", "customer_name"]
    assert t.template.order_by == USAGE.order_by  # the base's row order, also on columns not exported
    assert t.template.filters == (("org_id", ("o1", "o3")), ("location", ("Austin - HQ",)))


def test_names_are_unique_across_a_folder(tmp_path):
    write(tmp_path, "name: Same\nbase: Call Volume Trend\n", "a.yml")
    write(tmp_path, "name: Same\nbase: Calling Usage Detail Report\n", "b.yml")
    with pytest.raises(TemplateError, match=r"b\.yml: field 'name': 'Same' is already the name of .*a\.yml"):
        load_custom_templates(tmp_path, DEFAULTS)


def test_the_example_templates_load_against_the_real_default_reports():
    defaults = load_default_templates()
    if not defaults:
        pytest.skip("exports/default_templates/*.yml not present yet")
    loaded = {t.name: t for t in load_custom_templates(REPO / "exports" / "templates", defaults)}
    assert set(loaded) == {"Healthcare Calling Usage", "Headquarters Devices", "Priority Customers"}
    assert loaded["Headquarters Devices"].template.filters[0][0] == "location_name"
    assert loaded["Healthcare Calling Usage"].org_column == "org_id"


@pytest.fixture
def warehouse(tmp_path):
    """A tiny warehouse: a usage report and the conformed customers with their tags."""
    path = tmp_path / "US.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema staging")
    con.execute(
        "create table marts.rpt_calling_usage_detail (customer_name varchar, org_id varchar, location varchar, total_calls integer, call_minutes decimal(18,2))"
    )
    con.execute(
        "insert into marts.rpt_calling_usage_detail values "
        "('Acme', 'o1', 'Austin - HQ', 10, 12.50), ('Acme', 'o1', 'Boston', 4, 3.00), "
        "('Beta', 'o2', 'Austin - HQ', 7, 1.25), ('Core', 'o3', 'Austin - HQ', 2, 0.50)"
    )
    # the conformed customers at the period's end (dbt: int_customers_at_period_end, whose snapshot
    # choice its unit test pins): tags distinct, sorted, joined with '; ', case as sent
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_customers_at_period_end (org_id varchar, customer_name varchar, tags varchar)")
    con.execute(
        "insert into intermediate.int_customers_at_period_end values "
        "('o1', 'Acme', 'east; gold'), ('o2', 'Beta', 'silver'), ('o3', 'Core', 'GOLD'), ('o4', 'Dyn', null), ('o5', 'Eg', 'golden')"
    )
    con.close()
    return path


def test_tags_resolve_to_org_ids_case_insensitively_and_whole(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert tagged_org_ids(con, ("Gold",)) == ("o1", "o3")  # case-insensitive; 'golden' is another tag
        assert tagged_org_ids(con, ("gold", "silver")) == ("o1", "o2", "o3")  # any tag
        assert tagged_org_ids(con, ("EAST",)) == ("o1",)  # a tag inside a joined cell
        assert tagged_org_ids(con, ("ea",)) == ()  # whole tags, never substrings
    finally:
        con.close()


def test_filtered_custom_report_bytes(tmp_path, warehouse):
    path = write(
        tmp_path,
        "name: Gold Austin\nbase: Calling Usage Detail Report\ncolumns: [Customer Name, Total Calls, Call Minutes]\n"
        "filters: {tags: [gold], org_ids: [o1, o2], locations: [Austin - HQ]}\n",
    )
    custom = load_custom_template(path, DEFAULTS)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ready = resolve(custom, con, dt.date(2026, 11, 22))
        # gold at D = {o1, o3}; AND org_ids {o1, o2} -> {o1}; AND location Austin - HQ -> one row
        assert ready.filters == (("org_id", ("o1",)), ("location", ("Austin - HQ",)))
        nobody = resolve(
            load_custom_template(write(tmp_path, "name: None\nbase: Calling Usage Detail Report\nfilters: {tags: [platinum]}\n", "n.yml"), DEFAULTS),
            con,
            dt.date(2026, 11, 22),
        )
    finally:
        con.close()
    period = previous_day(dt.date(2026, 11, 24))
    [w] = write_exports(warehouse, tmp_path / "out", "US", period, [ready])
    assert w.path.name.startswith("Gold Austin_") and w.path.name.endswith("_2026-11-24.csv")
    assert w.path.read_bytes() == b"Customer Name,Total Calls,Call Minutes\r\nAcme,10,12.50\r\n"
    [empty] = write_exports(warehouse, tmp_path / "out", "US", period, [nobody])
    assert empty.rows == 0 and empty.path.read_bytes() == b"Customer Name,Org ID,Location,Total Calls,Call Minutes\r\n"


@pytest.mark.parametrize("cadence", ["daily", "monthly"])
def test_a_weekly_table_scheduled_daily_or_monthly_fails_naming_the_file_and_the_field(tmp_path, cadence):
    # Call Volume Trend exists only for a week ending D (SPEC 7 Periods)
    path = write(tmp_path, f"name: Trend Daily\nbase: Call Volume Trend\nschedules: [weekly, {cadence}]\n")
    with pytest.raises(TemplateError) as err:
        load_custom_template(path, DEFAULTS)
    message = str(err.value)
    assert message.startswith(f"{path}: field 'schedules': '{cadence}' is not possible for base 'Call Volume Trend'")
    assert "weekly table" in message
    # weekly is fine for it, and any schedule for a period table
    assert load_custom_template(write(tmp_path, "name: T\nbase: Call Volume Trend\nschedules: [weekly]\n", "w.yml"), DEFAULTS).schedules == ("weekly",)
    ok = write(tmp_path, "name: U\nbase: Calling Usage Detail Report\nschedules: [daily, weekly, monthly]\n", "u.yml")
    assert load_custom_template(ok, DEFAULTS).schedules == ("daily", "weekly", "monthly")


def test_every_real_weekly_table_is_classified_as_spec_7_says():
    from exports.templates import INVENTORY_RELATIONS, PERIOD_RELATIONS, is_weekly_relation

    by_name = {t.name: t.relation for t in load_default_templates()}
    period = {n for n, r in by_name.items() if r in PERIOD_RELATIONS}
    inventory = {n for n, r in by_name.items() if r in INVENTORY_RELATIONS}
    assert period == {
        "Calling Usage Detail Report",
        "Customers and Usage",
        "Customers and Call Quality",
        "Call Quality by Endpoint Type",
        "Feature Usage",
        "Call Queue KPIs",
        "Customers and Call Queues",
    }
    assert inventory == {"Devices Report", "Phone Numbers Report"}
    weekly = {n for n, r in by_name.items() if is_weekly_relation(r)}
    assert {
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
    } <= weekly
    assert weekly == set(by_name) - period - inventory
