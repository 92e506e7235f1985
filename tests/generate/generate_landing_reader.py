"""Independent readers for generated landing files (standard-library csv/json only), so the generator
tests check the bytes written, not the generator's own code."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

WEEK_ENDING = dt.date(2026, 11, 22)
REGIONS = ("US", "CA", "EU", "UAE")
TIMESTAMP_FIELDS = ("Start time", "Answer time", "Release time", "Report time")
_TS = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def parse_ts(value) -> dt.datetime | None:
    """A UTC instant from any of the three source styles; None when it is not a timestamp."""
    if not isinstance(value, str) or not _TS.match(value):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


@dataclass
class CdrRow:
    file: str  # path relative to the landing root
    file_date: dt.date  # the day in the file name
    fmt: str  # "csv" or "json"
    values: dict  # source field -> value (as sent: str, int or bool)
    well_formed: bool  # False for a CSV record with the wrong number of fields
    raw: list | None = None  # the CSV fields of a malformed record


def read_cdr(landing: Path, region: str | None = None) -> list[CdrRow]:
    rows: list[CdrRow] = []
    for region_dir in sorted(landing.iterdir()):
        if region_dir.name not in REGIONS or (region and region_dir.name != region):
            continue
        for path in sorted((region_dir / "cdr").iterdir()):
            rel = str(path.relative_to(landing))
            file_date = dt.date.fromisoformat(path.name[:10])
            if path.suffix == ".csv":
                with open(path, encoding="utf-8-sig", newline="") as fh:
                    reader = csv.reader(fh)
                    header = next(reader)
                    for record in reader:
                        ok = len(record) == len(header)
                        values = dict(zip(header, record, strict=False)) if ok else {"Report ID": record[5]}
                        rows.append(CdrRow(rel, file_date, "csv", values, ok, None if ok else record))
            else:
                for item in json.loads(path.read_bytes())["items"]:
                    rows.append(CdrRow(rel, file_date, "json", item, True))
    return rows


def normalised(row: CdrRow) -> tuple:
    """A CDR row's content independent of format: timestamps as instants, numbers/booleans as text."""
    out = []
    for key in sorted(k for k in row.values if k not in ("Answered",)):
        value = row.values[key]
        if key in TIMESTAMP_FIELDS:
            instant = parse_ts(value)
            value = instant.isoformat() if instant else value
        out.append((key, "" if value is None else str(value)))
    out.append(("Answered", str(row.values.get("Answered")).lower()))
    return tuple(out)


def snapshot(landing: Path, region: str, dataset: str, day: dt.date = WEEK_ENDING) -> dict:
    return json.loads((landing / region / dataset / f"{day.isoformat()}.json").read_bytes())


def json_items(landing: Path, region: str, dataset: str) -> list[tuple[str, dict]]:
    out = []
    for path in sorted((landing / region / dataset).iterdir()):
        for item in json.loads(path.read_bytes())["items"]:
            out.append((path.name, item))
    return out


def csv_rows(landing: Path, region: str, dataset: str) -> list[dict]:
    out = []
    for path in sorted((landing / region / dataset).iterdir()):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            out.extend(csv.DictReader(fh))
    return out
