"""Where everything lives under a pipeline home (<home>): lake, warehouse, runs, exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
PARTNER = "partner"  # the lake folder of partner-level (cross-region) data
# The regions, in the order a run takes them (here, not in ingestion.schemas, so that the CLI process
# that only orchestrates child processes never imports polars).
REGIONS = ("US", "CA", "EU", "UAE")


def lake_dir(home: Path, region: str) -> Path:
    """The lake of one region (or of partner-level data for region='partner')."""
    return Path(home) / "lake" / region


def partner_lake_dir(home: Path) -> Path:
    return lake_dir(home, PARTNER)


def warehouse_path(home: Path, region: str) -> Path:
    """The region's DuckDB warehouse file (only ever written by that region's dbt build)."""
    return Path(home) / "warehouse" / f"{region}.duckdb"


def run_dir(home: Path, week_ending: dt.date, region: str) -> Path:
    return Path(home) / "runs" / week_ending.isoformat() / region


def exports_dir(home: Path, region: str) -> Path:
    return Path(home) / "exports" / region
