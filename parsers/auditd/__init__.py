"""auditd: records, field interpretation, event assembly, normalization."""
