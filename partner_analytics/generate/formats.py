"""Landing-file writers and value formats: timestamps in the three source styles, CSV (optional BOM), JSON items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import orjson
import polars as pl

BOM = b"\xef\xbb\xbf"
DAY_MS = 86_400_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

# Timestamp styles the sources mix (SPEC 4): ISO with Z, space-separated UTC, ISO with a UTC offset.
TS_Z, TS_SPACE, TS_OFFSET = 0, 1, 2


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the integer day grid the generator works on)."""
    return day.toordinal() - _EPOCH_ORDINAL


def day_date(number: int) -> dt.date:
    return dt.date.fromordinal(int(number) + _EPOCH_ORDINAL)


def iso_ms(ms: int) -> str:
    """One epoch-millisecond instant as 2026-11-16T10:00:00.123Z."""
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def iso_date(day: int) -> str:
    return day_date(day).isoformat()


def format_timestamps(ms: np.ndarray, style: np.ndarray | None = None, offset_hours: np.ndarray | None = None, null: np.ndarray | None = None) -> pl.Series:
    """Format epoch-ms instants per row in a style (TS_Z / TS_SPACE / TS_OFFSET, same instant), nulls where `null`.
    Only the rows in the rarer styles are formatted twice (the feed is mostly ISO with Z)."""
    ms = np.asarray(ms, dtype=np.int64)
    out = pl.from_epoch(pl.Series(ms), time_unit="ms").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
    if style is not None:
        space = np.flatnonzero(style == TS_SPACE)
        if len(space):
            out = out.scatter(space, out.gather(space).str.slice(0, 23).str.replace("T", " ", literal=True))
        shifted = np.flatnonzero(style == TS_OFFSET)
        if len(shifted):
            hours = np.asarray(offset_hours, dtype=np.int64)[shifted]
            local = pl.from_epoch(pl.Series(ms[shifted] + hours * 3_600_000), time_unit="ms")
            sign = pl.Series(["+", "-"]).gather((hours < 0).astype(np.int64))
            suffix = sign + pl.Series(np.abs(hours)).cast(pl.String).str.zfill(2) + ":00"
            out = out.scatter(shifted, local.dt.strftime("%Y-%m-%dT%H:%M:%S%.3f") + suffix)
    if null is not None:
        hit = np.flatnonzero(null)
        if len(hit):
            out = out.scatter(hit, None)
    return out


class FileLog:
    """Counts files written (the stats' "files")."""

    def __init__(self) -> None:
        self.files = 0
        self.by_dataset: dict[str, int] = {}

    def wrote(self, path: Path) -> None:
        self.files += 1
        dataset = path.parent.name
        self.by_dataset[dataset] = self.by_dataset.get(dataset, 0) + 1


def write_bytes(path: Path, data: bytes, log: FileLog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    log.wrote(path)


def write_items(path: Path, items: Iterable[dict], log: FileLog, extra: dict | None = None, batch: int = 5000) -> int:
    """Write {"items": [...]} (plus top-level `extra` keys first), serialising items in batches
    so a large snapshot never sits in memory as one string. Returns the item count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "wb") as out:
        out.write(b"{")
        for key, value in (extra or {}).items():
            out.write(orjson.dumps(key) + b":" + orjson.dumps(value) + b",")
        out.write(b'"items":[')
        pending: list[bytes] = []
        for item in items:
            pending.append(orjson.dumps(item))
            count += 1
            if len(pending) >= batch:
                out.write((b"," if count > len(pending) else b"") + b",".join(pending))
                pending = []
        if pending:
            out.write((b"," if count > len(pending) else b"") + b",".join(pending))
        out.write(b"]}")
    log.wrote(path)
    return count


def write_frame_items(path: Path, frame: pl.DataFrame, log: FileLog) -> None:
    """A polars frame as {"items": [...]} (row objects in column order; nested lists/structs kept)."""
    write_bytes(path, b'{"items":' + frame.write_json().encode() + b"}", log)


def json_rows(frame: pl.DataFrame, raw_fields: Iterable[str] = ()) -> str:
    """Row objects as JSON text from an all-string frame, vectorised. Columns in `raw_fields` hold
    ready JSON literals (numbers, booleans, or already-quoted strings); other columns are quoted.
    Generated values never contain '"' or '\\', so quoting needs no escaping."""
    raw = set(raw_fields)
    parts = []
    for i, name in enumerate(frame.columns):
        key = ("{" if i == 0 else ",") + orjson.dumps(name).decode() + ":"
        col = pl.col(name)
        value = col if name in raw else pl.lit('"') + col + pl.lit('"')
        parts.append(pl.lit(key) + pl.when(col.is_null()).then(pl.lit("null")).otherwise(value))
    rows = frame.select(pl.concat_str(parts).alias("row") + pl.lit("}"))
    return ",\n".join(rows.to_series().to_list())
