"""The staging models' dbt data tests generated from the lake contract (ingestion/contract_dbt.py):
relationships at the snapshots in force (warn), required columns not null and the grain (error)."""

from __future__ import annotations

import json

import pytest
from expectations_lake import GOOD, REGION, D, Lake, day, rows

from partner_analytics import paths
from partner_analytics.dbt import dbt_vars

# (generic test, staging model) of the tests these cases exercise
MY_TESTS = (
    ("relationship_in_force", "stg_webex__licenses"),
    ("relationship_in_force", "stg_webex__subscriptions"),
    ("not_null_columns", "stg_webex__people"),
    ("not_null_columns", "stg_webex__cdr"),
    ("unique_combination", "stg_webex__people"),
    ("unique_combination", "stg_webex__cdr"),
)


def _build_staging_and_tests(lake: Lake, tmp_path, monkeypatch) -> dict[tuple[str, str], tuple[str, int]]:
    """`dbt build` of the staging models and their tests only (other areas' models are not needed)."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("PA_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    result = dbtRunner().invoke(
        [
            "build",
            "--select",
            "path:models/staging",
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps(dbt_vars(lake.home, REGION, D)),
            "--project-dir",
            str(paths.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(paths.DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--no-partial-parse",
            "--quiet",
        ]
    )
    assert result.result is not None, result.exception
    outcome = {}
    for r in result.result.results:
        if r.node.resource_type == "test" and r.node.test_metadata is not None:
            key = (r.node.test_metadata.name, r.node.attached_node.split(".")[-1])
            if key in MY_TESTS:
                outcome[key] = (str(r.status).lower(), r.failures)
    return outcome


@pytest.mark.slow
def test_staging_tests_pass_on_an_empty_lake(lake, tmp_path, monkeypatch):
    outcome = _build_staging_and_tests(lake, tmp_path, monkeypatch)
    assert outcome == {name: ("pass", 0) for name in MY_TESTS}


@pytest.mark.slow
def test_orphans_warn_null_required_columns_and_repeated_grains_error(lake, tmp_path, monkeypatch):
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
    lake.write(
        "licenses",
        D,
        [
            base,
            dict(base, license_id="L2", subscription_id="S7"),
            dict(base, license_id="L5", org_id="o2"),
            dict(base, license_id="L3", subscription_id=None),
        ],
    )
    lake.write("licenses", day("2026-11-15"), [dict(base, license_id="L4", subscription_id="S8")])
    # Null required columns in two staging models -> one row per null column, severity error.
    # A repeated grain (error): person P1 of o1 twice in the 2026-11-20 snapshot (a snapshot of the run's
    # week, (D - 7 days, D]) -> 1 group; CDR R1 twice in week D -> 1 group. Both tests read the run's
    # week only (SPEC 13): the same repeat and a NULL person id in the 2026-11-08 snapshot, R0 twice and
    # a CDR without org in the week before D -> not counted.
    lake.write("people", D, rows("people", {"person_id": None}))
    person = rows("people")[0]
    lake.write("people", day("2026-11-20"), [person, dict(person, display_name="again")])
    lake.write("people", day("2026-11-08"), [person, dict(person, display_name="again"), dict(person, person_id=None)])
    legs = rows("cdr", {}, {"org_id": None})
    lake.write("cdr", D, [*legs, dict(legs[0], duration_seconds=99)])
    lake.write(
        "cdr",
        day("2026-11-15"),
        [dict(legs[0], report_id="R0"), dict(legs[0], report_id="R0"), dict(legs[0], report_id="R5", org_id=None)],
    )

    outcome = _build_staging_and_tests(lake, tmp_path, monkeypatch)
    assert outcome == {
        ("relationship_in_force", "stg_webex__licenses"): ("warn", 2),
        ("relationship_in_force", "stg_webex__subscriptions"): ("warn", 1),
        ("not_null_columns", "stg_webex__people"): ("fail", 1),
        ("not_null_columns", "stg_webex__cdr"): ("fail", 1),
        ("unique_combination", "stg_webex__people"): ("fail", 1),
        ("unique_combination", "stg_webex__cdr"): ("fail", 1),
    }
