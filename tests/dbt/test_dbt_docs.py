"""Marts carry descriptions and column docs (analysts read them in `dbt docs`), checked on the parsed manifest."""

import json
from pathlib import Path

from exports.templates import load_default_templates
from partner_analytics import paths
from partner_analytics.dbt import invoke


def test_every_mart_and_exported_column_is_documented(tmp_path, monkeypatch):
    # relative paths are the current directory's (not the dbt project's, where dbt would put them)
    monkeypatch.chdir(tmp_path)
    invoke(["parse"], warehouse=Path("parse.duckdb"), work_dir=Path("work"))
    assert not (paths.DBT_PROJECT_DIR / "work").exists()
    manifest = json.loads((tmp_path / "work" / "target" / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    marts = [m for name, m in models.items() if name.startswith(("rpt_", "fct_", "dim_"))]
    assert len(marts) >= 19  # one rpt_ per default export, plus facts and dimensions
    undocumented = [m["name"] for m in marts if not m["description"].strip()]
    assert undocumented == []
    missing = []
    for t in load_default_templates():
        documented = {c for c, spec in models[t.relation]["columns"].items() if spec.get("description", "").strip()}
        missing += [f"{t.relation}.{c.column}" for c in t.columns if c.column not in documented]
    assert missing == []
