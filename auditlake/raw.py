"""Read back the exact original lines behind an event from its source file.

Every row records the span it came from (`source_file`, `source_offset`,
`source_length`, offsets in the decompressed stream). The file may have been rotated,
compressed, truncated or deleted since ingest, so a span is checked before it is
trusted: it must start at a line start, have its full length, end at a line end, and
(for auditd) hold the record that was parsed from it. Ingest knows a file by its
content (`source_file_id`) and records every name it read it under, so a span whose
file was rotated (`audit.log` -> `audit.log.1` -> `audit.log.2.gz`) is looked for under
those names too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from auditlake.display import SafeText
from auditlake.errors import LakeError
from auditlake.ingest.readers import ByteStream, Limits, StreamStopped
from auditlake.render import escape_html, escape_terminal


@dataclass(frozen=True, slots=True)
class Span:
    """One line (or journal export entry) of a source file, as ingest recorded it."""

    source_file: str
    source_offset: int
    source_length: int
    record: str | None = None  # the auditd record parsed from it (`auditd_records.raw`)
    other_names: tuple[str, ...] = ()  # where ingest also read this file, latest first


@dataclass(frozen=True, slots=True)
class RawLines:
    """The original bytes behind one event, span by span, in file order."""

    event_uid: str
    spans: tuple[Span, ...]
    lines: tuple[bytes, ...]

    @property
    def data(self) -> bytes:
        """All lines, concatenated as they are in the file(s)."""
        return b"".join(self.lines)

    @property
    def text(self) -> SafeText:
        """The lines as text; bytes that are not UTF-8 are shown as `\\xNN`."""
        return SafeText(self.data.decode("utf-8", "backslashreplace"))

    def __str__(self) -> str:
        return escape_terminal(self.data.decode("utf-8", "backslashreplace"), keep_newlines=True)

    def __repr__(self) -> str:
        return f"RawLines({self.event_uid!r}, {len(self.lines)} lines)\n{self}"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{escape_html(s.source_file)}:{s.source_offset}</td>"
            f"<td><pre>{escape_html(line.decode('utf-8', 'backslashreplace'))}</pre></td></tr>"
            for s, line in zip(self.spans, self.lines, strict=True)
        )
        return f"<table><tr><th>file:offset</th><th>line</th></tr>{rows}</table>"


def _changed(name: str, span: Span, why: str) -> LakeError:
    return LakeError(
        f"the source file changed since ingest ({why}), so the original line of this "
        "event cannot be shown; it may have been rotated, truncated or rewritten: look "
        "for it under its rotated name or restore it from backup",
        f"{name}:{span.source_offset}",
    )


def read_span(span: Span) -> bytes:
    """Return the bytes of `span` from its file or another name of it; raise LakeError if none.

    The error is the one of the recorded name: that is where the analyst will look.
    """
    try:
        return _read_at(span, span.source_file)
    except LakeError as first:
        for name in span.other_names:
            if name == span.source_file:
                continue
            try:
                return _read_at(span, name)
            except LakeError:
                continue
        raise first from None


def _read_at(span: Span, name: str) -> bytes:
    """Return the bytes of `span` read from the file `name`, verified to be whole lines."""
    path = Path(name)
    if not path.is_file():
        raise LakeError(
            "the source file of this event is gone (deleted or moved since ingest); "
            "restore it, or find it under its rotated name, to see the original lines",
            name,
        )
    before = 1 if span.source_offset > 0 else 0
    try:
        with ByteStream(path, Limits()) as stream:
            stream.skip_to(span.source_offset - before)
            want = before + span.source_length + 1  # one byte past: is it the end of file?
            chunks: list[bytes] = []
            got = 0
            while got < want:
                chunk = stream.read(want - got)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
    except StreamStopped as exc:
        raise _changed(name, span, exc.reason) from None
    except OSError as exc:
        raise LakeError(f"cannot read the source file: {exc.strerror}", name) from None
    data = b"".join(chunks)
    line = data[before : before + span.source_length]
    if len(line) < span.source_length:
        raise _changed(name, span, f"it ends before byte {span.source_offset + span.source_length}")
    if before and data[:1] != b"\n":
        raise _changed(name, span, "the span no longer starts at a line start")
    at_eof = len(data) == before + span.source_length
    if not line.endswith(b"\n") and not at_eof:
        raise _changed(name, span, "the span no longer ends at a line end")
    if span.record is not None and not _holds(line, span.record):
        raise _changed(name, span, "the line differs from the audit record parsed from it")
    return line


def _holds(line: bytes, record: str) -> bool:
    """Whether `line` carries the audit `record`, directly or wrapped in a journal entry.

    The record's body (after `msg=audit(...): `) is what every transport keeps
    verbatim; journald's `_TRANSPORT=audit` entries keep it in MESSAGE (JSON-escaped in
    `journalctl -o json`) after the type name, with the header in other fields.
    """
    body = record.rstrip("\n").partition("): ")[2] or record.rstrip("\n")
    if body in line.decode("utf-8", "backslashreplace"):
        return True
    if not line.lstrip().startswith(b"{"):
        return False
    try:
        message = json.loads(line).get("MESSAGE")
    except (ValueError, AttributeError):
        return False
    if isinstance(message, list):  # journald writes binary values as arrays of bytes
        message = bytes(message).decode("utf-8", "backslashreplace")
    return isinstance(message, str) and body in message


def read_lines(event_uid: str, spans: list[Span]) -> RawLines:
    """Read and verify every span of one event."""
    ordered = tuple(sorted(spans, key=lambda s: (s.source_file, s.source_offset)))
    return RawLines(event_uid, ordered, tuple(read_span(s) for s in ordered))
