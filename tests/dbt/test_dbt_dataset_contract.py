"""The dbt side of the lake contract (ingestion/schemas.py CONTRACTS) and of the grain tests:
the staging yml is exactly what ingestion/contract_dbt.py generates, the `webex` source lists every
lake dataset in its lake directory, each staging model reads its dataset's contract columns, and every
model of the project has a grain test (macros/tests.sql)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ingestion import contract_dbt, schemas
from partner_analytics import paths

STAGING = paths.DBT_PROJECT_DIR / "models" / "staging" / "webex"

# Models whose grain is tested elsewhere, and why. Anything else without a grain test fails.
GRAIN_TESTED_ELSEWHERE = {
    "int_call_legs_windowed": "a view of the call legs; its grain (report_id) is tested on int_call_legs_weekly, the same rows materialised",
    "int_call_legs_enriched": "a view of the call legs; its grain (report_id) is tested on int_call_legs_weekly, the same rows materialised",
    "fct_call_legs": "a view: int_call_legs_weekly (grain report_id tested there) left-joined to int_call_leg_devices, "
    "unique on the join key (org_id, mac), so it cannot fan out",
    "rpt_phone_numbers": "one or two rows per entry of stg_webex__numbers in force (grain tested there); one extension "
    "can stand in several entries of a location, each giving its extension row (SPEC 7), so the visible columns repeat",
    "rpt_devices": "one row per device of stg_webex__devices in force (grain tested there); the export has no device id column",
    **{
        f"int_{dataset}_at_period_end": f"a view: one snapshot of stg_webex__{dataset} (grain tested there, snapshot_date in its key)"
        for dataset in ("devices", "locations", "people", "numbers")
    },
}


def test_the_staging_yml_is_generated_from_the_contract():
    committed = contract_dbt.STAGING_YML.read_text(encoding="utf-8")
    assert committed == contract_dbt.render(), "run `python -m ingestion.contract_dbt` after changing the contract"


def test_the_generated_tests_of_two_datasets():
    models = {m["name"]: m for m in yaml.safe_load(contract_dbt.render())["models"]}
    assert set(models) == {f"stg_webex__{d}" for d in schemas.CONTRACTS}
    meetings = models["stg_webex__meeting_participants"]["data_tests"]
    assert meetings[0]["unique_combination"]["arguments"]["columns"] == ["org_id", "meeting_id", "lower(email)", "joined_at", "week_ending"]
    week = "week_ending = cast('{{ var('week_ending') }}' as date)"
    assert meetings[0]["unique_combination"]["config"]["where"] == week
    assert meetings[1]["not_null_columns"]["config"]["where"] == week
    snapshots = (
        "snapshot_date > cast('{{ (modules.datetime.date.fromisoformat(var('week_ending') | string)"
        " - modules.datetime.timedelta(days=7)).isoformat() }}' as date)"
        " and snapshot_date <= cast('{{ var('week_ending') }}' as date)"
    )
    licenses = models["stg_webex__licenses"]["data_tests"]
    assert licenses == [
        {"unique_combination": {"arguments": {"columns": ["license_id", "org_id", "snapshot_date"]}, "config": {"where": snapshots}}},
        {"not_null_columns": {"arguments": {"columns": ["license_id", "org_id", "snapshot_date"]}, "config": {"where": snapshots}}},
        {"relationship_in_force": {
            "arguments": {"columns": ["org_id", "subscription_id"], "parent": "ref('stg_webex__subscriptions')"},
            "config": {"severity": "warn"},
        }},
    ]  # fmt: skip


def test_the_webex_source_lists_every_lake_dataset_in_its_lake_directory():
    (source,) = yaml.safe_load((STAGING / "_webex__sources.yml").read_text())["sources"]
    assert source["name"] == "webex" == STAGING.name
    tables = {t["name"]: t.get("meta", {}).get("lake_dir", source["meta"]["lake_dir"]) for t in source["tables"]}
    assert set(tables) == set(schemas.CONTRACTS)
    assert {name for name, lake_dir in tables.items() if lake_dir == "lake/partner"} == set(schemas.PARTNER_DATASETS)


@pytest.mark.parametrize("dataset", sorted(schemas.CONTRACTS))
def test_each_staging_model_reads_its_dataset_and_keeps_the_contract_columns(dataset):
    sql = (STAGING / f"stg_webex__{dataset}.sql").read_text()
    assert f"source('webex', '{dataset}')" in sql
    selected = set(re.findall(r"\b([a-z_0-9]+)\b", sql))
    missing = [c for c in schemas.contract(dataset).columns if c not in selected]
    assert not missing, f"stg_webex__{dataset} does not select {missing}"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    from dbt.cli.main import dbtRunner

    target = tmp_path_factory.mktemp("parse")
    result = dbtRunner().invoke([
        "parse", "--project-dir", str(paths.DBT_PROJECT_DIR), "--profiles-dir", str(paths.DBT_PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(target / "logs"), "--no-partial-parse", "--quiet",
    ])  # fmt: skip
    assert result.success, result.exception
    return json.loads((target / "manifest.json").read_text())


def _grain_tests(manifest: dict) -> dict[str, list[str]]:
    """Per model: its grain tests (unique on a column, unique_combination, row_count of 1)."""
    found: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        kwargs = meta.get("kwargs", {})
        is_grain = meta.get("name") in ("unique", "unique_combination") or (meta.get("name") == "row_count" and kwargs.get("expected") == 1)
        if node["resource_type"] == "test" and is_grain and node.get("attached_node"):
            found.setdefault(node["attached_node"].split(".")[-1], []).append(node["name"])
    return found


def test_every_model_has_a_grain_test(manifest):
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    tested = _grain_tests(manifest)
    untested = sorted(models - set(tested) - set(GRAIN_TESTED_ELSEWHERE))
    assert not untested, f"models without a grain test (unique / unique_combination in their yml): {untested}"
    assert set(GRAIN_TESTED_ELSEWHERE) <= models, "an exemption names a model that no longer exists"
    assert "int_call_legs_weekly" in tested and "stg_webex__devices" in tested  # where the exemptions point


def test_composite_keys_use_one_idiom(manifest):
    # No `unique` over a concatenation: composite grains are unique_combination (macros/tests.sql).
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if meta.get("name") == "unique":
            assert "concat" not in str(meta["kwargs"].get("column_name", "")), node["name"]
