"""Export file names: `<Template Name>_<8 hex>_<YYYY-MM-DD>.csv` (SPEC 7), derived, never random."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

# Characters a template name may not contain: path separators, control characters and the
# characters Windows forbids in file names. A name is also refused when it is "." or "..".
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def check_template_name(name: str) -> str:
    """Return `name` if it is safe as a file-name prefix inside the exports folder, else raise ValueError."""
    stripped = name.strip()
    if not stripped or stripped in {".", ".."} or stripped.startswith(".") or _FORBIDDEN.search(name):
        raise ValueError(
            f"template name {name!r} is not allowed: it must be non-empty, not start with '.', and contain none of / \\ : * ? \" < > | or control characters"
        )
    return name


def export_id(template: str, region: str, period_start: dt.date, period_end: dt.date, admin: str | None = None) -> str:
    """8 lowercase hex characters from template, region and period: a re-run overwrites the same file.

    `admin` (`--as-admin`, SPEC 12): the admin's email joins the key, so a file scoped to one admin's
    customers never overwrites the unscoped one or another admin's."""
    key = f"{template}|{region}|{period_start.isoformat()}|{period_end.isoformat()}"
    if admin is not None:
        key += f"|admin={admin.strip().lower()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def export_file_name(template: str, region: str, period_start: dt.date, period_end: dt.date, label_date: dt.date, admin: str | None = None) -> str:
    check_template_name(template)
    return f"{template}_{export_id(template, region, period_start, period_end, admin)}_{label_date.isoformat()}.csv"
