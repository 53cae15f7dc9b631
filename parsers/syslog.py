"""Syslog files: RFC3164, RFC3339/ISO timestamps, RFC5424, rsyslog's forwarding formats.

A record is a header (optional `<PRI>`, a timestamp, the HOSTNAME, a tag such as
`sshd[123]:`, `sshd(pam_unix)[123]:` or `[sshd]:`) and a message. One line is one record,
except that:
- a line with no header that follows a record continues its message (a message with an
  embedded newline), up to MAX_CONTINUATION_LINES; blank and `#` lines are not records;
- rsyslog's ForwardFormat templates (`<PRI>timestamp host tag msg` with no trailer) put
  several records on one line: a line that starts with `<PRI>` and an RFC3164 or ISO
  time is split before each further `<PRI>time`. RFC5424 lines are never split. (Such a
  format has no framing: a message that holds `<13>Nov 27 ...` reads as a record.)
- `message repeated N times: [ msg ]` (rsyslog) becomes N events of `msg`; sysklogd's
  `last message repeated N times` becomes N copies of the record before it. All of them
  keep the line's provenance, event_uid index 0..N-1, and `unmapped["repeated"]` = N.
  N is written by whoever can send a line (`logger`, UDP 514), so at most
  MAX_REPEAT_EXPANSION events are made; a line claiming more is marked
  `unmapped["repeat_capped"]` = "true" and keeps its true N.
- a run of blank lines is one reject row spanning all of them (rows.blank_reject).

Times: RFC3164 has no year and no zone. The zone is ctx.tz. The year is the latest one
that does not put the time more than a day after ctx.reference_time (the file's mtime),
so a file running from December into January gets both years right, line by line, with
no state (a resumed read agrees with a full one). Without a reference time, ctx.year
stands for it: now when ctx.year is this year, else the end of ctx.year (every line in
that year); without either, now. ISO times without an offset are in ctx.tz.

Messages go where their program says: audit records (`audispd: node=.. type=..`,
`audisp-syslog: type=..`, `kernel: audit: type=1130 audit(..)`, `audit[1]: SERVICE_START
..`) to an AuditdParser (rows with source_type "auditd"); dockerd's to the dockerd
normalizer (source_type "dockerd"); everything else to `normalize_program_message`, and
a message it does not know is still an events row (Base Event). containerd's lines stay
syslog rows: it is not the Docker daemon and logs no API calls.

A large file may be read in ranges, each by a parser of its own (parsers/cuts.py): a
range starts only at a line that takes `_line`'s fast path with a time valid in every
year (no continuation, no `last message repeated`, no reject: nothing owed to the lines
before), where no audit event and no dockerd `Calling`/`form data` pair of one host spans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from auditlake.parsers import syslog_columns
from auditlake.parsers.audit_relay import AuditRelay
from auditlake.parsers.base import ParseOutput, Parser, Row, SourceContext, reject
from auditlake.parsers.columns import column_scan
from auditlake.parsers.cuts import Spans, line_starts, whole_lines
from auditlake.parsers.dockerd import ApiPairing, afresh_row, relayed_dockerd_row
from auditlake.parsers.programs import shared_program_row
from auditlake.parsers.programs.common import to_int
from auditlake.parsers.rows import (
    blank_reject,
    event_row,
    gc_paused,
    parse_rfc3339,
    split_lines_merging_blanks,
)

SOURCE_TYPE = "syslog"
MAX_CONTINUATION_LINES = 100
# dockerd's API pairings kept, one per host, the least recently seen host's dropped (a
# pairing lasts from a `Calling` line to the request's form data, the next line of it).
MAX_PAIRED_HOSTS = 1024
# Events made of one repeat line at most. Count-based detections need a threshold of
# failures (fail2ban's maxretry is 5, sshd's MaxAuthTries 6, login.brute_force's default
# 10); 100 exceeds any threshold in use, while 10^9 claimed repeats would exhaust memory.
MAX_REPEAT_EXPANSION = 100

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_SEVERITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")
_FACILITIES = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "clock",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
]

_PRI = re.compile(r"<(\d{1,3})>")
_RFC3164_TIME = re.compile(r"([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?")
_ISO_TIME = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)?"
)
_RFC5424 = re.compile(r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) ")
_STRUCTURED_DATA = re.compile(r'(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+')
# A further record inside a ForwardFormat line: `<PRI>` then an RFC3164 or ISO time.
_FORWARD_BOUNDARY = re.compile(
    r"<\d{1,3}>(?=[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)"
)
# A tag: `prog`, `prog:`, `prog[pid]:`, `prog(pam_unix)[pid]:`, `[prog]:`, `[prog]`.
_TAG = re.compile(r"\[?([^\s\[\]():]+)\]?(?:\(([^()\s]*)\))?(?:\[([^\]\s]*)\])?:?")
_SOLARIS_ID = re.compile(r"\[ID (\d+) ([\w.]+)\] ")
# At most 18 digits: int() of thousands of digits is slow, and past 4300 it raises.
_REPEATED = re.compile(r"message repeated (\d{1,18}) times: \[ ?(.*)\]\s*$", re.S)
_LAST_REPEATED = re.compile(r"(?:--- )?last message repeated (\d{1,18}) times?(?: ---)?\s*$")
_LAST_REPEATED_START = ("last message repeated", "--- last message repeated")
_KERNEL_STAMP = re.compile(r"\[ *\d+\.\d+\] ")
# The common line, `TIME HOST TAG[PID]: MSG`, parsed in one match (the fast path).
_COMMON = re.compile(
    r"([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) "
    r"([\w.-]+) ([\w./@-]+)(?:\[(\d{1,10})\])?:(?: +|$)(.*)",
    re.S,
)
# Messages the fast path leaves to the general one.
_SPECIAL_MESSAGES = ("message repeated ", "last message repeated", "--- last message", "[ID ")
_JOURNAL_MARKERS = (
    "-- Logs begin",
    "-- Journal begins",
    "-- Boot ",
    "-- Reboot --",
    "-- No entries",
)

# Programs whose messages may be audit records: the audit dispatchers, and the kernel.
_AUDIT_CARRIERS = frozenset({"audispd", "audisp-syslog", "audisp", "audit", "kernel"})
_DOCKER_PROGRAMS = frozenset({"dockerd", "docker"})
_UNSEEN = datetime.min  # cache marker: a stamp not parsed yet
_SLACK = timedelta(days=1)  # clocks and zones disagree by hours, not by a day


@dataclass(slots=True)
class _Record:
    """One syslog record being read; it may still get continuation lines."""

    offset: int
    length: int
    index: int  # event_uid index of its first event
    time: datetime
    host: str | None
    app: str | None
    pid: int | None
    message: str
    severity: str | None = None
    unmapped: dict[str, str] = field(default_factory=dict)
    repeat: int = 1
    forward: bool = False  # from a ForwardFormat line: continuations may hold more records
    lines: int = 1


class SyslogParser(Parser):
    """Syslog files in the formats above; one events row per record (N for repeats)."""

    source_type: ClassVar[str] = SOURCE_TYPE
    name: ClassVar[str] = "syslog"
    relays_audit: ClassVar[bool] = True

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._out = ParseOutput()
        self._end = 0
        self._pending: _Record | None = None
        self._last: _Record | None = None  # the record `last message repeated` refers to
        self._audit = AuditRelay(ctx)
        self._pairing: dict[str | None, ApiPairing] = {}
        self._times: dict[str, datetime | None] = {}
        self._reference = _reference_time(ctx)
        self._reference_columns = syslog_columns.Reference(
            _SPECIAL_MESSAGES, _AUDIT_CARRIERS | _DOCKER_PROGRAMS, self._time_of
        )

    @classmethod
    def find_cut(cls, window: bytes, at: int) -> int | None:
        """Cut before a plain record line that no audit event or dockerd API pair spans.

        The window is read as this parser reads it (cuts.py); a range may start at a line
        that surely opens a record of its own (`_opens_record`).
        """
        first, lines = whole_lines(window)
        scan = _Scan()
        scan.feed(lines, first)
        scan.finish(True)
        starts = (start for start, line in line_starts(window, at) if _opens_record(line))
        return scan.spans.first_free(starts, at)

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        """Tell whether most first lines (blank and # lines aside) start with a syslog header."""
        text = head.decode("utf-8", "replace")
        lines = [ln for ln in text.split("\n") if ln.strip() and not ln.startswith("#")][:50]
        if not lines or any(ln.startswith(_JOURNAL_MARKERS) for ln in lines):
            return False
        hits = sum(_header_start(ln) is not None for ln in lines)
        return 2 * hits >= len(lines)

    def feed(self, block: bytes, offset: int) -> None:
        """Parse a block of whole lines starting at byte `offset` of the file.

        The plain lines' rows are built as columns (syslog_columns.py); the rest line by
        line, in order, with the state the lines before leave. A plain line opens a
        record (the one pending before it is complete) and the line after it opens
        another; the block's last line is never plain.
        """
        found = column_scan(syslog_columns.scan, block, offset, self.ctx, self._reference_columns)
        if found is None:
            self._lines(block, offset)
        else:
            self._out.event_batches.append(found.rows)
            starts = found.starts
            for first, end in found.slow_runs():
                if first:  # the plain line before: it flushes the record pending before
                    start = int(starts[first - 1])  # it, and is the one repeats refer to
                    self._line(block[start : int(starts[first])], offset + start)
                    self._last, self._pending = self._pending, None  # its row is built
                start = int(starts[first])
                self._lines(block[start : int(starts[end])], offset + start)
        self._end = offset + len(block)

    def _lines(self, block: bytes, offset: int) -> None:
        """Parse whole lines one by one."""
        with gc_paused():
            line_of = self._line
            for line_offset, line in split_lines_merging_blanks(block, offset):
                line_of(line, line_offset)

    def drain(self) -> ParseOutput:
        """Take the rows made so far, except those an unfinished audit event may re-feed."""
        return self._audit.release(self._out)

    def finish(self, final: bool) -> int:
        """Close the input; return the offset up to which everything fed is emitted."""
        resume = self._end
        if final:
            self._flush()
        elif self._pending is not None:
            resume = self._pending.offset  # it may still get continuation lines
            self._pending = None
        audit_resume, _, audit_out = self._audit.finish(final)
        self._out.extend(audit_out)
        if not final and audit_resume is not None and audit_resume < resume:
            resume = audit_resume
        if not final:
            self._out = self._out.take_before(resume)  # the rest is fed again next run
        return resume

    # -- lines -------------------------------------------------------------------------

    def _line(self, raw: bytes, offset: int) -> None:
        text = raw.rstrip(b"\r\n").decode("utf-8", "backslashreplace")
        common = _COMMON.match(text)
        if common is not None:
            stamp, host, app, pid, message = common.groups()
            time = self._times.get(stamp) or self._time_of(stamp)
            if time is not None and not message.startswith(_SPECIAL_MESSAGES):
                if self._pending is not None:
                    self._flush()
                pid_number = int(pid) if pid else None
                self._pending = _Record(offset, len(raw), 0, time, host, app, pid_number, message)
                return
        if _header_start(text) is not None:
            self._flush()
            self._records(text, raw, offset)
            return
        if not text.strip():
            self._flush()
            self._out.rejects.append(blank_reject(self.ctx, offset, raw, SOURCE_TYPE))
            return
        if text.startswith("#"):
            self._reject(raw, offset, "comment line (starts with #), not a syslog record")
            return
        pending = self._pending
        if pending is None:
            reason = "no syslog header (expected <PRI>, 'Nov 27 02:10:00' or an ISO time)"
            self._reject(raw, offset, reason)
            return
        if pending.lines >= MAX_CONTINUATION_LINES:
            self._flush()
            reason = f"headerless line after a record of {MAX_CONTINUATION_LINES} lines"
            self._reject(raw, offset, reason)
            return
        boundary = _FORWARD_BOUNDARY.search(text) if pending.forward else None
        cut = len(text) if boundary is None else boundary.start()
        pending.message = f"{pending.message}\n{text[:cut]}"
        pending.length = offset + len(raw) - pending.offset
        pending.lines += 1
        if boundary is not None:
            self._flush()
            self._records(text[cut:], raw, offset)

    def _records(self, text: str, raw: bytes, offset: int) -> None:
        """Read the records of one line (several in ForwardFormat); keep the last pending."""
        index = 0  # event_uid index: records of one line share its offset
        if text.startswith("<") and not _RFC5424.match(text):
            cuts = [m.start() for m in _FORWARD_BOUNDARY.finditer(text, 1)]
            parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            forward = True
        else:
            parts, forward = [text], False
        for part in parts:
            self._flush()
            record = self._parse(part, offset, len(raw), index)
            if isinstance(record, str):
                self._out.rejects.append(reject(self.ctx, offset, raw, record, SOURCE_TYPE))
                continue
            record.forward = forward
            index += record.repeat
            self._pending = record

    def _reject(self, raw: bytes, offset: int, reason: str) -> None:
        self._flush()
        self._out.rejects.append(reject(self.ctx, offset, raw, reason, SOURCE_TYPE))

    # -- one record ------------------------------------------------------------------

    def _parse(self, text: str, offset: int, length: int, index: int) -> _Record | str:
        """Parse one record's header; return a reason when it is not a valid record."""
        pri = None
        unmapped: dict[str, str] = {}
        if text.startswith("<"):
            m5424 = _RFC5424.match(text)
            if m5424 is not None:
                return self._parse_5424(text, m5424, offset, length, index)
            mpri = _PRI.match(text)
            if mpri is None:
                return "no syslog header (malformed <PRI>)"
            pri = int(mpri.group(1))
            text = text[mpri.end() :]
        time, rest = self._time(text)
        if time is None:
            return rest
        host, app, pid, message = _host_tag(rest, unmapped)
        record = _Record(offset, length, index, time, host, app, pid, message, unmapped=unmapped)
        if pri is not None and not _set_priority(record, pri):
            return f"<PRI> {pri} out of range (0..191)"
        _unwrap_message(record, self._last)
        return record

    def _parse_5424(
        self, text: str, m: re.Match[str], offset: int, length: int, index: int
    ) -> _Record | str:
        pri, stamp, host, app, procid, msgid = m.groups()
        if stamp == "-":
            return "RFC5424 record without a timestamp"
        time = parse_rfc3339(stamp, self.ctx.tz)
        if time is None:
            return f"RFC5424 timestamp {stamp!r} is not an RFC3339 time"
        rest = text[m.end() :]
        unmapped: dict[str, str] = {}
        if rest.startswith("-"):
            rest = rest[1:]
        else:
            sd = _STRUCTURED_DATA.match(rest)
            if sd is None:
                return "RFC5424 structured data is malformed"
            unmapped["structured_data"] = sd.group()
            rest = rest[sd.end() :]
        if msgid != "-":
            unmapped["msgid"] = msgid
        message = rest.lstrip(" ").removeprefix("\ufeff")
        record = _Record(
            offset,
            length,
            index,
            time,
            None if host == "-" else host,
            None if app == "-" else app,
            to_int(procid),
            message,
            unmapped=unmapped,
        )
        if procid != "-" and record.pid is None:
            unmapped["procid"] = procid
        if not _set_priority(record, int(pri)):
            return f"<PRI> {pri} out of range (0..191)"
        _unwrap_message(record, self._last)
        return record

    def _time(self, text: str) -> tuple[datetime | None, str]:
        """Return the header time and the text after it, or (None, reason)."""
        m = _RFC3164_TIME.match(text) or _ISO_TIME.match(text)
        if m is None:
            return None, "no syslog header (expected <PRI>, 'Nov 27 02:10:00' or an ISO time)"
        stamp = m.group()
        time = self._time_of(stamp)
        if time is None:
            return None, f"invalid date or time {stamp!r}"
        rest = text[m.end() :]
        return time, rest[1:].lstrip(" ") if rest.startswith(":") else rest.lstrip(" ")

    def _time_of(self, stamp: str) -> datetime | None:
        """Return the UTC time of a header timestamp (cached: lines share their second)."""
        time = self._times.get(stamp, _UNSEEN)
        if time is _UNSEEN:
            if len(self._times) > 4096:
                self._times.clear()
            if stamp[0].isdigit():
                time = parse_rfc3339(stamp, self.ctx.tz)
            else:
                m = _RFC3164_TIME.fullmatch(stamp)
                time = self._rfc3164(m) if m is not None else None
            self._times[stamp] = time
        return time

    def _rfc3164(self, m: re.Match[str]) -> datetime | None:
        """Return the UTC time of an RFC3164 stamp, its year inferred (module docstring)."""
        month = _MONTHS.get(m.group(1))
        if month is None:
            return None
        day, hour, minute, second = (int(g) for g in m.group(2, 3, 4, 5))
        micros = int((m.group(6) or "0").ljust(6, "0"))
        latest = self._reference + _SLACK
        for year in (self._reference.year, self._reference.year - 1):
            try:
                local = datetime(year, month, day, hour, minute, second, micros, self.ctx.tz)
            except ValueError:  # Feb 29 outside a leap year, day 31 of a short month
                continue
            time = local.astimezone(UTC)
            if time <= latest:
                return time
        return None

    # -- rows --------------------------------------------------------------------------

    def _flush(self) -> None:
        """Turn the pending record into rows."""
        record = self._pending
        if record is None:
            return
        self._pending = None
        self._last = record
        self._emit(record)

    def _emit(self, record: _Record) -> None:
        """Turn a complete record into rows (or hand it to the auditd parser)."""
        message = record.message
        app = record.app
        if app in _AUDIT_CARRIERS and self._feed_audit(record):
            return
        source_type = SOURCE_TYPE
        partial: Mapping[str, Any] | None
        if app in _DOCKER_PROGRAMS:
            source_type = "dockerd"
            pairing = self._pairing.pop(record.host, None) or ApiPairing()
            self._pairing[record.host] = pairing  # the host seen last, last
            if len(self._pairing) > MAX_PAIRED_HOSTS:  # host names are the senders' text
                del self._pairing[next(iter(self._pairing))]
            partial = relayed_dockerd_row(message, pairing)
        else:
            partial = shared_program_row(app, message) if app else None
        events = self._out.events
        for i in range(record.repeat):
            events.append(self._row(record, source_type, partial, i))

    def _row(
        self, record: _Record, source_type: str, partial: Mapping[str, Any] | None, i: int
    ) -> Row:
        if partial is None:
            time, class_uid = record.time, 0
        else:
            time, class_uid = partial.get("time", record.time), partial["class_uid"]
        row = event_row(
            self.ctx,
            source_type,
            time,
            class_uid,
            record.offset,
            record.length,
            record.host,
            record.index + i,
        )
        row["app_name"] = record.app
        row["process_pid"] = record.pid
        row["message"] = record.message
        row["severity"] = record.severity
        unmapped = record.unmapped
        if partial is not None:
            row.update(partial)
            extra = partial.get("unmapped")
            if extra:
                row["unmapped"] = {**unmapped, **extra}
                return row
        if unmapped:
            row["unmapped"] = dict(unmapped)
        return row

    def _feed_audit(self, record: _Record) -> bool:
        """Hand an audit record inside a syslog message to the auditd parser."""
        message = record.message
        if record.app == "kernel":
            stamp = _KERNEL_STAMP.match(message)
            if stamp is not None:
                message = message[stamp.end() :]
            if not message.startswith("audit: "):
                return False
            message = message[len("audit: ") :]
        text = message.encode("utf-8", "surrogateescape")
        return self._audit.feed(text, record.offset, record.length, record.host, record.time)


class _Scan(SyslogParser):
    """Reads a window around a planned cut as SyslogParser does; notes state, makes no rows."""

    def __init__(self) -> None:
        super().__init__(_SCAN_CONTEXT)
        self.spans = Spans()

    def feed(self, block: bytes, offset: int) -> None:
        """Read every line one by one: `_emit` notes the spans."""
        self._lines(block, offset)

    def _emit(self, record: _Record) -> None:
        app = record.app
        if app in _AUDIT_CARRIERS:
            self.spans.audit(record.offset, record.message.encode("utf-8", "surrogateescape"))
        elif app in _DOCKER_PROGRAMS:
            afresh = _surely_a_record(record.time) and afresh_row(record.message) is not None
            self.spans.pairing(record.offset, record.host, afresh)


# The scan takes every RFC3164 time that is valid in some year (its years are 2024, a
# leap year, and 2023), so it sees every record a parser of the file sees.
_SCAN_CONTEXT = SourceContext("", reference_time=datetime(2024, 12, 31, tzinfo=UTC))


def _surely_a_record(time: datetime) -> bool:
    """Tell whether a record the scan read is surely one whatever the file's year and zone.

    Only Feb 29 without a year, and times at the ends of years 1..9999 (where a zone may
    push them out), are valid for some files and not others.
    """
    return not (time.month == 2 and time.day == 29) and 1 < time.year < 9999


def _opens_record(raw: bytes) -> bool:
    """Tell whether a line opens a record that owes nothing to the lines before it.

    It takes `_line`'s fast path (so it is no continuation, no `last message repeated`
    and no reject), with a time that is valid whatever the file's year: a date of a
    year that is not a leap year is valid in every year.
    """
    common = _COMMON.match(raw.rstrip(b"\r\n").decode("utf-8", "backslashreplace"))
    if common is None or common.group(5).startswith(_SPECIAL_MESSAGES):
        return False
    stamp = common.group(1)
    if stamp[0].isdigit():
        return parse_rfc3339(stamp) is not None  # _COMMON's ISO times carry their zone
    month = _MONTHS.get(stamp[:3])
    if month is None:
        return False
    day, hour, minute, second = (int(stamp[i : i + 2]) for i in (4, 7, 10, 13))
    try:
        datetime(2023, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _reference_time(ctx: SourceContext) -> datetime:
    """Return the latest time an RFC3164 line of this file may have (module docstring)."""
    if ctx.reference_time is not None:
        return ctx.reference_time.astimezone(UTC)
    now = datetime.now(UTC)
    if ctx.year is not None:
        # The file's year without its month: a line later than now is still last year's;
        # of an older year, every time of that year (and none of the next) is allowed.
        end = datetime(ctx.year, 12, 31, 23, 59, 59, tzinfo=ctx.tz).astimezone(UTC)
        return min(now, end - _SLACK)
    return now


def _header_start(text: str) -> re.Match[str] | None:
    """Match the start of a syslog header: <PRI>, an RFC3164 time or an ISO time."""
    if text.startswith("<"):
        m = _PRI.match(text)
        if m is None:
            return None
        after = text[m.end() :]
        if after.startswith("1 "):
            return m
        return _RFC3164_TIME.match(after) or _ISO_TIME.match(after)
    return _RFC3164_TIME.match(text) or _ISO_TIME.match(text)


def _host_tag(
    rest: str, unmapped: dict[str, str]
) -> tuple[str | None, str | None, int | None, str]:
    """Split `HOSTNAME TAG MSG` (HOSTNAME optional) into host, app, pid and message."""
    if rest.startswith(_LAST_REPEATED_START):
        return None, None, None, rest
    first, _, after = rest.partition(" ")
    # A tag ends with `:` or holds `[`; a host name does neither.
    if first.startswith("[") or first.endswith(":") or "[" in first:
        host, tag_text, message = None, first, after
    else:
        host = first or None
        after = after.lstrip(" ")
        if after.startswith(_LAST_REPEATED_START):
            return host, None, None, after
        tag_text, _, message = after.partition(" ")
    m = _TAG.fullmatch(tag_text)
    if m is None:
        return host, None, None, f"{tag_text} {message}".strip(" ")
    app, module, pid_text = m.groups()
    pid = to_int(pid_text)
    if module is not None or (pid_text and pid is None):
        unmapped["syslog_tag"] = tag_text.rstrip(":")  # `sshd(pam_unix)[123]`
    message = message.lstrip(" ")
    solaris = _SOLARIS_ID.match(message)
    if solaris is not None:
        unmapped["solaris_msgid"] = solaris.group(1)
        unmapped["solaris_priority"] = solaris.group(2)
        message = message[solaris.end() :]
    return host, app, pid, message


def _set_priority(record: _Record, pri: int) -> bool:
    """Set severity and facility from a PRI value; False when it is out of range."""
    if pri > 191:
        return False
    facility, severity = divmod(pri, 8)
    record.severity = _SEVERITIES[severity]
    record.unmapped["syslog_facility"] = _FACILITIES[facility]
    return True


def _unwrap_message(record: _Record, last: _Record | None) -> None:
    """Expand `message repeated N times: [ msg ]` and `last message repeated N times`."""
    message = record.message
    if message.startswith("message repeated "):
        m = _REPEATED.match(message)
        if m is not None:
            _repeat(record, int(m.group(1)))
            record.message = m.group(2)
    elif message.startswith(_LAST_REPEATED_START):
        m = _LAST_REPEATED.match(message)
        if m is not None and last is not None:
            _repeat(record, int(m.group(1)))
            record.host = record.host or last.host
            record.app, record.pid, record.message = last.app, last.pid, last.message


def _repeat(record: _Record, count: int) -> None:
    """Make the record `count` events, at most MAX_REPEAT_EXPANSION; keep the true count."""
    record.unmapped["repeated"] = str(count)
    if count > MAX_REPEAT_EXPANSION:
        record.unmapped["repeat_capped"] = "true"
    record.repeat = min(max(count, 1), MAX_REPEAT_EXPANSION)
