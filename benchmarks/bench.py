"""`make bench SCALE=s`: the pipeline against its floor on the same generated data, in one invocation.

Generates the scale's landing data once (cached under benchmarks/data/), then measures
  (a) the pipeline without Airflow: one `partner-analytics run` process for all regions, as a user runs
      it: wall time, per-stage seconds (summed over regions, from each region's summary.json), CDR
      rows/s, peak RSS of the process tree. With --per-stage-processes each stage of each region runs
      in its own process instead, so each stage's peak RSS is its own (start-up is then paid 16 times);
  (b) the floor (benchmarks/floor.py): DuckDB COPY of the raw CDR/media files to Parquet, then one
      hand-written query per calling report;
  (c) optionally `airflow dags test` of the weekly DAG on the same data (orchestration overhead);
prints pipeline/floor ratios and writes benchmarks/results/<scale>.json. The SHA-256 of all exports is
compared with benchmarks/reference/<scale>.sha256 when present (correctness must not change while
optimising); --update-reference writes it.

--region R (repeatable) generates and measures only those regions, at the scale's full volume for each
(the files are the same as that region's in a full generation): scale l is ~120 GB of landing files for
all four regions, more than a laptop's free disk, while one region at l still shows how time and peak
memory grow past m. Results then go to benchmarks/results/<scale>-<regions>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
STAGES = ("ingest", "validate", "build", "export")


def measure(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run `cmd`; return (wall seconds, peak RSS bytes of its whole process tree, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-4000:]}")
    return wall, peak, out


def landing_for(scale: str, week_ending: str, history: int, seed: int, regions: list[str]) -> Path:
    data = ROOT / "benchmarks" / "data" / f"{scale}-{week_ending}-h{history}-s{seed}{region_suffix(regions)}"
    marker = data / "generated.json"
    if not marker.exists():
        shutil.rmtree(data, ignore_errors=True)
        wall, rss, out = measure(
            [
                PY,
                "-m",
                "partner_analytics.cli",
                "generate",
                "--landing",
                str(data / "landing"),
                "--week-ending",
                week_ending,
                "--scale",
                scale,
                "--seed",
                str(seed),
                "--history-weeks",
                str(history),
                *(a for r in regions for a in ("--region", r)),
            ]
        )
        marker.write_text(json.dumps({"seconds": wall, "peak_rss_bytes": rss, "stdout": out.strip()}))
    return data / "landing"


def region_suffix(regions: list[str]) -> str:
    """'' for all regions, else '-CA' / '-CA-UAE' (data folder, results and reference names)."""
    return "".join(f"-{r}" for r in sorted(set(regions)))


def exports_digest(home: Path) -> str:
    h = hashlib.sha256()
    # exports/<REGION> is a symlink to the live version (README "Atomicity"): rglob would not enter it
    for f in sorted(f for region in (home / "exports").iterdir() for f in region.glob("*.csv")):
        h.update(str(f.relative_to(home)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def run_pipeline(landing: Path, home: Path, week_ending: str, regions: list[str], fresh: bool = True) -> dict:
    """`partner-analytics run` for every region (each step in its own child process, as the command runs
    them); stage seconds and each stage's peak RSS (the largest over regions) from the summaries.
    fresh=False runs into the home as it is (the steady-state mode's weekly run on last week's home)."""
    if fresh:
        shutil.rmtree(home, ignore_errors=True)
    wall, peak, _ = measure([PY, "-m", "partner_analytics.cli", "run", "--landing", str(landing), "--home", str(home), "--week-ending", week_ending])
    stages = {s: {"seconds": 0.0} for s in STAGES}
    cdr_rows = 0
    for region in regions:
        summary = json.loads((home / "runs" / week_ending / region / "summary.json").read_text())
        for s in STAGES:
            stages[s]["seconds"] += summary["timings_seconds"][s]
            if s in summary.get("peak_rss_bytes", {}):
                stages[s]["peak_rss_bytes"] = max(stages[s].get("peak_rss_bytes", 0), summary["peak_rss_bytes"][s])
        cdr_rows += summary["datasets"]["cdr"]["read"]
    stages["ingest"]["cdr_rows"] = cdr_rows
    stages["ingest"]["cdr_rows_per_second"] = cdr_rows / stages["ingest"]["seconds"]
    # what no region's step timed: interpreter start, imports, the partner-level ingest
    stages["other"] = {"seconds": wall - sum(v["seconds"] for v in stages.values())}
    return {"stages": stages, "seconds": wall, "peak_rss_bytes": peak, "exports_sha256": exports_digest(home)}


def run_pipeline_per_stage(landing: Path, home: Path, week_ending: str, regions: list[str]) -> dict:
    """Each stage of each region in its own process (peak RSS per stage; start-up paid every time)."""
    shutil.rmtree(home, ignore_errors=True)
    stages = {}
    for stage in STAGES:
        wall_total, peak = 0.0, 0
        for region in regions:
            wall, rss, _ = measure(
                [PY, "-m", "benchmarks.stage", stage, "--landing", str(landing), "--home", str(home), "--week-ending", week_ending, "--region", region]
            )
            wall_total += wall
            peak = max(peak, rss)
        stages[stage] = {"seconds": wall_total, "peak_rss_bytes": peak}
    cdr_rows = 0
    for region in regions:
        state = json.loads((home / "runs" / week_ending / region / "bench_ingest.json").read_text())
        cdr_rows += state["cdr"]["read"]
    stages["ingest"]["cdr_rows"] = cdr_rows
    stages["ingest"]["cdr_rows_per_second"] = cdr_rows / stages["ingest"]["seconds"]
    return {
        "stages": stages,
        "seconds": sum(s["seconds"] for s in stages.values()),
        "peak_rss_bytes": max(s["peak_rss_bytes"] for s in stages.values()),
        "exports_sha256": exports_digest(home),
    }


EVENT_DATASETS = ("cdr", "media_quality", "call_queue_stats", "meeting_participants")


def deliver(src: Path, landing: Path, week_ending: str, week_only: bool = False) -> int:
    """Hard-link into `landing` the generated files an operator's landing zone holds when the run for
    D starts: event files of days before D (with week_only, of W = [D - 7, D) only) and snapshot files
    dated up to D (the generator names every file by its date; files dated after D, e.g. late CDRs of
    the next week, are not there yet). Returns the files added."""
    import datetime as dt

    d = dt.date.fromisoformat(week_ending)
    added = 0
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = f.relative_to(src)
        try:
            day = dt.date.fromisoformat(f.name[:10])
        except ValueError:
            continue
        event = len(rel.parts) > 2 and rel.parts[1] in EVENT_DATASETS
        wanted = (d - dt.timedelta(days=7) <= day < d if week_only else day < d) if event else day <= d
        target = landing / rel
        if wanted and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(f, target)
            added += 1
    return added


def steady_state(src: Path, work: Path, week_ending: str, regions: list[str], runs: int) -> dict:
    """Real operation (SPEC 13): the home of last week's run, then this week's run (timed) and a re-run
    of it that finds nothing new (timed). The run for D - 7 on the landing as delivered by then is done
    once, not timed; each repetition starts from a copy of its home. The floor is the first-run floor
    on this week's files alone (W's CDR and media): the work the new data needs."""
    import datetime as dt

    d = dt.date.fromisoformat(week_ending)
    previous = (d - dt.timedelta(days=7)).isoformat()
    landing, base = work / "steady-landing", work / "steady-base"
    shutil.rmtree(landing, ignore_errors=True)
    deliver(src, landing, previous)
    prev_run = run_pipeline(landing, base, previous, regions)
    new_files = deliver(src, landing, week_ending)
    week_landing = work / "week-landing"
    shutil.rmtree(week_landing, ignore_errors=True)
    deliver(src, week_landing, week_ending, week_only=True)
    steady, noop, floors, copies = [], [], [], []
    home = work / "steady-home"
    for _ in range(runs):
        shutil.rmtree(home, ignore_errors=True)
        t0 = time.perf_counter()
        shutil.copytree(base, home, symlinks=True)
        copies.append(time.perf_counter() - t0)
        steady.append(run_pipeline(landing, home, week_ending, regions, fresh=False))
        noop.append(run_pipeline(landing, home, week_ending, regions, fresh=False))
        floors.append(run_floor(week_landing, work / "floor", week_ending, regions))
    return {"previous_week_run": prev_run, "new_landing_files": new_files, "steady": steady, "noop": noop, "floor": floors, "home_copy_seconds_untimed": copies}


def cdr_records(floors: list[dict], pipes: list[dict]) -> dict:
    """The CDR records the floor copied and the pipeline read (first run of each): equal but for the
    malformed records, which the floor's DuckDB skips and ingestion quarantines. A floor copying fewer
    records measures less work than the week holds (before 2026-12-05 it skipped ZIP downloads and the
    rows of trailing-comma CSVs: 3.06 M of 3.96 M at m)."""
    return {"floor_copied": floors[0]["cdr_rows"], "pipeline_read": pipes[0]["stages"]["ingest"]["cdr_rows"]}


def describe_cdr_records(records: dict) -> str:
    return f"CDR records copied {records['floor_copied']:,} of the {records['pipeline_read']:,} the pipeline read"


def run_floor(landing: Path, out: Path, week_ending: str, regions: list[str]) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [PY, "-m", "benchmarks.floor", "--landing", str(landing), "--out", str(out), "--week-ending", week_ending]
    for r in regions:
        cmd += ["--region", r]
    wall, rss, stdout = measure(cmd)
    result = json.loads(stdout)
    result.update({"seconds": wall, "peak_rss_bytes": rss})
    return result


def run_cdr_ingest(landing: Path, scratch: Path, week_ending: str, region: str) -> dict:
    """Ingestion of one region's CDR files alone (the issue's rows/s-per-core figure)."""
    wall, rss, stdout = measure(
        [PY, "-m", "benchmarks.cdr_ingest", "--landing", str(landing), "--region", region, "--week-ending", week_ending, "--lake", str(scratch)]
    )
    shutil.rmtree(scratch, ignore_errors=True)
    return {**json.loads(stdout), "process_seconds": wall, "peak_rss_bytes": rss}


def run_airflow(landing: Path, home: Path, week_ending: str) -> dict:
    shutil.rmtree(home, ignore_errors=True)
    airflow_home = home / "airflow"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PA_LANDING": str(landing),
        "PA_HOME": str(home),
    }
    airflow = str(Path(PY).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True, cwd=ROOT)
    wall, rss, _ = measure([airflow, "dags", "test", "partner_weekly", f"{week_ending}T00:00:00+00:00"], env=env)
    return {"seconds": wall, "peak_rss_bytes": rss, "exports_sha256": exports_digest(home)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", default="s")
    p.add_argument("--week-ending", default="2026-11-22")
    p.add_argument("--history-weeks", type=int, default=1, help="weeks of events generated (default 1: W only)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--runs", type=int, default=1, help="repetitions; medians are reported")
    p.add_argument("--airflow", action="store_true", help="also time `airflow dags test` on the same data")
    p.add_argument("--update-reference", action="store_true")
    p.add_argument("--per-stage-processes", action="store_true", help="run each stage of each region in its own process (peak RSS per stage)")
    p.add_argument("--region", action="append", default=[], help="only this region (repeatable), at the scale's full volume for it; default: all four")
    p.add_argument(
        "--steady-state",
        action="store_true",
        help="SPEC 13 real operation: --history-weeks (default here 13) generated, the run for D - 7 done "
        "first (not timed), then the run for D timed and a no-op re-run of D timed",
    )
    a = p.parse_args()
    if a.steady_state:
        return main_steady(a)

    landing = landing_for(a.scale, a.week_ending, a.history_weeks, a.seed, a.region)
    name = f"{a.scale}{region_suffix(a.region)}"
    regions = sorted(d.name for d in landing.iterdir() if d.is_dir() and d.name != "partner_admins")
    work = ROOT / "benchmarks" / "data" / "work"
    pipes, floors, cdrs = [], [], []
    biggest = max(regions, key=lambda r: sum(f.stat().st_size for f in (landing / r / "cdr").glob("*")))
    load_before = os.getloadavg()[0]  # > ~0.5 on this 2-core machine: something else was running
    for _ in range(a.runs):
        runner = run_pipeline_per_stage if a.per_stage_processes else run_pipeline
        pipes.append(runner(landing, work / "home", a.week_ending, regions))
        floors.append(run_floor(landing, work / "floor", a.week_ending, regions))
        cdrs.append(run_cdr_ingest(landing, work / "cdr-lake", a.week_ending, biggest))
    med = statistics.median
    pipe_s = med(p["seconds"] for p in pipes)
    floor_s = med(f["seconds"] for f in floors)
    ingest_s = med(p["stages"]["ingest"]["seconds"] for p in pipes)
    copy_s = med(f["copy_seconds"] for f in floors)
    rest_s = med(sum(p["stages"][s]["seconds"] for s in STAGES[1:]) for p in pipes)
    report_s = med(f["report_seconds"] for f in floors)
    result = {
        "scale": a.scale,
        "regions": regions,
        "week_ending": a.week_ending,
        "history_weeks": a.history_weeks,
        "runs": a.runs,
        "machine": {"cpus": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total, "python": platform.python_version()},
        "generate": json.loads((landing.parent / "generated.json").read_text()),
        "pipeline": pipes,
        "floor": floors,
        "cdr_records": cdr_records(floors, pipes),
        "ratios": {
            "overall": pipe_s / floor_s,
            "ingest_vs_copy": ingest_s / copy_s,
            "validate_build_export_vs_queries": rest_s / report_s,
            "target_overall_seconds": 1.3 * floor_s + 8,
        },
        "noise": {
            "pipeline_seconds": [round(p["seconds"], 2) for p in pipes],
            "floor_seconds": [round(f["seconds"], 2) for f in floors],
            "pipeline_spread_pct": 100 * (max(p["seconds"] for p in pipes) - min(p["seconds"] for p in pipes)) / pipe_s,
            "loadavg_1min_before": load_before,
        },
    }
    result["cdr_ingest"] = cdrs
    cdr_per_core = med(c["rows_per_second_per_core"] for c in cdrs)
    peak = max(p["peak_rss_bytes"] for p in pipes)
    rss_cap = {"m": 1 << 30, "l": 2 << 30}.get(a.scale)
    result["targets"] = {
        "overall_le_1.3x_floor_plus_8s": pipe_s <= result["ratios"]["target_overall_seconds"],
        "ingest_cdr_rows_per_second_per_core": cdr_per_core,  # CDR files alone, biggest region
        "ingest_ge_1M_rows_per_second_per_core": cdr_per_core >= 1_000_000,
        "peak_rss_bytes": peak,
        "peak_rss_within_cap": None if rss_cap is None else peak <= rss_cap,
    }
    digests = {p["exports_sha256"] for p in pipes}
    result["deterministic_across_runs"] = len(digests) == 1
    ref = ROOT / "benchmarks" / "reference" / f"{a.scale}-h{a.history_weeks}{region_suffix(a.region)}.sha256"
    if a.update_reference:
        ref.parent.mkdir(parents=True, exist_ok=True)
        ref.write_text(pipes[0]["exports_sha256"] + "\n")
    result["matches_reference"] = ref.read_text().strip() == pipes[0]["exports_sha256"] if ref.exists() else None
    if a.airflow:
        result["airflow"] = run_airflow(landing, work / "airflow-home", a.week_ending)
        result["airflow"]["overhead_vs_pipeline"] = result["airflow"]["seconds"] / pipe_s
        result["airflow"]["same_exports"] = result["airflow"]["exports_sha256"] == pipes[0]["exports_sha256"]

    out = ROOT / "benchmarks" / "results" / f"{name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    mib = 1024 * 1024
    print(f"scale {a.scale}: {pipes[0]['stages']['ingest']['cdr_rows']:,} CDR rows, {len(regions)} region(s) ({', '.join(regions)}), {a.runs} run(s), medians")
    for s in pipes[0]["stages"]:
        st = [p["stages"][s] for p in pipes]
        rss = [x["peak_rss_bytes"] for x in st if "peak_rss_bytes" in x]
        print(f"  {s:9s} {med(x['seconds'] for x in st):8.2f} s" + (f"   peak RSS {max(rss) / mib:7.0f} MiB" if rss else ""))
    print(
        f"  pipeline  {pipe_s:8.2f} s   peak RSS {max(p['peak_rss_bytes'] for p in pipes) / mib:.0f} MiB   "
        f"ingest {med(p['stages']['ingest']['cdr_rows_per_second'] for p in pipes):,.0f} CDR rows/s"
    )
    print(f"  floor     {floor_s:8.2f} s   (copy {copy_s:.2f} s, queries {report_s:.2f} s; {describe_cdr_records(result['cdr_records'])})")
    r = result["ratios"]
    print(
        f"  ratio pipeline/floor: overall {r['overall']:.2f}x, ingest/copy {r['ingest_vs_copy']:.2f}x, "
        f"validate+build+export/queries {r['validate_build_export_vs_queries']:.2f}x; target <= {r['target_overall_seconds']:.1f} s"
    )
    n = result["noise"]
    print(
        f"  noise: pipeline runs {n['pipeline_seconds']} s (spread {n['pipeline_spread_pct']:.1f} %), "
        f"floor runs {n['floor_seconds']} s, 1-min load average before {n['loadavg_1min_before']:.2f}"
    )
    t = result["targets"]
    print(
        f"  targets: overall {'met' if t['overall_le_1.3x_floor_plus_8s'] else 'NOT met'}; "
        f"CDR ingest ({biggest}, alone) {t['ingest_cdr_rows_per_second_per_core']:,.0f} rows/s/core "
        f"({'met' if t['ingest_ge_1M_rows_per_second_per_core'] else 'NOT met'}: >= 1,000,000); "
        f"peak RSS {t['peak_rss_bytes'] / mib:.0f} MiB" + ("" if t["peak_rss_within_cap"] is None else f" ({'met' if t['peak_rss_within_cap'] else 'NOT met'})")
    )
    if a.airflow:
        print(
            f"  airflow dags test {result['airflow']['seconds']:.2f} s ({result['airflow']['overhead_vs_pipeline']:.2f}x the pipeline), "
            f"same exports: {result['airflow']['same_exports']}"
        )
    if result["matches_reference"] is False:
        raise SystemExit(f"exports differ from {ref}: correctness changed")
    print(f"results: {out}")


def main_steady(a: argparse.Namespace) -> None:
    """`make bench SCALE=s BENCH_ARGS=--steady-state`: results in benchmarks/results/<scale>-steady.json."""
    history = a.history_weeks if a.history_weeks > 1 else 13
    landing = landing_for(a.scale, a.week_ending, history, a.seed, a.region)
    name = f"{a.scale}{region_suffix(a.region)}-steady"
    regions = sorted(d.name for d in landing.iterdir() if d.is_dir() and d.name != "partner_admins")
    load_before = os.getloadavg()[0]
    res = steady_state(landing, ROOT / "benchmarks" / "data" / "work", a.week_ending, regions, a.runs)
    med = statistics.median
    steady_s = med(p["seconds"] for p in res["steady"])
    noop_s = med(p["seconds"] for p in res["noop"])
    floor_s = med(f["seconds"] for f in res["floor"])
    peak = max(p["peak_rss_bytes"] for p in res["steady"] + res["noop"])
    rss_cap = {"m": 1 << 30, "l": 2 << 30}.get(a.scale)
    result = {
        "scale": a.scale,
        "regions": regions,
        "week_ending": a.week_ending,
        "history_weeks": history,
        "runs": a.runs,
        "machine": {"cpus": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total, "python": platform.python_version()},
        "generate": json.loads((landing.parent / "generated.json").read_text()),
        **res,
        "cdr_records": cdr_records(res["floor"], res["steady"]),
        "ratios": {
            "steady_vs_floor": steady_s / floor_s,
            "ingest_vs_copy": med(p["stages"]["ingest"]["seconds"] for p in res["steady"]) / med(f["copy_seconds"] for f in res["floor"]),
            "validate_build_export_vs_queries": med(sum(p["stages"][s]["seconds"] for s in STAGES[1:]) for p in res["steady"])
            / med(f["report_seconds"] for f in res["floor"]),
            "target_steady_seconds": 1.3 * floor_s + 8,
        },
        "noise": {
            "steady_seconds": [round(p["seconds"], 2) for p in res["steady"]],
            "noop_seconds": [round(p["seconds"], 2) for p in res["noop"]],
            "floor_seconds": [round(f["seconds"], 2) for f in res["floor"]],
            "loadavg_1min_before": load_before,
            "loadavg_1min_after": os.getloadavg()[0],
        },
    }
    result["targets"] = {
        "steady_le_1.3x_floor_plus_8s": steady_s <= result["ratios"]["target_steady_seconds"],
        "noop_le_15s": noop_s <= 15,
        "peak_rss_bytes": peak,
        "peak_rss_within_cap": None if rss_cap is None else peak <= rss_cap,
    }
    out = ROOT / "benchmarks" / "results" / f"{name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    mib = 1024 * 1024
    print(
        f"scale {a.scale} steady state: {history} weeks generated, {len(regions)} region(s) ({', '.join(regions)}), "
        f"run for D - 7 done first ({res['previous_week_run']['seconds']:.1f} s, not timed), {a.runs} run(s), medians"
    )
    for label, pipes in (("steady", res["steady"]), ("no-op", res["noop"])):
        parts = ", ".join(f"{s} {med(p['stages'][s]['seconds'] for p in pipes):.2f}" for s in (*STAGES, "other"))
        print(f"  {label:7s} {med(p['seconds'] for p in pipes):8.2f} s   peak RSS {max(p['peak_rss_bytes'] for p in pipes) / mib:.0f} MiB   ({parts})")
    print(
        f"  floor (W's files alone) {floor_s:.2f} s (copy {med(f['copy_seconds'] for f in res['floor']):.2f} s, "
        f"queries {med(f['report_seconds'] for f in res['floor']):.2f} s); {describe_cdr_records(result['cdr_records'])}"
    )
    r = result["ratios"]
    print(
        f"  ratio steady/floor {r['steady_vs_floor']:.2f}x (ingest/copy {r['ingest_vs_copy']:.2f}x, "
        f"validate+build+export/queries {r['validate_build_export_vs_queries']:.2f}x); target <= {r['target_steady_seconds']:.1f} s: "
        f"{'met' if result['targets']['steady_le_1.3x_floor_plus_8s'] else 'NOT met'}; no-op <= 15 s: "
        f"{'met' if result['targets']['noop_le_15s'] else 'NOT met'}"
    )
    n = result["noise"]
    print(
        f"  noise: steady {n['steady_seconds']} s, no-op {n['noop_seconds']} s, floor {n['floor_seconds']} s; "
        f"1-min load average {n['loadavg_1min_before']:.2f} before, {n['loadavg_1min_after']:.2f} after"
    )
    print(f"results: {out}")


if __name__ == "__main__":
    main()
