"""Lake layout and writes: partition paths, the zero-row schema files every dataset folder holds, and
staged (tmp file, then rename) Parquet writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingestion import schemas
from pa_base import paths
from pa_base.paths import ADDED_PREFIX, DATA_FILE

JOURNAL = "_commit.json"
log = logging.getLogger(__name__)


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
    """The partition's main data file (the only one of a snapshot partition)."""
    return lake_root / rel / DATA_FILE


def partition_files(lake_root: Path, rel: str) -> list[Path]:
    """Every data file of a partition, in lake order (`pa_base.paths.partition_files`): `data.parquet`,
    then the files of rows added to it later (`append_file`). Empty when the partition does not exist."""
    return paths.partition_files(lake_root / rel)


def append_file(lake_root: Path, rel: str) -> Path:
    """The next file of rows added to an event partition (`added-<n>.parquet`, n one past the last).

    Rows that win their key against everything the week holds are written beside it instead of
    rewriting the week: a weekly run's late CDRs cost what they weigh, not what the week weighs. A run
    whose rows supersede a row of the week rewrites it whole into `data.parquet` and removes the
    added files (`Staging.remove`), so a partition never holds two rows of one key."""
    files = [f for f in partition_files(lake_root, rel) if f.name != DATA_FILE]
    n = paths.added_number(files[-1]) + 1 if files else 1
    return lake_root / rel / f"{ADDED_PREFIX}{n:04d}.parquet"


def read_partition(lake_root: Path, rel: str, dataset: str) -> pl.DataFrame | None:
    """A partition's rows (all its files, in lake order) in the dataset's schema, or None when it does not exist yet."""
    files = partition_files(lake_root, rel)
    if not files:
        return None
    columns = [pl.col(c).cast(t) for c, t in schemas.schema(dataset).items()]
    return pl.concat([pl.read_parquet(f).select(columns) for f in files], how="vertical")


def partition_rows(lake_root: Path, rel: str) -> int:
    """How many rows a partition holds (0 when it does not exist), from the Parquet footers."""
    return sum(pl.scan_parquet(f).select(pl.len()).collect().item() for f in partition_files(lake_root, rel))


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """The one Parquet writer of the lake: same rows in, same bytes out."""
    frame.write_parquet(path, compression="zstd", statistics=True)


@dataclass
class Staging:
    """Files written next to their final place (`<name>.tmp-<token>`), moved in only by `publish`."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)  # lake files the commit removes (backed up until it is recorded)
    created_dirs: list[Path] = field(default_factory=list)

    def stage(self, frame: pl.DataFrame, final: Path) -> None:
        write_parquet(frame, self.reserve(final))

    def reserve(self, final: Path) -> Path:
        """The tmp path a caller writes `final`'s new content to (moved in by `publish`)."""
        self._mkdir(final.parent)
        tmp = final.with_name(f"{final.name}.tmp-{self.token}")
        self.moves.append((tmp, final))
        return tmp

    def remove(self, final: Path) -> None:
        """Remove `final` from the lake at `publish` (the commit backs it up like a replaced file)."""
        if final not in self.removals:
            self.removals.append(final)

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
        for final in self.removals:
            final.unlink(missing_ok=True)
        self.moves.clear()
        self.removals.clear()

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
        self.removals.clear()


# ------------------------------------------------------------------------------ atomic commit


def _fault_point(point: str) -> None:
    """Fault-injection hook: called between the steps of `commit` (tests replace it to crash there)."""


def _write_synced(path: Path, body: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def commit(lake_root: Path, staging: Staging, manifest, before: list | None = None) -> None:
    """Publish the staged data files and the ingested-files record together (issue #17).

    1. every file a move replaces or the commit removes is hard-linked to `<name>.bak-<token>`; a
       journal `_commit.json` lists the moves, the backups, the files that are new, and the SHA-256
       the record will have;
    2. the data files are moved in; 3. the record is saved: the commit point; 4. backups and the
    journal are removed. A crash before 3 is rolled back (backups restored, new files removed) and
    a crash after it completed by `recover_commit`, which the next run's Manifest.load calls; a
    failure raised here is rolled back at once. So the record and the data never disagree: a re-run
    loads the rows exactly once."""
    if not staging.moves and not staging.removals:
        manifest.save()
        return
    _, body = manifest.merged()
    token = staging.token
    backups, created = [], []
    for final in [*(f for _t, f in staging.moves), *staging.removals]:
        if final.exists():
            bak = final.with_name(f"{final.name}.bak-{token}")
            bak.unlink(missing_ok=True)
            try:
                os.link(final, bak)
            except OSError:
                shutil.copy2(final, bak)
            backups.append((bak, final))
        elif final not in staging.removals:
            created.append(final)
    rel = lambda p: str(Path(p).relative_to(lake_root))  # noqa: E731
    journal = {
        "token": token,
        "record_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "moves": [[rel(t), rel(f)] for t, f in staging.moves],
        "backups": [[rel(b), rel(f)] for b, f in backups],
        "created": [rel(f) for f in created],
    }
    _write_synced(lake_root / JOURNAL, json.dumps(journal, indent=1, sort_keys=True))
    try:
        _fault_point("journaled")
        staging.publish()
        _fault_point("moved")
        manifest.save()
        _fault_point("recorded")
    except BaseException:
        recover_commit(lake_root)
        raise
    recover_commit(lake_root, quiet=True)


def recover_commit(lake_root: Path, quiet: bool = False) -> str | None:
    """Finish what a commit left: 'completed' when its record was saved (backups and journal go),
    'rolled back' when not (the lake is as before the commit), None when there was no journal."""
    lake_root = Path(lake_root)
    journal_path = lake_root / JOURNAL
    if not journal_path.exists():
        return None
    journal = json.loads(journal_path.read_text(encoding="utf-8"))
    record = lake_root / "_ingested.json"
    saved = record.exists() and hashlib.sha256(record.read_bytes()).hexdigest() == journal["record_sha256"]
    if saved:
        for bak, _final in journal["backups"]:
            (lake_root / bak).unlink(missing_ok=True)
        outcome = "completed"
    else:
        for bak, final in journal["backups"]:
            bak, final = lake_root / bak, lake_root / final
            if not bak.exists():
                continue
            if final.exists() and os.path.samefile(bak, final):
                bak.unlink()  # never moved over: rename() of a file onto its own hard link does nothing
            else:
                os.replace(bak, final)
        for final in journal["created"]:
            (lake_root / final).unlink(missing_ok=True)
        outcome = "rolled back"
    for tmp, _final in journal["moves"]:
        (lake_root / tmp).unlink(missing_ok=True)
    journal_path.unlink()
    if not quiet:
        log.warning("%s: an interrupted lake commit was %s", lake_root, outcome)
    return outcome
