"""Renders `<home>/dashboard/<REGION>/<D>.html` from the region's marts, plus the two index pages.

One query layer: every number comes from the default export templates (`exports/default_templates`)
through the CSV writer's own query (`exports.writer._query`: same relation, columns, filters and row
order) and is printed with the CSV cell renderer (`exports.csvfmt.render`), so a number on the page
is the text of the corresponding CSV cell. Charts are Plotly figures (JSON) drawn by plotly.js, which
is inlined from the `plotly` Python package: the page makes no network request. Nothing reads the
clock: the same warehouse and D give the same bytes."""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import os
import re
import time
import urllib.parse
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from exports.csvfmt import render
from exports.naming import export_file_name
from exports.templates import Template, load_default_templates
from exports.writer import _query as template_query  # the CSV's own SQL: one implementation of every number
from pa_base import paths, periods
from pa_base.warehouse import open_read_only

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PRODUCTS = ("Calling", "Meetings")  # Partner Hub's switch, in its order
TABLE_ROWS = 50  # rows of a table shown on the page (per product); the CSV link has them all
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Colours ordered dark -> light (CIE L* about 20, 52, 80): told apart in greyscale too; bars of the
# second series also carry a hatch pattern and lines differ in dash and marker.
INK, ORANGE, SKY = "#08306b", "#d94801", "#9ecae1"

# Subscription analytics (SPEC 6.2): the top tiles, then per table the tiles Partner Hub shows above it.
# (tile label, Subscription KPIs header)
TOP_TILES = [
    ("Total Customers", "Total Customers"),
    ("Nearing Expiration", "Nearing Expiration"),
    ("Nearing Renewal", "Nearing Renewal"),
    ("Low License Assignment", "Low License Assignment"),
    ("License Overage", "License Overage"),
]
SUBSCRIPTION_TABLES = [
    ("Recently Added Subscriptions", [("New Customers", "New Customers"), ("Total Licenses", "Recently Added Total Licenses")]),
    ("Expiring Subscriptions", [
        ("Customers Expiring", "Customers Expiring"),
        ("License Assignment %", "Expiring License Assignment %"),
        ("License Usage %", "Expiring License Usage %"),
    ]),
    ("Renewing Subscriptions", [
        ("Customers Renewing", "Customers Renewing"),
        ("License Assignment %", "Renewing License Assignment %"),
        ("License Usage %", "Renewing License Usage %"),
    ]),
    ("Low License Assignment Subscriptions", [
        ("Customers with Low Assignment", "Customers with Low Assignment"),
        ("License Assignment %", "Low Assignment License Assignment %"),
        ("License Usage When Assigned %", "Low Assignment License Usage When Assigned %"),
        ("Total Unassigned Licenses", "Total Unassigned Licenses"),
    ]),
    ("License Overage Subscriptions", [
        ("Customers with Overage", "Customers with Overage"),
        ("Total Overage Licenses", "Total Overage Licenses"),
        ("Average Overage", "Average Overage"),
    ]),
]
CUSTOMER_TABLES = ["Customers", "Customers and Usage", "Customers and Call Quality", "Customers and Call Queues"]


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as shipped inside the `plotly` package (found without importing plotly), safe inside <script>."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed (uv sync)")
    path = Path(list(spec.submodule_search_locations)[0]) / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


# Where plotly.js goes: the page is rendered without it and the file written around it (4.8 MB copied
# through Jinja's Markup would cost more than the rest of the page).
PLOTLY_MARKER = "/*plotly.js*/"


@lru_cache(maxsize=1)
def default_templates() -> tuple[Template, ...]:
    """The default templates, parsed once per process (every region of a run's export stage shares them)."""
    return tuple(load_default_templates())


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return env


class _Table:
    """Headers and rendered cells (CSV text) of one template, the first `limit` rows in the CSV's order."""

    def __init__(self, con, template: Template, limit: int | None = None, product: str | None = None):
        t = replace(template, filters=(("product", (product,)),)) if product else template
        sql, params = template_query(t)
        cur = con.execute(sql, params)
        raw = cur.fetchmany(limit + 1) if limit else cur.fetchall()
        if limit and len(raw) > limit:  # counted only when the page cannot show every row
            raw = raw[:limit]
            self.total = con.execute(f"select count(*) from ({sql}) as t", params).fetchone()[0]
        else:
            self.total = len(raw)
        self.name = template.name
        self.headers = template.headers
        self.rows = [[render(v) for v in row] for row in raw]
        self.product = product

    def column(self, header: str) -> list[str]:
        i = self.headers.index(header)
        return [r[i] for r in self.rows]

    def numeric(self) -> list[bool]:
        """Per column: every present cell is a number (right-aligned on the page)."""
        out = []
        for i, _ in enumerate(self.headers):
            cells = [r[i] for r in self.rows if r[i] != ""]
            out.append(bool(cells) and all(_is_number(c) for c in cells))
        return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return not _DATE.match(text)


def _num(text: str):
    return float(text) if text != "" else None


# ------------------------------------------------------------------ charts (Plotly figure JSON)
def _layout(y_title: str, y2_title: str | None = None, horizontal: bool = False, empty: str | None = None) -> dict:
    layout = {
        "autosize": True,
        "height": 320,
        "margin": {"l": 64, "r": 64 if y2_title else 16, "t": 8, "b": 48},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#1a1a1a"},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "barmode": "group",
        "hovermode": "closest",
    }
    category, value = ("yaxis", "xaxis") if horizontal else ("xaxis", "yaxis")
    layout[category] = {"type": "category", "automargin": True}
    layout[value] = {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#d9d9d9", "automargin": True}
    if horizontal:
        layout["yaxis"]["autorange"] = "reversed"
        layout["margin"]["l"] = 120
    if y2_title:
        layout["yaxis2"] = {"title": {"text": y2_title}, "overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False}
    if empty:
        layout["annotations"] = [{"text": empty, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}]
    return layout


def _bars(name: str, x: list, y: list, color: str, hatch: str = "", horizontal: bool = False) -> dict:
    trace = {"type": "bar", "name": name, "marker": {"color": color, "line": {"color": INK, "width": 1}}}
    if hatch:
        trace["marker"]["pattern"] = {"shape": hatch, "fgcolor": INK, "size": 6}
    trace.update({"x": y, "y": x, "orientation": "h"} if horizontal else {"x": x, "y": y})
    return trace


def _line(name: str, x: list, y: list, color: str, dash: str, symbol: str, y2: bool = False) -> dict:
    trace = {"type": "scatter", "mode": "lines+markers", "name": name, "x": x, "y": y,
             "line": {"color": color, "dash": dash, "width": 3}, "marker": {"symbol": symbol, "size": 9, "color": color}}
    if y2:
        trace["yaxis"] = "y2"
    return trace


def _allocation_figure(t: _Table) -> dict:
    weeks = t.column("Week Ending")
    return {
        "data": [
            _line("Total Licenses", weeks, [_num(v) for v in t.column("Total Licenses")], INK, "solid", "circle"),
            _line("Assigned Licenses", weeks, [_num(v) for v in t.column("Assigned Licenses")], ORANGE, "dash", "square"),
            _line("Used Licenses", weeks, [_num(v) for v in t.column("Used Licenses")], SKY, "dot", "diamond"),
        ],
        "layout": _layout("Licenses"),
    }


def _charts(tables: dict[str, _Table]) -> list[dict]:
    """The calling charts in Partner Hub's order: id, title, figure, text alternative, data table."""
    volume, quality = tables["Call Volume Trend"], tables["Call Quality Trend"]
    endpoint, features = tables["Call Quality by Endpoint Type"], tables["Feature Usage"]
    weeks = volume.column("Week Ending")
    qweeks = quality.column("Week Ending")
    types = endpoint.column("Endpoint Type")
    names = features.column("Feature")
    return [
        {
            "id": "call-volume-trend", "table": volume,
            "alt": "Calls and call legs per week (bars) and active users (line), the 8 weeks ending "
                   f"{weeks[0] if weeks else ''} to {weeks[-1] if weeks else ''}; the numbers are in the table below.",
            "figure": {"data": [
                _bars("Calls", weeks, [_num(v) for v in volume.column("Calls")], INK),
                _bars("Call Legs", weeks, [_num(v) for v in volume.column("Call Legs")], SKY, "/"),
                _line("Active Users", weeks, [_num(v) for v in volume.column("Active Users")], ORANGE, "dash", "diamond", y2=True),
            ], "layout": _layout("Calls / call legs", "Active users")},
        },
        {
            "id": "call-quality-trend", "table": quality,
            "alt": "Rated and poor-quality call legs per week (bars) and the poor-quality percentage (line), 8 weeks; "
                   "the numbers are in the table below.",
            "figure": {"data": [
                _bars("Rated Call Legs", qweeks, [_num(v) for v in quality.column("Rated Call Legs")], SKY, "/"),
                _bars("Poor Quality Call Legs", qweeks, [_num(v) for v in quality.column("Poor Quality Call Legs")], INK),
                _line("Poor Quality %", qweeks, [_num(v) for v in quality.column("Poor Quality %")], ORANGE, "dash", "diamond", y2=True),
            ], "layout": _layout("Call legs", "Poor quality %")},
        },
        {
            "id": "call-quality-by-endpoint-type", "table": endpoint,
            "alt": "Rated and poor-quality call legs of the week per endpoint type (horizontal bars); the numbers are in the table below.",
            "figure": {"data": [
                _bars("Rated Call Legs", types, [_num(v) for v in endpoint.column("Rated Call Legs")], SKY, "/", horizontal=True),
                _bars("Poor Quality Call Legs", types, [_num(v) for v in endpoint.column("Poor Quality Call Legs")], INK, horizontal=True),
            ], "layout": _layout("Call legs", horizontal=True, empty=None if types else "No call legs in the week")},
        },
        {
            "id": "feature-usage", "table": features,
            "alt": "Calls of the week that used each calling feature (horizontal bars); the numbers are in the table below.",
            "figure": {"data": [
                _bars("Calls", names, [_num(v) for v in features.column("Calls")], INK, horizontal=True),
            ], "layout": _layout("Calls", horizontal=True, empty=None if names else "No feature used in the week")},
        },
    ]


def _csv_link(template: Template, region: str, period: periods.Period) -> dict:
    name = export_file_name(template.name, region, period.start, period.end, period.label_date)
    return {"name": template.name, "file": name, "href": f"../../exports/{urllib.parse.quote(region)}/{urllib.parse.quote(name)}"}


def page_html(con, region: str, week_ending: dt.date, templates: list[Template] | None = None) -> str:
    """The whole page for one region and week, from an open (read-only) warehouse connection, with
    PLOTLY_MARKER where plotly.js goes (see `write_page`)."""
    templates = list(default_templates()) if templates is None else templates
    by_name = {t.name: t for t in templates}
    period = periods.week(week_ending)

    kpis = _Table(con, by_name["Subscription KPIs"])
    kpi_by_product = {row[kpis.headers.index("Product")]: dict(zip(kpis.headers, row)) for row in kpis.rows}
    allocation = {p: _Table(con, by_name["License Allocation Trend"], product=p) for p in PRODUCTS}
    subscription_tables = [
        {"name": name, "tiles": tiles, "tables": [_Table(con, by_name[name], TABLE_ROWS, p) for p in PRODUCTS],
         "csv": _csv_link(by_name[name], region, period)}
        for name, tiles in SUBSCRIPTION_TABLES
    ]
    calling = {n: _Table(con, by_name[n]) for n in ("Call Volume Trend", "Call Quality Trend", "Call Quality by Endpoint Type", "Feature Usage")}
    queue = _Table(con, by_name["Call Queue KPIs"])
    customers = [{"table": _Table(con, by_name[n], TABLE_ROWS), "csv": _csv_link(by_name[n], region, period)} for n in CUSTOMER_TABLES]
    charts = _charts(calling)
    figures = {c["id"]: c["figure"] for c in charts}
    figures.update({f"license-allocation-trend/{p}": _allocation_figure(allocation[p]) for p in PRODUCTS})
    return _environment().get_template("page.html.j2").render(
        region=region,
        week_ending=week_ending.isoformat(),
        week_start=period.start.isoformat(),
        week_last=(period.end - dt.timedelta(days=1)).isoformat(),
        products=PRODUCTS,
        top_tiles=TOP_TILES,
        kpis=kpi_by_product,
        kpis_csv=_csv_link(by_name["Subscription KPIs"], region, period),
        allocation=allocation,
        allocation_csv=_csv_link(by_name["License Allocation Trend"], region, period),
        subscription_tables=subscription_tables,
        charts=charts,
        chart_csv={c["id"]: _csv_link(by_name[c["table"].name], region, period) for c in charts},
        queue=dict(zip(queue.headers, queue.rows[0])) if queue.rows else {h: "" for h in queue.headers},
        queue_csv=_csv_link(by_name["Call Queue KPIs"], region, period),
        customers=customers,
        csv_links=[_csv_link(t, region, period) for t in templates],
        figures=figures,
        plotly_marker=PLOTLY_MARKER,
        table_rows=TABLE_ROWS,
    )


def _write_atomically(target: Path, *parts: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for part in parts:
            fh.write(part)
    os.replace(tmp, target)


def write_page(target: Path, html: str) -> None:
    """Write a page from `page_html` with plotly.js inlined at its marker, atomically."""
    head, tail = html.split(PLOTLY_MARKER, 1)
    _write_atomically(target, head, plotly_js(), tail)


def dashboard_dir(home: Path) -> Path:
    return Path(home) / "dashboard"


def write_indexes(home: Path, region: str, pages: Path | None = None) -> None:
    """`<pages>/index.html` (default `<home>/dashboard/<REGION>/`) -> the latest week's page (and the list
    of weeks), and `<home>/dashboard/index.html` listing the regions that have pages (no region's data)."""
    root = dashboard_dir(home)
    pages = root / region if pages is None else Path(pages)
    env = _environment()
    weeks = sorted((p.stem for p in pages.glob("*.html") if _DATE.match(p.stem)), reverse=True)
    if weeks:
        _write_atomically(pages / "index.html", env.get_template("region_index.html.j2").render(region=region, weeks=weeks))
    regions = [r for r in paths.REGIONS if r == region and weeks or (root / r / "index.html").exists()]
    _write_atomically(root / "index.html", env.get_template("index.html.j2").render(regions=regions))


def render_dashboard(home: Path, region: str, week_ending: dt.date, warehouse: Path | None = None, pages: Path | None = None) -> Path:
    """Render the week's page from `warehouse` (default: the live one, opened read-only) into `pages`
    (default `<home>/dashboard/<REGION>/`; the weekly export step passes the folder of the version it
    publishes, so `dashboard/<REGION>/` changes with the warehouse and the CSVs) and refresh the index
    pages; returns the page's path."""
    start = time.perf_counter()
    home = Path(home)
    warehouse = paths.warehouse_path(home, region) if warehouse is None else Path(warehouse)
    pages = dashboard_dir(home) / region if pages is None else Path(pages)
    con = open_read_only(warehouse, home)
    try:
        html = page_html(con, region, week_ending)
    finally:
        con.close()
    target = pages / f"{week_ending.isoformat()}.html"
    write_page(target, html)
    write_indexes(home, region, pages)
    log.info("rendered dashboard %s in %.3f s", target, time.perf_counter() - start)
    return target
