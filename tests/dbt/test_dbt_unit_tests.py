"""Every dbt `unit_tests:` definition runs and passes (scheduled builds skip them; this suite does not)."""

import datetime as dt
import json

from ingestion import schemas
from ingestion.lake import ensure_schema_files
from partner_analytics import paths
from partner_analytics.dbt import build_region


def test_all_dbt_unit_tests_pass_on_an_empty_lake(tmp_path):
    d = dt.date(2026, 11, 22)
    ensure_schema_files(paths.lake_dir(tmp_path, "US"), {**schemas.EVENT_DATASETS, **schemas.SNAPSHOT_DATASETS})
    ensure_schema_files(paths.partner_lake_dir(tmp_path), schemas.PARTNER_DATASETS)
    build_region(tmp_path, "US", d, unit_tests=True)
    results = json.loads((paths.run_dir(tmp_path, d, "US") / "dbt" / "target" / "run_results.json").read_text())
    unit = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]
    # 12 subscription + 12 calling unit tests at the time of writing: none may silently disappear
    assert len(unit) >= 24
    assert {r["status"] for r in unit} == {"pass"}
