"""The common syslog lines read as columns, with Arrow kernels instead of per-line Python.

Most of a busy host's auth.log is a few message shapes from a few programs (sshd's
failed logins, PAM sessions, sudo and cron commands, logind sessions) and programs that
no normalizer knows. `scan` finds, in a block of whole lines, the lines whose row can
be built column-wise: the line `_line`'s fast path reads (`TIME HOST TAG[PID]: MSG`
with an RFC3164 or ISO time, in printable ASCII so that RE2's classes are Python's;
a CRLF line's `\r` aside), whose time exists,
whose message is none of the special ones (repeats, Solaris ids), whose program is no
audit carrier or Docker, and whose next line opens a record of its own (so it gets no
continuation; the last line of a block never qualifies). Such a line's row is:

- a Base Event when its program has no normalizer and its message no PAM prefix; or
- a `Shape`: a message template whose words are literals, values (a column each:
  user, address, port, ...) and keys (everything else). Lines of one shape and one
  key differ only in their values, so the normalizer (programs.shared_program_row,
  the reference) is asked once per key, on the key's first and last line: what it
  gives besides the values is the group's constant part, and the values it gives must
  be the words the template read, or the group is left to the reference parser.

Every other line is left to the reference parser (parsers/syslog.py), in order, with
the state the lines before it leave. A differential test holds the rows built here
equal to the reference's (tests/parsers/syslog/test_columns.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.base import SourceContext
from auditlake.parsers.programs import _HANDLERS, _PAM_OR_BARE, shared_program_row
from auditlake.parsers.rows import EPOCH, first_event_uids

from auditlake.schema import CLASSES, EVENTS, STR, STR_MAP

# An Arrow array of any type (the stubs type pyarrow.compute's results as scalars).
Column: TypeAlias = Any
ArrowType: TypeAlias = Any  # a pyarrow DataType (the stubs type only concrete ones)
Rows: TypeAlias = npt.NDArray[np.intp]

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
_LEAD = 12  # characters of a message that tell its shapes apart cheaply
# A line the reference surely reads as a header (syslog.py _header_start), never as the
# continuation of the record before it: an RFC3164 or ISO time, or <PRI> and one.
_OPENS = (
    r"^(?:<[0-9]{1,3}>)?(?:[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2})|^<[0-9]{1,3}>1 "
)

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# The words a template's placeholders take, in RE2 (no space, except in the last word).
# Each is narrow enough that the normalizers' regular expressions, lazy or greedy, split
# the message where the template does.
CLASSES_RE: dict[str, str] = {
    "NAME": r"[A-Za-z0-9_][A-Za-z0-9_.-]*",  # a user name as sshd or PAM logs it
    "ID": r"[A-Za-z0-9]+",  # a logind session id
    "UID": r"[0-9]{1,18}",  # programs.common.to_int: at most 18 digits
    "PORT": r"[0-9]{1,5}",  # programs.common.to_port
    "IPV4": rf"{_OCTET}(?:\.{_OCTET}){{3}}",  # as ipaddress reads it: no leading zeros
    "PATH": r"[A-Za-z0-9_./-]+",
    "KEYTYPE": r"[A-Z0-9-]+",
    "FINGERPRINT": r"[A-Za-z0-9:+/=_.-]+",
    "WORD": r"[A-Za-z0-9_.-]+",
    "VERDICT": r"Accepted|Failed",
    "SSH": r"ssh[0-9]?",  # sshd's protocol word
    "FIELD": r"[A-Za-z0-9_./:-]*",  # a PAM field, empty or not
    "PAM": r"pam_[A-Za-z0-9_-]+\([A-Za-z0-9_-]+:[a-z]+\):",  # pam_unix(sshd:auth):
    "PAM_USER": r"[A-Za-z0-9_.-]*\(uid=[0-9]{1,18}\)",  # root(uid=0), (uid=0)
    # the rest of the message: sudo's command (no `;`, no space at its ends) and cron's
    "SUDO_COMMAND": r"(?:[^; ](?:[^;]*[^; ])?)?",
    "CRON_COMMAND": r"[ -~]*",
}
# how a class's words start, to pick a shape's lines cheaply
_CLASS_START = {"PAM": ("pam_",), "VERDICT": ("Accepted ", "Failed ")}
_REST = frozenset({"SUDO_COMMAND", "CRON_COMMAND"})  # classes that may hold spaces
_TRIMMED = frozenset({"CRON_COMMAND"})  # values the normalizer strips of spaces
_EMPTY = pa.scalar("", STR)
_PLACEHOLDER = re.compile(r"\{([a-z_.]*|-):([A-Z_0-9]+)\}")
_SSHD = frozenset({"sshd", "sshd-session", "sshd-auth"})


@dataclass(frozen=True, slots=True)
class _Value:
    """A word of a template that holds one value: `prefix{column:CLASS}suffix`."""

    word: int
    column: str  # an EVENTS column, `unmapped.KEY`, or "-" (read by no column)
    kind: str  # the placeholder's class
    prefix: int
    suffix: int


@dataclass(frozen=True, slots=True)
class Shape:
    """A message template of some programs (None: any program); see the module docstring.

    `{column:CLASS}` is a value, `{:CLASS}` a key, `{-:CLASS}` a word the normalizer
    does not read. `first_word` names a column that holds the first word of a value's.
    """

    programs: frozenset[str] | None
    template: str
    first_word: tuple[str, str] | None = None  # (column, the value column it is cut from)
    pattern: str = field(init=False)
    prefix: tuple[str, ...] = field(init=False)  # how its messages start
    words: int = field(init=False)
    values: tuple[_Value, ...] = field(init=False)
    keys: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        words = self.template.split(" ")
        parts, values, keys = [], [], []
        for i, word in enumerate(words):
            found = list(_PLACEHOLDER.finditer(word))
            if any(m.group(2) in _REST for m in found) and i != len(words) - 1:
                raise ValueError(f"{self.template!r}: only the last word may hold spaces")
            named = [m for m in found if m.group(1)]
            if named:
                if len(found) > 1:
                    raise ValueError(f"{self.template!r}: a value word holds one placeholder")
                m = named[0]
                values.append(_Value(i, m[1], m[2], m.start(), len(word) - m.end()))
            elif found:
                keys.append(i)
            parts.append(_word_pattern(word))
        first = _PLACEHOLDER.search(self.template)
        set_ = object.__setattr__
        set_(self, "pattern", "^" + " ".join(parts) + "$")
        lead = self.template[: first.start()] if first else self.template
        starts = _CLASS_START.get(first[2], ("",)) if first is not None and not lead else ("",)
        set_(self, "prefix", tuple(lead + start for start in starts))
        set_(self, "words", len(words))
        set_(self, "values", tuple(values))
        set_(self, "keys", tuple(keys))


def _word_pattern(word: str) -> str:
    """Return the RE2 pattern of one template word (placeholders as their classes)."""
    out, at = [], 0
    for m in _PLACEHOLDER.finditer(word):
        out += [re.escape(word[at : m.start()]), f"(?:{CLASSES_RE[m.group(2)]})"]
        at = m.end()
    return "".join([*out, re.escape(word[at:])])


# The shapes of the messages a busy host logs most, in the order they are tried.
SHAPES = (
    Shape(
        _SSHD,
        "Invalid user {user_name:NAME} from {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT}",
    ),
    Shape(
        _SSHD,
        "{:VERDICT} {:WORD} for invalid user {user_name:NAME} from {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} {:SSH}",
    ),
    Shape(
        _SSHD,
        "{:VERDICT} {:WORD} for {user_name:NAME} from {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} {:SSH}",
    ),
    Shape(
        _SSHD,
        "{:VERDICT} {:WORD} for {user_name:NAME} from {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} {:SSH}: {:KEYTYPE}"
        " {unmapped.ssh_key_fingerprint:FINGERPRINT}",
    ),
    Shape(
        _SSHD,
        "Connection {:WORD} by {:WORD} user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} [preauth]",
    ),
    Shape(
        _SSHD,
        "Connection {:WORD} by {:WORD} user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT}",
    ),
    Shape(
        _SSHD,
        "Connection {:WORD} by {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT} [preauth]",
    ),
    Shape(_SSHD, "Connection {:WORD} by {src_endpoint_ip:IPV4} port {src_endpoint_port:PORT}"),
    Shape(
        _SSHD,
        "Disconnected from {:WORD} user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT} [preauth]",
    ),
    Shape(
        _SSHD,
        "Disconnected from user {user_name:NAME} {src_endpoint_ip:IPV4}"
        " port {src_endpoint_port:PORT}",
    ),
    Shape(
        None,
        "{:PAM} authentication failure; logname={:FIELD} uid={:FIELD} euid={:FIELD}"
        " tty={:FIELD} ruser={:FIELD} rhost={src_endpoint_ip:IPV4}",
    ),
    Shape(
        None,
        "{:PAM} authentication failure; logname={:FIELD} uid={:FIELD} euid={:FIELD}"
        " tty={:FIELD} ruser={:FIELD} rhost={src_endpoint_ip:IPV4} user={user_name:NAME}",
    ),
    Shape(None, "{:PAM} check pass; user unknown"),
    Shape(None, "{:PAM} session opened for user {:PAM_USER} by {:PAM_USER}"),
    Shape(None, "{:PAM} session closed for user {user_name:NAME}"),
    Shape(
        frozenset({"systemd-logind"}),
        "New session {session_uid:ID} of user {user_name:NAME}.",
    ),
    Shape(frozenset({"systemd-logind"}), "Removed session {session_uid:ID}."),
    Shape(
        frozenset({"systemd-logind"}),
        "Session {-:ID} logged out. Waiting for processes to exit.",
    ),
    Shape(
        frozenset({"sudo"}),
        "{actor_user_name:NAME} : TTY={process_tty:PATH} ; PWD={process_cwd:PATH}"
        " ; USER={:NAME} ; COMMAND={process_cmd_line:SUDO_COMMAND}",
        first_word=("process_file_path", "process_cmd_line"),
    ),
    Shape(
        frozenset({"CRON", "cron", "crond"}),
        "({actor_user_name:NAME}) CMD ({process_cmd_line:CRON_COMMAND})",
    ),
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
        edges = np.flatnonzero(
            np.diff(np.concatenate(([True], self.plain, [True])).astype(np.int8))
        )
        return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def scan(block: bytes, offset: int, ctx: SourceContext, reference: Reference) -> Scan | None:
    """Split `block` (whole lines starting at file `offset`) and build its plain lines' rows.

    None: the block has no plain line.
    """
    data = np.frombuffer(block, np.uint8)
    ends = np.flatnonzero(data == 10) + 1
    if len(ends) < max(MIN_LINES, 2):  # the last line is never plain
        return None
    if ends[-1] != len(block):
        ends = np.append(ends, len(block))  # a last line without a newline
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
        text = _buffer(masked)
    lines = pa.StringArray.from_buffers(count, _buffer(starts.astype(np.int32)), text)
    header = _bools(pc.match_substring_regex(lines, _HEADER))
    header[np.searchsorted(ends, odd, side="right")] = False
    opens = _bools(pc.match_substring_regex(lines, _OPENS))
    header[:-1] &= opens[1:]
    header[-1] = False
    lines_at = np.flatnonzero(header)
    if not len(lines_at):
        return None
    head = _Header.of(data, text, starts[lines_at], ends[lines_at] - cr[lines_at], reference)
    rows = _Builder(head, offset + starts[lines_at], ends[lines_at] - starts[lines_at], ctx)
    rows.base_events()
    for shape in SHAPES:
        rows.shape(shape)
    if not rows.groups:
        return None
    plain = np.zeros(count, np.bool_)
    plain[lines_at[rows.taken()]] = True
    return Scan(starts, plain, rows.batch())


@dataclass(frozen=True, slots=True)
class _Header:
    """The header of each line that may be plain; `usable` tells which are."""

    micros: npt.NDArray[np.int64]  # the time (unset where not usable)
    host: Column
    app: Column
    app_codes: npt.NDArray[np.intp]  # per line: its app's index in `apps`
    apps: list[str]
    pid: Column  # int64, null where the tag has none
    message: Column
    usable: npt.NDArray[np.bool_]
    leads: list[str]  # the distinct first _LEAD characters of the messages
    lead_codes: npt.NDArray[np.intp]  # per line: its message's in `leads`

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
        pid = _slices(text, app_end + 1, np.where(has_pid, tag_end - 2, app_end + 1))
        pid = pc.if_else(has_pid, pid, pa.scalar(None, STR)).cast(pa.int64())
        # ` +` before the message takes every space
        message = pc.utf8_ltrim(_slices(text, tag_end + 1, ends - 1), " ")
        app = _slices(text, host_end + 1, app_end)
        apps = pc.dictionary_encode(app)
        names = apps.dictionary.to_pylist()
        codes = apps.indices.to_numpy().astype(np.intp)
        own = np.array([name in reference.own_programs for name in names], np.bool_)
        usable = ~own[codes]
        for special in reference.special:
            usable &= ~_bools(pc.starts_with(message, special))
        micros, known = _times(_slices(text, starts, stamp_end), bool(iso.any()), reference)
        usable &= known
        host = _slices(text, stamp_end + 1, host_end)
        lead = pc.dictionary_encode(pc.utf8_slice_codeunits(message, 0, _LEAD))
        return cls(
            micros,
            host,
            app,
            codes,
            names,
            pid,
            message,
            usable,
            lead.dictionary.to_pylist(),
            lead.indices.to_numpy().astype(np.intp),
        )

    def program(self, programs: Collection[str]) -> npt.NDArray[np.bool_]:
        """Tell per line whether its program is one of `programs`."""
        return np.array([name in programs for name in self.apps], np.bool_)[self.app_codes]

    def starts(self, prefix: tuple[str, ...]) -> npt.NDArray[np.bool_]:
        """Tell per line whether its message may start with a `prefix` (its first characters do)."""
        heads = tuple(p[:_LEAD] for p in prefix)
        return np.array([s.startswith(heads) for s in self.leads], np.bool_)[self.lead_codes]


def _slices(text: pa.Buffer, begin: npt.NDArray[np.int64], end: npt.NDArray[np.int64]) -> Column:
    """Return the strings text[begin[i]:end[i]] (ranges in order, not overlapping)."""
    bounds = np.zeros(2 * len(begin) + 1, np.int32)
    bounds[0:-1:2], bounds[1::2] = begin, end
    bounds[-1] = bounds[-2]
    both = pa.StringArray.from_buffers(2 * len(begin), _buffer(bounds), text)
    return both.take(np.arange(0, 2 * len(begin), 2))


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


def _buffer(values: npt.NDArray[Any]) -> pa.Buffer:
    """Return the memory of a numpy array as an Arrow buffer (not copied)."""
    buffer: pa.Buffer | None = pa.array(values).buffers()[1]
    assert buffer is not None
    return buffer


def _bools(values: Column) -> npt.NDArray[np.bool_]:
    """Return a boolean Arrow array (no nulls) as numpy."""
    return np.asarray(values.to_numpy(zero_copy_only=False), np.bool_)


def _micros(time: datetime) -> int:
    """Return microseconds since the epoch of a UTC time."""
    delta = time - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(slots=True)
class _Group:
    """Lines of one shape and key (or the Base Events): one constant part, own values."""

    rows: Rows  # indices into the header columns
    constants: dict[str, Any]
    unmapped: list[tuple[str, str | None]]  # (key, value; None: the rows' own) in order
    values: dict[str, Column]  # column -> the rows' values


class _Builder:
    """Assigns the usable lines to groups, then builds one batch of their rows."""

    def __init__(
        self,
        head: _Header,
        offsets: npt.NDArray[np.int64],
        lengths: npt.NDArray[np.int64],
        ctx: SourceContext,
    ) -> None:
        self.head = head
        self.offsets = offsets
        self.lengths = lengths
        self.ctx = ctx
        self.free = head.usable.copy()  # usable lines no group has taken
        self.groups: list[_Group] = []

    def taken(self) -> Rows:
        """Return the rows some group took."""
        return np.flatnonzero(self.head.usable & ~self.free)

    def base_events(self) -> None:
        """Take the lines whose program has no normalizer and message no PAM prefix."""
        head = self.head
        known = head.program(_HANDLERS)
        for prefix in _PAM_OR_BARE:
            known |= _bools(pc.starts_with(head.message, prefix))
        rows = np.flatnonzero(self.free & ~known)
        if len(rows):
            self._take(_Group(rows, _constants(None), [], {}))

    def shape(self, shape: Shape) -> None:
        """Take the free lines of `shape` whose keys the reference reads as the template does."""
        head = self.head
        pool = self.free.copy()
        if shape.programs is not None:
            pool &= head.program(shape.programs)
        if shape.prefix != ("",):
            pool &= head.starts(shape.prefix)  # the pattern checks the rest
        rows = np.flatnonzero(pool)
        if not len(rows):
            return
        message = head.message.take(pa.array(rows))
        hit = _bools(pc.match_substring_regex(message, shape.pattern))
        if not hit.any():
            return
        rows, message = rows[hit], message.filter(pa.array(hit))
        words = pc.split_pattern(message, " ", max_splits=shape.words - 1)
        words_of = {v.column: _value(words, v) for v in shape.values}
        if shape.first_word is not None:
            column, whole = shape.first_word
            first = pc.split_pattern(words_of[whole], " ", max_splits=1)
            words_of[column] = pc.list_element(first, 0)
        words_of.pop("-", None)
        values = {c: _typed(c, v) for c, v in words_of.items()}
        # a key: the program, the key words, and which values are absent
        codes = head.app_codes[rows].astype(np.int64)
        for i in shape.keys:
            word = pc.dictionary_encode(pc.list_element(words, i))
            codes = codes * len(word.dictionary) + word.indices.to_numpy()
            codes = np.unique(codes, return_inverse=True)[1]  # small, whatever the keys
        for v in values.values():
            codes = codes * 2 + _bools(pc.is_null(v))
        order = np.argsort(codes, kind="stable")
        bounds = np.flatnonzero(np.diff(codes[order])) + 1
        for members in np.split(order, bounds):
            group = self._probe(shape, rows, message, values, members)
            if group is not None:
                self._take(group)

    def _probe(
        self,
        shape: Shape,
        rows: Rows,
        message: Column,
        values: dict[str, Column],
        members: Rows,
    ) -> _Group | None:
        """Ask the reference about a key's first and last line; None if it reads them otherwise."""
        taken = pa.array(members)
        group_values = {c: v.take(taken) for c, v in values.items()}
        constants: dict[str, Any] | None = None
        unmapped: list[tuple[str, str | None]] = []
        for at in {0, len(members) - 1}:
            row = int(rows[members[at]])
            partial = shared_program_row(
                self.head.app[row].as_py(), message[int(members[at])].as_py()
            )
            expected = {c: v[at].as_py() for c, v in group_values.items()}
            seen = _split(partial, expected)
            if seen is None:
                return None
            if constants is None:
                constants, unmapped = seen
            elif seen != (constants, unmapped):
                return None
        assert constants is not None
        return _Group(rows[members], constants, unmapped, group_values)

    def _take(self, group: _Group) -> None:
        self.free[group.rows] = False
        self.groups.append(group)

    def batch(self) -> pa.RecordBatch:
        """Build the events rows the reference builds for the grouped lines."""
        groups = self.groups
        rows = np.concatenate([g.rows for g in groups])
        taken = pa.array(rows)
        head = self.head
        n = len(rows)
        time = pa.array(head.micros[rows], pa.int64()).cast(EVENTS.field("time").type)
        offsets = self.offsets[rows]
        file_id = self.ctx.file_id or self.ctx.source_file
        columns: dict[str, Column] = {
            "event_uid": pa.array(first_event_uids(file_id, offsets.tolist()), STR),
            "time": time,
            "event_date": pc.cast(time, pa.date32()),
            "source_type": pa.repeat(pa.scalar(SOURCE_TYPE, STR), n),
            "device_hostname": head.host.take(taken),
            "app_name": head.app.take(taken),
            "process_pid": head.pid.take(taken),
            "message": head.message.take(taken),
            "source_file": pa.repeat(pa.scalar(self.ctx.source_file, STR), n),
            "source_offset": pa.array(offsets),
            "source_length": pa.array(self.lengths[rows]),
        }
        names = {c for g in groups for c in [*g.constants, *g.values] if c in EVENTS.names}
        for name in sorted(names):
            kind = EVENTS.field(name).type
            columns[name] = pa.concat_arrays([_group_column(g, name, kind) for g in groups])
        columns["unmapped"] = pa.concat_arrays([_group_unmapped(g) for g in groups])
        return pa.RecordBatch.from_arrays(
            [columns[f.name] if f.name in columns else pa.nulls(n, f.type) for f in EVENTS],
            schema=EVENTS,
        )


# The columns syslog.py _row sets from the record rather than the normalizer's row.
_HEADER_COLUMNS = frozenset(
    {
        *("event_uid", "time", "event_date", "source_type", "device_hostname", "app_name"),
        *("process_pid", "message", "severity", "source_file", "source_offset", "source_length"),
    }
)


def _constants(partial: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the columns a syslog row takes from a normalizer's partial row (syslog.py _row)."""
    if partial is None:
        return {"class_uid": 0, "class_name": CLASSES[0]}
    return {"class_name": CLASSES[partial["class_uid"]], **partial}


def _split(
    partial: Mapping[str, Any] | None, expected: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str | None]]] | None:
    """Split a partial row into its constants and unmapped entries; None if it holds
    other values than `expected` (column -> value read from the template) or sets a
    column the header sets."""
    constants = _constants(partial)
    if _HEADER_COLUMNS & constants.keys():
        return None
    unmapped_row = constants.pop("unmapped", None) or {}
    for column, value in expected.items():
        if column.startswith("unmapped."):
            if unmapped_row.get(column[len("unmapped.") :]) != value:
                return None
        elif constants.pop(column, None) != value:
            return None
    entries = [(k, None if f"unmapped.{k}" in expected else v) for k, v in unmapped_row.items()]
    return constants, entries


def _value(words: Column, value: _Value) -> Column:
    """Return the value a template word holds, its literal prefix and suffix cut off."""
    word = pc.list_element(words, value.word)
    if value.prefix or value.suffix:
        word = pc.utf8_slice_codeunits(word, value.prefix, -value.suffix or None)
    if value.kind in _TRIMMED:
        word = pc.utf8_trim(word, " ")
    return word


def _typed(column: str, text: Column) -> Column:
    """Return a value as its column holds it: empty is absent, numbers are numbers."""
    text = pc.if_else(pc.equal(text, _EMPTY), pa.scalar(None, STR), text)
    if column.startswith("unmapped."):
        return text
    kind = EVENTS.field(column).type
    if pa.types.is_integer(kind):
        number = text.cast(pa.int64())
        if column.endswith("_port"):  # programs.common.to_port
            number = pc.if_else(pc.less_equal(number, pa.scalar(65535)), number, None)
        return number.cast(kind)
    return text


def _group_column(group: _Group, name: str, kind: ArrowType) -> Column:
    """Return one column of a group's rows: its values, its constant, or nulls."""
    n = len(group.rows)
    if name in group.values:
        return group.values[name].cast(kind)
    if name in group.constants:
        return pa.array([group.constants[name]], kind).take(np.zeros(n, np.intp))
    return pa.nulls(n, kind)


def _group_unmapped(group: _Group) -> Column:
    """Return the unmapped maps of a group's rows: constant entries and value entries."""
    n = len(group.rows)
    width = len(group.unmapped)
    if not width:
        return pa.nulls(n, STR_MAP)
    keys: Column = pa.array([k for k, _ in group.unmapped], STR).take(np.tile(np.arange(width), n))
    items = [
        group.values[f"unmapped.{k}"] if v is None else pa.repeat(pa.scalar(v, STR), n)
        for k, v in group.unmapped
    ]
    interleave = (np.arange(n)[:, None] + np.arange(width)[None, :] * n).ravel()
    values: Column = pa.concat_arrays(items).take(interleave)
    offsets: Column = pa.array(np.arange(0, (n + 1) * width, width, dtype=np.int32))
    return pa.MapArray.from_arrays(offsets, keys, values)  # STR_MAP: both are strings
