"""Event datasets (cdr, media_quality, call_queue_stats, meeting_participants): one lake row per
source record, partitioned by the UTC week of the record's own time."""

from __future__ import annotations

import polars as pl

from ingestion.datasets import DatasetSpec, Field, FileContext
from ingestion.parsing import Checks, parse_float, parse_timestamp, show, week_ending_of
from ingestion.readers import src


def _week_of(column: str):
    return lambda ctx: week_ending_of(pl.col(column))


# ------------------------------------------------------------------------------------------------ CDR


def _cdr_rules(checks: Checks, ctx: FileContext) -> None:
    checks.negative("Duration", pl.col(src("Duration")), pl.col("duration_seconds"))
    checks.negative("Ring duration", pl.col(src("Ring duration")), pl.col("ring_duration_seconds"))


CDR = DatasetSpec(
    name="cdr",
    kind="event",
    formats=(".csv", ".json"),
    fields=[
        Field("Report ID", "report_id"),
        Field("Report time", "report_at", "timestamp"),
        Field("Org UUID", "org_id", "id"),
        Field("Correlation ID", "correlation_id"),
        Field("Local SessionID", "local_session_id"),
        Field("Start time", "started_at", "timestamp"),
        Field("Answer time", "answered_at", "timestamp"),
        Field("Release time", "released_at", "timestamp"),
        Field("Duration", "duration_seconds", "integer"),
        Field("Ring duration", "ring_duration_seconds", "integer"),
        Field("Direction", "direction"),
        Field("Answered", "is_answered", "boolean"),
        Field("Call type", "call_type"),
        Field("Client type", "client_type"),
        Field("Device MAC", "device_mac", "MAC"),
        Field("Model", "device_model"),
        Field("Location", "location_name"),
        Field("User UUID", "user_id", "id"),
        Field("User type", "user_type"),
        Field("Original reason", "original_reason"),
        Field("Redirect reason", "redirect_reason"),
        Field("Related reason", "related_reason"),
        Field("Call outcome", "call_outcome"),
    ],
    time="report_at",
    placed_by="started_at",
    rules=_cdr_rules,
    derive={"week_ending": _week_of("started_at")},
)

# ------------------------------------------------------------------------------------------ media

STREAMS = (("audioIn", "audio_in"), ("audioOut", "audio_out"), ("videoIn", "video_in"), ("videoOut", "video_out"))
METRICS = (("jitter", "jitter_ms"), ("latency", "latency_ms"), ("packetLoss", "packet_loss_pct"))
INTERVALS = '[{"startTime": "VARCHAR", "endTime": "VARCHAR", "jitter": ["VARCHAR"], "latency": ["VARCHAR"], "packetLoss": ["VARCHAR"]}]'
_PROBLEM = {"_mq_key": pl.String, "_mq_value": pl.String, "_mq_reason": pl.String}


def _media_intervals(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per interval of every media array: (_leg, _array, _interval, startTime, endTime, metric lists)."""
    parts = []
    for order, (name, _) in enumerate(STREAMS):
        # Each element's position comes exploded alongside it (a window count per leg costs far more).
        part = (
            frame.select("_leg", pl.col(src(name)).alias("_iv"), pl.int_ranges(pl.col(src(name)).list.len()).alias("_interval"))
            .filter(pl.col("_iv").list.len() > 0)
            .explode("_iv", "_interval")
            .with_columns(pl.lit(order).alias("_array"))
            .filter(pl.col("_iv").is_not_null())
            .unnest("_iv")
        )
        parts.append(part)
    intervals = pl.concat(parts, how="vertical")
    lengths = {m: pl.col(m).list.len().fill_null(0) for m, _ in METRICS}
    return intervals.with_columns(
        parse_timestamp(pl.col("startTime")).alias("_start"),
        parse_timestamp(pl.col("endTime")).alias("_end"),
        *[expr.alias(f"_n_{m}") for m, expr in lengths.items()],
    )


def _media_samples(intervals: pl.DataFrame) -> pl.DataFrame:
    """One row per sample: (_leg, _array, _interval, _metric, _sample, raw text, parsed value)."""
    parts = []
    for order, (metric, _) in enumerate(METRICS):
        parts.append(
            intervals.select(
                "_leg",
                "_array",
                "_interval",
                pl.lit(order).alias("_metric"),
                pl.col(metric).alias("_raw_value"),
                pl.int_ranges(pl.col(metric).list.len()).alias("_sample"),
            )
            .filter(pl.col("_raw_value").list.len() > 0)
            .explode("_raw_value", "_sample")
        )
    samples = pl.concat(parts, how="vertical")
    return samples.with_columns(parse_float(pl.col("_raw_value")).alias("_value"))


def _media_problems(intervals: pl.DataFrame, samples: pl.DataFrame) -> pl.DataFrame:
    """The first problem of each leg's nested arrays (in array, interval, check, metric, sample order)."""
    array_name = pl.col("_array").replace_strict({i: n for i, (n, _) in enumerate(STREAMS)}, return_dtype=pl.String)
    metric_name = pl.col("_metric").replace_strict({i: n for i, (n, _) in enumerate(METRICS)}, return_dtype=pl.String)
    order = ["_leg", "_array", "_interval", "_rank", "_metric", "_sample"]

    def problem(frame: pl.DataFrame, bad: pl.Expr, rank: int, key: pl.Expr, value: pl.Expr, reason: pl.Expr) -> pl.DataFrame:
        picked = frame.filter(bad)
        if "_metric" not in picked.columns:
            picked = picked.with_columns(pl.lit(0).alias("_metric"), pl.lit(0).alias("_sample"))
        return picked.select(
            "_leg",
            "_array",
            "_interval",
            pl.lit(rank).alias("_rank"),
            pl.col("_metric").cast(pl.Int32),
            pl.col("_sample").cast(pl.UInt32),
            key.cast(pl.String).alias("_mq_key"),
            value.cast(pl.String).alias("_mq_value"),
            reason.cast(pl.String).alias("_mq_reason"),
        ).with_columns(pl.col("_array").cast(pl.Int32), pl.col("_interval").cast(pl.UInt32))

    none = pl.lit(None, dtype=pl.String)
    lens = [pl.col(f"_n_{m}") for m, _ in METRICS]
    unequal_reason = pl.format("unequal sample arrays in {}[{}]: jitter {}, latency {}, packetLoss {}", array_name, pl.col("_interval"), *lens)
    value = pl.col("_value")
    found = [
        problem(
            intervals, pl.col("startTime").is_not_null() & pl.col("_start").is_null(), 0, pl.lit("invalid timestamp in startTime"), pl.col("startTime"), none
        ),
        problem(intervals, pl.col("endTime").is_not_null() & pl.col("_end").is_null(), 1, pl.lit("invalid timestamp in endTime"), pl.col("endTime"), none),
        problem(intervals, (lens[0] != lens[1]) | (lens[1] != lens[2]), 2, pl.format("unequal sample arrays in {}", array_name), none, unequal_reason),
        problem(samples, value.is_null(), 3, pl.format("invalid number in {}", metric_name), pl.col("_raw_value"), none),
        problem(samples, (value < 0) & (pl.col("_metric") < 2), 4, pl.format("negative {}", metric_name), pl.col("_raw_value"), none),
        problem(samples, ((value < 0) | (value > 100)) & (pl.col("_metric") == 2), 4, pl.lit("out of range packetLoss"), pl.col("_raw_value"), none),
    ]
    return pl.concat(found, how="vertical").sort(order).group_by("_leg", maintain_order=True).first().select("_leg", *_PROBLEM)


def _media_prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Reduce each leg's interval arrays to the lake's per-stream means, counts and time span."""
    frame = frame.with_row_index("_leg")
    intervals = _media_intervals(frame)
    samples = _media_samples(intervals)
    problems = _media_problems(intervals, samples)
    spans = intervals.group_by("_leg").agg(pl.col("_start").min().alias("started_at"), pl.col("_end").max().alias("ended_at"))
    # each mean over its samples in ascending order: a float sum depends on its order, and the order the
    # samples reach a group is not fixed from one run to the next (same file, last-bit differences)
    means = samples.group_by("_leg").agg(
        pl.col("_value").filter((pl.col("_array") == a) & (pl.col("_metric") == m)).sort().mean().alias(f"{stream}_{column}")
        for a, (_, stream) in enumerate(STREAMS)
        for m, (_, column) in enumerate(METRICS)
    )
    widest = pl.max_horizontal(*[pl.col(f"_n_{m}") for m, _ in METRICS])
    counts = intervals.group_by("_leg").agg(widest.filter(pl.col("_array") == a).sum().alias(f"{stream}_sample_count") for a, (_, stream) in enumerate(STREAMS))
    out = frame.join(spans, on="_leg", how="left").join(means, on="_leg", how="left").join(counts, on="_leg", how="left")
    out = out.join(problems, on="_leg", how="left")
    return out.with_columns(pl.col(f"{s}_sample_count").fill_null(0) for _, s in STREAMS).sort("_leg")


def _media_rules(checks: Checks, ctx: FileContext) -> None:
    checks.rule(
        pl.col("_mq_key").is_not_null(),
        "nested media problem",  # per row via key_of: the key names the array or metric
        [pl.col("_mq_key"), pl.col("_mq_value"), pl.col("_mq_reason")],
        lambda key, value, reason: reason if reason is not None else f"{key}: {show(value)}",
        key_of=lambda key, value, reason: key,
    )
    checks.missing("startTime", pl.col("started_at"))


MEDIA_QUALITY = DatasetSpec(
    name="media_quality",
    kind="event",
    formats=(".json",),
    fields=[Field("orgId", "org_id", "id"), Field("correlationId", "correlation_id"), Field("localSessionId", "local_session_id")],
    placed_by="started_at",
    arrays={name: INTERVALS for name, _ in STREAMS},
    prepare=_media_prepare,
    rules=_media_rules,
    required_otherwise=("started_at",),  # startTime is nested: _media_rules checks it
    derive={"week_ending": _week_of("started_at")},
)

# ------------------------------------------------------------------------------- call queue stats

QUEUE_COUNTS = [
    ("Total Calls", "total_calls"),
    ("Answered Calls", "answered_calls"),
    ("Abandoned Calls", "abandoned_calls"),
    ("Overflowed Calls - Busy", "overflowed_busy_calls"),
    ("Overflowed Calls - Timeout", "overflowed_timeout_calls"),
    ("Transferred Calls", "transferred_calls"),
]
QUEUE_AVERAGES = [
    ("Average Speed of Answer (s)", "average_speed_of_answer_seconds"),
    ("Average Abandon Time (s)", "average_abandon_time_seconds"),
]


def _queue_rules(checks: Checks, ctx: FileContext) -> None:
    for source_field, column in QUEUE_COUNTS + QUEUE_AVERAGES:
        checks.negative(source_field, pl.col(src(source_field)), pl.col(column))
    checks.rule(
        pl.col("answered_calls") > pl.col("total_calls"),
        "answered calls exceed total calls",
        [pl.col("answered_calls"), pl.col("total_calls")],
        lambda a, t: f"answered calls exceed total calls: {a} > {t}",
    )


CALL_QUEUE_STATS = DatasetSpec(
    name="call_queue_stats",
    kind="event",
    formats=(".csv",),
    fields=[
        Field("Org ID", "org_id", "id"),
        Field("Location ID", "location_id", "id"),
        Field("Location", "location_name"),
        Field("Queue ID", "queue_id", "id"),
        Field("Queue Name", "queue_name"),
        Field("Date", "stats_date", "date"),
        *[Field(s, c, "integer") for s, c in QUEUE_COUNTS],
        *[Field(s, c, "number") for s, c in QUEUE_AVERAGES],
    ],
    placed_by="stats_date",
    rules=_queue_rules,
    derive={"week_ending": _week_of("stats_date")},
)

# --------------------------------------------------------------------------- meeting participants

MEETING_PARTICIPANTS = DatasetSpec(
    name="meeting_participants",
    kind="event",
    formats=(".json",),
    fields=[
        Field("orgId", "org_id", "id"),
        Field("meetingId", "meeting_id"),
        Field("email", "email"),
        Field("host", "is_host", "boolean"),
        Field("joinedTime", "joined_at", "timestamp"),
        Field("leftTime", "left_at", "timestamp"),
    ],
    placed_by="joined_at",
    derive={"week_ending": _week_of("joined_at")},
)

EVENTS = {spec.name: spec for spec in (CDR, MEDIA_QUALITY, CALL_QUEUE_STATS, MEETING_PARTICIPANTS)}
