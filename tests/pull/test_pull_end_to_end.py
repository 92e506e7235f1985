"""End to end: the fake Webex serving a generated landing -> `pull` week by week -> `run` gives exports
byte-identical to `run` on the original landing (datasets the APIs do not serve are copied: file-landed)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from partner_analytics.pull import pull
from tests.pull.conftest import REGIONS, TOKEN, D, at

FILE_LANDED = ("subscriptions", "call_queue_stats", "media_quality", "meeting_participants")

pytestmark = pytest.mark.slow


def pull_history(landing: Path, fake, first_sunday: dt.date) -> list:
    """What a partner's schedule does: each Sunday the snapshots and the CDR windows not yet fetched,
    then, a week after D, the late CDRs (delivered after D, still in the 30-day feed)."""
    results = []
    sunday = first_sunday
    while sunday <= D:
        fake.fake.now = at(sunday)
        results.append(pull(landing, TOKEN, pull_date=sunday, now=at(sunday), base_url=fake.url, cdr_base_url=fake.url))
        sunday += dt.timedelta(days=7)
    late = D + dt.timedelta(days=7)
    fake.fake.now = at(late)
    results.append(pull(landing, TOKEN, pull_date=late, now=at(late), what="cdr", base_url=fake.url, cdr_base_url=fake.url))
    return results


def exported(home: Path) -> dict[str, bytes]:
    root = home / "exports"
    # exports/<REGION> is a symlink to the live version (README "Atomicity"): rglob does not enter it
    return {f"{d.name}/{p.name}": p.read_bytes() for d in sorted(root.iterdir()) for p in sorted(d.glob("*.csv"))}


def test_pull_then_run_gives_the_exports_of_the_original_landing(generated_landing, fake, tmp_path):
    from partner_analytics import pipeline

    pulled = tmp_path / "pulled"
    first = min(dt.date.fromisoformat(p.stem) for p in (generated_landing / "US" / "customers").glob("*.json"))
    results = pull_history(pulled, fake, first)
    assert all(r.failed == {} for r in results)
    for region in REGIONS:
        for dataset in FILE_LANDED:
            shutil.copytree(generated_landing / region / dataset, pulled / region / dataset)

    # every snapshot the generator wrote exists under the same name, with the same items (grouped per org)
    import orjson

    def same(doc: dict) -> dict:
        return {**doc, "items": sorted(orjson.dumps(i, option=orjson.OPT_SORT_KEYS) for i in doc["items"])}

    for original in sorted(generated_landing.glob("*/*/*.json")):
        dataset = original.parent.name
        if dataset in ("customers", "licenses", "people", "devices", "locations", "numbers"):
            twin = pulled / original.relative_to(generated_landing)
            assert same(orjson.loads(twin.read_bytes())) == same(orjson.loads(original.read_bytes())), twin

    # every CDR row the feed could place (a parseable Report time) was pulled exactly once per copy
    rows = sum(r.cdr_rows for r in results)
    assert rows == sum(len(v) for v in fake.fake.data.cdr.values())
    # the late CDRs came in the pull a week after D
    assert results[-1].cdr_rows > 0

    original_home, pulled_home = tmp_path / "home-original", tmp_path / "home-pulled"
    # one region through dbt keeps the test's time down; CA's pulled snapshots are compared above
    pipeline.run(generated_landing, original_home, D, ["US"])
    pipeline.run(pulled, pulled_home, D, ["US"])
    expected, got = exported(original_home), exported(pulled_home)
    assert len(expected) > 20
    assert sorted(got) == sorted(expected)
    different = [name for name in expected if got[name] != expected[name]]
    assert different == []
