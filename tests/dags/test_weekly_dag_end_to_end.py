"""End to end: generated tiny data through `partner-analytics run` and through the weekly DAG (dag.test):
the same CSV bytes and the same summary.json; then a report for another period rebuilt in a disposable
copy of the warehouse agrees with the weekly report."""

import csv
import datetime as dt
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

D = dt.date(2026, 11, 22)
REGION = "EU"  # one region keeps the test short; every region runs the same code
SNAPSHOT_DATASETS = ("customers", "subscriptions", "licenses", "people", "locations", "devices", "numbers")


def _parts_landed() -> str | None:
    import expectations
    import ingestion
    from exports.templates import load_default_templates

    if not hasattr(ingestion, "ingest_region") or not hasattr(ingestion, "ingest_partner"):
        return "ingestion.ingest_region/ingest_partner not there yet"
    if not hasattr(expectations, "validate_region"):
        return "expectations.validate_region not there yet"
    if not load_default_templates():
        return "exports/default_templates/*.yml not there yet"
    try:
        import partner_analytics.generate  # noqa: F401
    except ImportError:
        return "partner_analytics.generate not there yet"
    return None


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    missing = _parts_landed()
    if missing:
        pytest.skip(missing)
    from partner_analytics.generate import generate

    full = tmp_path_factory.mktemp("generated")
    generate(full, D, scale="tiny", seed=7, history_weeks=2)
    landing = tmp_path_factory.mktemp("landing")
    for part in ("partner_admins", REGION):
        shutil.copytree(full / part, landing / part)
    # Keep the snapshots of the last three Sundays only (D - 7 is needed for weekly changes): each
    # snapshot is one more lake partition to validate, and the test is about orchestration.
    oldest = (D - dt.timedelta(days=14)).isoformat()
    folders = [landing / "partner_admins"] + [landing / REGION / ds for ds in SNAPSHOT_DATASETS]
    for snapshot in (f for folder in folders for f in folder.glob("????-??-??.json")):
        if snapshot.stem < oldest:
            snapshot.unlink()
    return landing


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _summary(home: Path, replace: tuple[str, str] = ("", "")) -> dict:
    text = (home / "runs" / D.isoformat() / REGION / "summary.json").read_text()
    doc = json.loads(text.replace(*replace))
    doc["timings_seconds"] = {step: 0 for step in doc["timings_seconds"]}
    doc.pop("peak_rss_bytes", None)  # measured per step by the CLI's child processes (Airflow has its own)
    assert doc.pop("run_id")  # every run has its own id (partner_analytics.locks)
    return doc


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_weekly_dag_exports_the_same_bytes_as_the_cli_and_reports_add_up(airflow_db, dagbag, landing, tmp_path, monkeypatch):
    from partner_analytics import reports
    from partner_analytics.cli import app

    cli_home, dag_home = tmp_path / "cli", tmp_path / "dag"
    result = CliRunner().invoke(app, ["run", "--landing", str(landing), "--home", str(cli_home), "--week-ending", D.isoformat()])
    assert result.exit_code == 0, result.output

    monkeypatch.setenv("PA_LANDING", str(landing))
    monkeypatch.setenv("PA_HOME", str(dag_home))
    dr = dagbag.dags["partner_weekly"].test(logical_date=dt.datetime(2026, 11, 22, tzinfo=dt.UTC))
    assert dr.state == "success"

    cli_files, dag_files = _files(cli_home / "exports" / REGION), _files(dag_home / "exports" / REGION)
    from exports.templates import load_default_templates

    assert len(cli_files) == len(load_default_templates()) and sorted(dag_files) == sorted(cli_files)
    for name in cli_files:
        assert dag_files[name] == cli_files[name], name
    peaks = json.loads((cli_home / "runs" / D.isoformat() / REGION / "summary.json").read_text())["peak_rss_bytes"]
    assert sorted(peaks) == ["build", "export", "ingest", "validate"] and all(20 * 2**20 < v < 4 * 2**30 for v in peaks.values())
    cli_summary = _summary(cli_home)
    dag_summary = _summary(dag_home, replace=(str(dag_home), str(cli_home)))
    assert dag_summary == cli_summary  # all but the home folder and the wall times
    assert dag_summary["status"] == "succeeded" and sorted(dag_summary["timings_seconds"]) == ["build", "export", "ingest", "validate"]

    # The weekly Calling Usage Detail Report covers W = [11-15, 11-22). Rebuilt in a copy for
    # [11-15, 11-18] and [11-19, 11-21], the two halves add up to it, per customer and location.
    [weekly] = [data for name, data in dag_files.items() if name.startswith("Calling Usage Detail Report_")]
    weekly_rows = _rows(weekly)
    assert weekly_rows, "the tiny data has calls in W"
    halves = [
        reports.run_report(dag_home, REGION, "Calling Usage Detail Report", "2026-11-15", "2026-11-18"),
        reports.run_report(dag_home, REGION, "Calling Usage Detail Report", "2026-11-19", "2026-11-21"),
    ]
    summed: Counter = Counter()
    for [half] in halves:
        for row in _rows(Path(half["path"]).read_bytes()):
            summed[(row["Org ID"], row["Location"])] += int(row["Total Call Legs"])
    assert summed == Counter({(r["Org ID"], r["Location"]): int(r["Total Call Legs"]) for r in weekly_rows})
    # labelled the day after --to, like a schedule run covering the same days
    assert halves[0][0]["path"].endswith("_2026-11-19.csv") and halves[1][0]["path"].endswith("_2026-11-22.csv")
    # the copies are gone; the live warehouse is the only file left
    assert sorted(p.name for p in (dag_home / "warehouse").iterdir()) == [f"{REGION}.duckdb"]
