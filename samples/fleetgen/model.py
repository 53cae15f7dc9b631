"""The fleet's data: hosts, processes, sessions, events, and time helpers."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

UNSET = 4294967295


def ts(t: datetime) -> float:
    """Seconds since the epoch."""
    return t.timestamp()


def hexs(text: str | bytes) -> str:
    """Upper-case hex of a string, as auditd writes encoded fields."""
    raw = text.encode() if isinstance(text, str) else text
    return raw.hex().upper()


@dataclass
class AuditEvent:
    """One auditd event: records sharing a timestamp and serial."""

    time: datetime
    records: list[tuple[str, str, str]]  # (type, body, enriched suffix)
    serial: int | None = None  # fixed serial (auditd's own DAEMON_* counter)
    gap: int = 0  # serials consumed by unlogged events before this one


@dataclass
class JournalEntry:
    """One journal entry: its time and fields (trusted `_` fields included)."""

    time: datetime
    fields: dict[str, str]


@dataclass
class Host:
    """One machine of the fleet and everything it logs."""

    name: str
    ip: str
    boot: datetime
    kernel: str
    boot_id: str
    machine_id: str
    users: dict[int, str]
    groups: dict[int, str]
    sshd_pid: int
    logind_pid: int
    cron_pid: int
    dockerd_pid: int = 0
    containerd_pid: int = 0
    pid: int = 1000
    ses: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    audit: list[AuditEvent] = field(default_factory=list)
    auth: list[tuple[datetime, str, str]] = field(default_factory=list)  # (time, tag, msg)
    journal: list[JournalEntry] = field(default_factory=list)
    docker: list[tuple[datetime, str, str, str]] = field(
        default_factory=list
    )  # time, level, msg, k=v
    stream_ids: dict[str, str] = field(default_factory=dict)
    user_managers: dict[str, tuple[int, int]] = field(default_factory=dict)  # user: pid, ses
    next_cron: datetime = datetime(2026, 11, 26, 22, 17, 1, tzinfo=UTC)
    auditd_until: datetime | None = None  # when auditd stopped, if it did
    invocation_ids: dict[str, str] = field(default_factory=dict)

    def next_pid(self, step: int = 0) -> int:
        self.pid += step or self.rng.randint(3, 40)
        return self.pid

    def user(self, uid: int) -> str:
        return "unset" if uid == UNSET else self.users[uid]

    def uid(self, name: str) -> int:
        return next(u for u, n in self.users.items() if n == name)

    def hex_id(self, label: str, length: int = 32) -> str:
        return hashlib.sha256(f"{self.name}:{label}".encode()).hexdigest()[:length]


@dataclass
class Proc:
    """The credentials of a process, as a SYSCALL record shows them."""

    pid: int
    ppid: int
    uid: int
    gid: int
    auid: int
    ses: int
    comm: str
    exe: str
    tty: str = "(none)"
    euid: int | None = None
    egid: int | None = None

    def ids(self) -> tuple[int, int, int, int]:
        euid = self.uid if self.euid is None else self.euid
        egid = self.gid if self.egid is None else self.egid
        return self.uid, self.gid, euid, egid


def ms(t: datetime, millis: int) -> datetime:
    """The time `millis` milliseconds after `t`."""
    return t + timedelta(milliseconds=millis)


@dataclass
class Session:
    """A logged-in ssh session: the ids every record of the session repeats."""

    user: str
    uid: int
    gid: int
    ses: int
    logind: int
    priv_pid: int
    user_pid: int
    shell_pid: int
    ip: str
    port: int
    tty: str


@dataclass
class Container:
    """A container started through the docker CLI."""

    cid: str
    name: str
    image: str
    shim_pid: int
    init_pid: int


def at(day: int, clock: str, millis: int = 0) -> datetime:
    """A time of the story: November `day` 2026, `clock` UTC."""
    h, m, sec = (int(x) for x in clock.split(":"))
    return datetime(2026, 11, day, h, m, sec, millis * 1000, tzinfo=UTC)
