"""Where a large audit log may be cut into ranges that parse on their own.

A range is parsed from its first line by a parser of its own, so a cut must not fall
inside an event: no event's records may lie on both sides of it. Records of one event
are written together at syscall exit and interleave with other events' only over a few
lines, so such places abound; within the window we are shown (a MiB each side), the
first record line at or after the planned cut that no event spans is taken
(parsers/cuts.py, shared with the syslog and journald parsers, which relay audit
records). An event spanning more than the window would be split into two (each still
emitted whole, nothing lost); the assembler itself closes an event long before that
(assemble.py: 64 records and 3 s later).
"""

from __future__ import annotations

import re

from auditlake.parsers.cuts import Spans

# The header as record.py reads it, anchored at a line start.
_HEADER = re.compile(rb"^(?:node=\S* )?type=\S+ (?:msg=)?audit\(\d+\.\d+:\d+\)", re.MULTILINE)


def find_cut(window: bytes, at: int) -> int | None:
    """Return the first record line start at or after `at` that no event spans, or None."""
    first = window.find(b"\n") + 1  # the window may begin mid-line
    if first == 0:
        return None
    spans, starts = Spans(), []
    for m in _HEADER.finditer(window, first):
        starts.append(m.start())
        spans.audit(m.start(), m.group())
    return spans.first_free(starts, at)
