"""Hand audit records found inside another format (syslog, journald) to an AuditdParser.

The wrapping parser keeps the accounting rule only if it holds back its own rows that
lie at or after the first line the auditd parser has not emitted yet: a `finish(False)`
may return that line's offset, and everything after it is fed again by the next run.
"""

from __future__ import annotations

from datetime import datetime

from auditlake.parsers.auditd import AuditdParser
from auditlake.parsers.base import ParseOutput, Row, SourceContext

_PAST_EVERY_OFFSET = 2**63 - 1  # nothing held back: every row may go (int64)


class AuditRelay:
    """An AuditdParser made on first use, and the offsets it has taken but not emitted."""

    def __init__(self, ctx: SourceContext) -> None:
        self.ctx = ctx
        self._parser: AuditdParser | None = None
        self._pending: dict[int, None] = {}  # insertion order is file order
        self._taken = False  # whether any record was accepted

    def feed(
        self, text: bytes, offset: int, length: int, host: str | None, time: datetime | None = None
    ) -> bool:
        """Give one unwrapped record to the auditd parser; False if it is not one."""
        if self._parser is None:
            self._parser = AuditdParser(self.ctx)
        if self._parser.feed_record(text, offset, length, host, time=time):
            self._pending[offset] = None
            self._taken = True
            return True
        return False

    def release(self, held: ParseOutput) -> ParseOutput:
        """Return the auditd rows so far and those of `held` before the first not emitted."""
        # `held` keeps its rows at or after that record: a finish(False) may resume there
        out = self._take()
        out.extend(held.take_before(next(iter(self._pending), _PAST_EVERY_OFFSET)))
        return out

    def finish(self, final: bool) -> tuple[int | None, int | None, ParseOutput]:
        """Close the auditd parser; return its resume offset, first held-back record, rows."""
        # resume is None if no record was taken; held-back None if all were emitted
        if self._parser is None:
            return None, None, ParseOutput()
        resume = self._parser.finish(final)
        out = self._take()
        held_back = next(iter(self._pending), None)
        self._pending.clear()  # emitted now, or held back to be fed again by the next run
        return (resume if self._taken else None), held_back, out

    def _take(self) -> ParseOutput:
        """Return the auditd parser's rows so far, forgetting their offsets."""
        if self._parser is None:
            return ParseOutput()
        out = self._parser.drain()
        rows: list[Row] = [*out.events, *out.auditd_records, *out.rejects]
        for row in rows:
            self._pending.pop(row["source_offset"], None)
        return out
