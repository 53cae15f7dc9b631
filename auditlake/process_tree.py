"""Rebuild a process's ancestors and descendants offline from auditd SYSCALL records.

Every SYSCALL record names a process (`pid`), its parent (`ppid`) and the image it
runs (`exe`); execve records carry the new argv. Pids are reused, so "process `pid` at
time `t`" is the incarnation seen last at or before `t` (first after, if none before):
the records of that pid with the same parent. Its parent is the parent pid's
incarnation at the child's first sighting; its children are the records whose ppid is
its pid, seen after it appeared. Processes auditd never saw (no rule matched them)
appear as a bare pid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from auditlake.display import LogFrame, frame_html, to_frame
from auditlake.render import escape_html, escape_terminal

MAX_ANCESTORS = 64
MAX_DEPTH = 16
MAX_NODES = 2000

Fetch = Callable[[list[int], list[int]], list[dict[str, Any]]]

# Any: the stubs cannot type a list of fields of several types
_TABLE_FIELDS: list[Any] = [
    pa.field("depth", pa.int32()),
    pa.field("pid", pa.int64()),
    pa.field("ppid", pa.int64()),
    pa.field("first_seen", pa.timestamp("us", tz="UTC")),
    pa.field("exec_time", pa.timestamp("us", tz="UTC")),
    pa.field("exe", pa.string()),
    pa.field("cmd_line", pa.string()),
    pa.field("auid", pa.int64()),
    pa.field("actor_user_name", pa.string()),
    pa.field("ses", pa.int64()),
    pa.field("event_uid", pa.string()),
    pa.field("observed", pa.bool_()),
]
TABLE_SCHEMA = pa.schema(_TABLE_FIELDS)


@dataclass(slots=True)
class Process:
    """One process incarnation as the records show it; depth 0 is the subject."""

    pid: int
    depth: int
    ppid: int | None = None
    first_seen: datetime | None = None
    exec_time: datetime | None = None
    exe: str | None = None
    cmd_line: str | None = None
    auid: int | None = None
    actor_user_name: str | None = None
    ses: int | None = None
    event_uid: str | None = None
    observed: bool = False

    def label(self) -> str:
        what = self.cmd_line or self.exe or "(not seen by auditd)"
        who = f" [{self.actor_user_name}]" if self.actor_user_name else ""
        return f"{self.pid} {what}{who}"


def _incarnation(records: list[dict[str, Any]], pid: int, at: datetime | None) -> Process | None:
    """The process `pid` at time `at` (None: its last incarnation) from its records."""
    mine = [r for r in records if r["pid"] == pid]
    if not mine:
        return None
    before = [r for r in mine if at is None or r["time"] <= at]
    last = before[-1] if before else mine[0]
    life = [r for r in mine if r["ppid"] == last["ppid"] and r["time"] <= last["time"]]
    execs = [r for r in life if r["is_exec"]]
    shown = execs[-1] if execs else last
    return Process(
        pid=pid,
        depth=0,
        ppid=last["ppid"],
        first_seen=life[0]["time"] if life else last["time"],
        exec_time=shown["time"] if execs else None,
        exe=shown["exe"],
        cmd_line=shown["cmd_line"],
        auid=shown["auid"],
        actor_user_name=shown["actor_user_name"],
        ses=shown["ses"],
        event_uid=shown["event_uid"],
        observed=True,
    )


def _ancestors(fetch: Fetch, subject: Process) -> list[Process]:
    """Parents of `subject`, nearest first, until pid 1, an unseen parent or a cycle."""
    chain: list[Process] = []
    seen = {subject.pid}
    child = subject
    while child.ppid and child.ppid not in seen and len(chain) < MAX_ANCESTORS:
        parent = _incarnation(fetch([child.ppid], []), child.ppid, child.first_seen)
        if parent is None:
            chain.append(Process(pid=child.ppid, depth=child.depth - 1))
            break
        parent.depth = child.depth - 1
        chain.append(parent)
        seen.add(parent.pid)
        child = parent
    return chain


def _children(fetch: Fetch, parents: list[Process]) -> dict[int, list[Process]]:
    """The children of each of `parents` (by pid), each at its first sighting."""
    records = fetch([], [p.pid for p in parents])
    found: dict[int, list[Process]] = {}
    for parent in parents:
        since = parent.first_seen
        kids = [
            r for r in records if r["ppid"] == parent.pid and (since is None or r["time"] >= since)
        ]
        pids = list(dict.fromkeys(r["pid"] for r in kids if r["pid"] != parent.pid))
        for pid in pids:
            first = next(r for r in kids if r["pid"] == pid)
            child = _incarnation(kids, pid, None) or Process(pid=pid, depth=0)
            child.first_seen = first["time"]
            child.depth = parent.depth + 1
            found.setdefault(parent.pid, []).append(child)
    return found


@dataclass(frozen=True, slots=True)
class ProcessTree:
    """A process with its ancestors and descendants; `table` lists them in tree order."""

    host: str
    subject: Process | None
    nodes: tuple[Process, ...]  # ancestors root first, the subject, descendants depth-first

    @property
    def table(self) -> LogFrame:
        rows = [{c: getattr(n, c) for c in TABLE_SCHEMA.names} for n in self.nodes]
        return to_frame(pa.Table.from_pylist(rows, schema=TABLE_SCHEMA))

    def lines(self) -> list[str]:
        """The tree as indented lines (unescaped log content)."""
        low = min((n.depth for n in self.nodes), default=0)
        return [
            "  " * (n.depth - low) + ("└─ " if n.depth > low else "") + n.label()
            for n in self.nodes
        ]

    def __str__(self) -> str:
        return "\n".join(escape_terminal(line) for line in self.lines())

    def __repr__(self) -> str:
        return f"ProcessTree({self.host!r}, {len(self.nodes)} processes)\n{self}"

    def _repr_html_(self) -> str:
        body = "\n".join(
            f"<b>{escape_html(line)}</b>" if node.depth == 0 else escape_html(line)
            for line, node in zip(self.lines(), self.nodes, strict=True)
        )
        return f"<pre>{body}</pre>" + frame_html(self.table)


def build(fetch: Fetch, host: str, pid: int, at: datetime | None) -> ProcessTree:
    """Rebuild the tree of process `pid` on `host` at time `at` with `fetch` (records)."""
    subject = _incarnation(fetch([pid], []), pid, at)
    if subject is None:
        return ProcessTree(host, None, ())
    ancestors = _ancestors(fetch, subject)
    below: dict[int, list[Process]] = {}
    level = [subject]
    count = 1 + len(ancestors)
    while level and count < MAX_NODES and level[0].depth < MAX_DEPTH:
        found = _children(fetch, level)
        below.update(found)
        level = [c for kids in found.values() for c in kids]
        count += len(level)

    ordered: list[Process] = list(reversed(ancestors))

    def walk(node: Process) -> None:
        ordered.append(node)
        for kid in below.get(node.pid, []):
            if kid.depth > node.depth:
                walk(kid)

    walk(subject)
    return ProcessTree(host, subject, tuple(ordered[:MAX_NODES]))
