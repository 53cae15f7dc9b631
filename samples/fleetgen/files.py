"""Render the hosts' logs into files, set their mtimes, and compare with committed files."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fleetgen.auditd import GS
from fleetgen.docker import logrus
from fleetgen.model import Host, JournalEntry, at, ts
from fleetgen.story import scenario

FLEET = "fleet"


def spread(times: list[datetime], seed: str) -> list[datetime]:
    """Give sorted whole-millisecond times their microseconds, keeping them increasing.

    The scenario places events on milliseconds; real stamps have microseconds and a
    file's lines never go back in time. A time stays inside its millisecond unless the
    previous line already used it up.
    """
    rng = random.Random(seed)
    out: list[datetime] = []
    for t in times:
        when = t + timedelta(microseconds=rng.randint(0, 999)) if t.microsecond % 1000 == 0 else t
        if out and when <= out[-1]:
            when = out[-1] + timedelta(microseconds=rng.randint(1, 40))
        out.append(when)
    return out


def audit_lines(host: Host, enriched: bool) -> list[tuple[datetime, str, int, str]]:
    """Assign serials in time order and render records: (time, type, serial, line)."""
    events = sorted(host.audit, key=lambda ev: ev.time)
    serial = 3
    out = []
    for ev in events:
        if ev.serial is None:
            serial += 1 + ev.gap
            number = serial
        else:
            number = ev.serial
        stamp = f"{int(ts(ev.time))}.{ev.time.microsecond // 1000:03d}:{number}"
        for rtype, body, enrich in ev.records:
            line = f"type={rtype} msg=audit({stamp}): {body}"
            if enriched and enrich:
                line += GS + enrich
            out.append((ev.time, rtype, number, line))
    return out


def syslog_line(host: Host, t: datetime, tag: str, msg: str, rfc3339: bool) -> str:
    """One auth.log line, RFC3339 (rsyslog on Debian 12) or RFC3164 (Ubuntu 22.04)."""
    stamp = t.isoformat(timespec="microseconds") if rfc3339 else f"{t:%b} {t.day:>2} {t:%H:%M:%S}"
    return f"{stamp} {host.name} {tag}: {msg}"


def audit_journal_entries(host: Host) -> list[JournalEntry]:
    """Audit records as journald's audit transport stores them (`_TRANSPORT=audit`)."""
    codes = {
        "USER_AUTH": 1100,
        "USER_ACCT": 1101,
        "CRED_ACQ": 1103,
        "CRED_DISP": 1104,
        "USER_START": 1105,
        "USER_END": 1106,
        "CRED_REFR": 1110,
        "USER_LOGIN": 1112,
        "USER_LOGOUT": 1113,
        "USER_CMD": 1123,
        "SERVICE_START": 1130,
        "SERVICE_STOP": 1131,
        "SYSTEM_BOOT": 1127,
        "SYSTEM_RUNLEVEL": 1129,
        "LOGIN": 1006,
    }
    out = []
    for t, rtype, serial, line in audit_lines(host, enriched=False):
        body = line.split("): ", 1)[1]
        fields = {
            "_TRANSPORT": "audit",
            "_AUDIT_TYPE": str(codes[rtype]),
            "_AUDIT_ID": str(serial),
            "SYSLOG_FACILITY": "4",
            "_AUDIT_TYPE_NAME": rtype,
            "MESSAGE": f"{rtype} {body}",
            "_SOURCE_REALTIME_TIMESTAMP": str(
                int(ts(t)) * 1_000_000 + t.microsecond // 1000 * 1000
            ),
            "PRIORITY": "5",
        }
        fields.update(journald_audit_fields(body))
        out.append(JournalEntry(t, fields))
    return out


def journald_audit_fields(body: str) -> dict[str, str]:
    """journald's mapping of audit fields (systemd 252 journald-audit.c)."""
    kernel = {
        "pid": "_PID",
        "uid": "_UID",
        "auid": "_AUDIT_LOGINUID",
        "ses": "_AUDIT_SESSION",
        "subj": "_SELINUX_CONTEXT",
    }
    userspace = {"cwd", "cmd", "acct", "exe", "comm"}
    fields: dict[str, str] = {}
    head, _, msg = body.partition(" msg='")
    for token in head.split():
        key, _, value = token.partition("=")
        name = kernel.get(key) or "_AUDIT_FIELD_" + key.upper().replace("-", "_")
        fields[name] = value
    for token in msg.rstrip("'").split():
        key, _, value = token.partition("=")
        if not _:
            continue
        if key in userspace:
            value = value.strip('"') if value.startswith('"') else bytes.fromhex(value).decode()
        fields["AUDIT_FIELD_" + key.upper().replace("-", "_")] = value
    return fields


def journal_lines(host: Host, entries: Iterable[JournalEntry], seqnum: int) -> list[str]:
    """`journalctl -o json`: one object per line, fields in hash order, cursor per entry."""
    seqnum_id = host.hex_id("seqnum")
    lines = []
    ordered = sorted(entries, key=lambda e: e.time)
    for i, (entry, when) in enumerate(
        zip(ordered, spread([e.time for e in ordered], host.name), strict=True)
    ):
        realtime = int(ts(when)) * 1_000_000 + when.microsecond
        mono = realtime - (int(ts(host.boot)) * 1_000_000 + host.boot.microsecond) + 1_871_332
        fields = dict(entry.fields)
        if "_SOURCE_REALTIME_TIMESTAMP" in fields and fields["_TRANSPORT"] == "syslog":
            fields["_SOURCE_REALTIME_TIMESTAMP"] = str(
                realtime - 20 - int(when.microsecond * 13) % 300
            )
        fields.update(
            {
                "_BOOT_ID": host.boot_id,
                "_MACHINE_ID": host.machine_id,
                "_HOSTNAME": host.name,
                "_RUNTIME_SCOPE": "system",
            }
        )
        digest = hashlib.blake2b(
            json.dumps(fields, sort_keys=True).encode(), digest_size=8
        ).hexdigest()
        fields["__CURSOR"] = (
            f"s={seqnum_id};i={seqnum + i:x};b={host.boot_id};m={mono:x};t={realtime:x};x={digest}"
        )
        fields["__REALTIME_TIMESTAMP"] = str(realtime)
        fields["__MONOTONIC_TIMESTAMP"] = str(mono)
        keys = sorted(fields)
        random.Random(digest).shuffle(keys)
        lines.append(
            json.dumps({k: fields[k] for k in keys}, ensure_ascii=False, separators=(",", ":"))
        )
    return lines


def spread_lines(lines: Sequence[tuple[Any, ...]], seed: str) -> list[tuple[Any, ...]]:
    """Sort a file's lines by time (stably) and give them increasing microseconds."""
    ordered = sorted(lines, key=lambda line: line[0])
    times = spread([line[0] for line in ordered], seed)
    return [(when, *line[1:]) for when, line in zip(times, ordered, strict=True)]


def render(hosts: dict[str, Host]) -> tuple[dict[str, bytes], dict[str, datetime]]:
    """Every file of the fleet by path relative to `samples/`, and when each was last written."""
    files: dict[str, bytes] = {}
    mtimes: dict[str, datetime] = {}

    def put(name: str, lines: list[str], last: datetime) -> None:
        files[f"{FLEET}/{name}"] = "".join(f"{line}\n" for line in lines).encode()
        mtimes[f"{FLEET}/{name}"] = last + timedelta(seconds=1)

    midnight = at(27, "00:00:00")
    web1, web2, db1 = hosts["web-1"], hosts["web-2"], hosts["db-1"]

    audit1 = audit_lines(web1, enriched=True)
    put("web-1/audit/audit.log", [line for *_, line in audit1], audit1[-1][0])
    auth1 = spread_lines(web1.auth, "web-1/auth")
    put(
        "web-1/auth.log.1",
        [syslog_line(web1, t, tag, msg, True) for t, tag, msg in auth1 if t < midnight],
        midnight,
    )
    put(
        "web-1/auth.log",
        [syslog_line(web1, t, tag, msg, True) for t, tag, msg in auth1 if t >= midnight],
        auth1[-1][0],
    )
    put(
        "web-1/journal.json",
        journal_lines(web1, web1.journal, 0x2F1A4),
        max(e.time for e in web1.journal),
    )

    audit2 = audit_lines(web2, enriched=False)
    rotated = at(27, "01:17:00")  # auditd rotated its log when it reached max_log_file
    put("web-2/audit/audit.log.1", [line for t, *_, line in audit2 if t < rotated], rotated)
    put("web-2/audit/audit.log", [line for t, *_, line in audit2 if t >= rotated], audit2[-1][0])
    auth2 = spread_lines(web2.auth, "web-2/auth")
    put(
        "web-2/auth.log",
        [syslog_line(web2, t, tag, msg, False) for t, tag, msg in auth2],
        auth2[-1][0],
    )
    docker2 = spread_lines(web2.docker, "web-2/docker")
    put("web-2/docker.log", [logrus(*d) for d in docker2], docker2[-1][0])

    entries = [*db1.journal, *audit_journal_entries(db1)]
    put("db-1/journal.json", journal_lines(db1, entries, 0x1C07E), max(e.time for e in entries))

    # logrotate compresses yesterday's auth.log on the log server (no delaycompress)
    gz = f"{FLEET}/web-1/auth.log.1"
    files[gz + ".gz"] = gzip.compress(files.pop(gz), compresslevel=9, mtime=0)
    mtimes[gz + ".gz"] = mtimes.pop(gz)
    return files, mtimes


def write(root: Path) -> dict[str, bytes]:
    """Write the fleet under `root`, each file's mtime set to when its host last wrote it."""
    files, mtimes = render(scenario())
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    set_mtimes(root, mtimes)
    return files


def set_mtimes(root: Path, mtimes: dict[str, datetime] | None = None) -> None:
    """Give the fleet's files under `root` their 2026 mtimes (git checkouts do not keep them).

    RFC3164 auth.log lines carry no year: ingest takes it from the file's mtime.
    """
    for name, when in (mtimes or render(scenario())[1]).items():
        path = root / name
        if path.exists():
            os.utime(path, (ts(when), ts(when)))


def content(path: Path) -> bytes:
    """A file's bytes; gzip files compare by their decompressed bytes (zlib builds differ)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def check(root: Path) -> list[str]:
    """Regenerate into a temporary directory; list every file that differs from `root`."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write(fresh)
        expected = {p.relative_to(fresh) for p in (fresh / FLEET).rglob("*") if p.is_file()}
        actual = {p.relative_to(root) for p in (root / FLEET).rglob("*") if p.is_file()}
        problems = [f"missing: {p}" for p in sorted(expected - actual)]
        problems += [f"not made by the generator: {p}" for p in sorted(actual - expected)]
        problems += [
            f"differs: {p}"
            for p in sorted(expected & actual)
            if content(fresh / p) != content(root / p)
        ]
    return problems
