"""Reports outside the weekly run: schedule periods, the week a warehouse holds, live vs disposable-copy
exports, report schedules and the `report` command."""

import datetime as dt
import json

import duckdb
import pytest
from typer.testing import CliRunner

from exports.templates import Column, Template
from partner_analytics import reports
from partner_analytics.cli import app
from partner_analytics.errors import BadArgumentError, PipelineError
from partner_analytics.periods import Period

D = dt.date(2026, 11, 22)

USAGE = Template(
    name="Calling Usage Detail Report",
    relation="rpt_calling_usage_detail",
    columns=(Column("customer_name", "Customer Name"), Column("org_id", "Org ID"), Column("total_calls", "Total Calls")),
    order_by=("customer_name", "org_id"),
)


@pytest.mark.parametrize(
    "cadence, run_date, start, end, label",
    [
        ("daily", "2026-03-01", "2026-02-28", "2026-03-01", "2026-03-01"),  # the previous UTC day
        ("monthly", "2028-03-01", "2028-02-01", "2028-03-01", "2028-03-01"),  # 2028-02-01..2028-02-29 (leap year)
        ("monthly", "2027-01-15", "2026-12-01", "2027-01-01", "2027-01-15"),
        ("weekly", "2026-11-22", "2026-11-15", "2026-11-22", "2026-11-22"),  # W of that Sunday
        ("weekly", "2026-11-25", "2026-11-15", "2026-11-22", "2026-11-22"),  # a manual Wednesday run: last week
    ],
)
def test_schedule_periods(cadence, run_date, start, end, label):
    p = reports.schedule_period(cadence, run_date)
    assert (p.start.isoformat(), p.end.isoformat(), p.label_date.isoformat()) == (start, end, label)


def test_monthly_leap_february_has_29_days():
    assert reports.schedule_period("monthly", "2028-03-01").days == 29


def test_cli_period():
    assert reports.cli_period(None, None, D) == Period(dt.date(2026, 11, 15), D, D)  # the latest week built
    # --to is included: [11-01, 11-30] -> [11-01, 12-01), labelled 12-01 like the monthly run of 12-01
    assert reports.cli_period("2026-11-01", "2026-11-30", D) == Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    with pytest.raises(BadArgumentError, match="both --from and --to"):
        reports.cli_period("2026-11-01", None, D)
    with pytest.raises(BadArgumentError, match="before --from"):
        reports.cli_period("2026-11-02", "2026-11-01", D)
    with pytest.raises(BadArgumentError, match="YYYY-MM-DD"):
        reports.cli_period("2026-11-01", "30/11/2026", D)


def _summary(home, d, region, **extra):
    path = home / "runs" / d / region / "summary.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"region": region, "week_ending": d, **extra}), encoding="utf-8")


def test_built_week_is_the_latest_run_that_built_the_warehouse(tmp_path):
    with pytest.raises(PipelineError, match="no warehouse"):
        reports.built_week_ending(tmp_path, "US")
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "US.duckdb").touch()
    _summary(tmp_path, "2026-11-15", "US", status="succeeded", warehouse="w")
    _summary(tmp_path, "2026-11-22", "US", status="succeeded", warehouse="w")
    _summary(tmp_path, "2026-11-29", "US", status="failed", failed_step="validate")  # never built
    _summary(tmp_path, "2026-12-06", "US", status="failed", failed_step="export", warehouse="w")  # never published
    _summary(tmp_path, "2026-12-13", "EU", status="succeeded", warehouse="w")  # another region
    assert reports.built_week_ending(tmp_path, "US") == D


@pytest.fixture
def home(tmp_path):
    """A home whose US warehouse was built for D: calls per day, and the usage report for W."""
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    con = duckdb.connect(str(home / "warehouse" / "US.duckdb"))
    con.execute("create table calls_by_day (customer_name varchar, org_id varchar, call_date date, calls integer)")
    con.execute(
        "insert into calls_by_day values "
        "('Acme', 'o1', '2026-11-02', 5), ('Acme', 'o1', '2026-11-16', 3), ('Acme', 'o1', '2026-11-21', 4), "
        "('Beta', 'o2', '2026-11-16', 7), ('Beta', 'o2', '2026-11-23', 100)"
    )
    con.execute(
        "create schema marts; create table marts.rpt_calling_usage_detail as select customer_name, org_id, sum(calls) as total_calls "
        "from calls_by_day where call_date >= '2026-11-15' and call_date < '2026-11-22' group by all"
    )
    con.close()
    _summary(home, "2026-11-22", "US", status="succeeded", warehouse=str(home / "warehouse" / "US.duckdb"))
    return home


@pytest.fixture
def fake_dbt(monkeypatch):
    """Stands in for `dbt build --select rpt_...`: rebuilds the report table for report_start/report_end."""
    calls = []

    def invoke(args, *, warehouse, work_dir):
        variables = json.loads(args[args.index("--vars") + 1])
        calls.append({"args": args, "warehouse": warehouse, "vars": variables})
        con = duckdb.connect(str(warehouse))
        con.execute(
            "create or replace table marts.rpt_calling_usage_detail as select customer_name, org_id, sum(calls) as total_calls "
            "from calls_by_day where call_date >= ? and call_date < ? group by all",
            [variables["report_start"], variables["report_end"]],
        )
        con.close()

    import partner_analytics.dbt

    monkeypatch.setattr(partner_analytics.dbt, "invoke", invoke)
    return calls


def _csv(written):
    return [open(w["path"], "rb").read() for w in written]


def test_the_built_week_exports_from_the_live_warehouse(home, fake_dbt):
    written = reports.export_reports(home, "US", [USAGE], reports.cli_period(None, None, D))
    assert fake_dbt == []  # nothing rebuilt
    # W = [11-15, 11-22): Acme 3 + 4 = 7, Beta 7
    assert _csv(written) == [b"Customer Name,Org ID,Total Calls\r\nAcme,o1,7\r\nBeta,o2,7\r\n"]
    assert written[0]["path"].endswith("_2026-11-22.csv") and written[0]["rows"] == 2


def test_another_period_rebuilds_a_disposable_copy_and_leaves_the_live_warehouse_alone(home, fake_dbt):
    live = home / "warehouse" / "US.duckdb"
    before = live.read_bytes()
    november = reports.schedule_period("monthly", "2026-12-01")  # [11-01, 12-01)
    written = reports.export_reports(home, "US", [USAGE], november)
    # November: Acme 5 + 3 + 4 = 12, Beta 7 + 100 = 107
    assert _csv(written) == [b"Customer Name,Org ID,Total Calls\r\nAcme,o1,12\r\nBeta,o2,107\r\n"]
    assert written[0]["path"].endswith("_2026-12-01.csv")
    [call] = fake_dbt
    assert call["args"][:3] == ["build", "--select", "rpt_calling_usage_detail"]
    assert (call["vars"]["week_ending"], call["vars"]["report_start"], call["vars"]["report_end"]) == ("2026-11-22", "2026-11-01", "2026-12-01")
    assert call["warehouse"] != live and call["warehouse"].name == "US.duckdb"  # a copy, same catalog name
    assert not call["warehouse"].exists()  # deleted after the export
    assert live.read_bytes() == before
    assert sorted(p.name for p in (home / "warehouse").iterdir()) == ["US.duckdb"]


def test_the_copy_is_deleted_when_the_rebuild_fails(home, monkeypatch):
    import partner_analytics.dbt
    from partner_analytics.errors import BuildError

    def failing(args, *, warehouse, work_dir):
        raise BuildError("dbt build failed: rpt_calling_usage_detail: boom")

    monkeypatch.setattr(partner_analytics.dbt, "invoke", failing)
    with pytest.raises(BuildError, match="boom"):
        reports.export_reports(home, "US", [USAGE], reports.schedule_period("daily", "2026-11-17"))
    assert sorted(p.name for p in (home / "warehouse").iterdir()) == ["US.duckdb"]
    assert not (home / "exports" / "US").exists() or not list((home / "exports" / "US").glob("*.csv"))


@pytest.fixture
def defaults(monkeypatch):
    import exports.templates

    monkeypatch.setattr(exports.templates, "load_default_templates", lambda directory=None: [USAGE])
    import exports.custom

    monkeypatch.setattr(exports.custom, "load_default_templates", lambda directory=None: [USAGE])


def test_a_schedule_exports_the_templates_that_list_it(home, fake_dbt, defaults, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "daily.yml").write_text("name: Daily Calls\nbase: Calling Usage Detail Report\ncolumns: [Org ID, Total Calls]\nschedules: [daily]\n")
    (templates / "monthly.yml").write_text("name: Monthly Calls\nbase: Calling Usage Detail Report\nschedules: [monthly]\n")
    written = reports.run_schedule(home, "US", "daily", "2026-11-17", templates)
    # the previous day 2026-11-16: Acme 3, Beta 7
    assert [w["template"] for w in written] == ["Daily Calls"]
    assert _csv(written) == [b"Org ID,Total Calls\r\no1,3\r\no2,7\r\n"]
    assert written[0]["path"].endswith("_2026-11-17.csv")
    assert reports.run_schedule(home, "US", "weekly", "2026-11-22", templates) == []  # nothing scheduled weekly


def test_a_weekly_schedule_waits_for_its_week_to_be_built(home, defaults, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "w.yml").write_text("name: Weekly Calls\nbase: Calling Usage Detail Report\nschedules: [weekly]\n")
    with pytest.raises(reports.WeekNotBuiltError, match="2026-11-29 has not built"):
        reports.run_schedule(home, "US", "weekly", "2026-11-29", templates)
    [w] = reports.run_schedule(home, "US", "weekly", "2026-11-22", templates)
    assert open(w["path"], "rb").read() == b"Customer Name,Org ID,Total Calls\r\nAcme,o1,7\r\nBeta,o2,7\r\n"


runner = CliRunner()


def test_report_command(home, fake_dbt, defaults, tmp_path):
    result = runner.invoke(app, ["report", "Calling Usage Detail Report", "--home", str(home), "--region", "US", "--from", "2026-11-16", "--to", "2026-11-23"])
    assert result.exit_code == 0, result.output
    # [11-16, 11-24): Acme 3 + 4 = 7, Beta 7 + 100 = 107
    [line] = result.output.strip().splitlines()
    assert line.endswith("_2026-11-24.csv (2 rows)")
    assert open(line.rsplit(" (", 1)[0], "rb").read() == b"Customer Name,Org ID,Total Calls\r\nAcme,o1,7\r\nBeta,o2,107\r\n"

    custom = tmp_path / "acme.yml"
    custom.write_text("name: Acme Calls\nbase: Calling Usage Detail Report\ncolumns: [Total Calls]\nfilters: {org_ids: [o1]}\n")
    result = runner.invoke(app, ["report", "Acme Calls", "--home", str(home), "--region", "US", "--template", str(custom)])
    assert result.exit_code == 0, result.output
    assert open(result.output.strip().rsplit(" (", 1)[0], "rb").read() == b"Total Calls\r\n7\r\n"  # W, Acme only


@pytest.mark.parametrize(
    "args, message",
    [
        (["Calling Usage Detail Report", "--region", "MARS"], "unknown region 'MARS'"),
        (["No Such Report", "--region", "US"], "unknown report 'No Such Report'"),
        (["Calling Usage Detail Report", "--region", "US", "--from", "2026-11-16"], "both --from and --to"),
        (["Other", "--region", "US", "--template", "__TEMPLATE__"], "no custom template named 'Other'"),
        (["Bad", "--region", "US", "--template", "__BAD__"], "'Nope Column'"),
    ],
)
def test_report_command_bad_arguments_exit_2(home, defaults, tmp_path, args, message):
    (tmp_path / "ok.yml").write_text("name: Acme Calls\nbase: Calling Usage Detail Report\n")
    (tmp_path / "bad.yml").write_text("name: Bad\nbase: Calling Usage Detail Report\ncolumns: [Nope Column]\n")
    args = [a.replace("__TEMPLATE__", str(tmp_path / "ok.yml")).replace("__BAD__", str(tmp_path / "bad.yml")) for a in args]
    result = runner.invoke(app, ["report", args[0], "--home", str(home), *args[1:]])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_report_command_without_a_warehouse_exits_1(tmp_path, defaults):
    result = runner.invoke(app, ["report", "Calling Usage Detail Report", "--home", str(tmp_path), "--region", "US"])
    assert result.exit_code == 1
    assert "no warehouse" in result.output


def test_a_weekly_table_is_refused_for_another_period_before_anything_is_copied(home, fake_dbt, monkeypatch):
    trend = Template(name="Call Volume Trend", relation="rpt_call_volume_trend", columns=(Column("week_ending", "Week Ending"),), order_by=("week_ending",))
    with pytest.raises(BadArgumentError, match=r"'Call Volume Trend' is a weekly table: it exists only for the week ending 2026-11-22"):
        reports.export_reports(home, "US", [USAGE, trend], reports.cli_period("2026-11-16", "2026-11-23", D))
    assert fake_dbt == [] and not (home / "exports").exists()
    assert sorted(p.name for p in (home / "warehouse").iterdir()) == ["US.duckdb"]
    # the same week given as --from/--to is the built week: allowed (the live warehouse, nothing rebuilt)
    reports.refuse_weekly_tables([trend], reports.cli_period("2026-11-15", "2026-11-21", D), D)
