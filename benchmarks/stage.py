"""Runs one pipeline stage for one region in its own process, so its peak RSS is its own.

python -m benchmarks.stage ingest|validate|build|export --landing L --home H --week-ending D --region R
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from partner_analytics import paths, periods, pipeline


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=["ingest", "validate", "build", "export"])
    p.add_argument("--landing", type=Path, required=True)
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--week-ending", required=True)
    p.add_argument("--region", required=True)
    a = p.parse_args()
    d = periods.week_ending(a.week_ending)
    state = paths.run_dir(a.home, d, a.region) / "bench_ingest.json"
    if a.stage == "ingest":
        if a.region == pipeline.landing_regions(a.landing)[0]:
            pipeline.ingest_partner_step(a.landing, a.home, d)
        out = pipeline.ingest_step(a.landing, a.home, a.region, d)
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps(out, default=str))
    elif a.stage == "validate":
        ingested = json.loads(state.read_text())
        pipeline.validate_step(a.home, a.region, d, pipeline.partitions_of(ingested))
    elif a.stage == "build":
        pipeline.build_step(a.home, a.region, d)
    else:
        pipeline.export_step(a.home, a.region, d)


if __name__ == "__main__":
    main()
