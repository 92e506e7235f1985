"""`partner-analytics dashboard --as-admin` (SPEC 12): the page one partner admin sees holds only the
customers they manage, in every tile and table, and names no other customer.

zoe (Partner Read-Only Admin) manages Acme Health and Globex, 2 of the 5 US customers
(tests/e2e/test_customer_exports.py builds the landing; her Subscription KPIs are worked out by hand
there, in test_read_only_admin_kpis_are_recomputed_over_their_two_customers, and repeated below)."""

from __future__ import annotations

import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from exports.dashboard.render import PAGE_TEMPLATES, admin_page_name
from exports.naming import export_file_name
from partner_analytics.periods import week

from .conftest import D_ISO, D, cli

pytestmark = pytest.mark.slow  # one full pipeline run and one scoped rebuild

ACME, FORMULA, GLOBEX, EURO = "org-us-acme", "org-us-formula", "org-us-globex", "org-eu-euro"
HOOLI, UMBRELLA = "org-us-hooli", "org-us-umbrella"
KPI_HEADER = [
    "Product",
    "Total Customers",
    "Nearing Expiration",
    "Nearing Renewal",
    "Low License Assignment",
    "License Overage",
    "New Customers",
    "Recently Added Total Licenses",
    "Customers Expiring",
    "Expiring License Assignment %",
    "Expiring License Usage %",
    "Customers Renewing",
    "Renewing License Assignment %",
    "Renewing License Usage %",
    "Customers with Low Assignment",
    "Low Assignment License Assignment %",
    "Low Assignment License Usage When Assigned %",
    "Total Unassigned Licenses",
    "Customers with Overage",
    "Total Overage Licenses",
    "Average Overage",
]
ZOE_KPIS = {
    # Calling, active and in scope: A1 10/8 (used 2), A2 20/22 (used 1), G1 50/30 (used 2) -> 2 customers.
    # Nearing expiration A1; renewal A2; low assignment with the REGION's threshold 0.65: G1 (0.6); overage
    # A2: 2 licenses, average 2.0. Recently added A1: 1 customer, 10 licenses. Expiring A1: 8/10 = 80.0 %,
    # used 2/10 = 20.0 %. Renewing A2: 22/20 = 110.0 %, 1/20 = 5.0 %. Low G1: 30/50 = 60.0 %, 2/50 = 4.0 %,
    # 20 unassigned.
    "Calling": ["Calling", "2", "1", "1", "1", "1", "1", "10", "1", "80.0", "20.0", "1", "110.0", "5.0", "1", "60.0", "4.0", "20", "1", "2", "2.0"],
    # Meetings: A1 20/5 (used 2), G1 10/10 (used 1) -> 2. Expiring A1: 25.0 %, 10.0 %. No renewal. Low with
    # the region's 0.6625: A1 (0.25): 5/20 = 25.0 %, 2/20 = 10.0 %, 15 unassigned. No overage. Recently
    # added A1, 20 licenses.
    "Meetings": ["Meetings", "2", "1", "0", "1", "0", "1", "20", "1", "25.0", "10.0", "0", "", "", "1", "25.0", "10.0", "15", "0", "0", ""],
}
OTHERS = (HOOLI, UMBRELLA, FORMULA, EURO, "Hooli", "Umbrella", "Formula Corp", "Euro Widgets")


class _Page(HTMLParser):
    """Tiles as (product section, header, shown text), tables as report -> rows of cell text, links."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.tiles: list[tuple[str | None, str, str]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self._text: list[str] | None = None
        self.feed(html)

    def _attr(self, name):
        return next((a[name] for _, a in reversed(self.stack) if a.get(name)), None)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag in self.VOID:
            return
        self.stack.append((tag, attrs))
        if tag == "table":
            self.tables.setdefault(attrs["data-report"] + (f"/{self._attr('data-product')}" if self._attr("data-product") else ""), [])
        if tag == "tr" and self._attr("data-report") and any(t == "tbody" for t, _ in self.stack):
            self.table_rows().append([])
        if (tag == "span" and attrs.get("class") == "value") or (tag == "td" and any(t == "tbody" for t, _ in self.stack)):
            self._text = []

    def table_rows(self):
        product = self._attr("data-product")
        return self.tables[self._attr("data-report") + (f"/{product}" if product else "")]

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self._text is not None and tag in ("span", "td"):
            text = "".join(self._text)
            self._text = None
            if tag == "span":
                self.tiles.append((self._attr("data-product"), self._attr("data-header"), text))
            else:
                self.table_rows()[-1].append(text)
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_an_admins_page_shows_their_two_customers_only(dashboard_run, tmp_path):
    dashboard_run.require_success()
    out = tmp_path / "zoe"
    proc = cli(dashboard_run.home, "dashboard", "--region", "US", "--as-admin", "Zoe@Partner.example", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-4000:]
    page = out / admin_page_name("US", D, "zoe@partner.example")
    assert proc.stdout.strip() == str(page)
    html = page.read_text(encoding="utf-8")
    parsed = _Page(html)

    # KPI tiles per product: the hand-computed numbers ("—" where the CSV cell is empty)
    for product, row in ZOE_KPIS.items():
        expected = dict(zip(KPI_HEADER, row))
        tiles = {h: v for p, h, v in parsed.tiles if p == product}
        assert len(tiles) == 20, product  # 5 top tiles + 15 above the subscription tables
        assert tiles == {h: expected[h] or "—" for h in tiles}, product
    # ... and they are the cells of the admin's own Subscription KPIs CSV, written next to the page
    header, rows = dashboard_run.csv("Subscription KPIs", folder=out)
    assert header == KPI_HEADER and rows == list(ZOE_KPIS.values())

    # the customer tables hold Acme and Globex only
    customers = parsed.tables["Customers"]
    assert sorted((r[0], r[1]) for r in customers) == [("Acme Health", ACME), ("Globex", GLOBEX)]
    for name in ("Customers and Usage", "Customers and Call Quality"):
        assert {r[1] for r in parsed.tables[name]} <= {ACME, GLOBEX} and parsed.tables[name], name
    assert "As seen by Zoe (Partner Read-Only Admin): the 2 customers of US this admin manages" in html

    # no other customer's name or id anywhere in the page, while the region's own page has them all
    unscoped = dashboard_run.page().read_text(encoding="utf-8")
    for needle in OTHERS[:3] + OTHERS[4:7]:
        assert needle in unscoped, needle
    for needle in OTHERS:
        assert needle not in html, needle

    # every CSV link is one of the admin's files in the folder; nothing links the unscoped index pages
    W = week(D)
    # (the list of the week's files, and a table's caption when it shows only its first 50 rows)
    csv_links = {urllib.parse.unquote(h) for h in parsed.links if h.endswith(".csv")}
    assert export_file_name("Customers", "US", W.start, W.end, W.label_date, "zoe@partner.example") in csv_links
    assert len(csv_links) == len(PAGE_TEMPLATES) == 16 and all((out / h).is_file() and "/" not in h for h in csv_links)
    assert "index.html" not in " ".join(parsed.links)
    for f in out.glob("*.csv"):
        data = f.read_text(encoding="utf-8")
        assert not any(n in data for n in OTHERS), f.name


def test_dashboard_refuses_what_it_cannot_draw(dashboard_run, tmp_path):
    dashboard_run.require_success()
    proc = cli(dashboard_run.home, "dashboard", "--region", "US", "--as-admin", "zo@partner.example")
    assert proc.returncode == 2 and "no partner admin with email 'zo@partner.example'" in proc.stderr
    proc = cli(dashboard_run.home, "dashboard", "--region", "US", "--week-ending", "2026-11-29")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: --week-ending 2026-11-29: the US warehouse holds the week ending 2026-11-22; a page of another "
        "week cannot be drawn from it (that week's page is dashboard/US/<D>.html, written by its weekly run)"
    )
    proc = cli(dashboard_run.home, "dashboard", "--region", "US", "--from", "2026-11-01")
    assert proc.returncode == 2  # no period: the page is the week's
    # without --as-admin into a folder: the region's page again, with the week's CSVs beside it
    proc = cli(dashboard_run.home, "dashboard", "--region", "US", "--out", str(tmp_path / "all"), "--week-ending", D_ISO)
    assert proc.returncode == 0, proc.stderr
    again = Path(proc.stdout.strip())
    assert again == tmp_path / "all" / f"{D_ISO}.html"
    assert _Page(again.read_text(encoding="utf-8")).tables == _Page(dashboard_run.page().read_text(encoding="utf-8")).tables
