"""`partner-analytics generate`: realistic synthetic Webex landing data for every region, in the exact
landing formats of SPEC 4, consistent across datasets, with counted, seeded dirt."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from partner_analytics import progress
from partner_analytics.errors import BadArgumentError
from partner_analytics.generate import dirt, events, names
from partner_analytics.generate.formats import DAY_MS, FileLog, day_date, format_timestamps, iso_date
from partner_analytics.generate.world import (
    REGION_CODES,
    Calendar,
    RegionWorld,
    build_region,
    calendar_for,
    write_partner_admins,
    write_snapshots,
)
from partner_analytics.periods import week_ending as validate_week_ending

__all__ = ["SCALES", "generate"]

REGIONS = ("US", "CA", "EU", "UAE")
REGION_CUSTOMER_SHARE = {"US": 0.4, "CA": 0.15, "EU": 0.3, "UAE": 0.15}
SNAPSHOT_WEEKS = 10  # Sundays of snapshots at least (8-week trends + the D-7 change need 9)
MEETINGS_PER_LEG = 1 / 25


@dataclass(frozen=True)
class Scale:
    """Size of one generation: customers in all regions, mean people per customer, call legs per week."""

    customers: int
    people_mean: float
    legs_per_week: int


SCALES = {
    "tiny": Scale(customers=12, people_mean=10, legs_per_week=2_000),
    "xs": Scale(customers=80, people_mean=30, legs_per_week=100_000),
    "s": Scale(customers=300, people_mean=60, legs_per_week=1_000_000),
    "m": Scale(customers=1_600, people_mean=90, legs_per_week=10_000_000),
    "l": Scale(customers=8_000, people_mean=120, legs_per_week=100_000_000),
}


def _org_names(total: int, seed: int) -> list[str]:
    rng = np.random.default_rng([seed, 0, 202])
    n1, n2, n3 = len(names.COMPANY_FIRST), len(names.COMPANY_SECOND), len(names.COMPANY_SUFFIX)
    picks = rng.permutation(n1 * n2 * n3)[:total]
    return [f"{names.COMPANY_FIRST[p // (n2 * n3)]} {names.COMPANY_SECOND[p // n3 % n2]} {names.COMPANY_SUFFIX[p % n3]}" for p in picks.tolist()]


def _customers_per_region(scale: Scale) -> dict[str, int]:
    return {r: max(3, round(scale.customers * REGION_CUSTOMER_SHARE[r])) for r in REGIONS}


def generate(landing: Path, week_ending: dt.date, scale: str = "xs", seed: int = 7, history_weeks: int | None = None, regions: list[str] | None = None) -> dict:
    """Write synthetic landing data for D = week_ending into `landing`; returns counts for reconciliation.

    Events cover `history_weeks` weeks (default 13) ending at D; snapshots every Sunday for at least 10
    Sundays up to D. Same (week_ending, scale, seed, history_weeks) -> byte-identical files.

    `regions` writes only those regions' folders (and partner_admins): each is byte-identical to the
    same region of a full generation, since every region's world and call volume are still drawn (cheap)
    and only the writing is skipped. It lets a machine whose disk cannot hold scale l for all four
    regions (~120 GB) measure one region at the full scale's volume (the benchmark's --region)."""
    d = validate_week_ending(week_ending)
    if scale not in SCALES:
        raise BadArgumentError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
    wanted = set(REGIONS) if not regions else set(regions)
    if wanted - set(REGIONS):
        raise BadArgumentError(f"unknown region(s) {', '.join(sorted(wanted - set(REGIONS)))}; regions are {', '.join(REGIONS)}")
    history = 13 if history_weeks is None else int(history_weeks)
    if history < 1:
        raise BadArgumentError(f"history_weeks must be at least 1, got {history}")
    spec = SCALES[scale]
    landing = Path(landing)
    cal = calendar_for(d, history, SNAPSHOT_WEEKS)
    log = FileLog()
    counts = dirt.new_counts()

    per_region_customers = _customers_per_region(spec)
    all_names = _org_names(sum(per_region_customers.values()), seed)
    worlds: list[RegionWorld] = []
    start = 0
    for i, region in enumerate(REGIONS):
        n = per_region_customers[region]
        worlds.append(build_region(region, all_names[start : start + n], spec.people_mean, cal, seed, force_unknown_status=(i == 0)))
        start += n

    # Calling volume goes where the calling users are.
    callers = np.array([int(((w.people["call_day"] >= 0) & (w.people["call_day"] <= cal.d)).sum()) for w in worlds])
    share = callers / callers.sum()
    week_factor = _week_factors(cal, seed)

    per_region: dict[str, dict] = {}
    for world, region_share in zip(worlds, share, strict=True):
        if world.region not in wanted:
            continue
        files_before, started = dict(log.by_dataset), time.perf_counter()
        snap_counts = write_snapshots(world, landing, log)
        unknown = sum(1 for day in cal.snapshot_days for s in world.subscriptions if s["add_day"] <= day and s["status"] == "GRACE_PERIOD")
        counts["unknown_subscription_statuses"] += unknown
        stats = _region_events(world, landing, cal, seed, spec.legs_per_week * region_share * week_factor, counts, log)
        stats.update({f"{k}_items": v for k, v in snap_counts.items()})
        stats["customers"] = len(world.orgs)
        stats["people"] = len(world.person_ids)
        per_region[world.region] = stats
        progress.region_generated(world.region, stats, files_before, log.by_dataset, time.perf_counter() - started)
    admins = write_partner_admins(worlds, landing, seed, log)

    return {
        "week_ending": d.isoformat(),
        "scale": scale,
        "seed": seed,
        "history_weeks": history,
        "snapshot_dates": [iso_date(x) for x in cal.snapshot_days],
        "legs": sum(r["legs"] for r in per_region.values()),
        "calls": sum(r["calls"] for r in per_region.values()),
        "cdr_rows": sum(r["cdr_rows"] for r in per_region.values()),
        "files": log.files,
        "files_by_dataset": dict(sorted(log.by_dataset.items())),
        "partner_admin_items": admins,
        "per_region": per_region,
        "dirt": counts,
    }


def _week_factors(cal: Calendar, seed: int) -> np.ndarray:
    """Mild week-to-week variation (about +-4%), seeded by each week's own end date."""
    weeks = (cal.d - cal.event_start) // 7
    out = np.empty(weeks)
    for w in range(weeks):
        end_day = cal.event_start + 7 * (w + 1)
        out[w] = 1 + float(np.clip(np.random.default_rng([seed, 0, 505, end_day]).normal(0, 0.04), -0.1, 0.1))
    return out


def _region_events(world: RegionWorld, landing: Path, cal: Calendar, seed: int, legs_per_week: np.ndarray, counts: dict, log: FileLog) -> dict:
    """Stream one region's events day by day; carries late, re-sent and overlapping CDR rows to later files."""
    ctx = events.region_events(world)
    base = landing / world.region
    code = REGION_CODES[world.region]
    intensity = np.array([o.intensity for o in world.orgs])
    org_created = np.array([o.created_day for o in world.orgs])
    pending: list[tuple[int, pl.DataFrame]] = []  # (deliver on or after day, rows), in creation order
    stats = {"legs": 0, "calls": 0, "cdr_rows": 0, "cdr_files": 0, "media_items": 0, "queue_stats_rows": 0, "meeting_participants": 0}

    def deliver(path: Path, frame: pl.DataFrame, kinds: np.ndarray, as_json: bool, rng) -> None:
        if as_json:
            for page, lo in enumerate(range(0, frame.height, events.JSON_PAGE_ROWS)):
                part = frame.slice(lo, events.JSON_PAGE_ROWS)
                events.write_cdr_file(path.with_name(f"{path.stem}_{page + 1:03d}.json"), part, kinds[lo : lo + part.height], True, rng, counts, log)
                stats["cdr_files"] += 1
        else:
            events.write_cdr_file(path.with_suffix(".csv"), frame, kinds, False, rng, counts, log)
            stats["cdr_files"] += 1
        stats["cdr_rows"] += frame.height

    for day in range(cal.event_start, cal.d):
        rng = np.random.default_rng([seed, code, 707, day])
        date = iso_date(day)
        week = (day - cal.event_start) // 7
        target_legs = legs_per_week[week] * events.DAY_FACTOR[day_date(day).weekday()] / events.DAY_FACTOR.sum()
        n_avail = events.available(ctx, "call_day", day)
        weights = n_avail * intensity * (org_created <= day)
        n_calls = int(rng.poisson(target_legs / events.mean_legs_per_call(ctx, weights, org_created <= day)))
        as_json = bool(rng.random() < events.JSON_DAY_SHARE)
        n_chunks = max(1, math.ceil(n_calls / events.CALLS_PER_CHUNK))
        acc = events.new_queue_acc(len(world.queues))
        for c in range(n_chunks):
            calls = n_calls // n_chunks + (1 if c < n_calls % n_chunks else 0)
            if calls == 0 or weights.sum() == 0:
                continue
            chunk = events.generate_calls(rng, ctx, day, calls, weights.astype(float), n_avail, org_created <= day)
            events.add_queue_outcomes(acc, chunk)
            frame = chunk.frame
            stats["legs"] += frame.height
            stats["calls"] += chunk.n_calls
            kinds = dirt.assign_kinds(rng, frame.height, csv_file=not as_json)
            for kind, key in (
                (dirt.MALFORMED, "malformed_csv_rows"),
                (dirt.BAD_DURATION, "bad_durations"),
                (dirt.NEGATIVE_DURATION, "negative_durations"),
                (dirt.BAD_TIMESTAMP, "bad_timestamps"),
                (dirt.UNKNOWN_DIRECTION, "unknown_directions"),
                (dirt.LATE, "late_cdrs"),
                (dirt.RESEND, "duplicate_report_ids"),
                (dirt.OVERLAP, "exact_duplicate_rows"),
            ):
                counts[key] += int((kinds == kind).sum())
            frame = dirt.apply_value_dirt(frame, kinds, rng)
            carries = _carries(frame, kinds, day, rng)
            on_time = kinds != dirt.LATE
            due = [f for t, f in pending if t <= day]
            pending = [(t, f) for t, f in pending if t > day]
            body = pl.concat([*due, frame.filter(pl.Series(on_time))])
            body_kinds = np.concatenate([np.zeros(sum(f.height for f in due), dtype=np.int8), kinds[on_time]])
            deliver(base / "cdr" / f"{date}_{c + 1:03d}", body, body_kinds, as_json, rng)
            pending.extend(carries)
            if chunk.media is not None:
                events.write_media(base / "media_quality" / f"{date}_{c + 1:03d}.json", chunk.media, log)
                stats["media_items"] += chunk.media.num_rows
        if world.queues:
            q_frame = events.queue_stats_rows(ctx, day, acc)
            events.write_queue_stats(base / "call_queue_stats" / f"{date}.csv", q_frame, rng, counts, log)
            stats["queue_stats_rows"] += q_frame.height
        n_meetings = int(rng.poisson(target_legs * MEETINGS_PER_LEG))
        meetings = events.meeting_participants(rng, ctx, day, n_meetings, counts)
        if meetings is not None:
            events.write_meetings(base / "meeting_participants" / f"{date}.json", meetings, log)
            stats["meeting_participants"] += meetings.height
    if pending:
        # Whatever is still in transit arrives in one catch-up export, dated on or after every late leg's
        # delivery day (so "late" stays "file dated after the leg's start day").
        rows = pl.concat([f for _, f in pending])
        rng = np.random.default_rng([seed, code, 808])
        last = max(cal.d, max(t for t, _ in pending))
        deliver(base / "cdr" / f"{iso_date(last)}_late", rows, np.zeros(rows.height, dtype=np.int8), False, rng)
    return stats


def _carries(frame: pl.DataFrame, kinds: np.ndarray, day: int, rng: np.random.Generator) -> list:
    """Rows this chunk sends again or later: re-sent Report IDs (later Report time, maybe a corrected
    Duration) and overlapping exact copies go to the next file; late legs to a file 1-6 days on."""
    out = []
    resend = frame.filter(pl.Series(kinds == dirt.RESEND))
    if resend.height:
        later = resend["_report_ms"].to_numpy() + rng.integers(3_600_000, 30 * 3_600_000, resend.height)
        bump = np.where(resend["Answered"].to_numpy() == "true", rng.integers(0, 4, resend.height), 0)
        resend = resend.with_columns(
            format_timestamps(later).alias("Report time"),
            (pl.col("Duration").cast(pl.Int64) + pl.Series(bump)).cast(pl.String).alias("Duration"),
        )
        out.append((day, resend))
    overlap = frame.filter(pl.Series(kinds == dirt.OVERLAP))
    if overlap.height:
        out.append((day, overlap))
    late = frame.filter(pl.Series(kinds == dirt.LATE))
    if late.height:
        # Delivered 1-6 days after the day the leg started (a leg may start after midnight of `day`).
        target = late["_start_day"].to_numpy() + rng.integers(1, 7, late.height)
        report = target * DAY_MS + rng.integers(1_800_000, 36_000_000, late.height)
        late = late.with_columns(format_timestamps(report).alias("Report time"), _target=pl.Series(target))
        for value in np.unique(target).tolist():
            out.append((value, late.filter(pl.col("_target") == value).drop("_target")))
    # Polars strings are views into the chunk's buffers: copy the few carried rows so pending rows do
    # not keep whole chunks alive for days (that grew peak RSS by ~20 MB per chunk).
    return [(t, _compact(f)) for t, f in out]


def _compact(frame: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(frame.to_dicts(), schema=frame.schema)
