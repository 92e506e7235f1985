"""The JSON reader at the grain of one item: each field's text exactly as the source renders it,
and an item's raw text rendered on demand for the rows that get quarantined."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingestion.readers import LandingFile, read_json_items, src

DOC = (
    '{"items": ['
    '{"id": "a\\"b\\\\c", "n": 36, "flag": true, "obj": {"k": [1, 2.50]}, "s": "", "address": {"country": "US"}, "tags": ["x", 7], "extra": 1},'
    " 5,"
    ' {"n": 1.5e300, "id": "caf\\u00e9", "address": "flat"}'
    '], "next": null}'
)


def test_json_fields_keep_their_json_text_and_raw_is_rendered_for_given_rows(tmp_path: Path):
    path = tmp_path / "page.json"
    path.write_text(DOC, encoding="utf-8")
    records = read_json_items(LandingFile(path, "US/x/page.json", "0" * 64), ["id", "n", "flag", "obj", "s", "address.country"], {"tags": '["VARCHAR"]'})
    frame = records.frame
    assert frame.get_column("source_row").to_list() == [1, 2, 3]
    # strings unescaped; numbers/booleans/objects as their (minified) JSON text; "" -> null; 5 is not an object -> nulls
    assert frame.get_column(src("id")).to_list() == ['a"b\\c', None, "café"]
    assert frame.get_column(src("n")).to_list() == ["36", None, "1.5e300"]  # the source's spelling, not 1.5e+300
    assert frame.get_column(src("flag")).to_list() == ["true", None, None]
    assert frame.get_column(src("obj")).to_list() == ['{"k":[1,2.5]}', None, None]
    assert frame.get_column(src("s")).to_list() == [None, None, None]
    assert frame.get_column(src("address.country")).to_list() == ["US", None, None]  # "flat" has no country
    assert frame.get_column(src("tags")).to_list() == [["x", "7"], None, None]
    assert "extra" not in " ".join(frame.columns)  # unknown fields are ignored
    # Raw text only for the rows asked for (the quarantined ones), in their order.
    failed = frame.filter(pl.col("source_row").is_in([2, 1]))
    assert records.raw(failed) == [
        '{"id":"a\\"b\\\\c","n":36,"flag":true,"obj":{"k":[1,2.5]},"s":"","address":{"country":"US"},"tags":["x",7],"extra":1}',
        "5",
    ]


def test_a_json_page_larger_than_the_parser_memory_cap_is_still_read(landing, home, b, monkeypatch):
    # The JSON parser's DuckDB starts at a 2 MiB cap with no per-byte headroom, far below what a
    # ~3 MB page needs: each out-of-memory doubles the cap until the parse fits; every row loads.
    from ingestion import readers

    monkeypatch.setattr(readers, "_DUCKDB", {})  # a fresh database for this test, at the test's cap
    monkeypatch.setattr(readers, "JSON_MEMORY_BYTES", 2 * 2**20)
    monkeypatch.setattr(readers, "JSON_MEMORY_PER_BYTE", 0)
    legs = [b.cdr(f"r{i:05d}", Location="x" * 200) for i in range(12_000)]
    b.write_items(landing / "US/cdr/page.json", legs)
    summary = b.run(landing, home)["cdr"]
    assert b.counts(summary) == (12_000, 12_000, 0, 0, 0)
    lake = b.lake(home, "cdr")
    assert lake.get_column("report_id").n_unique() == 12_000 and lake.get_column("location_name").str.len_chars().max() == 200
    con = next(iter(readers._DUCKDB.values()))
    limit = readers._bytes(con.execute("select current_setting('memory_limit')").fetchone()[0])
    assert limit > 2 * 2**20  # it grew
