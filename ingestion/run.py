"""Ingestion runs: a region's landing folders (or the partner-level one) -> that lake, all or nothing.

A run parses every new landing file, dedupes against the lake, stages every partition it changes as
a tmp file, and only when every file of every dataset succeeded moves them into place, then writes
the quarantine files and, last, the manifest. The summary accounts for every record read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ingestion import schemas
from ingestion.archives import is_zip, read_zip_records
from ingestion.datasets import DatasetSpec, FileContext, Parsed, transform, unknown_enum_counts
from ingestion.dedupe import dedupe, key_columns
from ingestion.events import EVENTS
from ingestion.gate import check_quarantine_gate
from ingestion.lake import DATA_FILE, Staging, append_file, ensure_schema_files, partition_file, partition_files, partition_rel, partition_rows, read_partition
from ingestion.lake import commit as lake_commit
from ingestion.manifest import Manifest
from ingestion.quarantine import write_quarantine
from ingestion.readers import LandingFile, Records, file_sha256, read_csv_records, read_json_items
from ingestion.snapshots import PARTNER_ADMINS, SNAPSHOTS
from ingestion.spill import DUCKDB_MEMORY, EventSpill, key_names, weeks_holding_keys
from pa_base import events, paths, periods
from pa_base.errors import BadArgumentError, FileFormatError

# Rows of one event dataset a run keeps in memory before it spills (about 0.5-1 GB of polars frames
# for CDRs): a weekly run at scale s stays in memory (faster); more is spilled and deduped on disk.
IN_MEMORY_ROWS = int(os.environ.get("PA_INGEST_MEMORY_ROWS", "500000"))

SNAPSHOT_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


def read_records(spec: DatasetSpec, file: LandingFile) -> Records:
    """A landing file's records as strings, read by the format its suffix names."""
    if spec.kind == "event" and is_zip(file.path):  # a Control Hub report download, named or not (SPEC 9)
        return read_zip_records(file, spec.read_fields, spec.required, spec.name, ".csv" in spec.formats)
    suffix = file.path.suffix.lower()
    if suffix not in spec.formats:
        raise FileFormatError(file.path, f"unexpected file type {suffix or '(none)'!r} for {spec.name} (expected {' or '.join(spec.formats)})")
    if suffix == ".csv":
        return read_csv_records(file, spec.read_fields, spec.required)
    return read_json_items(file, spec.read_fields, spec.arrays)


def _snapshot_date(path: Path) -> dt.date | None:
    """The date a snapshot file's name gives (None when the name is not a real <YYYY-MM-DD>.json)."""
    match = SNAPSHOT_NAME.match(path.name)
    try:
        return dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


class ReadAhead:
    """Reads the next landing file of a dataset in a worker thread while the current one is
    transformed: the parse (DuckDB, CSV) of one file overlaps the polars work on the other.
    Results are taken in file order, so errors surface exactly where a sequential read raises them;
    a file read ahead but then skipped (same content as one just ingested) is simply dropped."""

    def __init__(self, spec: DatasetSpec) -> None:
        self.spec = spec
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
        self.pending: dict[Path, Future] = {}

    def prefetch(self, file: LandingFile | None) -> None:
        if file is not None and file.path not in self.pending:
            self.pending[file.path] = self.pool.submit(read_records, self.spec, file)

    def records(self, file: LandingFile) -> Records:
        future = self.pending.pop(file.path, None)
        return future.result() if future is not None else read_records(self.spec, file)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class DatasetRun:
    """What one run did with one landing dataset (the summary entry)."""

    files_ingested: int = 0
    files_skipped: int = 0
    files_deferred: int = 0
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    replaced: int = 0
    quarantine_reasons: Counter = field(default_factory=Counter)
    unknown_enums: dict[str, Counter] = field(default_factory=dict)
    partitions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # landing files ingested (their rows loaded, duplicates or quarantined)
    unrecognised_ids: Counter = field(default_factory=Counter)  # id field -> values neither UUID nor Hydra (SPEC 9)

    def count_enums(self, found: dict[str, dict[str, int]]) -> None:
        for source_field, values in found.items():
            self.unknown_enums.setdefault(source_field, Counter()).update(values)

    def as_dict(self, name: str) -> dict:
        assert self.read == self.loaded + self.duplicates + self.quarantined, (
            f"{name}: read {self.read} != loaded {self.loaded} + duplicates {self.duplicates} + quarantined {self.quarantined}"
        )
        return {
            "files_ingested": self.files_ingested,
            "files_skipped": self.files_skipped,
            "files_deferred": self.files_deferred,
            "read": self.read,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "replaced": self.replaced,
            "quarantine_reasons": dict(sorted(self.quarantine_reasons.items())),
            "unknown_enums": {f: dict(sorted(v.items())) for f, v in sorted(self.unknown_enums.items())},
            "partitions": sorted(self.partitions),
            "files": sorted(self.files),
            "unrecognised_ids": dict(sorted(self.unrecognised_ids.items())),
        }


@dataclass
class Run:
    """One ingestion run into one lake root: staged writes, quarantines and manifest additions."""

    landing: Path
    lake_root: Path
    region: str  # the landing folder's region ("partner" for partner-level data)
    week_ending: dt.date
    manifest: Manifest
    staging: Staging = field(default_factory=Staging)
    quarantines: list[tuple[str, str, pl.DataFrame]] = field(default_factory=list)
    _scratch: Path | None = None

    @property
    def scratch(self) -> Path:
        """This run's work folder (spills, DuckDB temp files), created on first use."""
        if self._scratch is None:
            self._scratch = self.staging.scratch(self.lake_root)
        return self._scratch

    def close(self) -> None:
        """Remove the work folder (after publish or discard)."""
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    # ------------------------------------------------------------------------------ files

    def landing_files(self, folder: Path) -> list[Path]:
        """The dataset folder's files, by name (hidden files such as partial uploads are ignored)."""
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.name)

    def parse_file(self, spec: DatasetSpec, file: LandingFile, snapshot_date: dt.date | None = None, records: Records | None = None) -> Parsed:
        if records is None:
            records = read_records(spec, file)
        parsed = transform(spec, records, FileContext(file, self.region, snapshot_date))
        events.file_parsed(parsed.rows.height + parsed.quarantine.height)
        if parsed.quarantine.height:
            self.quarantines.append((spec.name, file.hash8, parsed.quarantine))
        return parsed

    # ------------------------------------------------------------------------------ datasets

    def ingest_events(self, spec: DatasetSpec, folder: Path) -> DatasetRun:
        """All new files of an event dataset -> dedupe with the touched lake weeks (those the rows fall in,
        and those holding one of their keys: `DatasetSpec.key_moves`) -> staged weeks.

        Parsed rows are kept in memory while they fit IN_MEMORY_ROWS (a weekly run at scale s) and
        deduped with the touched weeks in polars; past that, everything parsed so far and every later
        file is spilled to Parquet and deduped keys-only in DuckDB (ingestion/spill.py), so memory
        stays bounded whatever a run lands. Both paths give the same lake, row for row."""
        out = DatasetRun()
        prefix = f"{folder.relative_to(self.landing).as_posix()}/"
        paths = self.landing_files(folder)
        landing_file = _hashed_landing_files(prefix, self.manifest)

        def unseen(path: Path) -> LandingFile | None:
            """The file when this run will ingest it (new content); unreadable ones wait their turn."""
            try:
                file = landing_file(path)
            except OSError:
                return None
            return None if self.manifest.has_content(prefix, file.sha256) else file

        held: list[pl.DataFrame] = []
        held_rows = 0
        spill: EventSpill | None = None
        ahead = ReadAhead(spec)
        try:
            for i, path in enumerate(paths):
                file = landing_file(path)
                if self.manifest.has_content(prefix, file.sha256):
                    landing_file.remember(file)
                    out.files_skipped += 1
                    continue
                landing_file.hash_ahead(paths[i + 1 :])
                ahead.prefetch(file)
                ahead.prefetch(next(filter(None, map(unseen, paths[i + 1 :])), None))
                parsed = self.parse_file(spec, file, records=ahead.records(file))
                self.manifest.add(file.rel, file.sha256)
                landing_file.remember(file)
                out.files_ingested += 1
                out.files.append(file.rel)
                self._count(out, parsed)
                if spill is None and held_rows + parsed.rows.height > IN_MEMORY_ROWS:
                    spill = EventSpill(spec, self.scratch / spec.name, self.lake_root)
                    for rows in held:
                        spill.add(rows)
                    held, held_rows = [], 0
                if spill is None:
                    held.append(parsed.rows)
                    held_rows += parsed.rows.height
                else:
                    spill.add(parsed.rows)
                del parsed  # one file's rows at a time
            ahead.close()
            landing_file.close()
            # the other weeks holding a key of the held rows; None: the spill finds them from its files
            moved = self._moved_key_weeks(spec, held) if spill is None else None
            if spill is None and held_rows + self._reopened_rows(spec, held, moved) > IN_MEMORY_ROWS:
                # the lake weeks these rows reopen are read whole by the in-memory dedupe: in steady state
                # last week's late CDRs reopen its full partition (SPEC 13), which would double the memory
                spill = EventSpill(spec, self.scratch / spec.name, self.lake_root)
                for rows in held:
                    spill.add(rows)
                held = []
            if spill is None:
                self._settle_in_memory(spec, out, held, moved)
                return out
            if spill.rows == 0:
                return out
            result = spill.settle(moved)
            out.loaded += result.loaded
            out.duplicates += result.duplicates
            out.replaced += result.replaced
            out.count_enums(result.unknown_enums)
            for week in result.changed_weeks:
                rel = partition_rel(spec.lake, "week_ending", week)
                if week in result.appended_weeks:
                    # every row the week holds stands: this run's winners are added beside them (late CDRs)
                    spill.write_added(week, self.staging.reserve(append_file(self.lake_root, rel)))
                else:
                    spill.write_week(week, self.staging.reserve(partition_file(self.lake_root, rel)))
                    self._remove_added(rel)
                out.partitions.append(rel)
            return out
        finally:
            ahead.close()
            landing_file.close()
            if spill is not None:
                spill.close()

    @staticmethod
    def _held_weeks(held: list[pl.DataFrame]) -> set[dt.date]:
        return {w for rows in held for w in rows.get_column("week_ending").unique().to_list()}

    def _moved_key_weeks(self, spec: DatasetSpec, held: list[pl.DataFrame]) -> list[dt.date]:
        """The other lake weeks holding a key of the held rows (ingestion/spill.py `weeks_holding_keys`)."""
        if not spec.key_moves or not held:
            return []
        keys = pl.concat([rows.select(key_names(spec)) for rows in held], how="vertical")
        con = duckdb.connect(config={"threads": 1, "memory_limit": DUCKDB_MEMORY})
        try:
            con.register("run_keys", keys.to_arrow())
            return weeks_holding_keys(con, spec, self.lake_root, "select * from run_keys", sorted(self._held_weeks(held)))
        finally:
            con.close()

    def _reopened_rows(self, spec: DatasetSpec, held: list[pl.DataFrame], moved: list[dt.date]) -> int:
        """Rows of the lake partitions (Parquet footers) of the weeks the held rows fall in or hold a key of."""
        weeks = self._held_weeks(held) | set(moved)
        return sum(partition_rows(self.lake_root, partition_rel(spec.lake, "week_ending", w)) for w in weeks)

    def _settle_in_memory(self, spec: DatasetSpec, out: DatasetRun, held: list[pl.DataFrame], moved: list[dt.date]) -> None:
        """Dedupe this run's rows (all in memory) with the lake weeks they touch or hold a key of
        (`moved`); stage changed weeks."""
        rows = pl.concat(held, how="vertical") if held else schemas.empty_frame(spec.lake)
        if rows.height == 0:
            return
        weeks = sorted(self._held_weeks([rows]) | set(moved))
        rels = {week: partition_rel(spec.lake, "week_ending", week) for week in weeks}
        existing_parts = [read_partition(self.lake_root, rels[w], spec.lake) for w in weeks]
        existing = [p for p in existing_parts if p is not None]
        result = dedupe(spec, rows, pl.concat(existing, how="vertical") if existing else None)
        out.loaded += result.loaded
        out.duplicates += result.duplicates
        out.replaced += result.replaced
        out.count_enums(unknown_enum_counts(spec, result.winners.filter(pl.col("_origin") == 1)))
        existing_count = {w: (p.height if p is not None else 0) for w, p in zip(weeks, existing_parts)}
        for week in weeks:
            part = result.winners.filter(pl.col("week_ending") == week)
            kept_old = part.filter(pl.col("_origin") == 0).height
            if kept_old == existing_count[week] and kept_old == part.height:
                continue  # nothing of this run won here and nothing was superseded: unchanged
            if kept_old == existing_count[week] and kept_old:
                # every row the week holds stands: this run's winners are added beside them (late CDRs)
                added = self._lineage_sorted(spec, part.filter(pl.col("_origin") == 1))
                self._stage_file(spec.lake, append_file(self.lake_root, rels[week]), added)
            else:
                self._stage(spec.lake, rels[week], self._lineage_sorted(spec, part))
            out.partitions.append(rels[week])

    def ingest_snapshots(self, spec: DatasetSpec, folder: Path) -> DatasetRun:
        """Each new snapshot file dated on or before the week ending -> its snapshot_date partitions."""
        out = DatasetRun()
        prefix = f"{folder.relative_to(self.landing).as_posix()}/"
        paths = self.landing_files(folder)
        landing_file = _hashed_landing_files(prefix, self.manifest)

        def unseen(path: Path) -> LandingFile | None:
            """The file when this run will ingest it (a valid name dated in time, new content)."""
            snapshot_date = _snapshot_date(path)
            if snapshot_date is None or snapshot_date > self.week_ending:
                return None
            try:
                file = landing_file(path)
            except OSError:
                return None  # raised in its turn
            return None if self.manifest.has_file(file.rel, file.sha256) else file

        ahead = ReadAhead(spec)
        try:
            for i, path in enumerate(paths):
                snapshot_date = _snapshot_date(path)
                if snapshot_date is None:
                    raise FileFormatError(path, f"a {spec.name} snapshot file must be named <YYYY-MM-DD>.json")
                if snapshot_date > self.week_ending:
                    out.files_deferred += 1  # a later run ingests it
                    continue
                file = landing_file(path)
                if self.manifest.has_file(file.rel, file.sha256):
                    landing_file.remember(file)
                    out.files_skipped += 1
                    continue
                # files dated after the week wait for a later run: not read now
                landing_file.hash_ahead([p for p in paths[i + 1 :] if (d := _snapshot_date(p)) is not None and d <= self.week_ending])
                ahead.prefetch(file)
                ahead.prefetch(next(filter(None, map(unseen, paths[i + 1 :])), None))
                parsed = self.parse_file(spec, file, snapshot_date, ahead.records(file))
                self.manifest.add(file.rel, file.sha256)
                landing_file.remember(file)
                out.files_ingested += 1
                out.files.append(file.rel)
                self._count(out, parsed)
                self._stage_snapshot(spec, out, snapshot_date, parsed)
        finally:
            ahead.close()
            landing_file.close()
        return out

    def _stage_snapshot(self, spec: DatasetSpec, out: DatasetRun, snapshot_date: dt.date, parsed: Parsed) -> None:
        """Dedupe one snapshot file's rows and stage its snapshot_date partition of each lake dataset."""
        result = dedupe(spec, parsed.rows)
        out.loaded += result.loaded
        out.duplicates += result.duplicates
        out.count_enums(unknown_enum_counts(spec, result.winners))
        main = result.winners
        frames = {spec.lake: main, **(spec.bridges(main) if spec.bridges else {})}
        for dataset in spec.lake_datasets:
            rel = partition_rel(dataset, "snapshot_date", snapshot_date)
            if dataset == spec.lake:
                out.replaced += partition_rows(self.lake_root, rel)  # a re-delivered snapshot replaces them
                frame = self._sorted(spec, main)
            else:
                frame = frames[dataset].sort(pl.all().exclude("source_file", "source_row", "snapshot_date"), "source_row")
            self._stage(dataset, rel, frame)
            out.partitions.append(rel)

    # ------------------------------------------------------------------------------ helpers

    @staticmethod
    def _count(out: DatasetRun, parsed: Parsed) -> None:
        out.read += parsed.read
        out.quarantined += parsed.quarantine.height
        out.quarantine_reasons.update(parsed.reasons)
        out.unrecognised_ids.update(parsed.unrecognised_ids)

    @staticmethod
    def _lineage_sorted(spec: DatasetSpec, frame: pl.DataFrame) -> pl.DataFrame:
        """An event partition's rows in lake order: lineage (landing file name, row), then key (which
        only separates a lake row from a row of a re-landed file of the same name and row number).

        This is the order the rows arrive in, so the spill path streams a week's spills to the lake
        without sorting them (ingestion/spill.py); lineage order also keeps rows of one time span
        together, which is what the marts filter on."""
        keys = key_columns(spec)
        names = [f"_k{i}" for i in range(len(keys))]
        return frame.with_columns(keys).sort(["source_file", "source_row", *names], nulls_last=False).drop(names)

    @staticmethod
    def _sorted(spec: DatasetSpec, frame: pl.DataFrame) -> pl.DataFrame:
        """A snapshot partition's rows in lake order: key, then lineage."""
        keys = key_columns(spec)
        names = [f"_k{i}" for i in range(len(keys))]
        return frame.with_columns(keys).sort([*names, "source_file", "source_row"], nulls_last=False).drop(names)

    def _stage(self, dataset: str, rel: str, frame: pl.DataFrame) -> None:
        """Stage a partition's whole content: its `data.parquet`, and the removal of any added files."""
        self._stage_file(dataset, partition_file(self.lake_root, rel), frame)
        self._remove_added(rel)

    def _stage_file(self, dataset: str, final: Path, frame: pl.DataFrame) -> None:
        typed = frame.select([pl.col(c).cast(t) for c, t in schemas.schema(dataset).items()])
        self.staging.stage(typed, final)

    def _remove_added(self, rel: str) -> None:
        for added in partition_files(self.lake_root, rel):
            if added.name != DATA_FILE:
                self.staging.remove(added)

    def commit(self, lake_datasets: dict) -> None:
        """Publish: schema files, quarantine files (merged idempotently, so a rolled-back commit's
        re-run writes the same), then the staged partitions and the manifest as one commit."""
        ensure_schema_files(self.lake_root, lake_datasets)
        for dataset, hash8, rows in self.quarantines:
            write_quarantine(self.lake_root, dataset, hash8, rows)
        lake_commit(self.lake_root, self.staging, self.manifest)


class _HashedLandingFiles:
    """path -> LandingFile, hashing each file's content at most once per run, and not at all when the
    manifest's recorded size and mtime (ns) of the file still match (SPEC 13: a no-op re-run reads no
    landing file). `remember` records a known file's stat in the manifest (saved with the run's commit).

    `hash_ahead` starts hashing the next new files in a worker thread (hashlib and file reads release
    the GIL) while the current file is parsed and transformed: a weekly run's new files were hashed one
    after another on the main thread (~12 s of ~130 s of ingestion at scale m, region US, 4 GB of new
    landing files). Each file is stat'ed on the main thread before its hash starts, so a write during
    the read still shows as a changed mtime next time; an error (the file vanished, unreadable) is
    raised where the file is looked up, as without the worker. `close` stops the worker."""

    AHEAD = 2  # files hashed ahead of the one being ingested

    def __init__(self, prefix: str, manifest: Manifest) -> None:
        self.prefix, self.manifest = prefix, manifest
        self.hashed: dict[Path, LandingFile] = {}
        self.stat_of: dict[Path, tuple[int, int]] = {}
        self.pending: dict[Path, Future] = {}
        self.pool: ThreadPoolExecutor | None = None

    def __call__(self, path: Path) -> LandingFile:
        if path not in self.hashed:
            rel = self.prefix + path.name
            future = self.pending.pop(path, None)
            if future is not None:
                sha256 = future.result()  # stat'ed when the hash started
            else:
                st = path.stat()  # before reading: a write during the read changes the mtime, so it is hashed again next time
                self.stat_of[path] = (st.st_size, st.st_mtime_ns)
                sha256 = self.manifest.known_sha256(rel, st.st_size, st.st_mtime_ns) or file_sha256(path)
            self.hashed[path] = LandingFile(path, rel, sha256)
        return self.hashed[path]

    def hash_ahead(self, paths: list[Path]) -> None:
        """Start hashing those of `paths` whose stat the manifest does not know (at most AHEAD at once)."""
        for path in paths:
            if len(self.pending) >= self.AHEAD:
                return
            if path in self.hashed or path in self.pending:
                continue
            rel = self.prefix + path.name
            try:
                st = path.stat()
            except OSError:
                continue  # looked up (and raised) in its turn
            self.stat_of[path] = (st.st_size, st.st_mtime_ns)
            known = self.manifest.known_sha256(rel, st.st_size, st.st_mtime_ns)
            if known is not None:  # no read at all, and not stat'ed again
                self.hashed[path] = LandingFile(path, rel, known)
                continue
            if self.pool is None:
                self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hash-ahead")
            self.pending[path] = self.pool.submit(file_sha256, path)

    def remember(self, file: LandingFile) -> None:
        size, mtime_ns = self.stat_of[file.path]
        self.manifest.note_stat(file.rel, size, mtime_ns, file.sha256)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.pending.clear()


def _hashed_landing_files(prefix: str, manifest: Manifest) -> _HashedLandingFiles:
    return _HashedLandingFiles(prefix, manifest)


def _execute(run: Run, specs: list[DatasetSpec], base: Path, lake_datasets: dict) -> dict:
    summary: dict[str, dict] = {}
    events.files_expected(sum(len(run.landing_files(base / spec.name)) for spec in specs))
    try:
        try:
            for spec in specs:
                folder = base / spec.name
                outcome = run.ingest_events(spec, folder) if spec.kind == "event" else run.ingest_snapshots(spec, folder)
                summary[spec.name] = outcome.as_dict(spec.name)
            check_quarantine_gate(summary)  # over PA_MAX_QUARANTINE_PCT: nothing is published (SPEC 9)
        finally:
            run.close()
    except BaseException:
        run.staging.discard()
        raise
    run.commit(lake_datasets)
    return summary


def ingest_region(landing: Path, home: Path, region: str, week_ending: dt.date) -> dict:
    """Ingest `<landing>/<region>/<dataset>/*` (regional datasets) into `<home>/lake/<region>/`.

    Returns the per-landing-dataset summary (read = loaded + duplicates + quarantined)."""
    if region not in schemas.REGIONS:
        raise BadArgumentError(f"unknown region {region!r} (expected one of {', '.join(schemas.REGIONS)})")
    week_ending = periods.week_ending(week_ending)
    landing, lake_root = Path(landing), paths.lake_dir(home, region)
    run = Run(landing, lake_root, region, week_ending, Manifest.load(lake_root))
    specs = [EVENTS.get(name) or SNAPSHOTS[name] for name in schemas.REGIONAL_LANDING_DATASETS]
    regional = {**schemas.EVENT_DATASETS, **schemas.SNAPSHOT_DATASETS}
    return _execute(run, specs, landing / region, regional)


def ingest_partner(landing: Path, home: Path, week_ending: dt.date) -> dict:
    """Ingest `<landing>/partner_admins/*` into `<home>/lake/partner/` (same rules as a region)."""
    week_ending = periods.week_ending(week_ending)
    landing, lake_root = Path(landing), paths.partner_lake_dir(home)
    run = Run(landing, lake_root, paths.PARTNER, week_ending, Manifest.load(lake_root))
    return _execute(run, [PARTNER_ADMINS], landing, schemas.PARTNER_DATASETS)
