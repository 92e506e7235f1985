"""Where everything lives under a pipeline home (<home>): lake, warehouse, runs, exports."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
PARTNER = "partner"  # the lake folder of partner-level (cross-region) data
# The regions, in the order a run takes them (here, not in ingestion.schemas, so that the CLI process
# that only orchestrates child processes never imports polars).
REGIONS = ("US", "CA", "EU", "UAE")


def lake_dir(home: Path, region: str) -> Path:
    """The lake of one region (or of partner-level data for region='partner')."""
    return Path(home) / "lake" / region


def partner_lake_dir(home: Path) -> Path:
    return lake_dir(home, PARTNER)


# A lake partition's data files (ingestion/lake.py writes them): `data.parquet`, and for an event week
# the files of rows added to it later without superseding any of its rows, `added-<n>.parquet`.
DATA_FILE = "data.parquet"
ADDED_PREFIX = "added-"


def added_number(path: Path) -> int | None:
    """n of an `added-<n>.parquet` file name, else None."""
    digits = path.name[len(ADDED_PREFIX) : -len(".parquet")]
    return int(digits) if path.name.startswith(ADDED_PREFIX) and path.name.endswith(".parquet") and digits.isdigit() else None


def partition_files(partition: Path) -> list[Path]:
    """Every data file of a lake partition folder, in lake order: `data.parquet`, then the added files
    by number. Empty when the partition does not exist. The one listing of a partition's files for
    ingestion, validation and the freshness gates (here, so that freshness needs no polars)."""
    main = [partition / DATA_FILE] if (partition / DATA_FILE).is_file() else []
    added = [f for f in partition.glob(f"{ADDED_PREFIX}*.parquet") if added_number(f) is not None]
    return main + sorted(added, key=added_number)


_PARTITION = re.compile(r"^(week_ending|snapshot_date)=(\d{4}-\d{2}-\d{2})$")


def partition_dates(dataset_dir: Path, limit: dt.date = dt.date.max) -> list[dt.date]:
    """Dates of a lake dataset's partitions (`week_ending=` or `snapshot_date=` folders) holding a data
    file, on or before `limit`, oldest first. The one listing of a dataset's partitions for ingestion
    (the cross-week key probe) and the freshness gates."""
    found = []
    if Path(dataset_dir).is_dir():
        for child in Path(dataset_dir).iterdir():
            match = _PARTITION.match(child.name)
            if not match or not partition_files(child):
                continue
            try:
                day = dt.date.fromisoformat(match.group(2))
            except ValueError:  # e.g. week_ending=2026-13-45: not a partition the lake writes
                continue
            if day <= limit:
                found.append(day)
    return sorted(found)


def warehouse_path(home: Path, region: str) -> Path:
    """The region's DuckDB warehouse file (only ever written by that region's dbt build)."""
    return Path(home) / "warehouse" / f"{region}.duckdb"


def run_dir(home: Path, week_ending: dt.date, region: str) -> Path:
    return Path(home) / "runs" / week_ending.isoformat() / region


def exports_dir(home: Path, region: str) -> Path:
    return Path(home) / "exports" / region
