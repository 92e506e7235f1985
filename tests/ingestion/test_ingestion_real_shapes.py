"""SPEC 9's real Webex shapes at ingestion: Hydra ids, NA placeholders, header drift, trailing-comma
CSVs, ZIP downloads and the quarantine gate. Every outcome is exact (counts, lake values, reasons)."""

from __future__ import annotations

import base64
import io
import zipfile

import polars as pl
import pytest

from ingestion.gate import QuarantineGateError
from ingestion.ids import normalise_ids
from partner_analytics.errors import BadArgumentError, FileFormatError

ORG = "6f1c2b8e-5d4a-4c3b-9e2f-1a0b9c8d7e6f"
PERSON = "a1111111-1111-4111-8111-111111111111"
LICENSE = "0c0c0c0c-0000-4000-8000-00000000ca11"
LOCATION = "107a3590-f79c-4c49-b3b6-d538ca04ae50"


def hydra(kind: str, uuid: str, cluster: str = "us") -> str:
    return base64.urlsafe_b64encode(f"ciscospark://{cluster}/{kind}/{uuid}".encode()).decode().rstrip("=")


def csv_bytes(header: list[str], rows: list[list[str]], eol: str = "\r\n") -> bytes:
    return (eol.join([",".join(header), *[",".join(r) for r in rows]]) + eol).encode()


# ------------------------------------------------------------------------------------------- ids


def test_normalise_ids_hydra_uuid_and_other_values():
    values = pl.Series([
        hydra("PEOPLE", PERSON.upper()),  # upper-case uuid inside
        hydra("ORGANIZATION", ORG, cluster="urn:TEAM:us-east-2_a"),  # a cluster with colons, base64url
        ORG.upper(),  # a raw UUID: lower-cased
        "org-1",  # neither: kept
        base64.b64encode(b"ciscospark://us/LICENSE/not-a-uuid").decode().rstrip("="),  # decodes, no uuid: kept
        "Y2lzY29zcGFyazovL3!!",  # not base64: kept
        None,
    ])  # fmt: skip
    assert normalise_ids(values).to_list() == [PERSON, ORG, ORG, "org-1", values[4], "Y2lzY29zcGFyazovL3!!", None]


def test_hydra_ids_normalised_in_every_id_column_and_array(landing, home, b):
    """People, licenses and locations with Hydra ids; the lake holds the lower-case UUIDs, bridges too;
    an id that is neither is kept and counted per field."""
    org = hydra("ORGANIZATION", ORG)
    b.write_items(landing / "US/people/2026-11-22.json", [
        {"id": hydra("PEOPLE", PERSON), "orgId": org, "emails": ["ann@x.example"],
         "licenses": [hydra("LICENSE", LICENSE), "legacy-license"], "locationId": hydra("LOCATION", LOCATION)},
        {"id": "legacy-7", "orgId": ORG.upper(), "emails": ["bob@x.example"], "licenses": []},
    ])  # fmt: skip
    b.write_items(landing / "US/licenses/2026-11-22.json", [
        {"id": hydra("LICENSE", LICENSE), "orgId": org, "name": "Webex Calling - Professional", "totalUnits": 3,
         "consumedUnits": 1, "subscriptionId": "Sub-1"},
    ], snapshotDate="2026-11-22")  # fmt: skip
    b.write_csv(landing / "US/cdr/2026-11-16.csv", b.CDR_HEADER, [b.cdr("r1", **{"Org UUID": ORG.upper(), "User UUID": PERSON.upper()})])
    summary = b.run(landing, home)
    assert summary["people"]["unrecognised_ids"] == {"id": 1, "licenses": 1}
    assert summary["licenses"]["unrecognised_ids"] == {}  # "Sub-1": subscription ids are not counted
    assert summary["cdr"]["unrecognised_ids"] == {}
    people = b.lake(home, "people").sort("source_row").select("person_id", "org_id", "location_id").rows()
    assert people == [(PERSON, ORG, LOCATION), ("legacy-7", ORG, None)]
    assert b.lake(home, "people_licenses").sort("license_id").select("person_id", "license_id").rows() == [(PERSON, LICENSE), (PERSON, "legacy-license")]
    assert b.lake(home, "licenses").select("license_id", "org_id", "subscription_id").rows() == [(LICENSE, ORG, "Sub-1")]
    assert b.lake(home, "cdr").select("org_id", "user_id").rows() == [(ORG, PERSON)]


def test_partner_admin_org_ids_normalised(landing, home, b):
    admin = "c0ffee00-0000-4000-8000-000000000001"
    b.write_items(landing / "partner_admins/2026-11-22.json", [
        {"id": hydra("PEOPLE", admin), "email": "p@partner.example", "role": "PARTNER_ADMIN",
         "assignedOrgIds": [hydra("ORGANIZATION", ORG), ORG.upper()]},  # the same org twice, two spellings
    ])  # fmt: skip
    summary = b.run_partner(landing, home)
    assert summary["partner_admins"]["unrecognised_ids"] == {}
    orgs = pl.read_parquet(home / "lake/partner/partner_admin_orgs/snapshot_date=2026-11-22/data.parquet")
    assert orgs.select("admin_id", "org_id").rows() == [(admin, ORG)]  # one row: the spellings are one org


# ------------------------------------------------------------------------------------ placeholders


def test_na_placeholders_are_null_and_never_quarantine(landing, home, b):
    rows = [
        b.cdr("r1", **{"Answer time": "NA", "Device MAC": "na", "Ring duration": "N/A"}),
        b.cdr("r2", **{"Duration": " ", "Answered": "n/a", "Location": "  NA  "}),
        b.cdr("r3", **{"Release time": "na", "Model": "NA"}),
        b.cdr("r4", **{"Duration": "NAN"}),  # not a placeholder: an invalid number
    ]
    b.write_csv(landing / "US/cdr/2026-11-16.csv", b.CDR_HEADER, rows)
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (4, 3, 0, 1, 0)
    assert summary["quarantine_reasons"] == {"invalid number in Duration": 1}
    lake = {r["report_id"]: r for r in b.lake(home, "cdr").to_dicts()}
    assert (lake["r1"]["answered_at"], lake["r1"]["device_mac"], lake["r1"]["ring_duration_seconds"]) == (None, None, None)
    assert (lake["r2"]["duration_seconds"], lake["r2"]["is_answered"], lake["r2"]["location_name"]) == (None, None, None)
    assert (lake["r3"]["released_at"], lake["r3"]["device_model"], lake["r3"]["duration_seconds"]) == (None, None, 60)


def test_na_in_a_required_field_is_missing_not_invalid(landing, home, b):
    b.write_csv(landing / "US/cdr/2026-11-16.csv", b.CDR_HEADER, [b.cdr("r1", **{"Start time": "NA"}), b.cdr("r2")])
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (2, 1, 0, 1, 0)
    assert summary["quarantine_reasons"] == {"missing Start time": 1}


def test_na_in_json_snapshots_and_numbers(landing, home, b):
    b.write_items(landing / "US/numbers/2026-11-22.json", [{"orgId": ORG, "phoneNumbers": [
        {"phoneNumber": "NA", "extension": "101", "state": "ACTIVE"},
        {"phoneNumber": "+12025550100", "extension": " ", "state": "na"},
    ]}])  # fmt: skip
    summary = b.run(landing, home)["numbers"]
    assert b.counts(summary) == (2, 2, 0, 0, 0)
    rows = b.lake(home, "numbers").sort("number_index").select("phone_number", "extension", "state").rows()
    assert rows == [(None, "101", "ACTIVE"), ("+12025550100", None, None)]


# ---------------------------------------------------------------------------------- header drift


def test_drifted_csv_header_is_matched(landing, home, b):
    header = [{"Device MAC": " Device Mac", "User UUID": "User Uuid", "Duration": "Duration ", "Report ID": "report  id",
               "Start time": "START TIME"}.get(h, h) for h in b.CDR_HEADER]  # fmt: skip
    rows = [[b.cdr("r1")[h] for h in b.CDR_HEADER]]
    b.write_bytes(landing / "US/cdr/2026-11-16.csv", csv_bytes(header, rows))
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (1, 1, 0, 0, 0)
    [row] = b.lake(home, "cdr").to_dicts()
    assert (row["report_id"], row["device_mac"], row["user_id"], row["duration_seconds"]) == ("r1", "6C710D8ABC10", "person-1", 60)
    assert row["started_at"] == b.ts("2026-11-16T10:00:00Z")


def test_exact_spelling_wins_over_a_drifted_duplicate(landing, home, b):
    header = [*b.CDR_HEADER, "DEVICE MAC"]
    rows = [[*(b.cdr("r1")[h] for h in b.CDR_HEADER), "AABBCCDDEEFF"]]
    b.write_bytes(landing / "US/cdr/2026-11-16.csv", csv_bytes(header, rows))
    b.run(landing, home)
    assert b.lake(home, "cdr").get_column("device_mac").to_list() == ["6C710D8ABC10"]


def test_a_required_column_still_missing_fails_the_file_naming_it(landing, home, b):
    header = [h for h in b.CDR_HEADER if h != "Start time"] + ["Start"]
    b.write_bytes(landing / "US/cdr/2026-11-16.csv", csv_bytes(header, []))
    with pytest.raises(FileFormatError, match=r"2026-11-16\.csv: .*missing required column\(s\) 'Start time'"):
        b.run(landing, home)


def test_drifted_json_keys_are_matched(landing, home, b):
    item = {("Device Mac" if k == "Device MAC" else "user uuid" if k == "User UUID" else k): v for k, v in b.cdr("r1").items()}
    b.write_items(landing / "US/cdr/page.json", [item])
    assert b.counts(b.run(landing, home)["cdr"]) == (1, 1, 0, 0, 0)
    [row] = b.lake(home, "cdr").to_dicts()
    assert (row["device_mac"], row["user_id"]) == ("6C710D8ABC10", "person-1")


# ------------------------------------------------------------------------------------ CSV shapes


def test_trailing_comma_header_is_an_ordinary_table(landing, home, b):
    """Cisco's cdr-download tool: the header ends in a comma (N+1 names), every row has N values."""
    rows = [[b.cdr(r)[h] for h in b.CDR_HEADER] for r in ("r1", "r2", "r3")]
    b.write_bytes(landing / "US/cdr/2026-11-16.csv", csv_bytes([*b.CDR_HEADER, ""], rows))
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (3, 3, 0, 0, 0)
    assert b.lake(home, "cdr").get_column("report_id").to_list() == ["r1", "r2", "r3"]


def test_rows_with_empty_fields_beyond_the_header_are_ordinary_and_others_still_malformed(landing, home, b):
    good = [b.cdr("r1")[h] for h in b.CDR_HEADER]
    rows = [
        [*good[:-1], "Success,,"],  # two empty fields beyond the header
        [b.cdr("r2")[h] for h in b.CDR_HEADER] + [""],  # one
        [b.cdr("r3")[h] for h in b.CDR_HEADER] + ["Remote"],  # a value beyond the header: malformed
        [b.cdr("r4")[h] for h in b.CDR_HEADER][:-2],  # too short: malformed
    ]
    b.write_bytes(landing / "US/cdr/2026-11-16.csv", csv_bytes(b.CDR_HEADER, rows))
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (4, 2, 0, 2, 0)
    assert summary["quarantine_reasons"] == {"malformed row": 2}
    lake = b.lake(home, "cdr").sort("report_id")
    assert lake.select("report_id", "call_outcome", "source_row").rows() == [("r1", "Success", 1), ("r2", "Success", 2)]
    reasons = b.quarantine(home, "cdr").select("source_row", "reason").rows()
    assert reasons == [(3, "malformed row: expected 23 fields, got 24"), (4, "malformed row: expected 23 fields, got 21")]


# ------------------------------------------------------------------------------------------ ZIP


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name", ["DetailedCallHistory_2026-11-16", "report.zip"])
def test_zip_download_is_read_as_its_csv_members(landing, home, b, name):
    one = b"\xef\xbb\xbf" + csv_bytes(b.CDR_HEADER, [[b.cdr("r1")[h] for h in b.CDR_HEADER]])
    two = csv_bytes(b.CDR_HEADER, [[b.cdr("r2")[h] for h in b.CDR_HEADER], [b.cdr("r3", Duration="abc")[h] for h in b.CDR_HEADER]])
    b.write_bytes(landing / "US/cdr" / name, zipped({"b/part2.csv": two, "a.CSV": one, "readme.txt": b"not a table"}))
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (3, 2, 0, 1, 0)
    lake = b.lake(home, "cdr").sort("report_id").select("report_id", "source_file", "source_row").rows()
    assert lake == [("r1", f"US/cdr/{name}!a.CSV", 1), ("r2", f"US/cdr/{name}!b/part2.csv", 1)]
    assert b.quarantine(home, "cdr").select("source_file", "source_row", "reason").rows() == [
        (f"US/cdr/{name}!b/part2.csv", 2, "invalid number in Duration: 'abc'")
    ]


def test_zip_of_call_queue_stats(landing, home, b):
    row = {"Org ID": ORG, "Queue ID": "q1", "Date": "2026-11-16", "Total Calls": "4", "Answered Calls": "3"}
    data = csv_bytes(b.QUEUE_HEADER, [[row.get(h, "") for h in b.QUEUE_HEADER]])
    b.write_bytes(landing / "US/call_queue_stats/queue_report", zipped({"CallQueueStats.csv": data}))
    assert b.counts(b.run(landing, home)["call_queue_stats"]) == (1, 1, 0, 0, 0)
    assert b.lake(home, "call_queue_stats").select("org_id", "total_calls", "source_file").rows() == [
        (ORG, 4, "US/call_queue_stats/queue_report!CallQueueStats.csv")
    ]


def test_zip_without_a_csv_member_fails_the_file_naming_it(landing, home, b):
    b.write_bytes(landing / "US/cdr/download", zipped({"readme.txt": b"nothing here"}))
    with pytest.raises(FileFormatError, match=r"cdr/download: ZIP archive without a CSV member \(members: 'readme.txt'\)"):
        b.run(landing, home)
    assert not (home / "lake/US/cdr").exists()


def test_corrupt_zip_fails_the_file_naming_it(landing, home, b):
    good = zipped({"a.csv": csv_bytes(b.CDR_HEADER, [[b.cdr("r1")[h] for h in b.CDR_HEADER]])})
    b.write_bytes(landing / "US/cdr/download", good[: len(good) // 2])  # truncated: no central directory
    with pytest.raises(FileFormatError, match=r"cdr/download: corrupt ZIP archive"):
        b.run(landing, home)


def test_a_file_without_extension_that_is_not_a_zip_is_still_refused(landing, home, b):
    b.write_bytes(landing / "US/cdr/download", csv_bytes(b.CDR_HEADER, []))
    with pytest.raises(FileFormatError, match=r"unexpected file type '\(none\)' for cdr"):
        b.run(landing, home)


# ------------------------------------------------------------------------------------------ gate


def test_gate_fails_the_region_over_the_limit_and_publishes_nothing(landing, home, b, monkeypatch):
    monkeypatch.delenv("PA_MAX_QUARANTINE_PCT")  # the default: 5 %
    b.write_csv(landing / "US/cdr/2026-11-16.csv", b.CDR_HEADER, [b.cdr(f"r{i}") for i in range(19)] + [b.cdr("bad", Duration="x")])
    b.run(landing, home)  # 1 of 20 = 5.0 %: not more than the limit
    before = b.tree_bytes(home / "lake")
    rows = [b.cdr(f"s{i}") for i in range(6)] + [
        b.cdr("t1", Duration="x"), b.cdr("t2", Duration="-1"), b.cdr("t3", **{"Start time": "soon"}),
        b.cdr("t4", **{"Start time": "later"}),
    ]  # fmt: skip
    b.write_csv(landing / "US/cdr/2026-11-17.csv", b.CDR_HEADER, rows)
    b.write_items(landing / "US/customers/2026-11-22.json", [{"orgId": ORG, "region": "US"}])  # clean, also not published
    with pytest.raises(QuarantineGateError) as caught:
        b.run(landing, home)
    assert str(caught.value) == (
        "quarantine gate: cdr: 40.0 % of the 10 rows read were quarantined (4; more than PA_MAX_QUARANTINE_PCT=5 %); "
        "most frequent reasons: invalid timestamp in Start time (2), invalid number in Duration (1), "
        "negative Duration (1); nothing was published"
    )
    assert b.tree_bytes(home / "lake") == before  # lake, manifest and quarantine files as they were
    monkeypatch.setenv("PA_MAX_QUARANTINE_PCT", "40")  # at the limit: published, the files read again
    summary = b.run(landing, home)
    assert b.counts(summary["cdr"]) == (10, 6, 0, 4, 0)
    assert summary["customers"]["loaded"] == 1


@pytest.mark.parametrize("value", ["abc", "-1", "101"])
def test_gate_limit_must_be_a_percentage(landing, home, b, monkeypatch, value):
    monkeypatch.setenv("PA_MAX_QUARANTINE_PCT", value)
    with pytest.raises(BadArgumentError, match=f"PA_MAX_QUARANTINE_PCT must be a percentage between 0 and 100, got '{value}'"):
        b.run(landing, home)


def test_only_commas_before_looks_at_the_records_with_extra_fields():
    """The trailing-empty-fields check of the byte scan, on a hand-made buffer (see the test above for
    the same rule end to end): the last `count` bytes before each record's end must all be commas."""
    import numpy as np

    from ingestion.readers import _only_commas_before

    buf = np.frombuffer(b"a,b,,\nc,d,x\n,,\n", dtype=np.uint8)
    ends = np.array([5, 11, 14])  # each record's newline
    # "a,b,," ends in ",,"; "c,d,x" ends in ",x"; ",," has no extra field to look at
    assert _only_commas_before(buf, ends, np.array([2, 2, 0])).tolist() == [True, False, False]
    # a count reaching before the file's start looks from the start: ",," -> all commas; "a," -> not
    assert _only_commas_before(np.frombuffer(b",,x", dtype=np.uint8), np.array([2]), np.array([5])).tolist() == [True]
    assert _only_commas_before(buf, np.array([2]), np.array([5])).tolist() == [False]
