"""SPEC 13 "cost follows the new data": four consecutive weekly runs with incremental builds - late CDRs
landing in earlier weeks (one whose media record falls in the next week's partition), a corrected
CDR, a loaded CDR re-sent into a later week and a corrected (re-delivered) snapshot - give the same exports and marts, byte for byte, as one
`--full-refresh` run for the last week on the final landing. The logs prove the builds were
incremental and recomputed exactly the weeks whose lake files changed.

Real ingestion, validation, dbt and exports on the generator's `tiny` scale (US only, ~11k legs)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from partner_analytics import pipeline
from partner_analytics.generate import generate
from partner_analytics.warehouse import open_read_only

D1, D2, D3, D4 = (dt.date(2026, 11, 1), dt.date(2026, 11, 8), dt.date(2026, 11, 15), dt.date(2026, 11, 22))
SNAPSHOT_DATASETS = ("customers", "devices", "licenses", "locations", "numbers", "people", "subscriptions")
DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def _delivered_by(src: Path, landing: Path, d: dt.date) -> None:
    """What the landing zone holds when the run for D starts: event files of days before D, snapshot
    files dated up to D (the generator names every file by its date)."""
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = f.relative_to(src)
        m = DATED.match(f.name)
        if not m:
            continue
        day = dt.date.fromisoformat(m.group(1))
        snapshot = rel.parts[0] == "partner_admins" or (len(rel.parts) > 1 and rel.parts[1] in SNAPSHOT_DATASETS)
        if day <= d if snapshot else day < d:
            target = landing / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)


def _csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _late_deliveries(src: Path, landing: Path) -> dict:
    """Before the run for D3: CDRs of the week ending D1 delivered late (new legs; the last one starts
    Saturday 23:58 UTC and its media record Sunday 00:01, i.e. in the D2 media partition) and a
    corrected CDR of the week ending D2 (same Report ID, later Report time, longer duration)."""
    header, rows = _csv_rows(src / "US" / "cdr" / "2026-10-28_001.csv")
    late = []
    for i, row in enumerate(rows[:3]):
        late.append(
            {
                **row,
                "Report ID": f"00000000-0000-4000-8000-00000000000{i}",
                "Local SessionID": f"late{i:028d}",
                "Final local SessionID": f"late{i:028d}",
                "Correlation ID": f"00000000-0000-4000-9000-00000000000{i}",
            }
        )
    late[2].update(
        {
            "Start time": "2026-10-31T23:58:00.000Z",
            "Answer time": "2026-10-31T23:59:00.000Z",
            "Release time": "2026-11-01T00:09:00.000Z",
            "Duration": "600",
            "Answered": "true",
            "Report time": "2026-11-01T00:20:00.000Z",
        }
    )
    _write_csv(landing / "US" / "cdr" / "2026-11-13_late.csv", header, late)
    header2, rows2 = _csv_rows(src / "US" / "cdr" / "2026-11-03_001.csv")
    fixed = {**rows2[0], "Duration": str(int(rows2[0]["Duration"] or 0) + 100), "Report time": "2026-11-12T10:00:00.000Z"}
    _write_csv(landing / "US" / "cdr" / "2026-11-13_corrected.csv", header2, [fixed])
    media = {
        "items": [
            {
                "orgId": late[2]["Org UUID"],
                "correlationId": late[2]["Correlation ID"],
                "localSessionId": late[2]["Local SessionID"],
                "transport": "UDP",
                "audioIn": [
                    {
                        "samplingInterval": 60,
                        "startTime": "2026-11-01T00:01:00.000Z",
                        "endTime": "2026-11-01T00:09:00.000Z",
                        "jitter": [400],
                        "latency": [90],
                        "packetLoss": [0.0],
                    }
                ],
                "audioOut": [
                    {
                        "samplingInterval": 60,
                        "startTime": "2026-11-01T00:01:00.000Z",
                        "endTime": "2026-11-01T00:09:00.000Z",
                        "jitter": [2],
                        "latency": [80],
                        "packetLoss": [0.0],
                    }
                ],
                "videoIn": [],
                "videoOut": [],
            }
        ]
    }
    (landing / "US" / "media_quality" / "2026-11-13_late.json").write_text(json.dumps(media), encoding="utf-8")
    return {"late": late, "fixed": fixed}


def _resend_into_a_later_week(src: Path, landing: Path) -> dict:
    """Before the run for D4: a CDR of the week ending D1, already loaded, re-sent with every time 14
    days later (now in the week ending D3) and a later Report time. SPEC 4 keeps one row per Report ID:
    the lake's copy in D1 is replaced, as one full run over all files would keep only the later one."""
    header, rows = _csv_rows(src / "US" / "cdr" / "2026-10-28_001.csv")
    row = rows[5]
    moved = dict(row)
    for name in ("Start time", "Answer time", "Release time"):
        if row[name]:
            moved[name] = (dt.datetime.fromisoformat(row[name].replace("Z", "+00:00")) + dt.timedelta(days=14)).isoformat().replace("+00:00", "Z")
    moved["Report time"] = "2026-11-20T10:00:00.000Z"
    _write_csv(landing / "US" / "cdr" / "2026-11-20_resent.csv", header, [moved])
    return moved


def _correct_snapshot(landing: Path) -> None:
    """Before the run for D4: the devices snapshot of D3 re-delivered with one device's type changed."""
    path = landing / "US" / "devices" / "2026-11-15.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    items = doc["items"] if isinstance(doc, dict) else doc
    items[0]["product"] = f"{items[0].get('product', '')} (corrected)"
    items[0]["type"] = "roomdesk" if items[0].get("type") != "roomdesk" else "phone"
    path.write_text(json.dumps(doc), encoding="utf-8")


def _exports(home: Path) -> dict[str, bytes]:
    folder = home / "exports" / "US"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


# the tables a weekly build keeps from its base and recomputes in part, and what the people's activity feeds
INCREMENTAL_TABLES = ("int_call_legs_weekly", "int_calling_active_days", "int_meeting_active_days", "int_people_activity_flagged")
# and the analysts' leg view: an incremental build must not leave it restricted to the weeks it recomputed
COMPARED_INTERMEDIATE = (*INCREMENTAL_TABLES, "int_call_legs_enriched")


def _marts(warehouse: Path) -> dict[str, list[tuple]]:
    """Every rpt_/fct_/dim_ relation of marts, the incrementally kept tables and the analysts' leg view
    (int_call_legs_enriched: an incremental build must not leave it restricted to the weeks it
    recomputed), rows sorted (NULLs first)."""
    con = open_read_only(warehouse)
    try:
        names = [
            (s, t)
            for s, t in con.execute(
                "select schema_name, view_name from duckdb_views() where not internal "
                "union all select schema_name, table_name from duckdb_tables() order by 1, 2"
            ).fetchall()
            if (s == "marts" and t.startswith(("rpt_", "fct_", "dim_"))) or t in COMPARED_INTERMEDIATE
        ]
        out = {}
        for s, t in names:
            rows = con.execute(f"select * from {s}.{t}").fetchall()
            out[f"{s}.{t}"] = sorted(rows, key=lambda r: tuple((v is not None, str(v)) for v in r))
        return out
    finally:
        con.close()


def _recomputed(caplog) -> list[str]:
    """The build's plan line of the last run: 'full build (...)' or the weeks recomputed."""
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "partner_analytics.dbt" and ("full build" in r.getMessage() or "incremental build" in r.getMessage())
    ]
    return lines


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("generated")
    generate(src, D4, scale="tiny", seed=7, history_weeks=13, regions=["US"])
    return src


def test_four_incremental_weeks_equal_one_full_refresh(generated: Path, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="partner_analytics.dbt")
    landing, home = tmp_path / "landing", tmp_path / "home"
    plans = {}
    for d in (D1, D2, D3, D4):
        _delivered_by(generated, landing, d)
        if d == D3:
            late = _late_deliveries(generated, landing)
        if d == D4:
            _correct_snapshot(landing)
            resent = _resend_into_a_later_week(generated, landing)
        caplog.clear()
        pipeline.run(landing, home, d, ["US"])
        plans[d] = _recomputed(caplog)

    # D1: nothing to start from; every later week only what changed since the live warehouse
    assert len(plans[D1]) == 1 and "full build (no live warehouse)" in plans[D1][0]
    # D2: the new week, and D1 because D2's media partition (media of D1 legs that started late on
    # Saturday) was written anew; earlier weeks are kept. The people's activity days (CDRs, meetings):
    # the new week, and D2 + 14 days, which entered their horizon (empty)
    assert (
        "2 of 8 leg weeks, 2 of 23 activity weeks and 2 of 23 meeting weeks changed, recomputing leg weeks "
        "2026-11-01, 2026-11-08, activity weeks 2026-11-08, 2026-11-22, meeting weeks 2026-11-08, 2026-11-22" in plans[D2][0]
    ), plans[D2]
    # D3: the new week, the late CDRs' week D1, the corrected CDR's week D2 (and D2's media partition,
    # which now holds the media of a D1 leg); the CDR activity: the same three CDR weeks and D3 + 14 days;
    # the meetings: the new week and D3 + 14 days (no late meetings)
    assert (
        "3 of 8 leg weeks, 4 of 23 activity weeks and 2 of 23 meeting weeks changed, recomputing leg weeks "
        "2026-11-01, 2026-11-08, 2026-11-15, activity weeks 2026-11-01, 2026-11-08, 2026-11-15, 2026-11-29, "
        "meeting weeks 2026-11-15, 2026-11-29" in plans[D3][0]
    ), plans[D3]
    # D4: the new week, the one before (its next-week media partition, and the re-sent leg's new week)
    # and D1 (the re-sent leg's old copy removed); the corrected devices snapshot does not touch the
    # stored leg facts (the endpoint type is joined on read); activity days: the same three CDR weeks
    # and D4 + 14 days
    assert (
        "3 of 8 leg weeks, 4 of 23 activity weeks and 2 of 23 meeting weeks changed, recomputing leg weeks "
        "2026-11-01, 2026-11-15, 2026-11-22, activity weeks 2026-11-01, 2026-11-15, 2026-11-22, 2026-12-06, "
        "meeting weeks 2026-11-22, 2026-12-06" in plans[D4][0]
    ), plans[D4]

    # the late legs and the corrected leg are in the facts, with the cross-week media record
    wh = home / "warehouse" / "US.duckdb"
    con = open_read_only(wh, home)
    try:
        got = dict(
            con.execute(
                "select report_id, is_rated::varchar || '/' || is_poor_quality::varchar || '/' || started_date::varchar "
                "from marts.fct_call_legs where report_id like '00000000-0000-4000-8000-%' order by 1"
            ).fetchall()
        )
        fixed_duration = con.execute("select duration_seconds from marts.fct_call_legs where report_id = ?", [late["fixed"]["Report ID"]]).fetchone()[0]
        resent_days = con.execute("select started_date::varchar from marts.fct_call_legs where report_id = ?", [resent["Report ID"]]).fetchall()
    finally:
        con.close()
    assert got["00000000-0000-4000-8000-000000000002"] == "true/true/2026-10-31"  # jitter 400 > 150 in the next week's media
    assert len(got) == 3
    assert fixed_duration == int(late["fixed"]["Duration"])
    assert resent_days == [(resent["Start time"][:10],)]  # once, in its new week

    # the reference: one --full-refresh run for D4 on the final landing, in a fresh home
    full_home = tmp_path / "full"
    caplog.clear()
    pipeline.run(landing, full_home, D4, ["US"], full_refresh=True)
    assert "full build (--full-refresh)" in _recomputed(caplog)[0]

    seq, full = _exports(home), _exports(full_home)
    assert full and len(full) >= 20
    for name, data in full.items():
        assert seq.get(name) == data, f"export {name} differs from the full refresh"
    seq_marts, full_marts = _marts(wh), _marts(full_home / "warehouse" / "US.duckdb")
    assert set(seq_marts) == set(full_marts) and {f"intermediate.{t}" for t in COMPARED_INTERMEDIATE} <= set(full_marts)
    assert len(full_marts["intermediate.int_calling_active_days"]) > 100 and len(full_marts["intermediate.int_meeting_active_days"]) > 100
    assert len(full_marts["marts.fct_call_legs"]) > 5_000
    for name in full_marts:
        assert seq_marts[name] == full_marts[name], f"{name} differs from the full refresh"

    # a no-op re-run of D4 recomputes nothing and exports the same bytes
    caplog.clear()
    pipeline.run(landing, home, D4, ["US"])
    assert "nothing changed since the live warehouse was built for this week: the live warehouse is kept as it is" in _recomputed(caplog)[0]
    assert {n: b for n, b in _exports(home).items() if n in full} == full
    assert _marts(wh) == full_marts
