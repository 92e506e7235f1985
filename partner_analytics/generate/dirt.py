"""Deliberate dirt in the CDR feed, at low seeded rates and counted: bad values, unknown enums, malformed
CSV rows, late deliveries, re-sent Report IDs and overlapping (exact duplicate) rows."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib

import numpy as np
import polars as pl

# Per-leg dirt kinds; a leg gets at most one so every count is exact.
CLEAN, MALFORMED, BAD_DURATION, NEGATIVE_DURATION, BAD_TIMESTAMP, UNKNOWN_DIRECTION, LATE, RESEND, OVERLAP = range(9)
RATES = {  # probability per leg
    MALFORMED: 0.0006,
    BAD_DURATION: 0.0006,
    NEGATIVE_DURATION: 0.0002,
    BAD_TIMESTAMP: 0.0006,
    UNKNOWN_DIRECTION: 0.0004,
    LATE: 0.002,
    RESEND: 0.001,
    OVERLAP: 0.001,
}
BAD_DURATIONS = ("abc", "1O", "12s", "--")  # not "N/A": a placeholder is null (SPEC 9), not a bad value
BAD_TIMESTAMPS = ("not a time", "2026-02-30T25:61:00Z", "0000-00-00T00:00:00", "17/11/2026 09:15", "yesterday")
TIMESTAMP_FIELDS = ("Start time", "Answer time", "Release time", "Report time")
UNKNOWN_DIRECTIONS = ("UNKNOWN", "INTERNAL")

STAT_KEYS = (
    "duplicate_report_ids",  # extra rows re-sending a Report ID with a later Report time, in a later file
    "exact_duplicate_rows",  # extra rows identical to a row of an earlier file (overlapping exports)
    "late_cdrs",  # legs delivered only in a file dated after their Start time's UTC day
    "malformed_csv_rows",  # CSV records with the wrong number of fields
    "bad_durations",  # Duration not a number ("abc")
    "negative_durations",  # Duration < 0
    "bad_timestamps",  # rows with one unparseable timestamp (Start/Answer/Release/Report time)
    "unknown_directions",  # Direction outside ORIGINATING / TERMINATING (kept by ingestion, counted)
    "unknown_subscription_statuses",  # subscriptions (per snapshot file) with a status outside the five
    "bom_files",  # CSV files (cdr, call_queue_stats) starting with a UTF-8 BOM
    "json_cdr_files",  # CDR files written as API pages instead of CSV
    "string_answered",  # JSON CDR rows with Answered as the string "true"/"false"
    "string_durations",  # JSON CDR rows with a numeric Duration sent as a string
    "space_timestamps",  # CDR timestamp cells as "YYYY-MM-DD HH:MM:SS.fff" (UTC)
    "offset_timestamps",  # CDR timestamp cells with a +HH:MM / -HH:MM offset
    "mixed_case_emails",  # meeting participant emails not in the people snapshot's case
    "na_cells",  # empty CDR CSV cells written as NA / na (SPEC 9: null, never a quarantine reason)
    "recased_header_files",  # CDR CSV files whose header drifts in case and spacing (Device Mac, "Duration ")
    "trailing_comma_files",  # CDR CSV files written like Cisco's cdr-download tool: header ends in a comma
    "zip_files",  # CDR CSV files delivered as a Control Hub ZIP download without extension (BOM inside)
)


def new_counts() -> dict[str, int]:
    return dict.fromkeys(STAT_KEYS, 0)


def assign_kinds(rng: np.random.Generator, n: int, csv_file: bool) -> np.ndarray:
    """One dirt kind per leg (mostly CLEAN). Malformed rows only exist in CSV files."""
    u = rng.random(n)
    kinds = np.zeros(n, dtype=np.int8)
    edge = 0.0
    for kind, rate in RATES.items():
        hit = (u >= edge) & (u < edge + rate)
        kinds[hit] = kind
        edge += rate
    if not csv_file:
        kinds[kinds == MALFORMED] = CLEAN
    return kinds


def apply_value_dirt(frame: pl.DataFrame, kinds: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """Replace values on the legs chosen for bad durations, negative durations, bad timestamps, unknown directions."""
    n = frame.height
    bad_duration = pl.Series(np.array(BAD_DURATIONS)[rng.integers(0, len(BAD_DURATIONS), n)])
    negative = pl.Series(-rng.integers(1, 600, n)).cast(pl.String)
    direction = pl.Series(np.array(UNKNOWN_DIRECTIONS)[rng.integers(0, len(UNKNOWN_DIRECTIONS), n)])
    garbage = pl.Series(np.array(BAD_TIMESTAMPS)[rng.integers(0, len(BAD_TIMESTAMPS), n)])
    ts_field = rng.integers(0, len(TIMESTAMP_FIELDS), n)
    k = pl.Series(kinds)
    updates = [
        pl.when(k == BAD_DURATION).then(bad_duration).when(k == NEGATIVE_DURATION).then(negative).otherwise(pl.col("Duration")).alias("Duration"),
        pl.when(k == UNKNOWN_DIRECTION).then(direction).otherwise(pl.col("Direction")).alias("Direction"),
    ]
    for i, name in enumerate(TIMESTAMP_FIELDS):
        hit = (k == BAD_TIMESTAMP) & pl.Series(ts_field == i)
        updates.append(pl.when(hit).then(garbage).otherwise(pl.col(name)).alias(name))
    return frame.with_columns(updates)


def malformed_line(values: list[str | None], rng: np.random.Generator) -> str:
    """A CSV record with the wrong field count: truncated (last fields lost) or an unquoted comma."""
    fields = ["" if v is None else v for v in values]
    if rng.random() < 0.5:
        fields = fields[: len(fields) - int(rng.integers(1, 4))]
        extra = None
    else:
        extra = int(rng.integers(0, len(fields)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    line = buf.getvalue()
    if extra is not None:
        line = line + ",Remote"  # a stray trailing field, as from an export that added a column mid-file
    return line


def insert_lines(csv_text: str, positions: list[int], lines: list[str]) -> str:
    """Insert raw lines at record positions (0-based among data records, in the final file order)."""
    if not positions:
        return csv_text
    rows = csv_text.split("\n")
    for pos, line in sorted(zip(positions, lines, strict=True)):
        rows.insert(1 + pos, line)
    return "\n".join(rows)


# One real-world shape per CDR CSV file (SPEC 9), picked from the file's name so no draw of the day's
# random stream changes (every other value stays as it was) and one region's files stay the same
# whether or not the others are written.
PLAIN, NA_CELLS, RECASED_HEADER, TRAILING_COMMA, ZIP_NO_EXTENSION = range(5)
SHAPE_OF_CRC = {0: NA_CELLS, 1: NA_CELLS, 2: RECASED_HEADER, 3: TRAILING_COMMA, 4: ZIP_NO_EXTENSION}
SHAPE_MODULUS = 12  # each of the four shapes on about one CSV file in twelve (NA cells on two)
RECASED = {"Device MAC": "Device Mac", "User UUID": "User Uuid", "Duration": "Duration ", "Org UUID": "org uuid", "Start time": "Start Time"}
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed member time: the archive's bytes depend on its content only


def csv_shape(name: str) -> int:
    return SHAPE_OF_CRC.get(zlib.crc32(name.encode()) % SHAPE_MODULUS, PLAIN)


def na_cells(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Empty cells as real CDRs write "not available": NA, or na in the time columns."""
    filled = int(sum(frame.get_column(c).null_count() for c in frame.columns))
    marker = {c: ("na" if c in TIMESTAMP_FIELDS else "NA") for c in frame.columns}
    return frame.with_columns(pl.col(c).cast(pl.String).fill_null(m) for c, m in marker.items()), filled


def _split_header(text: str) -> tuple[str, str]:
    end = text.index("\n")
    return text[:end], text[end:]


def recased_header(text: str) -> str:
    """The header with some names in another case / spacing (as API versions and tools drift)."""
    header, rest = _split_header(text)
    names = next(csv.reader([header]))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([RECASED.get(n, n) for n in names])
    return buf.getvalue() + rest


def trailing_comma_header(text: str) -> str:
    """The header ends in a comma (one empty name more than every row has values)."""
    header, rest = _split_header(text)
    return header + "," + rest


def zipped(member: str, data: bytes) -> bytes:
    """A Control Hub report download: a ZIP archive holding the CSV as its only member."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(member, date_time=ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
