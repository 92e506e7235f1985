"""Memory-bounded dedupe of an event dataset's run: typed rows spilled to Parquet per (landing file,
week), a keys-only pass over the spills and the touched lake weeks in DuckDB (the weeks the rows fall
in and, found by `weeks_holding_keys`, the weeks holding one of their keys), the dedupe rules of
`dedupe.settle` applied only to rows whose key repeats, and each changed week partition written in lake
order (lineage, then key) without ever holding a whole week in memory: streamed from the spills as
they are, or (when the lake already holds rows of the week) sorted on disk by DuckDB."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion import schemas
from ingestion.datasets import DatasetSpec, unknown_enum_counts
from ingestion.dedupe import LINEAGE, key_columns, settle
from ingestion.lake import partition_files, partition_rel
from pa_base.paths import partition_dates

# DuckDB's buffer budget for the keys-only pass and the on-disk sort (it spills beyond this); with
# polars' one parsed file and the read-ahead file it keeps a run well under 1 GiB.
DUCKDB_MEMORY = "320MB"
DUCKDB_THREADS = 2
# Rows whose key repeats are settled in polars in buckets of about this many rows (by key hash),
# so even a run that re-sends a whole week stays bounded.
SETTLE_ROWS = 400_000
# Rows per Parquet row group when a week is streamed from its spills (about 40 MB of CDRs in flight).
STREAM_ROW_GROUP = 100_000

DUCK_TYPES = {pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN", pl.Date: "DATE"}


def duck_type(dtype: pl.DataType) -> str:
    """The DuckDB type whose Parquet column polars reads back as `dtype` (lake schema types only)."""
    if dtype == schemas.TS:
        return "TIMESTAMPTZ"
    return DUCK_TYPES[dtype]


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(_sql_path(p) for p in paths) + "]"


def _row_groups(path: Path, columns: list[str], gone: list[int]) -> Iterator[pl.DataFrame]:
    """A lake file's rows, one Parquet row group at a time and in file order, without the rows whose
    numbers (0-based, in the file) are in `gone`. Measured at scale m (US, the 4 M-row week D - 7):
    pyarrow's iter_batches kept what it read (ingestion peaked at 1,065 MiB) and polars' collect_batches
    read ahead (1,629 MiB); polars slices re-opened the file each time (16.7 s for that week instead
    of 7.2 s). One row group read at a time (pyarrow's read_row_group) costs one row group's memory:
    rewriting that week (`write_week`, writer thread included) went from 21 s to 6 s."""
    lost = np.sort(np.asarray(gone, dtype=np.int64))
    source = pq.ParquetFile(path)
    offset = 0
    for index in range(source.num_row_groups):
        size = source.metadata.row_group(index).num_rows
        rows = pl.DataFrame(source.read_row_group(index, columns=columns))
        here = lost[(lost >= offset) & (lost < offset + size)] - offset
        if len(here):
            keep = np.ones(size, dtype=bool)
            keep[here] = False
            rows = rows.filter(pl.Series(keep))
        offset += size
        yield rows


def key_names(spec: DatasetSpec) -> list[str]:
    """The dedupe key as stored columns: a plain column by its name, an expression as `_k<i>`."""
    return [k if isinstance(k, str) else f"_k{i}" for i, k in enumerate(spec.key)]


def key_helpers(spec: DatasetSpec) -> list[pl.Expr]:
    """Polars expressions for the key parts that are expressions (spilled, so DuckDB never
    re-implements them: e.g. polars' Unicode lower-casing of an email)."""
    return [k.alias(f"_k{i}") for i, k in enumerate(spec.key) if not isinstance(k, str)]


def weeks_holding_keys(con: duckdb.DuckDBPyConnection, spec: DatasetSpec, lake_root: Path, run_keys: str, skip: list[dt.date]) -> list[dt.date]:
    """The lake weeks, other than `skip` (the weeks the run's rows fall in), that hold a key of
    `run_keys` (SQL giving the run's key columns): where a key re-sent with a time in another week
    (`DatasetSpec.key_moves`) was loaded before. Those weeks join the run's dedupe, so a key is held
    once in the whole lake, as one full rebuild would hold it (SPEC 13).

    Only the key columns of those weeks are read: first a semi-join of 64-bit key hashes (the run's on
    the build side), which finds nothing in the usual week; only when a hash matches, the exact keys
    say which weeks. Measured at scale m (CDR, 3.9 M new keys against 3 weeks of 4 M legs): 0.74 s,
    0.49 s of it reading the run's keys; the exact string join over the same weeks took 2.7 s. It is
    the one part of ingestion that grows with the weeks of history (~0.1 s per week of 4 M legs); a
    horizon would bound it but lose the guarantee."""
    if not spec.key_moves:
        return []
    files = {
        str(f): week
        for week in partition_dates(lake_root / spec.lake)
        if week not in skip
        for f in partition_files(lake_root, partition_rel(spec.lake, "week_ending", week))
    }
    if not files:
        return []
    keys = key_names(spec)
    old = f"read_parquet({_sql_list([Path(f) for f in files])}, filename=true, union_by_name=true)"
    hashed = f"select hash({', '.join(keys)}) as h from "
    # hash() of NULL parts is a value like any other: NULLs match, a superset of `is not distinct from`
    if not con.execute(f"select count(*) from ({hashed}{old}) o semi join ({hashed}({run_keys})) n on o.h = n.h").fetchone()[0]:
        return []
    match = " and ".join(f"o.{k} is not distinct from n.{k}" for k in keys)
    found = con.execute(f"select distinct o.filename from {old} o semi join ({run_keys}) n on {match}").fetchall()
    return sorted({files[name] for (name,) in found})


@dataclass(frozen=True)
class Part:
    """One Parquet file of the dedupe universe: a spill of this run (origin 1) or a lake week (origin 0)."""

    path: Path
    week: dt.date
    origin: int
    rows: int


@dataclass
class Settled:
    """What the dedupe of one event dataset's run decided."""

    loaded: int
    duplicates: int
    replaced: int
    unknown_enums: dict[str, dict[str, int]]
    changed_weeks: list[dt.date]
    appended_weeks: list[dt.date] = field(default_factory=list)  # changed weeks written by `write_added`


@dataclass
class EventSpill:
    """This run's typed rows of one event dataset, spilled per (landing file, week) under `folder`."""

    spec: DatasetSpec
    folder: Path
    lake_root: Path
    parts: list[Part] = field(default_factory=list)
    enums: dict[str, Counter] = field(default_factory=dict)  # unknown enum values over every spilled row
    con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)  # opened by settle()
    _lost: pl.DataFrame | None = field(default=None, repr=False)  # (_fid, _row) of every losing row, set by settle()
    _streamed: set[dt.date] = field(default_factory=set, repr=False)  # changed weeks write_week streams, set by settle()

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.parts if p.origin == 1)

    @property
    def weeks(self) -> list[dt.date]:
        return sorted({p.week for p in self.parts if p.origin == 1})

    def add(self, rows: pl.DataFrame) -> None:
        """Spill one file's clean rows (one Parquet file per week they fall in)."""
        if rows.height == 0:
            return
        for field_name, values in unknown_enum_counts(self.spec, rows).items():
            self.enums.setdefault(field_name, Counter()).update(values)
        helpers = key_helpers(self.spec)
        rows = rows.with_columns(helpers) if helpers else rows
        self.folder.mkdir(parents=True, exist_ok=True)
        for (week,), part in sorted(rows.partition_by("week_ending", as_dict=True, maintain_order=True).items()):
            path = self.folder / f"{len(self.parts):05d}.parquet"
            # lz4: written once and read back three times, space matters less than speed here
            part.write_parquet(path, compression="lz4", statistics=False)
            self.parts.append(Part(path, week, 1, part.height))

    # -------------------------------------------------------------------------------------- dedupe

    def settle(self, moved: list[dt.date] | None = None) -> Settled:
        """Dedupe this run's rows against the lake's partitions of the weeks they touch, and of the
        weeks holding one of their keys: `moved` when the caller already probed the same rows (held in
        memory, then spilled), else found here (`weeks_holding_keys`)."""
        self.con = con = self._connect()
        if moved is None:
            spills = [p.path for p in self.parts if p.origin == 1]
            run_keys = f"select {', '.join(key_names(self.spec))} from read_parquet({_sql_list(spills)})"
            moved = weeks_holding_keys(con, self.spec, self.lake_root, run_keys, self.weeks)
        weeks = sorted({*self.weeks, *moved})
        for week in weeks:
            for old in partition_files(self.lake_root, partition_rel(self.spec.lake, "week_ending", week)):
                rows = pl.scan_parquet(old).select(pl.len()).collect().item()
                self.parts.append(Part(self._comparable(old, len(self.parts)), week, 0, rows))
        con.execute("create table parts (fid integer, path varchar, week date, origin tinyint)")
        con.executemany("insert into parts values (?, ?, ?, ?)", [[i, str(p.path), p.week, p.origin] for i, p in enumerate(self.parts)])
        lake = schemas.schema(self.spec.lake)
        keys = key_names(self.spec)
        key_list = ", ".join(keys)
        # Keys-only pass (DuckDB reads just the key columns): which keys occur more than once
        # (rare), then every row holding one of them.
        con.execute(
            f"create table repeated as select u.* from ({self._scan(self.parts)}) u semi join "
            f"(select {key_list} from ({self._scan(self.parts, keys_only=True)}) group by all having count(*) > 1) k on "
            + " and ".join(f"u.{k} is not distinct from k.{k}" for k in keys)
        )
        count = con.execute("select count(*) from repeated").fetchall()[0][0]
        buckets = max(1, -(-count // SETTLE_ROWS))
        lost_parts: list[pl.DataFrame] = []
        for bucket in range(buckets):
            where = f"where hash({key_list}) % {buckets} = {bucket}" if buckets > 1 else ""
            rows = con.sql(f"select * from repeated {where}").pl()
            rows = rows.select(
                [pl.col(c).cast(t) for c, t in lake.items()] + [pl.col("_fid").cast(pl.Int32), pl.col("_origin").cast(pl.Int8), pl.col("_row").cast(pl.Int64)]
            )
            decided = settle(self.spec, rows.with_columns(key_columns(self.spec)))
            lost_parts.append(decided.filter(~pl.col("_wins")).select(*lake, "_fid", "_origin", "_row", "_collapsed"))
        lost = pl.concat(lost_parts, how="vertical") if lost_parts else None
        if lost is None:
            lost = pl.DataFrame(schema={**lake, "_fid": pl.Int32, "_origin": pl.Int8, "_row": pl.Int64, "_collapsed": pl.Boolean})
        self._lost = lost.select("_fid", "_row")
        con.execute("drop table repeated")
        con.register("lost_ids", lost.select("_fid", "_row").to_arrow())
        con.execute("create table losers as select * from lost_ids")
        con.unregister("lost_ids")

        lost_new = lost.filter(pl.col("_origin") == 1)
        lost_old = lost.filter(pl.col("_origin") == 0)
        duplicates = lost_new.height
        replaced = lost_old.filter(~pl.col("_collapsed")).height  # identical copies collapse, they are not replaced
        enums = {f: Counter(v) for f, v in self.enums.items()}
        for field_name, values in unknown_enum_counts(self.spec, lost_new).items():
            enums[field_name].subtract(values)  # counted on this run's winners only
        unknown = {f: {v: n for v, n in sorted(c.items()) if n > 0} for f, c in sorted(enums.items())}
        new_per_week = Counter()
        for p in self.parts:
            if p.origin == 1:
                new_per_week[p.week] += p.rows
        lost_new_per_week = Counter(lost_new.get_column("week_ending").to_list())
        old_lost_weeks = set(lost_old.get_column("week_ending").to_list())
        # A week changes when a row of this run won there or a lake row of it lost (else: untouched).
        changed = [w for w in weeks if new_per_week[w] > lost_new_per_week[w] or w in old_lost_weeks]
        # A changed week the lake held and of which no row lost: this run's winners are added beside it.
        held_weeks = {p.week for p in self.parts if p.origin == 0}
        appended = [w for w in changed if w in held_weeks and w not in old_lost_weeks]
        self._streamed = {w for w in changed if w in appended or self._lineage_ordered([p for p in self.parts if p.week == w])}
        if len(self._streamed) == len(changed):
            # Every changed week is written by streaming (new to the lake, rows added beside it, or
            # merged in lineage order): no DuckDB sort; closing it now returns its buffers (up to
            # DUCKDB_MEMORY) before the weeks are written - at scale m the new week's spills read one
            # at a time on top of them took ingestion to 1.3 GiB.
            self.con.close()
            self.con = None
        return Settled(self.rows - duplicates, duplicates, replaced, {f: v for f, v in unknown.items() if v}, changed, appended)

    def write_week(self, week: dt.date, target: Path) -> None:
        """Write one week's winners (spills + old partition - losers) to `target` in the lake order of
        event partitions (lineage, then key; `Run._lineage_sorted`).

        Without a lake partition for the week (every weekly run's own week) that order is simply the
        spills in the order they were written: one spill per landing file and week, files taken by
        name, rows in source order. They are streamed to the target one at a time, no sort at all.
        When the lake already holds rows of the week (last week, reopened by late CDRs that replace
        some of its rows) and they all come before this run's in lineage order - the usual case: late
        data arrives in landing files named after the ones already loaded - the week's files are
        streamed as they are, minus the rows that lost, followed by the spills: no sort, memory of a
        row group. Otherwise DuckDB merges them in with an on-disk sort."""
        parts = [p for p in self.parts if p.week == week]
        if week in self._streamed:
            self._stream_week(week, target, old_first=True)
            return
        lake = schemas.schema(self.spec.lake)
        order = ", ".join(f"{c} asc nulls first" for c in [*LINEAGE, *key_names(self.spec)])
        scan = self._scan(parts)
        # Sorted into a table of the on-disk work database first: a COPY straight from the sort
        # (or a union of per-file scans) exceeds the memory limit at scale m instead of spilling.
        self.con.execute(
            f"create or replace table week_rows as select {', '.join(lake)} from ({scan}) u "
            f"anti join losers l on l._fid = u._fid and l._row = u._row order by {order}"
        )
        self.con.execute(f"copy week_rows to {_sql_path(target)} (format parquet, compression zstd)")
        self.con.execute("drop table week_rows")

    def write_added(self, week: dt.date, target: Path) -> None:
        """Write this run's winners of a week the lake holds and of which no row lost (`Settled.appended_weeks`)
        to `target`, the week's next added file (ingestion/lake.py `append_file`): streamed in spill order,
        no sort, and the week's rows are not read at all."""
        self._stream_week(week, target)

    def _lineage_ordered(self, parts: list[Part]) -> bool:
        """True when the week's lake files, in lake order, then this run's spills hold landing files
        (`source_file`) in strictly increasing ranges: their rows concatenated are in lake order (a week
        new to the lake: always). One column read, streaming."""
        groups = [[p.path] for p in parts if p.origin == 0] + [[p.path for p in parts if p.origin == 1]]
        groups = [g for g in groups if g]  # a week may change only by losing rows (a key moved to another week)
        ranges = []
        for paths in groups:
            low, high = (
                pl.scan_parquet(paths)
                .select(pl.col("source_file").min().alias("low"), pl.col("source_file").max().alias("high"))
                .collect(engine="streaming")
                .row(0)
            )
            if low is not None:  # an emptied week's file holds no row
                ranges.append((low, high))
        return all(a[1] < b[0] for a, b in zip(ranges, ranges[1:]))

    def _stream_week(self, week: dt.date, target: Path, old_first: bool = False) -> None:
        """This run's spills of one week, minus the losers, appended in spill order to `target`;
        with old_first, preceded by the week's lake files (minus the rows that lost) read a row group
        at a time.

        Parquet encoding and compression (pyarrow, single-threaded, about half of this at scale m) run
        in a writer thread while the next row group is read and prepared: at most one row group is
        being written while the next one is gathered."""
        lake = schemas.schema(self.spec.lake)
        lost_rows = dict(self._lost.group_by("_fid").agg(pl.col("_row")).iter_rows())
        writer: pq.ParquetWriter | None = None
        pending: list[pl.DataFrame] = []
        pending_rows = 0
        writing: Future | None = None
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="week-writer")

        def flush(last: bool = False) -> None:
            """Hand whole row groups of the pending rows to the writer (all of them when `last`): every
            row group but the file's last holds exactly STREAM_ROW_GROUP rows, whatever sizes the old
            file's row groups and the spills come in."""
            nonlocal writer, pending, pending_rows, writing
            if not pending:
                return
            rows = pl.concat(pending, how="vertical")
            whole = rows.height if last else rows.height - rows.height % STREAM_ROW_GROUP
            pending = [rows.slice(whole).rechunk()] if whole < rows.height else []  # a copy: `rows` goes now
            pending_rows = rows.height - whole
            if not whole and not last:
                return
            table = rows.slice(0, whole).to_arrow(compat_level=pl.CompatLevel.oldest())
            if writing is not None:
                writing.result()  # one row group in flight; its error surfaces here
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema, compression="zstd", write_statistics=True)
            writing = pool.submit(writer.write_table, table, row_group_size=STREAM_ROW_GROUP)

        def add(rows: pl.DataFrame) -> None:
            nonlocal pending_rows
            pending.append(rows.select([pl.col(c).cast(t) for c, t in lake.items()]))
            pending_rows += rows.height
            if pending_rows >= STREAM_ROW_GROUP:
                flush()

        try:
            if old_first:
                for fid, part in enumerate(self.parts):
                    if part.week != week or part.origin != 0:
                        continue
                    for rows in _row_groups(part.path, list(lake), lost_rows.get(fid) or []):
                        add(rows)
            for fid, part in enumerate(self.parts):
                if part.week != week or part.origin != 1:
                    continue
                # one lazy query per spill (one landing file's rows of the week, ~300 k at scale m): the
                # losers dropped, source order, lake types, then handed on a row group at a time - no
                # intermediate copy of the whole spill besides the sort's
                query = pl.scan_parquet(part.path).select(list(lake)).with_row_index("_row")
                gone = lost_rows.get(fid)
                if gone:
                    query = query.filter(~pl.col("_row").is_in(pl.Series(gone, dtype=pl.UInt32).implode()))
                rows = query.sort("source_row").select([pl.col(c).cast(t) for c, t in lake.items()]).collect()
                for start in range(0, rows.height, STREAM_ROW_GROUP):
                    add(rows.slice(start, STREAM_ROW_GROUP))
                del rows
            if writer is None and not pending:
                pending.append(schemas.empty_frame(self.spec.lake))
            flush(last=True)
            if writing is not None:
                writing.result()
        finally:
            if writing is not None:
                wait([writing])  # a failed run still lets the row group in flight finish before closing
            if writer is not None:
                pool.submit(writer.close).result()
            # pyarrow's pool (mimalloc, per-thread heaps) keeps what the row groups read and encoded took;
            # handed back by each thread, the next dataset's parse does not stack on it (at scale m:
            # the harness-measured peak of ingestion 1,078 MiB without this, 955 MiB with it)
            pool.submit(pa.default_memory_pool().release_unused).result()
            pool.shutdown(wait=True)
            pa.default_memory_pool().release_unused()

    # -------------------------------------------------------------------------------------- helpers

    def _scan(self, parts: list[Part], keys_only: bool = False) -> str:
        """SQL over the given parts: lake columns in lake types (or just the key), helper key
        columns, and each row's identity (`_fid` = index in `self.parts`, `_row` = row in its file).
        One `read_parquet` over all files: a union of one scan per file runs out of memory at scale."""
        lake = schemas.schema(self.spec.lake)
        keys = key_names(self.spec)
        if keys_only:
            columns = [f"r.{k}" for k in keys]
        else:
            columns = [f"cast(r.{c} as {duck_type(t)}) as {c}" for c, t in lake.items()] + [f"r.{k}" for k in keys if k not in lake]
        return (
            f"select {', '.join(columns)}, p.fid as _fid, p.origin as _origin, r.file_row_number as _row "
            f"from read_parquet({_sql_list([p.path for p in parts])}, filename=true, file_row_number=true, union_by_name=true) r "
            f"join parts p on r.filename = p.path"
        )

    def _comparable(self, old: Path, index: int) -> Path:
        """A lake partition as the universe reads it: as is, or (expression keys) with the `_k`
        helper columns added by polars, streamed to a spill file."""
        helpers = key_helpers(self.spec)
        if not helpers:
            return old
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"lake-{index:05d}.parquet"
        lake = schemas.schema(self.spec.lake)
        pl.scan_parquet(old).select([pl.col(c).cast(t) for c, t in lake.items()]).with_columns(helpers).sink_parquet(path, compression="lz4")
        return path

    def _connect(self) -> duckdb.DuckDBPyConnection:
        temp = self.folder / "duckdb"
        temp.mkdir(parents=True, exist_ok=True)
        config = {"memory_limit": DUCKDB_MEMORY, "threads": DUCKDB_THREADS, "temp_directory": str(temp)}
        # A database file in the work folder: its tables (repeated rows, losers, a sorted week) live
        # on disk, so only DuckDB's buffer budget is ever in memory.
        con = duckdb.connect(str(self.folder / "work.duckdb"), config=config)
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")  # TIMESTAMPTZ values come back to polars as UTC
        return con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        shutil.rmtree(self.folder, ignore_errors=True)
