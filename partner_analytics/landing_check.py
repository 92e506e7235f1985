"""Landing folders the pipeline does not know are reported, never skipped without a word (issue #17).

Kept free of data libraries: the CLI's orchestrating process calls it (tests/core)."""

from __future__ import annotations

import logging
from pathlib import Path

from partner_analytics import paths

log = logging.getLogger(__name__)

# ingestion.schemas.REGIONAL_LANDING_DATASETS (a test keeps the two equal; that module imports polars)
DATASET_FOLDERS = (
    "cdr",
    "media_quality",
    "call_queue_stats",
    "meeting_participants",
    "customers",
    "subscriptions",
    "licenses",
    "people",
    "locations",
    "devices",
    "numbers",
)
PARTNER_FOLDER = "partner_admins"


def _folders(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def unknown_region_folders(landing: Path) -> list[str]:
    """Warnings for folders of <landing> that are neither a region nor partner_admins (`us`, `ZZ`)."""
    return [
        f"landing folder {Path(landing) / name} is not a region ({', '.join(paths.REGIONS)}; upper case) nor partner_admins: not ingested"
        for name in _folders(Path(landing))
        if name not in paths.REGIONS and name != PARTNER_FOLDER
    ]


def unknown_dataset_folders(landing: Path, region: str) -> list[str]:
    """Warnings for folders of <landing>/<REGION> that are not a dataset (`cdrs`)."""
    return [
        f"landing folder {Path(landing) / region / name} is not a dataset ({', '.join(DATASET_FOLDERS)}): not ingested"
        for name in _folders(Path(landing) / region)
        if name not in DATASET_FOLDERS
    ]


def landing_warnings(landing: Path, region: str) -> list[str]:
    """Everything a region's summary warns about its landing (also logged: stderr on the CLI)."""
    found = unknown_region_folders(landing) + unknown_dataset_folders(landing, region)
    for warning in found:
        log.warning("%s: %s", region, warning)
    return found
