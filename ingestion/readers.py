"""Landing file formats -> one string-typed polars frame per file, one row per source record.

Every reader returns `Records`: the requested source fields as String columns named `src.<field>`
(absent fields are null, empty strings are null), `source_row` (1-based record number) and a way
to render a record's raw text for the quarantine. Files that cannot be parsed at all raise
FileFormatError naming the file.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import orjson
import polars as pl

from partner_analytics.errors import FileFormatError

BOM = b"\xef\xbb\xbf"
PREFIX = "src."


def src(source_field: str) -> str:
    """The frame column holding a source field's text."""
    return PREFIX + source_field


@dataclass(frozen=True)
class LandingFile:
    """One landing file: where it is, its name relative to the landing root, and its content hash."""

    path: Path
    rel: str  # e.g. "US/cdr/2026-11-16.csv" (lineage `source_file`)
    sha256: str

    @property
    def hash8(self) -> str:
        return self.sha256[:8]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Records:
    """The records of one file as strings; `raw` renders each record as JSON text (quarantine)."""

    frame: pl.DataFrame
    raw: pl.Expr
    malformed: list[tuple[int, str, str]] = field(default_factory=list)  # (source_row, reason, raw)


def read_text(file: LandingFile) -> bytes:
    """The file's bytes without a UTF-8 BOM; FileFormatError when they are not UTF-8."""
    data = file.path.read_bytes()
    skip = len(BOM) if data.startswith(BOM) else 0
    try:
        if not data.isascii():  # ASCII is UTF-8; the check is far cheaper than decoding
            data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileFormatError(file.path, f"not UTF-8 at byte {error.start}") from None
    return data[skip:]


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    # An empty value means "not given", whichever format it came in.
    return frame.with_columns(
        pl.when(pl.col(c).str.len_bytes() > 0).then(pl.col(c)).alias(c) for c, t in frame.schema.items() if c.startswith(PREFIX) and t == pl.String
    )


# ---------------------------------------------------------------------------------------------- JSON


def _json_path(source_field: str) -> str:
    """DuckDB JSON extraction of a (dotted) field of `item` as text."""
    parts = source_field.split(".")
    quoted = ["'" + p.replace("'", "''") + "'" for p in parts]
    expr = "item"
    for part in quoted[:-1]:
        expr += f"->{part}"
    return f"{expr}->>{quoted[-1]}"


def read_json_items(
    file: LandingFile, fields: list[str], arrays: dict[str, str] | None = None
) -> Records:
    """A `{"items": [...]}` file -> one row per item: `fields` as text, `arrays` (field -> DuckDB
    type of the parsed array) as polars lists. Unknown fields are ignored."""
    text = read_text(file).decode("utf-8")
    if not text.strip():
        raise FileFormatError(file.path, "empty file (expected a JSON object {\"items\": [...]})")
    con = duckdb.connect()
    try:
        try:
            con.execute("create temp table doc as select cast(? as JSON) as j", [text])
        except duckdb.Error as error:
            # DuckDB appends the whole input after "Input:"; keep the position and the cause only.
            problem = str(error).splitlines()[0].removeprefix("Conversion Error: ").split("  Input:")[0].rstrip(".")
            raise FileFormatError(file.path, f"not valid JSON ({problem})") from None
        del text
        top, items_type = con.sql("select json_type(j), json_type(j->'items') from doc").fetchall()[0]
        if top != "OBJECT":
            raise FileFormatError(file.path, f"expected a JSON object {{\"items\": [...]}}, got a top-level {top}")
        if items_type != "ARRAY":
            got = "no 'items'" if items_type is None else f"'items' as {items_type}"
            raise FileFormatError(file.path, f"expected a JSON object {{\"items\": [...]}}, got {got}")
        selects = [f"{_json_path(f)} as \"{src(f)}\"" for f in fields]
        for name, duck_type in (arrays or {}).items():
            selects.append(f"from_json(item->'{name}', '{duck_type}') as \"{src(name)}\"")
        query = f"""
            with listed as (select from_json(j->'items', '["JSON"]') as items from doc),
            exploded as (select unnest(items) as item, unnest(range(1, len(items) + 1)) as source_row from listed)
            select source_row, cast(item as VARCHAR) as _raw{''.join(', ' + s for s in selects)}
            from exploded order by source_row
        """
        frame = con.sql(query).pl()
    finally:
        con.close()
    frame = frame.with_columns(pl.col("source_row").cast(pl.Int64))
    for f in fields:  # an empty file's frame may type its columns as null
        frame = frame.with_columns(pl.col(src(f)).cast(pl.String))
    return Records(_normalise(frame), pl.col("_raw"))


# ----------------------------------------------------------------------------------------------- CSV


def _outside_quotes(quotes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    # A delimiter is outside quotes when an even number of quote characters precede it (RFC 4180:
    # an escaped quote "" toggles twice).
    return (np.searchsorted(quotes, positions) & 1) == 0


def read_csv_records(file: LandingFile, fields: list[str], required: list[str]) -> Records:
    """An RFC 4180 CSV with a header row (optional BOM, quoted newlines) -> one row per data record.

    Records with the wrong number of fields are returned as `malformed` (not in the frame). Fast
    path: polars parses the file and a comma count proves every record has the header's field count
    (polars itself refuses records with too many fields; a record with too few would leave the
    file's comma total short). Only a file that fails that proof gets the byte scan that finds the
    bad records; neither path has per-row Python."""
    data = read_text(file)
    if not data.strip():
        raise FileFormatError(file.path, "empty file (expected a CSV header row)")
    newline = data.find(b"\n")
    header_text = data[: newline if newline >= 0 else len(data)].decode("utf-8").rstrip("\r")
    header = next(csv.reader([header_text]), [])
    missing = [f for f in required if f not in header]
    if missing:
        raise FileFormatError(
            file.path,
            f"not a CSV with the expected header: missing required column(s) {', '.join(repr(m) for m in missing)} "
            f"(header read as {header_text[:200]!r})",
        )
    frame = _polars_csv(data, file, strict=True)
    if frame is not None and _every_record_complete(data, header_text, frame):
        rows = np.arange(1, frame.height + 1, dtype=np.int64)
        malformed: list[tuple[int, str, str]] = []
    else:
        frame, rows, malformed = _read_with_scan(file, data, len(header))
    frame = frame.rename({c: src(c) for c in frame.columns})
    header_cols = [c for c in header if src(c) in frame.columns]
    frame = frame.with_columns(pl.Series("source_row", rows, dtype=pl.Int64))
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(src(f)) for f in fields if src(f) not in frame.columns)
    raw = pl.struct([pl.col(src(c)).alias(c) for c in header_cols]).struct.json_encode()
    return Records(_normalise(frame), raw, malformed)


def _polars_csv(body: bytes, file: LandingFile, strict: bool) -> pl.DataFrame | None:
    try:
        return pl.read_csv(body, has_header=True, infer_schema=False, quote_char='"', raise_if_empty=False)
    except pl.exceptions.ComputeError as error:
        if strict:
            return None  # e.g. a record with more fields than the header: find it with the scan
        raise FileFormatError(file.path, f"could not be read as RFC 4180 CSV ({str(error).splitlines()[0]})") from None


def _every_record_complete(data: bytes, header_text: str, frame: pl.DataFrame) -> bool:
    """Commas in the file == header commas + (fields - 1) per record + commas inside values.

    No record has more fields than the header (polars would have refused), so equality means none
    has fewer either. Blank lines (read as all-null rows) also fail it and go to the scan."""
    inside = frame.select(pl.sum_horizontal(pl.all().str.count_matches(",", literal=True).sum())).item() if frame.width else 0
    expected = header_text.count(",") + frame.height * (frame.width - 1) + int(inside or 0)
    return data.count(b",") == expected


def _read_with_scan(file: LandingFile, data: bytes, expected_fields: int) -> tuple[pl.DataFrame, np.ndarray, list]:
    """Find each record's field count with a vectorised byte scan; parse only the well-formed ones."""
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == ord('"'))
    newlines = np.flatnonzero(buf == ord("\n"))
    ends = newlines[_outside_quotes(quotes, newlines)]
    if len(buf) and (len(ends) == 0 or ends[-1] != len(buf) - 1):
        ends = np.append(ends, len(buf))  # last record without a final newline
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    field_counts = _fields_per_record(buf, quotes, ends)
    lengths = ends - starts
    last_byte = buf[np.maximum(ends - 1, 0)]
    blank = (lengths == 0) | ((lengths == 1) & (last_byte == ord("\r")))

    data_blank = blank[1:]
    record_no = np.cumsum(~data_blank)  # blank lines are not records
    bad = (~data_blank) & (field_counts[1:] != expected_fields)
    malformed: list[tuple[int, str, str]] = []
    for i in np.flatnonzero(bad):
        line = data[starts[i + 1] : ends[i + 1]].decode("utf-8").rstrip("\r")
        malformed.append(
            (
                int(record_no[i]),
                f"malformed row: expected {expected_fields} fields, got {int(field_counts[i + 1])}",
                orjson.dumps({"_line": line}).decode(),
            )
        )
    keep = np.ones(len(ends), dtype=bool)
    keep[np.flatnonzero(bad | data_blank) + 1] = False  # header (record 0) always kept
    body = b"\n".join(data[s:e] for s, e in _runs(starts, ends, keep))
    good_rows = record_no[~(bad | data_blank)]
    frame = _polars_csv(body, file, strict=False)
    if frame.height != len(good_rows):
        raise FileFormatError(file.path, f"could not be read as RFC 4180 CSV ({frame.height} records, expected {len(good_rows)})")
    return frame, good_rows, malformed


def _fields_per_record(buf: np.ndarray, quotes: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Fields per record = commas outside quotes + 1, without a per-byte cumulative scan: all commas
    per record minus the commas inside quoted spans (quotes pair up in order: an escaped "" is an
    empty span), each span credited to the record it starts in. Searches go from the smaller array
    into the larger one, which keeps this a small fraction of the CSV parse."""
    commas = np.flatnonzero(buf == ord(","))
    at_end = np.searchsorted(commas, ends)
    per_record = np.diff(np.concatenate(([0], at_end)))
    if len(quotes):
        opens = quotes[0::2]
        closes = quotes[1::2]
        if len(closes) < len(opens):  # an unterminated quote runs to the end of the file
            closes = np.append(closes, len(buf))
        inside = np.searchsorted(commas, closes) - np.searchsorted(commas, opens)
        owner = np.searchsorted(ends, opens)
        per_record = per_record - np.bincount(owner, weights=inside, minlength=len(ends))[: len(ends)].astype(np.int64)
    return per_record + 1


def _runs(starts: np.ndarray, ends: np.ndarray, keep: np.ndarray):
    """(start, end) byte ranges covering consecutive kept records."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
    for first, stop in zip(edges[::2], edges[1::2]):
        yield int(starts[first]), int(ends[stop - 1])
