"""media_quality, call_queue_stats and meeting_participants: typing, nested arrays, checks, dedupe."""

from __future__ import annotations

import datetime as dt


def interval(start, end, jitter, latency, loss):
    return {"samplingInterval": 60, "startTime": start, "endTime": end, "jitter": jitter, "latency": latency, "packetLoss": loss}


def media(session, org="org-1", **arrays):
    return {"orgId": org, "correlationId": f"c-{session}", "localSessionId": session, "extra": {"ignored": True}, **arrays}


def test_media_quality_reduced_to_means_with_nested_checks(landing, home, b):
    clean = media(
        "ls1",
        audioIn=[
            interval("2026-11-16T10:00:00Z", "2026-11-16T10:01:00Z", [10, 20], [100, 200], [0, 1]),
            interval("2026-11-16T10:01:00Z", "2026-11-16T10:02:00Z", [30], [300], [2]),
        ],
        audioOut=[interval("2026-11-16T09:59:30Z", "2026-11-16T10:00:30Z", [5], [50], [0.5])],
        videoIn=[],
    )
    ok = interval("2026-11-16T10:00:00Z", "2026-11-16T10:01:00Z", [1], [1], [0])
    items = [
        clean,  # 1
        media("ls2", audioIn=[ok, interval("2026-11-16T10:01:00Z", None, [1, 2, 3], [1, 2], [0, 0, 0])]),  # 2
        media("ls3", videoOut=[interval("2026-11-16T10:00:00Z", None, [float("nan")], [1], [0])]),  # 3 NaN jitter
        media("ls4", audioIn=[interval("2026-11-16T10:00:00Z", None, [1], [1], [150])]),  # 4
        media("ls5", audioIn=[interval(None, "2026-11-16T10:01:00Z", [1], [1], [0])]),  # 5 nothing places it in time
        media("ls6", org=None, audioIn=[ok]),  # 6
        dict(clean),  # 7 identical copy of 1
        media("ls8", audioIn=[ok], audioOut=[interval("2026-11-16T10:00:00Z", None, [1], [-1], [0])]),  # 8
        media("ls9", audioIn=[interval("soon", None, [1], [1], [0])]),  # 9
    ]
    b.write_items(landing / "US/media_quality/page-1.json", items)
    summary = b.run(landing, home)["media_quality"]
    # read 9 = loaded 1 (ls1) + duplicates 1 (item 7) + quarantined 7 (items 2-6, 8, 9)
    assert b.counts(summary) == (9, 1, 1, 7, 0)
    assert summary["partitions"] == ["media_quality/week_ending=2026-11-22"]
    assert b.quarantine(home, "media_quality").select("source_row", "reason").rows() == [
        (2, "unequal sample arrays in audioIn[1]: jitter 3, latency 2, packetLoss 3"),
        (3, "invalid number in jitter: 'NaN'"),
        (4, "out of range packetLoss: '150'"),
        (5, "missing startTime"),
        (6, "missing orgId"),
        (8, "negative latency: '-1'"),
        (9, "invalid timestamp in startTime: 'soon'"),
    ]
    assert summary["quarantine_reasons"] == {
        "invalid number in jitter": 1,
        "invalid timestamp in startTime": 1,
        "missing orgId": 1,
        "missing startTime": 1,
        "negative latency": 1,
        "out of range packetLoss": 1,
        "unequal sample arrays in audioIn": 1,
    }
    [row] = b.lake(home, "media_quality").to_dicts()
    # audioIn: jitter (10+20+30)/3 = 20, latency (100+200+300)/3 = 200, loss (0+1+2)/3 = 1, 2+1 = 3 samples
    assert (row["audio_in_jitter_ms"], row["audio_in_latency_ms"], row["audio_in_packet_loss_pct"]) == (20.0, 200.0, 1.0)
    assert row["audio_in_sample_count"] == 3
    assert (row["audio_out_jitter_ms"], row["audio_out_latency_ms"], row["audio_out_packet_loss_pct"], row["audio_out_sample_count"]) == (5.0, 50.0, 0.5, 1)
    assert row["video_in_jitter_ms"] is None and row["video_in_sample_count"] == 0 and row["video_out_sample_count"] == 0
    # earliest start over all arrays (audioOut 09:59:30), latest end (audioIn 10:02)
    assert row["started_at"] == b.ts("2026-11-16T09:59:30Z") and row["ended_at"] == b.ts("2026-11-16T10:02:00Z")
    assert (row["org_id"], row["correlation_id"], row["local_session_id"], row["source_row"]) == ("org-1", "c-ls1", "ls1", 1)
    assert row["week_ending"] == dt.date(2026, 11, 22)


def test_call_queue_stats_checks_and_dedupe(landing, home, b):
    def q(date, total, answered, abandoned="2", asa="12.5", queue="q1"):
        return {"Org ID": "org-1", "Location ID": "loc-1", "Location": "Zurich", "Queue ID": queue, "Queue Name": "Sales",
                "Date": date, "Total Calls": total, "Answered Calls": answered, "Abandoned Calls": abandoned,
                "Overflowed Calls - Busy": "1", "Overflowed Calls - Timeout": "0", "Transferred Calls": "1",
                "Average Speed of Answer (s)": asa, "Average Abandon Time (s)": "30.25"}  # fmt: skip

    rows = [
        q("2026-11-16", "10", "8"),  # 1 superseded by row 5
        q("2026-11-17", "3", "5"),  # 2
        q("2026-11-18", "4", "2", abandoned="-1"),  # 3
        q("16/11/2026", "4", "2"),  # 4
        q("2026-11-16", "11", "9"),  # 5 same (Org ID, Queue ID, Date) as row 1, later row wins
        q("2026-11-22", "1", "1"),  # 6 a Sunday: next week
        q("2026-11-19", "1", "1", asa="NaN"),  # 7
    ]
    b.write_csv(landing / "US/call_queue_stats/2026-11-22.csv", b.QUEUE_HEADER, rows, eol="\n")
    summary = b.run(landing, home)["call_queue_stats"]
    assert b.counts(summary) == (7, 2, 1, 4, 0)  # 7 = 2 + 1 + 4
    assert b.quarantine(home, "call_queue_stats").select("source_row", "reason").rows() == [
        (2, "answered calls exceed total calls: 5 > 3"),
        (3, "negative Abandoned Calls: '-1'"),
        (4, "invalid date in Date: '16/11/2026'"),
        (7, "invalid number in Average Speed of Answer (s): 'NaN'"),
    ]
    lake = b.lake(home, "call_queue_stats")
    assert lake.select("stats_date", "total_calls", "answered_calls", "week_ending", "source_row").rows() == [
        (dt.date(2026, 11, 16), 11, 9, dt.date(2026, 11, 22), 5),
        (dt.date(2026, 11, 22), 1, 1, dt.date(2026, 11, 29), 6),
    ]
    first = lake.row(0, named=True)
    assert (first["abandoned_calls"], first["overflowed_busy_calls"], first["overflowed_timeout_calls"], first["transferred_calls"]) == (2, 1, 0, 1)
    assert (first["average_speed_of_answer_seconds"], first["average_abandon_time_seconds"]) == (12.5, 30.25)
    assert (first["org_id"], first["location_id"], first["location_name"], first["queue_id"], first["queue_name"]) == (
        "org-1",
        "loc-1",
        "Zurich",
        "q1",
        "Sales",
    )


def test_meeting_participants_dedupe_on_lower_email(landing, home, b):
    def p(email, joined="2026-11-17T09:00:00Z", left="2026-11-17T10:00:00Z", host=True):
        return {"orgId": "org-1", "meetingId": "meet-1", "email": email, "host": host, "joinedTime": joined, "leftTime": left}

    items = [
        p("Ann@Example.com"),  # 1 superseded by 2 (same key once lower-cased)
        p("ann@example.com", left="2026-11-17T10:30:00Z"),  # 2
        p(None),  # 3
        p("bob@example.com", joined="2026-11-17T11:00:00+01:00", host="false"),  # 4 10:00 UTC
        p("eve@example.com", host="yes"),  # 5
    ]
    b.write_items(landing / "US/meeting_participants/m.json", items)
    summary = b.run(landing, home)["meeting_participants"]
    assert b.counts(summary) == (5, 2, 1, 2, 0)  # 5 = 2 + 1 + 2
    assert summary["quarantine_reasons"] == {"invalid boolean in host": 1, "missing email": 1}
    assert b.lake(home, "meeting_participants").select("email", "is_host", "joined_at", "left_at", "source_row").rows() == [
        ("ann@example.com", True, b.ts("2026-11-17T09:00:00Z"), b.ts("2026-11-17T10:30:00Z"), 2),
        ("bob@example.com", False, b.ts("2026-11-17T10:00:00Z"), b.ts("2026-11-17T10:00:00Z"), 4),
    ]


def test_a_stream_mean_does_not_depend_on_the_order_of_its_samples(landing, home, b):
    """A floating-point sum depends on its order: the lake's means are taken over each stream's samples in
    ascending order, so the same samples always give the same bits (before, two ingests of the same
    generated file differed in the last bit of 42 of 7,190 rows: a mean on a threshold could flip a flag).
    40 jitter samples, and the same 40 shuffled: polars' mean of the two orders differs in the last bit."""
    import random

    rng = random.Random(23)
    jitter = [round(rng.uniform(0, 400), 1) for _ in range(40)]
    shuffled = jitter[:]
    rng.shuffle(shuffled)
    ones = [1] * 40

    def leg(name, samples):
        return media(name, audioIn=[interval("2026-11-16T10:00:00Z", "2026-11-16T10:01:00Z", samples, ones, ones)])

    b.write_items(landing / "US/media_quality/a.json", [leg("given", jitter), leg("shuffled", shuffled)])
    b.run(landing, home)
    means = dict(b.lake(home, "media_quality").select("local_session_id", "audio_in_jitter_ms").rows())
    assert means["given"] == means["shuffled"]
    assert abs(means["given"] - sum(jitter) / 40) < 1e-9
