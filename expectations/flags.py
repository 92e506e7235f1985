"""Flag columns computed in polars for facts GX cannot see one chunk at a time, per partition row.

GX validates a dataset in bounded chunks that span its partitions, so a key duplicated across two
chunks, an org_id checked against another dataset, or a date compared with the row's own partition
has to be worked out in polars, one partition at a time, and handed to GX as a boolean column (see
expectations.suites).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from expectations.suites import KNOWN_ORG_FLAG, UNIQUE_FLAG, DatasetSuite, PartitionBounds


def _key_exprs(suite: DatasetSuite) -> list[pl.Expr]:
    return [pl.col(c).str.to_lowercase().alias(c) if c in suite.unique_key_lowercase else pl.col(c) for c in suite.unique_key]


def _required_parts(suite: DatasetSuite) -> list[str]:
    """Key parts that must be present (a row with one NULL is not compared; not-null reports it)."""
    return [c for c in suite.unique_key if c not in suite.unique_key_nullable]


# Keys hashed and counted per pass over a dataset's key columns: polars' streaming group-by holds
# every distinct hash of a pass in memory (~90 bytes a row: 621 MB for 4 M CDR rows in one pass, 1.5 GB
# for 15.7 M), so a bigger dataset is split by hash into passes of about this many rows (issue #7).
KEY_ROWS_PER_PASS = 2_000_000


def duplicate_keys(
    partition_files: list[Path | list[Path]], suite: DatasetSuite, rows: int | None = None, rows_per_pass: int = KEY_ROWS_PER_PASS
) -> list[pl.DataFrame]:
    """Per partition (a file, or the list of a partition's files): the keys occurring more than once in
    it (key parts normalised as the suite says).

    Streaming queries over all the files, key columns only: the 64-bit hashes of the keys that occur
    more than once, then only the rows with one of those hashes grouped by the real key, so a hash
    collision never reports a false duplicate. Memory is bounded whatever the dataset's size: the first
    query runs once per slice of the hash space (`hash % passes`, each slice about `rows_per_pass` rows;
    equal keys always share a slice). Keys with a null part are left out (the not-null expectations
    report them); NULLs of an optional key part (suite.unique_key_nullable) compare equal, as in dedupe."""
    key = list(suite.unique_key)
    scoped = ["_part", *key]  # a key repeated in two partitions is not a duplicate
    if rows is None:  # the files' total rows (the caller usually has them from the footers already)
        rows = sum(pl.scan_parquet(f).select(pl.len()).collect().item() for f in partition_files)
    passes = max(1, -(-rows // rows_per_pass))

    def hashed() -> pl.LazyFrame:
        keys = pl.concat(
            [
                pl.scan_parquet(f).select(_key_exprs(suite)).drop_nulls(_required_parts(suite)).with_columns(_part=pl.lit(i, pl.UInt32))
                for i, f in enumerate(partition_files)
            ]
        )
        return keys.with_columns(_key_hash=pl.struct(scoped).hash())

    # Separate queries, not one plan that uses `hashed` twice: polars caches such a shared subplan, i.e.
    # every key of the dataset (that call's peak for 4 M CDR rows at scale m: 854 MB that way, 621 MB so).
    repeated = pl.concat(
        [
            hashed()
            .select("_key_hash")
            .filter(pl.col("_key_hash") % passes == slice_)
            .group_by("_key_hash")
            .agg(pl.len())
            .filter(pl.col("len") > 1)
            .select("_key_hash")
            .collect(engine="streaming")
            for slice_ in range(passes)
        ]
    )
    dups = (
        hashed()
        .filter(pl.col("_key_hash").is_in(repeated.get_column("_key_hash").implode()))
        .group_by(scoped)
        .agg(pl.len())
        .filter(pl.col("len") > 1)
        .select(scoped)
        .collect(engine="streaming")
    )
    by_part = dups.partition_by("_part", as_dict=True, include_key=False)
    empty = dups.select(key).clear()
    # sorted: a fixed order whatever the streaming engine did (the join in add_flags does not care)
    return [by_part.get((i,), empty).sort(key) for i in range(len(partition_files))]


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


def placement_flags(suite: DatasetSuite, bounds: PartitionBounds) -> dict[str, pl.Expr]:
    """The partition-placement flags of the suite for one partition, from each flag's `shown_as` between.

    min <= value (< or <=) max, as GX's between would compare it; a null value counts as placed (GX's
    between ignores nulls, and no placement column may be null without a not-null expectation saying so)."""
    out: dict[str, pl.Expr] = {}
    for expectation in suite.expectations:
        shown = (expectation.meta or {}).get("shown_as")
        if not shown:
            continue
        if shown["type"] != "expect_column_values_to_be_between":
            raise ValueError(f"{suite.dataset}: cannot compute a flag for {shown['type']}")
        kwargs = bounds.fill(shown["kwargs"])
        value = pl.col(kwargs["column"])
        test = pl.lit(True)
        if kwargs.get("min_value") is not None:
            low = pl.lit(kwargs["min_value"])
            test = test & (value > low if kwargs.get("strict_min") else value >= low)
        if kwargs.get("max_value") is not None:
            high = pl.lit(kwargs["max_value"])
            test = test & (value < high if kwargs.get("strict_max") else value <= high)
        out[expectation.column] = test.fill_null(True)
    return out


def add_flags(
    piece: pl.DataFrame,
    suite: DatasetSuite,
    duplicates: pl.DataFrame | None,
    orgs: pl.Series | None,
    bounds: PartitionBounds,
) -> pl.DataFrame:
    """Rows of ONE partition (`bounds`) with the suite's flag columns appended, rows in their original order.

    `duplicates` are that partition's duplicate keys, `orgs` the customers in force for it."""
    out = piece
    if suite.unique_key:
        key = list(suite.unique_key)
        if duplicates is None or duplicates.height == 0:
            out = out.with_columns(pl.lit(True).alias(UNIQUE_FLAG))
        else:
            marked = duplicates.with_columns(pl.lit(False).alias(UNIQUE_FLAG))
            probe = out.select(_key_exprs(suite)).with_row_index("_row")
            is_unique = probe.join(marked, on=key, how="left", nulls_equal=True).sort("_row").get_column(UNIQUE_FLAG).fill_null(True)
            out = out.with_columns(is_unique)
    if suite.check_known_org:
        known = orgs if orgs is not None else pl.Series("org_id", [], dtype=pl.String)
        out = out.with_columns((pl.col("org_id").is_null() | pl.col("org_id").is_in(known.implode())).fill_null(False).alias(KNOWN_ORG_FLAG))
    placement = placement_flags(suite, bounds)
    if placement:
        out = out.with_columns(**placement)
    if suite.derived:
        out = out.with_columns(**suite.derived)
    return out
