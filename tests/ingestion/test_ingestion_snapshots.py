"""Snapshot datasets: typed rows, bridges, checks, in-file dedupe, deferral and re-delivery."""

from __future__ import annotations

import datetime as dt

SNAP = dt.date(2026, 11, 22)


def test_customers_with_tags_region_check_and_unknown_enum(landing, home, b):
    items = [
        {"orgId": "org-1", "displayName": "Acme", "externalId": None, "region": "US", "managedBy": "PARTNER",
         "createdAt": "2026-01-05T08:00:00Z", "lastAdminActivityAt": None, "tags": ["gold", "", "emea"], "newField": 1},  # 1
        {"orgId": "org-2", "displayName": "Beta", "externalId": "W-2", "region": "EU", "managedBy": "PARTNER"},  # 2
        {"orgId": "org-3", "displayName": "Gamma", "region": "US", "managedBy": "RESELLER", "tags": []},  # 3
        {"orgId": None, "displayName": "Nobody", "region": "US"},  # 4
        {"orgId": "org-1", "displayName": "Acme AG", "region": "US", "managedBy": "PARTNER", "tags": ["gold"]},  # 5 re-listed: later row wins
    ]  # fmt: skip
    b.write_items(landing / "US/customers/2026-11-22.json", items)
    summary = b.run(landing, home)["customers"]
    assert b.counts(summary) == (5, 2, 1, 2, 0)  # 5 = loaded 2 (org-1@5, org-3) + duplicate 1 (row 1) + quarantined 2
    assert summary["unknown_enums"] == {"managedBy": {"RESELLER": 1}}
    assert summary["partitions"] == ["customer_tags/snapshot_date=2026-11-22", "customers/snapshot_date=2026-11-22"]
    assert b.quarantine(home, "customers").select("source_row", "reason").rows() == [
        (2, "region 'EU' does not match landing folder 'US'"),
        (4, "missing orgId"),
    ]
    assert b.lake(home, "customers").select("org_id", "display_name", "managed_by", "snapshot_date", "source_row").rows() == [
        ("org-1", "Acme AG", "PARTNER", SNAP, 5),
        ("org-3", "Gamma", "RESELLER", SNAP, 3),
    ]
    assert b.lake(home, "customer_tags").select("org_id", "tag", "source_row").rows() == [("org-1", "gold", 5)]


def test_customer_row_types(landing, home, b):
    b.write_items(landing / "US/customers/2026-11-22.json", [
        {"orgId": "org-1", "displayName": "Acme", "externalId": None, "region": "US", "managedBy": "EXTERNAL_ADMIN",
         "createdAt": "2026-01-05 08:00:00", "lastAdminActivityAt": "2026-11-20T09:30:00.250+01:00", "tags": ["b", "a"]},
    ])  # fmt: skip
    b.run(landing, home)
    [row] = b.lake(home, "customers").to_dicts()
    assert row["external_id"] is None and row["region"] == "US" and row["managed_by"] == "EXTERNAL_ADMIN"
    assert row["created_at"] == b.ts("2026-01-05T08:00:00Z")
    assert row["last_admin_activity_at"] == b.ts("2026-11-20T08:30:00.250Z")
    assert row["source_file"] == "US/customers/2026-11-22.json"
    assert b.lake(home, "customer_tags").select("tag").to_series().to_list() == ["a", "b"]  # sorted by key


def test_subscriptions_and_licenses(landing, home, b):
    b.write_items(landing / "US/subscriptions/2026-11-22.json", [
        {"subscriptionId": "s1", "orgId": "org-1", "type": "TRIAL", "status": "ACTIVE", "createdAt": "2026-10-01T00:00:00Z",
         "startDate": "2026-10-01", "endDate": "2027-01-15", "autoRenew": False, "invoiceId": None,
         "orders": [{"orderId": "o1", "orderedAt": "2026-10-01T00:00:00Z", "action": "ADD", "quantity": 5}]},
        {"subscriptionId": "s2", "orgId": "org-1", "type": "SUBSCRIPTION", "status": "ON_HOLD", "startDate": "2026-10-01",
         "endDate": "2027-10-01", "autoRenew": "true"},
        {"subscriptionId": "s3", "orgId": "org-1", "type": "SUBSCRIPTION", "status": "ACTIVE", "endDate": "soon"},
    ])  # fmt: skip
    b.write_items(landing / "US/licenses/2026-11-22.json", [
        {"id": "l1", "orgId": "org-1", "name": "Webex Calling - Professional", "totalUnits": 0, "consumedUnits": 3,
         "consumedByUsers": 3, "consumedByWorkspaces": 0, "subscriptionId": "s1", "siteUrl": None, "siteType": None},
        {"id": "l2", "orgId": "org-1", "name": "Messaging", "totalUnits": -2, "consumedUnits": 0},
        {"id": "l3", "name": "Messaging", "totalUnits": 1},
    ], snapshotDate="2026-11-21")  # fmt: skip
    summary = b.run(landing, home)
    subs = summary["subscriptions"]
    assert b.counts(subs) == (3, 2, 0, 1, 0)
    assert subs["quarantine_reasons"] == {"invalid date in endDate": 1}
    assert subs["unknown_enums"] == {"status": {"ON_HOLD": 1}}
    assert b.lake(home, "subscriptions").select(
        "subscription_id", "subscription_type", "status", "created_at", "start_date", "end_date", "is_auto_renew", "invoice_id"
    ).rows() == [
        ("s1", "TRIAL", "ACTIVE", b.ts("2026-10-01T00:00:00Z"), dt.date(2026, 10, 1), dt.date(2027, 1, 15), False, None),
        ("s2", "SUBSCRIPTION", "ON_HOLD", None, dt.date(2026, 10, 1), dt.date(2027, 10, 1), True, None),
    ]
    lic = summary["licenses"]
    assert b.counts(lic) == (3, 1, 0, 2, 0)
    assert b.quarantine(home, "licenses").select("source_row", "reason").rows() == [(2, "negative totalUnits: '-2'"), (3, "missing orgId")]
    # totalUnits 0 is a real value, not a failure; the file NAME date is the snapshot date (not snapshotDate)
    assert b.lake(home, "licenses").select("license_id", "total_units", "consumed_units", "consumed_by_users", "subscription_id", "snapshot_date").rows() == [
        ("l1", 0, 3, 3, "s1", SNAP)
    ]


def test_people_bridges_and_primary_email(landing, home, b):
    b.write_items(landing / "US/people/2026-11-22.json", [
        {"id": "p1", "orgId": "org-1", "displayName": "Ann", "emails": ["Ann@Example.com", "ann2@example.com"],
         "licenses": ["l1", "l2", "l1"], "locationId": "loc-1", "created": "2026-02-01T10:00:00.000Z"},
        {"id": "p2", "orgId": "org-1", "displayName": "Bob", "emails": [], "licenses": None},
        {"id": None, "orgId": "org-1", "emails": ["x@example.com"]},
    ])  # fmt: skip
    summary = b.run(landing, home)["people"]
    assert b.counts(summary) == (3, 2, 0, 1, 0)
    assert summary["partitions"] == [
        "people/snapshot_date=2026-11-22", "people_emails/snapshot_date=2026-11-22", "people_licenses/snapshot_date=2026-11-22",
    ]  # fmt: skip
    assert b.lake(home, "people").select("person_id", "primary_email", "location_id", "created_at").rows() == [
        ("p1", "Ann@Example.com", "loc-1", b.ts("2026-02-01T10:00:00Z")),
        ("p2", None, None, None),
    ]
    assert b.lake(home, "people_emails").select("person_id", "org_id", "email", "email_index").rows() == [
        ("p1", "org-1", "Ann@Example.com", 1), ("p1", "org-1", "ann2@example.com", 2),
    ]  # fmt: skip
    assert b.lake(home, "people_licenses").select("person_id", "license_id").rows() == [("p1", "l1"), ("p1", "l2")]


def test_locations_devices_numbers(landing, home, b):
    b.write_items(landing / "US/locations/2026-11-22.json", [
        {"id": "loc-1", "name": "Zurich", "orgId": "org-1", "address": {"country": "CH", "city": "Zurich"}, "pstnConnection": {"providerName": None}},
        {"id": "loc-2", "name": "Bern", "orgId": "org-1", "address": {"country": "CH"}, "pstnConnection": {"providerName": "Swisscom"}},
    ])  # fmt: skip
    b.write_items(landing / "US/devices/2026-11-22.json", [
        {"id": "d1", "orgId": "org-1", "personId": "p1", "mac": "aa-bb-cc-dd-ee-ff", "type": "phone", "software": "sip88xx.14", "connectionStatus": "connected_with_issues"},
        {"id": "d2", "orgId": "org-1", "mac": "11:22:33:44:AA"},
    ])  # fmt: skip
    b.write_items(landing / "US/numbers/2026-11-22.json", [
        {"orgId": "org-1", "phoneNumbers": [
            {"phoneNumber": "+41445551234", "extension": "1234", "state": "ACTIVE", "phoneNumberType": "PRIMARY", "mainNumber": True,
             "location": {"id": "loc-1", "name": "Zurich"}, "owner": {"id": "p1", "type": "PEOPLE", "firstName": "Ann", "lastName": "A"}},
            {"phoneNumber": "", "extension": "", "state": "ACTIVE"},
            {"phoneNumber": "+41445550000", "state": "PORTING", "mainNumber": False},
        ]},
        {"orgId": None, "phoneNumbers": [{"phoneNumber": "+1"}]},
        {"orgId": "org-2", "phoneNumbers": []},
    ])  # fmt: skip
    summary = b.run(landing, home)
    assert b.lake(home, "locations").select("location_id", "location_name", "country", "pstn_provider_name").rows() == [
        ("loc-1", "Zurich", "CH", None), ("loc-2", "Bern", "CH", "Swisscom"),
    ]  # fmt: skip
    assert b.counts(summary["devices"]) == (2, 1, 0, 1, 0)
    assert b.quarantine(home, "devices").select("source_row", "reason").rows() == [(2, "invalid MAC in mac: '11:22:33:44:AA'")]
    assert b.lake(home, "devices").select("device_id", "mac", "device_type", "firmware", "connection_status").rows() == [
        ("d1", "AABBCCDDEEFF", "phone", "sip88xx.14", "connected_with_issues")
    ]
    # numbers: one row per phone-number item (3 + 1 + 0 = 4 read)
    assert b.counts(summary["numbers"]) == (4, 2, 0, 2, 0)
    assert summary["numbers"]["unknown_enums"] == {"state": {"PORTING": 1}}
    assert b.quarantine(home, "numbers").select("source_row", "reason").rows() == [
        (1, "missing phoneNumber and extension"), (2, "missing orgId"),
    ]  # fmt: skip
    assert b.lake(home, "numbers").select(
        "org_id", "phone_number", "extension", "state", "phone_number_type", "is_main_number", "location_id", "owner_id", "owner_type", "number_index"
    ).rows() == [
        ("org-1", "+41445550000", None, "PORTING", None, False, None, None, None, 3),
        ("org-1", "+41445551234", "1234", "ACTIVE", "PRIMARY", True, "loc-1", "p1", "PEOPLE", 1),
    ]


def test_snapshots_after_the_week_ending_are_deferred_and_redelivery_replaces(landing, home, b):
    b.write_items(landing / "US/locations/2026-11-15.json", [{"id": "loc-1", "orgId": "org-1", "name": "Old"}])
    b.write_items(landing / "US/locations/2026-11-22.json", [{"id": "loc-1", "orgId": "org-1", "name": "Zurich"}])
    b.write_items(landing / "US/locations/2026-11-23.json", [{"id": "loc-1", "orgId": "org-1", "name": "Later"}])
    first = b.run(landing, home)["locations"]
    assert (first["files_ingested"], first["files_deferred"], first["files_skipped"]) == (2, 1, 0)
    assert not (home / "lake/US/locations/snapshot_date=2026-11-23").exists()
    # The 2026-11-22 file is re-delivered with other content: its partition is replaced (1 old row)
    b.write_items(landing / "US/locations/2026-11-22.json", [{"id": "loc-1", "orgId": "org-1", "name": "Zürich"}, {"id": "loc-2", "orgId": "org-1"}])
    second = b.run(landing, home)["locations"]
    assert (second["files_ingested"], second["files_skipped"], second["files_deferred"]) == (1, 1, 1)
    assert b.counts(second) == (2, 2, 0, 0, 1) and second["partitions"] == ["locations/snapshot_date=2026-11-22"]
    assert b.lake(home, "locations").select("snapshot_date", "location_id", "location_name").rows() == [
        (dt.date(2026, 11, 15), "loc-1", "Old"), (SNAP, "loc-1", "Zürich"), (SNAP, "loc-2", None),
    ]  # fmt: skip
    # The week after, the deferred file is ingested
    later = b.run(landing, home, week_ending=dt.date(2026, 11, 29))["locations"]
    assert (later["files_ingested"], later["files_deferred"]) == (1, 0) and later["partitions"] == ["locations/snapshot_date=2026-11-23"]


def test_identical_snapshot_content_under_two_dates_gives_two_partitions(landing, home, b):
    # Nothing changed between two Sundays: same bytes, two snapshot dates; both must be in the lake.
    for day in ("2026-11-15", "2026-11-22"):
        b.write_items(landing / f"US/devices/{day}.json", [{"id": "d1", "orgId": "org-1", "mac": "AABBCCDDEEFF"}])
    summary = b.run(landing, home)["devices"]
    assert summary["files_ingested"] == 2 and summary["partitions"] == ["devices/snapshot_date=2026-11-15", "devices/snapshot_date=2026-11-22"]


def test_partner_admins(landing, home, b):
    b.write_items(landing / "partner_admins/2026-11-22.json", [
        {"id": "a1", "email": "ops@partner.example", "displayName": "Ops", "role": "PARTNER_FULL_ADMIN", "assignedOrgIds": ["org-2", "org-1"]},
        {"id": "a2", "email": "x@partner.example", "role": "SUPPORT_ADMIN", "assignedOrgIds": []},
        {"email": "ghost@partner.example"},
    ])  # fmt: skip
    summary = b.run_partner(landing, home)
    assert list(summary) == ["partner_admins"]
    entry = summary["partner_admins"]
    assert b.counts(entry) == (3, 2, 0, 1, 0)
    assert entry["unknown_enums"] == {"role": {"SUPPORT_ADMIN": 1}} and entry["quarantine_reasons"] == {"missing id": 1}
    assert entry["partitions"] == ["partner_admin_orgs/snapshot_date=2026-11-22", "partner_admins/snapshot_date=2026-11-22"]
    assert b.lake(home, "partner_admins", region="partner").select("admin_id", "email", "role").rows() == [
        ("a1", "ops@partner.example", "PARTNER_FULL_ADMIN"), ("a2", "x@partner.example", "SUPPORT_ADMIN"),
    ]  # fmt: skip
    assert b.lake(home, "partner_admin_orgs", region="partner").select("admin_id", "org_id").rows() == [("a1", "org-1"), ("a1", "org-2")]
    assert b.quarantine(home, "partner_admins", region="partner").get_column("reason").to_list() == ["missing id"]
    assert (home / "lake/partner/_ingested.json").exists() and (home / "lake/partner/partner_admins/_schema/empty.parquet").exists()


def test_subscription_orders_become_one_row_per_order(landing, home, b):
    """SPEC 12 order history: each element of `orders` is a row of the subscription_orders bridge, in array
    order; a malformed orderedAt/quantity becomes null there (the subscription itself still loads)."""
    items = [
        {
            "subscriptionId": "S1",
            "orgId": "org-1",
            "type": "SUBSCRIPTION",
            "status": "ACTIVE",
            "startDate": "2026-01-01",
            "endDate": "2027-01-01",
            "autoRenew": True,
            "orders": [
                {"orderId": "O1", "orderedAt": "2025-12-30T10:00:00Z", "action": "ADD", "quantity": 10},
                {"orderId": "O2", "orderedAt": "2026-03-01 08:00:00.000", "action": "REMOVE", "quantity": "3"},
                {"orderId": "O3", "orderedAt": "not a time", "action": "ADD", "quantity": "x"},
            ],
        },
        {"subscriptionId": "S2", "orgId": "org-1", "type": "TRIAL", "status": "ACTIVE", "orders": []},
    ]
    b.write_items(landing / "US/subscriptions/2026-11-22.json", items)
    summary = b.run(landing, home)["subscriptions"]
    assert b.counts(summary)[:2] == (2, 2)
    assert "subscription_orders/snapshot_date=2026-11-22" in summary["partitions"]
    got = (
        b.lake(home, "subscription_orders")
        .sort("order_index")
        .select("subscription_id", "order_id", "ordered_at", "action", "quantity", "order_index", "source_row")
        .rows()
    )
    assert [(r[0], r[1], None if r[2] is None else r[2].isoformat(), r[3], r[4], r[5], r[6]) for r in got] == [
        ("S1", "O1", "2025-12-30T10:00:00+00:00", "ADD", 10, 1, 1),
        ("S1", "O2", "2026-03-01T08:00:00+00:00", "REMOVE", 3, 2, 1),
        ("S1", "O3", None, "ADD", None, 3, 1),
    ]
