"""Where a syslog or journald file may be cut into ranges that parse on their own.

Each range gets a parser of its own, fed from the range's first line, so a cut must not
fall where one record passes state on to a later one. In these formats two kinds of
state cross records:
- an audit event: its records, relayed to the auditd parser (audit_relay.py), are
  grouped by their stamp, and other lines may come between them;
- dockerd's API pairing (dockerd.ApiPairing): a `form data` message takes the container
  name of the `Calling POST` message before it.
A parser reads the window it is shown around a planned cut as it would read the file
(its own header and entry logic, without making rows), notes here each message that
may hold such state, and takes the first candidate cut at or after the planned place
that no noted stretch covers. A stretch longer than the window (a MiB on each side) is
not seen: audit events are written at once and dockerd logs a pair from one request
handler, so a real one is not that long (forged relayed records of one stamp spaced
further apart could be grouped differently from a whole read; nothing is lost or
doubled). The auditd parser's own cuts also demand the assembler's horizon of records
on each side (auditd/cuts.py).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator

# An audit stamp anywhere in a record: records of one event share seconds and serial.
# Every stamp a message holds is taken as its event's (one of them is, if any): more
# than the auditd parser reads only leaves fewer places to cut.
_STAMP = re.compile(rb"audit\((\d{1,20})\.\d+:(\d{1,20})\)")


class Spans:
    """Stretches of a window no cut may fall in: (a, b) forbids a cut c with a < c <= b."""

    def __init__(self) -> None:
        self._events: dict[tuple[int, int], list[int]] = {}  # stamp -> first, last offset
        self._last_use: dict[Hashable, int] = {}  # pairing -> the last message that used it
        self._stretches: list[tuple[int, int]] = []

    def audit(self, offset: int, text: bytes) -> None:
        """Note a message at `offset` that may be an audit record: its event stays whole.

        A record without a stamp is an event of its own.
        """
        for m in _STAMP.finditer(text):
            key = (int(m.group(1)), int(m.group(2)))
            span = self._events.get(key)
            if span is None:
                self._events[key] = [offset, offset]
            else:
                span[1] = offset

    def pairing(self, offset: int, pairing: Hashable, afresh: bool) -> None:
        """Note a message at `offset` that may use the ApiPairing named `pairing`.

        `afresh`: the message surely uses it, and its row and the pairing it leaves owe
        nothing to the pairing before (dockerd.starts_afresh). Otherwise no cut may fall
        between it and the message that used the pairing before it (the window's start
        when none did).
        """
        if not afresh:
            self._stretches.append((self._last_use.get(pairing, -1), offset))
        self._last_use[pairing] = offset

    def first_free(self, starts: Iterable[int], at: int) -> int | None:
        """Return the first of `starts` (ascending) at or after `at` that no stretch covers."""
        events = ((a, b) for a, b in self._events.values() if a < b)
        stretches = sorted([*self._stretches, *events])
        reach, i = -1, 0  # the furthest end of the stretches that begin before the start
        for start in starts:
            while i < len(stretches) and stretches[i][0] < start:
                reach = max(reach, stretches[i][1])
                i += 1
            if start >= at and reach < start:
                return start
        return None


def line_starts(window: bytes, at: int = 0) -> Iterator[tuple[int, bytes]]:
    """Yield (start, line) for each whole line of `window` that starts at or after `at`.

    A line starts after a newline (the window may begin mid-line) and ends with one (it
    may end mid-line).
    """
    start = window.find(b"\n", max(at - 1, 0)) + 1
    while start > 0:
        end = window.find(b"\n", start) + 1
        if end == 0:
            return
        yield start, window[start:end]
        start = end


def whole_lines(window: bytes) -> tuple[int, bytes]:
    """Return the offset and bytes of the window's whole lines (see line_starts)."""
    first, end = window.find(b"\n") + 1, window.rfind(b"\n") + 1
    return first, window[first:end] if 0 < first < end else b""
