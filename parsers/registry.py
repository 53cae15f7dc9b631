"""Format names -> parser classes, and sniffing a file's format from its first bytes.

The built-in parsers are imported here, eagerly: a broken one fails loudly (import
error, CI red) rather than vanishing and turning its files into "unknown format".
`sniff()` asks each built-in parser in FORMATS order, from the most specific shape to
the most permissive (syslog and journald text accept almost any line).

A format name comes from `--format` and from the lake's manifest (another user's
files): it only ever selects a registered parser, and never names a module to import.
A parser outside auditlake registers as an entry point of an installed distribution,
`[project.entry-points."auditlake.parsers"] name = "package.module:Class"`: it is
loaded when its exact name is asked for, and it is never sniffed.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from auditlake.parsers.auditd import AuditdParser
from auditlake.parsers.base import Parser
from auditlake.parsers.docker_events import DockerEventsParser
from auditlake.parsers.dockerd import DockerdParser
from auditlake.parsers.journald import (
    JournaldExportParser,
    JournaldJsonParser,
    JournaldTextParser,
)
from auditlake.parsers.syslog import SyslogParser

from auditlake.errors import InputError

ENTRY_POINT_GROUP = "auditlake.parsers"

# format name -> parser, in sniffing order.
FORMATS: dict[str, type[Parser]] = {
    cls.name: cls
    for cls in (
        JournaldExportParser,
        JournaldJsonParser,
        DockerEventsParser,
        DockerdParser,
        AuditdParser,
        SyslogParser,
        JournaldTextParser,
    )
}

_plugins: dict[str, type[Parser]] = {}  # entry-point parsers loaded so far, by name


def available() -> dict[str, type[Parser]]:
    """Return the built-in parsers by format name, in sniffing order."""
    return dict(FORMATS)


def get(name: str) -> type[Parser]:
    """Return the parser class for a format name (built-in or an installed entry point)."""
    cls = FORMATS.get(name) or _plugins.get(name) or _plugin(name)
    if cls is None:
        known = "|".join(FORMATS)
        raise InputError(f"unknown format {name!r} (expected {known})", "--format")
    return cls


def _plugin(name: str) -> type[Parser] | None:
    """Load the parser an installed distribution declares under `name`, if any."""
    for point in entry_points(group=ENTRY_POINT_GROUP, name=name):
        cls = point.load()
        if not (isinstance(cls, type) and issubclass(cls, Parser)):
            raise InputError(
                f"entry point {point.value!r} is not a Parser subclass", ENTRY_POINT_GROUP
            )
        _plugins[name] = cls
        return cls
    return None


def sniff(head: bytes) -> str | None:
    """Return the first built-in format whose parser recognises `head` (whole lines)."""
    for name, cls in FORMATS.items():
        try:
            if cls.sniff(head):  # type: ignore[attr-defined]
                return name
        except Exception:
            continue
    return None
