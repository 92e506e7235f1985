"""Errors the pipeline raises on purpose; the CLI maps them to exit codes (SPEC 8)."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """A data or pipeline failure: the run stops, exit code 1, nothing of the region is published."""


class BadArgumentError(PipelineError):
    """Bad command-line arguments (e.g. a week ending that is not a Sunday): exit code 2."""


class FileFormatError(PipelineError):
    """A landing file that cannot be parsed at all; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):
        # rebuilt from both arguments when it crosses a process boundary (a step run in a child process)
        return (type(self), (self.path, self.problem))


class ValidationError(PipelineError):
    """A hard data-quality expectation failed; the message names dataset, expectation and an example."""


class BuildError(PipelineError):
    """dbt build failed for a region."""
