"""Queries: the views, the detections and hunts, and the code that loads and runs them."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def hunt(name: str) -> str:
    """The SQL text of `queries/hunts/<name>.sql`."""
    return (resources.files("auditlake.queries") / "hunts" / f"{name}.sql").read_text()
