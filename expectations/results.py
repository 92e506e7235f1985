"""GX results of one partition: chunk results summed per expectation, labels and examples for people.

Every suite expectation is a row-level (map) expectation, so element, missing and unexpected counts
of the chunks add up to the counts of the whole partition; the partial lists keep the first
examples in row order (chunks are read in file order), with unexpected rows numbered from 0 within
the partition.
"""

from __future__ import annotations

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
        text = value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat()
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
    """One expectation's counts summed over the chunks of a partition."""

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

    def add(self, result, offset: int, row_at: Callable[[int], dict]) -> None:
        """Fold one chunk's ExpectationValidationResult in.

        `offset` is the chunk's first row in the partition; GX reports unexpected rows by their
        position in the chunk, turned here into the row number in the partition. `row_at(i)` returns
        chunk row i, from which the first unexpected row of the partition is kept as the example."""
        info = result.exception_info or {}
        if info.get("raised_exception"):
            self.success = False
            if self.exception is None:
                self.exception = (info.get("exception_message") or "exception").splitlines()[0]
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
        for item in r.get("partial_unexpected_counts") or []:
            value = item["value"]
            try:
                self.partial_unexpected_counts[value] += int(item["count"])
            except TypeError:  # unhashable value (a list): keep its text
                self.partial_unexpected_counts[format_value(value)] += int(item["count"])

    def merged_result(self) -> dict:
        """The GX `result` dict of the whole partition (what Data Docs renders)."""
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
            out["unexpected_percent_total"] = (
                self.unexpected_count / self.element_count * 100 if self.element_count else None
            )
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


def merged_suite_result(last_chunk_result, tallies: dict[str, ExpectationTally]):
    """An ExpectationSuiteValidationResult for the whole partition, from the last chunk's result shell.

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
