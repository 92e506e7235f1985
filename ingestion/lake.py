"""Lake layout helpers: partition paths and the zero-row schema files every dataset folder holds."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingestion import schemas


def schema_file(dataset_dir: Path) -> Path:
    return dataset_dir / "_schema" / "empty.parquet"


def ensure_schema_files(lake_root: Path, datasets: dict[str, dict]) -> None:
    """Write `<dataset>/_schema/empty.parquet` (zero rows, full schema) for each dataset.

    dbt sources glob `<dataset>/*/*.parquet`; the schema file makes that glob match (and give the
    right column types) before a dataset has received any data."""
    for name in datasets:
        target = schema_file(lake_root / name)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".parquet.tmp")
        schemas.empty_frame(name).write_parquet(tmp)
        tmp.replace(target)
