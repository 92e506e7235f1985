"""The CSV writer: exact bytes for a tiny warehouse table, naming, formula safety, atomicity."""

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from exports import csvfmt, naming
from exports.templates import Column, Template, TemplateError, load_default_templates, parse_template
from exports.writer import write_exports
from partner_analytics.periods import week

D = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2", "-2"),  # plain numbers cannot run anything
        ("3.5", "3.5"),
        ("+41445551234", "+41445551234"),
        ("Acme = best", "Acme = best"),
        ("", ""),
    ],
)
def test_safe_text(cell, expected):
    assert csvfmt.safe_text(cell) == expected


def test_render_types():
    assert csvfmt.render(None) == ""
    assert csvfmt.render(True) == "True"
    assert csvfmt.render(False) == "False"
    assert csvfmt.render(Decimal("12.30")) == "12.30"
    assert csvfmt.render(7) == "7"
    assert csvfmt.render(dt.date(2026, 2, 28)) == "2026-02-28"
    assert csvfmt.render(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == "2026-11-16T07:00:00Z"


def test_export_id_is_deterministic_and_depends_on_template_region_period():
    a = naming.export_id("Devices Report", "US", dt.date(2026, 11, 15), D)
    assert a == naming.export_id("Devices Report", "US", dt.date(2026, 11, 15), D)
    assert len(a) == 8 and all(c in "0123456789abcdef" for c in a)
    assert a != naming.export_id("Devices Report", "EU", dt.date(2026, 11, 15), D)
    assert a != naming.export_id("Devices Report", "US", dt.date(2026, 11, 21), D)
    assert naming.export_file_name("Devices Report", "US", dt.date(2026, 11, 15), D, D) == f"Devices Report_{a}_2026-11-22.csv"


@pytest.mark.parametrize("bad", ["../../x", "a/b", "..", ".hidden", "", "a\\b", "x\x00y", "con:1"])
def test_template_names_cannot_escape_the_exports_folder(bad):
    with pytest.raises(ValueError):
        naming.check_template_name(bad)


def _warehouse(tmp_path):
    path = tmp_path / "US.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """create table marts.rpt_demo as select * from (values
            ('Zeta', 2, cast(12.5 as decimal(18,1)), true, null),
            ('=HYPERLINK(1)', 1, cast(0.0 as decimal(18,1)), false, date '2026-12-01'),
            ('Acme, "Inc"', 3, null, null, date '2027-01-31')
        ) t(customer, calls, pct, flag, next_expiry)"""
    )
    con.close()
    return path


TEMPLATE = Template(
    name="Demo Report",
    relation="rpt_demo",
    columns=(
        Column("customer", "Customer"),
        Column("calls", "Calls"),
        Column("pct", "Poor Quality %"),
        Column("flag", "Auto-Renew"),
        Column("next_expiry", "Next Expiry Date"),
    ),
    order_by=("customer",),
)


def test_write_exports_exact_bytes(tmp_path):
    out = tmp_path / "exports" / "US"
    [w] = write_exports(_warehouse(tmp_path), out, "US", week(D), [TEMPLATE])
    assert w.rows == 3
    assert w.path.name == f"Demo Report_{naming.export_id('Demo Report', 'US', dt.date(2026, 11, 15), D)}_2026-11-22.csv"
    # rows sorted by customer: '=' (0x3D) < 'A' < 'Z'; the formula cell is defused, quotes doubled,
    # null -> empty, booleans True/False, CRLF, no BOM.
    assert w.path.read_bytes() == (
        b"Customer,Calls,Poor Quality %,Auto-Renew,Next Expiry Date\r\n"
        b"'=HYPERLINK(1),1,0.0,False,2026-12-01\r\n"
        b'"Acme, ""Inc""",3,,,2027-01-31\r\n'
        b"Zeta,2,12.5,True,\r\n"
    )
    assert [p.name for p in out.iterdir()] == [w.path.name]  # no staging leftovers


def test_failed_export_leaves_previous_files_untouched(tmp_path):
    wh = _warehouse(tmp_path)
    out = tmp_path / "exports" / "US"
    [w] = write_exports(wh, out, "US", week(D), [TEMPLATE])
    before = w.path.read_bytes()
    broken = Template("Broken", "rpt_missing", (Column("x", "X"),), ())
    # the first template is rendered again into staging, then the second fails: nothing is replaced
    with pytest.raises(duckdb.CatalogException):
        write_exports(wh, out, "US", week(D), [TEMPLATE, broken])
    assert w.path.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [w.path.name]


def test_parse_template_names_file_and_field():
    with pytest.raises(TemplateError, match=r"t.yml templates\[0\]: missing field 'relation'"):
        parse_template({"name": "X", "columns": [], "order_by": []}, "t.yml templates[0]")
    with pytest.raises(TemplateError, match=r"field 'name'.*not allowed"):
        parse_template({"name": "../../x", "relation": "r", "columns": [{"column": "a", "header": "A"}], "order_by": []}, "t.yml")


def test_default_templates_have_unique_names_and_valid_columns():
    templates = load_default_templates()
    names = [t.name for t in templates]
    assert len(names) == len(set(names))
