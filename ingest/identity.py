"""Recognise a file by its content, whatever its name or compression.

A file's identity is the hash of its first HEAD decompressed bytes; while the file is
shorter than that, of all its bytes (`head_len` says how many), so a small file that
grows still matches. `audit.log` -> `audit.log.1` -> `audit.log.2.gz` therefore keeps
one identity and is read once. A file whose head matches but whose bytes just before
the committed offset differ (copytruncate, truncate-and-rewrite) is a new file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from auditlake.ingest.checkpoints import FileState
from auditlake.ingest.readers import Limits, StreamStopped, open_stream

HEAD = 4096
TAIL = 4096


def digest(data: bytes) -> str:
    """Return the content hash used for heads, tails and new file ids."""
    return hashlib.sha256(data).hexdigest()[:32]


class Index:
    """File states searchable by head: each recorded head length is one lookup."""

    def __init__(self, states: dict[str, FileState]) -> None:
        self.by_len: dict[int, dict[str, list[FileState]]] = {}
        self.by_path: dict[str, FileState] = {}  # the state last read under each name
        self.ids: set[str] = set()
        for state in states.values():
            self.add(state)

    def add(self, state: FileState) -> None:
        self.by_len.setdefault(state.head_len, {}).setdefault(state.head_hash, []).append(state)
        self.by_path[state.path] = state
        self.ids.add(state.file_id)

    def candidates(self, head: bytes) -> list[FileState]:
        """Return the states whose recorded head is a prefix of `head`."""
        found: list[FileState] = []
        for length, by_hash in self.by_len.items():
            if length <= len(head):
                found.extend(by_hash.get(digest(head[:length]), ()))
        return found

    def new_id(self, head: bytes) -> str:
        """Return an unused file id derived from `head`."""
        base = digest(head)
        fid, n = base, 1
        while fid in self.ids:
            n += 1
            fid = f"{base}-{n}"
        self.ids.add(fid)
        return fid


@dataclass(frozen=True, slots=True)
class TailCheck:
    """Whether a file still holds a state's bytes before its offset, and if it ends there."""

    continues: bool
    at_end: bool


def check_tail(path: Path, state: FileState, limits: Limits) -> TailCheck:
    """Compare the bytes of `path` just before `state.offset` with the recorded tail."""
    start = state.offset - state.tail_len
    with open_stream(path, limits) as stream:
        try:
            stream.skip_to(start)
            tail = stream.read_exactly(state.tail_len)
        except StreamStopped:
            return TailCheck(False, False)
        # no tail was recorded when nothing was committed (tail_hash ""): nothing to compare
        if stream.pos < state.offset or (tail and digest(tail) != state.tail_hash):
            return TailCheck(False, False)
        try:
            return TailCheck(True, not stream.read(1))
        except StreamStopped:
            return TailCheck(True, True)
