"""Batches -> parts: one part per partition, rows sorted by class, outcome, program, host
and time within it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from auditlake.ingest.writer import ROW_GROUP, is_sorted, partitions, stage_parts
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlake.lake import Lake
from auditlake.schema import CLASSES, EVENTS, REJECTS, to_batch

START = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)

EVENT = st.fixed_dictionaries(
    {
        "source_type": st.sampled_from(["auditd", "syslog", "dockerd"]),
        "class_uid": st.sampled_from([1007, 3002, 0]),
        "status_id": st.sampled_from([1, 2, None]),
        "process_name": st.sampled_from(["sshd", "docker", None]),
        "device_hostname": st.sampled_from(["web-1", "web-2", "db-1", None]),
        "minutes": st.integers(0, 180),  # crosses midnight: two event_date partitions
        "source_file": st.sampled_from(["a.log", "b.log"]),
        "source_offset": st.integers(0, 5),
    }
)


def _events(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, spec in enumerate(specs):
        time = START + timedelta(minutes=spec["minutes"])
        rows.append(
            {
                **{k: v for k, v in spec.items() if k != "minutes"},
                "event_uid": f"e{i}",
                "time": time,
                "event_date": time.date(),
                "class_name": CLASSES[spec["class_uid"]],
                "source_length": 1,
            }
        )
    return rows


def _file_order(row: dict[str, Any]) -> tuple[Any, ...]:
    host = row["device_hostname"]
    return (host is None, host or "", row["time"], row["source_file"], row["source_offset"])


def _reader_order(row: dict[str, Any]) -> tuple[Any, ...]:
    status, name = row["status_id"], row["process_name"]  # nulls last
    return (
        row["class_uid"],
        status is None,
        status or 0,
        name is None,
        name or "",
        *_file_order(row),
    )


def _expected(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Event uids per partition, stably sorted by class, outcome, program, host, time, file,
    offset (nulls last)."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        subdir = f"source_type={row['source_type']}/event_date={row['event_date']}"
        parts.setdefault(subdir, []).append(row)
    return {
        subdir: [r["event_uid"] for r in sorted(part, key=_reader_order)]
        for subdir, part in parts.items()
    }


@settings(max_examples=300, deadline=None)
@given(
    specs=st.lists(EVENT, min_size=1, max_size=40),
    cut=st.integers(0, 40),
    order=st.sampled_from(
        ["as generated", "file order", "reader order", "partition and reader order"]
    ),
)
def test_each_partition_holds_its_rows_stably_sorted_for_readers(
    specs: list[dict[str, Any]], cut: int, order: str
) -> None:
    rows = _events(specs)
    if order == "file order":  # one host's file: in time order, classes interleaved
        rows.sort(key=_file_order)
    elif order == "reader order":  # partitions interleaved
        rows.sort(key=_reader_order)
    elif order == "partition and reader order":
        rows.sort(key=lambda r: (r["source_type"], r["event_date"], *_reader_order(r)))
    data = pa.Table.from_batches(
        [to_batch(rows[:cut], EVENTS), to_batch(rows[cut:], EVENTS)], EVENTS
    )
    got = partitions("events", data)
    assert [subdir for subdir, _ in got] == sorted(_expected(rows))
    assert {subdir: part["event_uid"].to_pylist() for subdir, part in got} == _expected(rows)


def test_rejects_are_one_part_sorted_by_file_then_offset() -> None:
    rows = [
        {"source_file": f, "source_offset": o, "source_length": 1, "reason": "r", "raw": b""}
        for f, o in [("b", 1), ("a", 9), ("a", 2), ("b", 0)]
    ]
    rows = [{**r, "raw_sha256": f"{r['source_file']}{r['source_offset']}"} for r in rows]
    [(subdir, part)] = partitions("rejects", pa.Table.from_batches([to_batch(rows, REJECTS)]))
    assert subdir == ""
    assert part["raw_sha256"].to_pylist() == ["a2", "a9", "b0", "b1"]


def test_is_sorted_breaks_ties_on_later_columns_only() -> None:
    data = pa.table({"host": ["a", "a", "b"], "offset": [2, 1, 0]})
    assert is_sorted(data, ["host"])
    assert not is_sorted(data, ["host", "offset"])
    assert is_sorted(data.slice(1), ["host", "offset"])


def test_is_sorted_leaves_columns_with_nulls_to_the_sort() -> None:
    assert not is_sorted(pa.table({"host": ["a", None]}), ["host"])


def test_parts_let_a_lookup_by_event_id_skip_the_row_groups_without_it(tmp_path: Path) -> None:
    # event ids are random: min/max statistics skip nothing, a Bloom filter does
    spec = {"source_type": "auditd", "class_uid": 1007, "minutes": 0, "source_file": "a.log"}
    specs = [{**spec, "source_offset": i} for i in range(3 * ROW_GROUP)]
    rows = _events(specs)
    for i, row in enumerate(rows):
        row["event_uid"] = f"{(i * 2654435761) % 2**64:024x}"  # scattered, like blake2b
    lake = Lake(tmp_path)
    lake.init()
    (part,) = stage_parts(lake, "events", pa.Table.from_batches([to_batch(rows, EVENTS)]))
    path = str(tmp_path / part)
    wanted = rows[ROW_GROUP + 7]["event_uid"]
    probe = duckdb.sql(
        "SELECT row_group_id, bloom_filter_excludes FROM parquet_bloom_probe($p, 'event_uid', $v)",
        params={"p": path, "v": wanted},
    ).fetchall()
    assert len(probe) == 3
    holder = duckdb.sql(
        "SELECT DISTINCT file_row_number // $n FROM read_parquet($p, file_row_number = true) "
        "WHERE event_uid = $v",
        params={"p": path, "v": wanted, "n": ROW_GROUP},
    ).fetchall()
    # the row group that holds the id is never excluded; the others are
    assert [excluded for group, excluded in probe if group == holder[0][0]] == [False]
    assert all(excluded for group, excluded in probe if group != holder[0][0])
