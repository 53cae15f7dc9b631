"""Building blocks of `events` rows shared by the line parsers: times and the row skeleton."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from auditlake.parsers.base import Row, SourceContext, event_uid

from auditlake.schema import CLASSES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# RFC 3339 / ISO 8601 as Go, journalctl and rsyslog write it: fraction of any length
# (Go writes nanoseconds), zone `Z`, `+hh:mm`, `+hhmm` or absent.
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(Z|z|[+-]\d\d(?::?\d\d)?)?"
)

_SECONDS: dict[tuple[str, str | None, tzinfo], datetime | None] = {}  # see parse_rfc3339
_SECONDS_CAP = 4096
_UNSEEN = datetime.min  # cache marker: a second not parsed yet

# UNMAPPED_CAP: longest value kept in an `unmapped` map entry (journal fields such as
# COREDUMP_PROC_MAPS run to hundreds of kilobytes; the raw bytes stay in the source).
UNMAPPED_CAP = 2048


def utc_from_micros(micros: int) -> datetime | None:
    """Return the UTC time `micros` microseconds after the epoch; None outside years 1..9999."""
    try:
        return EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return None


def parse_rfc3339(text: str, tz: tzinfo = UTC) -> datetime | None:
    """Parse an RFC 3339 time at the start of `text` to UTC (microseconds); None if not one.

    A time without a zone is taken in `tz`. Digits past microseconds are cut, not rounded.
    """
    m = _RFC3339.match(text)
    if m is None:
        return None
    frac = m.group(7)
    micros = int(frac[:6].ljust(6, "0")) if frac else 0
    # Lines share their second far more often than their fraction: cache the second.
    key = (text[: m.end(6)], m.group(8), tz)
    second = _SECONDS.get(key, _UNSEEN)
    if second is _UNSEEN:
        if len(_SECONDS) >= _SECONDS_CAP:
            _SECONDS.clear()
        second = _SECONDS[key] = _utc_second(m, tz)
    # A zone's offset is the same all through one second: the fraction adds on in UTC.
    return second if second is None or not micros else second + timedelta(microseconds=micros)


def _utc_second(m: re.Match[str], tz: tzinfo) -> datetime | None:
    """Return the UTC time of an RFC 3339 match without its fraction; None if invalid."""
    year, month, day, hour, minute, second, _, zone = m.groups()
    if zone is None:
        zone_info: tzinfo = tz
    elif zone in ("Z", "z"):
        zone_info = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        zone_info = timezone(sign * offset)
    try:
        local = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), 0, zone_info
        )
        return local.astimezone(UTC)
    except ValueError:  # e.g. month 13, second 61
        return None
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        return None


def event_row(
    ctx: SourceContext,
    *,
    source_type: str,
    time: datetime,
    class_uid: int,
    offset: int,
    length: int,
    host: str | None = None,
    index: int = 0,
) -> Row:
    """Return the columns every `events` row needs; callers add what they know."""
    return {
        "event_uid": event_uid(ctx.file_id or ctx.source_file, offset, index),
        "time": time,
        "event_date": time.date(),
        "source_type": source_type,
        "class_uid": class_uid,
        "class_name": CLASSES[class_uid],
        "device_hostname": host if host is not None else ctx.host,
        "source_file": ctx.source_file,
        "source_offset": offset,
        "source_length": length,
    }


def cap_value(value: str) -> str:
    """Cut a value for `unmapped` to UNMAPPED_CAP characters, saying how much was cut."""
    if len(value) <= UNMAPPED_CAP:
        return value
    return f"{value[:UNMAPPED_CAP]}...[{len(value) - UNMAPPED_CAP} more characters]"


def split_lines(block: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    """Yield (offset, line) for each line of `block`; a line keeps its newline if it has one."""
    start = 0
    end = len(block)
    while start < end:
        newline = block.find(b"\n", start)
        stop = end if newline < 0 else newline + 1
        yield offset + start, block[start:stop]
        start = stop
