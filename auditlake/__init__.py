"""auditlake: container-host security logs to Parquet, SQL detections, investigation API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AuditlakeError", "__version__", "open", "open_samples"]

if TYPE_CHECKING:
    from auditlake.api import open, open_samples
    from auditlake.errors import AuditlakeError


def __getattr__(name: str) -> Any:
    """Import the investigation API on first use: the CLI and parser workers never pay for it."""
    if name in ("open", "open_samples"):
        from auditlake import api

        return getattr(api, name)
    if name == "AuditlakeError":  # what every error raised on purpose derives from
        from auditlake.errors import AuditlakeError

        return AuditlakeError
    raise AttributeError(f"module 'auditlake' has no attribute {name!r}")
