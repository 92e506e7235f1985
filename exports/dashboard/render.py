"""Renders `<home>/dashboard/<REGION>/<D>.html` from the week's CSV exports, plus the two index pages.

One query layer: the page is drawn from the CSV files the export step has just written from the
region's marts (`exports.writer`, the default templates), read back as text, so every number on the
page is the text of a CSV cell and no number has a second implementation; the per-product tables are
the CSV's rows whose Product cell is that product, in the CSV's order. `dashboard --as-admin` first
writes the admin's scoped CSVs (the same writer on a scoped warehouse, `partner_analytics.dashboard`)
and draws the page from those. Charts are Plotly figures (JSON) drawn by plotly.js, inlined from the
`plotly` Python package: the page makes no network request. Nothing reads the clock: the same CSVs
and D give the same bytes.

Rendering from the CSVs (not a second round of queries) keeps the page's cost to reading ~15 small
files, one Jinja render and writing ~5 MB (README "Dashboard": the measured share of the export
stage)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html
import importlib.util
import logging
import operator
import os
import re
import time
import urllib.parse
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from exports.naming import export_file_name, export_id
from exports.templates import Template
from pa_base import paths, periods
from pa_base.errors import PipelineError

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
    (
        "Expiring Subscriptions",
        [
            ("Customers Expiring", "Customers Expiring"),
            ("License Assignment %", "Expiring License Assignment %"),
            ("License Usage %", "Expiring License Usage %"),
        ],
    ),
    (
        "Renewing Subscriptions",
        [
            ("Customers Renewing", "Customers Renewing"),
            ("License Assignment %", "Renewing License Assignment %"),
            ("License Usage %", "Renewing License Usage %"),
        ],
    ),
    (
        "Low License Assignment Subscriptions",
        [
            ("Customers with Low Assignment", "Customers with Low Assignment"),
            ("License Assignment %", "Low Assignment License Assignment %"),
            ("License Usage When Assigned %", "Low Assignment License Usage When Assigned %"),
            ("Total Unassigned Licenses", "Total Unassigned Licenses"),
        ],
    ),
    (
        "License Overage Subscriptions",
        [
            ("Customers with Overage", "Customers with Overage"),
            ("Total Overage Licenses", "Total Overage Licenses"),
            ("Average Overage", "Average Overage"),
        ],
    ),
]
CUSTOMER_TABLES = ["Customers", "Customers and Usage", "Customers and Call Quality", "Customers and Call Queues"]
CALLING_TABLES = ["Call Volume Trend", "Call Quality Trend", "Call Quality by Endpoint Type", "Feature Usage"]
PAGE_TEMPLATES = frozenset(
    ["Subscription KPIs", "License Allocation Trend", *(n for n, _ in SUBSCRIPTION_TABLES), *CALLING_TABLES, "Call Queue KPIs", *CUSTOMER_TABLES]
)


@lru_cache(maxsize=1)
def plotly_js() -> bytes:
    """plotly.js as shipped inside the `plotly` package (found without importing plotly), read once per
    process. Its bytes go into the page as they are, so they must not close the <script> element."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed (uv sync)")
    path = Path(list(spec.submodule_search_locations)[0]) / "package_data" / "plotly.min.js"
    data = path.read_bytes()
    i = data.find(b"</")  # a few hundred "</" in 4.8 MB: cheaper than lower-casing the whole file
    while i != -1:
        if data[i + 2 : i + 8].lower() == b"script":
            return re.sub(rb"</(?=[sS][cC][rR][iI][pP][tT])", rb"<\\/", data)
        i = data.find(b"</", i + 2)
    return data


# Where plotly.js goes: the page is rendered without it and the file written around it (4.8 MB copied
# through Jinja's Markup would cost more than the rest of the page).
PLOTLY_MARKER = "/*plotly.js*/"


def page_templates(templates) -> list[Template]:
    """The templates whose CSVs the page shows (in the given order)."""
    return [t for t in templates if t.name in PAGE_TEMPLATES]


def _bytecode_cache(jinja2):
    class LinkedBytecodeCache(jinja2.FileSystemBytecodeCache):
        """Jinja's file cache, but a file is published with os.link (the first writer wins, a file is never
        replaced): the export step's renames stay the publication's own (tests/faults count them), and a
        cache file that cannot be read is only a miss."""

        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged cache file: compile again
                bucket.reset()

        def dump_bytecode(self, bucket):
            name = self._get_cache_filename(bucket)
            tmp = f"{name}.{os.getpid()}.tmp"
            try:
                with open(tmp, "wb") as fh:
                    bucket.write_bytecode(fh)
                os.link(tmp, name)
            except OSError:  # already there (another process), or no room: the next render compiles again
                pass
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    return LinkedBytecodeCache()


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
        # compiling the templates cost ~30 ms of CPU, more than the rest of the render: compiled code is kept
        # in the user's temp folder, keyed by the template's source checksum (a changed template is recompiled)
        bytecode_cache=_bytecode_cache(jinja2),
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return env


def read_export(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one CSV export (cells as text, in the file's order); a missing file is an
    error naming it."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            rows = list(reader)
    except FileNotFoundError:
        raise PipelineError(f"dashboard: the export {path} is missing (the page shows the week's CSV files)") from None
    if not header:
        raise PipelineError(f"dashboard: the export {path} is empty (no header row)")
    return header, rows


class _Table:
    """Header and cells (the CSV's text) of one export: the first `limit` rows in the CSV's order,
    optionally only the rows of one product (the rows whose Product cell is that product)."""

    def __init__(self, name: str, header: list[str], rows: list[list[str]], limit: int | None = None, product: str | None = None):
        if product:
            i = header.index("Product")
            rows = [r for r in rows if r[i] == product]
        self.total = len(rows)
        self.name = name
        self.headers = header
        self.rows = rows[:limit] if limit else rows
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

    def html(self, csv: dict | None = None, shown_of: bool = True) -> Markup:
        """The table as HTML (built here, not in a Jinja macro: the tables are most of the page)."""
        numeric = self.numeric()
        td = ['<td class="num">' if n else "<td>" for n in numeric]
        th = ['<th scope="col" class="num">' if n else '<th scope="col">' for n in numeric]
        out = [
            '<div class="table-wrap"',
            f' data-product="{escape(self.product)}">' if self.product else ">",
            f'\n<table data-report="{escape(self.name)}">\n<caption>{escape(self.name)}',
        ]
        if self.product:
            out.append(f" — {escape(self.product)}")
        if shown_of:
            if self.total > len(self.rows):
                out.append(
                    f': first {len(self.rows)} of {self.total} rows, in the CSV\'s order (all rows: <a href="{escape(csv["href"])}">{escape(csv["file"])}</a>)'
                )
            else:
                out.append(f": {self.total} row{'' if self.total == 1 else 's'}")
        out.append("</caption>\n<thead><tr>")
        out += [f"{th[i]}{escape(h)}</th>" for i, h in enumerate(self.headers)]
        out.append("</tr></thead>\n<tbody>\n")
        # one string per row; numeric cells are digits, signs and dots only and need no escaping
        opens = [td[0], *(f"</td>{t}" for t in td[1:])]
        text = [i for i, n in enumerate(numeric) if not n]
        for row in self.rows:
            if text:
                row = list(row)
                for i in text:
                    row[i] = html.escape(row[i])
            out.append("<tr>" + "".join(map(operator.add, opens, row)) + "</td></tr>\n")
        if not self.rows:
            out.append(f'<tr><td colspan="{len(self.headers)}">No rows this week.</td></tr>\n')
        out.append("</tbody>\n</table>\n</div>\n")
        return Markup("".join(out))


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _is_number(text: str) -> bool:
    """A plain number (no date, no text): such a cell is right-aligned and needs no HTML escaping."""
    return _NUMBER.fullmatch(text) is not None


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
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": x,
        "y": y,
        "line": {"color": color, "dash": dash, "width": 3},
        "marker": {"symbol": symbol, "size": 9, "color": color},
    }
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
            "id": "call-volume-trend",
            "table": volume,
            "alt": "Calls and call legs per week (bars) and active users (line), the 8 weeks ending "
            f"{weeks[0] if weeks else ''} to {weeks[-1] if weeks else ''}; the numbers are in the table below.",
            "figure": {
                "data": [
                    _bars("Calls", weeks, [_num(v) for v in volume.column("Calls")], INK),
                    _bars("Call Legs", weeks, [_num(v) for v in volume.column("Call Legs")], SKY, "/"),
                    _line("Active Users", weeks, [_num(v) for v in volume.column("Active Users")], ORANGE, "dash", "diamond", y2=True),
                ],
                "layout": _layout("Calls / call legs", "Active users"),
            },
        },
        {
            "id": "call-quality-trend",
            "table": quality,
            "alt": "Rated and poor-quality call legs per week (bars) and the poor-quality percentage (line), 8 weeks; the numbers are in the table below.",
            "figure": {
                "data": [
                    _bars("Rated Call Legs", qweeks, [_num(v) for v in quality.column("Rated Call Legs")], SKY, "/"),
                    _bars("Poor Quality Call Legs", qweeks, [_num(v) for v in quality.column("Poor Quality Call Legs")], INK),
                    _line("Poor Quality %", qweeks, [_num(v) for v in quality.column("Poor Quality %")], ORANGE, "dash", "diamond", y2=True),
                ],
                "layout": _layout("Call legs", "Poor quality %"),
            },
        },
        {
            "id": "call-quality-by-endpoint-type",
            "table": endpoint,
            "alt": "Rated and poor-quality call legs of the week per endpoint type (horizontal bars); the numbers are in the table below.",
            "figure": {
                "data": [
                    _bars("Rated Call Legs", types, [_num(v) for v in endpoint.column("Rated Call Legs")], SKY, "/", horizontal=True),
                    _bars("Poor Quality Call Legs", types, [_num(v) for v in endpoint.column("Poor Quality Call Legs")], INK, horizontal=True),
                ],
                "layout": _layout("Call legs", horizontal=True, empty=None if types else "No call legs in the week"),
            },
        },
        {
            "id": "feature-usage",
            "table": features,
            "alt": "Calls of the week that used each calling feature (horizontal bars); the numbers are in the table below.",
            "figure": {
                "data": [
                    _bars("Calls", names, [_num(v) for v in features.column("Calls")], INK, horizontal=True),
                ],
                "layout": _layout("Calls", horizontal=True, empty=None if names else "No feature used in the week"),
            },
        },
    ]


def _csv_name(name: str, region: str, period: periods.Period, admin: str | None) -> str:
    return export_file_name(name, region, period.start, period.end, period.label_date, admin)


def _link(file: str, href_prefix: str) -> dict:
    return {"name": file.rsplit("_", 2)[0], "file": file, "href": href_prefix + urllib.parse.quote(file)}


def week_files(exports: Path, region: str, period: periods.Period, admin: str | None = None) -> list[str]:
    """The CSV files of the week in `exports` (unscoped, or `admin`'s): `<name>_<id>_<D>.csv` whose id is
    the one of that name, region and week (files of other periods, weeks or admins have other ids)."""
    suffix = f"_{period.label_date.isoformat()}.csv"
    out = []
    for f in Path(exports).glob(f"*{suffix}"):
        parts = f.name[: -len(suffix)].rsplit("_", 1)
        if len(parts) == 2 and parts[1] == export_id(parts[0], region, period.start, period.end, admin):
            out.append(f.name)
    return sorted(out)


def public_csv_prefix(region: str) -> str:
    """From `<home>/dashboard/<R>/` to `<home>/exports/<R>/`."""
    return f"../../exports/{urllib.parse.quote(region)}/"


def page_html(
    exports: Path,
    region: str,
    week_ending: dt.date,
    admin: dict | None = None,
    href_prefix: str | None = None,
) -> str:
    """The whole page for one region and week, read from the week's CSV files in `exports` (written by
    the export step, or `dashboard --as-admin`'s scoped ones), with PLOTLY_MARKER where plotly.js goes
    (see `write_page`). `admin` ({"email", "name", "role", "customers"}): the files carry that admin in
    their ids and the page says whose view it is; `href_prefix`: how the page links the CSVs."""
    period = periods.week(week_ending)
    email = admin["email"] if admin else None
    href_prefix = public_csv_prefix(region) if href_prefix is None else href_prefix

    def link(name: str) -> dict:
        return _link(_csv_name(name, region, period, email), href_prefix)

    cache: dict[str, tuple[list[str], list[list[str]]]] = {}

    def table(name: str, limit: int | None = None, product: str | None = None) -> _Table:
        if name not in cache:
            cache[name] = read_export(Path(exports) / _csv_name(name, region, period, email))
        return _Table(name, *cache[name], limit, product)

    kpis = table("Subscription KPIs")
    kpi_by_product = {row[kpis.headers.index("Product")]: dict(zip(kpis.headers, row)) for row in kpis.rows}
    allocation = {p: table("License Allocation Trend", product=p) for p in PRODUCTS}
    allocation_csv = link("License Allocation Trend")
    subscription_tables = []
    for name, tiles in SUBSCRIPTION_TABLES:
        csv_link = link(name)
        tables = [table(name, TABLE_ROWS, p) for p in PRODUCTS]
        subscription_tables.append({"name": name, "tiles": tiles, "tables": tables, "html": [t.html(csv_link) for t in tables]})
    calling = {n: table(n) for n in CALLING_TABLES}
    queue = table("Call Queue KPIs")
    customers = [table(n, TABLE_ROWS).html(link(n)) for n in CUSTOMER_TABLES]
    charts = _charts(calling)
    for c in charts:
        c["html"] = c["table"].html(shown_of=False)
    figures = {c["id"]: c["figure"] for c in charts}
    figures.update({f"license-allocation-trend/{p}": _allocation_figure(allocation[p]) for p in PRODUCTS})
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            region=region,
            admin=admin,
            week_ending=week_ending.isoformat(),
            week_start=period.start.isoformat(),
            week_last=(period.end - dt.timedelta(days=1)).isoformat(),
            products=PRODUCTS,
            top_tiles=TOP_TILES,
            kpis=kpi_by_product,
            kpis_csv=link("Subscription KPIs"),
            allocation_html=[allocation[p].html(allocation_csv, False) for p in PRODUCTS],
            subscription_tables=subscription_tables,
            charts=charts,
            queue=dict(zip(queue.headers, queue.rows[0])) if queue.rows else {h: "" for h in queue.headers},
            customers=customers,
            csv_links=[_link(f, href_prefix) for f in week_files(exports, region, period, email)],
            figures=figures,
            plotly_marker=PLOTLY_MARKER,
        )
    )


def write_page(target: Path, html: str) -> None:
    """Write a page from `page_html` with plotly.js inlined at its marker, atomically (bytes as they are:
    no 4.8 MB decode/encode)."""
    head, tail = html.split(PLOTLY_MARKER, 1)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(head.encode("utf-8"))
        fh.write(plotly_js())
        fh.write(tail.encode("utf-8"))
    os.replace(tmp, target)


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, target)


def dashboard_dir(home: Path) -> Path:
    return Path(home) / "dashboard"


def admin_page_name(region: str, week_ending: dt.date, email: str) -> str:
    """An admin's page: `Dashboard_<id>_<D>.html`, the id as the scoped CSVs' (SPEC 7 naming with the
    admin in the key). Not a `<D>.html`, so the region's index never lists it."""
    period = periods.week(week_ending)
    return f"Dashboard_{export_id('Dashboard', region, period.start, period.end, email)}_{week_ending.isoformat()}.html"


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


def render_dashboard(
    home: Path,
    region: str,
    week_ending: dt.date,
    exports: Path | None = None,
    pages: Path | None = None,
    admin: dict | None = None,
    href_prefix: str | None = None,
    indexes: bool = True,
) -> Path:
    """Render the week's page from the week's CSV files in `exports` (default `<home>/exports/<REGION>/`)
    into `pages` (default `<home>/dashboard/<REGION>/`; the weekly export step passes the folders of the
    version it publishes, so `dashboard/<REGION>/` changes with the warehouse and the CSVs) and refresh
    the index pages; returns the page's path. An `admin` page (see `page_html`) is named by
    `admin_page_name`; `indexes=False` leaves the index pages alone (an admin's page, a page drawn
    into a folder of its own)."""
    start = time.perf_counter()
    home = Path(home)
    exports = paths.exports_dir(home, region) if exports is None else Path(exports)
    pages = dashboard_dir(home) / region if pages is None else Path(pages)
    html = page_html(exports, region, week_ending, admin=admin, href_prefix=href_prefix)
    name = admin_page_name(region, week_ending, admin["email"]) if admin else f"{week_ending.isoformat()}.html"
    target = pages / name
    write_page(target, html)
    if indexes and not admin:
        write_indexes(home, region, pages)
    log.info("rendered dashboard %s in %.3f s", target, time.perf_counter() - start)
    return target
