"""Writes report templates from a region's warehouse to CSV files, all-or-nothing per run."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exports.csvfmt import csv_writer, render, safe_text
from exports.naming import export_file_name
from exports.templates import Template
from pa_base.periods import Period
from pa_base.warehouse import mart, open_read_only

log = logging.getLogger(__name__)

BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Written:
    template: str
    path: Path
    rows: int


def _query(template: Template) -> tuple[str, list]:
    cols = ", ".join(c.column for c in template.columns)
    where, params = [], []
    for column, values in template.filters:
        where.append(f"cast({column} as varchar) in ({', '.join('?' for _ in values)})")
        params.extend(values)
    sql = f"select {cols} from {mart(template.relation)}"
    if where:
        sql += " where " + " and ".join(where)
    if template.order_by:
        # nulls last, then every exported column: a total, deterministic order
        keys = list(template.order_by) + [c.column for c in template.columns if c.column not in template.order_by]
        sql += " order by " + ", ".join(f"{k} asc nulls last" for k in keys)
    return sql, params


def _write_csv(con, template: Template, target: Path) -> int:
    sql, params = _query(template)
    cur = con.execute(sql, params)
    rows = 0
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv_writer(fh)
        writer.writerow([safe_text(h) for h in template.headers])
        while batch := cur.fetchmany(BATCH_ROWS):
            writer.writerows([render(v) for v in row] for row in batch)
            rows += len(batch)
    return rows


def write_exports(
    warehouse: Path,
    out_dir: Path,
    region: str,
    period: Period,
    templates: list[Template],
    before_publish: Callable[[], object] | None = None,
    admin: str | None = None,
) -> list[Written]:
    """Render every template into `out_dir`, named per SPEC 7.

    All files are first written to a staging folder inside `out_dir`; only when every one succeeded are
    they moved into place (os.replace, atomic per file), so a failure leaves the previous exports as they were.
    `before_publish` runs after every file rendered and before any is moved (the weekly run publishes
    its warehouse there, so a failed export leaves the previous warehouse live too).
    `admin`: files scoped to that admin's customers (`--as-admin`) carry the admin in their id."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    written: list[Written] = []
    try:
        con = open_read_only(warehouse)
        try:
            for t in templates:
                name = export_file_name(t.name, region, period.start, period.end, period.label_date, admin)
                rows = _write_csv(con, t, staging / name)
                written.append(Written(t.name, out_dir / name, rows))
        finally:
            con.close()
        if before_publish is not None:
            before_publish()
        for w in written:
            os.replace(staging / w.path.name, w.path)
    finally:
        for leftover in staging.glob("*"):
            leftover.unlink()
        staging.rmdir()
    for w in written:
        log.info("exported %s (%d rows): %s", w.template, w.rows, w.path)
    return written
