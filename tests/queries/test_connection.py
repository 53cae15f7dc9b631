"""The DuckDB connection over a lake: what every query, detection and notebook runs on."""

from __future__ import annotations

import sys
from pathlib import Path

from auditlake.queries.connection import arrow_table, connect

from auditlake.pipeline import ingest_logs

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


def test_source_files_say_which_files_relay_audit_records(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    (logs / "web-2").mkdir(parents=True)
    (logs / "web-2" / "audit.log").write_text(
        "type=DAEMON_START msg=audit(1795745400.000:1): op=start ver=3.1 res=success\n"
    )
    (logs / "web-2" / "syslog").write_text(
        "Nov 27 02:10:00 web-2 audispd: type=LOGIN msg=audit(1795745400.123:9): "
        "pid=7 uid=0 old-auid=1001 auid=1003 old-ses=3 ses=4 res=1\n"
    )
    (logs / "web-2" / "notes.bin").write_bytes(b"\x00\x01 not a log\n")
    ingest_logs([logs], tmp_path / "lake")
    con = connect(tmp_path / "lake")
    files = con.execute(
        "SELECT regexp_extract(source_file, '[^/]+$'), format, relays_audit "
        "FROM source_files ORDER BY 1"
    ).fetchall()
    assert files == [
        ("audit.log", "auditd", False),
        ("notes.bin", None, None),
        ("syslog", "syslog", True),
    ]
    relayed = con.execute(
        "SELECT type, relayed_audit(source_file_id) FROM auditd_records ORDER BY type"
    ).fetchall()
    assert relayed == [("DAEMON_START", False), ("LOGIN", True)]
    # a file whose format is not known here (a plugin not installed) counts as relaying;
    # a row of no file the manifest lists (a lake built by hand) does not
    unknown = con.execute(
        "SELECT relayed_audit(source_file_id), relayed_audit('no-such-file'), relayed_audit(NULL) "
        "FROM source_files WHERE format IS NULL"
    ).fetchall()
    assert unknown == [(True, False, False)]
