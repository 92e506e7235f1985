"""Flag columns computed in polars for facts GX cannot see one chunk at a time, per partition row.

GX validates a partition in bounded chunks, so a key duplicated across two chunks, or an org_id
checked against another dataset, has to be worked out beforehand over the whole partition (or the
customers snapshot) and handed to GX as a boolean column (see expectations.suites).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from expectations.suites import KNOWN_ORG_FLAG, UNIQUE_FLAG, DatasetSuite


def _key_exprs(suite: DatasetSuite) -> list[pl.Expr]:
    return [
        pl.col(c).str.to_lowercase().alias(c) if c in suite.unique_key_lowercase else pl.col(c)
        for c in suite.unique_key
    ]


def duplicate_keys(partition_file: Path, suite: DatasetSuite) -> pl.DataFrame:
    """The keys occurring more than once in the partition (key parts normalised as the suite says).

    Streams the key columns only. Keys are first grouped by a 64-bit hash (small hash table even for
    10 M rows), then only the rows of colliding hashes are grouped by the real key, so a hash
    collision never reports a false duplicate. Keys with a null part are left out (the not-null
    expectations report them)."""
    key = list(suite.unique_key)
    keys = pl.scan_parquet(partition_file).select(_key_exprs(suite)).drop_nulls()
    hashed = keys.with_columns(_key_hash=pl.struct(key).hash())
    repeated = hashed.group_by("_key_hash").agg(pl.len()).filter(pl.col("len") > 1).select("_key_hash")
    dups = (
        hashed.join(repeated, on="_key_hash", how="semi")
        .group_by(key)
        .agg(pl.len())
        .filter(pl.col("len") > 1)
        .select(key)
    )
    return dups.collect(engine="streaming")


def customers_snapshot_in_force(lake_region_dir: Path, as_of: dt.date) -> Path | None:
    """The customers partition file with the newest snapshot_date on or before `as_of`, if any."""
    best: tuple[dt.date, Path] | None = None
    for folder in (lake_region_dir / "customers").glob("snapshot_date=*"):
        try:
            day = dt.date.fromisoformat(folder.name.split("=", 1)[1])
        except ValueError:
            continue
        data = folder / "data.parquet"
        if day <= as_of and data.exists() and (best is None or day > best[0]):
            best = (day, data)
    return best[1] if best else None


def known_orgs(lake_region_dir: Path, as_of: dt.date) -> pl.Series:
    """org_ids of the region's customers snapshot in force at `as_of` (empty when there is none)."""
    path = customers_snapshot_in_force(lake_region_dir, as_of)
    if path is None:
        return pl.Series("org_id", [], dtype=pl.String)
    return pl.read_parquet(path, columns=["org_id"])["org_id"].drop_nulls().unique().sort()


def add_flags(
    chunk: pl.DataFrame,
    suite: DatasetSuite,
    duplicates: pl.DataFrame | None,
    orgs: pl.Series | None,
) -> pl.DataFrame:
    """The chunk with the suite's flag columns appended, rows in their original order."""
    out = chunk
    if suite.unique_key:
        key = list(suite.unique_key)
        if duplicates is None or duplicates.height == 0:
            out = out.with_columns(pl.lit(True).alias(UNIQUE_FLAG))
        else:
            marked = duplicates.with_columns(pl.lit(False).alias(UNIQUE_FLAG))
            probe = out.select(_key_exprs(suite)).with_row_index("_row")
            is_unique = (
                probe.join(marked, on=key, how="left", nulls_equal=False)
                .sort("_row")
                .get_column(UNIQUE_FLAG)
                .fill_null(True)
            )
            out = out.with_columns(is_unique)
    if suite.check_known_org:
        known = orgs if orgs is not None else pl.Series("org_id", [], dtype=pl.String)
        out = out.with_columns(
            (pl.col("org_id").is_null() | pl.col("org_id").is_in(known.implode())).fill_null(False).alias(KNOWN_ORG_FLAG)
        )
    if suite.derived:
        out = out.with_columns(**suite.derived)
    return out
