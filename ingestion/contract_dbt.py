"""The dbt staging models' properties, generated from the lake contract (ingestion/schemas.py).

`python -m ingestion.contract_dbt` rewrites dbt_project/models/staging/webex/_webex__models.yml: one
entry per lake dataset (stg_webex__<dataset>) with its description and data tests, all derived from
its Contract:

    unique_combination     the grain: the key within its partition (key columns compared in lower
                           case where the contract says so)
    not_null_columns       the required columns and the partition column (error: ingestion
                           quarantines rows without them, so a NULL means the lake was written around it)
    relationship_in_force  each parent reference (warn: real Webex data has orphans)

The grain and not-null tests read the run's week only, as validation does (SPEC 13, cost follows the new
data): event datasets the partition `week_ending = D`, snapshot datasets the snapshots dated in
(D - 7 days, D]. Earlier partitions were checked when they were new (Great Expectations gates the same keys
and required columns on every partition ingestion writes), and a test over the whole lake grew with its
history: at scale m, US, the CDR not-null scan alone took 0.66 s with 5 weeks of history, ~0.13 s more for
each week kept. The relationships read the snapshots in force at D.

Edit the contract, not the yml: tests/dbt/test_dbt_dataset_contract.py fails when the committed file is
not what this module generates. The staging unit tests live in `_webex__unit_tests.yml`.
"""

from __future__ import annotations

import sys

from ingestion import schemas
from pa_base import paths

STAGING_YML = paths.DBT_PROJECT_DIR / "models" / "staging" / "webex" / "_webex__models.yml"

HEADER = """\
# GENERATED from the lake contract (ingestion/schemas.py CONTRACTS) by `python -m ingestion.contract_dbt`.
# Do not edit: change the contract and regenerate (tests/dbt/test_dbt_dataset_contract.py compares them).
version: 2

models:
"""


def staging_model(dataset: str) -> str:
    """The name of the staging model of a lake dataset."""
    return f"stg_webex__{dataset}"


def _columns(columns) -> str:
    return "[" + ", ".join(columns) + "]"


# the tests' scope: the run's week (dbt renders the `where` config with the build's vars)
_EVENT_SCOPE = "week_ending = cast('{{ var('week_ending') }}' as date)"
_SNAPSHOT_SCOPE = (
    "snapshot_date > cast('{{ (modules.datetime.date.fromisoformat(var('week_ending') | string)"
    " - modules.datetime.timedelta(days=7)).isoformat() }}' as date)"
    " and snapshot_date <= cast('{{ var('week_ending') }}' as date)"
)


def _entry(contract: schemas.Contract) -> str:
    grain = [f"lower({c})" if c in contract.lowercase else c for c in contract.grain]
    lines = [
        f"  - name: {staging_model(contract.name)}",
        f"    description: {_quoted(contract.description)}",
        "    data_tests:",
        "      - unique_combination:",
        "          arguments:",
        f"            columns: {_columns(grain)}",
    ]
    scope = ["          config:", f"            where: {_quoted(_EVENT_SCOPE if contract.partition == 'week_ending' else _SNAPSHOT_SCOPE)}"]
    lines += scope
    lines += [
        "      - not_null_columns:",
        "          arguments:",
        f"            columns: {_columns([*contract.required, contract.partition])}",
        *scope,
    ]
    for columns, parent in contract.parents:
        lines += [
            "      - relationship_in_force:",
            "          arguments:",
            f"            columns: {_columns(columns)}",
            f"            parent: ref('{staging_model(parent)}')",
            "          config:",
            "            severity: warn",
        ]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render() -> str:
    """The staging models' yml, exactly as committed."""
    return HEADER + "\n".join(_entry(c) for c in schemas.CONTRACTS.values())


def main() -> int:
    STAGING_YML.write_text(render(), encoding="utf-8")
    print(f"wrote {STAGING_YML}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
