"""Rows -> Arrow batches -> staged Parquet parts, partitioned as DESIGN §3 says.

Rows are turned into one batch per table per parsed block; batches wait in memory
until a row or byte threshold, then each partition becomes one part, sorted by host
then time. Parts are staged (on disk, not yet in the manifest); the run publishes
them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import ParseOutput, Row

from auditlake.lake import Lake
from auditlake.schema import SCHEMAS, STR, to_batch

FLUSH_ROWS = 250_000
FLUSH_BYTES = 64 << 20
ROW_GROUP = 128 * 1024

# partition columns (hive directories) and sort order of each table written by ingest
PARTITIONS: dict[str, tuple[str, ...]] = {
    "events": ("source_type", "event_date"),
    "auditd_records": ("event_date",),
    "rejects": (),
}
SORT: dict[str, tuple[str, ...]] = {
    "events": ("device_hostname", "time", "source_file", "source_offset"),
    "auditd_records": ("device_hostname", "time", "source_file", "source_offset"),
    "rejects": ("source_file", "source_offset"),
}


def rows_to_batch(table: str, rows: list[Row], file_id: str) -> pa.RecordBatch:
    """Build one batch of `table` from parser rows, stamped with the file's identity."""
    schema = SCHEMAS[table]
    batch = to_batch(rows, schema)
    index = schema.get_field_index("source_file_id")
    ids = pa.array([file_id] * batch.num_rows, STR)
    return batch.set_column(index, schema.field(index), ids)


@dataclass(slots=True)
class PartWriter:
    """Collect batches and stage them as parts; `staged` lists every part written."""

    lake: Lake
    flush_rows: int = FLUSH_ROWS
    flush_bytes: int = FLUSH_BYTES
    staged: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in PARTITIONS})
    _pending: dict[str, list[pa.RecordBatch]] = field(
        default_factory=lambda: {t: [] for t in PARTITIONS}
    )
    _rows: int = 0
    _bytes: int = 0

    def add(self, out: ParseOutput, file_id: str) -> None:
        """Queue the rows of one parsed block; flush when the buffer is full."""
        for table, rows in (
            ("events", out.events),
            ("auditd_records", out.auditd_records),
            ("rejects", out.rejects),
        ):
            if rows:
                batch = rows_to_batch(table, rows, file_id)
                self._pending[table].append(batch)
                self._rows += batch.num_rows
                self._bytes += batch.nbytes
        if self._rows >= self.flush_rows or self._bytes >= self.flush_bytes:
            self.flush()

    def flush(self) -> None:
        """Stage every pending batch as parts, one per partition and table."""
        for table, batches in self._pending.items():
            if batches:
                data = pa.Table.from_batches(batches, SCHEMAS[table])
                for subdir, part in partitions(table, data):
                    rel = self.lake.stage_part(table, part.to_batches(ROW_GROUP), subdir)
                    self.staged[table].append(rel)
            batches.clear()
        self._rows = self._bytes = 0


def sort_order(table: str) -> list[tuple[str, Literal["ascending", "descending"]]]:
    """Return the sort keys of a table's parts (host, then time, then provenance)."""
    return [(c, "ascending") for c in SORT.get(table, ())]


def partitions(table: str, data: pa.Table) -> list[tuple[str, pa.Table]]:
    """Split `data` into (hive subdirectory, rows sorted for readers) pairs."""
    keys = PARTITIONS[table]
    order = sort_order(table)
    if not keys:
        return [("", data.sort_by(order).combine_chunks())]
    out = []
    for combo in data.select(list(keys)).group_by(list(keys)).aggregate([]).to_pylist():
        masks = [pc.equal(data[k], pa.scalar(combo[k], data.schema.field(k).type)) for k in keys]
        mask = masks[0]
        for more in masks[1:]:
            mask = pc.and_(mask, more)
        subset = data.filter(mask).sort_by(order).combine_chunks()
        subdir = "/".join(f"{k}={combo[k]}" for k in keys)
        out.append((subdir, subset))
    return sorted(out, key=lambda pair: pair[0])
