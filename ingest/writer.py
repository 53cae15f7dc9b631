"""Rows -> Arrow batches -> staged Parquet parts, partitioned as DESIGN §3 says.

Rows are turned into one batch per table per parsed block; batches wait in memory
until a row or byte threshold, then each partition becomes one part, sorted for the
detections (event class first; auditd records: record type), then by host and time.
Parts are staged (on disk, not yet in the manifest); the run publishes them all at
once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import ParseOutput, Row

from auditlake.lake import Lake
from auditlake.schema import SCHEMAS, STR, to_batch

FLUSH_ROWS = 100_000
FLUSH_BYTES = 32 << 20
# Rows per Parquet row group. Detections select a few event classes (or record types):
# with parts sorted by class first, each row group holds one class or a few, and its
# min/max statistics let DuckDB skip the row groups of every other class without
# decoding them. Smaller groups skip more precisely; 64k rows kept the per-group
# overhead small on a 20M-event lake.
ROW_GROUP = 64 * 1024

# Partition columns (hive directories) and sort order of each table written by ingest.
# Events: the class, then the outcome and the program, so that the rows a detection
# wants lie together (failed logins, a client's execs): DuckDB skips the other row
# groups by their statistics, and within a row group it decodes the other columns only
# for the 2048-row vectors where a row passed the filters. Host and time come next, so
# that a host's file, already in time order, needs a sort on those few keys only.
PARTITIONS: dict[str, tuple[str, ...]] = {
    "events": ("source_type", "event_date"),
    "auditd_records": ("event_date",),
    "rejects": (),
}
SORT: dict[str, tuple[str, ...]] = {
    "events": (
        "class_uid",
        "status_id",
        "process_name",
        "device_hostname",
        "time",
        "source_file",
        "source_offset",
    ),
    "auditd_records": ("type", "device_hostname", "time", "source_file", "source_offset"),
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
                self.staged[table].extend(stage_parts(self.lake, table, data))
            batches.clear()
        self._rows = self._bytes = 0


def stage_parts(lake: Lake, table: str, data: pa.Table) -> list[str]:
    """Stage `data` as one part per partition, sorted and cut into row groups for readers.

    Ingest, `compact` and the benchmark's generated lake all write parts through here,
    so every part of a lake has the same layout.
    """
    return [
        lake.stage_part(table, part.to_batches(ROW_GROUP), subdir)
        for subdir, part in partitions(table, data)
    ]


def partitions(table: str, data: pa.Table) -> list[tuple[str, pa.Table]]:
    """Split `data` into (hive subdirectory, rows sorted for readers) pairs."""
    keys, order = PARTITIONS[table], SORT[table]
    # One stable sort by partition, then reader order: sort_indices is stable, so each
    # partition's rows come out exactly as if that partition were sorted on its own.
    # Rows already in the order of a tail of the sort keys need the partition keys and
    # the keys before that tail only: a host's file is in time order, so its rows are
    # sorted on the partition keys, the class, the outcome and the program alone.
    tail = next((i for i in range(len(order)) if is_sorted(data, order[i:])), len(order))
    columns = [*keys, *order[:tail]]
    if not is_sorted(data, columns):
        data = _take(data, pc.sort_indices(data, sort_keys=[(c, "ascending") for c in columns]))
    data = data.combine_chunks()  # one chunk: ROW_GROUP-sized row groups, as compact writes
    out = []
    for start, end in _runs(data, keys):
        subdir = "/".join(f"{k}={data[k][start].as_py()}" for k in keys)
        out.append((subdir, data.slice(start, end - start)))
    return sorted(out, key=lambda pair: pair[0])


def _take(data: pa.Table, indices: pa.Array[Any]) -> pa.Table:
    """Return `data.take(indices)`, sparing the columns that are all null.

    A source fills about half of the events schema (dockerd rows no auditd columns):
    gathering the other half row by row was a fifth of the sort's cost.
    """
    n = len(indices)
    columns = [
        pa.nulls(n, column.type) if column.null_count == len(column) else column.take(indices)
        for column in data.columns
    ]
    return pa.Table.from_arrays(columns, schema=data.schema)


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
