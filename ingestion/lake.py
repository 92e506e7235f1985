"""Lake layout and writes: partition paths, the zero-row schema files every dataset folder holds, and
staged (tmp file, then rename) Parquet writes."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingestion import schemas


DATA_FILE = "data.parquet"


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


def partition_rel(dataset: str, column: str, value: dt.date) -> str:
    """A partition's path relative to the lake root, e.g. `cdr/week_ending=2026-11-22`."""
    return f"{dataset}/{column}={value.isoformat()}"


def partition_file(lake_root: Path, rel: str) -> Path:
    return lake_root / rel / DATA_FILE


def read_partition(lake_root: Path, rel: str, dataset: str) -> pl.DataFrame | None:
    """A partition's rows in the dataset's schema, or None when it does not exist yet."""
    path = partition_file(lake_root, rel)
    if not path.exists():
        return None
    return pl.read_parquet(path).select([pl.col(c).cast(t) for c, t in schemas.schema(dataset).items()])


def partition_rows(lake_root: Path, rel: str) -> int:
    """How many rows a partition holds (0 when it does not exist), from the Parquet footer."""
    path = partition_file(lake_root, rel)
    return pl.scan_parquet(path).select(pl.len()).collect().item() if path.exists() else 0


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """The one Parquet writer of the lake: same rows in, same bytes out."""
    frame.write_parquet(path, compression="zstd", statistics=True)


@dataclass
class Staging:
    """Files written next to their final place (`<name>.tmp-<token>`), moved in only by `publish`."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    created_dirs: list[Path] = field(default_factory=list)

    def stage(self, frame: pl.DataFrame, final: Path) -> None:
        write_parquet(frame, self.reserve(final))

    def reserve(self, final: Path) -> Path:
        """The tmp path a caller writes `final`'s new content to (moved in by `publish`)."""
        self._mkdir(final.parent)
        tmp = final.with_name(f"{final.name}.tmp-{self.token}")
        self.moves.append((tmp, final))
        return tmp

    def scratch(self, lake_root: Path) -> Path:
        """This run's private work folder in the lake (`.run-<token>`, ignored by every reader);
        the caller removes it, and `discard` removes the lake folders it had to create."""
        folder = lake_root / f".run-{self.token}"
        self._mkdir(folder)
        return folder

    def _mkdir(self, directory: Path) -> None:
        missing = []
        for parent in [directory, *directory.parents]:
            if parent.exists():
                break
            missing.append(parent)
        directory.mkdir(parents=True, exist_ok=True)
        self.created_dirs.extend(reversed(missing))

    def publish(self) -> None:
        for tmp, final in self.moves:
            os.replace(tmp, final)
        self.moves.clear()

    def discard(self) -> None:
        """Remove every staged file and the folders staging created: the lake is as before."""
        for tmp, _ in self.moves:
            tmp.unlink(missing_ok=True)
        for directory in reversed(self.created_dirs):
            try:
                directory.rmdir()
            except OSError:
                pass
        self.moves.clear()
