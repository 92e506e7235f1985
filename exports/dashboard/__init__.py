"""The offline Partner Hub dashboard (SPEC 11): one self-contained HTML page per region and week.

`render_dashboard` is the one entry point (the export step calls it after the CSVs are written)."""

from exports.dashboard.render import render_dashboard, write_indexes

__all__ = ["render_dashboard", "write_indexes"]
