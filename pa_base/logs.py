"""Logging setup of a command, in its own process and in every child a step runs in."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: int) -> None:
    """Records to stderr (stdout carries results); the chatty libraries at WARNING."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("great_expectations", "dbt", "airflow"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
