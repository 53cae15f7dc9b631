"""Decide, per discovered file, what to read: identity, start offset, format, finality.

Planning reads only heads (and, for a file whose name or compression changed, the
bytes before its committed offset); it never parses. `--dry-run` prints the plans.
"""

from __future__ import annotations

import os
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from auditlake.ingest.checkpoints import UNKNOWN_FORMAT, FileState, Gap
from auditlake.ingest.discover import Found
from auditlake.ingest.identity import HEAD, Index, check_tail
from auditlake.ingest.readers import Limits, StreamStopped, compression_of, read_head
from auditlake.parsers import registry
from auditlake.parsers.base import SourceContext

from auditlake.errors import InputError

SNIFF_BYTES = 64 * 1024
REWRITTEN = (
    "file truncated or rewritten in place and no copy of it found; bytes written after "
    "the last run and before the truncation were not seen"
)
SAME_CONTENT = "same content as"  # a copy of a file read under another name
# Formats whose timestamps may carry no zone (RFC3164, `journalctl -o short`, the
# dockerd TTY form): --tz decides what they mean.
ZONELESS_FORMATS = frozenset({"syslog", "journald-text", "dockerd"})
IDLE_SECONDS = 10.0  # a file not written for this long is closed (final)
# logrotate names: audit.log.1, audit.log.2.gz, auth.log-20261128(.gz)
_ROTATED = re.compile(r"(?:\.\d+|-\d{8}(?:\d{2})?)(?:\.(?:gz|bz2|xz|zst))?$")


@dataclass(slots=True)
class Plan:
    """One file to read (or not), as decided before reading."""

    path: Path
    host: str | None
    host_source: str
    stat: list[int]
    compression: str | None = None
    format: str | None = None
    file_id: str = ""
    start: int = 0
    end: int | None = None  # a range of the file ending at this line boundary; None: to EOF
    final: bool = False
    head: bytes = b""
    mtime: datetime | None = None  # RFC3164 lines get the year that fits it
    tz: tzinfo = UTC  # the zone of timestamps written without one
    action: str = "read"  # read | unchanged | skip
    note: str = ""
    prior: FileState | None = None
    replaces: FileState | None = None  # a state whose file this one overwrote in place
    gaps: list[Gap] = field(default_factory=list)
    unread: FileState | None = None  # the state of a file of unknown format, all one gap
    content_host: str | None = None  # what the first lines name (only for --dry-run)


def plan_files(
    found: list[Found],
    states: dict[str, FileState],
    limits: Limits,
    fmt: str | None = None,
    now: float | None = None,
) -> list[Plan]:
    """Return one plan per found file, in the order found."""
    now = time.time() if now is None else now
    by_stat = {tuple(s.stat): s for s in states.values() if s.stat}
    index = Index(states)
    plans = []
    for f in found:
        try:
            plans.append(_first_look(f, by_stat, limits, now))
        except OSError as exc:
            plans.append(_vanished(f, exc))
    claimed: set[str] = set()
    # files still under their last name first, so a rotated copy cannot steal the state
    todo = [p for p in plans if p.action == "read"]
    todo.sort(key=lambda p: p.path.as_posix() not in _last_paths(p, index))
    for plan in todo:
        try:
            _identify(plan, index, claimed, limits)
        except OSError as exc:  # rotated away or deleted while planning
            plan.action, plan.note = "skip", f"vanished ({exc.strerror})"
        if plan.action == "read":
            _choose_format(plan, fmt)
    for plan in todo:
        old = plan.replaces
        if old is not None and old.file_id not in claimed:  # no copy of it continues
            plan.gaps.append(Gap(old.file_id, old.path, old.offset, 0, REWRITTEN))
    return plans


_FIXED_OFFSET = re.compile(r"UTC([+-])(\d\d):(\d\d)(?::(\d\d))?")


def zone(name: str) -> tzinfo:
    """Return the time zone named `name` (IANA, e.g. Europe/Berlin; or a fixed offset
    as a file state keeps one given through the API, `UTC+02:00`)."""
    fixed = _FIXED_OFFSET.fullmatch(name)
    if fixed:
        sign = -1 if fixed[1] == "-" else 1
        hours, minutes, seconds = int(fixed[2]), int(fixed[3]), int(fixed[4] or 0)
        return timezone(sign * timedelta(hours=hours, minutes=minutes, seconds=seconds))
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r}: give an IANA name such as Europe/Berlin or UTC",
            "--tz",
        ) from None


def zone_name(tz: tzinfo) -> str:
    """Return a zone as a file state keeps it: its IANA name, `UTC`, or a fixed offset
    (`UTC+05:30`, from the API); "" for a zone of neither kind (not kept)."""
    key = getattr(tz, "key", None)
    if key:
        return str(key)
    offset = tz.utcoffset(None)
    if offset is None:
        return ""
    if not offset:
        return "UTC"
    seconds = int(abs(offset).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if offset < timedelta(0) else "+"
    return f"UTC{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _last_paths(plan: Plan, index: Index) -> set[str]:
    return {s.path for s in index.candidates(plan.head[:HEAD])}


def _vanished(found: Found, exc: OSError) -> Plan:
    """Return the plan of a file rotated away or deleted since it was listed."""
    plan = Plan(found.path, found.host, found.host_source, [0, 0, 0, 0])
    plan.action, plan.note = "skip", f"vanished ({exc.strerror})"
    return plan


def _first_look(
    found: Found, by_stat: dict[tuple[int, ...], FileState], limits: Limits, now: float
) -> Plan:
    st = os.stat(found.path)
    stat = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]
    plan = Plan(found.path, found.host, found.host_source, stat)
    if st.st_size == 0:
        plan.action, plan.note = "skip", "empty"
        return plan
    prior = by_stat.get(tuple(stat))
    # a file skipped as of unknown format is looked at again: --format may name it now
    if prior is not None and prior.final and prior.format:
        plan.action, plan.note = "unchanged", "unchanged since the last run"
        plan.file_id, plan.start, plan.format, plan.prior = (
            prior.file_id,
            prior.offset,
            prior.format,
            prior,
        )
        return plan
    plan.compression = compression_of(found.path)
    plan.final = bool(
        plan.compression not in (None, "journal")  # a compressed file never grows
        or _ROTATED.search(found.path.name)
        or now - st.st_mtime > IDLE_SECONDS
    )
    plan.mtime = datetime.fromtimestamp(st.st_mtime, UTC)
    try:
        plan.head = read_head(found.path, SNIFF_BYTES, limits)
    except InputError as exc:
        plan.action, plan.note = "skip", exc.message
        return plan
    except StreamStopped as exc:
        plan.action, plan.note = "skip", exc.reason
        return plan
    if not plan.head:
        plan.action, plan.note = "skip", "no readable bytes"
    return plan


def _identify(plan: Plan, index: Index, claimed: set[str], limits: Limits) -> None:
    head = plan.head[:HEAD]
    copy_of: FileState | None = None
    for state in sorted(index.candidates(head), key=lambda s: s.path != plan.path.as_posix()):
        check = check_tail(plan.path, state, limits)
        if not check.continues:
            continue
        if state.file_id in claimed:
            copy_of = copy_of or state
            continue
        claimed.add(state.file_id)
        plan.file_id, plan.start, plan.prior = state.file_id, state.offset, state
        plan.format = state.format
        renamed = "" if state.path == plan.path.as_posix() else f" (was {state.path})"
        if not state.format:  # of unknown format last time: all of it is one gap
            plan.start, plan.note = 0, f"unknown format last time, sniffed again{renamed}"
        elif check.at_end and (state.final or not plan.final):
            plan.action, plan.note = "unchanged", f"read up to its end already{renamed}"
        else:
            plan.note = f"from offset {state.offset}{renamed}"
        return
    if copy_of is not None:  # e.g. audit.log.1 next to its own audit.log.2.gz
        plan.action, plan.note = "skip", f"{SAME_CONTENT} {copy_of.path} (read once)"
        return
    # Two new files with the same head are both read: identical copies cannot be told
    # from different files that share their first bytes, and losing one is worse.
    plan.file_id = index.new_id(head)
    plan.note = "new file"
    old = index.by_path.get(plan.path.as_posix())
    if old is not None and old.stat[:2] == plan.stat[:2]:  # same inode, other content
        plan.replaces = old
        plan.note = f"rewritten in place since offset {old.offset} was read: a new file"


def _choose_format(plan: Plan, fmt: str | None) -> None:
    if fmt:
        plan.format = fmt
        return
    if plan.format:
        return
    if plan.compression == "journal":
        plan.format = "journald-export"
        return
    sniffed = registry.sniff(_whole_lines(plan.head))
    if sniffed is None:
        plan.action, plan.note = "skip", UNKNOWN_FORMAT
        return
    plan.format = sniffed


def _whole_lines(head: bytes) -> bytes:
    """Cut a head at its last newline (sniffers get whole lines), unless it has none."""
    cut = head.rfind(b"\n") + 1
    return head[:cut] if cut else head


def find_content_host(plan: Plan) -> str | None:
    """Return the host the file's first lines name (`node=`, HOSTNAME, `_HOSTNAME`)."""
    if plan.format is None or not plan.head:
        return None
    ctx = SourceContext(
        source_file=plan.path.as_posix(),
        file_id=plan.file_id,
        tz=plan.tz,
        reference_time=plan.mtime,
    )
    parser = registry.get(plan.format)(ctx)
    try:
        parser.feed(_whole_lines(plan.head), 0)
        parser.finish(True)
        out = parser.drain()
    except Exception:  # a preview only: the real read reports parser failures
        return None
    hosts = (r.get("device_hostname") for r in [*out.all_events(), *out.auditd_records])
    return next((h for h in hosts if h), None)
