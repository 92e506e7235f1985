"""Data-quality gates: Great Expectations suites per lake dataset, run on each run's new partitions."""

from expectations.runner import validate_region

__all__ = ["validate_region"]
