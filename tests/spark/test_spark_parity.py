"""The scale-out path (README "Scaling out"): the same dbt project built on Spark gives the same tables as
on DuckDB, row for row and cell for cell.

The end-to-end hand-made landing set (tests/e2e/conftest.py: US, D = 2026-11-22) is ingested once into a
Parquet lake; the US region is built from that lake twice:
  - DuckDB: partner_analytics.dbt.build_region, as a weekly run builds it (seeds, models, data tests);
  - Spark: `python -m partner_analytics.spark` in one child process, i.e. dbt-spark 1.11 with
    `method: session` (one SparkSession, local[2], 2 shuffle partitions; profile target `spark`), seeds
    and models. The same process then reads every built rpt_/fct_/dim_ table from that session.
Every rpt_ table and the fct_/dim_ tables they read must then hold the same rows: numbers compared after
the same rounding (9 decimal places, so 2, 2.0 and 2.000000000 are one value), timestamps in UTC.

Java 17 and pyspark are required, never optional: `make test` installs the `spark` dependency group and
`.ci/run` installs Java where it is missing, so a machine without them fails here instead of skipping.
Spark runs in a child process so that its JVM ends with it (and a pyspark session cannot leak into the
other tests); DuckDB builds in this process while Spark works.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import os
import pickle
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from e2e.conftest import D, build_landing

pytestmark = pytest.mark.slow

REGION = "US"
PREFIXES = ("rpt_", "fct_", "dim_")
REPO = Path(__file__).resolve().parents[2]
SPARK_TIMEOUT_S = 1500
# rpt_ tables of the hand-made US landing that must hold rows (an empty table on both sides would match)
EXPECTED_NONEMPTY = (
    "rpt_customers",
    "rpt_subscription_kpis",
    "rpt_license_allocation_trend",
    "rpt_expiring_subscriptions",
    "rpt_call_volume_trend",
    "rpt_call_quality_trend",
    "rpt_calling_usage_detail",
    "rpt_feature_usage",
    "rpt_call_queue_kpis",
    "rpt_devices",
    "rpt_phone_numbers",
    "fct_call_legs",
    "fct_subscription_products",
    "dim_customers",
)
_NINE_PLACES = Decimal("1e-9")


def canonical(value):
    """One cell, engine-independent: numbers rounded to 9 places, timestamps as UTC ISO text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return repr(value)
    if isinstance(value, (int, float, Decimal)):
        rounded = Decimal(str(value) if isinstance(value, float) else value).quantize(_NINE_PLACES)
        return ("number", str(rounded.normalize() + 0))  # + 0 turns -0 into 0
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # DuckDB TIMESTAMPTZ; pyspark gives naive UTC (TZ=UTC in the child)
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return ("timestamp", value.isoformat())
    if isinstance(value, dt.date):
        return ("date", value.isoformat())
    if isinstance(value, (list, tuple)):
        return tuple(canonical(v) for v in value)
    return ("other", repr(value))


def canonical_rows(rows) -> list[tuple]:
    """The rows with canonical cells, in one engine-independent order (tables have no row order)."""
    return sorted((tuple(canonical(v) for v in row) for row in rows), key=repr)


def require_spark_runtime() -> None:
    """Fail (not skip) when the scale-out path cannot run: a green suite must mean Spark was checked."""
    if shutil.which("java") is None:
        pytest.fail(
            "Java is not installed: the Spark parity test needs Java 17 (`bash .ci/run` installs openjdk-17-jre-headless where it is missing)", pytrace=False
        )
    for module in ("pyspark", "dbt.adapters.spark"):
        if importlib.util.find_spec(module) is None:
            pytest.fail(f"{module} is not installed: run `make test` (it installs the `spark` dependency group: uv sync --group spark)", pytrace=False)


def duckdb_tables(warehouse: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        names = con.execute(
            # views too: marts.fct_call_legs is a view over the incremental leg facts (issue 19)
            "select table_schema, table_name from information_schema.tables where table_type in ('BASE TABLE', 'VIEW')"
        ).fetchall()
        out = {}
        for schema, name in sorted(names):
            if name.startswith(PREFIXES):
                assert name not in out, f"table {name} is in two DuckDB schemas"
                cur = con.execute(f'select * from "{schema}"."{name}"')
                out[name] = ([d[0] for d in cur.description], cur.fetchall())
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory):
    """(DuckDB tables, Spark tables, the Spark child's output) of one US build on each engine."""
    require_spark_runtime()
    from ingestion import ingest_partner, ingest_region
    from partner_analytics.dbt import build_region

    base = tmp_path_factory.mktemp("spark_parity")
    landing = build_landing(base / "landing")
    home = base / "home"
    ingest_partner(landing, home, D)
    ingest_region(landing, home, REGION, D)

    dump = base / "spark-tables.pickle"
    log = base / "spark-build.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PA_")}
    env["TZ"] = "UTC"
    with open(log, "w", encoding="utf-8") as out:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "partner_analytics.spark",
                "--home",
                str(home),
                "--region",
                REGION,
                "--week-ending",
                D.isoformat(),
                "--work-dir",
                str(base / "spark"),
                "--no-data-tests",
                "--dump",
                str(dump),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            warehouse = build_region(home, REGION, D)
            duck = duckdb_tables(warehouse)
            code = child.wait(timeout=SPARK_TIMEOUT_S)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        pytest.fail(f"the Spark build exited {code}; last lines of {log}:\n{output[-6000:]}", pytrace=False)
    return duck, pickle.loads(dump.read_bytes()), output


def test_spark_builds_the_same_tables(both_builds):
    duck, spark, _ = both_builds
    assert sorted(spark) == sorted(duck)
    # every rpt_ model of the project is compared (19 today), not only those that happened to build
    rpt_models = {p.stem for p in (REPO / "dbt_project" / "models").rglob("rpt_*.sql")}
    assert len(rpt_models) >= 19
    assert {name for name in duck if name.startswith("rpt_")} == rpt_models
    empty = [name for name in EXPECTED_NONEMPTY if not duck[name][1]]
    assert not empty, f"the hand-made landing should fill {empty}"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_spark_tables_equal_duckdb_row_for_row_and_cell_for_cell(both_builds, prefix):
    duck, spark, _ = both_builds
    differences = []
    compared = 0
    for name in sorted(n for n in duck if n.startswith(prefix)):
        duck_columns, duck_rows = duck[name]
        if name not in spark:
            differences.append(f"{name}: not built on Spark")
            continue
        spark_columns, spark_rows = spark[name]
        if spark_columns != duck_columns:
            differences.append(f"{name}: columns differ\n  duckdb {duck_columns}\n  spark  {spark_columns}")
            continue
        d, s = canonical_rows(duck_rows), canonical_rows(spark_rows)
        compared += len(d)
        if d != s:
            only_duck = [r for r in d if r not in s][:3]
            only_spark = [r for r in s if r not in d][:3]
            differences.append(
                f"{name}: {len(d)} rows on DuckDB, {len(s)} on Spark; columns {duck_columns}\n  only on DuckDB: {only_duck}\n  only on Spark:  {only_spark}"
            )
    assert not differences, "Spark and DuckDB disagree:\n" + "\n".join(differences)
    assert compared > 0, f"no {prefix} rows compared"


def test_canonical_cells_round_the_same_and_keep_real_differences():
    # the rounding is the same for both engines' types...
    assert canonical(Decimal("12.30")) == canonical(12.3) == canonical(Decimal("12.300000000001"))
    assert canonical(2) == canonical(2.0) == canonical(Decimal("2.0"))
    assert canonical(-0.0) == canonical(0)
    aware = dt.datetime(2026, 11, 21, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert canonical(aware) == canonical(dt.datetime(2026, 11, 22, 1, 0))
    # ...and a real difference survives it
    assert canonical(Decimal("12.3")) != canonical(Decimal("12.4"))
    assert canonical(0.1 + 1e-8) != canonical(0.1)
    assert canonical(True) != canonical(1)
    assert canonical(dt.date(2026, 11, 22)) != canonical("2026-11-22")
    assert canonical_rows([(2, "b"), (1, None)]) == canonical_rows([(1, None), (2.0, "b")])
