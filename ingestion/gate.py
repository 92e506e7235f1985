"""The quarantine gate (SPEC 9): a run never says "succeeded" over reports that silently lost most
of their input. A dataset whose rows read in this run are more than PA_MAX_QUARANTINE_PCT (default
5) percent quarantined fails its region before anything of it is published: the lake, its manifest
and quarantine files stay as they were (so the next run reads the same files again), and the
region's later stages (validate, build, export) do not run, so the previous exports stay as they are.
"""

from __future__ import annotations

import os

from pa_base.errors import BadArgumentError, PipelineError

ENV = "PA_MAX_QUARANTINE_PCT"
DEFAULT_PCT = 5.0
TOP_REASONS = 3


class QuarantineGateError(PipelineError):
    """Too large a share of a dataset's new rows was quarantined (exit code 1)."""


def max_quarantine_pct() -> float:
    """The gate's limit in percent, from the environment (a number in [0, 100])."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return DEFAULT_PCT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise BadArgumentError(f"{ENV} must be a percentage between 0 and 100, got {text!r}")
    return value


def over_limit(summary: dict[str, dict], limit: float) -> list[str]:
    """One sentence per dataset over the limit, in summary order."""
    out = []
    for dataset, entry in summary.items():
        read, quarantined = entry.get("read", 0), entry.get("quarantined", 0)
        if read == 0 or quarantined * 100 <= limit * read:
            continue
        reasons = sorted(entry.get("quarantine_reasons", {}).items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
        listed = ", ".join(f"{reason} ({count})" for reason, count in reasons)
        out.append(
            f"{dataset}: {quarantined * 100 / read:.1f} % of the {read} rows read were quarantined "
            f"({quarantined}; more than {ENV}={limit:g} %); most frequent reasons: {listed}"
        )
    return out


def check_quarantine_gate(summary: dict[str, dict]) -> None:
    """Raise QuarantineGateError naming every dataset over the limit, its rate and top reasons."""
    failures = over_limit(summary, max_quarantine_pct())
    if failures:
        raise QuarantineGateError("quarantine gate: " + "; ".join(failures) + "; nothing was published")
