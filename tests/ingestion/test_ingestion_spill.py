"""Event runs through the spill (ingestion/spill.py): dedupe against lake weeks, bucketed settling of
repeated keys, expression keys on an existing lake week, the partition files DuckDB writes, and the
run's work folder."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pyarrow.parquet as pq
import pytest

import ingestion.run
from ingestion import schemas, spill


def test_a_key_moving_to_another_week_empties_the_old_week(landing, home, b):
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1")])
    b.run(landing, home)
    # Run 2: r1 started on Monday 2026-11-23 (week ending 2026-11-29), reported later -> wins. No row of
    # the run falls in week 2026-11-22: the lake's r1 is found there by its key (SPEC 4, one row per key).
    moved = b.cdr("r1", **{"Start time": "2026-11-23T10:00:00Z", "Report time": "2026-11-24T00:00:00Z"})
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [moved])
    second = b.run(landing, home)["cdr"]
    # read 1 = loaded 1 (moved r1); the lake's r1 (week 2026-11-22) is replaced
    assert b.counts(second) == (1, 1, 0, 0, 1)
    assert second["partitions"] == ["cdr/week_ending=2026-11-22", "cdr/week_ending=2026-11-29"]
    old = home / "lake/US/cdr/week_ending=2026-11-22/data.parquet"
    new = home / "lake/US/cdr/week_ending=2026-11-29/data.parquet"
    # the emptied week is a zero-row file, and both files carry exactly the lake contract's schema
    assert pl.read_parquet(old).height == 0
    assert pl.read_parquet_schema(old) == schemas.schema("cdr") == pl.read_parquet_schema(new)
    assert pl.read_parquet(new).select("report_id", "source_file", "week_ending").rows() == [("r1", "US/cdr/b.csv", dt.date(2026, 11, 29))]


def test_a_key_resent_into_another_week_by_a_later_run_is_held_once(landing, home, b):
    """Weeks 2026-11-15, -22 and -29 in the lake; run 2 re-sends r2 (newer, now started in week
    2026-12-06) and r5 (older report, now in week 2026-11-15), and adds r7 there. The lake ends as one
    full run over all files would leave it: r2 only in the new week, week 2026-11-22 rewritten without
    it (r1, r3 stay in order), r5 still in week 2026-11-29, which is not rewritten."""
    early = {"Start time": "2026-11-10T10:00:00Z", "Report time": "2026-11-10T10:05:00Z"}
    late = {"Start time": "2026-11-24T10:00:00Z", "Report time": "2026-11-24T10:05:00Z"}
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r0", **early), b.cdr("r1"), b.cdr("r2"), b.cdr("r3"), b.cdr("r5", **late)])
    b.run(landing, home, week_ending=dt.date(2026, 11, 29))
    kept = (home / "lake/US/cdr/week_ending=2026-11-29/data.parquet").stat()
    newer = b.cdr("r2", Duration="20", **{"Start time": "2026-12-01T10:00:00Z", "Report time": "2026-12-01T11:00:00Z"})
    older = b.cdr("r5", Duration="30", **{"Start time": "2026-11-11T10:00:00Z", "Report time": "2026-11-11T10:05:00Z"})
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [newer, older, b.cdr("r7", **early)])
    second = b.run(landing, home, week_ending=dt.date(2026, 12, 6))["cdr"]
    # read 3 = loaded 2 (r2 newer, r7) + 1 duplicate (r5: older report than the lake's); 1 replaced (r2 of a.csv)
    assert b.counts(second) == (3, 2, 1, 0, 1)
    assert second["partitions"] == ["cdr/week_ending=2026-11-15", "cdr/week_ending=2026-11-22", "cdr/week_ending=2026-12-06"]
    assert b.lake(home, "cdr").select("week_ending", "report_id", "source_file", "duration_seconds").rows() == [
        (dt.date(2026, 11, 15), "r0", "US/cdr/a.csv", 60),
        (dt.date(2026, 11, 15), "r7", "US/cdr/b.csv", 60),
        (dt.date(2026, 11, 22), "r1", "US/cdr/a.csv", 60),
        (dt.date(2026, 11, 22), "r3", "US/cdr/a.csv", 60),
        (dt.date(2026, 11, 29), "r5", "US/cdr/a.csv", 60),
        (dt.date(2026, 12, 6), "r2", "US/cdr/b.csv", 20),
    ]
    after = (home / "lake/US/cdr/week_ending=2026-11-29/data.parquet").stat()
    assert (after.st_ino, after.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    # a re-run of the same files changes nothing
    assert b.counts(b.run(landing, home, week_ending=dt.date(2026, 12, 6))["cdr"]) == (0, 0, 0, 0, 0)


def test_a_media_session_resent_into_another_week_is_held_once(landing, home, b):
    """Media's key (orgId, localSessionId) holds no time: the file whose name sorts last wins, across weeks too."""

    def media(session, start, jitter):
        window = {"samplingInterval": 60, "startTime": start, "endTime": None, "jitter": [jitter], "latency": [1], "packetLoss": [0]}
        return {"orgId": "org-1", "correlationId": f"c-{session}", "localSessionId": session, "audioIn": [window]}

    b.write_items(landing / "US/media_quality/a.json", [media("ls1", "2026-11-16T10:00:00Z", 5), media("ls2", "2026-11-16T10:00:00Z", 6)])
    b.run(landing, home)
    b.write_items(landing / "US/media_quality/b.json", [media("ls1", "2026-11-23T10:00:00Z", 7)])
    second = b.run(landing, home, week_ending=dt.date(2026, 11, 29))["media_quality"]
    assert b.counts(second) == (1, 1, 0, 0, 1)
    assert b.lake(home, "media_quality").select("week_ending", "local_session_id", "audio_in_jitter_ms").rows() == [
        (dt.date(2026, 11, 22), "ls2", 6.0),
        (dt.date(2026, 11, 29), "ls1", 7.0),
    ]


@pytest.mark.parametrize("bucket_rows", [2, spill.SETTLE_ROWS])
def test_repeated_keys_settle_the_same_in_one_bucket_or_many(landing, home, b, monkeypatch, bucket_rows):
    # 7 rows share a key with another -> ceil(7 / 2) = 4 buckets when a bucket holds 2 rows.
    monkeypatch.setattr(spill, "SETTLE_ROWS", bucket_rows)
    rows = [
        b.cdr("r1", **{"Report time": "2026-11-16T10:05:00Z"}),  # 1
        b.cdr("r1", **{"Report time": "2026-11-16T10:07:00Z"}),  # 2 latest Report time: wins r1
        b.cdr("r1", **{"Report time": "2026-11-16T10:06:00Z"}),  # 3
        b.cdr("r2"),  # 4 kept: the first of two identical copies
        b.cdr("r2"),  # 5 identical to 4: collapses into it
        b.cdr("r3", Duration="10"),  # 6
        b.cdr("r3", Duration="20"),  # 7 same Report time and file as 6: the later row wins
        b.cdr("r4"),  # 8 alone
    ]
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, rows)
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (8, 4, 4, 0, 0)  # 8 read = 4 loaded (r1..r4) + 4 duplicates (rows 1, 3, 5, 6)
    lake = b.lake(home, "cdr").select("report_id", "source_row", "duration_seconds")
    assert lake.rows() == [("r1", 2, 60), ("r2", 4, 60), ("r3", 7, 20), ("r4", 8, 60)]


def test_expression_key_dedupes_against_an_existing_lake_week(landing, home, b):
    def p(email, left, file_order=None):
        return {"orgId": "org-1", "meetingId": "meet-1", "email": email, "host": True,
                "joinedTime": "2026-11-17T09:00:00Z", "leftTime": left}  # fmt: skip

    b.write_items(landing / "US/meeting_participants/a.json", [p("ÄNN@Example.com", "2026-11-17T10:00:00Z"), p("zed@example.com", "2026-11-17T10:00:00Z")])
    b.run(landing, home)
    # Run 2: the same participant, e-mail in another case (polars lower-cases Ä to ä: same key);
    # no time decides, so the file whose name sorts last ("b.json") wins and replaces the lake row.
    b.write_items(landing / "US/meeting_participants/b.json", [p("änn@example.com", "2026-11-17T10:30:00Z"), p("bob@example.com", "2026-11-17T10:00:00Z")])
    second = b.run(landing, home)["meeting_participants"]
    assert b.counts(second) == (2, 2, 0, 0, 1)  # read 2 = loaded 2 + 0 + 0; 1 lake row replaced
    # lake order of events: lineage (file, row), then key: a.json's zed, then b.json's änn and bob
    assert b.lake(home, "meeting_participants").select("email", "left_at", "source_file").rows() == [
        ("zed@example.com", b.ts("2026-11-17T10:00:00Z"), "US/meeting_participants/a.json"),
        ("änn@example.com", b.ts("2026-11-17T10:30:00Z"), "US/meeting_participants/b.json"),
        ("bob@example.com", b.ts("2026-11-17T10:00:00Z"), "US/meeting_participants/b.json"),
    ]


def test_the_work_folder_is_gone_after_success_and_after_failure(landing, home, b):
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r1")])
    assert b.counts(b.run(landing, home)["cdr"]) == (2, 1, 1, 0, 0)  # 2 read = 1 loaded + 1 duplicate
    assert [p.name for p in (home / "lake/US").iterdir() if p.name.startswith(".")] == []

    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r2")])
    b.write_bytes(landing / "US/people/2026-11-22.json", b'{"items": [')  # fails after cdr was spilled
    before = b.tree_bytes(home / "lake")
    with pytest.raises(Exception, match="2026-11-22.json"):
        b.run(landing, home)
    assert [p.name for p in (home / "lake/US").iterdir() if p.name.startswith(".")] == []
    assert b.tree_bytes(home / "lake") == before


@pytest.mark.parametrize("row_group", [1, spill.STREAM_ROW_GROUP])
def test_a_new_week_is_written_in_lineage_order_without_its_losers(landing, home, b, monkeypatch, row_group):
    # Keys out of order across three files; r2 is re-reported in c.csv (later Report time: wins) and
    # r5 appears twice in b.csv (identical copy: collapses). The week is new to the lake, so the spill
    # path streams it (row groups of `row_group` rows) and the in-memory path sorts it: same rows.
    monkeypatch.setattr(spill, "STREAM_ROW_GROUP", row_group)
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r9"), b.cdr("r2"), b.cdr("r4")])
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r5"), b.cdr("r1"), b.cdr("r5")])
    b.write_csv(landing / "US/cdr/c.csv", b.CDR_HEADER, [b.cdr("r2", **{"Report time": "2026-11-17T00:00:00Z"}), b.cdr("r0")])
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (8, 6, 2, 0, 0)  # 8 read = 6 loaded + 2 duplicates (a.csv's r2, b.csv's 2nd r5)
    assert b.lake(home, "cdr").select("report_id", "source_file", "source_row").rows() == [
        ("r9", "US/cdr/a.csv", 1),
        ("r4", "US/cdr/a.csv", 3),
        ("r5", "US/cdr/b.csv", 1),
        ("r1", "US/cdr/b.csv", 2),
        ("r2", "US/cdr/c.csv", 1),
        ("r0", "US/cdr/c.csv", 2),
    ]
    part = home / "lake/US/cdr/week_ending=2026-11-22/data.parquet"
    assert pl.read_parquet_schema(part) == schemas.schema("cdr")


def test_the_lake_week_a_late_row_reopens_counts_against_the_memory_budget(landing, home, b, monkeypatch, event_ingestion_path):
    """Steady state (SPEC 13): a late CDR of last week reopens last week's whole partition. The in-memory
    dedupe would read it whole, so its rows count with the run's own: 1 new + 3 in the lake > 3 spills."""
    import ingestion.run

    spills = []

    class CountedSpill(ingestion.run.EventSpill):
        def __init__(self, spec, *args, **kwargs):
            spills.append(spec.name)
            super().__init__(spec, *args, **kwargs)

    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2"), b.cdr("r3")])
    monkeypatch.setattr(ingestion.run, "IN_MEMORY_ROWS", 3 if event_ingestion_path == "in_memory" else 0)
    monkeypatch.setattr(ingestion.run, "EventSpill", CountedSpill)
    assert b.counts(b.run(landing, home)["cdr"]) == (3, 3, 0, 0, 0)
    assert spills == ([] if event_ingestion_path == "in_memory" else ["cdr"])  # 3 rows, 3 allowed: in memory
    spills.clear()
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r4", Duration="30"), b.cdr("r2")])
    second = b.run(landing, home)["cdr"]
    assert spills == ["cdr"]  # 2 new rows + 3 of the reopened week > 3: spilled on both paths
    assert b.counts(second) == (2, 1, 1, 0, 0)  # read 2 = loaded 1 (r4) + 1 duplicate (r2 again)
    assert b.lake(home, "cdr").select("report_id", "source_file", "duration_seconds").rows() == [
        ("r1", "US/cdr/a.csv", 60),
        ("r2", "US/cdr/a.csv", 60),
        ("r3", "US/cdr/a.csv", 60),
        ("r4", "US/cdr/b.csv", 30),
    ]


def test_a_lake_week_holding_a_resent_key_counts_against_the_memory_budget(landing, home, b, monkeypatch):
    """The week a re-sent key was loaded into is read whole by the in-memory dedupe, like a reopened week:
    1 new row (week 2026-11-29) + the 3 rows of week 2026-11-22 holding its key > 3 -> spilled."""
    spills = []

    class CountedSpill(ingestion.run.EventSpill):
        def __init__(self, spec, *args, **kwargs):
            spills.append(spec.name)
            super().__init__(spec, *args, **kwargs)

    monkeypatch.setattr(ingestion.run, "IN_MEMORY_ROWS", 3)
    monkeypatch.setattr(ingestion.run, "EventSpill", CountedSpill)
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2"), b.cdr("r3")])
    b.run(landing, home)
    assert spills == []
    moved = b.cdr("r2", **{"Start time": "2026-11-23T10:00:00Z", "Report time": "2026-11-24T00:00:00Z"})
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [moved])
    assert b.counts(b.run(landing, home, week_ending=dt.date(2026, 11, 29))["cdr"]) == (1, 1, 0, 0, 1)
    assert spills == ["cdr"]
    assert b.lake(home, "cdr").select("week_ending", "report_id").rows() == [
        (dt.date(2026, 11, 22), "r1"),
        (dt.date(2026, 11, 22), "r3"),
        (dt.date(2026, 11, 29), "r2"),
    ]


def _files(home, week="2026-11-22"):
    folder = home / f"lake/US/cdr/week_ending={week}"
    return {f.name: pl.read_parquet(f).get_column("report_id").to_list() for f in sorted(folder.iterdir())}


def test_late_rows_that_supersede_nothing_are_added_beside_the_week_it_holds(landing, home, b, event_ingestion_path):
    """SPEC 13, cost follows the new data: last week's late CDRs are written as a file of their own
    (`added-<n>.parquet`); the week's file is neither read whole nor rewritten."""
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2"), b.cdr("r3")])
    b.run(landing, home)
    week = home / "lake/US/cdr/week_ending=2026-11-22"
    first = (week / "data.parquet").stat()
    # r4, r5 late; r2 an identical copy (a duplicate: it loses, so it supersedes nothing)
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r5"), b.cdr("r2"), b.cdr("r4")])
    second = b.run(landing, home)["cdr"]
    assert b.counts(second) == (3, 2, 1, 0, 0) and second["partitions"] == ["cdr/week_ending=2026-11-22"]
    assert _files(home) == {"added-0001.parquet": ["r5", "r4"], "data.parquet": ["r1", "r2", "r3"]}  # source order
    after = (week / "data.parquet").stat()
    assert (after.st_ino, after.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)  # not rewritten
    assert pl.read_parquet_schema(week / "added-0001.parquet") == schemas.schema("cdr")
    # another late file: the next number; a re-run finds everything ingested and adds nothing
    b.write_csv(landing / "US/cdr/c.csv", b.CDR_HEADER, [b.cdr("r6"), b.cdr("r4")])
    assert b.counts(b.run(landing, home)["cdr"]) == (2, 1, 1, 0, 0)
    assert b.counts(b.run(landing, home)["cdr"]) == (0, 0, 0, 0, 0)
    assert _files(home) == {"added-0001.parquet": ["r5", "r4"], "added-0002.parquet": ["r6"], "data.parquet": ["r1", "r2", "r3"]}
    assert b.lake(home, "cdr").get_column("report_id").to_list() == ["r1", "r2", "r3", "r5", "r4", "r6"]


def test_a_late_row_that_supersedes_one_the_week_holds_rewrites_the_week_whole(landing, home, b, event_ingestion_path):
    """A row of any file of the week (here one added earlier) replaced by a newer report: the week is
    rewritten into data.parquet in lake order and its added files are removed, so no key is held twice."""
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2")])
    b.run(landing, home)
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r3", Duration="10")])
    b.run(landing, home)
    assert _files(home) == {"added-0001.parquet": ["r3"], "data.parquet": ["r1", "r2"]}
    newer = b.cdr("r3", Duration="20", **{"Report time": "2026-11-16T11:00:00.000Z"})
    b.write_csv(landing / "US/cdr/c.csv", b.CDR_HEADER, [newer, b.cdr("r4")])
    third = b.run(landing, home)["cdr"]
    assert b.counts(third) == (2, 2, 0, 0, 1)  # r3 of b.csv replaced
    assert _files(home) == {"data.parquet": ["r1", "r2", "r3", "r4"]}
    assert b.lake(home, "cdr").select("report_id", "source_file", "duration_seconds").rows() == [
        ("r1", "US/cdr/a.csv", 60),
        ("r2", "US/cdr/a.csv", 60),
        ("r3", "US/cdr/c.csv", 20),
        ("r4", "US/cdr/c.csv", 60),
    ]


def test_a_failed_commit_that_removes_added_files_puts_them_back(landing, home, b, monkeypatch):
    """The commit journal backs up the added files a rewrite removes: a failure after the move restores
    them and the old data.parquet, and the re-run does the rewrite once."""
    from ingestion import lake

    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1")])
    b.run(landing, home)
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r2")])
    b.run(landing, home)
    before = _files(home)
    assert before == {"added-0001.parquet": ["r2"], "data.parquet": ["r1"]}
    b.write_csv(landing / "US/cdr/c.csv", b.CDR_HEADER, [b.cdr("r2", Duration="5", **{"Report time": "2026-11-16T12:00:00.000Z"})])

    def fail(point):
        if point == "moved":
            raise OSError("disk gone")

    monkeypatch.setattr(lake, "_fault_point", fail)
    with pytest.raises(OSError, match="disk gone"):
        b.run(landing, home)
    assert _files(home) == before  # rolled back: nothing removed, nothing replaced, no backup left
    monkeypatch.setattr(lake, "_fault_point", lambda point: None)
    assert b.counts(b.run(landing, home)["cdr"]) == (1, 1, 0, 0, 1)
    assert _files(home) == {"data.parquet": ["r1", "r2"]}
    assert b.lake(home, "cdr").get_column("duration_seconds").to_list() == [60, 5]


@pytest.mark.parametrize("late_name, streamed", [("z.csv", True), ("0.csv", False)])
def test_a_reopened_week_is_streamed_when_late_files_sort_after_it_else_sorted(landing, home, b, monkeypatch, late_name, streamed):
    """Spill path, a late row replacing one of last week's: the week is rewritten in lake order (lineage)
    either way; without a sort when the late file's name sorts after every file the week holds."""
    monkeypatch.setattr(ingestion.run, "IN_MEMORY_ROWS", 0)
    calls = []
    real = spill.EventSpill._stream_week
    monkeypatch.setattr(
        spill.EventSpill, "_stream_week", lambda self, week, target, old_first=False: calls.append(old_first) or real(self, week, target, old_first)
    )
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2")])
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r3")])
    b.run(landing, home)
    calls.clear()
    newer = b.cdr("r2", Duration="7", **{"Report time": "2026-11-16T11:00:00.000Z"})
    b.write_csv(landing / f"US/cdr/{late_name}", b.CDR_HEADER, [b.cdr("r9"), newer])
    assert b.counts(b.run(landing, home)["cdr"]) == (2, 2, 0, 0, 1)
    assert calls == ([True] if streamed else [])
    late = f"US/cdr/{late_name}"
    expected = [("r1", "US/cdr/a.csv", 60), ("r3", "US/cdr/b.csv", 60), ("r9", late, 60), ("r2", late, 7)]
    if not streamed:  # 0.csv sorts first
        expected = [expected[2], expected[3], expected[0], expected[1]]
    assert b.lake(home, "cdr").select("report_id", "source_file", "duration_seconds").rows() == expected
    assert _files(home) == {"data.parquet": [r[0] for r in expected]}


def test_a_partitions_files_are_data_then_added_files_by_number(tmp_path):
    """pa_base.paths.partition_files: numeric order (added-0010 after added-0009), nothing else listed;
    append_file names the next one."""
    from ingestion.lake import append_file
    from pa_base.paths import partition_files

    week = tmp_path / "cdr/week_ending=2026-11-22"
    week.mkdir(parents=True)
    for name in ["added-0010.parquet", "data.parquet", "added-0009.parquet", "added-x.parquet", "data.parquet.tmp-ab", "notes.txt"]:
        (week / name).write_bytes(b"")
    assert [f.name for f in partition_files(week)] == ["data.parquet", "added-0009.parquet", "added-0010.parquet"]
    assert append_file(tmp_path, "cdr/week_ending=2026-11-22").name == "added-0011.parquet"
    assert partition_files(tmp_path / "cdr/week_ending=2026-11-29") == []


def test_a_lake_file_is_read_a_row_group_at_a_time_without_its_lost_rows(tmp_path):
    """spill._row_groups: row groups of 2, 2 and 1 rows (file rows 0-4); rows 1, 2 and 4 lost -> row 0
    from the first group, row 3 from the second, nothing from the last, each group on its own."""
    import pyarrow as pa

    path = tmp_path / "week.parquet"
    pq.write_table(pa.table({"v": ["a", "b", "c", "d", "e"], "n": [0, 1, 2, 3, 4]}), path, row_group_size=2)
    assert pq.ParquetFile(path).num_row_groups == 3
    groups = list(spill._row_groups(path, ["v"], [4, 1, 2]))
    assert [g.get_column("v").to_list() for g in groups] == [["a"], ["d"], []]
    assert [g.columns for g in groups] == [["v"], ["v"], ["v"]]
    assert [g.get_column("v").to_list() for g in spill._row_groups(path, ["v"], [])] == [["a", "b"], ["c", "d"], ["e"]]


@pytest.mark.parametrize("row_group, before, after", [(1, [1] * 5, [1] * 6), (2, [2, 2, 1], [2, 2, 2])])
def test_a_reopened_week_of_many_row_groups_loses_the_replaced_rows_of_each(landing, home, b, monkeypatch, row_group, before, after):
    """Spill path, row groups of 1 or 2 rows: last week's file holds r1-r5; a late file replaces r5 and r2
    (in different row groups) and adds r9. The week is rewritten old rows first, a row group at a time
    (the writer thread behind), then the late file's rows in source order; every row group but the last
    is full again (2 rows: r1 r3 | r4 r5' | r9 r2', though r2 and r5 left holes in the old groups)."""
    monkeypatch.setattr(ingestion.run, "IN_MEMORY_ROWS", 0)
    monkeypatch.setattr(spill, "STREAM_ROW_GROUP", row_group)
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1"), b.cdr("r2"), b.cdr("r3")])
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r4"), b.cdr("r5")])
    b.run(landing, home)
    week = home / "lake/US/cdr/week_ending=2026-11-22/data.parquet"
    assert _row_group_sizes(week) == before
    late = [
        b.cdr("r5", Duration="7", **{"Report time": "2026-11-16T11:00:00.000Z"}),
        b.cdr("r9"),
        b.cdr("r2", Duration="8", **{"Report time": "2026-11-16T11:00:00.000Z"}),
    ]
    b.write_csv(landing / "US/cdr/z.csv", b.CDR_HEADER, late)
    assert b.counts(b.run(landing, home)["cdr"]) == (3, 3, 0, 0, 2)  # 3 read, 3 loaded, 2 lake rows replaced
    assert b.lake(home, "cdr").select("report_id", "source_file", "duration_seconds").rows() == [
        ("r1", "US/cdr/a.csv", 60),
        ("r3", "US/cdr/a.csv", 60),
        ("r4", "US/cdr/b.csv", 60),
        ("r5", "US/cdr/z.csv", 7),
        ("r9", "US/cdr/z.csv", 60),
        ("r2", "US/cdr/z.csv", 8),
    ]
    assert _row_group_sizes(week) == after


def _row_group_sizes(path):
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
