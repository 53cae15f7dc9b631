"""The contract every parser keeps: blocks of whole lines in, rows out, nothing lost.

A parser is fed blocks of complete lines (each ends with b"\\n", except possibly the
last line of a file that `finish(final=True)` closes). It never reads files itself:
`ingest` reads, decompresses, enforces the line-length limit and hands blocks in.

Accounting rule (the ingest guarantee rests on it): every line fed before the offset
that `finish()` returns appears, by its (source_offset, source_length), in at least one
emitted row: an `events` row, an `auditd_records` row, or a `rejects` row. Lines at or
after that offset are emitted nowhere and will be fed again by the next run.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from auditlake.parsers.cuts import line_starts

from auditlake.schema import REJECT_RAW_CAP

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a parser knows about the file it is fed, besides its bytes."""

    source_file: str  # the path recorded as provenance
    file_id: str = ""  # stable content identity of the file across renames/compression
    host: str | None = None  # fallback host when the content names none
    year: int | None = None  # year for timestamps without one (RFC3164); None: this year
    tz: tzinfo = UTC  # zone for timestamps without one
    # When the file was last written (its mtime). An RFC3164 time without a year is put in
    # the latest year that does not place it after this, so a Dec->Jan rollover inside the
    # file comes out right; without it, `year` and now stand in (see parsers/syslog.py).
    reference_time: datetime | None = None


@dataclass(slots=True)
class ParseOutput:
    """Rows ready to be written: dicts keyed by the schema's column names, or batches.

    A parser that builds rows column-wise (parsers/dockerd_columns.py) hands them over
    as `event_batches`, `events` rows of the full EVENTS schema (the writer stamps the
    file id); the rows of a file are those of both lists.
    """

    events: list[Row] = field(default_factory=list)
    auditd_records: list[Row] = field(default_factory=list)
    rejects: list[Row] = field(default_factory=list)
    event_batches: list[pa.RecordBatch] = field(default_factory=list)

    def extend(self, other: ParseOutput) -> None:
        self.events.extend(other.events)
        self.auditd_records.extend(other.auditd_records)
        self.rejects.extend(other.rejects)
        self.event_batches.extend(other.event_batches)

    def take_before(self, offset: int) -> ParseOutput:
        """Remove and return the rows (dicts and batches) that start before file `offset`.

        A parser holding rows back for an unfinished record (a relayed audit event, a
        record that may get continuation lines) keeps those at or after it.
        """
        before = ParseOutput()
        for name in ("events", "auditd_records", "rejects"):
            rows: list[Row] = getattr(self, name)
            getattr(before, name).extend(r for r in rows if r["source_offset"] < offset)
            setattr(self, name, [r for r in rows if r["source_offset"] >= offset])
        batches, self.event_batches = self.event_batches, []
        for batch in batches:
            if not batch.num_rows:
                continue
            span = pc.min_max(batch.column("source_offset"))
            if span["max"].as_py() < offset:  # the usual case: nothing held back
                before.event_batches.append(batch)
            elif span["min"].as_py() >= offset:
                self.event_batches.append(batch)
            else:
                early = pc.less(batch.column("source_offset"), pa.scalar(offset))
                before.event_batches.append(batch.filter(early))
                self.event_batches.append(batch.filter(pc.invert(early)))
        return before

    def event_count(self) -> int:
        """Return the number of `events` rows, dicts and batches together."""
        return len(self.events) + sum(b.num_rows for b in self.event_batches)

    def all_events(self) -> list[Row]:
        """Return every `events` row as a dict in file order (NULL columns of batches left out).

        For tests and previews, not the write path.
        """
        batched = [
            {k: v for k, v in row.items() if v is not None}
            for batch in self.event_batches
            for row in batch.to_pylist(maps_as_pydicts="strict")
        ]
        if not batched:
            return self.events
        return sorted([*self.events, *batched], key=lambda row: row["source_offset"])

    def __len__(self) -> int:
        return self.event_count() + len(self.auditd_records) + len(self.rejects)


class Parser(ABC):
    """One source format. Streaming: memory stays bounded whatever is fed."""

    source_type: ClassVar[str]  # auditd | journald | syslog | dockerd
    name: ClassVar[str]  # the format name `--format` accepts, e.g. "auditd", "journald-json"
    # True only if every line parses on its own (no state carried from earlier lines):
    # ingest may then parse newline-aligned ranges of one large file in parallel.
    splittable: ClassVar[bool] = False
    # Bytes on each side of a planned cut that `find_cut` is shown.
    cut_context: ClassVar[int] = 1 << 20
    # True if the audit records it hands on came through a carrier any local user writes
    # to (syslog's `audispd:` lines, the journal's text output): as forgeable as its
    # lines. Not so for audit.log and the journal's JSON and export forms, whose audit
    # records the kernel wrote (_TRANSPORT=audit). The view `source_files` shows it.
    relays_audit: ClassVar[bool] = False

    def __init__(self, ctx: SourceContext) -> None:
        self.ctx = ctx

    @classmethod
    def find_cut(cls, window: bytes, at: int) -> int | None:
        """Return where in `window` a new range of the file may start (at or after `at`).

        `window` holds the file's bytes around a planned cut, `at` is the cut's index in
        it; it may begin and end mid-line. Each range gets a parser of its own, fed from
        the range's first byte, so the cut must be a line start (`window[i - 1]` is a
        newline) that no row spans: the rows of a file read in ranges are those of a
        whole read. None: no such place here (the file is not cut there). By default the
        cut is the next whole line that `_opens_range` accepts, never a blank one: a run
        of blank lines is one reject (rows.split_lines_merging_blanks).
        """
        for start, line in line_starts(window, at):
            if not line.isspace() and cls._opens_range(line):
                return start
        return None

    @classmethod
    def _opens_range(cls, line: bytes) -> bool:
        """Tell whether parsing may start at this (non-blank) line: it owes nothing to earlier ones."""
        return cls.splittable

    @abstractmethod
    def feed(self, block: bytes, offset: int) -> None:
        """Parse a block of whole lines that starts at byte `offset` of the file."""

    @abstractmethod
    def drain(self) -> ParseOutput:
        """Take the rows completed so far (the parser forgets them)."""

    @abstractmethod
    def finish(self, final: bool) -> int:
        """Close the input; return the offset up to which everything fed is emitted.

        final=True: the file will not grow (rotated, compressed, or idle): close every
        open event; the return value is the end of the input. final=False: keep back
        what may still be incomplete (an audit event that may get more records); it is
        neither emitted nor rejected, and the next run feeds it again. Call drain()
        afterwards to take the last rows.
        """


def reject(ctx: SourceContext, offset: int, line: bytes, reason: str, source_type: str) -> Row:
    """Build a `rejects` row for one line (`line` includes its newline, if any)."""
    return {
        "source_file": ctx.source_file,
        "source_offset": offset,
        "source_length": len(line),
        "source_type": source_type,
        "reason": reason,
        "raw": line[:REJECT_RAW_CAP],
        "raw_sha256": hashlib.sha256(line).hexdigest(),
    }


# How much of a parser's own error message a row keeps (it may quote the input).
PARSER_ERROR_CAP = 300


def parser_error(exc: Exception) -> str:
    """Describe an error a parser raised on some input: a bug, kept beside the input.

    What a parser fails on is never lost, and never stops the run: a line it fails to
    read is a reject with this reason; a message or audit event it fails to interpret
    stays a Base Event, this text in `unmapped.parser_error`.
    """
    return f"parser error (a bug: please report it): {type(exc).__name__}: {exc}"[:PARSER_ERROR_CAP]


def parser_error_row(exc: Exception) -> Row:
    """Return a normalizer's partial row for a message it failed on: a flagged Base Event."""
    return {"class_uid": 0, "unmapped": {"parser_error": parser_error(exc)}}


def event_uid(file_id: str, offset: int, index: int = 0) -> str:
    """Return the deterministic id of the `index`-th event that starts at `offset`.

    It depends on the file's content identity, not its name, so a rotated or
    compressed copy of an already-read file yields the same ids.
    """
    digest = hashlib.blake2b(f"{file_id}:{offset}:{index}".encode(), digest_size=12)
    return digest.hexdigest()
