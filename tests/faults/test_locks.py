"""Issue #17, finding 2 at the lock level: one writer per home and region, for the CLI (one process
holds the lock for the whole run) and for Airflow (one process per task, a run claim in between)."""

import json
import re
import subprocess
import sys
import time

import pytest

from partner_analytics import locks, orchestration, pipeline
from partner_analytics.errors import ValidationError
from partner_analytics.periods import week_ending

HOLD = """
import sys, time
from partner_analytics import locks
with locks.region_lock(sys.argv[1], "US", "run-A"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_region_held_by_another_process_is_refused_at_once_naming_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(locks.RegionBusyError) as refused:
            with locks.region_lock(tmp_path, "US", "run-B"):
                pass
        assert time.monotonic() - started < 1
        assert re.fullmatch(rf"region US is being run by PID {holder.pid} since \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 \(run run-A\)", str(refused.value))
        with locks.region_lock(tmp_path, "EU", "run-B"):  # another region is free
            pass
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed in its step: the lock is free and its record void
    with locks.region_lock(tmp_path, "US", "run-B") as held:
        assert held.record["run_id"] == "run-B" and held.record["pid"] != holder.pid
    assert (tmp_path / "locks" / "US.lock").exists()  # never deleted


def test_an_airflow_run_claims_the_region_between_its_tasks(tmp_path, monkeypatch):
    with locks.region_lock(tmp_path, "US", "airflow-1", claim=True, release=False):  # its ingest task
        pass
    record = json.loads((tmp_path / "locks" / "US.lock").read_text())
    assert (record["run_id"], record["claimed"], record["in_step"]) == ("airflow-1", True, False)
    with pytest.raises(locks.RegionBusyError, match=r"region US is being run by PID \d+ since .* \(run airflow-1\)"):
        with locks.region_lock(tmp_path, "US", "cli-2"):  # a CLI run between its tasks: refused
            pass
    with locks.region_lock(tmp_path, "US", "airflow-1", claim=True, release=False):  # its build task goes on
        pass
    since = json.loads((tmp_path / "locks" / "US.lock").read_text())["since"]
    assert since == record["since"]  # the claim's start, not the last task's
    monkeypatch.setenv(locks.CLAIM_HOURS_ENV, "0")  # an abandoned claim expires
    with locks.region_lock(tmp_path, "EU", "airflow-1", claim=True, release=False):
        pass
    with locks.region_lock(tmp_path, "EU", "cli-2"):
        pass
    monkeypatch.delenv(locks.CLAIM_HOURS_ENV)
    locks.release_claim(tmp_path, "US", "airflow-1")  # its summary task
    with locks.region_lock(tmp_path, "US", "cli-2"):
        pass


def test_a_failed_airflow_step_closes_its_runs_claim(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "US").mkdir(parents=True)
    config = {"landing": str(landing), "home": str(tmp_path / "home"), "week_ending": "2026-11-22"}
    monkeypatch.setattr(pipeline, "ingest_step", lambda landing, home, region, d: {"cdr": {"partitions": ["p"]}})

    def failing(home, region, d, partitions):
        raise ValidationError("cdr: injected")

    monkeypatch.setattr(pipeline, "validate_step", failing)
    summary = orchestration.region_step(config, pipeline.start_summary(landing, "US", week_ending("2026-11-22"), locks.new_run_id()), "ingest")
    with pytest.raises(locks.RegionBusyError, match=summary["run_id"]):
        with locks.region_lock(tmp_path / "home", "US", "other"):
            pass
    with pytest.raises(ValidationError):
        orchestration.region_step(config, summary, "validate")
    with locks.region_lock(tmp_path / "home", "US", "other"):  # the failed run no longer holds US
        pass
