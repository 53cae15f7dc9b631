"""One journal entry -> rows: the part shared by the JSON, export and text parsers.

Routing, by what journald recorded about the sender:
- `_TRANSPORT=audit`: the kernel audit record journald took from netlink; rebuilt as
  `type=NAME msg=audit(SEC.MSEC:ID): body` and handed to the auditd parser, so it
  becomes the same `auditd_records` and events rows as a line of audit.log.
- container output (`CONTAINER_ID`, docker's journald log driver): a journald row that
  keeps the container's id, name and image.
- the Docker daemon (`_SYSTEMD_UNIT=docker.service`, `SYSLOG_IDENTIFIER=dockerd`): a
  dockerd row, normalized like dockerd's own log file.
- a program the normalizers or detections read (sshd, sudo, PAM, systemd, dockerd...)
  named by a sender that is not it: the sender's own Base Event (see `_sent_by_another`).
- anything else: the program normalizers (sshd, sudo, PAM, ...) or a Base Event.
"""

from __future__ import annotations

import posixpath
import re
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from auditlake.parsers.audit_relay import AuditRelay
from auditlake.parsers.auditd.fields import INT64_MAX, decimal
from auditlake.parsers.base import (
    ParseOutput,
    Parser,
    Row,
    SourceContext,
    parser_error,
    reject,
)
from auditlake.parsers.cuts import Spans
from auditlake.parsers.dockerd import ApiPairing, afresh_row, relayed_dockerd_row
from auditlake.parsers.programs import reads, shared_program_row
from auditlake.parsers.rows import (
    UNMAPPED_CAP,
    cap_value,
    event_row,
    gc_paused,
    split_lines_merging_blanks,
    utc_from_micros,
)

from auditlake.schema import CLASSES

SOURCE_TYPE = "journald"
# PRIORITY is the syslog severity number (0 emerg .. 7 debug).
SEVERITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")
UNSET_ID = "4294967295"  # (uid_t)-1: no login uid / no audit session

# Any local user can send a journal message under any name (`logger -t sshd ...`,
# sd_journal_send), but journald records who sent it: _UID from the socket's
# credentials and _EXE from /proc, which the sender cannot choose. These programs run as
# root, so their name on a message from another uid is not theirs...
_ROOT_PROGRAMS = frozenset(
    {
        "login", "systemd-logind", "systemd", "cron", "CRON", "crond", "useradd", "userdel",
        "usermod", "groupadd", "groupdel", "groupmod", "gpasswd", "chage", "chpasswd",
        "newusers", "kernel", "auditd",
    }
)  # fmt: skip
# ...and these also run as other users (setuid programs; the Docker daemon, which
# rootless docker runs as its user; sshd's session process, which logs as the user it
# logged in): theirs when one of the program's installed files sent it.
_SSHD_FILES = frozenset({"sshd", "sshd-session", "sshd-auth"})
_PROGRAM_FILES = {
    **{
        name: frozenset({name})
        for name in ("sudo", "su", "passwd", "chsh", "chfn", "newgrp", "pkexec", "dockerd")
    },
    "docker": frozenset({"dockerd"}),
    **dict.fromkeys(_SSHD_FILES, _SSHD_FILES),
}  # fmt: skip
_SYSTEM_DIRS = ("/usr/", "/bin/", "/sbin/")  # not a user's to write
_UNKNOWN_AUDIT_TYPE = re.compile(r"AUDIT(\d+)")  # journald's name for a type it lacks

# Journal fields that have a column; everything else goes to `unmapped`.
_MAPPED = frozenset(
    {
        "MESSAGE",
        "__REALTIME_TIMESTAMP",
        "_HOSTNAME",
        "SYSLOG_IDENTIFIER",
        "_PID",
        "_COMM",
        "_EXE",
        "_CMDLINE",
        "_UID",
        "_AUDIT_LOGINUID",
        "_AUDIT_SESSION",
        "PRIORITY",
        "CONTAINER_ID",
        "CONTAINER_ID_FULL",
        "CONTAINER_NAME",
        "IMAGE_NAME",
    }
)


@dataclass(slots=True)
class JournalEntry:
    """A journal entry: field name -> value; a repeated field's later values in `more`."""

    fields: dict[str, str]
    more: dict[str, list[str]] = field(default_factory=dict)  # values 2.. of repeated fields
    null_fields: list[str] = field(default_factory=list)  # printed as null: over the size limit
    time: datetime | None = None  # the time text output printed, when there are no fields


def _int(value: str | None) -> int | None:
    """Return the number a field's ASCII digits spell; None if it is no such text."""
    return decimal(value) if value is not None and value.isascii() and value.isdigit() else None


def _int64(value: str | None) -> int | None:
    """Return `_int(value)` if it fits the int64 columns: a larger one failed the batch."""
    number = _int(value)
    return number if number is not None and number <= INT64_MAX else None


class JournalParser(Parser):
    """Shared driver: turns entries into rows and keeps the accounting rule.

    Audit records go to an inner AuditdParser, which may keep the last event open. Rows
    of this parser that come after the first audit record not yet emitted are held back
    until it is, so that `finish(final=False)` can return an offset before which all
    input is emitted and after which nothing is.
    """

    source_type: ClassVar[str] = SOURCE_TYPE

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._held = ParseOutput()
        self._audit = AuditRelay(ctx)
        self._pairing = ApiPairing()

    @abstractmethod
    def _close(self, final: bool) -> int:
        """Emit what the format keeps open; return the offset up to which input is emitted."""

    def drain(self) -> ParseOutput:
        return self._audit.release(self._held)

    def finish(self, final: bool) -> int:
        resume = self._close(final)
        _, held_back, out = self._audit.finish(final)
        if not final and held_back is not None and held_back < resume:
            resume = held_back
            self._held = self._held.take_before(resume)  # the rest is fed again next run
        out.extend(self._held)
        self._held = out
        return resume

    def _reject(self, offset: int, raw: bytes, reason: str) -> None:
        self._held.rejects.append(reject(self.ctx, offset, raw, reason, SOURCE_TYPE))

    def _emit(self, entry: JournalEntry, offset: int, raw: bytes) -> None:
        """Turn one entry spanning `raw` (at `offset`) into rows; one it fails on, a reject."""
        try:
            self._entry_rows(entry, offset, raw)
        except Exception as exc:  # a bug (base.parser_error): the entry is kept
            self._reject(offset, raw, parser_error(exc))

    def _entry_rows(self, entry: JournalEntry, offset: int, raw: bytes) -> None:
        record = _audit_record(entry)
        # text output (`audit[1]: SERVICE_START pid=1 ...`) prints no stamp: pass the time
        if record is not None and self._audit.feed(
            record, offset, len(raw), entry.fields.get("_HOSTNAME"), entry.time
        ):
            return
        time = _entry_time(entry)
        if isinstance(time, str):
            self._reject(offset, raw, time)
            return
        row = event_row(
            self.ctx,
            source_type=SOURCE_TYPE,
            time=time,
            class_uid=0,
            offset=offset,
            length=len(raw),
            host=entry.fields.get("_HOSTNAME"),
        )
        _columns(row, entry)
        unmapped = _unmapped(entry)
        message = row["message"]
        if _is_container(entry):
            pass  # container output: its own text, not the daemon's
        elif _is_dockerd(entry):
            if message is not None:
                _merge(row, unmapped, relayed_dockerd_row(message, self._pairing))
            row["source_type"] = "dockerd"
        elif _sent_by_another(entry, row["app_name"], message):
            # kept as the sender's text: the name it gave stays beside its _UID and _EXE
            unmapped["identifier_not_sender"] = "true"
            if "SYSLOG_IDENTIFIER" in entry.fields:
                unmapped["SYSLOG_IDENTIFIER"] = entry.fields["SYSLOG_IDENTIFIER"]
            row["app_name"] = None
        elif message is not None:
            _merge(row, unmapped, shared_program_row(row["app_name"], message))
        if unmapped:
            row["unmapped"] = unmapped
        self._held.events.append(row)


class JournalLineParser(JournalParser):
    """A journal format read line by line (JSON, text): feeds each line to `_line`.

    Unlike LineParser, blank lines go to `_line` (they may end an open entry), a run of
    them as one item, so a file of millions of newlines makes one reject, not millions.
    """

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._end = 0  # where the input fed so far ends

    @abstractmethod
    def _line(self, offset: int, line: bytes) -> None:
        """Take one line (with its newline, if any) at byte `offset` of the file."""

    def feed(self, block: bytes, offset: int) -> None:
        with gc_paused():
            line_of = self._line
            for line_offset, line in split_lines_merging_blanks(block, offset):
                line_of(line_offset, line)
        self._end = offset + len(block)


def note_state(spans: Spans, entry: JournalEntry, offset: int) -> None:
    """Note what of an entry a later entry may owe to it (parsers/cuts.py), as _emit routes it."""
    record = _audit_record(entry)
    if record is not None:
        spans.audit(offset, record)
    message = entry.fields.get("MESSAGE")
    if message is None or _is_container(entry) or not _is_dockerd(entry):
        return
    # the dockerd normalizer gets it unless the auditd parser takes it or it has no time
    surely = record is None and not isinstance(_entry_time(entry), str)
    spans.pairing(offset, None, surely and afresh_row(message) is not None)


def _entry_time(entry: JournalEntry) -> datetime | str:
    """Return the entry's time (UTC), or why it has none."""
    if entry.time is not None:
        return entry.time
    micros = _int(entry.fields.get("__REALTIME_TIMESTAMP"))
    if micros is None:
        micros = _int(entry.fields.get("_SOURCE_REALTIME_TIMESTAMP"))
    if micros is None:
        return "journal entry without __REALTIME_TIMESTAMP"
    time = utc_from_micros(micros)
    return "journal entry with a timestamp outside years 1..9999" if time is None else time


def _audit_record(entry: JournalEntry) -> bytes | None:
    """Return the audit record an entry carries, unwrapped; None if it carries none."""
    get = entry.fields.get
    transport, message = get("_TRANSPORT"), get("MESSAGE")
    if message is None:
        return None
    if transport == "audit":
        return _audit_record_text(entry)
    # text output has no fields, only the name an entry gives (its records are relayed:
    # JournaldTextParser.relays_audit); a JSON entry without _TRANSPORT (`--output-fields`)
    # named `kernel` or `audit` may be anyone's `logger -t`
    text_output = transport is None and entry.time is not None
    name = get("SYSLOG_IDENTIFIER")
    # kauditd's printk form when no audit daemon reads netlink: "audit: type=1400 audit(...)"
    if message.startswith("audit: type=") and (
        transport == "kernel" or (text_output and name == "kernel")
    ):
        return message[len("audit: ") :].encode()
    if text_output and name == "audit":
        return message.encode()  # text output of a _TRANSPORT=audit entry
    return None


def _audit_record_text(entry: JournalEntry) -> bytes | None:
    """Rebuild the audit.log line of an audit entry: journald keeps the stamp in fields."""
    message = entry.fields.get("MESSAGE")
    serial = entry.fields.get("_AUDIT_ID")
    micros = _int(entry.fields.get("_SOURCE_REALTIME_TIMESTAMP")) or _int(
        entry.fields.get("__REALTIME_TIMESTAMP")
    )
    if message is None or serial is None or micros is None:
        return None
    name = entry.fields.get("_AUDIT_TYPE_NAME")
    head, _, rest = message.partition(" ")
    if name is None:
        number = entry.fields.get("_AUDIT_TYPE")
        name = head if head.isupper() else f"UNKNOWN[{number}]"
    # journald writes MESSAGE as "TYPE_NAME body" (systemd >= 226); older ones the body.
    body = rest if head == name else message
    unknown = _UNKNOWN_AUDIT_TYPE.fullmatch(name)
    if unknown is not None:
        name = f"UNKNOWN[{unknown.group(1)}]"
    seconds, rest_micros = divmod(micros, 1_000_000)
    stamp = f"{seconds}.{rest_micros // 1000:03d}:{serial}"
    return f"type={name} msg=audit({stamp}): {body}".encode()


def _is_container(entry: JournalEntry) -> bool:
    """Tell whether the entry is a container's output (docker's journald log driver)."""
    return "CONTAINER_ID" in entry.fields or "CONTAINER_ID_FULL" in entry.fields


def _is_dockerd(entry: JournalEntry) -> bool:
    """Tell whether the Docker daemon wrote the entry (its unit's, or its own name's)."""
    if entry.fields.get("_SYSTEMD_UNIT") == "docker.service":
        return True
    ident = entry.fields.get("SYSLOG_IDENTIFIER") or entry.fields.get("_COMM")
    return ident in ("dockerd", "docker") and not _sent_by_another(entry, ident, None)


def _sent_by_another(entry: JournalEntry, name: str | None, message: str | None) -> bool:
    """Tell whether a program the normalizers or detections read is named (`name`: the
    SYSLOG_IDENTIFIER, else _COMM) by a sender that is not it (see _ROOT_PROGRAMS)."""
    uid = entry.fields.get("_UID")
    if uid is None or uid == "0":
        return False  # no trusted fields (text output); or root, who may write anything
    if name in _PROGRAM_FILES:
        exe = entry.fields.get("_EXE")
        return (
            exe is None
            or not exe.startswith(_SYSTEM_DIRS)
            or posixpath.basename(exe) not in _PROGRAM_FILES[name]
        )
    return name in _ROOT_PROGRAMS or (message is not None and reads(name, message))


def _columns(row: Row, entry: JournalEntry) -> None:
    """Fill the columns journald's trusted and user fields map to."""
    get = entry.fields.get
    row["message"] = get("MESSAGE")
    row["app_name"] = get("SYSLOG_IDENTIFIER") or get("_COMM")
    row["process_pid"] = _int64(get("_PID")) or _int64(get("SYSLOG_PID"))
    row["process_name"] = get("_COMM")
    row["process_file_path"] = get("_EXE")
    row["process_cmd_line"] = get("_CMDLINE")
    row["process_uid"] = _int64(get("_UID"))
    loginuid = get("_AUDIT_LOGINUID")
    row["process_auid"] = _int64(loginuid) if loginuid != UNSET_ID else None
    session = get("_AUDIT_SESSION")
    row["session_uid"] = session if session != UNSET_ID else None
    priority = _int(get("PRIORITY"))
    row["severity"] = SEVERITIES[priority] if priority is not None and priority < 8 else None
    row["container_uid"] = get("CONTAINER_ID_FULL") or get("CONTAINER_ID")
    row["container_name"] = get("CONTAINER_NAME")
    row["container_image_name"] = get("IMAGE_NAME")


def _unmapped(entry: JournalEntry) -> dict[str, str]:
    """Every field without a column (repeated ones as NAME, NAME#2, ...), values capped."""
    unmapped = {
        name: value if len(value) <= UNMAPPED_CAP else cap_value(value)
        for name, value in entry.fields.items()
        if name not in _MAPPED
    }
    for name, values in entry.more.items():
        for i, value in enumerate(values, 2):
            unmapped[f"{name}#{i}"] = cap_value(value)
    if entry.null_fields:
        unmapped["journald_null_fields"] = ",".join(entry.null_fields)
    return unmapped


# Columns journald fills that a normalizer may fill from the message (sudo's command):
# journald's value is kept in `unmapped` under its field's name.
_KEPT_BESIDE = {"process_file_path": "_EXE", "process_cmd_line": "_CMDLINE"}


def _merge(row: Row, unmapped: dict[str, str], partial: Mapping[str, Any] | None) -> None:
    """Lay a normalizer's partial row over a journal row (its unmapped keys merge).

    `partial` is only read: normalizers share the rows they remember.
    """
    if partial is None:
        return
    for key, value in partial.items():
        if key == "unmapped":
            if value:
                unmapped.update(value)
        elif key == "class_uid":
            if value is not None:
                row["class_uid"] = value
                row["class_name"] = CLASSES[value]
        elif value is not None and key != "class_name":
            if key in _KEPT_BESIDE and row.get(key) not in (None, value):
                unmapped[_KEPT_BESIDE[key]] = row[key]  # what journald recorded stays
            row[key] = value
    if "time" in partial:
        row["event_date"] = row["time"].date()
