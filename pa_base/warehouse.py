"""How anything outside dbt names and opens a region's warehouse: relations by layer schema, read-only.

dbt builds each layer into its own schema (`staging`, `intermediate`, `marts`; see the
`generate_schema_name` macro), so every reader names a relation through `relation()` / `mart()` here
and nowhere else. Staging views read the lake by paths relative to the pipeline home
(`lake/<REGION>/...`), resolved through DuckDB's `file_search_path`: `open_read_only` sets it to the
home, so a warehouse copied together with its home works wherever the copy lives."""

from __future__ import annotations

from pathlib import Path

from pa_base.errors import PipelineError

STAGING, INTERMEDIATE, MARTS = "staging", "intermediate", "marts"
# Model name prefix -> the schema dbt builds it in (dbt_project.yml `+schema`). Seeds (lookup
# tables) sit in staging beside the sources they complement.
_SCHEMA_BY_PREFIX = (("stg_", STAGING), ("int_", INTERMEDIATE), ("rpt_", MARTS), ("fct_", MARTS), ("dim_", MARTS))


# DuckDB settings of every connection that writes a warehouse (dbt's profile sets the same,
# dbt_project/profiles.yml): no vacuum at checkpoint. A weekly build deletes the leg weeks it recomputes
# and the week that left the calling window from intermediate.int_call_legs_weekly and inserts the new
# rows; DuckDB's default (max_vacuum_tasks 100) then rewrites, at the next checkpoint, every row group
# that lost rows, and a full build's row groups each hold all 8 weeks: the whole table was rewritten
# every week (4.3 s of a 31.7 s build at scale s, US; grows with the window). Without vacuuming, a row
# group keeps its deleted rows until all its rows are deleted, when the checkpoint drops it whole (no
# rewrite): a row group lives at most as long as its newest week stays in the window (8 weeks), so the
# table holds at most the rows of the last 8 builds' inserts, live or not. Any connection that checkpoints
# with the default would rewrite it all once, hence the one setting for every writer.
WRITE_CONFIG = {"max_vacuum_tasks": 0}


def open_for_write(warehouse: Path):
    """A read-write DuckDB connection to a warehouse being built (WRITE_CONFIG)."""
    import duckdb

    return duckdb.connect(str(warehouse), config=dict(WRITE_CONFIG))


class WarehouseLockedError(PipelineError):
    """The warehouse file is held read-write by another process (a build, or someone's open session)."""


def schema_of(name: str) -> str:
    """The schema dbt builds model `name` in."""
    for prefix, schema in _SCHEMA_BY_PREFIX:
        if name.startswith(prefix):
            return schema
    return STAGING  # seeds


def relation(name: str) -> str:
    """`<schema>.<name>` for a dbt model or seed of the warehouse (a plain identifier, checked)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain relation name: {name!r}")
    return f"{schema_of(name)}.{name}"


def mart(name: str) -> str:
    """`marts.<name>`: the one way readers (exports, dashboard, CLI) name a mart relation."""
    if not name.startswith(("rpt_", "fct_", "dim_")):
        raise ValueError(f"{name!r} is not a mart (rpt_, fct_ or dim_ model)")
    return relation(name)


def home_of(warehouse: Path) -> Path:
    """The pipeline home of a region's warehouse file: `<home>/warehouse/<REGION>.duckdb`, or a version of it
    (`<home>/live/<REGION>/…`, `<home>/published/<REGION>/<n>/…`; see partner_analytics.publish). Symlinks are
    not followed: `warehouse/<REGION>.duckdb` links into `published/`, and both name the same home."""
    path = Path(warehouse).absolute()
    for folder in path.parents:
        if folder.name in ("warehouse", "live", "published"):
            return folder.parent
    return path.parent.parent


def open_read_only(warehouse: Path, home: Path | None = None):
    """A read-only DuckDB connection to `warehouse` whose staging views resolve the lake under `home`
    (default: the home the file sits in). A file another process holds read-write raises
    WarehouseLockedError with one line saying so (the CLI prints it and exits 1)."""
    import duckdb

    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise PipelineError(f"no warehouse at {warehouse}: run `partner-analytics run` first")
    root = Path(home).resolve() if home is not None else home_of(warehouse)
    try:
        return duckdb.connect(str(warehouse), read_only=True, config={"file_search_path": str(root)})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLockedError(
                f"warehouse {warehouse} is in use by another process (a build or a read-write session); try again when it has finished"
            ) from None
        raise
