"""The one error hierarchy of auditlake; the CLI renders these as `Error: ...`."""

from __future__ import annotations


class AuditlakeError(Exception):
    """Base of every error auditlake raises on purpose.

    `location` is where the problem is (`path`, `path:line` or `path:line:col`);
    the message says what is wrong and, where it can, how to fix it.
    """

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location:
            return f"{self.location}: {self.message}"
        return self.message


class ParseError(AuditlakeError):
    """Input that cannot be parsed and must not be turned into a reject (e.g. --strict)."""


class ConfigError(AuditlakeError):
    """A policy or configuration file that is missing, malformed or inconsistent."""


class DetectionFileError(AuditlakeError):
    """A detection file whose header or body is invalid."""


class LakeError(AuditlakeError):
    """A lake that is missing, locked, corrupt or written by an incompatible version."""


class LakeLockedError(LakeError):
    """Another writer holds the lake's lock."""


class QueryError(AuditlakeError):
    """SQL that DuckDB refuses (syntax, unknown column, type mismatch)."""


class InputError(AuditlakeError):
    """An input path that cannot be read (missing, not a regular file, unsupported format)."""
