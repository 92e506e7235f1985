"""What an analyst or BI tool finds in a warehouse (layer schemas, comments), a copied home, the Parquet
marts, read-only access that fails politely when the file is locked, and the dashboard's files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from exports.dashboard import render_dashboard, write_indexes
from exports.dashboard.render import admin_page_name
from exports.templates import load_default_templates
from partner_analytics import demo_report, paths
from partner_analytics.warehouse import open_read_only

from .conftest import D_ISO, D

pytestmark = pytest.mark.slow  # reads the homes of one full pipeline run

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / ".venv" / "bin" / "partner-analytics"


def test_marts_schema_holds_every_report_with_table_and_column_comments(dashboard_run):
    con = duckdb.connect(str(paths.warehouse_path(dashboard_run.home, "US")), read_only=True)
    try:
        objects = con.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "union all select schema_name, view_name, comment from duckdb_views() where not internal"
        ).fetchall()
        columns = {
            (t, c): comment
            for t, c, comment in con.execute("select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'").fetchall()
        }
    finally:
        con.close()
    assert {s for s, _, _ in objects} == {"staging", "intermediate", "marts"}
    schema_of = {name: schema for schema, name, _ in objects}
    assert all(schema_of[n] == "staging" for n in schema_of if n.startswith("stg_"))
    assert all(schema_of[n] == "intermediate" for n in schema_of if n.startswith("int_"))
    comment_of = {name: comment for _, name, comment in objects}
    templates = load_default_templates()
    assert len({t.relation for t in templates}) == 23  # the 19 Partner Hub reports and the 4 of SPEC 12
    missing = []
    for t in templates:
        assert schema_of.get(t.relation) == "marts", t.relation
        if not (comment_of[t.relation] or "").strip():
            missing.append(t.relation)
        missing += [f"{t.relation}.{c.column}" for c in t.columns if not (columns.get((t.relation, c.column)) or "").strip()]
    assert missing == []
    # the yml descriptions themselves (dbt_project/models/marts/calling/_calling__models.yml)
    assert columns[("rpt_call_volume_trend", "calls")] == "Calls: ORIGINATING legs started in the week."


def test_a_copied_home_queries_its_own_lake(dashboard_run, tmp_path, monkeypatch):
    original = dashboard_run.home
    first = tmp_path / "first" / "home"
    shutil.copytree(original, first)
    moved = tmp_path / "elsewhere" / "home-copy"
    shutil.copytree(first, moved)
    shutil.rmtree(first)  # the copy must not depend on where it was copied from
    lake_legs = duckdb.execute(f"select count(*) from read_parquet('{moved}/lake/US/cdr/*/*.parquet', union_by_name = true)").fetchall()[0][0]
    assert lake_legs > 10

    con = open_read_only(paths.warehouse_path(moved, "US"))
    try:
        assert con.execute("select count(*) from staging.stg_webex__cdr").fetchone()[0] == lake_legs
        view_sql = " ".join(r[0] for r in con.execute("select sql from duckdb_views() where schema_name = 'staging'").fetchall())
    finally:
        con.close()
    assert str(original) not in view_sql and "read_parquet('lake/US/cdr/" in view_sql
    # a BI tool started in the home (relative paths resolve against the working directory) needs no setting
    monkeypatch.chdir(moved)
    with duckdb.connect("warehouse/US.duckdb", read_only=True) as bi:
        # 3 customers in the D-7 snapshot and 5 in D's (the one dated after D waits for a later run)
        assert bi.execute("select count(*) from staging.stg_webex__customers").fetchone()[0] == 8


def test_parquet_marts_hold_the_report_rows(dashboard_run):
    folder = dashboard_run.home / "marts" / "US"
    assert sorted(p.name for p in folder.glob("*.parquet")) == sorted(f"{t.relation}.parquet" for t in load_default_templates())
    assert not list(folder.glob(".staging-*"))
    header, rows = dashboard_run.csv("Call Volume Trend")
    got = duckdb.execute(f"select week_ending, calls, call_legs from read_parquet('{folder}/rpt_call_volume_trend.parquet') order by 1").fetchall()
    assert [(w.isoformat(), str(c), str(legs)) for w, c, legs in got] == [(r[0], r[1], r[2]) for r in rows]
    assert len(got) == 8


@pytest.fixture
def locked_home(dashboard_run, tmp_path):
    """A copy of the home whose US warehouse another process holds open read-write."""
    home = tmp_path / "home"
    shutil.copytree(dashboard_run.home, home, ignore=shutil.ignore_patterns("lake", "dashboard", "marts"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline()",
            str(paths.warehouse_path(home, "US")),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield home
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_locked_warehouse_gives_one_line_and_exit_1(locked_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PA_")}
    for args in (
        ["customers", "--home", str(locked_home), "--region", "US"],
        ["report", "Customers", "--home", str(locked_home), "--region", "US"],
        ["dashboard", "--home", str(locked_home), "--region", "US", "--as-admin", "zoe@partner.example"],
    ):
        proc = subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 1, (args, proc.stderr)
        assert proc.stdout == ""
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert lines[0] == (
            f"error: warehouse {paths.warehouse_path(locked_home, 'US')} is in use by another process "
            "(a build or a read-write session); try again when it has finished"
        )


def test_page_bytes_are_deterministic_and_the_indexes_hold_no_data(dashboard_run, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(dashboard_run.home, home)
    first = render_dashboard(home, "US", D).read_bytes()
    again = render_dashboard(home, "US", D).read_bytes()
    assert first == again == dashboard_run.page().read_bytes()
    html = first.decode("utf-8")
    assert "<script src" not in html and "<link " not in html  # nothing loaded from anywhere
    region_index = (dashboard_run.home / "dashboard" / "US" / "index.html").read_text(encoding="utf-8")
    assert f'content="0; url={D_ISO}.html"' in region_index
    top = (dashboard_run.home / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert 'href="US/index.html"' in top and 'href="EU/index.html"' in top
    for secret in ("Acme", "Globex", "Euro Widgets", "org-us-acme"):  # no region's data in the region list
        assert secret not in top
    eu = (dashboard_run.home / "dashboard" / "EU" / f"{D_ISO}.html").read_text(encoding="utf-8")
    assert "Euro Widgets GmbH" in eu and "Acme" not in eu and "Euro Widgets" not in html  # residency


def test_a_later_week_becomes_the_region_index(dashboard_run, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(dashboard_run.home, home)
    later = D + dt.timedelta(days=7)
    pages = home / "dashboard" / "US"
    shutil.copyfile(pages / f"{D_ISO}.html", pages / f"{later.isoformat()}.html")  # a later week's page
    (pages / admin_page_name("US", later, "zoe@partner.example")).write_text("an admin's page")
    write_indexes(home, "US")
    index = (home / "dashboard" / "US" / "index.html").read_text(encoding="utf-8")
    assert f'content="0; url={later.isoformat()}.html"' in index and f'href="{D_ISO}.html"' in index
    assert "Dashboard_" not in index  # an admin's page is never listed with the weeks


def test_demo_report_prints_the_dashboard(dashboard_run, capsys):
    assert demo_report.main(str(dashboard_run.home), D_ISO) == 0
    out = capsys.readouterr().out
    assert f"  dashboard: {dashboard_run.page().absolute()}" in out
    assert f"Dashboard (open in a browser, works offline): {(dashboard_run.home / 'dashboard' / 'index.html').resolve()}" in out
