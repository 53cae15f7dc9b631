"""The DuckDB connection over a lake: what every query, detection and notebook runs on."""

from __future__ import annotations

import sys
from pathlib import Path

from auditlake.queries.connection import arrow_table, connect

sys.path.insert(0, str(Path(__file__).parent))
from detection_lakes import event, make_lake


def test_no_progress_bar_is_drawn_into_query_output(tmp_path: Path) -> None:
    con = connect(make_lake(tmp_path, [event("2026-11-27T10:00:00Z", 3002, "syslog")]))
    setting = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()
    assert setting == (False,)


def test_part_footers_are_read_once_per_connection(tmp_path: Path) -> None:
    con = connect(make_lake(tmp_path, [event("2026-11-27T10:00:00Z", 3002, "syslog")]))
    setting = con.execute("SELECT current_setting('parquet_metadata_cache')").fetchone()
    assert setting == (True,)


def test_arrow_table_binds_values_as_parameters(tmp_path: Path) -> None:
    rows = [
        event("2026-11-27T10:00:00Z", 3002, "syslog", user_name="bob"),
        event("2026-11-27T10:00:01Z", 3002, "syslog", user_name="x' OR '1'='1"),
    ]
    con = connect(make_lake(tmp_path, rows))
    sql = "SELECT user_name FROM events WHERE user_name = $user"
    assert arrow_table(con, sql, {"user": "x' OR '1'='1"}).to_pylist() == [
        {"user_name": "x' OR '1'='1"}
    ]
    assert arrow_table(con, sql, {"user": "alice"}).num_rows == 0


def test_arrow_table_runs_a_statement_without_rows(tmp_path: Path) -> None:
    con = connect(make_lake(tmp_path, [event("2026-11-27T10:00:00Z", 3002, "syslog")]))
    assert arrow_table(con, "SET threads = 1").num_rows == 0
    assert con.execute("SELECT current_setting('threads')").fetchone() == (1,)
