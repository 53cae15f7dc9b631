"""The common syslog lines read as columns, with Arrow kernels instead of per-line Python.

Most of a busy host's auth.log is a few message shapes from a few programs (sshd's
failed logins, PAM sessions, sudo and cron commands, logind sessions) and programs that
no normalizer knows. `scan` finds, in a block of whole lines, the lines whose row can
be built column-wise: the line `_line`'s fast path reads (`TIME HOST TAG[PID]: MSG`
with an RFC3164 or ISO time, in printable ASCII so that RE2's classes are Python's;
a CRLF line's `\r` aside), whose time exists,
whose message is none of the special ones (repeats, Solaris ids), whose program is no
audit carrier or Docker, and whose next line opens a record of its own (so it gets no
continuation; the last line of a block never qualifies). Such a line's row is a Base
Event or a message shape's (programs/shapes.py), as the normalizers would make it.

Every other line is left to the reference parser (parsers/syslog.py), in order, with
the state the lines before it leave. A differential test holds the rows built here
equal to the reference's (tests/parsers/syslog/test_columns.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import SourceContext
from auditlake.parsers.columns import (
    Column,
    bools,
    buffer,
    events_batch,
    line_ends,
    slices,
    slow_runs,
)
from auditlake.parsers.programs import MAX_MESSAGE
from auditlake.parsers.programs.shapes import Groups, Messages, group_column, group_unmapped
from auditlake.parsers.rows import EPOCH

from auditlake.schema import EVENTS, STR

SOURCE_TYPE = "syslog"
# Blocks of fewer lines are read line by line: the kernels' fixed cost (~10 ms a block)
# is what the reference spends on about 2,000 lines.
MIN_LINES = 2048

# syslog.py _COMMON in RE2 and printable ASCII (Python's \w is [A-Za-z0-9_] there),
# followed by `: ` (a line with no message is left to the reference).
_HEADER = (
    r"^(?:[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})) [A-Za-z0-9_.-]+ [A-Za-z0-9_./@-]+(?:\[[0-9]{1,10}\])?: "
)
_STAMP = len("Nov 27 02:10:00")
# A line the reference surely reads as a header (syslog.py _header_start), never as the
# continuation of the record before it: an RFC3164 or ISO time, or <PRI> and one.
_OPENS = (
    r"^(?:<[0-9]{1,3}>)?(?:[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2})|^<[0-9]{1,3}>1 "
)


@dataclass(frozen=True, slots=True)
class Reference:
    """What the reference parser decides that is reused here rather than restated."""

    special: tuple[str, ...]  # messages its fast path leaves to its general one
    own_programs: frozenset[str]  # programs whose messages it hands elsewhere (audit, Docker)
    time_of: Callable[[str], datetime | None]  # the UTC time of a header's timestamp


@dataclass(frozen=True, slots=True)
class Scan:
    """The lines of a block, and the rows built for its plain lines."""

    starts: npt.NDArray[np.int64]  # each line's start in the block, then the block's end
    plain: npt.NDArray[np.bool_]  # per line: its row is in `rows`
    rows: pa.RecordBatch  # the plain lines' rows (no file id yet), in no particular order

    def slow_runs(self) -> list[tuple[int, int]]:
        """Return the (first, end) line ranges of the lines left to the reference parser."""
        return slow_runs(self.plain)


def scan(block: bytes, offset: int, ctx: SourceContext, reference: Reference) -> Scan | None:
    """Split `block` (whole lines starting at file `offset`) and build its plain lines' rows.

    None: the block has no plain line.
    """
    ends = line_ends(block)
    if len(ends) < max(MIN_LINES, 2):  # the last line is never plain
        return None
    data = np.frombuffer(block, np.uint8)
    starts = np.concatenate(([0], ends)).astype(np.int64)
    count = len(ends)
    # Lines with a byte outside printable ASCII (the newline aside) are the reference's;
    # such bytes are masked so that the block is valid UTF-8 for Arrow.
    odd = np.flatnonzero(((data < 32) & (data != 10)) | (data > 126))
    cr = np.zeros(count, np.int64)  # per line: 1 if it ends with \r\n (CRLF files)
    if len(odd):
        crlf = odd[(data[odd] == 13) & (data[np.minimum(odd + 1, len(data) - 1)] == 10)]
        cr[np.searchsorted(ends, crlf, side="right")] = 1
        odd = np.setdiff1d(odd, crlf, assume_unique=True)
    text = pa.py_buffer(block)
    if len(odd):
        masked = data.copy()
        masked[odd] = 1
        text = buffer(masked)
    lines = pa.StringArray.from_buffers(count, buffer(starts.astype(np.int32)), text)
    header = bools(pc.match_substring_regex(lines, _HEADER))
    header &= ends - starts[:-1] <= MAX_MESSAGE  # a longer message is no program's
    header[np.searchsorted(ends, odd, side="right")] = False
    opens = bools(pc.match_substring_regex(lines, _OPENS))
    header[:-1] &= opens[1:]
    header[-1] = False
    lines_at = np.flatnonzero(header)
    if not len(lines_at):
        return None
    head = _Header.of(data, text, starts[lines_at], ends[lines_at] - cr[lines_at], reference)
    groups = Groups(head.messages, _HEADER_COLUMNS)
    if not groups.groups:
        return None
    plain = np.zeros(count, np.bool_)
    plain[lines_at[groups.taken()]] = True
    lengths = ends[lines_at] - starts[lines_at]
    return Scan(starts, plain, _batch(head, groups, offset + starts[lines_at], lengths, ctx))


@dataclass(frozen=True, slots=True)
class _Header:
    """The header of each line that may be plain; `usable` tells which are."""

    micros: npt.NDArray[np.int64]  # the time (unset where not usable)
    host: Column
    pid: Column  # int64, null where the tag has none
    messages: Messages  # the program and message, and which lines are usable

    @classmethod
    def of(
        cls,
        data: npt.NDArray[np.uint8],
        text: pa.Buffer,
        starts: npt.NDArray[np.int64],
        ends: npt.NDArray[np.int64],
        reference: Reference,
    ) -> _Header:
        """Read `TIME HOST TAG: MSG\n` lines (`_HEADER`), as syslog.py _COMMON does.

        The header's parts end at its first spaces: an RFC3164 `TIME` is of fixed
        width, an ISO one holds no space, and neither HOST nor TAG (`APP[PID]:`) does.
        """
        spaces = np.flatnonzero(data == 32)
        iso = data[starts] <= ord("9")
        stamp_end = starts + _STAMP
        if iso.any():
            stamp_end = np.where(iso, spaces[np.searchsorted(spaces, starts)], stamp_end)
        host_end = spaces[np.searchsorted(spaces, stamp_end + 1)]
        tag_end = spaces[np.searchsorted(spaces, host_end + 1)]  # after `APP[PID]:`
        has_pid = data[tag_end - 2] == ord("]")
        app_end = tag_end - 1
        if has_pid.any():  # then `[` opens the pid: neither HOST nor APP holds one
            brackets = np.flatnonzero(data == ord("["))
            bracket = brackets[np.minimum(np.searchsorted(brackets, host_end), len(brackets) - 1)]
            app_end = np.where(has_pid, bracket, app_end)
        pid = slices(text, app_end + 1, np.where(has_pid, tag_end - 2, app_end + 1))
        pid = pc.if_else(has_pid, pid, pa.scalar(None, STR)).cast(pa.int64())
        # ` +` before the message takes every space
        message = pc.utf8_ltrim(slices(text, tag_end + 1, ends - 1), " ")
        app = slices(text, host_end + 1, app_end)
        usable = ~bools(pc.is_in(app, pa.array(list(reference.own_programs), STR)))
        for special in reference.special:
            usable &= ~bools(pc.starts_with(message, special))
        micros, known = _times(slices(text, starts, stamp_end), bool(iso.any()), reference)
        usable &= known
        host = slices(text, stamp_end + 1, host_end)
        return cls(micros, host, pid, Messages.of(app, message, usable))


def _times(
    stamps: Column, fractions: bool, reference: Reference
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Return each header time in microseconds since the epoch, and whether it exists.

    Lines share their second: the reference reads each distinct one, without its
    fraction (an ISO time's); the fraction adds on as parse_rfc3339 adds it, its digits
    past microseconds cut.
    """
    second = stamps
    if fractions:
        second = pc.replace_substring_regex(stamps, r"\.[0-9]+", "", max_replacements=1)
    distinct = pc.dictionary_encode(second)
    times = [reference.time_of(s) for s in distinct.dictionary.to_pylist()]
    known = np.array([t is not None for t in times], np.bool_)
    seconds = np.array([_micros(t) if t is not None else 0 for t in times], np.int64)
    codes = distinct.indices.to_numpy()
    micros = seconds[codes]
    if fractions:
        digits = pc.struct_field(pc.extract_regex(stamps, r"\.(?P<f>[0-9]{1,6})"), [0])
        digits = pc.utf8_rpad(pc.fill_null(digits, ""), 6, "0")
        micros = micros + pc.cast(digits, pa.int64()).to_numpy()
    return micros, known[codes]


def _micros(time: datetime) -> int:
    """Return microseconds since the epoch of a UTC time."""
    delta = time - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _batch(
    head: _Header,
    grouped: Groups,
    offsets: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    ctx: SourceContext,
) -> pa.RecordBatch:
    """Build the events rows the reference builds for the grouped lines."""
    groups = grouped.groups
    rows = np.concatenate([g.rows for g in groups])
    taken = pa.array(rows)
    columns: dict[str, Column] = {
        "device_hostname": head.host.take(taken),
        "app_name": head.messages.app.take(taken),
        "process_pid": head.pid.take(taken),
        "message": head.messages.message.take(taken),
    }
    names = {c for g in groups for c in [*g.constants, *g.values] if c in EVENTS.names}
    for name in sorted(names):
        kind = EVENTS.field(name).type
        columns[name] = pa.concat_arrays([group_column(g, name, kind) for g in groups])
    columns["unmapped"] = pa.concat_arrays([group_unmapped(g) for g in groups])
    micros = pa.array(head.micros[rows], pa.int64())
    return events_batch(ctx, SOURCE_TYPE, offsets[rows], lengths[rows], micros, columns)


# The columns syslog.py _row sets from the record rather than the normalizer's row.
_HEADER_COLUMNS = frozenset(
    {
        *("event_uid", "time", "event_date", "source_type", "device_hostname", "app_name"),
        *("process_pid", "message", "severity", "source_file", "source_offset", "source_length"),
    }
)
