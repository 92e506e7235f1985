"""Parquet copies of a region's report marts for tools that read files: `<home>/marts/<REGION>/<rpt_name>.parquet`."""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from pathlib import Path

from pa_base import paths
from pa_base.warehouse import MARTS, mart, open_read_only

log = logging.getLogger(__name__)


def marts_dir(home: Path, region: str) -> Path:
    return Path(home) / "marts" / region


def write_marts_parquet(home: Path, region: str, warehouse: Path | None = None, out: Path | None = None) -> list[Path]:
    """Every `rpt_` table of the warehouse's `marts` schema as one Parquet file (rows in a total order),
    written into a staging folder first and then moved into place file by file; files of reports that
    no longer exist are removed. Reads the warehouse read-only. The weekly export step writes them into
    the version it publishes (`out`), so `<home>/marts/<REGION>/` changes with the warehouse and CSVs."""
    start = time.perf_counter()
    home = Path(home)
    warehouse = paths.warehouse_path(home, region) if warehouse is None else Path(warehouse)
    out = marts_dir(home, region) if out is None else Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        con = open_read_only(warehouse, home)
        try:
            names = [
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where schema_name = ? and table_name like 'rpt\\_%' escape '\\' order by 1", [MARTS]
                ).fetchall()
            ]
            for name in names:
                target = str(staging / f"{name}.parquet").replace("'", "''")
                con.execute(f"copy (select * from {mart(name)} order by all) to '{target}' (format parquet)")
        finally:
            con.close()
        written = []
        for name in names:
            os.replace(staging / f"{name}.parquet", out / f"{name}.parquet")
            written.append(out / f"{name}.parquet")
        keep = {p.name for p in written}
        for stale in out.glob("rpt_*.parquet"):
            if stale.name not in keep:
                stale.unlink()
        log.info("wrote %d Parquet marts to %s in %.3f s", len(written), out, time.perf_counter() - start)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
