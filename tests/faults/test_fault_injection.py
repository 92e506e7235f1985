"""Fault injection (SPEC 5): a run that fails after ingestion, in the middle of `dbt build`, or in the
middle of writing exports leaves the previous run's warehouse and exports byte-identical, and a clean
re-run converges to the same exports as an uninterrupted run."""

import csv
import datetime as dt
import hashlib
import json
import shutil

import pytest
from e2e.conftest import ACME, CDR_COLUMNS, _leg, build_landing

from partner_analytics import paths, pipeline
from partner_analytics.errors import BuildError, PipelineError, ValidationError

pytestmark = pytest.mark.slow
D = dt.date(2026, 11, 22)


def snapshot(home):
    """Bytes of the live warehouse and of every export of US."""
    out = {"warehouse": hashlib.sha256(paths.warehouse_path(home, "US").read_bytes()).hexdigest()}
    for f in sorted(paths.exports_dir(home, "US").glob("*")):
        out[f.name] = f.read_bytes()
    return out


def add_late_file(landing):
    """A new CDR file for W: two more Acme legs (one call placed, one received)."""
    rows = [
        _leg("R-X-1", ACME, "c-x-1", "2026-11-19T09:00:00+00:00", 90, "ORIGINATING", "p-alice", "User", "Acme HQ", client="WXC_CLIENT"),
        _leg("R-X-2", ACME, "c-x-1", "2026-11-19T09:00:01+00:00", 89, "TERMINATING", "p-bob", "User", "Acme HQ", client="WXC_CLIENT"),
    ]
    with open(landing / "US" / "cdr" / "2026-11-23-late.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CDR_COLUMNS, lineterminator="\r\n")
        w.writeheader()
        w.writerows({k: (str(v).lower() if isinstance(v, bool) else v) for k, v in r.items()} for r in rows)


def status(home):
    return json.loads((paths.run_dir(home, D, "US") / "summary.json").read_text())


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    landing = build_landing(root / "landing")
    home = root / "home"
    pipeline.run(landing, home, D, ["US"])
    return landing, home, snapshot(home)


def test_faults_leave_the_previous_run_intact_and_a_rerun_converges(previous, tmp_path, monkeypatch):
    landing, home, before = previous
    add_late_file(landing)

    # 1. after ingestion: a hard data-quality failure
    import expectations

    def failing_validation(*args, **kwargs):
        raise ValidationError("cdr: injected hard failure")

    with monkeypatch.context() as m:
        m.setattr(expectations, "validate_region", failing_validation)
        with pytest.raises(PipelineError, match="injected hard failure"):
            pipeline.run(landing, home, D, ["US"])
    assert snapshot(home) == before
    assert status(home)["failed_step"] == "validate"
    assert status(home)["datasets"]["cdr"]["loaded"] == 2  # the late file was ingested ...
    pending = json.loads((paths.lake_dir(home, "US") / "_pending_validation.json").read_text())
    assert pending["partitions"]["cdr"] and pending["files"]["cdr"] == ["US/cdr/2026-11-23-late.csv"]  # ... and awaits validation

    # 2. in the middle of dbt build: the real build runs the staging models only, then dies
    from partner_analytics import dbt as dbt_runner

    real_invoke = dbt_runner.invoke

    def half_build(args, **kwargs):
        real_invoke([*args, "--select", "path:models/staging"], **kwargs)
        raise BuildError("injected crash in the middle of dbt build")

    with monkeypatch.context() as m:
        m.setattr(dbt_runner, "invoke", half_build)
        with pytest.raises(PipelineError, match="injected crash"):
            pipeline.run(landing, home, D, ["US"])
    assert snapshot(home) == before
    assert status(home)["failed_step"] == "build"
    assert status(home)["data_quality"]["status"] in {"passed", "warned"}  # the pending data got validated
    assert not (paths.lake_dir(home, "US") / "_pending_validation.json").exists()

    # 3. in the middle of writing exports: the fifth file fails (disk full)
    from exports import writer

    real_write, calls = writer._write_csv, []

    def failing_write(con, template, target):
        calls.append(template.name)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real_write(con, template, target)

    with monkeypatch.context() as m:
        m.setattr(writer, "_write_csv", failing_write)
        with pytest.raises(PipelineError, match="No space left on device"):
            pipeline.run(landing, home, D, ["US"])
    assert snapshot(home) == before  # neither the new warehouse nor any new file was published
    assert status(home)["failed_step"] == "export"
    assert not list(paths.exports_dir(home, "US").glob(".staging-*"))

    # 4. a clean re-run converges to what one uninterrupted run on the same landing data gives
    pipeline.run(landing, home, D, ["US"])
    after = snapshot(home)
    reference_home = tmp_path / "reference"
    pipeline.run(landing, reference_home, D, ["US"])
    reference = snapshot(reference_home)
    after.pop("warehouse"), reference.pop("warehouse")  # DuckDB files embed their own ids; compare contents
    assert after == reference
    usage = next(name for name in after if name.startswith("Call Volume Trend_"))
    assert after[usage] != before[usage]  # the late legs are in the new exports
    shutil.rmtree(reference_home)
