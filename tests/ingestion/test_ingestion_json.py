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


def _read(path: Path, text: str):
    path.write_text(text, encoding="utf-8")
    return read_json_items(LandingFile(path, "US/x/page.json", "0" * 64), ["id", "n", "flag", "obj", "s", "address.country"], {"tags": '["VARCHAR"]'})


def test_a_large_document_is_parsed_in_pieces_with_the_same_rows_and_raw_text(tmp_path: Path, monkeypatch):
    # DOC parsed whole, then as if large (split at 0 bytes) in pieces of 1 item (piece size 1 char) and
    # of 2 items (40 chars: the first item alone is 120): the same frame, the same raw text of any row.
    from ingestion import readers

    whole = _read(tmp_path / "whole.json", DOC)
    monkeypatch.setattr(readers, "JSON_SPLIT_BYTES", 0)
    first = '{"id": "a\\"b\\\\c", "n": 36, "flag": true, "obj": {"k": [1, 2.50]}, "s": "", "address": {"country": "US"}, "tags": ["x", 7], "extra": 1}'
    third = '{"n": 1.5e300, "id": "caf\\u00e9", "address": "flat"}'
    assert len(first) == 134
    assert [(DOC[a:b], n) for a, b, n in readers._item_pieces(DOC, 1)] == [(first, 1), ("5", 1), (third, 1)]
    # a piece closes once it reaches 135 chars: the first item (134) takes the comma, space and "5" along
    assert [(DOC[a:b], n) for a, b, n in readers._item_pieces(DOC, 135)] == [(first + ", 5", 2), (third, 1)]
    parses = []
    parse_items = readers._parse_items
    monkeypatch.setattr(readers, "_parse_items", lambda *a: parses.append(a[1]) or parse_items(*a))
    for piece_chars, pieces in ((1, 3), (135, 2)):
        monkeypatch.setattr(readers, "JSON_PIECE_BYTES", piece_chars)
        parses.clear()
        split = _read(tmp_path / f"split{piece_chars}.json", DOC)
        assert len(parses) == pieces and parses[-1] == '{"items": [' + third + "]}"
        assert split.frame.equals(whole.frame)
        for rows in ([3, 1], [2], [1, 2, 3]):
            failed = split.frame.filter(pl.col("source_row").is_in(rows)).sort(pl.col("source_row").replace(dict(zip(rows, range(3)))))
            assert split.raw(failed) == whole.raw(failed)


def test_only_a_well_formed_items_document_is_split(tmp_path: Path):
    # Anything the piece finder cannot walk exactly is left to the whole-document parse (and its error).
    from ingestion import readers

    doc = '{"next": {"a": [1]}, "items": [ {"id": 1} ,{"id": 2}] }\n'
    assert [(doc[a:b], n) for a, b, n in readers._item_pieces(doc, 1)] == [('{"id": 1}', 1), ('{"id": 2}', 1)]
    assert readers._item_pieces('{"items": []}', 1) == []
    for bad in (
        '[{"id": 1}]',
        '{"items": [1,]}',
        '{"items": [1]',
        '{"items": [1], "items": [2]}',
        '{"items": {}}',
        '{"items": [NaN]}',
        '{"other": 1}',
        '{"items": [1]} x',
        '{"items": [1] "next": 2}',
    ):
        assert readers._item_pieces(bad, 1) is None, bad
