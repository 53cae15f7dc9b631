"""auditd: records, field interpretation, event assembly, normalization."""

from auditlake.parsers.auditd.parser import AuditdParser

__all__ = ["AuditdParser"]
