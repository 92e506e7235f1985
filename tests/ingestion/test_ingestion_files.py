"""Whole-file failures: each names the file, and the region's lake is left exactly as it was."""

from __future__ import annotations

import pytest

from partner_analytics.errors import FileFormatError

GOOD_CUSTOMER = {"orgId": "org-1", "displayName": "Acme", "region": "US", "managedBy": "PARTNER"}

BAD_FILES = {
    "semicolon CSV": ("US/cdr/semi.csv", b"Report ID;Report time;Org UUID;Start time\r\nr1;2026-11-16T10:00:00Z;org-1;2026-11-16T10:00:00Z\r\n",
                      "missing required column(s) 'Report ID', 'Report time', 'Org UUID', 'Start time'"),
    "missing required column": ("US/call_queue_stats/q.csv", b"Org ID,Queue ID,Total Calls\r\norg-1,q1,3\r\n",
                                "missing required column(s) 'Date'"),
    "truncated JSON": ("US/cdr/page.json", b'{"items": [{"Report ID": "r1"', "not valid JSON (Malformed JSON at byte 29 of input: unexpected end of data)"),  # the 29-byte input ends at byte 29
    "top-level list": ("US/meeting_participants/m.json", b'[{"orgId": "org-1"}]', "got a top-level ARRAY"),
    "wrong shape": ("US/media_quality/m.json", b'{"data": []}', "got no 'items'"),
    "empty file": ("US/media_quality/empty.json", b"", "empty file"),
    "empty CSV": ("US/call_queue_stats/empty.csv", b"", "empty file"),
    "Latin-1": ("US/cdr/latin.csv", "Report ID,Report time,Org UUID,Start time,Location\r\nr1,2026-11-16T10:00:00Z,org-1,2026-11-16T10:00:00Z,Zürich\r\n".encode("latin-1"),
                "not UTF-8 at byte 104"),  # header 52 bytes + "r1," 3 + timestamp, 21 + "org-1," 6 + timestamp, 21 + "Z" 1
    "snapshot name not a date": ("US/customers/latest.json", b'{"items": []}', "snapshot file must be named <YYYY-MM-DD>.json"),
    "snapshot name an impossible date": ("US/devices/2026-02-30.json", b'{"items": []}', "snapshot file must be named"),
    "unexpected file type": ("US/cdr/notes.txt", b"hello", "unexpected file type '.txt' for cdr"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_unparseable_file_fails_naming_it_and_leaves_the_lake_unchanged(landing, home, b, case):
    # A first good run gives the lake some content (a customers snapshot and a CDR week).
    b.write_items(landing / "US/customers/2026-11-15.json", [GOOD_CUSTOMER])
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1")])
    b.run(landing, home)
    before = b.tree_bytes(home / "lake")

    # Run 2 has good new files in several datasets AND one bad file: nothing at all may be published.
    b.write_csv(landing / "US/cdr/b.csv", b.CDR_HEADER, [b.cdr("r2", **{"Report time": "2026-11-20T00:00:00Z"})])
    b.write_items(landing / "US/customers/2026-11-22.json", [GOOD_CUSTOMER])
    rel, data, problem = BAD_FILES[case]
    bad = b.write_bytes(landing / rel, data)
    with pytest.raises(FileFormatError) as error:
        b.run(landing, home)
    assert error.value.path == str(bad)
    assert str(bad) in str(error.value) and problem in str(error.value)
    assert b.tree_bytes(home / "lake") == before
    assert not list((home / "lake").rglob("*.tmp*"))  # no staged leftovers


def test_failure_on_a_fresh_home_publishes_nothing(landing, home, b):
    b.write_csv(landing / "US/cdr/a.csv", b.CDR_HEADER, [b.cdr("r1")])
    b.write_bytes(landing / "US/people/2026-11-22.json", b'{"items": [')
    with pytest.raises(FileFormatError, match="2026-11-22.json"):
        b.run(landing, home)
    assert not (home / "lake").exists() or not any(p.is_file() for p in (home / "lake").rglob("*"))


def test_latin1_offset_is_the_first_bad_byte(landing, home, b):
    # header: 9 + 1 + 11 + 1 + 8 + 1 + 10 + "\n" = 42 bytes; "caf" = 3 more -> 0xE9 ("é" in Latin-1) is byte 45.
    b.write_bytes(landing / "US/cdr/x.csv", b"Report ID,Report time,Org UUID,Start time\ncaf\xe9,,,\n")
    with pytest.raises(FileFormatError, match=r"not UTF-8 at byte 45"):
        b.run(landing, home)
