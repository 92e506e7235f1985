"""The dirt counts in generate()'s stats equal what the files really contain (parsed back with csv/json)."""

from __future__ import annotations

import re
from collections import defaultdict

from generate_landing_reader import REGIONS, SHAPES, TIMESTAMP_FIELDS, hydra, json_items, normalised, parse_ts, read_cdr, snapshot

KNOWN_STATUSES = {"ACTIVE", "PROVISIONING", "SUSPENDED", "EXPIRED", "CANCELLED"}
SPACE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
OFFSET = re.compile(r"T.*[+-]\d\d:\d\d$")


def test_cdr_row_and_leg_totals(tiny, tiny_cdr):
    landing, stats = tiny
    rows = tiny_cdr
    # Every row read counts once; every leg has one Report ID, however often it is sent.
    assert len(rows) == stats["cdr_rows"]
    assert len({r.values["Report ID"] for r in rows}) == stats["legs"]
    # rows = legs + the extra copies (re-sent and overlapping)
    assert stats["cdr_rows"] == stats["legs"] + stats["dirt"]["duplicate_report_ids"] + stats["dirt"]["exact_duplicate_rows"]
    for region in REGIONS:
        region_rows = read_cdr(landing, region)
        assert len(region_rows) == stats["per_region"][region]["cdr_rows"]


def test_malformed_rows_and_bad_values(tiny, tiny_cdr):
    landing, stats = tiny
    dirt = stats["dirt"]
    rows = tiny_cdr
    malformed = [r for r in rows if not r.well_formed]
    assert len(malformed) == dirt["malformed_csv_rows"] > 0
    assert all(r.fmt == "csv" for r in malformed)
    good = [r for r in rows if r.well_formed]
    durations = [str(r.values["Duration"]) for r in good]
    assert sum(1 for d in durations if not re.fullmatch(r"-?\d+", d)) == dirt["bad_durations"] > 0
    assert sum(1 for d in durations if re.fullmatch(r"-\d+", d)) == dirt["negative_durations"]
    bad_ts = sum(1 for r in good if any(r.values.get(f) not in (None, "") and parse_ts(r.values[f]) is None for f in TIMESTAMP_FIELDS))
    assert bad_ts == dirt["bad_timestamps"] > 0
    unknown = sum(1 for r in good if r.values["Direction"] not in ("ORIGINATING", "TERMINATING"))
    assert unknown == dirt["unknown_directions"] > 0


def test_resent_report_ids_exact_duplicates_and_late_legs(tiny, tiny_cdr):
    landing, stats = tiny
    dirt = stats["dirt"]
    groups: dict[str, list] = defaultdict(list)
    for row in tiny_cdr:
        if row.well_formed:
            groups[row.values["Report ID"]].append(row)
    resent = exact = late = 0
    for rows in groups.values():
        if len(rows) == 1:
            start = parse_ts(rows[0].values["Start time"])
            if start and start.date() < rows[0].file_date:
                late += 1
            continue
        exact += len(rows) - len({normalised(r) for r in rows})
        times = sorted({parse_ts(r.values["Report time"]) for r in rows})
        resent += len(times) - 1
        if len(times) > 1:
            # the re-sent row has the later Report time and sits in a later file
            first = next(r for r in rows if parse_ts(r.values["Report time"]) == times[0])
            last = next(r for r in rows if parse_ts(r.values["Report time"]) == times[-1])
            assert last.file > first.file
        else:
            assert len({r.file for r in rows}) == len(rows)  # overlapping copies are in different files
    assert resent == dirt["duplicate_report_ids"] > 0
    assert exact == dirt["exact_duplicate_rows"] > 0
    assert late == dirt["late_cdrs"] > 0


def test_format_variety_counts(tiny, tiny_cdr):
    landing, stats = tiny
    dirt = stats["dirt"]
    rows = tiny_cdr
    space = offset = 0
    for r in rows:
        if r.well_formed:
            cells = [r.values.get(f) for f in TIMESTAMP_FIELDS]
        else:  # malformed records lose trailing fields only, timestamps keep their positions
            cells = [r.raw[i] for i in (0, 2, 6) if i < len(r.raw)] + [r.raw[1]]
        for cell in cells:
            if isinstance(cell, str):
                space += bool(SPACE.match(cell))
                offset += bool(OFFSET.search(cell))
    assert space == dirt["space_timestamps"] > 0
    assert offset == dirt["offset_timestamps"] > 0
    json_rows = [r for r in rows if r.fmt == "json"]
    assert sum(isinstance(r.values["Answered"], str) for r in json_rows) == dirt["string_answered"] > 0
    assert sum(isinstance(r.values["Answered"], bool) for r in json_rows) > 0
    assert sum(isinstance(r.values["Duration"], str) and bool(re.fullmatch(r"-?\d+", r.values["Duration"])) for r in json_rows) == dirt["string_durations"] > 0
    assert len({r.file for r in json_rows}) == dirt["json_cdr_files"]


def test_bom_files(tiny):
    landing, stats = tiny
    boms = 0
    for region in REGIONS:
        for dataset in ("cdr", "call_queue_stats"):
            for path in (landing / region / dataset).iterdir():
                if path.suffix == ".csv":
                    boms += path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert boms == stats["dirt"]["bom_files"] > 0


def test_unknown_subscription_statuses_and_mixed_case_emails(tiny):
    landing, stats = tiny
    unknown = sum(1 for region in REGIONS for _, item in json_items(landing, region, "subscriptions") if item["status"] not in KNOWN_STATUSES)
    assert unknown == stats["dirt"]["unknown_subscription_statuses"] > 0
    mixed = sum(1 for region in REGIONS for _, item in json_items(landing, region, "meeting_participants") if item["email"] != item["email"].lower())
    assert mixed == stats["dirt"]["mixed_case_emails"] > 0


def test_real_world_csv_shapes_are_written_and_counted(tiny, tiny_cdr):
    """SPEC 9's shapes: NA cells, a drifted header, a trailing-comma header, a ZIP without extension."""
    landing, stats = tiny
    dirt = stats["dirt"]
    shapes = {rel: s for rel, s in SHAPES.items() if (landing / rel).exists()}
    zipped = [rel for rel, s in shapes.items() if s.zipped]
    assert len(zipped) == dirt["zip_files"] > 0
    assert all("." not in rel.rsplit("/", 1)[1] for rel in zipped)  # no extension at all
    assert sum(s.trailing_comma for s in shapes.values()) == dirt["trailing_comma_files"] > 0
    assert sum(s.recased for s in shapes.values()) == dirt["recased_header_files"] > 0
    assert sum(s.na_cells for s in shapes.values()) == dirt["na_cells"] > 0
    # each file has at most one shape, so every count is exact
    assert all(sum((s.zipped, s.trailing_comma, s.recased, s.na_cells > 0)) <= 1 for s in shapes.values())


def test_rest_ids_are_hydra_and_cdr_ids_raw_uuids(tiny, tiny_cdr):
    """The REST snapshots name orgs, people, licenses, locations and devices by Hydra ids; the CDRs name
    the same orgs and people by raw UUIDs (SPEC 9), so every join in the marts needs the normalisation."""
    landing, _ = tiny
    uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    for region in REGIONS:
        people = snapshot(landing, region, "people")["items"]
        assert {hydra(p["id"])[0] for p in people} == {"PEOPLE"}
        assert {hydra(p["orgId"])[0] for p in people} == {"ORGANIZATION"}
        assert {hydra(lic)[0] for p in people for lic in p["licenses"]} == {"LICENSE"}
        assert {hydra(c["orgId"])[0] for c in snapshot(landing, region, "customers")["items"]} == {"ORGANIZATION"}
        assert {hydra(d["id"])[0] for d in snapshot(landing, region, "devices")["items"]} == {"DEVICE"}
        assert {hydra(loc["id"])[0] for loc in snapshot(landing, region, "locations")["items"]} == {"LOCATION"}
        rows = [r.values for r in tiny_cdr if r.well_formed and r.file.startswith(f"{region}/")]
        assert all(uuid.match(v["Org UUID"]) and uuid.match(v["User UUID"]) for v in rows)
        people_uuids = {hydra(p["id"])[1] for p in people}
        assert {v["User UUID"] for v in rows if v["User type"] == "User"} <= people_uuids
