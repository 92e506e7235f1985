"""The dashboard in a real browser (headless Chromium): offline, every chart drawn, the product switch,
numbers equal to the CSV cells, readable at 1280x800 and on a phone (390x844)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # one full pipeline run and a browser

CHARTS = ["license-allocation-trend", "call-volume-trend", "call-quality-trend", "call-quality-by-endpoint-type", "feature-usage"]


@pytest.fixture
def opened(dashboard_run, browser):
    """The US page of D opened from file:// with every request and console message recorded; any request
    other than the page itself is aborted (and recorded, so a test fails on it)."""
    page_path = dashboard_run.page()
    url = page_path.as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests, problems = [], []

    def route(r):
        requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: requests.append(req.url) if req.url != url else None)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_function(f"document.querySelectorAll('.chart .main-svg').length >= {len(CHARTS)}")
    page.url_ = url
    yield page, requests, problems
    context.close()


def _network(requests: list[str], url: str) -> list[str]:
    return sorted({r for r in requests if r != url})


def test_page_is_offline_error_free_and_draws_every_chart(opened):
    page, requests, problems = opened
    assert _network(requests, page.url_) == []
    assert problems == []
    for chart in CHARTS:
        drawn = page.evaluate(
            """id => {
                const el = document.getElementById(id);
                const svg = el.querySelector('svg.main-svg');
                const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                // a trace group with at least one drawn bar or line path
                const marks = el.querySelectorAll('g.trace path, g.trace .point').length;
                return {width: box.width, height: box.height, marks: marks,
                        alt: el.getAttribute('role') === 'img' ? el.getAttribute('aria-label') : ''};
            }""",
            chart,
        )
        assert drawn["width"] > 200 and drawn["height"] > 200, (chart, drawn)
        assert drawn["marks"] > 0, (chart, drawn)
        assert len(drawn["alt"]) > 40, chart  # a text alternative


def _visible_tiles(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#subscriptions ~ section [data-header], #subscriptions ~ section [data-product] [data-header]')]
            .filter(t => t.offsetParent !== null && !t.closest('#h-queues') && !t.closest('[aria-labelledby="h-queues"]'))
            .map(t => [t.dataset.header, t.querySelector('.value').textContent.trim()]))"""
    )


def _cell(text: str) -> str:
    return "" if text == "—" else text


def test_product_switch_shows_the_csv_kpis_of_each_product(opened, dashboard_run):
    page, requests, problems = opened
    header, rows = dashboard_run.csv("Subscription KPIs")
    expected = {r[0]: dict(zip(header, r)) for r in rows}
    assert set(expected) == {"Calling", "Meetings"}
    tiles = _visible_tiles(page)
    # 5 top tiles + 15 section tiles, every one a Subscription KPIs column
    assert len(tiles) == 20
    assert {h: _cell(v) for h, v in tiles.items()} == {h: expected["Calling"][h] for h in tiles}
    assert page.get_by_role("button", name="Calling").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="Meetings").click()
    meetings = {h: _cell(v) for h, v in _visible_tiles(page).items()}
    assert meetings == {h: expected["Meetings"][h] for h in tiles}
    assert meetings != {h: _cell(v) for h, v in tiles.items()}  # the products differ: the switch is seen
    assert page.get_by_role("button", name="Meetings").get_attribute("aria-pressed") == "true"
    # the trend chart follows the switch and the subscription tables show Meetings rows only
    assert page.locator("#cap-license-allocation-trend").inner_text().endswith("Meetings")
    products = page.evaluate(
        """() => [...document.querySelectorAll('table[data-report="Expiring Subscriptions"] tbody tr')]
            .filter(tr => tr.offsetParent !== null).map(tr => tr.cells[0].textContent)"""
    )
    assert products and set(products) == {"Meetings"}
    assert _network(requests, page.url_) == [] and problems == []


def _dom_tables(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('table[data-report]')].map(t => ({
            report: t.dataset.report,
            product: (t.closest('[data-product]') || {dataset: {}}).dataset.product || null,
            headers: [...t.tHead.rows[0].cells].map(c => c.textContent),
            rows: [...t.tBodies[0].rows].filter(r => r.cells.length > 1 || r.cells[0].colSpan === 1)
                    .map(r => [...r.cells].map(c => c.textContent)),
        }))"""
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_numbers_on_the_page_equal_the_csv_cells(opened, dashboard_run):
    page, _, _ = opened
    compared = 0
    tables = _dom_tables(page)
    reports = {t["report"] for t in tables}
    assert {
        "Recently Added Subscriptions",
        "Expiring Subscriptions",
        "Renewing Subscriptions",
        "Low License Assignment Subscriptions",
        "License Overage Subscriptions",
        "License Allocation Trend",
        "Call Volume Trend",
        "Call Quality Trend",
        "Call Quality by Endpoint Type",
        "Feature Usage",
        "Customers",
        "Customers and Usage",
        "Customers and Call Quality",
        "Customers and Call Queues",
    } <= reports
    for t in tables:
        header, rows = dashboard_run.csv(t["report"])
        assert t["headers"] == header, t["report"]
        if t["product"]:
            rows = [r for r in rows if r[header.index("Product")] == t["product"]]
        assert t["rows"] == rows[: len(t["rows"])], (t["report"], t["product"])
        assert len(t["rows"]) == min(len(rows), 50), t["report"]
        compared += sum(1 for r in t["rows"] for c in r if _is_number(c))
    # the Call Queue KPI tiles too
    header, [queue] = dashboard_run.csv("Call Queue KPIs")
    tiles = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[aria-labelledby="h-queues"] [data-header]')]
            .map(t => [t.dataset.header, t.querySelector('.value').textContent.trim()]))"""
    )
    assert {h: _cell(v) for h, v in tiles.items()} == dict(zip(header, queue))
    compared += sum(1 for v in queue if _is_number(v))
    assert compared >= 20


def test_screenshots_desktop_and_phone(opened, tmp_path):
    page, requests, problems = opened
    desktop = tmp_path / "dashboard-1280x800.png"
    page.screenshot(path=str(desktop))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # plotly's responsive relayout
    phone = tmp_path / "dashboard-390x844.png"
    page.screenshot(path=str(phone))
    for shot in (desktop, phone):
        assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # readable on a phone: nothing wider than the screen (wide tables scroll inside their own box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.evaluate("[...document.querySelectorAll('.chart .main-svg')].map(s => s.getBoundingClientRect().width)")
    assert widths and max(widths) <= 390
    assert _network(requests, page.url_) == [] and problems == []
