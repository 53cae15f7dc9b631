"""Split one line into an audit record: the header eagerly, the fields left as text.

A record line is `[node=NAME ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL): BODY`,
optionally followed by 0x1D and the ENRICHED (upper-case, interpreted) fields. TYPE is
a name (`SYSCALL`), `UNKNOWN[1334]` for numbers the writer's table lacked, or a bare
number (the kernel's printk form `type=1130 audit(...)`, which also lacks `msg=`).
DAEMON_CONFIG writes no `:` after the stamp. Lines without a stamp (`type=UNKNOWN[1329]
msg=?`) cannot be grouped into an event and are rejected with that reason.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from auditlake.parsers.auditd.fields import decimal, escape_bytes
from auditlake.parsers.auditd.tables import TYPE_IDS, TYPE_NAMES

_HEADER = re.compile(
    r"(?:node=(\S*) )?type=(\S+) (?:msg=)?audit\((\d+)\.(\d+):(\d+)\):? ?", re.ASCII
)
# `audit[1]: SERVICE_START pid=1 ...` (journald/syslog rendering): the type name first.
_BARE_TYPE = re.compile(rb"(?:node=(\S*) )?([A-Z][A-Z0-9_]*) ")

NO_STAMP = "audit record without an audit(seconds.millis:serial) stamp: cannot be grouped"
NOT_AUDIT = "not an audit record: no 'type=... msg=audit(...)' header"
BAD_STAMP = "audit(...) stamp out of range (seconds, 3-digit millis, serial)"
EMPTY = "blank line"
COMMENT = "comment line (starts with #), not an audit record"


# A NamedTuple, not a frozen dataclass: as immutable, but about 4 times cheaper to
# build, and one is built per line.
class Record(NamedTuple):
    """One audit record: its header parsed, its fields still text."""

    host: str | None  # node= if present, else the host the caller named
    node: str | None
    type: str  # SYSCALL, PATH, UNKNOWN[1334], ...
    type_id: int | None
    seconds: int
    millis: int
    serial: int
    body: str  # the fields after the header, ENRICHED part removed
    enriched: str  # the text after 0x1D ("" in RAW logs)
    raw: str  # the record as written, without the newline (lossless text rule)
    escaped: bool  # raw/body needed the lossless escape (the line was not UTF-8)
    offset: int  # of the line (or of the wrapper line that carried it)
    length: int  # of that line, newline included

    @property
    def millis_time(self) -> int:
        """Return the record time in milliseconds since the epoch."""
        return self.seconds * 1000 + self.millis

    @property
    def event_id(self) -> str:
        """Return auditd's event id `seconds.millis:serial`."""
        return f"{self.seconds}.{self.millis:03d}:{self.serial}"


_TYPE_CACHE: dict[str, tuple[str, int | None]] = {}


def resolve_type(token: str) -> tuple[str, int | None]:
    """Return (name, number) of a record type written as a name, UNKNOWN[n] or a number."""
    hit = _TYPE_CACHE.get(token)
    if hit is not None:
        return hit
    if token.isdecimal() and token.isascii():
        number = decimal(token)
        known = None if number is None else TYPE_NAMES.get(number)
        name = f"UNKNOWN[{token}]" if known is None else known
    elif token.startswith("UNKNOWN[") and token.endswith("]") and token[8:-1].isdecimal():
        name, number = token, decimal(token[8:-1])
    else:
        name, number = token, TYPE_IDS.get(token)
    if number is not None and number > 2**31 - 1:
        number = None  # no such type; the name keeps the digits
    if len(_TYPE_CACHE) < 4096:
        _TYPE_CACHE[token] = (name, number)
    return name, number


def parse_record(line: bytes, offset: int, length: int, host: str | None) -> Record | str:
    """Parse one line (without its newline) into a Record, or return why it is not one."""
    try:
        text = line.decode()
        escaped = False
    except UnicodeDecodeError:
        text = escape_bytes(line)
        escaped = True
    m = _HEADER.match(text)
    if m is None:
        return why_not(text)
    node, type_token, seconds, millis, serial = m.groups()
    if len(seconds) > 11 or len(millis) != 3 or len(serial) > 18:
        return BAD_STAMP  # beyond year 9999, or not auditd's %lu.%03lu:%u
    # a CR before the newline (a log copied through Windows) is no part of the last value
    rest = text[m.end() : -1] if text.endswith("\r") else text[m.end() :]
    body, _, enriched = rest.partition("\x1d")
    name, number = resolve_type(type_token)
    # by position, in the order of Record's fields: about 2.5 times cheaper than by name
    return Record(
        node or host,
        node,
        name,
        number,
        int(seconds),
        int(millis),
        int(serial),
        body,
        enriched,
        text,
        escaped,
        offset,
        length,
    )


def parse_bare_record(
    line: bytes, offset: int, length: int, host: str | None, millis_time: int, serial: int
) -> Record | None:
    """Parse `TYPE_NAME fields...` (no stamp) with a time and serial given by the wrapper."""
    m = _BARE_TYPE.match(line)
    if m is None or m.group(2).decode() not in TYPE_IDS:
        return None
    seconds, millis = divmod(millis_time, 1000)
    stamp = b"msg=audit(%d.%03d:%d): " % (seconds, millis, serial)
    record = parse_record(
        line[: m.start(2)] + b"type=" + m.group(2) + b" " + stamp + line[m.end() :],
        offset,
        length,
        host,
    )
    return record._replace(raw=escape_bytes(line)) if isinstance(record, Record) else None


def why_not(text: str) -> str:
    """Say why a line that did not match the header is not a usable audit record."""
    stripped = text.strip()
    if not stripped:
        return EMPTY
    if stripped.startswith("#"):
        return COMMENT
    if "type=" in text and "audit(" not in text:
        return NO_STAMP
    return NOT_AUDIT
