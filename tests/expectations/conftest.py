"""Fixtures of the expectation tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from expectations_lake import Lake


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    """An empty region lake (schema files only) under a fresh pipeline home."""
    return Lake(tmp_path / "home")
