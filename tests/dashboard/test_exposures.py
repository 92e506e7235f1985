"""dbt exposures name every reader of the marts: the CSV reports (one rpt_ per default template) and the dashboard."""

import json
from pathlib import Path

from exports.dashboard.render import CUSTOMER_TABLES, SUBSCRIPTION_TABLES
from exports.templates import load_default_templates
from partner_analytics.dbt import invoke


def test_exposures_cover_every_exported_mart_and_the_dashboard(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    invoke(["parse"], warehouse=Path("parse.duckdb"), work_dir=Path("work"))
    manifest = json.loads((tmp_path / "work" / "target" / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"partner_hub_csv_reports", "partner_hub_dashboard"}

    def models(name):
        return sorted(n.split(".")[-1] for n in exposures[name]["depends_on"]["nodes"])

    templates = {t.name: t.relation for t in load_default_templates()}
    assert models("partner_hub_csv_reports") == sorted(templates.values())
    on_page = [
        "Subscription KPIs",
        "License Allocation Trend",
        *(n for n, _ in SUBSCRIPTION_TABLES),
        "Call Volume Trend",
        "Call Quality Trend",
        "Call Quality by Endpoint Type",
        "Feature Usage",
        "Call Queue KPIs",
        *CUSTOMER_TABLES,
    ]
    assert models("partner_hub_dashboard") == sorted(templates[n] for n in on_page)
    assert exposures["partner_hub_dashboard"]["type"] == "dashboard"
