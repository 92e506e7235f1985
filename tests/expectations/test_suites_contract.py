"""The GX suites are generated from the lake contract (ingestion/schemas.py): every required column is
a HARD not-null, the key is the suite's unique key (HARD), every enum a SOFT in-set of exactly its known
values; nothing else is a HARD not-null (optional columns are at most SOFT)."""

from __future__ import annotations

import pytest

from expectations.suites import HARD, SOFT, SUITES, UNIQUE_FLAG, suite_for
from ingestion import schemas


def _kinds(suite, kind: str, severity: str | None = None) -> list:
    return [
        e for e in suite.expectations
        if e.expectation_type == kind and (severity is None or e.severity == severity)
    ]  # fmt: skip


def test_every_lake_dataset_has_a_suite():
    assert set(SUITES) == set(schemas.CONTRACTS)


@pytest.mark.parametrize("dataset", sorted(schemas.CONTRACTS))
def test_suite_agrees_with_the_contract(dataset):
    contract = schemas.contract(dataset)
    suite = suite_for(dataset)
    hard_not_null = {e.column for e in _kinds(suite, "expect_column_values_to_not_be_null", HARD)}
    assert hard_not_null == {*contract.required, "source_file"}
    assert suite.unique_key == contract.key
    assert suite.unique_key_lowercase == contract.lowercase
    unique = [e for e in _kinds(suite, "expect_column_values_to_be_in_set") if e.column == UNIQUE_FLAG]
    assert [(e.severity, e.meta["example_columns"]) for e in unique] == [(HARD, list(contract.key))]
    enum_sets = {
        e.column: e.value_set for e in _kinds(suite, "expect_column_values_to_be_in_set", SOFT)
        if isinstance(e.value_set, list) and e.column in contract.columns
    }  # fmt: skip
    assert enum_sets == {column: sorted(known) for column, known in contract.enums.items()}


def test_the_numbers_suite_checks_the_ingestion_key():
    # The drift of issue 16: GX checked (org_id, phone_number) while ingestion dedupes on the extension too.
    assert suite_for("numbers").unique_key == ("org_id", "phone_number", "extension")
    assert suite_for("customers").unique_key == ("org_id",)
    in_set = {
        e.column: e.value_set for e in _kinds(suite_for("subscriptions"), "expect_column_values_to_be_in_set", SOFT)
        if e.column != "is_known_org"
    }  # fmt: skip
    assert in_set == {
        "subscription_type": ["SUBSCRIPTION", "TRIAL"],
        "status": ["ACTIVE", "CANCELLED", "EXPIRED", "PROVISIONING", "SUSPENDED"],
    }
