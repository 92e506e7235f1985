"""The weekly DAG over four regions under `dag.test` (what `airflow dags test` runs), tiny data, with the
memory pool at one slot; one region's landing file is broken.

What this proves, and what it cannot:
- the mapped tasks are labelled by region (rendered map index US, CA, EU, UAE), and from the task
  instances' start/end times no two ingest (or validate) tasks overlapped: never more than the pool's
  one slot. `dag.test` runs tasks in series whatever the pool says, so that part alone proves little;
- hence the second half asks Airflow's own scheduler (`SchedulerJobRunner`'s queueing query, the code
  that enforces pools in a real deployment, without starting a scheduler process) to queue the four
  ingest tasks of this very run: it queues exactly the pool's slots (1, then 2 after
  `Pool.create_or_update_pool(..., 2)`), so a real scheduler runs them one at a time by default;
- the failure callback fires for real: the broken region's ingest fails (a PipelineError fails at once,
  no retry) and the webhook on 127.0.0.1 receives the DAG, the region and the error.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

pytestmark = pytest.mark.slow

D = dt.date(2026, 11, 22)
REGIONS = ["US", "CA", "EU", "UAE"]
SNAPSHOT_DATASETS = ("customers", "subscriptions", "licenses", "people", "locations", "devices", "numbers")
BROKEN = "UAE"


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _max_overlap(intervals: list[tuple[dt.datetime, dt.datetime]]) -> int:
    """The largest number of intervals open at one instant (an end before a start at the same instant)."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda x: (x[0], x[1]))
    open_now = peak = 0
    for _, step in events:
        open_now += step
        peak = max(peak, open_now)
    return peak


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    from partner_analytics.generate import generate

    root = tmp_path_factory.mktemp("pool-landing")
    generate(root, D, scale="tiny", seed=11, history_weeks=1)
    # the last three Sundays of snapshots are enough here (fewer lake partitions to validate)
    oldest = (D - dt.timedelta(days=14)).isoformat()
    folders = [root / "partner_admins"] + [root / r / ds for r in REGIONS for ds in SNAPSHOT_DATASETS]
    for snapshot in (f for folder in folders for f in folder.glob("????-??-??.json")):
        if snapshot.stem < oldest:
            snapshot.unlink()
    (root / BROKEN / "cdr" / "2026-11-21_broken.csv").write_bytes(b"Report ID,Start time\n\xff\xfe\x00broken\n")
    return root


def test_four_regions_ingest_one_at_a_time_and_a_failure_is_posted(airflow_db, dagbag, landing, tmp_path, monkeypatch):
    from airflow.models import TaskInstance
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session
    from sqlalchemy import select

    assert Pool.get_pool("partner_memory").slots == 1  # created as `make demo` does (conftest)
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AIRFLOW_CONN_PA_ALERTS_WEBHOOK", json.dumps({"conn_type": "http", "host": f"http://127.0.0.1:{server.server_port}/hook"}))
    monkeypatch.setenv("PA_LANDING", str(landing))
    monkeypatch.setenv("PA_HOME", str(tmp_path / "home"))
    _Hook.received = []
    dag = dagbag.dags["partner_weekly"]
    try:
        dr = dag.test(logical_date=dt.datetime(2026, 11, 22, tzinfo=dt.UTC))
    finally:
        server.shutdown()
        server.server_close()
    assert dr.state == "failed"  # the broken region fails the run; the others finish

    with create_session() as session:
        tis = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dag.dag_id, TaskInstance.run_id == dr.run_id)).all()
        by_task: dict[str, list] = {}
        for ti in tis:
            by_task.setdefault(ti.task_id, []).append(ti)
        # mapped tasks are named after their region
        ingest = by_task["region.ingest_region"]
        assert sorted(ti.rendered_map_index for ti in ingest) == sorted(REGIONS)
        states = {ti.rendered_map_index: ti.state for ti in ingest}
        assert states == {"US": "success", "CA": "success", "EU": "success", "UAE": "failed"}
        # a task that never ran (upstream failed) keeps its number: the label is rendered when a task runs
        region_of = {ti.map_index: ti.rendered_map_index for ti in ingest}
        exports = {region_of[ti.map_index]: ti.state for ti in by_task["region.export_reports"]}
        assert {ti.rendered_map_index for ti in by_task["region.export_reports"] if ti.state == "success"} == {"US", "CA", "EU"}
        assert exports == {"US": "success", "CA": "success", "EU": "success", "UAE": "upstream_failed"}
        # never more ingest (or validate) tasks at once than the pool's slots
        for task_id in ("region.ingest_region", "region.validate_region"):
            ran = [(ti.start_date, ti.end_date) for ti in by_task[task_id] if ti.state in ("success", "failed")]
            assert len(ran) == (4 if task_id == "region.ingest_region" else 3)
            assert _max_overlap(ran) <= 1, task_id
            assert {ti.pool for ti in by_task[task_id]} == {"partner_memory"}

    # the failure callback told the webhook: DAG, region and the error naming the broken file
    [payload] = _Hook.received
    assert payload["dag_id"] == "partner_weekly"
    assert payload["task_id"] == "region.ingest_region"
    assert payload["region"] == BROKEN
    assert payload["error"].startswith("FileFormatError: ") and "2026-11-21_broken.csv: not UTF-8" in payload["error"]

    # The scheduler's own queueing query on this run: four ingest tasks ready, the pool lets `slots` go.
    assert _queued_by_scheduler(dag.dag_id, dr.run_id, slots=1) == 1
    assert _queued_by_scheduler(dag.dag_id, dr.run_id, slots=2) == 2
    Pool.create_or_update_pool("partner_memory", 1, "ingestion and validation, ~1 GiB each at scale m", include_deferred=False)


def _queued_by_scheduler(dag_id: str, run_id: str, slots: int) -> int:
    """Set the run's four ingest tasks ready (scheduled), everything else done; return how many the
    scheduler would queue now with the memory pool at `slots`."""
    from airflow.jobs.job import Job
    from airflow.jobs.scheduler_job_runner import SchedulerJobRunner
    from airflow.models import DagModel, DagRun, TaskInstance
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState
    from sqlalchemy import update

    Pool.create_or_update_pool("partner_memory", slots, "ingestion and validation, ~1 GiB each at scale m", include_deferred=False)
    with create_session() as session:
        session.execute(update(DagModel).where(DagModel.dag_id == dag_id).values(is_paused=False))
        session.execute(update(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id).values(state=DagRunState.RUNNING))
        ti = TaskInstance
        session.execute(update(ti).where(ti.dag_id == dag_id, ti.run_id == run_id).values(state=TaskInstanceState.SUCCESS))
        session.execute(
            update(ti).where(ti.dag_id == dag_id, ti.run_id == run_id, ti.task_id == "region.ingest_region").values(state=TaskInstanceState.SCHEDULED)
        )
        session.flush()
        runner = SchedulerJobRunner(job=Job())
        queued = runner._executable_task_instances_to_queued(max_tis=32, session=session)
        names = [(t.task_id, t.map_index) for t in queued]
        session.rollback()  # leave the database as the run left it (states aside)
    assert all(task_id == "region.ingest_region" for task_id, _ in names), names
    return len(names)
