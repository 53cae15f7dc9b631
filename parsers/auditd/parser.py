"""AuditdParser: auditd log lines (RAW or ENRICHED) -> events, auditd_records, rejects.

Streaming and incremental (see parsers/base.py). Rows leave the parser only when no
later run can need them again: an event is emitted once it is closed (assemble.py) and
every record of it lies before the *resume point*, the smallest first-line offset of
any event still held back; rejects are emitted only before that point too. Records of
events interleave, so the point is a fixed point: holding an event back lowers the
point, which may hold back another closed event that has a record past it, and so on.

`feed_record` takes one audit record whose wrapper (syslog prefix, journald fields)
another parser stripped, with the offset and length of the wrapper's line. It accepts:
- `[node=N ]type=T msg=audit(S.MMM:SERIAL): fields` (T a name, `UNKNOWN[n]` or a
  number), as audispd / audisp-syslog forward it;
- `type=1130 audit(S.MMM:SERIAL): fields`, the kernel's printk form (`kernel: audit:`);
- `TYPE_NAME fields` with no stamp (journald's `audit[1]: SERVICE_START pid=1 ...`),
  only when the caller passes the record's `time` (and `serial` if known; without it
  the record is an event of its own, serial 0) and TYPE_NAME is a known record type.
Anything else returns False (not an audit record; the caller keeps the line itself).
"""

from __future__ import annotations

import re
from datetime import datetime
from operator import attrgetter
from typing import ClassVar

from auditlake.parsers.auditd import cuts
from auditlake.parsers.auditd.assemble import Assembler, Event
from auditlake.parsers.auditd.normalize import build_rows
from auditlake.parsers.auditd.record import Record, parse_bare_record, parse_record
from auditlake.parsers.base import ParseOutput, Parser, Row, SourceContext, reject
from auditlake.parsers.rows import blank_reject, gc_paused, split_lines_merging_blanks

_SNIFF = re.compile(rb"(?:node=\S+ )?type=\S+ msg=audit\(\d+\.\d+:\d+\)")
_NEVER = 2**63  # a resume point past any offset: nothing held back
_FIRST_OFFSET = attrgetter("first_offset")


class AuditdParser(Parser):
    """auditd log files, and audit records unwrapped by the syslog/journald parsers."""

    source_type: ClassVar[str] = "auditd"
    name: ClassVar[str] = "auditd"

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._assembler = Assembler()
        self._closed: list[Event] = []  # closed events not yet emitted
        self._rejects: list[Row] = []  # rejects not yet emitted
        self._out = ParseOutput()
        self._end = 0

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        """Tell whether most of the first non-comment lines are audit records."""
        lines = [ln for ln in head.split(b"\n")[:64] if ln.strip() and not ln.startswith(b"#")]
        lines = lines[:20]
        hits = sum(1 for ln in lines if _SNIFF.match(ln))
        return hits > 0 and 2 * hits >= len(lines)

    cut_context: ClassVar[int] = cuts.CUT_CONTEXT

    @classmethod
    def find_cut(cls, window: bytes, at: int) -> int | None:
        """Cut only between events (see cuts.py): an event's records may span lines."""
        return cuts.find_cut(window, at)

    def feed(self, block: bytes, offset: int) -> None:
        """Parse a block of whole lines starting at byte `offset` of the file."""
        host = self.ctx.host
        with gc_paused():  # rows and records are acyclic; the GC's scans cost 1.2-1.7x here
            for pos, line in split_lines_merging_blanks(block, offset):
                if line.isspace():
                    self._rejects.append(blank_reject(self.ctx, pos, line, self.source_type))
                    continue
                text = line[:-1] if line[-1] == 0x0A else line
                self._take(parse_record(text, pos, len(line), host), line, pos)
        self._end = max(self._end, offset + len(block))

    def feed_record(
        self,
        text: bytes,
        offset: int,
        length: int,
        host: str | None,
        *,
        time: datetime | None = None,
        serial: int | None = None,
    ) -> bool:
        """Take one unwrapped audit record (forms in the module docstring); False if none.

        The record belongs to `host`, the host its wrapper names (else the file's host),
        whatever its `node=` says (kept in `node`): whoever writes a relayed line chooses
        its node=, and must not place it in another host's trail.
        """
        host = host or self.ctx.host
        record = parse_record(text.rstrip(b"\n"), offset, length, host)
        if isinstance(record, str):
            if time is None:
                return False
            millis = int(time.timestamp()) * 1000 + time.microsecond // 1000
            bare = parse_bare_record(text.rstrip(b"\n"), offset, length, host, millis, serial or 0)
            if bare is None:
                return False
            record = bare
        if host is not None and record.host != host:
            record = record._replace(host=host)
        self._closed.extend(self._assembler.push(record))
        self._end = max(self._end, offset + length)
        return True

    def _take(self, record: Record | str, line: bytes, offset: int) -> None:
        """Queue a parsed record for assembly, or the line (with its newline) as a reject."""
        if isinstance(record, str):
            self._rejects.append(reject(self.ctx, offset, line, record, self.source_type))
            return
        closed = self._assembler.push(record)
        if closed:
            self._closed.extend(closed)

    def drain(self) -> ParseOutput:
        """Emit what no later input can change; hand over the rows made so far."""
        self._release(self._assembler.open_events())
        out, self._out = self._out, ParseOutput()
        return out

    def finish(self, final: bool) -> int:
        """Close the input; return the offset up to which everything fed is emitted."""
        if final:
            self._closed.extend(self._assembler.flush())
            self._release([])
            return self._end
        self._closed.extend(self._assembler.close_expired())
        point = self._release(self._assembler.open_events())
        self._assembler.flush()  # held back: the next run feeds these lines again
        self._closed.clear()
        self._rejects.clear()
        return self._end if point == _NEVER else point

    def _release(self, still_open: list[Event]) -> int:
        """Emit closed events and rejects that lie wholly before the resume point."""
        with gc_paused():  # building the rows allocates the most
            return self._release_before(still_open)

    def _release_before(self, still_open: list[Event]) -> int:
        """Emit what lies wholly before the resume point; return that point."""
        point = min((e.first_offset for e in still_open), default=_NEVER)
        closed = sorted(self._closed, key=_FIRST_OFFSET)
        # One pass from the last event back: each event that spans the point lowers it to
        # its first line, and an event passed starts at or after the point, held back.
        for event in reversed(closed):
            if event.first_offset < point <= event.last_offset:
                point = event.first_offset
        ready = [e for e in closed if e.last_offset < point]
        self._closed = [e for e in closed if e.last_offset >= point]
        for event in ready:
            event_row, record_rows = build_rows(event, self.ctx)
            self._out.events.append(event_row)
            self._out.auditd_records.extend(record_rows)
        self._out.rejects.extend(r for r in self._rejects if r["source_offset"] < point)
        self._rejects = [r for r in self._rejects if r["source_offset"] >= point]
        return point
