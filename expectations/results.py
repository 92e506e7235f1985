"""GX results of one dataset: chunk results summed per expectation, split per partition; labels and examples.

Every suite expectation is a row-level (map) expectation, so element, missing and unexpected counts
of the chunks add up to the counts of the whole dataset. A chunk spans partitions; GX lists every
unexpected row of a chunk by position (the runner asks for all of them), so each partition gets its
exact unexpected count and its own first example. Partial lists keep the first examples in row
order (chunks are read in partition then file order), with unexpected rows numbered from 0 within
the dataset (dataset tally, for Data Docs) or within the partition (partition tallies).
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PARTIAL_COUNT = 20  # GX's default partial_unexpected_count
# kwargs that name the domain (shown first, unnamed) or add nothing for a reader of the label
_DOMAIN_KWARGS = ("column", "column_A", "column_B")
_HIDDEN_KWARGS = {"batch_id", "ignore_row_if", "result_format", "catch_exceptions", "include_config", "meta"}


def format_value(value: Any) -> str:
    """A value as a person reads it in a message: 'text', -5, 2026-11-22, 2026-11-15T10:00:00Z, null."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NaT:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "null"
        # pandas turns integer columns with nulls into float64: show -5, not -5.0
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            # dates arrive in pandas as naive midnight timestamps
            return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
        text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
        return text + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(format_value(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


def expectation_label(expectation_type: str, kwargs: dict) -> str:
    """expect_column_values_to_be_between(duration_seconds, min_value=0): type, domain, then arguments."""
    parts = [str(kwargs[k]) for k in _DOMAIN_KWARGS if k in kwargs]
    for k, v in kwargs.items():
        if k in _DOMAIN_KWARGS or k in _HIDDEN_KWARGS or v is None:
            continue
        shown = format_value(v) if not isinstance(v, str) else repr(v)
        parts.append(f"{k}={shown}")
    return f"{expectation_type}({', '.join(parts)})"


@dataclass
class ExpectationTally:
    """One expectation's counts summed over the chunks of a dataset, or of one of its partitions."""

    expectation_type: str
    kwargs: dict
    severity: str  # "critical" (hard) or "warning" (soft)
    meta: dict
    success: bool = True
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    has_missing: bool = False
    partial_unexpected_list: list = field(default_factory=list)
    partial_unexpected_index_list: list = field(default_factory=list)
    partial_unexpected_counts: Counter = field(default_factory=Counter)
    example_row: dict | None = None  # the first unexpected row of the partition (polars values)
    exception: str | None = None

    @property
    def label(self) -> str:
        return expectation_label(self.expectation_type, self.kwargs)

    @property
    def is_hard(self) -> bool:
        # An expectation that could not be evaluated at all is a broken gate: always hard.
        return self.severity == "critical" or self.exception is not None

    def fail_with(self, exception_info: dict) -> None:
        self.success = False
        if self.exception is None:
            self.exception = (exception_info.get("exception_message") or "exception").splitlines()[0]

    def add(self, result, offset: int, row_at: Callable[[int], dict]) -> None:
        """Fold one chunk's ExpectationValidationResult in.

        `offset` is the chunk's first row in the dataset; GX reports unexpected rows by their
        position in the chunk, turned here into the row number in the dataset. `row_at(i)` returns
        chunk row i, from which the first unexpected row is kept as the example."""
        info = result.exception_info or {}
        if info.get("raised_exception"):
            self.fail_with(info)
            return
        self.success = self.success and bool(result.success)
        r = result.result or {}
        self.element_count += int(r.get("element_count") or 0)
        if "missing_count" in r:
            self.has_missing = True
            self.missing_count += int(r.get("missing_count") or 0)
        self.unexpected_count += int(r.get("unexpected_count") or 0)
        room = PARTIAL_COUNT - len(self.partial_unexpected_list)
        self.partial_unexpected_list.extend((r.get("partial_unexpected_list") or [])[:room])
        positions = [int(i) for i in r.get("partial_unexpected_index_list") or []]
        if positions and self.example_row is None:
            self.example_row = row_at(positions[0])
        room = PARTIAL_COUNT - len(self.partial_unexpected_index_list)
        self.partial_unexpected_index_list.extend(offset + i for i in positions[:room])
        # the chunk's most common values only (GX lists them all here): the dataset's top values stay bounded
        for item in (r.get("partial_unexpected_counts") or [])[:PARTIAL_COUNT]:
            value = item.get("value")
            try:
                self.partial_unexpected_counts[value] += int(item.get("count") or 0)
            except TypeError:  # unhashable value (a list): keep its text
                self.partial_unexpected_counts[format_value(value)] += int(item.get("count") or 0)

    def add_rows(self, rows: int, positions: list[int], first_row: int, row_at: Callable[[int], dict]) -> None:
        """Fold in one partition's rows of one chunk: `rows` of them, unexpected at chunk `positions`.

        `first_row` is the row number, within the partition, of the first unexpected position's
        chunk row minus that position (i.e. partition row = first_row + position)."""
        self.element_count += rows
        self.unexpected_count += len(positions)
        if positions:
            self.success = False
            if self.example_row is None:
                self.example_row = row_at(positions[0])
            room = PARTIAL_COUNT - len(self.partial_unexpected_index_list)
            self.partial_unexpected_index_list.extend(first_row + i for i in positions[:room])

    def merged_result(self) -> dict:
        """The GX `result` dict of the whole dataset (what Data Docs renders)."""
        out: dict[str, Any] = {
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": None,
            "partial_unexpected_list": self.partial_unexpected_list,
        }
        nonmissing = self.element_count - self.missing_count
        if self.has_missing:
            out["missing_count"] = self.missing_count
            out["missing_percent"] = self.missing_count / self.element_count * 100 if self.element_count else None
            out["unexpected_percent_total"] = self.unexpected_count / self.element_count * 100 if self.element_count else None
            out["unexpected_percent_nonmissing"] = self.unexpected_count / nonmissing * 100 if nonmissing else None
            out["unexpected_percent"] = out["unexpected_percent_nonmissing"]
        else:
            out["unexpected_percent"] = self.unexpected_count / self.element_count * 100 if self.element_count else None
        ranked = sorted(self.partial_unexpected_counts.items(), key=lambda kv: (-kv[1], format_value(kv[0])))
        out["partial_unexpected_counts"] = [{"value": v, "count": c} for v, c in ranked[:PARTIAL_COUNT]]
        if self.partial_unexpected_index_list:
            out["partial_unexpected_index_list"] = self.partial_unexpected_index_list
        return out

    def example(self) -> str:
        """The first unexpected row, as a person reads it: the bad value, or the columns the suite names."""
        if self.exception is not None:
            return f"raised {self.exception}"
        row = self.example_row
        if row is None:
            return ""
        named = (self.meta or {}).get("example_columns")
        if named:
            return ", ".join(f"{c}={format_value(row.get(c))}" for c in named)
        if "column_A" in self.kwargs:
            a, b = self.kwargs["column_A"], self.kwargs["column_B"]
            return f"{a}={format_value(row.get(a))}, {b}={format_value(row.get(b))}"
        return format_value(row.get(self.kwargs.get("column")))

    def source(self) -> str | None:
        """Lineage of the example row: <source_file>:<source_row>."""
        row = self.example_row
        if row is None or row.get("source_file") is None:
            return None
        return f"{row['source_file']}:{format_value(row.get('source_row'))}"

    def summary(self) -> dict:
        """This expectation's outcome for validation.json (JSON-safe, no timestamps)."""
        return {
            "expectation": self.label,
            "severity": "hard" if self.is_hard else "soft",
            "success": self.success,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "example": None if self.success else self.example(),
            "source": None if self.success else self.source(),
        }


@dataclass(frozen=True)
class Span:
    """The rows of one partition inside one chunk: chunk rows [start, stop), the first being partition row `row`."""

    part: int  # index of the partition in the dataset's partition list
    start: int
    stop: int
    row: int


class SplitTally:
    """One expectation over a dataset: the dataset-wide tally (Data Docs) and one tally per partition."""

    def __init__(self, config, partition_views: list[tuple[str, dict]]):
        """`partition_views[i]` is the (expectation type, kwargs) partition i is reported under."""
        severity = str(getattr(config.severity, "value", config.severity))
        meta = dict(config.meta or {})
        self.dataset = ExpectationTally(config.type, dict(config.kwargs), severity, meta)
        self.parts = [ExpectationTally(kind, dict(kwargs), severity, meta) for kind, kwargs in partition_views]

    def add(self, result, offset: int, spans: list[Span], row_at: Callable[[int], dict]) -> None:
        """Fold one chunk's result in, splitting its unexpected rows among the partitions it spans.

        Needs the complete list of unexpected positions (partial_unexpected_count >= chunk rows)."""
        info = result.exception_info or {}
        if info.get("raised_exception"):
            # a gate that cannot be evaluated is broken for every partition it was to check
            for tally in (self.dataset, *self.parts):
                tally.fail_with(info)
            return
        r = result.result or {}
        positions = sorted(int(i) for i in r.get("partial_unexpected_index_list") or [])
        unexpected = int(r.get("unexpected_count") or 0)
        if len(positions) != unexpected:
            raise RuntimeError(f"GX listed {len(positions)} of {unexpected} unexpected rows for {self.dataset.label}; cannot attribute them to partitions")
        self.dataset.add(result, offset, row_at)
        for span in spans:
            lo = bisect.bisect_left(positions, span.start)
            hi = bisect.bisect_left(positions, span.stop)
            self.parts[span.part].add_rows(span.stop - span.start, positions[lo:hi], span.row - span.start, row_at)
        if not result.success and not positions:
            # GX failed the chunk without naming rows (not expected of map expectations): never pass it
            for span in spans:
                self.parts[span.part].success = False


def merged_suite_result(last_chunk_result, tallies: dict[str, ExpectationTally]):
    """An ExpectationSuiteValidationResult for the whole dataset, from the last chunk's result shell.

    `tallies` is keyed by expectation id."""
    merged = copy.deepcopy(last_chunk_result)
    for evr in merged.results:
        tally = tallies[evr.expectation_config.id]
        evr.success = tally.success
        if tally.exception is None:
            evr.result = tally.merged_result()
    evaluated = len(tallies)
    successful = sum(t.success for t in tallies.values())
    merged.success = successful == evaluated
    merged.statistics = {
        "evaluated_expectations": evaluated,
        "successful_expectations": successful,
        "unsuccessful_expectations": evaluated - successful,
        "success_percent": successful / evaluated * 100 if evaluated else None,
    }
    return merged
