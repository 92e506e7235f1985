"""Independent readers for generated landing files (standard-library csv/json only), so the generator
tests check the bytes written, not the generator's own code."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
import zipfile
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


# The CDR CSV header as Control Hub writes it; generated files may drift from it in case and spacing.
CDR_CSV_HEADER = (
    "Start time", "Answer time", "Release time", "Duration", "Ring duration", "Report ID", "Report time",
    "Correlation ID", "Local SessionID", "Final local SessionID", "Call ID", "Org UUID", "User UUID", "User",
    "User type", "Direction", "Answered", "Call type", "Client type", "Client version", "Device MAC", "Model",
    "Location", "Site UUID", "Site timezone", "Calling number", "Called number", "Original reason",
    "Redirect reason", "Related reason", "Call outcome", "Call outcome reason", "Releasing party",
    "International country",
)  # fmt: skip
PLACEHOLDERS = ("NA", "na", "N/A")


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class CsvShape:
    """What a CDR CSV file looked like on disk (SPEC 9's real-world shapes)."""

    zipped: bool = False
    trailing_comma: bool = False
    recased: bool = False
    na_cells: int = 0


SHAPES: dict[str, CsvShape] = {}  # file (relative to the landing) -> its shape, filled by read_cdr


def cdr_csv_text(path: Path) -> tuple[str, CsvShape]:
    """A CDR CSV's text (BOM removed), from the file or from the CSV inside a ZIP download."""
    data = path.read_bytes()
    shape = CsvShape()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            [member] = archive.namelist()
            assert member == path.name + ".csv"
            data = archive.read(member)
            assert data.startswith(b"\xef\xbb\xbf")
        shape.zipped = True
    return data.decode("utf-8-sig"), shape


def read_cdr(landing: Path, region: str | None = None) -> list[CdrRow]:
    rows: list[CdrRow] = []
    canonical = {_key(n): n for n in CDR_CSV_HEADER}
    for region_dir in sorted(landing.iterdir()):
        if region_dir.name not in REGIONS or (region and region_dir.name != region):
            continue
        for path in sorted((region_dir / "cdr").iterdir()):
            rel = str(path.relative_to(landing))
            file_date = dt.date.fromisoformat(path.name[:10])
            if path.suffix != ".json":
                text, shape = cdr_csv_text(path)
                reader = csv.reader(io.StringIO(text, newline=""))
                header = next(reader)
                if header[-1] == "":
                    header, shape.trailing_comma = header[:-1], True
                shape.recased = any(h not in CDR_CSV_HEADER for h in header)
                header = [canonical[_key(h)] for h in header]
                for record in reader:
                    ok = len(record) == len(header)
                    if ok:
                        shape.na_cells += sum(v in PLACEHOLDERS for v in record)
                        record = ["" if v in PLACEHOLDERS else v for v in record]
                    values = dict(zip(header, record, strict=False)) if ok else {"Report ID": record[5]}
                    rows.append(CdrRow(rel, file_date, "csv", values, ok, None if ok else record))
                SHAPES[rel] = shape
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


HYDRA = re.compile(r"^ciscospark://[^/]+/([A-Z_]+)/([0-9a-fA-F-]{36})$")


def hydra(value: str) -> tuple[str, str] | None:
    """(TYPE, uuid) of a Webex REST id (unpadded base64 of ciscospark://<cluster>/<TYPE>/<uuid>), else None."""
    if not isinstance(value, str) or not value.startswith("Y2lzY29zcGFyazovL"):
        return None
    match = HYDRA.match(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    return (match.group(1), match.group(2).lower()) if match else None


def as_uuids(value):
    """Every Hydra id inside a JSON value replaced by its lower-case UUID (what ingestion joins on)."""
    if isinstance(value, dict):
        return {k: as_uuids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_uuids(v) for v in value]
    found = hydra(value)
    return found[1] if found else value


def snapshot_uuids(landing: Path, region: str, dataset: str, day: dt.date = WEEK_ENDING) -> dict:
    """A snapshot with its Hydra ids as UUIDs."""
    return as_uuids(snapshot(landing, region, dataset, day))
