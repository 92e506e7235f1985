"""The lake contract (ingestion/schemas.py CONTRACTS) is the one declaration of each dataset's key,
required columns and enums: ingestion's dataset specs derive from it and behave by it."""

from __future__ import annotations

import polars as pl
import pytest

from ingestion import schemas
from ingestion.datasets import DatasetSpec, Field
from ingestion.events import EVENTS
from ingestion.snapshots import PARTNER_ADMINS, SNAPSHOTS

SPECS = [*EVENTS.values(), *SNAPSHOTS.values(), PARTNER_ADMINS]


def test_every_lake_dataset_has_a_contract_over_its_own_columns():
    assert set(schemas.CONTRACTS) == set(schemas.ALL_LAKE_DATASETS)
    for name, contract in schemas.CONTRACTS.items():
        assert contract.columns is schemas.ALL_LAKE_DATASETS[name]
        named = {*contract.key, *contract.required, *contract.enums, *contract.lowercase}
        named |= {c for columns, _ in contract.parents for c in columns}
        assert named <= set(contract.columns), name
        assert all(parent in schemas.CONTRACTS for _, parent in contract.parents)
        assert contract.grain[-1] == ("week_ending" if name in schemas.EVENT_DATASETS else "snapshot_date")


def test_the_numbers_key_is_an_item_phone_number_and_extension():
    # SPEC 4.1: phoneNumber may be empty, SPEC 7: an extension is a row of its own -> the extension is
    # part of the key (with (org_id, phone_number) every extension-only item of an org would collide).
    assert schemas.contract("numbers").key == ("org_id", "phone_number", "extension")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_ingestion_specs_take_key_required_and_enums_from_the_contract(spec):
    contract = schemas.contract(spec.lake)
    source_of = {f.column: f.source for f in spec.fields}
    keys = [k if isinstance(k, str) else k.meta.root_names()[0] for k in spec.key]
    assert keys == list(contract.key)
    lowered = [k.meta.root_names()[0] for k in spec.key if not isinstance(k, str)]
    assert lowered == list(contract.lowercase)
    assert {source_of[c] for c in contract.required if c not in spec.required_otherwise} == set(spec.required)
    assert set(spec.required_otherwise) <= set(contract.required)
    assert spec.enums == {source_of[c]: known for c, known in contract.enums.items()}


def test_exact_required_source_fields_and_enums_of_two_specs():
    cdr = EVENTS["cdr"]
    assert cdr.required == ["Report ID", "Report time", "Org UUID", "Start time"]
    assert cdr.enums == {"Direction": frozenset({"ORIGINATING", "TERMINATING"})}
    subscriptions = SNAPSHOTS["subscriptions"]
    assert subscriptions.required == ["subscriptionId", "orgId"]
    assert subscriptions.enums["status"] == frozenset({"ACTIVE", "PROVISIONING", "SUSPENDED", "EXPIRED", "CANCELLED"})


def test_a_spec_that_cannot_fill_a_required_contract_column_is_refused():
    with pytest.raises(ValueError, match=r"locations: contract columns \['location_id'\] have no source field"):
        DatasetSpec(name="locations", kind="snapshot", formats=(".json",), fields=[Field("orgId", "org_id", "id")])


def test_numbers_dedupe_keeps_extension_only_items_apart(landing, home, b):
    # Two extension-only items and a number-only item of one org: three keys, three rows. Under the old
    # GX key (org_id, phone_number) the two extensions would be one key.
    b.write_items(landing / "US/numbers/2026-11-22.json", [
        {"orgId": "org-1", "phoneNumbers": [
            {"extension": "1001", "state": "ACTIVE"},
            {"extension": "1002", "state": "ACTIVE"},
            {"phoneNumber": "+41445551234", "state": "ACTIVE"},
            {"extension": "1001", "state": "INACTIVE"},
        ]},
    ])  # fmt: skip
    summary = b.run(landing, home)
    assert b.counts(summary["numbers"])[:3] == (4, 3, 1)  # read, loaded, duplicates
    rows = b.lake(home, "numbers").sort("extension", "phone_number", nulls_last=True)
    assert rows.select("phone_number", "extension").rows() == [
        (None, "1001"),
        (None, "1002"),
        ("+41445551234", None),
    ]


def test_bridge_datasets_are_unique_on_their_contract_key(landing, home, b):
    b.write_items(landing / "US/customers/2026-11-22.json", [
        {"orgId": "org-1", "displayName": "Acme", "region": "US", "tags": ["gold", "gold", "eu"]},
    ])  # fmt: skip
    b.run(landing, home)
    tags = b.lake(home, "customer_tags")
    assert tags.select("org_id", "tag").sort("tag").rows() == [("org-1", "eu"), ("org-1", "gold")]
    assert tags.select(schemas.contract("customer_tags").key).is_duplicated().sum() == 0
    assert isinstance(tags.schema["tag"], pl.String)
