"""Format names -> parser classes, and sniffing a file's format from its first bytes.

Parsers are imported lazily, so one that is missing or broken does not stop the
others. `sniff()` asks each parser in ORDER; the order goes from the most specific
shape to the most permissive (syslog and journald text accept almost any line).
A format may also be named as `package.module:Class` (a parser outside auditlake).
"""

from __future__ import annotations

import importlib

from auditlake.parsers.base import Parser

from auditlake.errors import InputError

# format name -> "module:Class", in sniffing order.
FORMATS: dict[str, str] = {
    "journald-export": "auditlake.parsers.journald:JournaldExportParser",
    "journald-json": "auditlake.parsers.journald:JournaldJsonParser",
    "docker-events": "auditlake.parsers.docker_events:DockerEventsParser",
    "dockerd": "auditlake.parsers.dockerd:DockerdParser",
    "auditd": "auditlake.parsers.auditd:AuditdParser",
    "syslog": "auditlake.parsers.syslog:SyslogParser",
    "journald-text": "auditlake.parsers.journald:JournaldTextParser",
}


def _load(spec: str) -> type[Parser] | None:
    module_name, _, attr = spec.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        return None
    return cls if isinstance(cls, type) and issubclass(cls, Parser) else None


def available() -> dict[str, type[Parser]]:
    """Return the parsers that import, by format name, in sniffing order."""
    found = {name: _load(spec) for name, spec in FORMATS.items()}
    return {name: cls for name, cls in found.items() if cls is not None}


def get(name: str) -> type[Parser]:
    """Return the parser class for a format name or a `module:Class` spec."""
    spec = FORMATS.get(name, name if ":" in name else None)
    cls = _load(spec) if spec else None
    if cls is None:
        known = "|".join(available()) or "none installed"
        raise InputError(f"unknown or unavailable format {name!r} (expected {known})", "--format")
    return cls


def sniff(head: bytes) -> str | None:
    """Return the first format whose parser recognises `head` (whole lines), or None."""
    for name, cls in available().items():
        try:
            if cls.sniff(head):  # type: ignore[attr-defined]
                return name
        except Exception:
            continue
    return None
