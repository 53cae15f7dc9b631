"""`journalctl -o export`: the binary-safe journal export format.

An entry is a run of fields ended by an empty line. A field is `NAME=value\\n` when the
value is printable text, else `NAME\\n`, a 64-bit little-endian length, the raw bytes
(which may hold newlines) and `\\n`. Field names may repeat within an entry. Because a
binary value may hold newlines, the parser keeps the bytes of the open entry across
blocks and cuts entries itself.
"""

from __future__ import annotations

import re
from typing import ClassVar

from auditlake.parsers.base import SourceContext
from auditlake.parsers.journald.entry import JournalEntry, JournalParser
from auditlake.parsers.rows import gc_paused

MAX_FIELD_BYTES = 64 * 1024 * 1024  # a larger declared length means the stream is corrupt
MAX_ENTRY_BYTES = 2 * MAX_FIELD_BYTES
_FIELD_NAME = re.compile(rb"[A-Za-z0-9_]+")
_FIRST_FIELD = re.compile(rb"_{0,2}[A-Z0-9][A-Z0-9_]*(?:=|\n)")


class _NeedMore(Exception):
    """The open entry continues past the bytes fed so far."""


class JournaldExportParser(JournalParser):
    """journalctl's export format (also what ingest gets from binary .journal files)."""

    name: ClassVar[str] = "journald-export"

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._buf = b""  # bytes of the open entry, starting at self._start
        self._start = 0

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return _FIRST_FIELD.match(head) is not None and (
            b"__REALTIME_TIMESTAMP=" in head or b"__CURSOR=" in head or head.startswith(b"MESSAGE")
        )

    def feed(self, block: bytes, offset: int) -> None:
        if not self._buf:
            self._start = offset
        self._buf += block
        pos = 0
        with gc_paused():
            while pos < len(self._buf):
                try:
                    pos = self._entry(pos, final=False)
                except _NeedMore:
                    break
        self._buf = self._buf[pos:]
        self._start += pos
        if len(self._buf) > MAX_ENTRY_BYTES:
            reason = f"export entry over {MAX_ENTRY_BYTES} bytes without its closing empty line"
            self._start += self._bad(0, len(self._buf), reason)
            self._buf = b""

    def _entry(self, pos: int, final: bool) -> int:
        """Parse the entry at `pos` of the buffer and emit it; return where the next starts."""
        buf = self._buf
        end = buf.find(b"\n\n", pos)
        if end > pos:
            entry = _text_entry(buf[pos:end])
            if entry is not None:  # the common case: every field is NAME=value
                self._emit(entry, self._start + pos, buf[pos : end + 2])
                return end + 2
        fields: dict[str, str] = {}
        more: dict[str, list[str]] = {}
        start = pos
        while True:
            newline = buf.find(b"\n", pos)
            if newline < 0:
                if not final:
                    raise _NeedMore
                newline = len(buf)  # the last line of a file without a final newline
            line = buf[pos:newline]
            if not line:  # the empty line that ends an entry
                pos = newline + 1
                break
            name, eq, value = line.partition(b"=")
            if eq:
                pos = newline + 1
            else:
                if _FIELD_NAME.fullmatch(name) is None:
                    return self._bad(start, newline + 1, "not an export field (NAME=value or NAME)")
                size_at = newline + 1
                if size_at + 8 > len(buf):
                    if not final:
                        raise _NeedMore
                    return self._bad(start, len(buf), f"binary field {_name(name)} cut short")
                size = int.from_bytes(buf[size_at : size_at + 8], "little")
                if size > MAX_FIELD_BYTES:
                    reason = f"binary field {_name(name)} declares {size} bytes"
                    return self._bad(start, size_at + 8, reason)
                end = size_at + 8 + size
                if end + 1 > len(buf):
                    if not final:
                        raise _NeedMore
                    return self._bad(start, len(buf), f"binary field {_name(name)} cut short")
                value = buf[size_at + 8 : end]
                pos = end + 1  # the newline after the data
            key, text = _name(name), value.decode("utf-8", "backslashreplace")
            if key in fields:
                more.setdefault(key, []).append(text)
            else:
                fields[key] = text
            if pos >= len(buf):
                if not final:
                    raise _NeedMore
                break
        if fields:
            self._emit(JournalEntry(fields, more), self._start + start, buf[start:pos])
        else:
            self._reject(self._start + start, buf[start:pos], "blank line, not an entry")
        return pos

    def _bad(self, start: int, stop: int, reason: str) -> int:
        """Reject the bytes of a broken entry up to the end of its line; go on after it."""
        self._reject(self._start + start, self._buf[start:stop], reason)
        return stop

    def _close(self, final: bool) -> int:
        if final:
            pos = 0
            while pos < len(self._buf):
                pos = self._entry(pos, final=True)
            self._start += len(self._buf)
            self._buf = b""
        return self._start


def _name(raw: bytes) -> str:
    return raw.decode("ascii", "backslashreplace")


def _text_entry(text: bytes) -> JournalEntry | None:
    """Return the entry of lines that are all `NAME=value`; None if any is not."""
    fields: dict[str, str] = {}
    more: dict[str, list[str]] = {}
    for line in text.split(b"\n"):
        name, eq, value = line.partition(b"=")
        if not eq:
            return None  # a binary field (or a blank line): the field-by-field path reads it
        key, value_text = _name(name), value.decode("utf-8", "backslashreplace")
        if key in fields:
            more.setdefault(key, []).append(value_text)
        else:
            fields[key] = value_text
    return JournalEntry(fields, more)
