"""Prints where a run's outputs are: per region its status, summary, Data Docs and every export."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(home: str, week_ending: str) -> int:
    runs = Path(home) / "runs" / week_ending
    summaries = sorted(runs.glob("*/summary.json"))
    if not summaries:
        print(f"no run summaries under {runs}", file=sys.stderr)
        return 1
    failed = False
    for path in summaries:
        s = json.loads(path.read_text(encoding="utf-8"))
        failed |= s.get("status") != "succeeded"
        print(f"{s['region']}: {s.get('status')} — summary {path}")
        if s.get("error"):
            print(f"  error: {s['error']}")
        docs = (s.get("data_quality") or {}).get("data_docs")
        if docs:
            print(f"  data docs: {docs}")
        for e in s.get("exports", []):
            print(f"  {e['path']} ({e['rows']} rows)")
        page = Path(home) / "dashboard" / s["region"] / f"{week_ending}.html"
        if page.exists():
            print(f"  dashboard: {page.absolute()}")  # the public path: a link that follows the live week
    index = Path(home) / "dashboard" / "index.html"
    if index.exists():
        print(f"Dashboard (open in a browser, works offline): {index.resolve()}")
    print(f"Outputs: reports in {Path(home) / 'exports'}/<REGION>/, warehouses in {Path(home) / 'warehouse'}/, run summaries and Data Docs in {runs}/<REGION>/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
