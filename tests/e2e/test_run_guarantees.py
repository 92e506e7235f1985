"""End to end, the run itself: exit code, summary.json accounting (SPEC §5), CSV bytes (SPEC §7),
byte-identical re-runs (SPEC §2), data residency (SPEC §3) and snapshots dated after D (SPEC §4)."""

import json

import duckdb
import pytest

from partner_analytics import paths, pipeline
from partner_analytics.errors import PipelineError

from .conftest import D_ISO, EURO, US_NAMES, US_ORGS, assert_table, build_landing, export_bytes, run_cli

pytestmark = pytest.mark.slow  # one full pipeline run (two dbt builds) for the module's fixture

DEFAULT_TEMPLATES = [
    "Customers",
    "Subscription KPIs",
    "Recently Added Subscriptions",
    "Expiring Subscriptions",
    "Renewing Subscriptions",
    "Low License Assignment Subscriptions",
    "License Overage Subscriptions",
    "License Allocation Trend",
    "Call Volume Trend",
    "Customers and Usage",
    "Call Quality Trend",
    "Call Quality by Endpoint Type",
    "Customers and Call Quality",
    "Feature Usage",
    "Call Queue KPIs",
    "Customers and Call Queues",
    "Calling Usage Detail Report",
    "Devices Report",
    "Phone Numbers Report",
    "Customer Detail",
    "Customer Orders",
    "Trials",
    "Partner Admins",
]


def _summary(e2e, region):
    e2e.require_success()
    path = e2e.home / "runs" / D_ISO / region / "summary.json"
    assert path.exists(), f"no {path}"
    return json.loads(path.read_text(encoding="utf-8"))


def test_run_succeeds_and_writes_every_default_template(e2e):
    e2e.require_success()
    for region in ("US", "EU"):
        for name in DEFAULT_TEMPLATES:
            path = e2e.export_path(name, region)  # exactly one <name>_<8 hex>_2026-11-22.csv
            assert path.stat().st_size > 0
    # CA and UAE have no landing folder: skipped, not an error
    assert not (e2e.home / "exports" / "CA").exists() and not (e2e.home / "exports" / "UAE").exists()


def test_summary_accounts_for_every_row(e2e):
    summary = _summary(e2e, "US")
    assert summary["status"] == "succeeded"
    datasets = summary["datasets"]
    for name, counts in datasets.items():
        assert counts["read"] == counts["loaded"] + counts["duplicates"] + counts["quarantined"], name
    # cdr: 11 rows (2026-11-16.csv) + 9 (2026-11-20.json) + 2 (2026-11-21.csv) = 22 read;
    # duplicates: R-A5-1's older Report time (json) and R-G1-1's older Report time (2nd csv) = 2;
    # quarantined: R-F3-1 (Duration "abc") = 1; loaded 22 - 2 - 1 = 19 (the unknown Direction row is loaded).
    cdr = datasets["cdr"]
    assert (cdr["read"], cdr["loaded"], cdr["duplicates"], cdr["quarantined"]) == (22, 19, 2, 1)
    # media: 8 + 1 identical repeat; queue stats: 4 + 1 repeat; meeting participants: 6 + 1 (same
    # lower(email) key) -> one duplicate each, nothing quarantined.
    assert [datasets["media_quality"][k] for k in ("read", "loaded", "duplicates", "quarantined")] == [9, 8, 1, 0]
    assert [datasets["call_queue_stats"][k] for k in ("read", "loaded", "duplicates", "quarantined")] == [5, 4, 1, 0]
    assert [datasets["meeting_participants"][k] for k in ("read", "loaded", "duplicates", "quarantined")] == [7, 6, 1, 0]
    # the unknown Direction value is kept and counted once
    unknown = cdr.get("unknown_enums", {})
    assert any(values.get("INTERNAL") == 1 for values in unknown.values()), unknown
    assert {e["template"] for e in summary["exports"]} >= set(DEFAULT_TEMPLATES)


def test_csv_bytes(e2e):
    """UTF-8 without BOM, CRLF, one header row, exact cells (hand arithmetic in test_calling_exports)."""
    e2e.require_success()
    raw = e2e.export_path("Call Queue KPIs").read_bytes()
    assert raw == (
        b"Total Calls,Answered Calls,Abandoned Calls,Average Speed of Answer (s),Average Wait Before Abandon (s),Abandoned Rate %\r\n19,14,5,13.1,24.0,26.3\r\n"
    )
    customers = e2e.export_path("Customers").read_bytes()
    assert not customers.startswith(b"\xef\xbb\xbf")
    assert customers.count(b"\r\n") == 4 and customers.count(b"\n") == 4  # header + 3 rows, CRLF only
    assert b"\r\n'=Formula Corp," in customers or b",'=Formula Corp," in customers


def test_snapshot_after_d_is_not_used(e2e):
    """customers/2026-11-29.json adds Initech; partner_admins/2026-11-29.json gives zoe Globex: neither shows."""
    e2e.require_success()
    for rel, data in e2e.first_exports.items():
        assert b"Initech" not in data and b"org-us-initech" not in data, rel
        assert b"zoe@partner.example" not in data, rel
        assert b"Acme Old Name" not in data, rel  # the 2026-11-15 customers snapshot is superseded at D
    found = [(t, v) for t, v in _warehouse_strings(e2e.home / "warehouse" / "US.duckdb") if "initech" in v.lower()]
    assert not found, found


def test_quarantined_row_is_kept_with_file_position_and_reason(e2e):
    """SPEC 5: the Duration "abc" row is kept with its source file, position and reason. It is data record 11
    of US/cdr/2026-11-16.csv (header excluded: R-A0-1..3, R-A1-1, R-A1-2, R-A2-1..3, R-F1-1, R-F1-2, R-F3-1)."""
    import polars as pl

    e2e.require_success()
    files = sorted((e2e.home / "lake" / "US").rglob("_quarantine/**/*.parquet"))
    assert files, "no quarantine files under lake/US"
    q = pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed").unique()
    cdr = q.filter(pl.col("dataset") == "cdr")
    assert cdr.select("source_file", "source_row").rows() == [("US/cdr/2026-11-16.csv", 11)]
    assert "Duration" in cdr.item(0, "reason") and "R-F3-1" in cdr.item(0, "raw")


def _warehouse_strings(path):
    """Every text value of every materialised table of a warehouse (read-only). Views are left out: the
    staging views over the shared partner lake (partner admins and their assigned orgs, SPEC 3: "the only
    shared input") legitimately list every region's org ids."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() where not temporary order by 1, 2").fetchall()
        assert tables, f"no tables in {path}"
        for schema, table in tables:
            for row in con.execute(f'select * from "{schema}"."{table}"').fetchall():
                for value in row:
                    if isinstance(value, str):
                        yield f"{schema}.{table}", value
    finally:
        con.close()


def test_eu_residency(e2e):
    e2e.require_success()
    eu_warehouse = e2e.home / "warehouse" / "EU.duckdb"
    assert eu_warehouse.exists()
    leaks = [(t, v) for t, v in _warehouse_strings(eu_warehouse) if any(o in v for o in US_ORGS) or any(n in v for n in US_NAMES)]
    assert not leaks, f"US data in the EU warehouse: {leaks[:10]}"
    eu_files = {rel: data for rel, data in e2e.first_exports.items() if rel.startswith("EU/")}
    assert len(eu_files) >= len(DEFAULT_TEMPLATES)
    for rel, data in eu_files.items():
        for needle in (*US_ORGS, *US_NAMES):
            assert needle.encode() not in data, (rel, needle)
    # and the EU exports hold the EU customer, worked out by hand:
    header, rows = e2e.read("Customers", "EU")
    # SUB-E1 active SUBSCRIPTION ending 2027-09-30 (auto-renew); admin activity 2026-11-20 is recent; pat
    # is assigned org-eu-euro.
    assert_table(
        header,
        rows,
        header,
        [["Euro Widgets GmbH", EURO, "EU-1", "Partner", "Calling", "Subscription", "Subscription", "dach", "pat@partner.example", "2027-09-30"]],
    )
    header, rows = e2e.read("Customers and Usage", "EU")
    # two ORIGINATING legs by hans: 1 user, 2 calls, 2 legs, (65 + 70)/60 = 2.25 min, no W-1 calls -> empty
    assert_table(header, rows, header, [["Euro Widgets GmbH", EURO, "1", "2", "2", "2.25", ""]])


def test_rerun_is_byte_identical(e2e):
    """SPEC §2: re-running the same D on the same landing data gives byte-identical exports."""
    e2e.require_success()
    # US only: the region with every kind of data (a dbt build per region is most of the run time)
    proc = run_cli(e2e.landing, e2e.home, "US")
    assert proc.returncode == 0, proc.stderr[-4000:]
    again = export_bytes(e2e.home)
    assert sorted(again) == sorted(e2e.first_exports)  # same names: the <8 hex> id is derived, not random
    changed = [rel for rel in again if again[rel] != e2e.first_exports[rel]]
    assert not changed, f"exports differ after a re-run: {changed}"


def test_a_failing_region_leaves_the_next_region_exact(e2e, tmp_path):
    """Regions are independent (the run goes stage by stage): US fails its ingestion (a CDR file that
    is not UTF-8), the run fails naming US and that file only, and EU, which is ingested, validated,
    built and exported after it, gets exactly the exports of the clean run."""
    e2e.require_success()
    landing = build_landing(tmp_path / "landing")
    bad = landing / "US" / "cdr" / "2026-11-21-broken.csv"
    bad.write_bytes(b"reportId,orgId\r\nR-1,caf\xe9\r\n")  # Latin-1, not UTF-8
    home = tmp_path / "home"
    with pytest.raises(PipelineError, match=r"^US: .*2026-11-21-broken\.csv") as failed:
        pipeline.run(landing, home, D_ISO, processes=True)
    assert "EU:" not in str(failed.value)
    us = json.loads((home / "runs" / D_ISO / "US" / "summary.json").read_text(encoding="utf-8"))
    eu = json.loads((home / "runs" / D_ISO / "EU" / "summary.json").read_text(encoding="utf-8"))
    assert (us["status"], us["failed_step"], eu["status"]) == ("failed", "ingest", "succeeded")
    assert not (home / "exports" / "US").exists() and not paths.warehouse_path(home, "US").exists()
    eu_exports = {rel: data for rel, data in export_bytes(home).items() if rel.startswith("EU/")}
    assert eu_exports == {rel: data for rel, data in e2e.first_exports.items() if rel.startswith("EU/")}
    assert len(eu_exports) == len(DEFAULT_TEMPLATES)
