"""The scale-out path, proven locally: one region's dbt project built on Spark (README "Scaling out").

The same dbt project as the DuckDB build (partner_analytics.dbt), on the profile's `spark` target:
dbt-spark with `method: session`, i.e. a SparkSession inside this process (pyspark + Java 17; install
with `uv sync --group spark`). Sources read the same Parquet lake by path (dbt_project/macros/lake.sql),
the region's models go to the Spark database `pa_<region>` of an in-memory catalog whose table files
live under a fresh `<work_dir>/spark-warehouse`, so every build starts empty as a DuckDB build does.

    python -m partner_analytics.spark --home H --region US --week-ending 2026-11-22 [--dump tables.pickle]

--dump writes, after the build and from the same Spark session, every table whose name starts with one
of --prefix (default rpt_, fct_, dim_) as {name: (columns, rows)} (plain Python values: Decimal, date,
datetime in UTC, ...) for the DuckDB parity test (tests/spark/). This module is not part of a weekly
run: scheduled runs build on DuckDB."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

from partner_analytics import paths
from partner_analytics.dbt import dbt_vars, invoke

DEFAULT_PREFIXES = ("rpt_", "fct_", "dim_")


def _utc_process() -> None:
    """pyspark turns a TIMESTAMP into a naive datetime in the process's local zone: make that UTC (the
    JVM started afterwards inherits it too; the session zone is UTC by the profile)."""
    os.environ["TZ"] = "UTC"
    if hasattr(time, "tzset"):
        time.tzset()


def build_region(
    home: Path,
    region: str,
    week_ending: dt.date,
    work_dir: Path,
    *,
    data_tests: bool = True,
    unit_tests: bool = False,
) -> float:
    """`dbt build --target spark` of the region in this process; returns the build's wall seconds.

    Raises BuildError naming the failed nodes, like the DuckDB build. data_tests=False builds seeds and
    models only; unit tests are off by default as in scheduled DuckDB builds."""
    _utc_process()
    work_dir = Path(work_dir).resolve()
    warehouse_dir = work_dir / "spark-warehouse"
    shutil.rmtree(warehouse_dir, ignore_errors=True)
    shutil.rmtree(work_dir / "target", ignore_errors=True)
    os.environ["PA_SPARK_WAREHOUSE_DIR"] = str(warehouse_dir)
    args = ["build", "--target", "spark", "--vars", json.dumps(dbt_vars(Path(home), region, week_ending))]
    excluded = ([] if unit_tests else ["unit_test"]) + ([] if data_tests else ["test"])
    for resource_type in excluded:
        args += ["--exclude-resource-type", resource_type]
    started = time.perf_counter()
    # PA_WAREHOUSE_PATH (set by invoke) is the DuckDB target's; the spark target does not read it
    invoke(args, warehouse=work_dir / "unused.duckdb", work_dir=work_dir)
    return time.perf_counter() - started


def session():
    """The SparkSession dbt-spark created in this process (getOrCreate returns the running one)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    return active if active is not None else SparkSession.builder.getOrCreate()


def read_tables(prefixes: tuple[str, ...] = DEFAULT_PREFIXES) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of every Spark database whose name starts with one of `prefixes`: {name: (columns, rows)}."""
    spark = session()
    out: dict[str, tuple[list[str], list[tuple]]] = {}
    for database in sorted(row[0] for row in spark.sql("show databases").collect()):
        for table in spark.sql(f"show tables in `{database}`").collect():
            name = table["tableName"]
            if table["isTemporary"] or not name.startswith(tuple(prefixes)):
                continue
            if name in out:
                raise RuntimeError(f"table {name} is in two Spark databases")
            frame = spark.table(f"`{database}`.`{name}`")
            out[name] = (list(frame.columns), [tuple(row) for row in frame.collect()])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m partner_analytics.spark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--week-ending", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--work-dir", type=Path, help="dbt target/logs and the Spark warehouse (default <home>/runs/<D>/<R>/spark)")
    parser.add_argument("--no-data-tests", action="store_true", help="seeds and models only")
    parser.add_argument("--unit-tests", action="store_true", help="also run the dbt unit tests")
    parser.add_argument("--dump", type=Path, help="pickle the built rpt_/fct_/dim_ tables here")
    parser.add_argument("--prefix", action="append", help="table name prefix to dump (repeatable)")
    args = parser.parse_args(argv)
    work_dir = args.work_dir or paths.run_dir(args.home, args.week_ending, args.region) / "spark"
    seconds = build_region(args.home, args.region, args.week_ending, work_dir, data_tests=not args.no_data_tests, unit_tests=args.unit_tests)
    result = {"region": args.region, "week_ending": args.week_ending.isoformat(), "build_seconds": round(seconds, 1)}
    if args.dump:
        tables = read_tables(tuple(args.prefix or DEFAULT_PREFIXES))
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        args.dump.write_bytes(pickle.dumps(tables))
        result["tables"] = len(tables)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
