"""CDR ingestion: CSV and JSON pages, typing, quarantine reasons, dedupe within and across runs."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl


def _dirty_landing(landing, b):
    """File 1 (CSV, BOM, CRLF, an unknown column) and file 2 (JSON page) with one of every kind of dirt."""
    big = "L" * 1_000_000
    rows = [
        b.cdr("r1", **{"Start time": "2026-11-16T10:00:00.123Z", "Location": "Zurich\nHB"}),  # 1 quoted newline
        b.cdr("r2", **{"Start time": "2026-11-16 11:00:00.5", "Answered": "false", "Device MAC": "6c:71:0d:8a:bc:10"}),  # 2
        b.cdr("r3", **{"Start time": "2026-11-16T14:00:00+02:00", "Report time": "2026-11-16T12:05:00+0200"}),  # 3
        b.cdr("r4", Duration="abc"),  # 4
        b.cdr("r5", Duration="-5"),  # 5
        b.cdr("r6", **{"Start time": "yesterday"}),  # 6
        b.cdr("r7", Direction="SIDEWAYS"),  # 7 unknown enum: kept
        b.cdr("", Duration="1"),  # 8 missing Report ID
        b.cdr("r9", **{"Org UUID": ""}),  # 9 null org
        b.cdr("r1", **{"Report time": "2026-11-16T11:00:00Z", "Duration": "61"}),  # 10 re-sent r1, later report
        b.cdr("r11", Answered="maybe"),  # 11
        b.cdr("r12", **{"Device MAC": "zz"}),  # 12
        b.cdr("r13", Location=big),  # 13 a 1 MB field
        b.cdr("r14", **{"Start time": "2026-11-22T00:00:00Z"}),  # 14 Sunday 00:00 starts the next week
        b.cdr("r15", **{"Start time": "2026-11-21T23:59:59.999Z"}),  # 15 last instant of W
    ]
    f1 = b.write_csv(landing / "US/cdr/2026-11-16.csv", b.CDR_HEADER, rows, bom=True, extra={"Call ID": "SSE1@10.0.0.1"})
    with open(f1, "ab") as handle:
        handle.write(b"rX,too,few\r\n")  # record 16: 3 fields instead of 24
    page = [
        # r2 re-sent later (JSON types: number Duration, boolean Answered) -> supersedes file 1's r2
        {**b.cdr("r2", **{"Start time": "2026-11-16T11:00:00.500Z", "Report time": "2026-11-17T09:00:00Z"}), "Duration": 70, "Answered": True},
        # r3 re-sent identically (same instant, other spelling) -> a duplicate, file 1's row stays
        {**b.cdr("r3", **{"Start time": "2026-11-16T12:00:00Z", "Report time": "2026-11-16T10:05:00Z"}), "Duration": 60},
        # a late leg of the previous week, Duration as a numeric string
        b.cdr("late1", **{"Start time": "2026-11-10T09:00:00Z", "Duration": "30"}),
        5,  # not an object: nothing to key it by
    ]
    b.write_items(landing / "US/cdr/2026-11-17.json", page)
    return big


def test_dirty_cdr_files_are_typed_quarantined_and_counted(landing, home, b):
    big = _dirty_landing(landing, b)
    summary = b.run(landing, home)["cdr"]

    # read: file 1 has 15 records + 1 malformed = 16, file 2 has 4 -> 20.
    # quarantined: rows 4,5,6,8,9,11,12 + malformed 16 of file 1, row 4 of file 2 -> 9.
    # clean: 20 - 9 = 11; duplicates: r1 (row 1 < row 10 by report time), r2 (file 1 < file 2), r3 (identical copy) -> 3.
    # loaded: 11 - 3 = 8 (r1@10, r2@json, r3, r7, r13, r14, r15, late1).
    assert b.counts(summary) == (20, 8, 3, 9, 0)
    assert summary["files_ingested"] == 2 and summary["files_skipped"] == 0
    assert summary["quarantine_reasons"] == {
        "invalid MAC in Device MAC": 1,
        "invalid boolean in Answered": 1,
        "invalid number in Duration": 1,
        "invalid timestamp in Start time": 1,
        "malformed row": 1,
        "missing Org UUID": 1,
        "missing Report ID": 2,
        "negative Duration": 1,
    }
    assert summary["unknown_enums"] == {"Direction": {"SIDEWAYS": 1}}
    assert summary["partitions"] == ["cdr/week_ending=2026-11-15", "cdr/week_ending=2026-11-22", "cdr/week_ending=2026-11-29"]

    rows = {r["report_id"]: r for r in b.lake(home, "cdr").to_dicts()}
    assert sorted(rows) == ["late1", "r1", "r13", "r14", "r15", "r2", "r3", "r7"]
    # r1: the later Report time (row 10) won; its Start time is the default 10:00:00.000Z
    assert rows["r1"]["duration_seconds"] == 61 and rows["r1"]["source_row"] == 10
    assert rows["r1"]["report_at"] == b.ts("2026-11-16T11:00:00Z")
    # r2 from the JSON page: number Duration, boolean Answered, space-separated fraction ".5" = 500 ms
    assert (rows["r2"]["duration_seconds"], rows["r2"]["is_answered"]) == (70, True)
    assert rows["r2"]["started_at"] == b.ts("2026-11-16T11:00:00.500Z")
    assert rows["r2"]["source_file"] == "US/cdr/2026-11-17.json" and rows["r2"]["source_row"] == 1
    # r3: +02:00 and +0200 offsets normalised to UTC; the identical JSON copy lost, file 1 keeps it
    assert rows["r3"]["started_at"] == b.ts("2026-11-16T12:00:00Z")
    assert rows["r3"]["report_at"] == b.ts("2026-11-16T10:05:00Z")
    assert (rows["r3"]["source_file"], rows["r3"]["source_row"]) == ("US/cdr/2026-11-16.csv", 3)
    assert rows["r7"]["direction"] == "SIDEWAYS"
    assert len(rows["r13"]["location_name"]) == len(big) == 1_000_000
    # week placement: Sunday 00:00 belongs to the week it starts; 23:59:59.999 on Saturday to W
    assert rows["r14"]["week_ending"] == dt.date(2026, 11, 29)
    assert rows["r15"]["week_ending"] == dt.date(2026, 11, 22)
    assert rows["r15"]["started_at"] == b.ts("2026-11-21T23:59:59.999Z")
    assert rows["late1"]["week_ending"] == dt.date(2026, 11, 15) and rows["late1"]["duration_seconds"] == 30
    # typed defaults of a clean CSV row
    r7 = rows["r7"]
    assert r7["is_answered"] is True and r7["device_mac"] == "6C710D8ABC10" and r7["ring_duration_seconds"] == 5
    assert r7["released_at"] == b.ts("2026-11-16T10:01:05Z") and r7["original_reason"] is None

    q = b.quarantine(home, "cdr")
    assert q.select("source_file", "source_row", "reason").rows() == [
        ("US/cdr/2026-11-16.csv", 4, "invalid number in Duration: 'abc'"),
        ("US/cdr/2026-11-16.csv", 5, "negative Duration: '-5'"),
        ("US/cdr/2026-11-16.csv", 6, "invalid timestamp in Start time: 'yesterday'"),
        ("US/cdr/2026-11-16.csv", 8, "missing Report ID"),
        ("US/cdr/2026-11-16.csv", 9, "missing Org UUID"),
        ("US/cdr/2026-11-16.csv", 11, "invalid boolean in Answered: 'maybe'"),
        ("US/cdr/2026-11-16.csv", 12, "invalid MAC in Device MAC: 'zz'"),
        ("US/cdr/2026-11-16.csv", 16, "malformed row: expected 24 fields, got 3"),
        ("US/cdr/2026-11-17.json", 4, "missing Report ID"),
    ]
    raw = {(r["source_file"], r["source_row"]): r["raw"] for r in q.to_dicts()}
    assert json.loads(raw[("US/cdr/2026-11-16.csv", 4)])["Duration"] == "abc"
    assert json.loads(raw[("US/cdr/2026-11-16.csv", 4)])["Call ID"] == "SSE1@10.0.0.1"  # unknown columns kept in raw
    assert json.loads(raw[("US/cdr/2026-11-16.csv", 16)]) == {"_line": "rX,too,few"}
    assert raw[("US/cdr/2026-11-17.json", 4)] == "5"
    assert set(q.get_column("dataset")) == {"cdr"}
    assert q.schema == pl.Schema({"dataset": pl.String, "source_file": pl.String, "source_row": pl.Int64, "reason": pl.String, "raw": pl.String})


def test_later_runs_replace_or_lose_against_the_lake(landing, home, b):
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2")])
    assert b.counts(b.run(landing, home)["cdr"]) == (2, 2, 0, 0, 0)

    # run 2: r1 again with a later Report time (supersedes the lake row), r2 identical (a duplicate)
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r1", **{"Report time": "2026-11-18T00:00:00Z", "Duration": "99"}), b.cdr("r2")])
    second = b.run(landing, home)["cdr"]
    # read 2 = loaded 1 (r1) + duplicates 1 (r2); the lake's old r1 is replaced
    assert b.counts(second) == (2, 1, 1, 0, 1)
    assert second["files_skipped"] == 1 and second["partitions"] == ["cdr/week_ending=2026-11-22"]
    rows = {r["report_id"]: r for r in b.lake(home, "cdr").to_dicts()}
    assert (rows["r1"]["duration_seconds"], rows["r1"]["source_file"]) == (99, "US/cdr/b.csv")
    assert rows["r2"]["source_file"] == "US/cdr/a.csv"

    # run 3: r1 with an older Report time loses to the lake; the partition is not rewritten
    b.write_csv(landing / "US/cdr/c.csv", b.CDR_HEADER, [b.cdr("r1", **{"Report time": "2026-11-17T00:00:00Z", "Duration": "1"})])
    before = b.tree_bytes(home / "lake/US/cdr")
    third = b.run(landing, home)["cdr"]
    assert b.counts(third) == (1, 0, 1, 0, 0) and third["partitions"] == [] and third["files_skipped"] == 2
    assert b.tree_bytes(home / "lake/US/cdr") == before


def test_equal_report_times_the_file_name_sorting_last_wins(landing, home, b):
    # Same Report ID and Report time, different content: "b.csv" sorts after "a.csv" and wins, even
    # though it is ingested in an earlier run.
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r1", Duration="2")])
    b.run(landing, home)
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1", Duration="1")])
    assert b.counts(b.run(landing, home)["cdr"]) == (1, 0, 1, 0, 0)
    assert b.lake(home, "cdr").select("duration_seconds", "source_file").rows() == [(2, "US/cdr/b.csv")]


def test_header_only_csv_and_empty_page_are_zero_rows(landing, home, b):
    b.write_csv(landing / "US/cdr/empty.csv", b.CDR_HEADER, [])
    b.write_items(landing / "US/cdr/empty.json", [])
    summary = b.run(landing, home)["cdr"]
    assert summary["files_ingested"] == 2 and b.counts(summary) == (0, 0, 0, 0, 0) and summary["partitions"] == []
    # the schema file still makes the dataset readable
    assert pl.read_parquet(home / "lake/US/cdr/_schema/empty.parquet").height == 0


def test_quoted_commas_pass_and_a_short_row_is_caught(landing, home, b):
    # Clean file: values with commas, an escaped quote and a newline inside quotes (all one record each).
    b.write_csv(landing / "US/cdr/clean.csv", b.CDR_HEADER, [
        b.cdr("r1", Location='Richardson, TX "HQ"'), b.cdr("r2", Location="a,b,\nc"),
    ], eol="\n")  # fmt: skip
    # Dirty file: the same kind of quoted commas, plus a record one field short (22 of 23).
    short = b.cdr("r4")
    b.write_csv(landing / "US/cdr/dirty.csv", b.CDR_HEADER, [b.cdr("r3", Location="x, y")], eol="\n")
    with open(landing / "US/cdr/dirty.csv", "a", encoding="utf-8") as handle:
        handle.write(",".join(short[h] for h in b.CDR_HEADER[:-1]) + "\n")
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (4, 3, 0, 1, 0)  # 4 read = 3 loaded + 1 malformed
    assert b.quarantine(home, "cdr").select("source_file", "source_row", "reason").rows() == [
        ("US/cdr/dirty.csv", 2, "malformed row: expected 23 fields, got 22")
    ]
    assert b.lake(home, "cdr").select("report_id", "location_name").rows() == [
        ("r1", 'Richardson, TX "HQ"'), ("r2", "a,b,\nc"), ("r3", "x, y"),
    ]  # fmt: skip
