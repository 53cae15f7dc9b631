"""dockerd's plain logrus lines read as columns, with Arrow kernels instead of per-line Python.

Most of a dockerd log is daemon chatter (`ignoring event`, `shim disconnected`, `Handler
for GET ... returned error`) and API calls (`Calling GET ...`): one logrus line, one
row. `scan` finds, in a block of whole lines, the lines whose row is plain enough to
build column-wise: the exact shape `time="...Z" level=word msg="..." key=value...` in
printable ASCII, with nothing the per-line parser (parsers/dockerd.py, the reference)
treats specially: no escapes, no `form data` line (a request body, paired with the call
before it), no lifecycle message, no `Calling` line it would not read as a call, no
repeated or reserved key, no value long enough to be capped, and a time that exists.
Every other line is left to the reference parser, in order, with the state the lines
before it leave (`states_after`). A differential test holds the rows built here equal
to the reference's (tests/parsers/dockerd/test_columns.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import SourceContext
from auditlake.parsers.columns import Column, events_batch, line_ends, slow_runs
from auditlake.parsers.rows import UNMAPPED_CAP, utc_from_micros

from auditlake.schema import CLASSES, STR, STR_MAP

SOURCE_TYPE = "dockerd"
CLASS_UID = 6002  # Application Lifecycle: what the reference gives a plain logrus line

# The whole line, in RE2 syntax (Arrow): `time="..."`, `level=`, `msg="..."`, then
# ` key=value` fields. Character classes are spelled out in printable ASCII: RE2's \s
# is not Python's, so nothing else may decide where a field ends. Keys exclude space,
# `"` and `=`; bare values space and `"`; quoted values (the message too) `"` and `\`,
# so a line splits at its first four quotes into its parts (`_parts`).
_LINE = (
    r'^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z" level=[a-z]+ msg="[ !#-\[\]-~]*"'
    r'(?: [!#-<>-~]+=(?:"[!#-\[\]-~]*"|[!#-~]*))*\n?$'
)
_TIME = b'time="'  # what every plain line starts with

# An API call the reference reads (dockerd.py _CALLING, in this module's ASCII)
_CALL = r"^Calling [A-Z]+ [!#-\[\]-~]"
# dockerd.py _API_VERSION, its look-ahead (not in RE2) matched and put back
_API_VERSION = r"/v\d+(?:\.\d+)?/"
CALL_CLASS_UID = 6003  # API Activity
# Keys the reference pops from the fields (`container`: a column of its own) or that
# would overwrite the head's (`time`, `level`, `msg`).
_RESERVED = ("time", "level", "msg")


# An API call as the pairing takes it: (operation, (activity_id, activity_name), name).
Call: TypeAlias = tuple[str, tuple[int, str], str | None]


@dataclass(frozen=True, slots=True)
class Scan:
    """The lines of a block, and the rows built for its plain lines."""

    starts: npt.NDArray[np.int64]  # each line's start in the block, then the block's end
    plain: npt.NDArray[np.bool_]  # per line: its row is in `rows`
    rows: pa.RecordBatch  # the plain lines' rows, in line order (no file id yet)
    micros: npt.NDArray[np.int64]  # the plain lines' times, in line order
    rank: npt.NDArray[np.intp] = field(init=False)  # per line: plain lines up to it

    def __post_init__(self) -> None:
        object.__setattr__(self, "rank", np.cumsum(self.plain))

    def slow_runs(self) -> list[tuple[int, int]]:
        """Return the (first, end) line ranges of the lines left to the reference parser."""
        return slow_runs(self.plain)

    def states_after(self, lines: list[int]) -> list[tuple[datetime | None, Call | None]]:
        """Return what each plain line of `lines` leaves for the line after it.

        Its time (lines after it without one take it), and its API call (None: not a
        call) as (operation, (activity_id, activity_name), container name): a POST
        call's form data line after it takes them (dockerd.py ApiPairing).
        """
        rows = self.rank[lines] - 1
        taken = pa.array(rows, pa.int64())
        columns: list[list[Any]] = [
            self.rows.column(c).take(taken).to_pylist()
            for c in ("api_operation", "activity_id", "activity_name", "container_name")
        ]
        operation, activity_id, activity_name, name = columns
        return [
            (utc_from_micros(t), None if op is None else (op, (i, a), n))
            for t, op, i, a, n in zip(
                self.micros[rows].tolist(),
                operation,
                activity_id,
                activity_name,
                name,
                strict=True,
            )
        ]


@dataclass(frozen=True, slots=True)
class Reference:
    """What the reference parser decides that is reused here rather than restated."""

    lifecycle: list[str]  # the messages it classifies (left to it)
    api_activity: dict[str, tuple[int, str]]  # an API call's activity by method (else 99)
    create_operation: str  # the API call whose query string names the container
    create_name: Callable[[str], str | None]  # the name that query string gives
    form_data: str  # how a request body's message starts (paired with the call before)


def scan(block: bytes, offset: int, ctx: SourceContext, reference: Reference) -> Scan | None:
    """Split `block` (whole lines starting at file `offset`) and build its plain lines' rows.

    None: the block has no plain line.
    """
    if _TIME not in block:  # spare a block of tiny lines (a flood of blanks) the arrays
        return None
    ends = line_ends(block)
    starts = np.concatenate(([0], ends)).astype(np.int64)
    count = len(ends)
    try:
        block.decode()
    except UnicodeDecodeError:  # the reference shows such bytes as \xNN
        return None
    line_offsets = pa.array(starts, pa.int32()).buffers()[1]
    lines = pa.StringArray.from_buffers(count, line_offsets, pa.py_buffer(block))
    shaped = pc.match_substring_regex(lines, _LINE).to_numpy(zero_copy_only=False)
    candidates = np.flatnonzero(shaped & (ends - starts[:-1] <= UNMAPPED_CAP))
    if not len(candidates):
        return None
    second, fraction, level, msg, tail = _parts(lines.take(pa.array(candidates)))
    micros = _micros(second, fraction)
    keys, values, line_of = _fields(tail)
    call = pc.match_substring_regex(msg, _CALL)
    special = pc.or_(
        pc.or_(
            pc.and_not(pc.starts_with(msg, "Calling "), call),
            pc.is_in(msg, pa.array(reference.lifecycle, STR)),
        ),
        pc.starts_with(msg, reference.form_data),  # a body with no quote needs no escape
    )
    plain = pc.and_not(pc.is_valid(micros), special).to_numpy(zero_copy_only=False)
    plain &= ~_odd_fields(keys, line_of, len(candidates))
    if not plain.any():
        return None
    chosen = np.flatnonzero(plain)
    mask = np.zeros(count, np.bool_)
    mask[candidates[chosen]] = True
    keep = pa.array(plain)
    times, msg = pc.filter(micros, keep), pc.filter(msg, keep)
    rows = _rows(
        ctx,
        offset + starts[candidates[chosen]],
        ends[candidates[chosen]] - starts[candidates[chosen]],
        times,
        pc.filter(level, keep),
        msg,
        _take_fields(keys, values, line_of, len(candidates), chosen),
        _Calls.of(msg, pc.filter(call, keep), reference),
    )
    return Scan(starts, mask, rows, times.to_numpy())


def _parts(lines: Column) -> tuple[Column, Column, Column, Column, Column]:
    """Return the second, fraction, level, message and ` key=value` tail of `_LINE` lines."""
    # time=|STAMP| level=LEVEL msg=|MESSAGE|TAIL\n
    parts = pc.split_pattern(lines, '"', max_splits=4)
    stamp = pc.list_element(parts, 1)  # YYYY-MM-DDTHH:MM:SS[.fraction]Z
    return (
        pc.utf8_slice_codeunits(stamp, 0, 19),
        pc.utf8_slice_codeunits(stamp, 20, -1),
        pc.utf8_slice_codeunits(pc.list_element(parts, 2), len(" level="), -len(" msg=")),
        pc.list_element(parts, 3),
        pc.utf8_rtrim(pc.list_element(parts, 4), "\n"),
    )


def _micros(second: Column, fraction: Column) -> Column:
    """Return microseconds since the epoch (UTC); null where the time does not exist.

    As parse_rfc3339: digits past microseconds are cut, and a date or time out of range
    (month 13, second 60, year 0) is no time. A time exists when it prints back as read.
    Lines share their second: each distinct one is parsed once.
    """
    distinct = pc.dictionary_encode(second)
    seconds = distinct.dictionary
    parsed = pc.strptime(seconds, "%Y-%m-%dT%H:%M:%S", "s", error_is_null=True)
    exists = pc.and_(
        pc.equal(pc.strftime(parsed, "%Y-%m-%dT%H:%M:%S"), seconds),
        pc.not_equal(pc.utf8_slice_codeunits(seconds, 0, 4), "0000"),
    )
    valid = pc.if_else(exists, pc.cast(pc.cast(parsed, pa.timestamp("us")), pa.int64()), None)
    digits = pc.utf8_rpad(pc.utf8_slice_codeunits(fraction, 0, 6), 6, "0")
    return pc.add(valid.take(distinct.indices), pc.cast(digits, pa.int64()))


def _fields(tail: Column) -> tuple[Column, Column, npt.NDArray[np.int64]]:
    """Split each line's ` key=value` tail into flat keys, (unquoted) values and their lines.

    No value holds a space or a backslash here (`_LINE`), so a space ends each field
    and the first `=` ends its key.
    """
    trimmed = pc.utf8_slice_codeunits(tail, 1)
    entries = pc.split_pattern(trimmed, " ")
    entries = pc.if_else(pc.equal(trimmed, ""), pa.scalar([], entries.type), entries)
    pairs = pc.split_pattern(pc.list_flatten(entries), "=", max_splits=1)
    keys = pc.list_element(pairs, 0)
    raw = pc.list_element(pairs, 1)
    quoted = pc.starts_with(raw, '"')
    values = pc.if_else(quoted, pc.utf8_slice_codeunits(raw, 1, -1), raw)
    return keys, values, pc.list_parent_indices(entries).to_numpy()


def _odd_fields(keys: Column, line_of: npt.NDArray[np.int64], count: int) -> npt.NDArray[np.bool_]:
    """Tell per line whether a key repeats or is reserved (the reference then differs)."""
    odd = np.zeros(count, np.bool_)
    reserved = pc.is_in(keys, pa.array(_RESERVED, STR)).to_numpy(zero_copy_only=False)
    odd[line_of[reserved]] = True
    codes = pc.dictionary_encode(keys).indices.to_numpy().astype(np.int64)
    distinct = int(codes.max(initial=0)) + 1
    pairs, seen = np.unique(line_of.astype(np.int64) * distinct + codes, return_counts=True)
    repeated = pairs[seen > 1] // distinct
    odd[repeated] = True
    return odd


@dataclass(frozen=True, slots=True)
class _Fields:
    container: Column  # container_uid: the `container` field when not empty
    unmapped: Column  # every other field, in order; null when there is none


def _take_fields(
    keys: Column,
    values: Column,
    line_of: npt.NDArray[np.int64],
    count: int,
    lines: npt.NDArray[np.intp],
) -> _Fields:
    """Return the `lines`' (of `count`) container and unmapped columns, as _set_fields makes them."""
    chosen = np.zeros(count, np.bool_)
    chosen[lines] = True
    keep = chosen[line_of]
    is_container = pc.equal(keys, "container").to_numpy(zero_copy_only=False)
    # where each line's `container` field is (keys do not repeat in a chosen line)
    holder = np.full(count, -1, np.int64)
    found = np.flatnonzero(keep & is_container)
    holder[line_of[found]] = found
    picked = holder[lines]
    container = values.take(pa.array(np.maximum(picked, 0), mask=picked < 0))
    container = pc.if_else(pc.equal(container, ""), pa.scalar(None, STR), container)
    rest = np.flatnonzero(keep & ~is_container)
    per_line = np.bincount(line_of[rest], minlength=count)[lines]
    unmapped = pa.MapArray.from_arrays(
        pa.array(np.concatenate(([0], np.cumsum(per_line))).astype(np.int32)),
        keys.take(pa.array(rest)),
        values.take(pa.array(rest)),
        type=STR_MAP,
        mask=pa.array(per_line == 0),
    )
    return _Fields(container, unmapped)


@dataclass(frozen=True, slots=True)
class _Calls:
    """The columns that tell API calls (`Calling GET ...`) from other plain lines."""

    class_uid: Column
    class_name: Column
    api_operation: Column
    activity_id: Column
    activity_name: Column
    container_name: Column

    @classmethod
    def of(cls, msg: Column, call: Column, reference: Reference) -> _Calls:
        """Read each call's operation, activity and created name as dockerd.py _calling does."""
        words = pc.split_pattern(pc.filter(msg, call), " ", max_splits=3)
        method, uri = pc.list_element(words, 1), pc.list_element(words, 2)
        path = pc.replace_substring_regex(uri, r"\?.*", "", max_replacements=1)
        path = pc.replace_substring_regex(path, _API_VERSION, "/", max_replacements=1)
        query = pc.replace_substring_regex(uri, r"^[^?]*\??", "", max_replacements=1)
        operation = pc.binary_join_element_wise(method, path, " ")
        known = pc.index_in(method, pa.array(list(reference.api_activity), STR))
        activity_id = pc.fill_null(
            pa.array([i for i, _ in reference.api_activity.values()], pa.int32()).take(known), 99
        )
        activity_name = pc.fill_null(
            pa.array([n for _, n in reference.api_activity.values()], STR).take(known), "Other"
        )
        create = pc.and_(pc.equal(method, "POST"), pc.ends_with(operation, "/create"))
        activity_id = pc.if_else(create, pa.scalar(1, pa.int32()), activity_id)
        activity_name = pc.if_else(create, "Create", activity_name)
        named = pc.and_(pc.equal(operation, reference.create_operation), pc.not_equal(query, ""))
        queries = pc.filter(query, named).to_pylist()  # the few create calls: Python's parse_qs
        names = _spread(pa.array([reference.create_name(q) for q in queries], STR), named)
        return cls(
            pc.if_else(call, CALL_CLASS_UID, CLASS_UID).cast(pa.int32()),
            pc.if_else(call, CLASSES[CALL_CLASS_UID], CLASSES[CLASS_UID]),
            _spread(operation, call),
            _spread(activity_id, call),
            _spread(activity_name, call),
            _spread(names, call),
        )


def _spread(values: Column, where: Column) -> Column:
    """Put `values` in the rows where `where` is true, in order; null elsewhere."""
    return pc.replace_with_mask(pa.nulls(len(where), values.type), where, values)


def _rows(
    ctx: SourceContext,
    offsets: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    micros: Column,
    level: Column,
    msg: Column,
    fields: _Fields,
    calls: _Calls,
) -> pa.RecordBatch:
    """Build the events rows the reference builds for these plain lines."""
    n = len(offsets)
    columns = {
        "class_uid": calls.class_uid,
        "class_name": calls.class_name,
        "activity_id": calls.activity_id,
        "activity_name": calls.activity_name,
        "severity": level,
        "device_hostname": pa.repeat(pa.scalar(ctx.host, STR), n),
        "app_name": pa.repeat(pa.scalar(SOURCE_TYPE, STR), n),
        "container_uid": fields.container,
        "container_name": calls.container_name,
        "api_operation": calls.api_operation,
        "message": msg,
        "unmapped": fields.unmapped,
    }
    return events_batch(ctx, SOURCE_TYPE, offsets, lengths, micros, columns)
