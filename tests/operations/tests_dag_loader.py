"""The weekly DAG's export task callable, parsed with the Airflow settings of tests/dags (throw-away home)."""

import importlib


def export_reports_callable():
    importlib.import_module("dags.conftest")  # AIRFLOW_HOME etc. set before Airflow is imported
    from airflow.dag_processing.dagbag import DagBag
    from dags.conftest import DAGS

    bag = DagBag(dag_folder=str(DAGS))
    task = bag.dags["partner_weekly"].get_task("region.export_reports")
    return task.python_callable, bag
