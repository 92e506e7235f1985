"""Quarantined rows: `<lake>/_quarantine/<dataset>/<file-hash8>.parquet`, one file per landing file."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from ingestion import schemas
from ingestion.lake import write_parquet

QUARANTINE_DIR = "_quarantine"


def quarantine_file(lake_root: Path, dataset: str, hash8: str) -> Path:
    return lake_root / QUARANTINE_DIR / dataset / f"{hash8}.parquet"


def write_quarantine(lake_root: Path, dataset: str, hash8: str, rows: pl.DataFrame) -> None:
    """Write (tmp, then rename) a landing file's quarantined rows, merged with any earlier file of
    the same content hash (the same bytes delivered under another name)."""
    target = quarantine_file(lake_root, dataset, hash8)
    if target.exists():
        rows = pl.concat([pl.read_parquet(target).cast(schemas.QUARANTINE), rows], how="vertical").unique(maintain_order=True)
    rows = rows.sort("source_file", "source_row", "reason", nulls_last=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    write_parquet(rows, tmp)
    os.replace(tmp, target)
