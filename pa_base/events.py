"""Progress events a step emits from inside the packages (ingestion's files), and where they go.

Ingestion reports each landing file it parses; the command's display (partner_analytics.progress) or a
run's child process connects the receivers. Nothing connected (a package used on its own): the events
are dropped."""

from __future__ import annotations

from typing import Protocol


class Receiver(Protocol):
    def files_expected(self, n: int) -> None: ...

    def file_parsed(self, rows: int) -> None: ...


_receiver: Receiver | None = None


def connect(receiver: Receiver | None) -> None:
    """Send this process's events to `receiver` (None: drop them)."""
    global _receiver
    _receiver = receiver


def files_expected(n: int) -> None:
    """Ingestion: this step will look at n landing files."""
    if _receiver is not None:
        _receiver.files_expected(n)


def file_parsed(rows: int) -> None:
    """Ingestion: one more landing file parsed, with its rows."""
    if _receiver is not None:
        _receiver.file_parsed(rows)
