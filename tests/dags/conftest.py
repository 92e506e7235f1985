"""Airflow for the DAG tests: a throw-away AIRFLOW_HOME on SQLite, this repo's dags/ folder, no examples.

The environment is set when this file is imported, before any test imports Airflow (its settings are
read once, at import)."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"

_home = Path(tempfile.mkdtemp(prefix="pa-airflow-home-"))
atexit.register(shutil.rmtree, _home, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = str(_home)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_home / 'airflow.db'}"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
# The package's own settings must come from the tests, never from the developer's shell.
for _key in ("PA_LANDING", "PA_HOME", "PA_TEMPLATES_DIR", "WEBEX_ACCESS_TOKEN"):
    os.environ.pop(_key, None)
# dag.test() of Airflow 3.3 fails once a run with a deadline alert succeeds: the DAGs under test have none
# (test_operator_view parses the weekly DAG again without this to check its deadline).
os.environ["PA_WEEKLY_DEADLINE_HOURS"] = "off"


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated metadata database (once per test process)."""
    from airflow.utils import db

    db.initdb()
    # the pools the weekly DAG uses, as `make demo` creates them (a task in a missing pool never runs)
    from airflow.models.pool import Pool

    Pool.create_or_update_pool("duckdb_writer", 1, "dbt-duckdb builds", include_deferred=False)
    Pool.create_or_update_pool("partner_memory", 1, "ingestion and validation, ~1 GiB each at scale m", include_deferred=False)
    return _home


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))
