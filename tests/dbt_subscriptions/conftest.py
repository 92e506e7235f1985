"""Hand-made lakes for the subscription marts: typed Parquet partitions exactly as ingestion writes them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingestion import schemas
from ingestion.lake import ensure_schema_files
from partner_analytics import paths
from partner_analytics.dbt import build_region

# The column that places an event row in time, per event dataset (its partition is the week ending).
EVENT_TIME_COLUMN = {
    "cdr": "started_at",
    "media_quality": "started_at",
    "meeting_participants": "joined_at",
    "call_queue_stats": "stats_date",
}


def ts(value: str) -> dt.datetime:
    """A UTC timestamp from 'YYYY-MM-DD HH:MM:SS' (the lake's Datetime('us', 'UTC'))."""
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def week_ending_of(moment: dt.datetime | dt.date) -> dt.date:
    """The Sunday that ends the week [Sunday, next Sunday) holding `moment`."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day + dt.timedelta(days=(6 - day.weekday()) % 7 or 7)


def as_ingested(dataset: str, row: dict, region: str) -> dict:
    """A hand-made row with the required columns ingestion always sets (ingestion/schemas.py CONTRACTS):
    a customer's region is its landing folder's, a CDR leg without a report time was reported at its start."""
    defaults = {"customers": {"region": region}, "cdr": {"report_at": row.get("started_at")}}.get(dataset, {})
    return {**defaults, **row}


class LakeBuilder:
    """Collects rows per lake dataset and partition, then writes them with the exact lake schemas."""

    def __init__(self, home: Path, region: str = "US"):
        self.home = Path(home)
        self.region = region
        self._parts: dict[tuple[str, str, dt.date], list[dict]] = defaultdict(list)

    def snapshot(self, dataset: str, snapshot_date: str, rows: list[dict]) -> LakeBuilder:
        """Rows of one snapshot (regional or partner-level) taken on `snapshot_date`."""
        self._parts[(dataset, "snapshot_date", d(snapshot_date))].extend(rows)
        return self

    def events(self, dataset: str, rows: list[dict]) -> LakeBuilder:
        """Event rows, partitioned by the week ending of their own time column."""
        for row in rows:
            self._parts[(dataset, "week_ending", week_ending_of(row[EVENT_TIME_COLUMN[dataset]]))].append(row)
        return self

    def write(self) -> Path:
        """Write every partition plus the schema files of all datasets; returns the home."""
        for (dataset, key, value), rows in sorted(self._parts.items(), key=lambda item: (item[0][0], item[0][2])):
            lake = paths.partner_lake_dir(self.home) if dataset in schemas.PARTNER_DATASETS else paths.lake_dir(self.home, self.region)
            schema = schemas.schema(dataset)
            records = [
                {
                    **{column: None for column in schema},
                    **as_ingested(dataset, row, self.region),
                    key: value,
                    "source_file": f"{self.region}/{dataset}/{value.isoformat()}.json",
                    "source_row": index,
                }
                for index, row in enumerate(rows, start=1)
            ]
            frame = pl.DataFrame(records, schema=schema)
            target = lake / dataset / f"{key}={value.isoformat()}" / "data.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(target)
        ensure_schema_files(paths.lake_dir(self.home, self.region), {**schemas.EVENT_DATASETS, **schemas.SNAPSHOT_DATASETS})
        ensure_schema_files(paths.partner_lake_dir(self.home), schemas.PARTNER_DATASETS)
        return self.home


def release_dbt_duckdb() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open in-process after a dbt invocation.

    Why: build_region renames `<REGION>.duckdb.building` while dbt-duckdb's cached environment still
    holds it open with un-checkpointed changes, so a reader in the same process sees a file without
    the models until that connection is closed (closing checkpoints into the renamed file)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def build(home: Path, region: str, week_ending: dt.date) -> Path:
    """build_region, then make the warehouse readable from this process."""
    warehouse = build_region(home, region, week_ending)
    release_dbt_duckdb()
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of `sql` against a built warehouse, opened read-only."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="session")
def lake_builder(tmp_path_factory):
    """A factory of LakeBuilder on fresh homes."""

    def make(name: str = "home", region: str = "US") -> LakeBuilder:
        return LakeBuilder(tmp_path_factory.mktemp(name), region)

    return make
