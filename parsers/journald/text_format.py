"""journalctl text output: `short`, `short-precise`, `short-iso`, `short-iso-precise`,
`short-full` and `short-unix`.

`HOST IDENT[PID]: MESSAGE` after the time. journalctl prints a multi-line message with
its later lines indented; they belong to the entry before them (one row, one span).
Marker lines (`-- Reboot --`, `-- Boot ID --`, `-- Logs begin at ... --`, `-- No
entries --`) say where boots and files begin; they are not records and are rejected
with that reason, so that every byte is still accounted for.

`short` and `short-precise` print no year: it is `SourceContext.year` (else the year of
`reference_time`, the file's mtime, which ingest passes; else this year), plus one each time the month steps back (December -> January). Times without a
zone (`short`, `short-precise`, `short-full` with a zone name other than UTC) are in
`SourceContext.tz`, the zone of the machine that ran journalctl.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import ClassVar

from auditlake.parsers.base import SourceContext
from auditlake.parsers.journald.entry import JournalEntry, JournalLineParser
from auditlake.parsers.line_parser import mostly
from auditlake.parsers.rows import blank_reason, parse_rfc3339, utc_from_micros

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_SHORT = re.compile(r"([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ")
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d) ")
_FULL = re.compile(
    r"[A-Z][a-z]{2} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ([A-Z]{2,5}|[+-]\d\d:?\d\d) "
)
_UNIX = re.compile(r"(\d{9,11})\.(\d{6}) ")
# After the time: HOST IDENT[PID]: MESSAGE (IDENT may be absent: `HOST MESSAGE`).
_REST = re.compile(r"(\S+) (?:([^\s\[\]]+?)(?:\[(\d+)\])?: )?(.*)", re.S)
_ISO_NO_COLON = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d{4} ")
# A multi-line entry larger than this ends; its further lines are rejected.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_MARKER = re.compile(r"-- .* --\s*")


class JournaldTextParser(JournalLineParser):
    """journalctl short-family text output."""

    name: ClassVar[str] = "journald-text"
    relays_audit: ClassVar[bool] = True

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._year = ctx.year or (ctx.reference_time or datetime.now(UTC)).year
        self._last_month = 0
        # the last entry, its offset, its lines and its message's lines: more may follow
        self._open: tuple[JournalEntry, int, list[bytes], list[str]] | None = None
        self._open_size = 0
        self._indent = 0  # where the open entry's message starts on its first line

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        if head.startswith((b"-- Logs begin at ", b"-- Journal begins at ")):
            return True
        # journalctl's short-iso zone has no colon (+0000); rsyslog's RFC 3339 has one.
        return mostly(head, lambda ln: _ISO_NO_COLON.match(ln) is not None)

    def _line(self, offset: int, line: bytes) -> None:
        text = line.decode("utf-8", "backslashreplace").rstrip("\r\n")
        if (
            text[:1] in (" ", "\t")
            and text.strip()
            and self._open is not None
            and self._open_size < MAX_ENTRY_BYTES
        ):
            # journalctl indents later lines to where the message began on the first one
            indent = (
                self._indent if text[: self._indent].isspace() else len(text) - len(text.lstrip())
            )
            self._open[2].append(line)
            self._open[3].append(text[indent:])
            self._open_size += len(line)
            return
        self._flush()
        if _MARKER.fullmatch(text):
            self._reject(offset, line, "journal text marker, not a record")
            return
        time, rest = self._time(text)
        if time is None:
            reason = (
                blank_reason(line) if not text.strip() else "not a journalctl short-format line"
            )
            self._reject(offset, line, reason)
            return
        m = _REST.fullmatch(rest)
        if m is None:
            self._reject(offset, line, "journalctl line without host and message")
            return
        host, ident, pid, message = m.groups()
        fields = {"_HOSTNAME": host, "MESSAGE": message}
        if ident:
            fields["SYSLOG_IDENTIFIER"] = ident
        if pid:
            fields["_PID"] = pid
        self._open = (JournalEntry(fields, time=time), offset, [line], [message])
        self._open_size = len(line)
        self._indent = len(text) - len(message)

    def _time(self, text: str) -> tuple[datetime | None, str]:
        """Return the time at the start of a line and the text after it."""
        if m := _ISO.match(text):
            return parse_rfc3339(text, self.ctx.tz), text[m.end() :]
        if m := _SHORT.match(text):
            return self._short_time(m), text[m.end() :]
        if m := _FULL.match(text):
            stamp, zone = m.groups()
            tz = UTC if zone in ("UTC", "GMT") else self.ctx.tz
            if zone[0] in "+-":
                return parse_rfc3339(f"{stamp}{zone}"), text[m.end() :]
            return parse_rfc3339(stamp, tz), text[m.end() :]
        if m := _UNIX.match(text):
            return utc_from_micros(int(m.group(1)) * 1_000_000 + int(m.group(2))), text[m.end() :]
        return None, text

    def _short_time(self, m: re.Match[str]) -> datetime | None:
        month_name, day, hour, minute, second, frac = m.groups()
        month = _MONTHS.get(month_name)
        if month is None:
            return None
        if month < self._last_month:
            self._year += 1  # December -> January
        self._last_month = month
        try:
            local = datetime(
                self._year,
                month,
                int(day),
                int(hour),
                int(minute),
                int(second),
                int((frac or "0").ljust(6, "0")),
                self.ctx.tz,
            )
            return local.astimezone(UTC)
        # Feb 29 outside a leap year, day 32, year 10000; 9999's last hours west of UTC
        except (ValueError, OverflowError):
            return None

    def _flush(self) -> None:
        if self._open is not None:
            entry, offset, lines, message = self._open
            self._open = None
            entry.fields["MESSAGE"] = "\n".join(message)
            self._emit(entry, offset, b"".join(lines))

    def _close(self, final: bool) -> int:
        self._flush()
        return self._end
