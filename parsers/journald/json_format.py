"""`journalctl -o json` (one object per line), `json-seq`, `json-pretty`, JSON arrays.

Values are strings, arrays of byte values (binary data: not UTF-8 or with control
characters), arrays of those for repeated fields, or null when the field is over
journalctl's size limit (4096 bytes without `--all`). A multi-line (pretty) entry is
one row whose span covers all its lines; array punctuation lines (`[`, `]`, `,`) belong
to the span of the entry next to them. A large file may be read in ranges, each starting
at an entry on lines of its own that no audit event or dockerd API pair spans (cuts.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson
from auditlake.parsers.base import SourceContext
from auditlake.parsers.cuts import Spans, whole_lines
from auditlake.parsers.journald.entry import JournalEntry, JournalLineParser, note_state
from auditlake.parsers.rows import blank_reason

# A pretty-printed entry larger than this is rejected rather than buffered.
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_PUNCTUATION = frozenset({b"[", b"]", b",", b"],", b"[]"})
_ONLY_STR = frozenset({str})


def _text(value: Any) -> str:
    """Return one field value as text; byte arrays decode as UTF-8 (bad bytes as \\xNN)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b <= 255 for b in value):
        return bytes(value).decode("utf-8", "backslashreplace")
    return orjson.dumps(value).decode()


def entry_from_json(obj: dict[str, Any]) -> JournalEntry:
    """Build an entry from a decoded journalctl JSON object."""
    if set(map(type, obj.values())) <= _ONLY_STR:
        return JournalEntry(obj)  # the common case: nothing binary, repeated or null
    fields: dict[str, str] = {}
    more: dict[str, list[str]] = {}
    nulls: list[str] = []
    for name, value in obj.items():
        if value is None:
            nulls.append(name)
        elif isinstance(value, list) and value and not isinstance(value[0], int):
            values = [_text(v) for v in value if v is not None]  # a repeated field
            if values:
                fields[name] = values[0]
                if len(values) > 1:
                    more[name] = values[1:]
        else:
            fields[name] = _text(value)
    return JournalEntry(fields, more, nulls)


class JournaldJsonParser(JournalLineParser):
    """journalctl JSON output: JSON lines, pretty-printed objects, or a JSON array."""

    name: ClassVar[str] = "journald-json"

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._prefix: list[bytes] = []  # punctuation lines waiting for the next entry
        self._prefix_offset = 0
        self._lines: list[bytes] = []  # an open pretty-printed entry
        self._open_offset = 0
        self._open_size = 0
        # the last entry, its offset and lines: it may still take a trailing "]" line
        self._last: tuple[JournalEntry, int, list[bytes]] | None = None

    @classmethod
    def find_cut(cls, window: bytes, at: int) -> int | None:
        """Cut before an entry on lines of its own that no audit event or dockerd API pair
        spans: the window is read as this parser reads it (parsers/cuts.py).
        """
        first, lines = whole_lines(window)
        scan = _Scan()
        scan.feed(lines, first)
        scan.finish(True)
        return scan.spans.first_free(scan.starts, at)

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        start = head.lstrip(b"[ \t\r\n\x1e")
        return start.startswith(b"{") and (
            b'"__REALTIME_TIMESTAMP"' in head or b'"__CURSOR"' in head
        )

    def _line(self, offset: int, line: bytes) -> None:
        stripped = line.strip().lstrip(b"\x1e")  # json-seq puts RS before each entry
        if self._lines:
            self._continue_entry(line, stripped)
        elif len(stripped) <= 2 and stripped in _PUNCTUATION:  # no hash of a whole entry
            if self._last is not None:
                self._last[2].append(line)
            else:
                self._prefix_offset = offset if not self._prefix else self._prefix_offset
                self._prefix.append(line)
        elif not stripped:
            self._flush_last()
            self._reject_line(offset, line, blank_reason(line))
        elif stripped.startswith((b"{", b"[{")):
            self._flush_last()
            body = stripped.lstrip(b"[").rstrip(b",]")
            try:
                obj = orjson.loads(body)
            except orjson.JSONDecodeError as e:
                if body.endswith(b"}"):
                    self._reject_line(offset, line, f"invalid JSON: {e}")
                else:
                    self._lines, self._open_offset, self._open_size = [line], offset, len(line)
                return
            self._complete(obj, offset, line)
        else:
            self._flush_last()
            self._reject_line(offset, line, "not a journal JSON entry (expected a JSON object)")

    def _continue_entry(self, line: bytes, stripped: bytes) -> None:
        self._lines.append(line)
        self._open_size += len(line)
        if stripped.startswith(b"}"):
            # journalctl writes no line breaks inside values: this "}" ends the entry
            raw = b"".join(self._lines)
            self._lines = []
            try:
                obj = orjson.loads(raw.strip().lstrip(b"[").rstrip(b",]"))
            except orjson.JSONDecodeError as e:
                self._reject_line(self._open_offset, raw, f"invalid JSON: {e}")
                return
            self._complete(obj, self._open_offset, raw)
        elif self._open_size > MAX_ENTRY_BYTES:
            raw = b"".join(self._lines)
            self._lines = []
            self._reject_line(self._open_offset, raw, f"JSON entry over {MAX_ENTRY_BYTES} bytes")

    def _complete(self, obj: Any, offset: int, raw: bytes) -> None:
        if self._prefix:
            offset, raw = self._prefix_offset, b"".join(self._prefix) + raw
            self._prefix = []
        if not isinstance(obj, dict):
            self._reject(offset, raw, "JSON value is not an object")
            return
        try:
            entry = entry_from_json(obj)
        except orjson.JSONEncodeError:  # orjson reads 1024 levels and writes 255
            self._reject(offset, raw, "a field holds JSON nested too deep to keep")
            return
        self._last = (entry, offset, [raw])

    def _flush_last(self) -> None:
        if self._last is not None:
            entry, offset, parts = self._last
            self._last = None
            self._emit(entry, offset, b"".join(parts))

    def _reject_line(self, offset: int, line: bytes, reason: str) -> None:
        if self._prefix:
            offset, line = self._prefix_offset, b"".join(self._prefix) + line
            self._prefix = []
        self._reject(offset, line, reason)

    def _close(self, final: bool) -> int:
        self._flush_last()
        resume = self._end
        if self._lines:
            if final:
                raw = b"".join(self._lines)
                self._reject_line(self._open_offset, raw, "JSON entry not closed at end of file")
            else:
                resume = self._prefix_offset if self._prefix else self._open_offset
            self._lines = []
        elif self._prefix:
            if final:
                raw = b"".join(self._prefix)
                self._reject(self._prefix_offset, raw, "JSON punctuation, not a record")
            else:
                resume = self._prefix_offset
        self._prefix = []
        return resume


class _Scan(JournaldJsonParser):
    """Reads a window around a planned cut as the parser does; notes state, makes no rows."""

    def __init__(self) -> None:
        super().__init__(SourceContext(""))
        self.spans = Spans()
        self.starts: list[int] = []  # entries that start on a line of their own

    def _emit(self, entry: JournalEntry, offset: int, raw: bytes) -> None:
        note_state(self.spans, entry, offset)
        newline = raw.find(b"\n")
        first_line = raw if newline < 0 else raw[:newline]
        if first_line.strip().lstrip(b"\x1e") not in _PUNCTUATION:
            self.starts.append(offset)  # no `[` or `,` line before it joined its span
