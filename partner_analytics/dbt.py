"""Runs the dbt project for one region: `dbt build` into a fresh warehouse file, swapped in atomically."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from pathlib import Path

from partner_analytics import paths
from partner_analytics.errors import BuildError

log = logging.getLogger(__name__)


# Poor-quality thresholds (SPEC 6.4) are configuration: environment variable -> dbt var.
THRESHOLD_ENV = {
    "PA_POOR_JITTER_MS": "poor_jitter_ms",
    "PA_POOR_LATENCY_MS": "poor_latency_ms",
    "PA_POOR_PACKET_LOSS_PCT": "poor_packet_loss_pct",
}


def threshold_vars(environ: dict | None = None) -> dict:
    """Thresholds set in the environment (defaults live in dbt_project.yml: 150 ms, 400 ms, 5 %)."""
    environ = os.environ if environ is None else environ
    out = {}
    for env, var in THRESHOLD_ENV.items():
        if environ.get(env, "").strip():
            try:
                out[var] = float(environ[env])
            except ValueError:
                raise BuildError(f"{env} must be a number, got {environ[env]!r}") from None
    return out


def dbt_vars(home: Path, region: str, week_ending: dt.date, extra: dict | None = None) -> dict:
    """The --vars of one region's build: the home its lake paths are relative to, D (never the clock), thresholds."""
    out = {
        "region": region,
        "home": str(Path(home).resolve()),
        "week_ending": week_ending.isoformat(),
        **threshold_vars(),
    }
    out.update(extra or {})
    return out


def invoke(args: list[str], *, warehouse: Path, work_dir: Path) -> None:
    """Run one dbt command in-process against `warehouse`; raise BuildError naming failed nodes.

    Relative paths are taken from the current directory (dbt would put a relative --target-path
    under the dbt project instead)."""
    from dbt.cli.main import dbtRunner  # heavy import: only when a build runs

    work_dir, warehouse = Path(work_dir).resolve(), Path(warehouse).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {"PA_WAREHOUSE_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = dbtRunner(callbacks=[_log_node]).invoke(
            [
                *args,
                "--project-dir",
                str(paths.DBT_PROJECT_DIR),
                "--profiles-dir",
                str(paths.DBT_PROJECT_DIR),
                "--target-path",
                str(work_dir / "target"),
                "--log-path",
                str(work_dir / "logs"),
                "--no-partial-parse",
                "--quiet",
            ]
        )
    finally:
        _release_duckdb()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    if result.success:
        return
    failures = []
    if result.result is not None and hasattr(result.result, "results"):
        for r in result.result.results:
            if str(r.status).lower() in {"error", "fail"}:
                failures.append(f"{r.node.name}: {r.message}")
    detail = "; ".join(failures) or str(result.exception or "see dbt logs in " + str(work_dir / "logs"))
    raise BuildError(f"dbt {' '.join(args[:1])} failed: {detail}")


def _log_node(event) -> None:
    """One log line per finished model, seed, snapshot and test (dbt runs --quiet; Airflow's task log
    and `run -v` show these): name, status, seconds and, for models, the rows dbt-duckdb reports."""
    try:
        if event.info.name != "NodeFinished":
            return
        node, result = event.data.node_info, event.data.run_result
        rows = None
        if result.HasField("adapter_response") and "rows_affected" in result.adapter_response:
            rows = int(result.adapter_response["rows_affected"])
        status = result.status or node.node_status
        level = logging.WARNING if status in ("error", "fail") else logging.INFO
        detail = f", {rows:,} rows" if rows is not None and rows >= 0 else ""
        if node.resource_type == "test" and result.num_failures:
            detail += f", {result.num_failures:,} failing rows"
        elif node.materialized and node.resource_type != "test":
            detail += f", {node.materialized}"
        log.log(level, "dbt %s %s: %s, %.2f s%s", node.resource_type, node.node_name, status, result.execution_time, detail)
    except Exception:  # a log line must never fail a build
        log.debug("could not log a dbt event", exc_info=True)


def _release_duckdb() -> None:
    """Close dbt-duckdb's process-wide DuckDB handle.

    dbt-duckdb keeps one DuckDB database open per process after `invoke` returns; until it is closed the
    file on disk may lack the last writes, and renaming it would publish an incomplete warehouse to any
    reader in this process (an Airflow task or a test that builds, then exports)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter (e.g. Spark): nothing held open here
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is not None:
            env.close()


def log_table_rows(warehouse: Path) -> dict[str, int]:
    """One log line per table of a built warehouse with its rows (dbt-duckdb reports none itself);
    returns {schema.table: rows}. Read-only; a warehouse that cannot be opened logs nothing."""
    import duckdb

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        log.debug("no row counts for %s: %s", warehouse, exc)
        return {}
    try:
        rows = con.execute("select schema_name, table_name, estimated_size from duckdb_tables() order by schema_name, table_name").fetchall()
    finally:
        con.close()
    out = {f"{schema}.{table}": int(n) for schema, table, n in rows}
    for name, n in out.items():
        log.info("dbt table %s: %s rows", name, f"{n:,}")
    return out


def building_path(home: Path, region: str) -> Path:
    """Where a region's next warehouse is built before it is published: inside the staged version
    (partner_analytics.publish), published together with the exports rendered from it."""
    from partner_analytics import publish

    return publish.staged_warehouse(home, region)


def publish_warehouse(home: Path, region: str) -> Path:
    """Publish the staged version (a warehouse alone when nothing else was staged); returns the live path."""
    from partner_analytics import publish

    publish.publish(home, region)
    return paths.warehouse_path(home, region)


def build_region(
    home: Path,
    region: str,
    week_ending: dt.date,
    extra_vars: dict | None = None,
    unit_tests: bool = False,
    publish: bool = True,
    run_id: str | None = None,
    full_refresh: bool = False,
) -> Path:
    """`dbt build` the region's warehouse for week ending D; returns the warehouse path.

    Data tests always run (they gate the data). dbt unit tests pin the SQL's logic, not the data, so
    scheduled runs skip them (as dbt recommends) and the test suite runs them (`unit_tests=True`).

    Builds into the region's staged version (building_path) and writes its `run_info` table; with
    publish=True that version (the warehouse alone) is made live only when every model and test
    passed, so a failed build leaves the previous good warehouse untouched. With publish=False the
    built file stays staged (the weekly run renders the exports next to it and publishes both in
    one rename, see pipeline.export_step) and its path is returned.

    Incremental (partner_analytics.incremental): the staged warehouse starts as a copy of the live one
    and only the leg weeks whose lake files changed are recomputed; full_refresh=True (`run
    --full-refresh`), a backfill, a report period or scope, or a live warehouse built otherwise
    builds everything from nothing."""
    from partner_analytics import incremental, locks
    from partner_analytics import publish as publishing

    home = Path(home)
    publishing.new_staging(home, region)  # what a crashed build of this region left is removed
    building = building_path(home, region)
    work_dir = paths.run_dir(home, week_ending, region) / "dbt"
    shutil.rmtree(work_dir / "target", ignore_errors=True)
    variables = dbt_vars(home, region, week_ending, extra_vars)
    plan, lake_files = incremental.plan(home, region, week_ending, variables, full_refresh)
    reuse = plan.reuse and not unit_tests
    try:
        if reuse:  # a no-op re-run of the live week: the live file itself, linked, neither copied nor written
            incremental.stage_base(plan.base, building, link=True)
            log.info("%s: incremental build: %s: the live warehouse is kept as it is (no dbt, no copy)", region, plan.reason)
        elif plan.full_refresh:
            log.info("%s: full build (%s)", region, plan.reason)
        else:
            seconds = incremental.stage_base(plan.base, building)
            log.info(
                "%s: incremental build from the live warehouse (copied in %.2f s): %s, recomputing leg weeks %s, activity weeks %s, meeting weeks %s",
                region,
                seconds,
                plan.reason,
                *(", ".join(w.isoformat() for w in weeks) or "none" for weeks in (plan.leg_weeks, plan.activity_weeks, plan.meeting_weeks)),
            )
        if not reuse:
            args = ["build", *plan.dbt_args(), "--vars", json.dumps({**variables, **plan.dbt_vars()})]
            if not unit_tests:
                args += ["--exclude-resource-type", "unit_test"]
            invoke(args, warehouse=building, work_dir=work_dir)
            publishing.write_run_info(building, week_ending, run_id or locks.new_run_id())
            incremental.write_state(building, week_ending, variables, lake_files, incremental.all_lake_digest(home, region))
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    log_table_rows(building)
    log.info("built %s warehouse for week ending %s: %s", region, week_ending, building)
    return publish_warehouse(home, region) if publish else building
