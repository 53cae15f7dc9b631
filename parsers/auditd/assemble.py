"""Group records into events by (node or host, timestamp, serial).

auditd writes no EOE record to its log files, so an event is closed by log time: once
a record more than `window_ms` newer than the event's stamp has been seen, no further
record of it is expected (the kernel emits all records of an event at syscall exit;
ausearch uses a 2 s horizon, we keep 3 s). Records of different events may be
interleaved and out of order, and files whose lines were sorted or merged jump in time,
so an event also stays open until `min_records` further records have been read. Events
close in the order they opened; one whose stamp is newer than what follows (the clock
went back) closes after `max_records` further records at the latest, so it cannot keep
the ones behind it open. A record of an already closed key starts a new event.
Memory stays bounded: at most `max_open` events are open; past that the oldest opened
closes first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from auditlake.parsers.auditd.record import Record

EventKey = tuple[str | None, int, int, int]
WINDOW_MS = 3000
MIN_RECORDS = 64
MAX_RECORDS = 10_000
MAX_OPEN = 100_000


@dataclass(slots=True)
class Event:
    """The records sharing one event key, in the order they were read."""

    key: EventKey
    records: list[Record] = field(default_factory=list)
    millis_time: int = 0  # the stamp, in ms since the epoch
    last_seen: int = 0  # number of records read when its last record came

    # Lines are fed in file order, so records arrive with growing offsets.
    @property
    def first_offset(self) -> int:
        """Return the offset of the event's first line."""
        return self.records[0].offset

    @property
    def last_offset(self) -> int:
        """Return the offset of the event's last line."""
        return self.records[-1].offset


class Assembler:
    """push(record) -> closed events; flush() -> every event still open."""

    def __init__(
        self,
        window_ms: int = WINDOW_MS,
        min_records: int = MIN_RECORDS,
        max_records: int = MAX_RECORDS,
        max_open: int = MAX_OPEN,
    ) -> None:
        self.window_ms = window_ms
        self.min_records = min_records
        self.max_records = max_records
        self.max_open = max_open
        self._open: OrderedDict[EventKey, Event] = OrderedDict()
        self._newest = -(2**62)  # newest record time seen, in ms
        self._count = 0  # records read

    def push(self, record: Record) -> list[Event]:
        """Add a record; return the events it closes (oldest opened first)."""
        self._count = count = self._count + 1
        seconds, millis = record.seconds, record.millis
        t = seconds * 1000 + millis
        # serial 0 is never the kernel's: a stampless wrapped record, an event of its own
        key = (record.host, seconds, millis, record.serial or -1 - record.offset)
        opened = self._open
        event = opened.get(key)
        if event is None:
            opened[key] = Event(key, [record], t, count)
        else:
            event.records.append(record)
            event.last_seen = count
        if t > self._newest:
            self._newest = t
        cutoff = self._newest - self.window_ms
        horizon = count - self.min_records
        far = count - self.max_records
        closed: list[Event] = []
        while opened:
            first = next(iter(opened.values()))
            if (
                first.last_seen > far
                and (first.millis_time >= cutoff or first.last_seen > horizon)
                and len(opened) <= self.max_open
            ):
                break
            closed.append(opened.popitem(last=False)[1])
        return closed

    def close_expired(self) -> list[Event]:
        """Close every open event older than the window (by log time only)."""
        cutoff = self._newest - self.window_ms
        expired = [k for k, e in self._open.items() if e.millis_time < cutoff]
        return [self._open.pop(k) for k in expired]

    def open_events(self) -> list[Event]:
        """Return the events still open (they may get more records)."""
        return list(self._open.values())

    def flush(self) -> list[Event]:
        """Close and return every open event: the input has ended."""
        events = list(self._open.values())
        self._open.clear()
        return events
