"""Where a large audit log may be cut into ranges that parse on their own.

A range is parsed from its first line by a parser of its own, so a cut must not fall
inside an event: no event's records may lie on both sides of it, as the assembler of a
whole read would group them (assemble.py). Its backstop closes an event once
`MAX_RECORDS` further records have been read (unless an older open event is kept open
by records of its own, and then that one spans the cut too). So a cut is taken only
where the window we are shown holds at least that many records on each side of it and
no event key has records on both sides within the window (parsers/cuts.py, shared with
the syslog and journald parsers, which relay audit records): then no event spans it,
whatever lies beyond the window. Lines that are no records (rejects) do not count, as
they do not for the assembler. Records of one event are written together at syscall
exit and interleave with others' only over a few lines, so such places abound in a
real log; where there is none (a forged or odd log), the file is not cut there.
"""

from __future__ import annotations

import re

from auditlake.parsers.auditd.assemble import MAX_RECORDS
from auditlake.parsers.cuts import Spans

# A record header as record.py accepts it (its stamp bounds too), at a line start.
_HEADER = re.compile(
    rb"^(?:node=\S* )?type=\S+ (?:msg=)?audit\(\d{1,11}\.\d{3}:\d{1,18}\)", re.MULTILINE
)
# Bytes on each side of a planned cut: room for MAX_RECORDS records of up to ~400 bytes.
CUT_CONTEXT = 4 << 20


def find_cut(window: bytes, at: int) -> int | None:
    """Return the first record line start at or after `at` that no event spans, or None."""
    first = window.find(b"\n") + 1  # the window may begin mid-line
    if first == 0:
        return None
    spans, starts = Spans(), []
    for m in _HEADER.finditer(window, first):
        starts.append(m.start())
        spans.audit(m.start(), m.group())
    # candidates with MAX_RECORDS records before them and MAX_RECORDS from them on
    usable = starts[MAX_RECORDS : len(starts) - MAX_RECORDS + 1]
    return spans.first_free(usable, at) if usable else None
