"""Same (week_ending, scale, seed, history) -> byte-identical landing files; another seed -> other data."""

from __future__ import annotations

import hashlib
import json

from generate_landing_reader import WEEK_ENDING

from partner_analytics.generate import generate


def _digest(root) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_runs_write_identical_bytes(tiny, tmp_path):
    landing, stats = tiny
    again = generate(tmp_path / "again", WEEK_ENDING, scale="tiny", seed=7)
    first, second = _digest(landing), _digest(tmp_path / "again")
    assert list(first) == list(second)
    assert first == second
    assert json.dumps(again, sort_keys=True) == json.dumps(stats, sort_keys=True)


def test_another_seed_gives_other_data(tmp_path):
    a = generate(tmp_path / "a", WEEK_ENDING, scale="tiny", seed=7, history_weeks=1)
    b = generate(tmp_path / "b", WEEK_ENDING, scale="tiny", seed=8, history_weeks=1)
    name = f"US/customers/{WEEK_ENDING}.json"
    assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()
    assert a["legs"] != b["legs"]
    # one week of history still gives 10 snapshot Sundays (8-week trends and the D-7 change)
    assert len(a["snapshot_dates"]) == 10 and a["snapshot_dates"][0] == "2026-09-20"


def test_one_region_is_that_region_of_a_full_generation(tiny, tmp_path):
    """--region CA writes CA (and the partner admins) byte for byte as the full generation does, and
    nothing of the other regions: the benchmark measures scale l on one region this way."""
    landing, stats = tiny
    only = generate(tmp_path / "ca", WEEK_ENDING, scale="tiny", seed=7, regions=["CA"])
    assert sorted(p.name for p in (tmp_path / "ca").iterdir()) == ["CA", "partner_admins"]
    full = _digest(landing)
    part = _digest(tmp_path / "ca")
    assert part == {k: v for k, v in full.items() if k.startswith(("CA/", "partner_admins/"))}
    assert only["per_region"]["CA"] == stats["per_region"]["CA"]
    assert only["legs"] == stats["per_region"]["CA"]["legs"] < stats["legs"]


def test_unknown_region_is_refused(tmp_path):
    import pytest

    from partner_analytics.errors import BadArgumentError

    with pytest.raises(BadArgumentError, match="unknown region.*XX"):
        generate(tmp_path, WEEK_ENDING, scale="tiny", regions=["XX"])
    assert not any(tmp_path.iterdir())
