"""Row dicts -> one Arrow batch of a table's schema."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa

from auditlake.schema import EVENTS, to_batch

ROW = {
    "event_uid": "e1",
    "time": datetime(2026, 11, 27, 2, 10, tzinfo=UTC),
    "event_date": date(2026, 11, 27),
    "source_type": "syslog",
    "class_uid": 3002,
    "class_name": "Authentication",
    "source_file": "auth.log",
    "source_offset": 0,
    "source_length": 10,
}


def test_columns_that_no_row_names_are_null_and_typed_by_the_schema() -> None:
    rows = [ROW, {**ROW, "event_uid": "e2", "user_name": "bob", "unmapped": {"k": "v"}}]
    batch = to_batch(rows, EVENTS)
    assert batch.schema == EVENTS
    assert batch.to_pylist() == pa.RecordBatch.from_pylist(rows, schema=EVENTS).to_pylist()
    assert batch["user_name"].to_pylist() == [None, "bob"]
    assert batch["process_args"].null_count == 2
    assert batch["process_args"].type == pa.list_(pa.string())


def test_keys_outside_the_schema_are_ignored() -> None:
    batch = to_batch([{**ROW, "not_a_column": 1}], EVENTS)
    assert batch.num_rows == 1
    assert "not_a_column" not in batch.schema.names


def test_no_rows_make_an_empty_batch_of_the_schema() -> None:
    batch = to_batch([], EVENTS)
    assert batch.num_rows == 0
    assert batch.schema == EVENTS
