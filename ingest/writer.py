"""Rows -> Arrow batches -> staged Parquet parts, partitioned as DESIGN §3 says.

Rows are turned into one batch per table per parsed block; batches wait in memory
until a row or byte threshold, then each partition becomes one part, sorted by host
then time. Parts are staged (on disk, not yet in the manifest); the run publishes
them all at once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import ParseOutput, Row

from auditlake.lake import Lake
from auditlake.schema import SCHEMAS, STR, to_batch

FLUSH_ROWS = 100_000
FLUSH_BYTES = 32 << 20
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
    return stamped(to_batch(rows, SCHEMAS[table]), file_id)


def stamped(batch: pa.RecordBatch, file_id: str) -> pa.RecordBatch:
    """Set a batch's `source_file_id` column to the file's identity."""
    index = batch.schema.get_field_index("source_file_id")
    ids = pa.array([file_id] * batch.num_rows, STR)
    return batch.set_column(index, batch.schema.field(index), ids)


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

    def add(self, out: ParseOutput, file_id: str) -> bool:
        """Queue the rows of one parsed block; flush when the buffer is full (say if so)."""
        batches = [
            (table, rows_to_batch(table, rows, file_id))
            for table, rows in (
                ("events", out.events),
                ("auditd_records", out.auditd_records),
                ("rejects", out.rejects),
            )
            if rows
        ]
        batches += [("events", stamped(batch, file_id)) for batch in out.event_batches]
        for table, batch in batches:
            self._pending[table].append(batch)
            self._rows += batch.num_rows
            self._bytes += batch.nbytes
        if self._rows < self.flush_rows and self._bytes < self.flush_bytes:
            return False
        self.flush()
        return True

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
    # One stable sort by partition, then reader order: sort_indices is stable, so each
    # partition's rows come out exactly as if that partition were sorted on its own.
    # Rows already in reader order need the partition keys only (often no sort at all).
    columns = [*keys] if is_sorted(data, SORT[table]) else [*keys, *SORT[table]]
    if not is_sorted(data, columns):
        data = data.take(pc.sort_indices(data, sort_keys=[(c, "ascending") for c in columns]))
    data = data.combine_chunks()  # one chunk: ROW_GROUP-sized row groups, as compact writes
    out = []
    for start, end in _runs(data, keys):
        subdir = "/".join(f"{k}={data[k][start].as_py()}" for k in keys)
        out.append((subdir, data.slice(start, end - start)))
    return sorted(out, key=lambda pair: pair[0])


def is_sorted(data: pa.Table, columns: Sequence[str]) -> bool:
    """Return whether the rows are in ascending order of `columns` (with no nulls in them).

    A single host's file is usually in time order already, which spares the sort.
    """
    pairs = data.num_rows - 1
    if pairs < 1:
        return True
    ordered = None  # pairs already strictly ascending on an earlier column
    for name in columns:
        column = data[name]
        if column.null_count:  # nulls sort last: leave them to sort_indices
            return False
        before, after = column.slice(0, pairs), column.slice(1)
        descending = pc.greater(before, after)
        if ordered is not None:
            descending = pc.and_not(descending, ordered)
        if pc.any(descending).as_py():
            return False
        ascending = pc.less(before, after)
        ordered = ascending if ordered is None else pc.or_(ordered, ascending)
        if pc.all(ordered).as_py():
            return True
    return True


def _runs(data: pa.Table, keys: tuple[str, ...]) -> list[tuple[int, int]]:
    """Return the (start, end) row ranges of equal `keys` in rows sorted by them."""
    rows = data.num_rows
    if not keys:
        return [(0, rows)]
    if not rows:
        return []
    changes = [pc.not_equal(data[k].slice(0, rows - 1), data[k].slice(1)) for k in keys]
    changed = functools.reduce(pc.or_, changes)
    starts = [0, *(pc.indices_nonzero(changed).to_numpy() + 1).tolist()]
    return list(zip(starts, [*starts[1:], rows], strict=True))
