"""Steps run in child processes (`partner-analytics run`): results and errors cross the boundary intact."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from partner_analytics import pipeline, process
from partner_analytics.errors import FileFormatError, ValidationError


def test_a_file_format_error_keeps_its_file_and_problem_across_processes():
    error = pickle.loads(pickle.dumps(FileFormatError("/landing/US/cdr/a.csv", "not UTF-8 at byte 7")))
    assert (type(error), error.path, error.problem, str(error)) == (
        FileFormatError, "/landing/US/cdr/a.csv", "not UTF-8 at byte 7", "/landing/US/cdr/a.csv: not UTF-8 at byte 7",
    )  # fmt: skip


def _raises_validation_error(dataset: str) -> None:
    raise ValidationError(f"{dataset}: expectation failed for 3 row(s)")


def _hold_bytes(n: int) -> int:
    block = b"\x01" * n  # written, so every page is resident
    return len(block)


def test_in_child_returns_the_step_result_and_raises_its_error():
    assert process.in_child(divmod, 17, 5).value == (3, 2)
    with pytest.raises(ValidationError, match=r"^cdr: expectation failed for 3 row\(s\)$"):
        process.in_child(_raises_validation_error, "cdr")


def test_the_orchestrating_process_never_imports_the_data_libraries():
    # the CLI parent only spawns steps: its own memory stays small whatever the steps hold
    code = "import sys, partner_analytics.cli, partner_analytics.pipeline; print(sorted({'polars', 'duckdb', 'great_expectations', 'dbt'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_record_step_keeps_the_child_peak_rss_of_each_step(tmp_path):
    # both children start from the same baseline (interpreter, imports); the one holding 200 MiB peaks
    # about 200 MiB above the one holding nothing
    summary = pipeline.new_summary("US", pipeline.periods.week_ending("2026-11-22"))
    summary = pipeline.record_step(tmp_path, summary, "ingest", "datasets", lambda: process.in_child(_hold_bytes, 200 * 2**20))
    summary = pipeline.record_step(tmp_path, summary, "validate", "data_quality", lambda: process.in_child(divmod, 1, 1))
    assert summary["datasets"] == 200 * 2**20
    assert 150 * 2**20 < summary["peak_rss_bytes"]["ingest"] - summary["peak_rss_bytes"]["validate"] < 260 * 2**20
    summary = pipeline.record_step(tmp_path, summary, "build", "warehouse", lambda: process.in_process(divmod, 1, 1))
    assert set(summary["peak_rss_bytes"]) == {"ingest", "validate"}  # in-process steps have no peak of their own


def _hold_bytes_then_pid(n: int) -> int:
    _hold_bytes(n)
    return os.getpid()


def test_a_stage_worker_runs_steps_in_one_child_and_reports_each_steps_own_peak(tmp_path):
    # the first step holds 200 MiB and frees it; the second, in the same child, holds nothing: its
    # peak is its own (reset before it ran), about 200 MiB below the first
    summary = pipeline.new_summary("US", pipeline.periods.week_ending("2026-11-22"))
    with process.StageWorker() as worker:
        first = pipeline.record_step(tmp_path, summary, "validate", "data_quality", lambda: worker(_hold_bytes_then_pid, 200 * 2**20))
        second = pipeline.record_step(tmp_path, summary, "validate", "data_quality", lambda: worker(_hold_bytes_then_pid, 0))
        assert worker.steps_run == 2
    assert first["data_quality"] == second["data_quality"] != os.getpid()  # one child, not this process
    assert 150 * 2**20 < first["peak_rss_bytes"]["validate"] - second["peak_rss_bytes"]["validate"] < 260 * 2**20


def test_a_stage_worker_starts_a_fresh_child_after_a_failed_step():
    with process.StageWorker() as worker:
        before = worker(_hold_bytes_then_pid, 0).value
        with pytest.raises(ValidationError, match=r"^cdr: expectation failed"):
            worker(_raises_validation_error, "cdr")
        after = worker(_hold_bytes_then_pid, 0).value
    assert before != after  # the next region never runs where a failure happened
    assert worker.steps_run == 2


def test_each_step_takes_its_arguments_from_the_regions_summary(tmp_path):
    # the one place the CLI loop and the DAG tasks get a step's arguments from
    d = pipeline.periods.week_ending("2026-11-22")
    summary = {**pipeline.new_summary("EU", d), "run_id": "run-1", "datasets": {"cdr": {"partitions": ["2026-11-22"]}, "devices": {}}}
    assert pipeline.step_call("ingest", "landing", tmp_path, summary) == (pipeline.ingest_step, Path("landing"), tmp_path, "EU", d)
    assert pipeline.step_call("validate", "landing", tmp_path, summary) == (pipeline.validate_step, tmp_path, "EU", d, {"cdr": ["2026-11-22"], "devices": []})
    assert pipeline.step_call("build", "landing", tmp_path, summary) == (pipeline.build_step, tmp_path, "EU", d, "run-1")
    assert pipeline.step_call("export", "landing", tmp_path, summary) == (pipeline.export_step, tmp_path, "EU", d)
    with pytest.raises(ValueError, match=r"^unknown step 'publish'; steps are ingest, validate, build, export$"):
        pipeline.step_call("publish", "landing", tmp_path, summary)


def test_run_step_records_the_value_under_the_steps_key_and_the_peak_the_runner_returned(tmp_path):
    summary = {**pipeline.new_summary("EU", pipeline.periods.week_ending("2026-11-22")), "run_id": "run-1"}

    def runner(step, home, region, d, run_id):  # stands for a child process: the step is not run
        return process.Ran(f"{step.__name__} {region} {d} {run_id}", 123_456_789)

    built = pipeline.run_step("build", "landing", tmp_path, summary, runner)
    assert built["warehouse"] == "build_step EU 2026-11-22 run-1"
    assert built["peak_rss_bytes"] == {"build": 123_456_789}
    assert set(built["timings_seconds"]) == {"build"}
    with pytest.raises(AttributeError):  # a runner must return a Ran: a bare value is never taken as one
        pipeline.run_step("build", "landing", tmp_path, summary, lambda step, *args: ("value", 1))
