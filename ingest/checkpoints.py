"""Per-file read state, kept in the manifest so it is published with the parts.

A checkpoint and the rows it accounts for must become visible together: if they were
separate files, a crash between the two writes would read bytes twice or never. So the
states live in the manifest's `files` entry, the gaps in its `gaps` entry and the paths
the last runs could not read in its `skipped` entry, and one `Lake.publish()` replaces
parts, states, gaps and skips at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from auditlake.lake import Manifest

# The reason of the gap that stands for a whole file of unknown format; its state has
# no format.
UNKNOWN_FORMAT = "unknown format (name it with --format)"


@dataclass(slots=True)
class FileState:
    """What was read of one file, identified by content (`file_id`), not by name."""

    file_id: str
    path: str  # where it was read last
    format: str
    host: str | None
    head_len: int  # bytes of the head hashed (the whole file while it is short)
    head_hash: str
    offset: int  # committed: every byte before it is in a row, a reject or a gap
    tail_len: int = 0  # bytes just before `offset` hashed, to detect rewrites
    tail_hash: str = ""  # "" when tail_len is 0
    stat: list[int] = field(default_factory=list)  # dev, ino, size, mtime_ns at last read
    final: bool = False  # the last read closed the file (rotated, compressed, idle)
    paths: list[str] = field(default_factory=list)  # every name it was read under
    # The zone of its timestamps written without one, fixed at its first read (a later
    # run's --tz does not move the times of its new lines); "" in states of older runs.
    tz: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FileState:
        return cls(**doc)


@dataclass(frozen=True, slots=True)
class Gap:
    """Bytes of a file that are in no row, and why (truncated stream, bomb, rewrite)."""

    file_id: str
    source_file: str
    offset: int
    length: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load(manifest: Manifest) -> tuple[dict[str, FileState], list[Gap]]:
    """Return the file states by file_id and the recorded gaps of a manifest."""
    extra = manifest.extra or {}
    states = {fid: FileState.from_json(doc) for fid, doc in extra.get("files", {}).items()}
    gaps = [Gap(**doc) for doc in extra.get("gaps", [])]
    return states, gaps


def load_skipped(manifest: Manifest) -> dict[str, str]:
    """Return why each path the last runs did not read was skipped, by path."""
    skipped: dict[str, str] = (manifest.extra or {}).get("skipped", {})
    return skipped


def dump(states: dict[str, FileState], gaps: list[Gap], skipped: dict[str, str]) -> dict[str, Any]:
    """Return the manifest `extra` entries for `states`, `gaps` and `skipped` paths."""
    unique = sorted(set(gaps), key=lambda g: (g.file_id, g.offset, g.reason))
    return {
        "files": {fid: states[fid].to_json() for fid in sorted(states)},
        "gaps": [g.to_json() for g in unique],
        "skipped": dict(sorted(skipped.items())),
    }
