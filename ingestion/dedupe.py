"""Dedupe of lake rows on a dataset's key across this run's files and the lake's existing rows."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingestion import schemas
from ingestion.datasets import DatasetSpec

LINEAGE = ("source_file", "source_row")


@dataclass
class Deduped:
    """Winning rows (with `_origin`: 0 = already in the lake, 1 = this run) and what lost."""

    winners: pl.DataFrame
    loaded: int  # rows of this run that won
    duplicates: int  # rows of this run that lost
    replaced: int  # lake rows that a row of this run superseded


def key_columns(spec: DatasetSpec) -> list[pl.Expr]:
    """The dedupe key as helper columns `_k0.._kn`."""
    return [(pl.col(k) if isinstance(k, str) else k).alias(f"_k{i}") for i, k in enumerate(spec.key)]


def settle(spec: DatasetSpec, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows that share their key with another (helper columns `_k*` and `_origin` set) -> the same
    rows with `_wins` (one per key) and `_collapsed` (an identical copy of a row kept before it).

    Copies identical in every lake column except lineage are collapsed first, keeping the earliest
    (lake rows first): a re-sent identical row is a duplicate and never replaces what is loaded.
    Then the latest `spec.time` wins, then the file name sorting last, then the later row."""
    names = [f"_k{i}" for i in range(len(spec.key))]
    content = [c for c in schemas.schema(spec.lake) if c not in LINEAGE]
    rows = rows.with_columns(pl.struct(content).hash(seed=0).alias("_content"))
    rows = rows.sort([*names, "_content", "_origin", *LINEAGE], nulls_last=False)
    first = pl.struct([*names, "_content"]).is_first_distinct()
    collapsed = rows.filter(~first).with_columns(pl.lit(False).alias("_wins"), pl.lit(True).alias("_collapsed"))
    order = [*names, *([spec.time] if spec.time else []), *LINEAGE]
    kept = rows.filter(first).sort(order, nulls_last=False)
    kept = kept.with_columns(pl.struct(names).is_last_distinct().alias("_wins"), pl.lit(False).alias("_collapsed"))
    return pl.concat([kept, collapsed], how="vertical").drop("_content")


def dedupe(spec: DatasetSpec, new: pl.DataFrame, existing: pl.DataFrame | None = None) -> Deduped:
    """One row per key by the rules of `settle`, over this run's rows and (optionally) lake rows."""
    frames = [new.with_columns(pl.lit(1, dtype=pl.Int8).alias("_origin"))]
    if existing is not None and existing.height:
        frames.insert(0, existing.select(new.columns).with_columns(pl.lit(0, dtype=pl.Int8).alias("_origin")))
    rows = pl.concat(frames, how="vertical")
    keys = key_columns(spec)
    names = [f"_k{i}" for i in range(len(keys))]
    rows = rows.with_columns(*keys)
    # Only rows whose key occurs more than once need the ordering work of `settle` (duplicates are rare).
    repeated = pl.struct(names).is_duplicated() if len(names) > 1 else pl.col(names[0]).is_duplicated()
    rows = rows.with_columns(repeated.alias("_repeated"))
    single = rows.filter(~pl.col("_repeated")).drop("_repeated")
    decided = settle(spec, rows.filter(pl.col("_repeated")).drop("_repeated"))

    winners = pl.concat([single, decided.filter(pl.col("_wins")).drop("_wins", "_collapsed")], how="vertical")
    loaded = int(winners.get_column("_origin").cast(pl.Int64).sum())
    replaced = decided.filter(~pl.col("_wins") & ~pl.col("_collapsed") & (pl.col("_origin") == 0)).height
    return Deduped(winners, loaded, new.height - loaded, replaced)
