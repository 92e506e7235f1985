"""SPEC 13 operator findings (issue 19), on the hand-made landing of tests/e2e (US, D = 2026-11-22):
every attempt of a week kept; a backfill of an older week never moves the live warehouse and emits no
asset event; a stale week or a region without landing fails and publishes nothing."""

import datetime as dt
import hashlib
import json
import shutil
import subprocess

import pytest
from e2e.conftest import CLI, build_landing
from faults.test_fault_injection import D

from partner_analytics import freshness, paths, pipeline, publish

pytestmark = pytest.mark.slow
D7 = D - dt.timedelta(days=7)  # 2026-11-15: the backfill week


def live_view(home):
    """(run_info row of the live warehouse, {export name: sha256} of exports/US/)."""
    info = publish.read_run_info(paths.warehouse_path(home, "US"))
    exports = paths.exports_dir(home, "US")
    return info, {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(exports.iterdir())}


def csv_rows(folder, prefix):
    (path,) = sorted(folder.glob(f"{prefix}_*"))
    return path.name, path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    """US run twice for D (attempts 1 and 2), then a backfill of D - 7; views taken between them: the live
    view and warehouse inode after attempt 1, the live view after attempt 2 and its warehouse inode."""
    root = tmp_path_factory.mktemp("weeks")
    landing = build_landing(root / "landing")
    shutil.rmtree(landing / "EU")
    # the hand-made landing has locations/devices/numbers only dated D: the same lists dated D - 7 make
    # the backfill week fresh too (D uses its newest snapshot, dated D, so its exports do not change)
    for dataset in ("locations", "devices", "numbers"):
        shutil.copy(landing / "US" / dataset / f"{D}.json", landing / "US" / dataset / f"{D7}.json")
    home = root / "home"
    pipeline.run(landing, home, D, ["US"])
    validation_1 = (paths.run_dir(home, D, "US") / "validation.json").read_bytes()
    first = (live_view(home), paths.warehouse_path(home, "US").resolve().stat().st_ino)
    pipeline.run(landing, home, D, ["US"])
    live = live_view(home)
    second_inode = paths.warehouse_path(home, "US").resolve().stat().st_ino
    pipeline.run(landing, home, D7, ["US"])
    return landing, home, validation_1, live, (first, second_inode)


def test_every_attempt_is_kept_and_a_rerun_that_ingests_nothing_carries_the_weeks_quality(operated):
    _, home, validation_1, _, _ = operated
    run = paths.run_dir(home, D, "US")
    one = json.loads((run / "attempts" / "1" / "summary.json").read_text())
    two = json.loads((run / "attempts" / "2" / "summary.json").read_text())
    top = json.loads((run / "summary.json").read_text())
    validation = json.loads((run / "attempts" / "1" / "validation.json").read_text())
    # attempt 1 ingested the week and validated it: one soft warning (the INTERNAL leg)
    assert (one["attempt"], one["ingested_nothing"], one["status"]) == (1, False, "succeeded")
    assert one["data_quality"]["status"] == validation["status"] == "warned"
    evaluated = validation["expectations_evaluated"]
    assert evaluated > 300 and one["data_quality"]["expectations_evaluated"] == evaluated
    assert one["data_quality"]["data_docs"] == str(run / "attempts" / "1" / "data_docs" / "index.html")
    assert (run / "attempts" / "1" / "data_docs" / "index.html").is_file()
    # attempt 2 ingested nothing and says so; its quality is attempt 1's, not "passed, 0 expectations"
    assert (two["attempt"], two["ingested_nothing"], two["status"]) == (2, True, "succeeded")
    assert sum(d["files_ingested"] for d in two["datasets"].values()) == 0
    assert (two["data_quality"]["status"], two["data_quality"]["expectations_evaluated"]) == ("warned", evaluated)
    assert two["data_quality"]["carried_from_attempt"] == 1
    assert [w["example"] for w in two["data_quality"]["soft_warnings"]] == ["'INTERNAL'"]
    assert not (run / "attempts" / "2" / "validation.json").exists()  # it validated nothing itself
    assert (run / "validation.json").read_bytes() == validation_1  # the week's validation is not overwritten
    # attempt 1 ran dbt and keeps its run results; attempt 2 ran none (same lake, same code: the live
    # warehouse is reused, partner_analytics/incremental.py), so it has none - never a copy of attempt 1's
    results = json.loads((run / "attempts" / "1" / "run_results.json").read_text())
    assert results["results"] and not {r["status"] for r in results["results"]} & {"error", "fail"}
    assert not (run / "attempts" / "2" / "run_results.json").exists()
    # the top-level summary is the latest attempt, linking its predecessor
    assert top == two
    assert top["previous_attempts"] == [
        {"attempt": 1, "run_id": one["run_id"], "outcome": "succeeded", "summary": str(run / "attempts" / "1" / "summary.json")}
    ]


def test_a_backfill_keeps_the_live_week_and_writes_its_own_copy(operated):
    _, home, _, live, _ = operated
    info, exports = live_view(home)
    assert (info, exports) == live  # run_info (week D, run id, built at) and every export byte as before
    assert info["week_ending"] == D
    assert publish.is_backfill(home, "US", D7) and not publish.is_backfill(home, "US", D)
    copy = home / "published" / "US" / "weeks" / D7.isoformat()
    assert publish.read_run_info(copy / "US.duckdb")["week_ending"] == D7
    # W-1 = [11-08, 11-15): Acme only, 3 calls placed by carol, alice, bob: 200 + 100 + 40 = 340 s = 5.67 min;
    # the customer's name is the one of the customers snapshot dated D - 7 ("Acme Old Name"), not D's
    name, rows = csv_rows(copy / "exports", "Customers and Usage")
    assert name.endswith(f"_{D7}.csv")
    assert rows[1:] == ["Acme Old Name,org-us-acme,3,3,3,5.67,"]
    assert not any(f.name.endswith(f"_{D}.csv") for f in (copy / "exports").iterdir())  # never the live week's files
    summary = json.loads((paths.run_dir(home, D7, "US") / "summary.json").read_text())
    assert summary["status"] == "succeeded"
    assert {str(copy / "exports" / f.name) for f in (copy / "exports").iterdir()} == {e["path"] for e in summary["exports"]}


def test_the_dag_emits_no_asset_event_for_a_backfill(operated, monkeypatch):
    from operations.tests_dag_loader import export_reports_callable

    _, home, _, _, _ = operated
    call, _ = export_reports_callable()
    # the export step itself is not under test: the task's own step call returns the summary as is
    monkeypatch.setitem(call.__globals__, "_run_step", lambda config, summary, step: summary)

    class Events(dict):
        def __missing__(self, key):
            self[key] = Added()
            return self[key]

    class Added(list):
        def add(self, asset, extra):
            self.append((asset.name, extra))

    for week, expected in ((D7, []), (D, [("partner_analytics_marts_US", {"week_ending": D.isoformat()})])):
        events = Events()
        call({"home": str(home)}, {"region": "US", "week_ending": week.isoformat()}, outlet_events=events)
        assert [e for added in events.values() for e in added] == expected, week


def test_rerunning_the_live_week_still_replaces_live(operated, tmp_path):
    """After the backfill of D - 7, D run again is the live week: it publishes a new live version. The
    home is a copy (new inodes, same mtimes): its lake is still recognised as unchanged, so that version
    holds the live warehouse as it is (no dbt: run_info names the run that built it)."""
    landing, home, _, live, _ = operated
    home2 = tmp_path / "home"
    shutil.copytree(home, home2, symlinks=True)
    before = paths.warehouse_path(home2, "US").resolve()
    pipeline.run(landing, home2, D, ["US"])
    info, exports = live_view(home2)
    assert paths.warehouse_path(home2, "US").resolve() != before  # a new live version
    assert info["week_ending"] == D and info["run_id"] == live[0]["run_id"]
    assert exports == live[1]  # same data, same bytes


def test_a_week_without_data_fails_naming_what_is_missing_and_publishes_nothing(operated, tmp_path):
    landing, home, _, _, _ = operated
    home2 = tmp_path / "home"
    shutil.copytree(home, home2, symlinks=True)
    before = live_view(home2)
    args = [str(CLI), "run", "--landing", str(landing), "--home", str(home2), "--week-ending", "2027-01-03", "--region", "US", "-q"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert out.returncode == 1
    # newest CDR week with legs in the lake ends 2026-11-29 (leg R-A4-1 starts exactly at D: next week's);
    # customers' newest snapshot is the one dated 2026-11-29
    # (ingested now: on or before D), the others' the one dated 2026-11-22
    expected = (
        "not fresh for week ending 2027-01-03: cdr: no call leg in W [2026-12-27, 2027-01-03) (newest week with legs ends 2026-11-29); "
        "customers: newest snapshot 2026-11-29 is older than 2026-12-27 (D - 7 days); "
        + "; ".join(
            f"{d}: newest snapshot 2026-11-22 is older than 2026-12-27 (D - 7 days)"
            for d in ("subscriptions", "licenses", "people", "locations", "devices", "numbers")
        )
        + " — nothing published (run with --allow-stale to publish anyway)"
    )
    assert out.stderr.strip().splitlines()[-1] == f"error: US: {expected}"
    assert live_view(home2) == before  # live warehouse and exports untouched
    assert not (home2 / "published" / "US" / "weeks" / "2027-01-03").exists()
    summary = json.loads((paths.run_dir(home2, dt.date(2027, 1, 3), "US") / "summary.json").read_text())
    assert (summary["status"], summary["failed_step"], summary["error"]) == ("failed", "ingest", expected)
    # allowed: the same problems become warnings instead of an error
    assert freshness.check(home2, "US", dt.date(2027, 1, 3), allow_stale=True)[0] == (
        "stale (allowed): cdr: no call leg in W [2026-12-27, 2027-01-03) (newest week with legs ends 2026-11-29)"
    )
    assert freshness.check(home2, "US", D) == []


def test_a_requested_region_without_landing_exits_1_naming_it(operated, tmp_path):
    landing, _, _, _, _ = operated
    args = [str(CLI), "run", "--landing", str(landing), "--home", str(tmp_path / "home"), "--week-ending", D.isoformat(), "--region", "EU", "-q"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert out.returncode == 1
    assert out.stderr.strip() == f"error: EU: no landing folder {landing / 'EU'}"
    assert not (tmp_path / "home" / "runs").exists()


def test_a_rerun_that_ingests_nothing_keeps_the_live_warehouse_file_itself(operated):
    """Attempt 2 found nothing new: its version holds attempt 1's warehouse file (a hard link: the same
    inode, no copy, whatever its size), so run_info still names the run that built it, and the exports
    rendered again from it are byte for byte attempt 1's."""
    _, home, _, live, ((first_view, first_inode), second_inode) = operated
    assert second_inode == first_inode
    one = json.loads((paths.run_dir(home, D, "US") / "attempts" / "1" / "summary.json").read_text())
    assert live == first_view
    assert first_view[0]["run_id"] == one["run_id"]
