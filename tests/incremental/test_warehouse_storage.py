"""How a warehouse being built stores deletes (pa_base.warehouse.WRITE_CONFIG): an incremental build deletes
the leg weeks it recomputes from intermediate.int_call_legs_weekly, and DuckDB's default checkpoint then
rewrites every row group that lost rows. The pipeline's writers do not vacuum: a partly deleted row group
stays as it is, a wholly deleted one is dropped."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pa_base.warehouse import WRITE_CONFIG, open_for_write

ROW_GROUP = 122_880  # DuckDB's rows per row group


def _table(path: Path) -> None:
    """4 full row groups; every row group holds rows of both weeks (like a full build of the window)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create table legs as select i as report_id, case when i % 2 = 0 then 'w1' else 'w2' end as week from range({4 * ROW_GROUP}) t(i)")
        con.execute("checkpoint")
    finally:
        con.close()


def _stored(con) -> tuple[int, set]:
    """(rows held in storage, deleted or not; row group ids) of table legs."""
    stored, groups = con.execute(
        "select sum(count), list(distinct row_group_id order by row_group_id) from pragma_storage_info('legs') where column_id = 0 and column_path = '[0]'"
    ).fetchone()
    return stored, set(groups)


def _delete_and_checkpoint(con, where: str) -> tuple[int, int, set]:
    con.execute(f"delete from legs where {where}")
    con.execute("checkpoint")
    live = con.execute("select count(*) from legs").fetchone()[0]
    return live, *_stored(con)


def test_a_partly_deleted_row_group_is_not_rewritten_and_a_wholly_deleted_one_is_dropped(tmp_path: Path) -> None:
    assert WRITE_CONFIG == {"max_vacuum_tasks": 0}
    ours, default = tmp_path / "ours.duckdb", tmp_path / "default.duckdb"
    _table(ours)
    _table(default)

    # DuckDB's default: deleting one week (half of every row group) rewrites the table into 2 row groups
    con = duckdb.connect(str(default))
    try:
        assert _delete_and_checkpoint(con, "week = 'w1'") == (2 * ROW_GROUP, 2 * ROW_GROUP, {0, 1})
    finally:
        con.close()

    # the pipeline's writer: the 4 row groups stay, each with its deleted half
    con = open_for_write(ours)
    try:
        assert _delete_and_checkpoint(con, "week = 'w1'") == (2 * ROW_GROUP, 4 * ROW_GROUP, {0, 1, 2, 3})
        # a row group whose every row is gone is dropped without rewriting the others
        assert _delete_and_checkpoint(con, f"report_id < {ROW_GROUP}") == (ROW_GROUP + ROW_GROUP // 2, 3 * ROW_GROUP, {0, 1, 2})
    finally:
        con.close()
    # a later writer (run_info, incremental state) keeps it so: nothing is rewritten when it checkpoints
    con = open_for_write(ours)
    try:
        con.execute("create table run_info as select 1 as x")
        con.execute("checkpoint")
        assert _stored(con) == (3 * ROW_GROUP, {0, 1, 2})
    finally:
        con.close()
