"""Hand-made lakes for the calling dbt models: rows in, Parquet partitions out, warehouse queried."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import duckdb
import polars as pl
import pytest

from ingestion import schemas
from ingestion.lake import ensure_schema_files
from partner_analytics.dbt import build_region

UTC = dt.UTC


def ts(text: str) -> dt.datetime:
    """A UTC timestamp from 'YYYY-MM-DD HH:MM:SS[.fff]'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def week_ending_of(moment: dt.datetime | dt.date) -> dt.date:
    """The Sunday ending the week [Sunday - 7 days, Sunday) that holds `moment` (UTC)."""
    day = moment.astimezone(UTC).date() if isinstance(moment, dt.datetime) else moment
    return day + dt.timedelta(days=(6 - day.weekday()) % 7 or 7)


# Which column places an event row in its week_ending partition.
_EVENT_TIME = {"cdr": "started_at", "media_quality": "started_at", "call_queue_stats": "stats_date", "meeting_participants": "joined_at"}


class LakeBuilder:
    """Collects rows per lake dataset (missing columns are null) and writes them as the ingestion
    would: <home>/lake/<REGION>/<dataset>/<partition>/data.parquet with the exact lake schema."""

    def __init__(self, home: Path, region: str = "US"):
        self.home = Path(home)
        self.region = region
        self.rows: dict[str, list[dict]] = defaultdict(list)

    def add(self, dataset: str, **values) -> None:
        unknown = set(values) - set(schemas.schema(dataset))
        if unknown:
            raise KeyError(f"{dataset} has no column(s) {sorted(unknown)}")
        self.rows[dataset].append(values)

    def _partition(self, dataset: str, row: dict) -> tuple[str, dt.date]:
        if dataset in schemas.EVENT_DATASETS:
            return "week_ending", week_ending_of(row[_EVENT_TIME[dataset]])
        return "snapshot_date", row["snapshot_date"]

    def write(self) -> None:
        lake = self.home / "lake" / self.region
        for dataset, rows in self.rows.items():
            parts: dict[tuple[str, dt.date], list[dict]] = defaultdict(list)
            for i, row in enumerate(rows, start=1):
                key, value = self._partition(dataset, row)
                parts[(key, value)].append({**row, key: value, "source_file": f"test/{dataset}.json", "source_row": i})
            for (key, value), part_rows in parts.items():
                target = lake / dataset / f"{key}={value.isoformat()}" / "data.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                pl.DataFrame(part_rows, schema=schemas.schema(dataset)).write_parquet(target)
        ensure_schema_files(lake, {**schemas.EVENT_DATASETS, **schemas.SNAPSHOT_DATASETS})
        ensure_schema_files(self.home / "lake" / "partner", schemas.PARTNER_DATASETS)


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of a query on a built warehouse (read-only)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def calling_lake():
    """The builders above as one fixture (test modules import nothing from conftest: other test
    folders have a conftest.py too). Usage: lake = calling_lake.LakeBuilder(home); lake.add(...);
    lake.write(); wh = calling_lake.build_region(home, region, D); calling_lake.query(wh, sql)."""
    return SimpleNamespace(LakeBuilder=LakeBuilder, build_region=build_region, query=query, ts=ts, week_ending_of=week_ending_of)
