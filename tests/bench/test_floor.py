"""The benchmark's floor (benchmarks/floor.py) copies every CDR record ingestion reads, or its ratio
compares the pipeline with less work than the week holds."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb

from benchmarks import floor

# The CSV header Cisco's cdr-download tool writes ends in a comma: 11 names for 10 fields per row.
HEADER = "Start time,Report ID,Report time,Org UUID,Correlation ID,Duration,Direction,User UUID,User type,Location,"


def leg(n: int, minutes: int, direction: str = "ORIGINATING") -> str:
    return f"2026-11-16T10:00:{n:02d}.000Z,r{n},2026-11-16T11:00:00Z,o1,c{n},{60 * minutes},{direction},u1,User,HQ"


def test_floor_copies_trailing_comma_csvs_zip_members_and_json_pages(tmp_path):
    cdr = tmp_path / "landing" / "US" / "cdr"
    cdr.mkdir(parents=True)
    # 3 legs in a trailing-comma CSV (DuckDB's sniffer read 0 of them before `null_padding`)
    (cdr / "2026-11-16_001.csv").write_text("\n".join([HEADER, leg(1, 1), leg(2, 2), leg(3, 3, "TERMINATING")]) + "\n")
    # 2 legs in a Control Hub ZIP download named without a suffix (not copied at all before)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.csv", "\n".join([HEADER, leg(4, 4), leg(5, 5)]) + "\n")
    (cdr / "2026-11-17_002").write_bytes(buf.getvalue())
    # 1 leg in an API page
    item = dict(zip(HEADER.rstrip(",").split(","), leg(6, 6).split(",")))
    (cdr / "2026-11-18_003.json").write_text(json.dumps({"items": [item]}))
    (tmp_path / "landing" / "US" / "media_quality").mkdir()

    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    out = tmp_path / "out" / "US"
    assert floor.copy_stage(con, tmp_path / "landing", out, "US") == 6
    assert not (out / "zip-members").exists()  # the extracted members are scratch
    # week ending 2026-11-22: all six legs in one (org, location), five originating (r3 terminates), 1+2+3+4+5+6 = 21 minutes
    assert floor.report_stage(con, out, "2026-11-22") == {"rows": 1, "calls": 5, "legs": 6}
    minutes = con.execute(f"select sum(try_cast(\"Duration\" as bigint)) / 60 from '{out}/cdr-*.parquet'").fetchone()[0]
    assert minutes == 21
