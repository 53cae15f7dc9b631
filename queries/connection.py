"""A DuckDB connection over a lake: one view per table, over published parts only."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from auditlake.lake import TABLES, Lake
from auditlake.schema import SCHEMAS

VIEWS_DIR = Path(__file__).parent / "views"


def connect(
    lake_root: str | os.PathLike[str], threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with the views `events`, `auditd_records`, `rejects`, `findings`.

    The views read the parts listed in the manifest at the moment of the call, so a
    concurrent ingest never shows a half-written state. Extensions are never loaded.
    """
    lake = Lake(lake_root)
    manifest = lake.read_manifest()
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for table in TABLES:
        parts = [str(lake.root / p) for p in manifest.parts[table]]
        if parts:
            rel = con.read_parquet(parts)
        else:
            rel = con.from_arrow(pa.Table.from_batches([], SCHEMAS[table]))
        rel.create_view(table, replace=True)
    for sql_file in sorted(VIEWS_DIR.glob("*.sql")):
        con.execute(sql_file.read_text())
    return con
