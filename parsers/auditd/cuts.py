"""Where a large audit log may be cut into ranges that parse on their own.

A range is parsed from its first line by a parser of its own, so a cut must not fall
inside an event: no event key (node, stamp, serial) may have records on both sides of
it. Records of one event are written together at syscall exit and interleave with
other events' only over a few lines, so such places abound; within the window we are
shown (a MiB each side), the first line start at or after the planned cut that no key
spans is taken. A key spanning more than the window would be split into two events
(each still emitted whole, nothing lost); the assembler itself closes an event long
before that (assemble.py: 64 records and 3 s later).
"""

from __future__ import annotations

import re

# The header as record.py reads it, anchored at a line start; the key is node + stamp.
_KEY = re.compile(rb"^(?:node=(\S*) )?type=\S+ (?:msg=)?audit\((\d+\.\d+:\d+)\)", re.MULTILINE)


def find_cut(window: bytes, at: int) -> int | None:
    """Return the first record line start at or after `at` that no event spans, or None."""
    first = window.find(b"\n") + 1  # the window may begin mid-line
    if first == 0:
        return None
    spans: dict[tuple[bytes | None, bytes], list[int]] = {}
    starts: list[int] = []
    for m in _KEY.finditer(window, first):
        start = m.start()
        starts.append(start)
        span = spans.get(m.group(1, 2))
        if span is None:
            spans[m.group(1, 2)] = [start, start]
        else:
            span[1] = start
    # a cut at p is inside an event when a key's first record is before p and its last
    # record at or after it
    opened = sorted((a, b) for a, b in spans.values() if a < b)
    reach, i = -1, 0  # the last record of the keys opened before the candidate
    for start in starts:
        while i < len(opened) and opened[i][0] < start:
            reach = max(reach, opened[i][1])
            i += 1
        if start >= at and reach < start:
            return start
    return None
