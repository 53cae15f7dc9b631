"""A DuckDB connection over a lake: one view per table, over published parts only."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from auditlake.ingest import checkpoints
from auditlake.parsers import registry

from auditlake.errors import InputError, QueryError
from auditlake.lake import TABLES, Lake, Manifest
from auditlake.schema import GAPS, SCHEMAS, SOURCE_FILES

VIEWS_DIR = Path(__file__).parent / "views"
# A finding whose evidence grows from one `detect` run to the next is stored again
# (parts are immutable); `finding_versions` holds every version, `findings` the latest.
STORED_AS = {"findings": "finding_versions"}
LATEST_FINDINGS = """
CREATE VIEW findings AS
SELECT *
FROM finding_versions
QUALIFY row_number() OVER (PARTITION BY finding_uid ORDER BY detected_at DESC) = 1
"""


def connect(
    lake_root: str | os.PathLike[str],
    threads: int | None = None,
    manifest: Manifest | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with a view per table, and `gaps` and `source_files`.

    The views read the parts listed in the manifest at the moment of the call (or in
    `manifest`, one the caller read), so a concurrent ingest never shows a half-written
    state. Extensions are never loaded.
    """
    lake = Lake(lake_root)
    if manifest is None:
        manifest = lake.read_manifest()
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    # DuckDB draws a progress bar on stdout for a query past 2 s: it would land in the
    # middle of `query`'s table. In Jupyter without ipywidgets it draws none and refuses
    # the setting.
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    # A part gets a fresh name and is never rewritten (Lake.stage_part), so each file's
    # footer can be read once per connection rather than once per query: a detect run
    # reads every part a dozen times, on a lake of many small parts a third of its time
    con.execute("SET parquet_metadata_cache = true")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for table in TABLES:
        parts = [str(lake.root / p) for p in manifest.parts[table]]
        if parts:
            rel = con.read_parquet(parts)
        else:
            rel = con.from_arrow(pa.Table.from_batches([], SCHEMAS[table]))
        rel.create_view(STORED_AS.get(table, table), replace=True)
    con.execute(LATEST_FINDINGS)
    states, recorded_gaps = checkpoints.load(manifest)
    gaps = [
        {
            "source_file_id": g.file_id,
            "source_file": g.source_file,
            "source_offset": g.offset,
            "source_length": g.length,
            "reason": g.reason,
        }
        for g in recorded_gaps
    ]
    con.from_arrow(pa.Table.from_pylist(gaps, GAPS)).create_view("gaps", replace=True)
    relays = {name: _relays_audit(name) for name in {s.format for s in states.values()}}
    files = [
        {
            "source_file_id": file_id,
            "source_file": state.path,
            "format": state.format or None,  # a file of unknown format's state has none
            "host": state.host,
            "relays_audit": relays[state.format],
        }
        for file_id, state in states.items()
    ]
    con.from_arrow(pa.Table.from_pylist(files, SOURCE_FILES)).create_view(
        "source_files", replace=True
    )
    for sql_file in sorted(VIEWS_DIR.glob("*.sql")):
        con.execute(sql_file.read_text())
    return con


def _relays_audit(format_name: str) -> bool | None:
    """Return whether a format relays audit records (Parser.relays_audit); None: unknown."""
    # a file of unknown format (no name), or a parser plugin that is not installed here
    with contextlib.suppress(InputError):
        return None if not format_name else registry.get(format_name).relays_audit
    return None


def arrow_table(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> pa.Table:
    """Run one statement with named parameters (`$name`); return its rows as Arrow.

    Through a relation: DuckDB copies the rows once more for Arrow from an executed
    (DB-API) result. A statement without rows (SET, CREATE) gives an empty table.
    """
    rel = con.sql(sql, params=params or None)
    assert rel is not None  # 2.0 gives every statement a relation; the stubs allow None
    table: pa.Table = rel.to_arrow_table()
    return table


def run_sql(
    lake_root: str | os.PathLike[str], sql: str
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run one SQL statement over a lake's views; return column names and rows."""
    try:
        con = connect(lake_root)
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0], str(lake_root)) from None
    try:
        rel = con.execute(sql)
        columns = [d[0] for d in rel.description or []]
        return columns, rel.fetchall()
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0], "query") from None
    finally:
        con.close()
