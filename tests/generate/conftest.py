"""Fixtures for the generator tests: one tiny landing zone per session (D = 2026-11-22, 13 weeks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from generate_landing_reader import WEEK_ENDING

from partner_analytics.generate import generate


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> tuple[Path, dict]:
    """The tiny landing for D = 2026-11-22 with the default 13 weeks of history, and its stats."""
    landing = tmp_path_factory.mktemp("landing")
    stats = generate(landing, WEEK_ENDING, scale="tiny", seed=7)
    return landing, stats


@pytest.fixture(scope="session")
def tiny_cdr(tiny):
    """Every CDR row of the tiny landing, parsed back once."""
    from generate_landing_reader import read_cdr

    return read_cdr(tiny[0])
