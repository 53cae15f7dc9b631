"""The generated detection lake is laid out as ingest lays out a real one."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq


def test_generated_parts_are_sorted_and_cut_into_row_groups_as_ingest_writes_them(
    tmp_path: Path,
) -> None:
    from auditlake.ingest.writer import ROW_GROUP, SORT

    from auditlake.lake import Lake
    from bench.lakegen import generate_lake

    counts = generate_lake(tmp_path, 300_000)
    parts = Lake(tmp_path).read_manifest().parts
    for table in ("events", "auditd_records"):
        rows = 0
        for rel in parts[table]:
            part = pq.ParquetFile(tmp_path / rel)
            sizes = [part.metadata.row_group(i).num_rows for i in range(part.num_row_groups)]
            assert all(size == ROW_GROUP for size in sizes[:-1]), rel
            data = part.read()
            assert data.equals(data.sort_by([(c, "ascending") for c in SORT[table]])), rel
            rows += data.num_rows
        assert rows == counts[table]
    # the parts are big enough to hold several row groups and several classes
    assert counts["auditd_records"] > 2 * ROW_GROUP
