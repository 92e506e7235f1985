"""How one landing dataset maps onto the lake (fields, checks, dedupe key) and the per-file transform
from string records to typed lake rows plus quarantined rows, at the grain of one source record."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ingestion import schemas
from ingestion.ids import normalise_id, normalise_id_list, recognised
from ingestion.parsing import PARSERS, Checks
from ingestion.readers import LandingFile, Records, src

# The word each parser kind uses in "invalid <word> in <Field>" reasons.
KIND_WORDS = {"timestamp": "timestamp", "date": "date", "number": "number", "integer": "number", "boolean": "boolean", "MAC": "MAC"}


@dataclass(frozen=True)
class Field:
    """A source field (exact source spelling, dotted for nested objects) feeding one lake column."""

    source: str
    column: str
    kind: str = "string"  # string | id | ref | timestamp | date | integer | number | boolean | MAC
    # id: normalised (ingestion/ids.py), values neither UUID nor Hydra counted; ref: normalised, not
    # counted (subscription ids: a Hydra id only in some feeds, e.g. "Sub-hydraOct26a" in Cisco's example)


@dataclass(frozen=True)
class FileContext:
    """What a transform may know about the file besides its records."""

    file: LandingFile
    region: str
    snapshot_date: object = None  # datetime.date for snapshot files


@dataclass
class DatasetSpec:
    """One landing dataset: its formats, fields, required keys, extra checks, dedupe and lake shape."""

    name: str  # landing dataset
    kind: str  # "event" | "snapshot"
    formats: tuple[str, ...]  # accepted file suffixes
    fields: list[Field]
    time: str | None = None  # lake column: the latest value wins a dedupe (CDR report_at)
    placed_by: str | None = None  # events: lake column whose UTC week is the partition
    arrays: dict[str, str] = field(default_factory=dict)  # JSON arrays to extract: field -> DuckDB type
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None  # reshape records before typing
    rules: Callable[[Checks, FileContext], None] | None = None  # checks beyond required/parse
    derive: dict[str, Callable[[FileContext], pl.Expr]] = field(default_factory=dict)  # computed lake columns
    keep: tuple[str, ...] = ()  # extra frame columns carried to `bridges` (e.g. list columns)
    bridges: Callable[[pl.DataFrame], dict[str, pl.DataFrame]] | None = None
    extra_fields: tuple[str, ...] = ()  # source fields read for rules only (no lake column)
    item_fields: tuple[str, ...] | None = None  # JSON item fields to read when `prepare` reshapes items
    id_arrays: tuple[str, ...] = ()  # source arrays of ids (people.licenses): elements normalised (ingestion/ids.py)
    # Contract-required lake columns guaranteed otherwise than by a required source field: derived
    # by `prepare` (numbers.number_index) or checked by a rule of `rules` (media startTime).
    required_otherwise: tuple[str, ...] = ()
    # Derived from the lake dataset's contract (ingestion/schemas.py CONTRACTS), never declared here:
    required: list[str] = field(init=False)  # source fields that must be present
    key: list[str | pl.Expr] = field(init=False)  # dedupe key: lake columns or expressions over them
    enums: dict[str, frozenset[str]] = field(init=False)  # source field -> known values

    def __post_init__(self) -> None:
        contract = schemas.contract(self.lake)
        by_column = {f.column: f.source for f in self.fields}
        unsourced = [c for c in (*contract.required, *contract.enums) if c not in by_column and c not in self.required_otherwise]
        if unsourced:
            raise ValueError(f"{self.name}: contract columns {unsourced} have no source field and are not required_otherwise")
        self.required = [f.source for f in self.fields if f.column in contract.required and f.column not in self.required_otherwise]
        self.key = [pl.col(k).str.to_lowercase() if k in contract.lowercase else k for k in contract.key]
        self.enums = {by_column[c]: known for c, known in contract.enums.items()}
        if self.key_moves and contract.lowercase:
            # the cross-week probe (ingestion/spill.py `weeks_holding_keys`) compares stored columns
            raise ValueError(f"{self.name}: a key that does not fix the row's week must be plain columns")

    @property
    def lake(self) -> str:
        return schemas.LANDING_TO_LAKE[self.name][0]

    @property
    def lake_datasets(self) -> tuple[str, ...]:
        return schemas.LANDING_TO_LAKE[self.name]

    @property
    def source_fields(self) -> list[str]:
        names = [f.source for f in self.fields] + list(self.required) + list(self.extra_fields)
        return list(dict.fromkeys(names))

    @property
    def read_fields(self) -> list[str]:
        return list(self.item_fields) if self.item_fields is not None else self.source_fields

    @property
    def key_moves(self) -> bool:
        """True for an event dataset whose key does not hold the column that places a row in its week
        (CDR `Report ID`, media `(orgId, localSessionId)`): a later file may re-send a key with a time in
        another week, so a run dedupes its keys against every week of the lake, not only the weeks its
        rows fall in (SPEC 4: one row per key). Queue stats and meeting participants carry their
        placing column in the key: a re-sent key always lands in the week it is already in."""
        return self.kind == "event" and self.placed_by not in schemas.contract(self.lake).key

    @property
    def partition_column(self) -> str:
        return "week_ending" if self.kind == "event" else "snapshot_date"

    def column_of(self, source_field: str) -> str:
        return next(f.column for f in self.fields if f.source == source_field)


@dataclass
class Parsed:
    """One file's outcome: clean typed rows (lake columns + lineage + `keep`), quarantined rows."""

    rows: pl.DataFrame
    quarantine: pl.DataFrame
    read: int
    reasons: Counter
    unrecognised_ids: Counter = field(default_factory=Counter)  # source field -> ids neither UUID nor Hydra


def quarantine_frame(dataset: str, source_file: str | list[str], rows: list[int | None], reasons: list[str], raws: list[str]) -> pl.DataFrame:
    files = [source_file] * len(rows) if isinstance(source_file, str) else source_file
    return pl.DataFrame(
        {"dataset": [dataset] * len(rows), "source_file": files, "source_row": rows, "reason": reasons, "raw": raws},
        schema=schemas.QUARANTINE,
    )


def transform(spec: DatasetSpec, records: Records, ctx: FileContext) -> Parsed:
    """String records of one file -> typed lake rows and quarantined rows (first failing check wins)."""
    frame = records.frame
    if spec.prepare is not None:
        frame = spec.prepare(frame)
    typed = [_typed(f).alias(f.column) for f in spec.fields]
    frame = frame.with_columns(typed)
    if spec.id_arrays:
        frame = frame.with_columns(normalise_id_list(pl.col(src(name))) for name in spec.id_arrays)

    checks = Checks()
    for source_field in spec.required:
        checks.missing(source_field, pl.col(src(source_field)))
    for f in spec.fields:
        if f.kind not in ("string", "id", "ref"):
            checks.parsed(KIND_WORDS[f.kind], f.source, pl.col(src(f.source)), pl.col(f.column))
    if spec.rules is not None:
        spec.rules(checks, ctx)
    frame = frame.with_columns(checks.first_failure().alias("_check"))

    failed = frame.filter(pl.col("_check").is_not_null())
    found = checks.reasons(failed)
    raws = records.raw(failed) if failed.height else []
    q_rows = failed.get_column("source_row").to_list() + [m[0] for m in records.malformed]
    q_reasons = [full for _, full in found] + [m[1] for m in records.malformed]
    q_raws = raws + [m[2] for m in records.malformed]
    reasons = Counter([key for key, _ in found] + [m[1].split(":")[0] for m in records.malformed])
    # a ZIP's rows name their member (`<file>!<member>`, ingestion/archives.py) in `source_file`
    members = "source_file" in frame.columns
    q_files: str | list[str] = ctx.file.rel
    if members:
        q_files = failed.get_column("source_file").to_list() + [m[3] for m in records.malformed]
    quarantine = quarantine_frame(spec.name, q_files, q_rows, q_reasons, q_raws).sort("source_file", "source_row")

    good = frame.filter(pl.col("_check").is_null())
    good = good.with_columns(
        [expr(ctx).alias(name) for name, expr in spec.derive.items()] + ([] if members else [pl.lit(ctx.file.rel, dtype=pl.String).alias("source_file")])
    )
    lake_schema = schemas.schema(spec.lake)
    rows = good.select([pl.col(c).cast(t) for c, t in lake_schema.items()] + [pl.col(k) for k in spec.keep])
    return Parsed(rows, quarantine, frame.height + len(records.malformed), reasons, _unrecognised_ids(spec, good))


def _typed(f: Field) -> pl.Expr:
    column = pl.col(src(f.source))
    if f.kind == "string":
        return column
    if f.kind in ("id", "ref"):
        return normalise_id(column)
    return PARSERS[f.kind](column)


def _unrecognised_ids(spec: DatasetSpec, good: pl.DataFrame) -> Counter:
    """Per id source field: loaded values that are neither a UUID nor a Hydra id (kept as sent)."""
    counts = [(f.source, (~recognised(pl.col(f.column))).sum()) for f in spec.fields if f.kind == "id"]
    counts += [(name, (~recognised(pl.col(src(name)).explode())).sum()) for name in spec.id_arrays]
    if not counts or good.height == 0:
        return Counter()
    found = good.select(expr.alias(name) for name, expr in counts).row(0, named=True)
    return Counter({name: int(n) for name, n in found.items() if n})


def unknown_enum_counts(spec: DatasetSpec, rows: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Values outside each enum's known set among `rows`, counted per source field (nulls are not values)."""
    out: dict[str, dict[str, int]] = {}
    for source_field, known in spec.enums.items():
        column = spec.column_of(source_field)
        unknown = rows.lazy().filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(sorted(known))).group_by(column).len().sort(column).collect()
        if unknown.height:
            out[source_field] = dict(zip(unknown.get_column(column).to_list(), unknown.get_column("len").to_list()))
    return out
