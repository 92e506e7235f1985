"""The dbt singular tests of dbt_project/tests/: relationships at the snapshot in force (warn), null keys (error)."""

from __future__ import annotations

import json

import pytest
from expectations_lake import D, REGION, GOOD, Lake, day, rows

from partner_analytics import paths
from partner_analytics.dbt import dbt_vars

MY_TESTS = ("assert_licenses_have_subscriptions", "assert_subscriptions_have_customers", "assert_staging_keys_not_null")


def _build_staging_and_tests(lake: Lake, tmp_path, monkeypatch) -> dict[str, tuple[str, int]]:
    """`dbt build` of the staging models and these tests only (other areas' models are not needed)."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("PA_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    result = dbtRunner().invoke([
        "build",
        "--select", "path:models/staging", "path:tests",
        "--indirect-selection", "cautious",
        "--vars", json.dumps(dbt_vars(lake.home, REGION, D)),
        "--project-dir", str(paths.DBT_PROJECT_DIR),
        "--profiles-dir", str(paths.DBT_PROJECT_DIR),
        "--target-path", str(tmp_path / "target"),
        "--log-path", str(tmp_path / "logs"),
        "--no-partial-parse",
        "--quiet",
    ])
    assert result.result is not None, result.exception
    return {
        r.node.name: (str(r.status).lower(), r.failures)
        for r in result.result.results
        if r.node.name in MY_TESTS
    }


@pytest.mark.slow
def test_singular_tests_pass_on_an_empty_lake(lake, tmp_path, monkeypatch):
    outcome = _build_staging_and_tests(lake, tmp_path, monkeypatch)
    assert outcome == {name: ("pass", 0) for name in MY_TESTS}


@pytest.mark.slow
def test_orphans_warn_at_the_snapshot_in_force_and_null_keys_error(lake, tmp_path, monkeypatch):
    # customers in force at D: 2026-11-22 (o1 only); o2 is only in the older snapshot.
    lake.write("customers", day("2026-11-15"), GOOD["customers"])
    lake.write("customers", D, GOOD["customers"][:1])
    # subscriptions in force at D: S1 (o1) fine, S2 (o2) orphan -> 1 warning row.
    # The 2026-11-29 snapshot (orphan S9 of o9) is after D and not in force.
    lake.write("subscriptions", D, GOOD["subscriptions"])
    lake.write("subscriptions", day("2026-11-29"), rows("subscriptions", {"subscription_id": "S9", "org_id": "o9"}))
    # licenses in force at D: L1 (o1, S1) fine; L2 (o1, S7) orphan; L5 (o2, S1) orphan because S1 is o1's;
    # L3 without subscription is not a relationship -> 2 warning rows.
    # The 2026-11-15 licenses snapshot (orphan L4) is not in force at D.
    base = GOOD["licenses"][0]
    lake.write("licenses", D, [
        base,
        dict(base, license_id="L2", subscription_id="S7"),
        dict(base, license_id="L5", org_id="o2"),
        dict(base, license_id="L3", subscription_id=None),
    ])
    lake.write("licenses", day("2026-11-15"), [dict(base, license_id="L4", subscription_id="S8")])
    # Null keys in two staging models -> 2 (model, column) rows, severity error.
    lake.write("people", D, rows("people", {"person_id": None}))
    lake.write("cdr", D, rows("cdr", {}, {"org_id": None}))

    outcome = _build_staging_and_tests(lake, tmp_path, monkeypatch)
    assert outcome == {
        "assert_licenses_have_subscriptions": ("warn", 2),
        "assert_subscriptions_have_customers": ("warn", 1),
        "assert_staging_keys_not_null": ("fail", 2),
    }
