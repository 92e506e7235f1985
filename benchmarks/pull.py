"""`python -m benchmarks.pull --scale s`: pull one generated week from the fake Webex (tests/pull/fake_webex.py,
run in its own process so client and server do not share a GIL): wall time, requests, bytes, CDR windows and
rows, at each --concurrency given. A first pull: every 12-hour window of the feed's 30 days for every org
(only the last week's hold data). Results in benchmarks/results/pull-<scale>.json."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time

from benchmarks.bench import ROOT, landing_for

TOKEN = "benchmark-token"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="s")
    parser.add_argument("--week-ending", default="2026-11-22")
    parser.add_argument("--concurrency", type=int, action="append", help="repeatable (default: 4)")
    parser.add_argument("--region", action="append", default=[])
    args = parser.parse_args()
    landing = landing_for(args.scale, args.week_ending, 1, 7, args.region)
    d = dt.date.fromisoformat(args.week_ending)
    now = dt.datetime(d.year, d.month, d.day, 1, tzinfo=dt.UTC)
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.pull.fake_webex", "--landing", str(landing), "--now", now.isoformat(), "--token", TOKEN],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    info = json.loads(server.stdout.readline())
    from partner_analytics.pull import pull

    runs = []
    try:
        for concurrency in args.concurrency or [4]:
            out = ROOT / "benchmarks" / "data" / f"pull-{args.scale}-c{concurrency}"
            shutil.rmtree(out, ignore_errors=True)
            load = os.getloadavg()[0]
            started = time.perf_counter()
            result = pull(out, TOKEN, pull_date=d, now=now, what="all", base_url=info["url"], cdr_base_url=info["url"], concurrency=concurrency)
            seconds = time.perf_counter() - started
            run = {
                "concurrency": concurrency,
                "seconds": round(seconds, 1),
                "requests": result.requests,
                "bytes": result.bytes,
                "cdr_windows": result.cdr_windows,
                "cdr_rows": result.cdr_rows,
                "files": len(result.files),
                "failed": len(result.failed),
                "load_before": round(load, 2),
                "rows_per_second": round(result.cdr_rows / seconds),
                "requests_per_second": round(result.requests / seconds, 1),
            }
            runs.append(run)
            print(json.dumps(run), flush=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    record = {
        "scale": args.scale,
        "week_ending": args.week_ending,
        "regions": args.region or "all",
        "fake_server": info,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "runs": runs,
    }
    target = ROOT / "benchmarks" / "results" / f"pull-{args.scale}.json"
    target.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
