"""The report schedule DAGs through Airflow (dag.test) on a tiny warehouse, dbt replaced by a fake rebuild."""

import datetime as dt
import json

import duckdb
import pytest

from exports.templates import Column, Template

UTC = dt.UTC
USAGE = Template(
    name="Calling Usage Detail Report",
    relation="rpt_calling_usage_detail",
    columns=(Column("customer_name", "Customer Name"), Column("org_id", "Org ID"), Column("total_calls", "Total Calls")),
    order_by=("customer_name", "org_id"),
)


@pytest.fixture
def scheduled(tmp_path, monkeypatch):
    """US built for 2026-11-22 (EU never built); one template scheduled daily, one monthly."""
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    con = duckdb.connect(str(home / "warehouse" / "US.duckdb"))
    con.execute("create table calls_by_day (customer_name varchar, org_id varchar, call_date date, calls integer)")
    con.execute("insert into calls_by_day values ('Acme', 'o1', '2026-11-20', 2), ('Acme', 'o1', '2026-11-21', 3), ('Beta', 'o2', '2026-11-21', 4)")
    con.execute(
        "create schema marts; create table marts.rpt_calling_usage_detail as select customer_name, org_id, sum(calls) as total_calls from calls_by_day group by all"
    )
    con.close()
    run = home / "runs" / "2026-11-22" / "US" / "summary.json"
    run.parent.mkdir(parents=True)
    run.write_text(json.dumps({"week_ending": "2026-11-22", "status": "succeeded", "warehouse": "US.duckdb"}))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "d.yml").write_text("name: Daily Calls\nbase: Calling Usage Detail Report\ncolumns: [Org ID, Total Calls]\nschedules: [daily]\n")
    (templates / "m.yml").write_text("name: Monthly Calls\nbase: Calling Usage Detail Report\nschedules: [monthly]\n")

    import exports.custom
    import partner_analytics.dbt

    monkeypatch.setattr(exports.custom, "load_default_templates", lambda directory=None: [USAGE])
    rebuilt = []

    def invoke(args, *, warehouse, work_dir):
        v = json.loads(args[args.index("--vars") + 1])
        rebuilt.append((v["report_start"], v["report_end"]))
        con = duckdb.connect(str(warehouse))
        con.execute(
            "create or replace table marts.rpt_calling_usage_detail as select customer_name, org_id, sum(calls) as total_calls "
            "from calls_by_day where call_date >= ? and call_date < ? group by all",
            [v["report_start"], v["report_end"]],
        )
        con.close()

    monkeypatch.setattr(partner_analytics.dbt, "invoke", invoke)
    monkeypatch.setenv("PA_HOME", str(home))
    monkeypatch.setenv("PA_TEMPLATES_DIR", str(templates))
    return home, rebuilt


def test_daily_schedule_exports_the_previous_day(airflow_db, dagbag, scheduled):
    home, rebuilt = scheduled
    # the run at 2026-11-22 06:00 covers the interval ending then: run date 11-22, period [11-21, 11-22)
    dr = dagbag.dags["partner_reports_daily"].test(logical_date=dt.datetime(2026, 11, 22, 6, tzinfo=UTC))
    assert dr.state == "success"
    assert rebuilt == [("2026-11-21", "2026-11-22")]
    [out] = (home / "exports" / "US").glob("*.csv")
    assert out.name.startswith("Daily Calls_") and out.name.endswith("_2026-11-22.csv")
    assert out.read_bytes() == b"Org ID,Total Calls\r\no1,3\r\no2,4\r\n"  # 11-21 only: Acme 3, Beta 4
    assert not (home / "exports" / "EU").exists()  # EU has no warehouse: not mapped


def test_monthly_schedule_triggered_by_hand_uses_the_trigger_date(airflow_db, dagbag, scheduled):
    home, rebuilt = scheduled
    # no data interval; triggered 2026-12-01 09:00 UTC -> run date 12-01 -> November
    dr = dagbag.dags["partner_reports_monthly"].test(logical_date=None, run_after=dt.datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert dr.state == "success"
    assert rebuilt == [("2026-11-01", "2026-12-01")]
    [out] = (home / "exports" / "US").glob("*.csv")
    assert out.name.startswith("Monthly Calls_") and out.name.endswith("_2026-12-01.csv")
    assert out.read_bytes() == b"Customer Name,Org ID,Total Calls\r\nAcme,o1,5\r\nBeta,o2,4\r\n"  # Acme 2 + 3
