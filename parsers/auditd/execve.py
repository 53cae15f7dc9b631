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

from auditlake.parsers.auditd.fields import decimal, escape_bytes, value_bytes

_ARG = re.compile(r"a(\d+)(?:\[(\d+)\]|(_len))?")


def argv(records: Iterable[list[str]]) -> tuple[list[str], int | None]:
    """Return (argv, argc) from the `key=value` field texts of an event's EXECVE records."""
    whole: dict[int, bytes] = {}
    parts: dict[int, dict[int, bytes]] = {}
    argc: int | None = None
    for texts in records:
        for text in texts:
            if text.startswith("argc="):
                raw = text[5:].strip('"')
                count = decimal(raw) if raw.isascii() and raw.isdigit() else None
                argc = argc if count is None else count
                continue
            arg = _ARGS[text] if text in _ARGS else _arg(text)
            if arg is None:
                continue
            index, fragment, data = arg
            if fragment is None:
                whole[index] = data
            else:
                parts.setdefault(index, {})[fragment] = data
    count = argc if argc is not None else max([*whole, *parts], default=-1) + 1
    args: list[str] = []
    # the indices present, not range(count): argc and aN are log text, 4294967295 of them
    # would stall the read
    for i in sorted(whole.keys() | parts.keys()):
        if i >= count:
            break
        if i in whole:
            args.append(escape_bytes(whole[i]))
        elif i in parts:
            args.append(escape_bytes(b"".join(parts[i][j] for j in sorted(parts[i]))))
    return args, argc


# (argument, fragment or None for a whole argument, its bytes)
Arg = tuple[int, int | None, bytes]
# `aN=...` text -> its Arg (None: not an argument, e.g. `aN_len=`). The same arguments
# recur (`a0="systemctl"`); texts are attacker-controlled: short ones only, and a full
# cache is emptied.
ARG_CACHE_MAX = 1 << 14
ARG_CACHE_TEXT_MAX = 256  # characters
_ARGS: dict[str, Arg | None] = {}


def _arg(text: str) -> Arg | None:
    """Read (and cache) the argument an EXECVE field text holds; None if it holds none."""
    key, _, raw = text.partition("=")
    m = _ARG.fullmatch(key)
    arg = None
    if m is not None and not m.group(3):
        data = value_bytes(raw, True)
        if data is None:  # a bare word, as in already-interpreted logs (`a0=top`)
            data = raw.encode()
        index = decimal(m.group(1))
        fragment = None if m.group(2) is None else decimal(m.group(2))
        if index is not None and (fragment is not None or m.group(2) is None):
            arg = (index, fragment, data)  # else more digits than any argv has
    if len(text) <= ARG_CACHE_TEXT_MAX:
        if len(_ARGS) >= ARG_CACHE_MAX:
            _ARGS.clear()
        _ARGS[text] = arg
    return arg


def proctitle_argv(raw: str) -> list[str]:
    """Split a raw PROCTITLE value (quoted or hex) into its NUL-separated arguments."""
    data = value_bytes(raw, True)
    if data is None:
        data = raw.encode()
    return [escape_bytes(arg) for arg in data.rstrip(b"\0").split(b"\0")]
