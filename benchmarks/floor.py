"""The floor: the least work that yields the weekly calling numbers, in plain DuckDB.

Stage 1 copies every raw CDR and media file of each region to Parquet (what ingestion must at least
do); stage 2 runs one hand-written query per calling report over those files. The benchmark runs it on
the same landing data as the pipeline, in the same invocation, and divides."""

from __future__ import annotations

import argparse
import json
import shutil
import time
import zipfile
from pathlib import Path

import duckdb

CDR_COLUMNS = {
    "Report ID": "varchar",
    "Report time": "varchar",
    "Org UUID": "varchar",
    "Correlation ID": "varchar",
    "Start time": "varchar",
    "Duration": "varchar",
    "Direction": "varchar",
    "User UUID": "varchar",
    "User type": "varchar",
    "Location": "varchar",
}


def copy_stage(con, landing: Path, out: Path, region: str) -> int:
    """Raw CDR (CSV, CSV members of ZIP downloads, JSON pages) and media JSON of one region -> Parquet;
    returns CDR rows.

    Every CDR record of the files is copied, as ingestion reads every one: a ZIP's CSV members are
    extracted first (a Control Hub download, named with or without `.zip`, as ingestion recognises it
    by its content), and rows shorter than the header are padded (`null_padding`). Without that,
    DuckDB's sniffer rejected nearly every row of a file whose header ends in a comma (Cisco's
    cdr-download tool), and `ignore_errors` dropped them silently: at scale m the floor copied 3.06 M
    of the week's 3.96 M CDR records (benchmarks/README). JSON pages are copied one file at a time:
    read_json materialises a whole {"items": [...]} document."""
    base = landing / region
    out.mkdir(parents=True, exist_ok=True)
    cols = ", ".join(f'"{c}"' for c in CDR_COLUMNS)
    cdr_files = sorted(p for p in (base / "cdr").glob("*") if p.is_file()) if (base / "cdr").is_dir() else []
    archives = [p for p in cdr_files if zipfile.is_zipfile(p)]
    plain = [p for p in cdr_files if p not in archives]
    csvs = [p for p in plain if p.suffix.lower() == ".csv"]
    members = out / "zip-members"
    for i, archive in enumerate(archives):
        with zipfile.ZipFile(archive) as z:
            for j, member in enumerate(m for m in z.infolist() if m.filename.lower().endswith(".csv")):
                target = members / f"{i:05d}-{j:03d}.csv"
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
                csvs.append(target)
    if csvs:
        listed = ", ".join(f"'{p}'" for p in csvs)
        con.execute(
            f"copy (select {cols} from read_csv([{listed}], header = true, all_varchar = true, "
            f"ignore_errors = true, null_padding = true, union_by_name = true)) to '{out}/cdr-csv.parquet' (format parquet)"
        )
    shutil.rmtree(members, ignore_errors=True)
    as_text = ", ".join(f'cast(it."{c}" as varchar) as "{c}"' for c in CDR_COLUMNS)
    for i, page in enumerate(p for p in plain if p.suffix.lower() == ".json"):
        con.execute(
            f"copy (select {as_text} from (select unnest(items) as it from read_json('{page}', "
            f"maximum_object_size = 1000000000))) to '{out}/cdr-json-{i:05d}.parquet' (format parquet)"
        )
    for i, page in enumerate(sorted((base / "media_quality").glob("*.json"))):
        con.execute(
            f"copy (select unnest(items, recursive := false) from read_json('{page}', "
            f"maximum_object_size = 1000000000)) to '{out}/media-{i:05d}.parquet' (format parquet)"
        )
    return con.execute(f"select count(*) from '{out}/cdr-*.parquet'").fetchone()[0]


def report_stage(con, out: Path, week_ending: str) -> dict:
    """Calling usage per customer and location for W, deduplicated on Report ID (latest report time)."""
    q = f"""
    with legs as (
        select *, try_cast("Start time" as timestamptz) as started_at,
               try_cast("Duration" as bigint) as duration_seconds
        from '{out}/cdr-*.parquet'
        qualify row_number() over (partition by "Report ID" order by "Report time" desc) = 1
    )
    select "Org UUID", "Location",
           count(*) filter (where "Direction" = 'ORIGINATING') as calls,
           count(*) as legs,
           round(sum(duration_seconds) / 60.0, 2) as minutes
    from legs
    where started_at >= cast('{week_ending}' as date) - interval 7 day and started_at < cast('{week_ending}' as date)
      and duration_seconds >= 0
    group by all
    """
    rows = con.execute(q).fetchall()
    return {"rows": len(rows), "calls": sum(r[2] for r in rows), "legs": sum(r[3] for r in rows)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--landing", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--week-ending", required=True)
    p.add_argument("--region", action="append", required=True)
    p.add_argument("--memory-limit", default="4GB")  # read_json materialises a whole page
    a = p.parse_args()
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{a.memory_limit}'; set timezone = 'UTC'; set preserve_insertion_order = false")
    result = {"copy_seconds": 0.0, "report_seconds": 0.0, "cdr_rows": 0, "regions": {}}
    for region in a.region:
        t0 = time.perf_counter()
        rows = copy_stage(con, a.landing, a.out / region, region)
        t1 = time.perf_counter()
        numbers = report_stage(con, a.out / region, a.week_ending)
        t2 = time.perf_counter()
        result["copy_seconds"] += t1 - t0
        result["report_seconds"] += t2 - t1
        result["cdr_rows"] += rows
        result["regions"][region] = numbers
    print(json.dumps(result))


if __name__ == "__main__":
    main()
