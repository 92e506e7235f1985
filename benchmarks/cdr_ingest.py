"""CDR-only ingestion rate: one region's `cdr/` landing files into an empty lake, in this process.

    python -m benchmarks.cdr_ingest --landing L --region US --week-ending D --lake /tmp/x

Parses, types, quarantines, dedupes and stages every CDR file exactly as a run does (then discards
the staged files: nothing is published). Prints JSON: rows read, wall and CPU seconds, rows/s per core."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from ingestion.events import EVENTS
from ingestion.manifest import Manifest
from ingestion.run import Run
from partner_analytics import periods


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--landing", type=Path, required=True)
    p.add_argument("--region", required=True)
    p.add_argument("--week-ending", required=True)
    p.add_argument("--lake", type=Path, required=True, help="an empty scratch lake folder (deleted first)")
    a = p.parse_args()
    shutil.rmtree(a.lake, ignore_errors=True)
    a.lake.mkdir(parents=True)
    run = Run(a.landing, a.lake, a.region, periods.week_ending(a.week_ending), Manifest.load(a.lake))
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        out = run.ingest_events(EVENTS["cdr"], a.landing / a.region / "cdr")
    finally:
        run.staging.discard()
        run.close()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    cores = os.cpu_count() or 1
    print(
        json.dumps(
            {
                "region": a.region,
                "rows": out.read,
                "files": out.files_ingested,
                "seconds": wall,
                "cpu_seconds": cpu,
                "rows_per_second": out.read / wall,
                "rows_per_second_per_core": out.read / wall / cores,
            }
        )
    )


if __name__ == "__main__":
    main()
