"""Rebuild argv from EXECVE records, or from PROCTITLE when no EXECVE exists.

The kernel writes `argc=N a0=.. a1=..`; an argument too long for one record is written
as `aN_len=LEN aN[0]=.. aN[1]=..` fragments, possibly spread over several EXECVE records
of the same event. Each argument (or fragment) is `"quoted"` or upper-case hex, so
fragments are decoded to bytes, joined, then turned into text by the lossless rule.
These `aN` are argv, unrelated to SYSCALL's `a0..a3` registers.

PROCTITLE is the process's argv joined by NUL, hex-encoded when it has a NUL or other
special bytes, and cut by the kernel at 128 bytes: the last argument may be truncated,
so it only stands in when the event has no EXECVE record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditlake.parsers.auditd.fields import Pair, escape_bytes, value_bytes

_ARG = re.compile(r"a(\d+)(?:\[(\d+)\]|(_len))?")


def argv(records: Iterable[list[Pair]]) -> tuple[list[str], int | None]:
    """Return (argv, argc) from the field pairs of an event's EXECVE records, in order."""
    whole: dict[int, bytes] = {}
    parts: dict[int, dict[int, bytes]] = {}
    argc: int | None = None
    for pairs in records:
        for key, raw in pairs:
            if key == "argc":
                argc = int(raw.strip('"')) if raw.strip('"').isdigit() else argc
                continue
            m = _ARG.fullmatch(key)
            if m is None or m.group(3):
                continue
            data = value_bytes(raw, True)
            if data is None:  # a bare word, as in already-interpreted logs (`a0=top`)
                data = raw.encode()
            if m.group(2) is None:
                whole[int(m.group(1))] = data
            else:
                parts.setdefault(int(m.group(1)), {})[int(m.group(2))] = data
    count = argc if argc is not None else max([*whole, *parts], default=-1) + 1
    args: list[str] = []
    for i in range(count):
        if i in whole:
            args.append(escape_bytes(whole[i]))
        elif i in parts:
            args.append(escape_bytes(b"".join(parts[i][j] for j in sorted(parts[i]))))
    return args, argc


def proctitle_argv(raw: str) -> list[str]:
    """Split a raw PROCTITLE value (quoted or hex) into its NUL-separated arguments."""
    data = value_bytes(raw, True)
    if data is None:
        data = raw.encode()
    return [escape_bytes(arg) for arg in data.rstrip(b"\0").split(b"\0")]
