"""Merge small parts of each partition into parts sized for readers; no row changes.

Each run of ingest adds at least one part per partition it touched, so a lake fed
hourly collects many small files. Compaction rewrites a partition's small parts as
fewer, larger ones (rows sorted and cut into row groups as ingest writes them) and
swaps them in with one manifest update; the old files are deleted only after that
update. With `every_part`, it rewrites every part, large or alone in its partition:
a lake written by an older version then gets the layout its detections are fast on.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq
from auditlake.ingest.pipeline import clean_leftovers, locked
from auditlake.ingest.writer import PARTITIONS, ROW_GROUP, stage_parts

from auditlake.lake import TABLES, Lake
from auditlake.schema import SCHEMAS

TARGET_BYTES = 128 << 20  # on-disk size of a compacted part
# Arrow bytes sorted and written at once: rows are read a row group at a time and staged
# in chunks of this size, so compaction's memory stays bounded (a part of TARGET_BYTES
# on disk holds several times that in Arrow).
CHUNK_BYTES = 128 << 20


@dataclass(frozen=True, slots=True)
class CompactReport:
    """How many parts were merged into how many."""

    parts_before: int
    parts_after: int


def compact(
    lake_root: str | os.PathLike[str], target_bytes: int = TARGET_BYTES, every_part: bool = False
) -> CompactReport:
    """Merge each partition's parts smaller than half the target (or all parts); publish once."""
    lake = Lake(lake_root)
    with locked(lake):
        clean_leftovers(lake)
        manifest = lake.read_manifest()
        added: dict[str, list[str]] = defaultdict(list)
        removed: dict[str, list[str]] = defaultdict(list)
        for table in TABLES:
            groups = _merge_groups(lake, manifest.parts[table], target_bytes, every_part)
            for subdir, group in groups:
                for data in _chunks(lake, table, group):
                    if table in PARTITIONS:  # the tables ingest writes: in its layout
                        added[table].extend(stage_parts(lake, table, data))
                    else:  # findings, as `detect` wrote them
                        batches = data.combine_chunks().to_batches(ROW_GROUP)
                        added[table].append(lake.stage_part(table, batches, subdir))
                removed[table].extend(group)
        before = sum(len(v) for v in removed.values())
        if before:
            lake.publish(dict(added), dict(removed))
            for rels in removed.values():
                for rel in rels:
                    (lake.root / rel).unlink(missing_ok=True)
    return CompactReport(before, sum(len(v) for v in added.values()))


def _chunks(lake: Lake, table: str, group: list[str]) -> Iterator[pa.Table]:
    """Yield the rows of `group`'s parts in tables of about CHUNK_BYTES each."""
    pending: list[pa.RecordBatch] = []
    size = 0
    for rel in group:
        with pq.ParquetFile(lake.root / rel) as part:
            for batch in part.iter_batches(batch_size=ROW_GROUP):
                pending.append(batch)
                size += batch.nbytes
                if size >= CHUNK_BYTES:
                    yield pa.Table.from_batches(pending, SCHEMAS[table])
                    pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending, SCHEMAS[table])


def _merge_groups(
    lake: Lake, parts: tuple[str, ...], target_bytes: int, every_part: bool
) -> list[tuple[str, list[str]]]:
    """Return (subdir, parts) groups of at least two small parts, each up to the target.

    With `every_part`: groups of every part, a large or lone one in a group of its own.
    """
    by_dir: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for rel in parts:
        size = (lake.root / rel).stat().st_size
        if every_part or size < target_bytes // 2:
            path = PurePosixPath(rel)
            by_dir[path.parent.relative_to(path.parts[0]).as_posix()].append((rel, size))
    groups = []
    for subdir, small in sorted(by_dir.items()):
        current: list[str] = []
        total = 0
        for rel, size in small:
            if current and total + size > target_bytes:
                groups.append((subdir, current))
                current, total = [], 0
            current.append(rel)
            total += size
        groups.append((subdir, current))
    return [(d if d != "." else "", g) for d, g in groups if every_part or len(g) > 1]
