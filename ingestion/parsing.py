"""Vectorised value parsers (string column -> typed column) and the per-row quarantine checks.

Every landing value arrives as a string (CSV cells, JSON scalars rendered as text), so each parser
is a polars expression from String to the lake type that yields null when the value does not
parse; `Checks` turns "present but null after parsing" into a quarantine reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ingestion.schemas import TS

# Accepted timestamp spellings, tried in order and coalesced (chrono's %.f makes the fraction
# optional, %z accepts both +02:00 and +0200). Naive times are UTC (SPEC 4.2).
TIMESTAMP_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.fZ",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%.f",
)
INT64_LIMIT = 2**63 - 1024  # largest float that still converts to Int64 without overflow
SHOWN_CHARS = 80


# The first pass: chrono's RFC 3339 parser (`T`, fraction, `Z` or an offset), the spelling of almost
# every value, at about twice the speed of an explicit format. RFC 3339 also allows a lower-case `t`
# and `z`; they are accepted as the same instants.
FIRST_PASS = "%+"


def _timestamps(values: pl.Series) -> pl.Series:
    # Parse every value with the fast RFC 3339 pass, then only the values it missed with each
    # accepted format: files are mostly one spelling, so the common case costs one pass.
    parsed = values.str.to_datetime(FIRST_PASS, time_unit="us", time_zone="UTC", strict=False)
    missed = parsed.is_null() & values.is_not_null()
    if not missed.any():
        return parsed
    rest = values.filter(missed).str.strip_chars()
    retried = pl.select(pl.coalesce([rest.str.to_datetime(f, time_unit="us", time_zone="UTC", strict=False) for f in TIMESTAMP_FORMATS])).to_series()
    return parsed.scatter(missed.arg_true(), retried)


def parse_timestamp(value: pl.Expr) -> pl.Expr:
    """String -> Datetime("us", "UTC"); null when no accepted format matches."""
    return value.map_batches(_timestamps, return_dtype=TS)


def parse_date(value: pl.Expr) -> pl.Expr:
    """String `YYYY-MM-DD` -> Date; null otherwise."""
    return value.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)


def parse_float(value: pl.Expr) -> pl.Expr:
    """String -> finite Float64; null for text, NaN and infinities."""
    number = value.str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


def parse_int(value: pl.Expr) -> pl.Expr:
    """String -> Int64; integral floats such as "36.0" (how JSON numbers may render) are accepted."""
    text = value.str.strip_chars()
    number = parse_float(text)
    integral = pl.when((number == number.floor()) & (number.abs() < INT64_LIMIT)).then(number).cast(pl.Int64)
    return pl.coalesce([text.cast(pl.Int64, strict=False), integral])


def parse_bool(value: pl.Expr) -> pl.Expr:
    """ "true"/"false" (any case; JSON booleans render the same) -> Boolean; null otherwise."""
    text = value.str.strip_chars().str.to_lowercase()
    return pl.when(text == "true").then(True).when(text == "false").then(False).otherwise(None).cast(pl.Boolean)


def parse_mac(value: pl.Expr) -> pl.Expr:
    """MAC with or without separators -> 12 upper-case hex digits; null when not a MAC."""
    mac = value.str.replace_all(r"[\s:.\-]", "").str.to_uppercase()
    return pl.when(mac.str.contains(r"^[0-9A-F]{12}$")).then(mac)


PARSERS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "timestamp": parse_timestamp,
    "date": parse_date,
    "number": parse_float,
    "integer": parse_int,
    "boolean": parse_bool,
    "MAC": parse_mac,
}


def week_ending_of(moment: pl.Expr) -> pl.Expr:
    """The Sunday that ends the UTC week [Sunday 00:00, next Sunday 00:00) holding a Datetime or Date."""
    day = moment.cast(pl.Date)
    # ISO weekday: Monday 1 .. Sunday 7, so weekday % 7 = days since the week's starting Sunday.
    return day - pl.duration(days=day.dt.weekday().cast(pl.Int64) % 7) + pl.duration(days=7)


def show(value: object) -> str:
    """A value as quarantine reasons show it: repr-style, at most 80 characters."""
    if value is None:
        return "null"
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 3] + "..."
    return repr(text)


@dataclass
class Check:
    """One way a row can fail: `key` is the reason without values, `describe` renders the full reason."""

    bad: pl.Expr
    key: str
    values: list[pl.Expr] = field(default_factory=list)
    describe: Callable[..., str] | None = None
    key_of: Callable[..., str] | None = None  # when the key depends on the row (nested arrays)

    def reason(self, *values: object) -> tuple[str, str]:
        key = self.key_of(*values) if self.key_of else self.key
        return key, (self.describe(*values) if self.describe else key)


@dataclass
class Checks:
    """The ordered checks of a dataset; a row's quarantine reason is its first failing check."""

    items: list[Check] = field(default_factory=list)

    def missing(self, source_field: str, column: pl.Expr) -> None:
        self.items.append(Check(column.is_null(), f"missing {source_field}"))

    def parsed(self, what: str, source_field: str, raw: pl.Expr, typed: pl.Expr) -> None:
        key = f"invalid {what} in {source_field}"
        self.items.append(Check(raw.is_not_null() & typed.is_null(), key, [raw], lambda v, key=key: f"{key}: {show(v)}"))

    def rule(self, bad: pl.Expr, key: str, values: list[pl.Expr], describe: Callable[..., str], key_of: Callable[..., str] | None = None) -> None:
        self.items.append(Check(bad, key, values, describe, key_of))

    def negative(self, source_field: str, raw: pl.Expr, typed: pl.Expr) -> None:
        key = f"negative {source_field}"
        self.rule(typed < 0, key, [raw], lambda v, key=key: f"{key}: {show(v)}")

    def first_failure(self) -> pl.Expr:
        """Index of the first failing check per row (null for a clean row)."""
        if not self.items:
            return pl.lit(None, dtype=pl.Int32)
        return pl.coalesce([pl.when(c.bad.fill_null(False)).then(pl.lit(i, dtype=pl.Int32)) for i, c in enumerate(self.items)])

    def reasons(self, failed: pl.DataFrame, check_column: str = "_check") -> list[tuple[str, str]]:
        """(key, full reason) per row of `failed` (rows whose `check_column` is set), in row order.

        Only quarantined rows come here, so formatting them in Python keeps the clean path vectorised."""
        out: list[tuple[str, str]] = [("", "")] * failed.height
        indices = failed.get_column(check_column).to_list()
        for i, check in enumerate(self.items):
            rows = [r for r, c in enumerate(indices) if c == i]
            if not rows:
                continue
            subset = failed[rows]
            if check.values:
                values = subset.select([v.alias(f"_v{j}") for j, v in enumerate(check.values)]).rows()
            else:
                values = [()] * len(rows)
            for r, v in zip(rows, values):
                out[r] = check.reason(*v)
        return out
