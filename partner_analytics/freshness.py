"""Freshness gates (SPEC 13): a region's week is published only when its lake holds the week's data.

Checked right after the region's ingestion, from the lake's partitions (what every earlier run and
this one committed, late CDRs included), so it costs a directory listing and one Parquet footer:

- CDRs: the partition `cdr/week_ending=D` holds at least one leg (a leg of W);
- each snapshot dataset (customers, subscriptions, licenses, people, locations, devices, numbers):
  its newest `snapshot_date` partition on or before D is dated on or after D - 7 days. `customers`
  is always required; another dataset only once the region has delivered it at all (a region
  without, say, a devices feed is not stale for it; one whose devices stopped arriving is).

A region that misses either fails with FreshnessError naming each missing dataset, the newest date
found and D; nothing of it is validated, built or published. `--allow-stale` (CLI) / the DAG param
`allow_stale` or Variable `PA_ALLOW_STALE` turns the failure into warnings, logged and kept
in the region's summary.json `warnings` (`pipeline.run_step`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from partner_analytics import paths
from partner_analytics.errors import PipelineError

# The regional snapshot datasets (ingestion.schemas.SNAPSHOT_LANDING_DATASETS, without importing polars)
SNAPSHOT_DATASETS = ("customers", "subscriptions", "licenses", "people", "locations", "devices", "numbers")
REQUIRED_SNAPSHOTS = ("customers",)  # every report is keyed on the customers in force
MAX_SNAPSHOT_AGE = dt.timedelta(days=7)


class FreshnessError(PipelineError):
    """The region's lake lacks the week's data (SPEC 13); the same inputs fail the same way (no retry)."""


def _rows(partition: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in paths.partition_files(partition))


def problems(home: Path, region: str, week_ending: dt.date) -> list[str]:
    """What the region's lake is missing for week ending D (empty when fresh), one phrase per dataset."""
    lake = paths.lake_dir(home, region)
    d = week_ending
    found: list[str] = []
    weeks = [w for w in paths.partition_dates(lake / "cdr") if _rows(lake / "cdr" / f"week_ending={w}")]
    if d not in weeks:
        earlier = [w for w in weeks if w < d]
        newest = f"newest week with legs ends {earlier[-1]}" if earlier else "no earlier week with legs"
        found.append(f"cdr: no call leg in W [{d - dt.timedelta(days=7)}, {d}) ({newest})")
    oldest_allowed = d - MAX_SNAPSHOT_AGE
    for dataset in SNAPSHOT_DATASETS:
        delivered = paths.partition_dates(lake / dataset)
        dates = [day for day in delivered if day <= d]
        if not delivered and dataset not in REQUIRED_SNAPSHOTS:
            continue  # never delivered by this region: not a feed it has
        if not dates:
            found.append(f"{dataset}: no snapshot dated on or before {d}")
        elif dates[-1] < oldest_allowed:
            found.append(f"{dataset}: newest snapshot {dates[-1]} is older than {oldest_allowed} (D - 7 days)")
    return found


def message(week_ending: dt.date, missing: list[str]) -> str:
    """The error (the run prefixes the region: `US: not fresh for week ending ...`)."""
    return f"not fresh for week ending {week_ending}: " + "; ".join(missing) + " — nothing published (run with --allow-stale to publish anyway)"


def check(home: Path, region: str, week_ending: dt.date, allow_stale: bool = False) -> list[str]:
    """Raise FreshnessError when the region's lake is stale for D; with allow_stale return the
    problems (for summary.json's warnings) instead. Returns [] when fresh."""
    missing = problems(Path(home), region, week_ending)
    if missing and not allow_stale:
        raise FreshnessError(message(week_ending, missing))
    return [f"stale (allowed): {m}" for m in missing]


def parse_flag(value) -> bool:
    """An Airflow param / Variable value as a boolean ("true", "1", "yes", True)."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")
