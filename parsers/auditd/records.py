"""Build `auditd_records` rows: one per record, fields named as auditd names them.

Promoted raw fields become columns (hex decoded, unset -> NULL); upper-case columns
(`arch_name`, `syscall_name`, `auid_name`, `uid_name`: ENRICHED's ARCH, SYSCALL, AUID,
UID) hold ENRICHED's interpretation, or ours from the generated tables when the log is
RAW (arch and syscall names); DuckDB ignores case, so they cannot be named `ARCH`. When a key occurs more than once in a record
the first occurrence fills the column and the others go to `fields` as `key#2`,
`key#3`: a user-space `msg='...'` can never overwrite what the kernel wrote. Every
other field goes to `fields` (raw) or `enriched` (ENRICHED) under its own name.
A numeric column whose value is not a number (already-interpreted logs: `auid=vagrant`)
is NULL and the text stays in `fields`. The `proctitle` column shows the NUL separators
of the command line as spaces; `raw` keeps the exact hex.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from auditlake.parsers.auditd.fields import (
    ID_KIND,
    INT64_MAX,
    Pair,
    interpret_value,
    is_string_kind,
    to_int,
    tokens,
)
from auditlake.parsers.auditd.record import Record
from auditlake.parsers.auditd.sockaddr import decode_saddr
from auditlake.parsers.auditd.tables import ARCH_NAMES, syscall_name

Row = dict[str, Any]

INT_COLUMNS = frozenset(
    {
        "syscall", "exit", "items", "ppid", "pid", "auid", "uid", "gid", "euid", "suid",
        "fsuid", "egid", "sgid", "fsgid", "ses", "item", "inode", "ouid", "ogid", "argc",
    }
)  # fmt: skip
TEXT_COLUMNS = frozenset(
    {
        "arch", "success", "a0", "a1", "a2", "a3", "tty", "comm", "exe", "subj", "key",
        "name", "nametype", "mode", "cwd", "proctitle", "op", "acct", "hostname", "addr",
        "terminal", "res", "grp",
    }
)  # fmt: skip
INT32_COLUMNS = frozenset({"items", "item", "argc"})
INT32_MAX = 2**31 - 1
ENRICHED_COLUMNS = {
    "ARCH": "arch_name",
    "SYSCALL": "syscall_name",
    "AUID": "auid_name",
    "UID": "uid_name",
}
LITTLE_ENDIAN_BIT = 0x40000000  # __AUDIT_ARCH_LE in the kernel's AUDIT_ARCH_* values

# Where a field's value goes: the `fields` map, an integer column (64 or 32 bit), or a
# text column.
TO_FIELDS, TO_TEXT, TO_INT64, TO_INT32 = 0, 1, 2, 3  # the integer ones last: `>= TO_INT64`
# How to handle one field: (string kind, id kind, destination).
Plan = tuple[bool, bool, int]
PLAN_CACHE_MAX = 4096  # keys are attacker-controlled: keep the caches bounded


def _destination(key: str) -> int:
    """Return where the value of field `key` goes in a record row."""
    if key in INT32_COLUMNS:
        return TO_INT32
    if key in INT_COLUMNS:
        return TO_INT64
    return TO_TEXT if key in TEXT_COLUMNS else TO_FIELDS


def _plan(plans: dict[str, Plan], record_type: str, key: str) -> Plan:
    """Work out (and cache in `plans`) how to handle field `key` of `record_type`."""
    plan = (is_string_kind(record_type, key), key in ID_KIND, _destination(key))
    if len(plans) < PLAN_CACHE_MAX:
        plans[key] = plan
    return plan


# Only EXECVE's string kinds depend on the record type (its `aN` arguments), so one
# cache serves EXECVE records and one every other type.
_EXECVE_PLANS: dict[str, Plan] = {}
_OTHER_PLANS: dict[str, Plan] = {}


def little_endian(arch: str | None) -> bool:
    """Tell the byte order of an AUDIT_ARCH_* hex value (x86/arm64 are little-endian)."""
    try:
        return arch is None or bool(int(arch, 16) & LITTLE_ENDIAN_BIT)
    except ValueError:
        return True


def record_row(rec: Record, pairs: list[Pair], base: Row, index: int, le: bool) -> Row:
    """Build the `auditd_records` row of one record of an event (`base`: shared columns)."""
    row = {
        **base,
        "node": rec.node,
        "record_index": index,
        "type": rec.type,
        "type_id": rec.type_id,
        "raw": rec.raw,
        "source_offset": rec.offset,
        "source_length": rec.length,
    }
    fields: dict[str, str | None] = {}
    rtype = rec.type
    unique = dict(pairs)
    if len(unique) != len(pairs):  # a key repeats: number the later ones key#2, key#3
        seen: dict[str, int] = {}
        unique = {}
        for key, raw in pairs:
            n = seen[key] = seen.get(key, 0) + 1
            unique[key if n == 1 else f"{key}#{n}"] = raw
    plans = _EXECVE_PLANS if rtype == "EXECVE" else _OTHER_PLANS
    for key, raw in unique.items():
        string_kind, id_kind, destination = plans.get(key) or _plan(plans, rtype, key)
        if destination >= TO_INT64 and raw.isdecimal() and len(raw) < 10 and raw.isascii():
            # The common case, short cut: up to 9 digits are their own interpretation (no
            # quotes; integer columns are never string kinds, so no hex; the unset ids are
            # 4294967295 and -1) and fit even an int32 column.
            row[key] = int(raw)
            continue
        value = interpret_value(raw, string_kind, id_kind)
        if destination == TO_FIELDS:
            fields[key] = value
        elif destination == TO_TEXT:
            row[key] = value
        else:
            number = to_int(value, INT32_MAX if destination == TO_INT32 else INT64_MAX)
            row[key] = number
            if number is None and value is not None:
                fields[key] = value
    if rec.escaped:
        fields["raw_escaped"] = "true"
    row["fields"] = fields
    if rec.enriched:
        text = rec.enriched
        short = len(text) <= ENRICHED_CACHE_TEXT_MAX
        columns, enriched = _cached_enriched_parts(text) if short else _enriched_parts(text)
        row.update(columns)
        row["enriched"] = dict(enriched)  # a copy: the cached dict is shared
    _interpret_arch(row, fields)
    proctitle = row.get("proctitle")
    if proctitle is not None:
        row["proctitle"] = proctitle.replace("\x00", " ").rstrip()
    saddr = row.get("saddr") or fields.get("saddr")
    if saddr is not None and rtype == "SOCKADDR":
        row["saddr"] = saddr
        fields.pop("saddr", None)
        decoded = decode_saddr(saddr, le)
        if decoded is not None:
            row["saddr_family"] = decoded.family
            row["saddr_path"] = decoded.path
            row["saddr_ip"] = decoded.ip
            row["saddr_port"] = decoded.port
    return row


def _enriched_parts(enriched_text: str) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """Split ENRICHED text into upper-case column values and the `enriched` map."""
    columns: dict[str, str] = {}
    enriched: dict[str, str] = {}
    for key, raw in tokens(enriched_text):
        value = raw[1:-1] if len(raw) > 1 and raw[0] == '"' and raw[-1] == '"' else raw
        column = ENRICHED_COLUMNS.get(key)
        if column is not None and column not in columns:
            columns[column] = value
            continue
        name, n = key, 2
        while name in enriched:
            name, n = f"{key}#{n}", n + 1
        enriched[name] = value
    return tuple(columns.items()), enriched


# A pure function of the text (raw fields never fill these columns), and the same short
# ENRICHED text repeats across records (`UID="root" AUID="alice"`): so it is cached. Only
# short texts are, so the cache holds a few MB at most whatever the input.
ENRICHED_CACHE_TEXT_MAX = 512  # characters
_cached_enriched_parts = lru_cache(maxsize=4096)(_enriched_parts)


def _interpret_arch(row: Row, fields: dict[str, str | None]) -> None:
    """Fill arch/syscall names (and auid/uid names of interpreted logs) when ENRICHED did not."""
    arch = row.get("arch")
    if arch is not None and row.get("arch_name") is None:
        row["arch_name"] = ARCH_NAMES.get(arch.lower(), None if _is_hex(arch) else arch)
    if row.get("syscall_name") is None:
        number = row.get("syscall")
        row["syscall_name"] = (
            syscall_name(arch, number) if number is not None else fields.get("syscall")
        )
    for field, column in (("auid", "auid_name"), ("uid", "uid_name")):
        if row.get(column) is None and fields.get(field) is not None:
            row[column] = fields[field]


def _is_hex(text: str) -> bool:
    """Tell whether text is a hex number."""
    try:
        int(text, 16)
    except ValueError:
        return False
    return True
