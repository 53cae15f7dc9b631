"""ParseOutput.take_before: rows and batches split at a file offset, none lost or copied twice."""

from __future__ import annotations

import pyarrow as pa
import pytest
from auditlake.parsers.base import ParseOutput

from auditlake.schema import EVENTS


def _batch(offsets: list[int]) -> pa.RecordBatch:
    rows = [{"event_uid": f"e{o}", "source_offset": o} for o in offsets]
    return pa.RecordBatch.from_pylist(rows, schema=EVENTS)


def _output(batch_offsets: list[list[int]], row_offsets: list[int]) -> ParseOutput:
    out = ParseOutput()
    out.event_batches = [_batch(o) for o in batch_offsets]
    out.events = [{"source_offset": o} for o in row_offsets]
    out.rejects = [{"source_offset": o} for o in row_offsets]
    return out


def _offsets(out: ParseOutput) -> tuple[list[int], list[int], list[int]]:
    batched = [o for b in out.event_batches for o in b.column("source_offset").to_pylist()]
    return (
        batched,
        [r["source_offset"] for r in out.events],
        [r["source_offset"] for r in out.rejects],
    )


@pytest.mark.parametrize(
    ("offset", "before", "kept"),
    [
        (0, ([], [], []), ([30, 10, 20, 40, 50], [5, 25], [5, 25])),
        (20, ([10], [5], [5]), ([30, 20, 40, 50], [25], [25])),
        (31, ([30, 10, 20], [5, 25], [5, 25]), ([40, 50], [], [])),
        (2**63 - 1, ([30, 10, 20, 40, 50], [5, 25], [5, 25]), ([], [], [])),
    ],
)
def test_rows_split_at_the_offset(
    offset: int,
    before: tuple[list[int], list[int], list[int]],
    kept: tuple[list[int], list[int], list[int]],
) -> None:
    out = _output([[30, 10, 20], [], [40, 50]], [5, 25])
    taken = out.take_before(offset)
    assert _offsets(taken) == before
    assert _offsets(out) == kept
    assert all(b.num_rows for b in [*taken.event_batches, *out.event_batches])


def test_a_batch_wholly_on_one_side_is_moved_not_copied() -> None:
    out = _output([[1, 2], [7, 8]], [])
    first, second = out.event_batches
    taken = out.take_before(5)
    assert taken.event_batches[0] is first and out.event_batches[0] is second
