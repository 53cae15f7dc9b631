"""Compaction writes its merged parts in the layout ingest writes, rows unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from auditlake.ingest.compact import CompactReport, compact
from auditlake.ingest.writer import ROW_GROUP, partitions, stage_parts

from auditlake.lake import Lake
from auditlake.schema import CLASSES, EVENTS, to_batch

START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _events(n: int, host: str) -> pa.Table:
    """`n` events of one host's file, in time order, classes and outcomes interleaved."""
    rows = []
    for i in range(n):
        time = START + timedelta(seconds=i)
        class_uid = (1007, 3002, 0)[i % 3]
        rows.append(
            {
                "event_uid": f"{host}-{i}",
                "time": time,
                "event_date": time.date(),
                "source_type": "auditd",
                "class_uid": class_uid,
                "class_name": CLASSES[class_uid],
                "status_id": (1, 2, None)[i % 5 % 3],
                "process_name": ("sshd", "docker", None)[i % 7 % 3],
                "device_hostname": host,
                "source_file": f"/logs/{host}/audit.log",
                "source_offset": i * 100,
                "source_length": 100,
            }
        )
    return pa.Table.from_batches([to_batch(rows, EVENTS)], EVENTS)


def test_merged_part_is_sorted_and_cut_into_row_groups_as_ingest_writes_it(
    tmp_path: Path,
) -> None:
    lake = Lake(tmp_path)
    lake.init()
    inputs = [_events(ROW_GROUP // 2 + 7, host) for host in ("web-2", "db-1", "web-1")]
    lake.publish({"events": [p for data in inputs for p in stage_parts(lake, "events", data)]})

    report = compact(tmp_path)

    assert (report.parts_before, report.parts_after) == (3, 1)
    [(subdir, expected)] = partitions("events", pa.concat_tables(inputs))
    [part] = lake.part_paths("events")
    assert part.parent.relative_to(tmp_path / "events").as_posix() == subdir
    written = pq.ParquetFile(part)
    sizes = [written.metadata.row_group(i).num_rows for i in range(written.num_row_groups)]
    assert sizes == [ROW_GROUP, expected.num_rows - ROW_GROUP]
    assert written.read().equals(expected)


def test_every_part_rewrites_a_large_lone_part_of_an_older_layout(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.init()
    # each host's rows in time order only, as older versions wrote them
    data = pa.concat_tables([_events(ROW_GROUP // 2 + 6, h) for h in ("web-2", "db-1")])
    [(subdir, expected)] = partitions("events", data)
    old = lake.stage_part("events", data.to_batches(2 * ROW_GROUP), subdir)
    lake.publish({"events": [old]})

    # alone in its partition (and large, with a 1-byte target): a plain compact keeps it
    assert compact(tmp_path) == compact(tmp_path, target_bytes=1) == CompactReport(0, 0)
    report = compact(tmp_path, every_part=True)

    assert (report.parts_before, report.parts_after) == (1, 1)
    [part] = lake.part_paths("events")
    assert part.name != PurePosixPath(old).name
    assert not (tmp_path / old).exists()
    written = pq.ParquetFile(part)
    sizes = [written.metadata.row_group(i).num_rows for i in range(written.num_row_groups)]
    assert sizes == [ROW_GROUP, 12]
    assert pq.read_table(part, partitioning=None).equals(expected)


def test_rows_are_rewritten_in_bounded_chunks_and_stay_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = Lake(tmp_path)
    lake.init()
    inputs = [_events(1000, host) for host in ("web-2", "db-1", "web-1")]
    lake.publish({"events": [p for data in inputs for p in stage_parts(lake, "events", data)]})
    # a chunk as small as can be: each row group read is sorted and written on its own
    monkeypatch.setattr("auditlake.ingest.compact.CHUNK_BYTES", 1)

    report = compact(tmp_path)

    assert (report.parts_before, report.parts_after) == (3, 3)
    written = [pq.read_table(p, partitioning=None) for p in lake.part_paths("events")]
    assert sorted(part.num_rows for part in written) == [1000, 1000, 1000]
    key = [("source_file", "ascending"), ("source_offset", "ascending")]
    assert pa.concat_tables(written).sort_by(key).equals(pa.concat_tables(inputs).sort_by(key))
