"""Landing file formats -> one string-typed polars frame per file, one row per source record.

Every reader returns `Records`: the requested source fields as String columns named `src.<field>`
(absent fields are null, empty strings are null), `source_row` (1-based record number) and a way
to render a record's raw text for the quarantine. Files that cannot be parsed at all raise
FileFormatError naming the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import orjson
import polars as pl

from pa_base.errors import FileFormatError

T = TypeVar("T")
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
    """The records of one file as strings; `raw` renders given rows of `frame` (or of a frame
    derived from it that keeps `source_row`) as their records' JSON text (quarantine)."""

    frame: pl.DataFrame
    raw: Callable[[pl.DataFrame], list[str | None]]
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


# Cells that mean "not available" in real Webex data (SPEC 9): empty, whitespace only, NA, N/A, na
# (any case, surrounding whitespace allowed). They are null in every field, never a quarantine reason.
PLACEHOLDER = r"^\s*(?i:na|n/a)?\s*$"


def present(value: pl.Expr) -> pl.Expr:
    """The value, or null when it is a placeholder."""
    return pl.when(~value.str.contains(PLACEHOLDER)).then(value)


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    # A placeholder means "not given", whichever format it came in.
    return frame.with_columns(present(pl.col(c)).alias(c) for c, t in frame.schema.items() if c.startswith(PREFIX) and t == pl.String)


# ---------------------------------------------------------------------------------------------- JSON

_DUCKDB: dict[int, duckdb.DuckDBPyConnection] = {}  # process id -> its in-memory database

# The JSON parser's DuckDB keeps what it allocated up to its memory limit (DuckDB's default: 80% of
# RAM) and hands little back between files: capped, a region's ingestion holds ~250 MB less at scale m.
# A parse that runs out of it doubles the limit and tries again (`_with_memory`), so a large
# document is still read, only with more memory.
JSON_MEMORY_BYTES = 256 * 2**20
JSON_MEMORY_PER_BYTE = 8  # a first guess per byte of JSON text (text, parsed structs, Arrow result)
JSON_MEMORY_MAX_BYTES = 64 * 2**30


def _duckdb() -> duckdb.DuckDBPyConnection:
    """A new connection to this process's in-memory DuckDB (a database costs far more to open than
    a connection; keyed by process so a forked worker never shares its parent's)."""
    pid = os.getpid()
    if pid not in _DUCKDB:
        _DUCKDB[pid] = duckdb.connect(config={"memory_limit": f"{JSON_MEMORY_BYTES}B"})
    return _DUCKDB[pid].cursor()


_LIMIT_LOCK = threading.Lock()


def _with_memory(con: duckdb.DuckDBPyConnection, text_bytes: int, action: Callable[[], T]) -> T:
    """`action()` under a DuckDB memory limit sized for a document of `text_bytes`, doubled on every
    out-of-memory error. The limit is the database's: the read-ahead thread's parse and the
    quarantine renderer share it (serialising them costs more time than it saves memory), and it
    only ever grows."""
    while True:
        with _LIMIT_LOCK:
            limit = _bytes(con.execute("select current_setting('memory_limit')").fetchone()[0])
            wanted = max(JSON_MEMORY_BYTES, JSON_MEMORY_PER_BYTE * text_bytes)
            if wanted > limit:
                con.execute(f"set memory_limit = '{wanted}B'")
        try:
            return action()
        except duckdb.OutOfMemoryException:
            with _LIMIT_LOCK:
                limit = _bytes(con.execute("select current_setting('memory_limit')").fetchone()[0])
                if limit >= JSON_MEMORY_MAX_BYTES:
                    raise
                con.execute(f"set memory_limit = '{min(2 * limit, JSON_MEMORY_MAX_BYTES)}B'")


def _bytes(setting: str) -> int:
    """DuckDB's rendering of a memory setting ('256.0 MiB', '1.5 GiB') in bytes."""
    number, unit = setting.split()
    return int(float(number) * {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit])


JSON_SHAPE = 'expected a JSON object {"items": [...]}'


def _item_type(fields: list[str], arrays: dict[str, str]) -> dict:
    """The DuckDB JSON structure of one item: each (dotted) field as its JSON text, each array as
    its parsed type."""
    shape: dict = {}
    for source_field in fields:
        *parents, leaf = source_field.split(".")
        node = shape
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"JSON field {source_field!r} nests under a field read as a value")
        if isinstance(node.get(leaf), dict):
            raise ValueError(f"JSON field {source_field!r} is also the parent of another field")
        node[leaf] = "JSON"
    for name, duck_type in arrays.items():
        if name in shape:
            raise ValueError(f"JSON array {name!r} is also read as a field")
        shape[name] = json.loads(duck_type)
    return shape


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json_failure(con: duckdb.DuckDBPyConnection, file: LandingFile, text: str) -> None:
    """Raise the FileFormatError describing why `text` is not a `{"items": [...]}` document."""
    try:
        con.execute("create or replace temp table doc_json as select cast(? as JSON) as j", [text])
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as error:
        # DuckDB appends the whole input after "Input:"; keep the position and the cause only.
        problem = str(error).splitlines()[0].removeprefix("Conversion Error: ").split("  Input:")[0].rstrip(".")
        raise FileFormatError(file.path, f"not valid JSON ({problem})") from None
    top, items_type = con.sql("select json_type(j), json_type(j->'items') from doc_json").fetchall()[0]
    if top != "OBJECT":
        raise FileFormatError(file.path, f"{JSON_SHAPE}, got a top-level {top}")
    if items_type != "ARRAY":
        got = "no 'items'" if items_type is None else f"'items' as {items_type}"
        raise FileFormatError(file.path, f"{JSON_SHAPE}, got {got}")


def _json_values_as_text(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """JSON texts -> the values as DuckDB's `->>` renders them: strings unquoted and unescaped;
    numbers, booleans, objects and arrays as their JSON text; JSON null as null."""
    quoted = {c: pl.col(c).str.starts_with('"') for c in columns}
    escaped = frame.select((quoted[c] & pl.col(c).str.contains("\\", literal=True)).fill_null(False).alias(c) for c in columns)
    frame = frame.with_columns(pl.when(quoted[c]).then(pl.col(c).str.strip_prefix('"').str.strip_suffix('"')).otherwise(pl.col(c)).alias(c) for c in columns)
    for c in columns:
        rows = escaped.get_column(c)
        if not rows.any():
            continue
        # Escapes are rare: DuckDB's own JSON reader decodes them, exactly as `->>` would.
        query = "select list_transform(cast(? as VARCHAR[]), lambda v: json_extract_string(v, '$'))"
        texts = frame.get_column(c).filter(rows).to_list()
        decoded = con.execute(query, [['"' + t + '"' for t in texts]]).fetchone()[0]
        frame = frame.with_columns(frame.get_column(c).scatter(rows.arg_true(), pl.Series(decoded, dtype=pl.String)))
    return frame


# A document larger than this is parsed in pieces of about JSON_PIECE_BYTES of its items (each piece a
# byte-exact slice of the document, so every field reads as in one parse): DuckDB parses a whole
# document at once at ~8 bytes per byte of text, which for a 161 MB day of meeting participants
# (scale l) took a region's ingestion to 1.9 GiB (768 MiB in pieces, in the same time). Smaller
# documents (API pages; every file at scale s) are parsed whole, as before.
JSON_SPLIT_BYTES = 32 * 2**20
JSON_PIECE_BYTES = 8 * 2**20
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def _item_pieces(text: str, piece_chars: int) -> list[tuple[int, int, int]] | None:
    """The `items` array of a `{..., "items": [...], ...}` document cut into pieces of whole items:
    (start, end, item count) of each piece's text, `text[start:end]` being items and their separating
    commas. Items are delimited by the json module's scanner (it parses each one and drops it), so the
    offsets are exact. None when the text is not such a document (the whole-document parse then says
    what is wrong with it)."""
    decoder = json.JSONDecoder(parse_constant=_not_json)  # NaN/Infinity: Python's extension, not JSON
    space = _JSON_SPACE.match

    def skip(i: int) -> int:
        return space(text, i).end()

    pieces: list[tuple[int, int, int]] | None = None
    try:
        i = skip(0)
        if text[i] != "{":
            return None
        i = skip(i + 1)
        if text[i] == "}":
            return None
        while True:
            key, i = decoder.raw_decode(text, i)
            i = skip(i)
            if not isinstance(key, str) or text[i] != ":":
                return None
            i = skip(i + 1)
            if key == "items":
                if pieces is not None or text[i] != "[":
                    return None  # a second "items", or not an array: the whole-document path decides
                pieces = []
                i = skip(i + 1)
                start, count = i, 0
                if text[i] == "]":
                    i += 1
                while text[i - 1] != "]":
                    _, end = decoder.raw_decode(text, i)
                    count += 1
                    i = skip(end)
                    if text[i] == "]" or end - start >= piece_chars:
                        pieces.append((start, end, count))
                        start, count = None, 0
                    if text[i] == ",":
                        i = skip(i + 1)
                        start = i if start is None else start
                    elif text[i] == "]":
                        i += 1
                    else:
                        return None
            else:
                _, i = decoder.raw_decode(text, i)
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
                continue
            if text[i] == "}" and skip(i + 1) == len(text):
                return pieces
            return None
    except (ValueError, IndexError):
        return None


def read_json_items(file: LandingFile, fields: list[str], arrays: dict[str, str] | None = None) -> Records:
    """A `{"items": [...]}` file -> one row per item: `fields` as text, `arrays` (field -> DuckDB
    type of the parsed array) as polars lists. Unknown fields are ignored.

    DuckDB parses the document once straight into typed structs (extracting field by field from
    JSON text would re-parse every item once per field); an item's raw JSON text is rendered only
    for the rows that end up quarantined. A document over JSON_SPLIT_BYTES is parsed piece by piece
    (`_item_pieces`), so memory follows the piece, not the file."""
    text = read_text(file).decode("utf-8")
    if not text.strip():
        raise FileFormatError(file.path, f"empty file ({JSON_SHAPE})")
    reject_duplicate_top_keys(file, text)
    arrays = arrays or {}
    spelled = _json_spellings(text, [*fields, *arrays])
    fields = [spelled.get(f, f) for f in fields]
    arrays = {spelled.get(a, a): duck_type for a, duck_type in arrays.items()}
    canonical = {src(s): src(f) for f, s in spelled.items()}
    pieces = _item_pieces(text, JSON_PIECE_BYTES) if len(text) > JSON_SPLIT_BYTES else None
    if pieces is None:
        frame = _parse_items(file, text, fields, arrays, 0)
        return Records(_normalise(frame.rename(canonical)), _json_raw(text))
    frames, first = [], 0
    for piece in pieces:
        frames.append(_parse_items(file, _piece_doc(text, piece), fields, arrays, first))
        first += piece[2]
    frame = pl.concat(frames, how="vertical") if frames else _parse_items(file, '{"items": []}', fields, arrays, 0)
    return Records(_normalise(frame.rename(canonical)), _json_raw(text, pieces))


_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.){1,120})"\s*:')
JSON_KEY_SCAN_CHARS = 4 * 2**20  # a drifted key spelling is looked for in the document's first 4 MB


def _json_spellings(text: str, fields: list[str]) -> dict[str, str]:
    """Wanted fields whose (first dotted) key is absent from the document but present in another
    spelling (`header_key`: case, whitespace; SPEC 9) -> the field as the document spells it. A key
    present as wanted costs one substring search; only a missing one scans the document's keys."""
    absent = [f for f in fields if f'"{f.split(".")[0]}"' not in text]
    if not absent:
        return {}
    keys: dict[str, str] = {}
    for match in _JSON_KEY.finditer(text, 0, JSON_KEY_SCAN_CHARS):
        keys.setdefault(header_key(match.group(1)), match.group(1))
    out = {}
    for f in absent:
        top, *rest = f.split(".")
        spelled = keys.get(header_key(top))
        if spelled is not None and '"' not in spelled and "\\" not in spelled and "." not in spelled:
            out[f] = ".".join([spelled, *rest])
    return out


def reject_duplicate_top_keys(file: LandingFile, text: str) -> None:
    """A document with a repeated key (two `"items"`) is a parse error naming the file: DuckDB would
    keep one and drop the other's rows without a count (issue #17). Checked with Python's parser
    (every object of the document) only when `"items"` occurs more than once in the text."""
    if text.count('"items"') < 2:
        return
    duplicates: set[str] = set()

    def pairs(found: list[tuple[str, object]]) -> dict:
        keys = [k for k, _ in found]
        duplicates.update(k for k in keys if keys.count(k) > 1)
        return dict(found)

    try:
        json.loads(text, object_pairs_hook=pairs)
    except ValueError:
        return  # not JSON: the parse that follows says what is wrong
    if duplicates:
        keys = ", ".join(f'"{k}"' for k in sorted(duplicates))
        raise FileFormatError(file.path, f"duplicate key {keys} in a JSON object (ambiguous: which one holds the data?)")


def _piece_doc(text: str, piece: tuple[int, int, int]) -> str:
    """A piece of a document's items as a `{"items": [...]}` document of its own."""
    return '{"items": [' + text[piece[0] : piece[1]] + "]}"


def _parse_items(file: LandingFile, text: str, fields: list[str], arrays: dict[str, str], first: int) -> pl.DataFrame:
    """The items of one `{"items": [...]}` document (a whole file, or a piece of one whose first item
    is the file's item `first` + 1) as rows of field texts."""
    shape = _sql_text(json.dumps({"items": [_item_type(fields, arrays)]}))
    con = _duckdb()

    def parse() -> pl.DataFrame:
        con.execute("create or replace temp table doc as select cast(? as VARCHAR) as t", [text])
        try:
            parsed = con.sql(f"select from_json(t, {shape}).items as items from doc").pl()
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error:
            parsed = None
        if parsed is None or parsed.get_column("items").is_null().all():
            # Not JSON, or not an object with an `items` array: find out which, for the message.
            _json_failure(con, file, text)
            parsed = con.sql(f"select from_json(j, {shape}).items as items from doc_json").pl()
        return parsed

    try:
        parsed = _with_memory(con, len(text), parse)
        count = parsed.get_column("items").list.len().item()
        items = parsed.get_column("items").explode().head(count)  # an empty list explodes to one null
        columns = [pl.Series("source_row", range(first + 1, first + count + 1), dtype=pl.Int64)]
        for source_field in fields:
            value = items
            for part in source_field.split("."):
                value = value.struct.field(part)
            columns.append(value.cast(pl.String).alias(src(source_field)))
        columns += [items.struct.field(name).alias(src(name)) for name in arrays]
        return _json_values_as_text(con, pl.DataFrame(columns), [src(f) for f in fields])
    finally:
        con.close()


def _json_raw(text: str, pieces: list[tuple[int, int, int]] | None = None) -> Callable[[pl.DataFrame], list[str | None]]:
    """Renders the raw JSON text of the items at the given rows' `source_row` (called only for
    quarantined rows; a `prepare` that splits items into sub-records leaves their text in `_raw`).
    `pieces` are the pieces the document was parsed in (None: it was parsed whole)."""
    starts = np.cumsum([0, *(count for _, _, count in pieces or [])])

    def raw(failed: pl.DataFrame) -> list[str | None]:
        if "_raw" in failed.columns:
            return failed.get_column("_raw").to_list()
        rows = failed.get_column("source_row").to_numpy()
        piece_of = np.searchsorted(starts, rows, side="left") - 1 if pieces else np.zeros(len(rows), dtype=np.int64)
        out: list[str | None] = [None] * len(rows)
        con = _duckdb()
        try:
            for piece in np.unique(piece_of).tolist():
                at = np.flatnonzero(piece_of == piece)
                doc = _piece_doc(text, pieces[piece]) if pieces else text
                wanted = (rows[at] - starts[piece]).tolist()

                def render(doc: str = doc, wanted: list[int] = wanted) -> list[str | None]:
                    con.execute("create or replace temp table doc_json as select cast(? as JSON) as j", [doc])
                    query = "select list_transform(list_select(from_json(j->'items', '[\"JSON\"]'), ?), lambda i: cast(i as VARCHAR)) from doc_json"
                    return con.execute(query, [wanted]).fetchone()[0]

                for position, item in zip(at.tolist(), _with_memory(con, len(doc), render)):
                    out[position] = item
        finally:
            con.close()
        return out

    return raw


# ----------------------------------------------------------------------------------------------- CSV


def _outside_quotes(quotes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    # A delimiter is outside quotes when an even number of quote characters precede it (RFC 4180:
    # an escaped quote "" toggles twice).
    return (np.searchsorted(quotes, positions) & 1) == 0


def header_key(name: str) -> str:
    """How column names are matched (SPEC 9): case-insensitive, surrounding whitespace trimmed,
    inner whitespace collapsed (`Device Mac` = `Device MAC`, `"Duration "` = `Duration`)."""
    return " ".join(name.split()).casefold()


def canonical_header(header: list[str], fields: list[str]) -> list[str]:
    """The header with each column that matches a wanted field (by `header_key`) renamed to the
    field's spelling, and trailing empty names (a trailing comma: Cisco's cdr-download tool) dropped.
    An exact spelling wins over a drifted one; a second column matching the same field keeps its name."""
    names = list(header)
    while len(names) > 1 and not names[-1].strip():
        names.pop()
    wanted = {header_key(f): f for f in fields}
    taken = {n for n in names if n in fields}
    out = []
    for name in names:
        field_name = wanted.get(header_key(name))
        if name not in fields and field_name is not None and field_name not in taken:
            taken.add(field_name)
            name = field_name
        out.append(name)
    return out


def read_csv_records(file: LandingFile, fields: list[str], required: list[str], data: bytes | None = None) -> Records:
    """An RFC 4180 CSV with a header row (optional BOM, quoted newlines) -> one row per data record.

    Column names match the wanted fields case- and whitespace-insensitively, and a header ending in
    empty names (trailing commas) is read without them (`canonical_header`). `data` is the file's
    text when it does not come from `file.path` itself (a ZIP member).

    Records with the wrong number of fields are returned as `malformed` (not in the frame); a record
    whose fields beyond the header are all empty is an ordinary record. Fast
    path: polars parses the file and a comma count proves every record has the header's field count
    (polars itself refuses records with too many fields; a record with too few would leave the
    file's comma total short). Only a file that fails that proof gets the byte scan that finds the
    bad records; neither path has per-row Python."""
    data = read_text(file) if data is None else data
    if not data.strip():
        raise FileFormatError(file.path, "empty file (expected a CSV header row)")
    newline = data.find(b"\n")
    header_line = data[: newline if newline >= 0 else len(data)]
    header_text = header_line.decode("utf-8").rstrip("\r")
    read_header = next(csv.reader([header_text]), [])
    header = canonical_header(read_header, list(dict.fromkeys([*fields, *required])))
    if header != read_header:
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(header)
        header_text = line.getvalue()
        data = header_text.encode("utf-8") + (b"\r" if header_line.endswith(b"\r") else b"") + data[len(header_line) :]
    missing = [f for f in required if f not in header]
    if missing:
        raise FileFormatError(
            file.path,
            f"not a CSV with the expected header: missing required column(s) {', '.join(repr(m) for m in missing)} (header read as {header_text[:200]!r})",
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
    return Records(_normalise(frame), lambda failed: failed.select(raw).to_series().to_list(), malformed)


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

    # Fields beyond the header that are all empty (a record ending in extra commas) are dropped.
    content_end = ends - ((lengths > 0) & (last_byte == ord("\r")))
    extra = np.maximum(field_counts - expected_fields, 0)
    trailing_empty = _only_commas_before(buf, content_end, extra)
    trailing_empty[0] = False
    field_counts = np.where(trailing_empty, expected_fields, field_counts)

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
    if trailing_empty.any():
        # cut the empty trailing fields out (byte mask; the record's line end stays)
        cut = np.zeros(len(buf) + 1, dtype=np.int64)
        at = np.flatnonzero(trailing_empty & keep)
        np.add.at(cut, content_end[at] - extra[at], 1)
        np.add.at(cut, content_end[at], -1)
        data = buf[np.cumsum(cut[:-1]) == 0].tobytes()
        return _read_with_scan(file, data, expected_fields)
    body = b"\n".join(data[s:e] for s, e in _runs(starts, ends, keep))
    good_rows = record_no[~(bad | data_blank)]
    frame = _polars_csv(body, file, strict=False)
    if frame.height != len(good_rows):
        raise FileFormatError(file.path, f"could not be read as RFC 4180 CSV ({frame.height} records, expected {len(good_rows)})")
    return frame, good_rows, malformed


def _only_commas_before(buf: np.ndarray, ends: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per record: counts > 0 and the `counts` bytes before its end (from the file's start at most)
    are all commas. Only the records with counts > 0 are looked at, byte by byte: a cumulative count
    over the whole file (8 bytes per byte) took ~25 s of a weekly ingest at scale m, where every CDR file
    holds a few malformed records and so takes this path."""
    result = np.zeros(len(ends), dtype=bool)
    at = np.flatnonzero(counts > 0)
    if not len(at):
        return result
    stop = ends[at].astype(np.int64)
    start = np.maximum(stop - counts[at], 0)
    lengths = stop - start
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    positions = np.repeat(start - offsets[:-1], lengths) + np.arange(offsets[-1])
    non_commas = np.concatenate(([0], np.cumsum(buf[positions] != ord(","))))
    result[at] = non_commas[offsets[1:]] == non_commas[offsets[:-1]]
    return result


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
