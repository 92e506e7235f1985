"""CSV cell rendering for exports (SPEC 7): RFC 4180 via the csv module, formula-safe text cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# A cell that is entirely a plain number ("-2", "3.5", "+41445551234", "1e5") cannot run anything.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) other than tab, LF and CR
# are removed from every text cell: a NUL or an escape sequence in a CDR field must not reach a
# spreadsheet or a terminal (README "Control characters").
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def safe_text(value: str) -> str:
    """A text cell as exported: control characters other than tab/LF/CR removed, then `'` prefixed
    when a spreadsheet would run it as a formula, unless it is a plain number."""
    value = _CONTROL.sub("", value)
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def render(value: Any) -> str:
    """One cell: empty for null, True/False for booleans, ISO dates, exact decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN never reaches a report as a number
            return ""
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(str(value))


def csv_writer(fh):
    """The one CSV dialect of every export: comma-separated, CRLF, minimal RFC 4180 quoting."""
    return csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def to_csv_bytes(header: list[str], rows: Iterable[tuple]) -> bytes:
    """UTF-8 (no BOM), comma-separated, CRLF, minimal RFC 4180 quoting, one header row."""
    buf = io.StringIO(newline="")
    writer = csv_writer(buf)
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow([render(v) for v in row])
    return buf.getvalue().encode("utf-8")
