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

Speed: most bodies are plain pairs (fields.plain_texts), and the same `key=value` texts
recur (`uid=0`, `exe="/usr/sbin/sshd"`): where each goes, interpreted, is cached, so
such a field costs one lookup (`fill_plain`). Any other body takes the general path,
`fill_general` over `split_fields`, which is also the reference the fast one is tested
against.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from auditlake.parsers.auditd.fields import (
    ID_KIND,
    INT64_MAX,
    QUOTED_IS_LITERAL,
    field_texts,
    interpret_value,
    is_plain,
    is_string_kind,
    plain_texts,
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


def record_row(rec: Record, base: Row, index: int) -> tuple[Row, list[str]]:
    """Build the `auditd_records` row of one record of an event (`base`: shared columns).

    Return it with the record's fields as `key=value` texts (a text cut at its first
    `=` is a pair of `split_fields`). A SOCKADDR row is finished by `add_sockaddr`,
    whose byte order comes from another record of the event.
    """
    row = _head(rec, base, index)
    fields: dict[str, str | None] = {}
    texts = plain_texts(rec.body)
    if not fill_plain(row, fields, rec.type, texts):
        texts = field_texts(rec.body)
        row = _head(rec, base, index)
        fields = {}
        fill_general(row, fields, rec.type, texts)
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
    return row, texts


def bare_record_row(rec: Record, base: Row, index: int, error: str) -> Row:
    """Return the row of a record whose event could not be built: its raw text and `error`."""
    row = _head(rec, base, index)
    row["fields"] = {"parser_error": error}
    return row


def add_sockaddr(row: Row, le: bool) -> None:
    """Move a SOCKADDR row's `saddr` to its column and decode it (`le`: byte order)."""
    fields = row["fields"]
    saddr = row.get("saddr") or fields.get("saddr")
    if saddr is None:
        return
    row["saddr"] = saddr
    fields.pop("saddr", None)
    decoded = decode_saddr(saddr, le)
    if decoded is not None:
        row["saddr_family"] = decoded.family
        row["saddr_path"] = decoded.path
        row["saddr_ip"] = decoded.ip
        row["saddr_port"] = decoded.port


def _head(rec: Record, base: Row, index: int) -> Row:
    """Return a new row holding the columns every record has."""
    row = base.copy()  # about twice as fast as {**base, ...}
    row["node"] = rec.node
    row["record_index"] = index
    row["type"] = rec.type
    row["type_id"] = rec.type_id
    row["raw"] = rec.raw
    row["source_offset"] = rec.offset
    row["source_length"] = rec.length
    return row


def fill_plain(row: Row, fields: dict[str, str | None], rtype: str, texts: list[str]) -> bool:
    """Put the fields of `fields.plain_texts` where they go, as `fill_general` would.

    Where each text goes is cached, so a text seen before costs one lookup. False (work
    half done) where `fill_general` must do it: a text that is not plain, a key that
    repeats, or a number column holding text.
    """
    cache = _EXECVE_ENTRIES if rtype == "EXECVE" else _OTHER_ENTRIES
    get = cache.get
    into: tuple[Row, dict[str, str | None], Row] = (row, fields, {})  # by IN_ROW, ...
    size = len(row) + len(texts)  # each field adds one key
    for text in texts:
        entry = get(text) or _learn(cache, rtype, text)
        if entry is None:
            return False
        key, where, value = entry
        into[where][key] = value
    return not into[IN_BOTH] and len(row) + len(fields) == size


def fill_general(row: Row, fields: dict[str, str | None], rtype: str, texts: list[str]) -> None:
    """Put each field where it goes, a repeated key numbered `key#2`, `key#3`.

    `texts` are `key=value` texts of any kind (fields.field_texts); the reference for
    `fill_plain`.
    """
    numbered: dict[str, int] = {}
    unique: dict[str, str] = {}
    for text in texts:
        key, _, raw = text.partition("=")
        unique[_free_name(key, unique, numbered)] = raw
    plans = _EXECVE_PLANS if rtype == "EXECVE" else _OTHER_PLANS
    for name, raw in unique.items():
        key, where, value = _entry(plans.get(name) or _plan(plans, rtype, name), name, raw)
        if where == IN_ROW:
            row[key] = value
        elif where == IN_FIELDS:
            fields[key] = value
        else:
            row[key] = None
            fields[key] = value


def _free_name(key: str, taken: Mapping[str, object], numbered: dict[str, int]) -> str:
    """Return `key`, or for a key seen again `key#n`, the first n from 2 not `taken`.

    A name the text itself spells (`uid#2=5`) is never overwritten. `numbered` keeps each
    key's next n, so each number is tried once per key: linear in the keys.
    """
    name, n = key, numbered.get(key, 2)
    while name in taken:
        name, n = f"{key}#{n}", n + 1
    numbered[key] = n
    return name


def _entry(plan: Plan, key: str, raw: str) -> Entry:
    """Return (key, where its value goes: IN_ROW, IN_FIELDS or IN_BOTH, the value)."""
    string_kind, id_kind, destination = plan
    if destination >= TO_INT64 and raw.isdecimal() and len(raw) < 10 and raw.isascii():
        # The common case, short cut: up to 9 digits are their own interpretation (no
        # quotes; integer columns are never string kinds, so no hex; the unset ids are
        # 4294967295 and -1) and fit even an int32 column.
        return key, IN_ROW, int(raw)
    value = interpret_value(raw, string_kind, id_kind, key in QUOTED_IS_LITERAL)
    if destination == TO_FIELDS:
        return key, IN_FIELDS, value
    if destination == TO_TEXT:
        return key, IN_ROW, value
    number = to_int(value, INT32_MAX if destination == TO_INT32 else INT64_MAX)
    if number is None and value is not None:
        return key, IN_BOTH, value
    return key, IN_ROW, number


def _learn(cache: dict[str, Entry], rtype: str, text: str) -> Entry | None:
    """Work out (and cache) the entry of a plain field text; None if it is not plain."""
    key, _, raw = text.partition("=")
    plans = _EXECVE_PLANS if rtype == "EXECVE" else _OTHER_PLANS
    plan = plans.get(key)
    # Short cut for the values seen once (pid, inode, registers): a key with a plan has
    # been read as a key before, and a letters-and-digits value is plain.
    if plan is None or not raw.isalnum():
        if not is_plain(text):
            return None
        plan = plan or _plan(plans, rtype, key)
    entry = _entry(plan, key, raw)
    if len(text) <= ENTRY_CACHE_TEXT_MAX:
        if len(cache) >= ENTRY_CACHE_MAX:
            cache.clear()  # bounded; what is still frequent comes back soon
        cache[text] = entry
    return entry


# Where a field goes once interpreted: a column of the row, the `fields` map, or both
# (an integer column whose value is no number: NULL there, the text in `fields`).
IN_ROW, IN_FIELDS, IN_BOTH = 0, 1, 2
# Plain `key=value` text -> (key, where, value); a text is only here once found plain.
# Only EXECVE's `aN` differ by record type, so one cache serves EXECVE and one every
# other type. Log text is attacker-controlled: short texts only, a full cache is emptied.
Entry = tuple[str, int, Any]
ENTRY_CACHE_MAX = 1 << 15
ENTRY_CACHE_TEXT_MAX = 128  # characters
_EXECVE_ENTRIES: dict[str, Entry] = {}
_OTHER_ENTRIES: dict[str, Entry] = {}


def _enriched_parts(enriched_text: str) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """Split ENRICHED text into upper-case column values and the `enriched` map."""
    columns: dict[str, str] = {}
    enriched: dict[str, str] = {}
    numbered: dict[str, int] = {}  # the next number to try for a repeated key
    for key, raw in tokens(enriched_text):
        value = raw[1:-1] if len(raw) > 1 and raw[0] == '"' and raw[-1] == '"' else raw
        column = ENRICHED_COLUMNS.get(key)
        if column is not None and column not in columns:
            columns[column] = value
            continue
        enriched[_free_name(key, enriched, numbered)] = value
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
        name = ARCH_NAMES.get(arch.lower())
        row["arch_name"] = arch if name is None and not _is_hex(arch) else name
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
