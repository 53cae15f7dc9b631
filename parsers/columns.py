"""Helpers of the column paths: a block of lines as Arrow strings, masks, line runs.

The column paths (dockerd_columns.py, syslog_columns.py) read a block of whole lines
with Arrow kernels and leave the lines they cannot build to their reference parser,
in runs (`slow_runs`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import SourceContext
from auditlake.parsers.rows import first_event_uids

from auditlake.schema import EVENTS, STR

# An Arrow array of any type (the stubs type only concrete ones).
Column: TypeAlias = Any
R = TypeVar("R")  # what a column path reuses of its reference parser
S = TypeVar("S")  # what its scan finds


def column_scan(
    scan: Callable[[bytes, int, SourceContext, R], S | None],
    block: bytes,
    offset: int,
    ctx: SourceContext,
    reference: R,
) -> S | None:
    """Run a column path's `scan` of a block; None (read it line by line) if it fails.

    The reference parser reads every line a scan builds, so a failing scan (a bug) costs
    only speed: each line it fails on is then kept as that parser keeps it.
    """
    try:
        return scan(block, offset, ctx, reference)
    except Exception:
        return None


def slow_runs(plain: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Return the (first, end) line ranges of the lines not `plain`."""
    edges = np.flatnonzero(np.diff(np.concatenate(([True], plain, [True])).astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def line_ends(block: bytes) -> npt.NDArray[np.int64]:
    """Return where each line of `block` ends (after its newline; a last line without one too)."""
    data = np.frombuffer(block, np.uint8)
    ends = np.flatnonzero(data == 10) + 1
    if not len(ends) or ends[-1] != len(block):
        ends = np.append(ends, len(block))
    return ends.astype(np.int64)


def slices(text: pa.Buffer, begin: npt.NDArray[np.int64], end: npt.NDArray[np.int64]) -> Column:
    """Return the strings text[begin[i]:end[i]] (ranges in order, not overlapping)."""
    bounds = np.zeros(2 * len(begin) + 1, np.int32)
    bounds[0:-1:2], bounds[1::2] = begin, end
    bounds[-1] = bounds[-2]
    both = pa.StringArray.from_buffers(2 * len(begin), buffer(bounds), text)
    return both.take(np.arange(0, 2 * len(begin), 2))


def buffer(values: npt.NDArray[Any]) -> pa.Buffer:
    """Return the memory of a numpy array as an Arrow buffer (not copied)."""
    memory: pa.Buffer | None = pa.array(values).buffers()[1]
    assert memory is not None
    return memory


def bools(values: Column) -> npt.NDArray[np.bool_]:
    """Return a boolean Arrow array (no nulls) as numpy."""
    return np.asarray(values.to_numpy(zero_copy_only=False), np.bool_)


def events_batch(
    ctx: SourceContext,
    source_type: str,
    offsets: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    micros: Column,
    columns: dict[str, Column],
) -> pa.RecordBatch:
    """Build `events` rows of lines at file `offsets`: the columns every row has (ids as
    rows.py makes them, time, provenance) from the lines, the source's own `columns`,
    and nulls for every other column of the schema."""
    n = len(offsets)
    time = pc.cast(micros, EVENTS.field("time").type)
    own: dict[str, Column] = {
        "event_uid": pa.array(
            first_event_uids(ctx.file_id or ctx.source_file, offsets.tolist()), STR
        ),
        "time": time,
        "event_date": pc.cast(time, pa.date32()),
        "source_type": pa.repeat(pa.scalar(source_type, STR), n),
        "source_file": pa.repeat(pa.scalar(ctx.source_file, STR), n),
        "source_offset": pa.array(offsets),
        "source_length": pa.array(lengths),
        **columns,
    }
    return pa.RecordBatch.from_arrays(
        [own[f.name] if f.name in own else pa.nulls(n, f.type) for f in EVENTS], schema=EVENTS
    )
