"""Every attempt of a region's week is kept (SPEC 13): `runs/<D>/<REGION>/attempts/<n>/`.

An attempt is one run of the region for D (one run id). Each time its summary is written (a failed
step, or the end of the run) the attempt's folder receives:

    attempts/<n>/summary.json       the attempt's summary (its Data Docs link points into the folder)
    attempts/<n>/validation.json    the validation results, when this attempt validated data
    attempts/<n>/data_docs/         the Data Docs of that validation (hard links, not copies)
    attempts/<n>/run_results.json   dbt's run results, when this attempt ran the build

The top-level `summary.json` is the latest attempt's, with `attempt: n` and `previous_attempts`
(number, run id, outcome, path of each predecessor's summary). A re-run that ingested no new file
says so (`ingested_nothing: true`), and its validate step does not run GX over nothing: it carries
the week's data-quality result from the attempt that validated it (`carried_validation`), leaving
the top-level `validation.json` and Data Docs as that attempt wrote them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

from partner_analytics import paths

ATTEMPTS = "attempts"
SUMMARY = "summary.json"
VALIDATION = "validation.json"
RUN_RESULTS = "run_results.json"


def attempts_dir(home: Path, region: str, week_ending: dt.date) -> Path:
    return paths.run_dir(home, week_ending, region) / ATTEMPTS


def _numbers(folder: Path) -> list[int]:
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit() and (p / SUMMARY).is_file())


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, doc: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _link_tree(source: Path, target: Path) -> None:
    """`target` becomes a copy of folder `source` made of hard links (a copy where links fail)."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=link)


def _attempt_number(folder: Path, run_id: str | None) -> int:
    """The attempt of this run id (its summary is rewritten, e.g. failed then retried by Airflow), else the next."""
    numbers = _numbers(folder)
    if run_id:
        for n in numbers:
            if _read(folder / str(n) / SUMMARY).get("run_id") == run_id:
                return n
    return (numbers[-1] + 1) if numbers else 1


def ingested_nothing(summary: dict) -> bool | None:
    """Did the attempt's ingest step take no new landing file? None when it did not get that far."""
    datasets = summary.get("datasets")
    if not isinstance(datasets, dict):
        return None
    return sum(int(s.get("files_ingested", 0)) for s in datasets.values() if isinstance(s, dict)) == 0


def record(home: Path, region: str, week_ending: dt.date, summary: dict) -> dict:
    """Keep this attempt's summary and results under attempts/<n>/; return the summary the top-level
    summary.json gets (the same, with its attempt number and links to its predecessors)."""
    run = paths.run_dir(home, week_ending, region)
    folder = run / ATTEMPTS
    n = _attempt_number(folder, summary.get("run_id"))
    target = folder / str(n)
    target.mkdir(parents=True, exist_ok=True)
    steps = summary.get("timings_seconds") or {}
    quality = summary.get("data_quality") if isinstance(summary.get("data_quality"), dict) else None
    own = dict(summary)
    validated_here = "validate" in steps and not (quality or {}).get("carried_from_attempt") and not (quality or {}).get("carried")
    if validated_here and (run / VALIDATION).is_file():
        shutil.copy2(run / VALIDATION, target / VALIDATION)
        if (run / "data_docs").is_dir():
            _link_tree(run / "data_docs", target / "data_docs")
            if quality is not None:
                own["data_quality"] = {**quality, "data_docs": str(target / "data_docs" / "index.html")}
    results = run / "dbt" / "target" / RUN_RESULTS
    if "build" in steps and results.is_file():
        shutil.copy2(results, target / RUN_RESULTS)
    extra: dict = {
        "attempt": n,
        "previous_attempts": [
            {
                "attempt": k,
                "run_id": _read(folder / str(k) / SUMMARY).get("run_id"),
                "outcome": _read(folder / str(k) / SUMMARY).get("status"),
                "summary": str(folder / str(k) / SUMMARY),
            }
            for k in _numbers(folder)
            if k < n
        ],
    }
    nothing = ingested_nothing(summary)
    if nothing is not None:
        extra["ingested_nothing"] = nothing
    _write_json(target / SUMMARY, {**own, **extra})
    return {**summary, **extra}


def carried_validation(home: Path, region: str, week_ending: dt.date) -> dict | None:
    """The week's data-quality result for an attempt with nothing new to validate: the latest
    validation of D (top-level validation.json, untouched), naming the attempt that produced it.
    None when the week was never validated or its last validation failed (then validate runs)."""
    run = paths.run_dir(home, week_ending, region)
    if not (run / VALIDATION).is_file():
        return None
    validation = _read(run / VALIDATION)
    if validation.get("status") not in ("passed", "warned"):
        return None
    folder = run / ATTEMPTS
    by = next((n for n in reversed(_numbers(folder)) if (folder / str(n) / VALIDATION).is_file()), None)
    docs = validation.get("data_docs")
    if by is not None and (folder / str(by) / "data_docs" / "index.html").is_file():
        docs = str(folder / str(by) / "data_docs" / "index.html")  # that attempt's own copy
    return {
        "status": validation["status"],
        "hard_failures": [],
        "soft_warnings": [
            {k: w.get(k) for k in ("dataset", "partition", "expectation", "unexpected_count", "example")} for w in validation.get("soft_warnings", [])
        ],
        "expectations_evaluated": validation.get("expectations_evaluated", 0),
        "data_docs": docs,
        "carried": True,
        "carried_from_attempt": by,
        "note": "nothing new to validate: the week's data-quality result of its last validation",
    }
