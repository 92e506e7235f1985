"""The vectorised value parsers every dataset shares."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingestion.parsing import parse_bool, parse_float, parse_int, parse_mac, parse_timestamp, show, week_ending_of

UTC = dt.UTC


def _apply(parser, values):
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(parser(pl.col("v"))).to_series().to_list()


def test_timestamp_spellings_all_normalise_to_utc():
    values = [
        "2026-11-16T10:00:00.123Z",  # ISO, Z
        "2026-11-16 10:00:00.123",  # space, naive = UTC
        "2026-11-16T10:00:00Z",  # no fraction
        "2026-11-16 10:00:00",
        "2026-11-16T12:00:00.123+02:00",  # offset with colon: 12:00 +02 = 10:00 UTC
        "2026-11-16T05:00:00-0500",  # offset without colon: 05:00 -05 = 10:00 UTC
        "2026-11-16T10:00:00.123456789Z",  # nanoseconds truncate to microseconds
        "2026-11-16t10:00:00z",  # RFC 3339 allows lower-case t and z
        "garbage", "2026-13-01T00:00:00Z", "2026-11-16", "", None,
    ]  # fmt: skip
    got = _apply(parse_timestamp, values)
    ten = dt.datetime(2026, 11, 16, 10, tzinfo=UTC)
    ms = dt.timedelta(milliseconds=123)
    assert got[:8] == [ten + ms, ten + ms, ten, ten, ten + ms, ten, ten + dt.timedelta(microseconds=123456), ten]
    assert got[8:] == [None] * 5


def test_numbers_booleans_macs():
    assert _apply(parse_int, ["36", " 36 ", "36.0", "3.5", "abc", "NaN", "-2", "1e3", "99999999999999999999"]) == [
        36, 36, 36, None, None, None, -2, 1000, None,
    ]  # fmt: skip
    assert _apply(parse_float, ["1.5", "NaN", "inf", "-inf", "x", "-0.25"]) == [1.5, None, None, None, None, -0.25]
    assert _apply(parse_bool, ["true", "FALSE", "True", "yes", "1", None]) == [True, False, True, None, None, None]
    assert _apply(parse_mac, ["11:22:33:44:aa:ff", "1122-3344-AAFF", "6C710D8ABC10", "11:22:33", "GG2233445566"]) == [
        "11223344AAFF", "11223344AAFF", "6C710D8ABC10", None, None,
    ]  # fmt: skip


def test_week_ending_is_the_sunday_closing_the_utc_week():
    moments = [
        dt.datetime(2026, 11, 22, 0, 0, tzinfo=UTC),  # Sunday 00:00 starts the week ending 11-29
        dt.datetime(2026, 11, 21, 23, 59, 59, tzinfo=UTC),  # Saturday -> 11-22
        dt.datetime(2026, 11, 16, 0, 0, tzinfo=UTC),  # Monday -> 11-22
        dt.datetime(2026, 11, 15, 0, 0, tzinfo=UTC),  # Sunday -> 11-22
    ]
    frame = pl.DataFrame({"t": moments}, schema={"t": pl.Datetime("us", "UTC")})
    assert frame.select(week_ending_of(pl.col("t"))).to_series().to_list() == [
        dt.date(2026, 11, 29), dt.date(2026, 11, 22), dt.date(2026, 11, 22), dt.date(2026, 11, 22),
    ]  # fmt: skip


def test_show_is_repr_style_and_at_most_80_characters():
    assert show("abc") == "'abc'"
    assert show(None) == "null"
    shown = show("9" * 1_000_000)  # 77 characters and "..." inside the quotes
    assert shown == "'" + "9" * 77 + "...'" and len(shown) == 82
