#!/usr/bin/env python3
"""Write the sample fleet: three hosts' logs, benign activity and one planted intrusion.

Deterministic: the same code writes the same bytes. `python samples/generate.py`
rewrites `samples/fleet/`; `--check` regenerates into a temporary directory and
compares with the committed files (exit 1 and a list of differences when they drift).
The story and the file formats are described in `samples/README.md`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent
FLEET = "fleet"

UNSET = 4294967295
AUTH, CRON, AUTHPRIV = 4, 9, 10  # syslog facilities; auth.log takes auth and authpriv
INFO = 6
GS = "\x1d"  # auditd ENRICHED separator between raw and interpreted fields

# x86_64 syscall numbers used below.
SYSCALLS = {
    1: "write",
    42: "connect",
    44: "sendto",
    49: "bind",
    59: "execve",
    82: "rename",
    257: "openat",
    260: "fchownat",
}

# auditd rules loaded at boot on web-1 and web-2 (augenrules), in file order.
AUDIT_RULES = [
    ("-w /usr/bin/dockerd -k docker", "docker"),
    ("-w /usr/bin/containerd -k docker", "docker"),
    ("-w /usr/sbin/runc -k docker", "docker"),
    ("-w /var/lib/docker -p wa -k docker", "docker"),
    ("-w /etc/docker -p wa -k docker", "docker"),
    ("-w /lib/systemd/system/docker.service -k docker", "docker"),
    ("-w /lib/systemd/system/docker.socket -k docker", "docker"),
    ("-w /etc/default/docker -k docker", "docker"),
    ("-w /etc/containerd/config.toml -k docker", "docker"),
    ("-w /var/run/docker.sock -k docker_sock", "docker_sock"),
    (
        "-a always,exit -F arch=b64 -S connect -F auid>=1000 -F auid!=unset -k docker_sock",
        "docker_sock",
    ),
    ("-w /etc/group -p wa -k identity", "identity"),
    ("-w /etc/gshadow -p wa -k identity", "identity"),
    ("-w /etc/passwd -p wa -k identity", "identity"),
    ("-w /etc/audit/ -p wa -k auditconfig", "auditconfig"),
    ("-w /usr/sbin/auditctl -p x -k audittools", "audittools"),
    ("-a always,exit -F arch=b64 -S execve -F auid>=1000 -F auid!=unset -k exec", "exec"),
]

TRUSTED_CLIENTS = {"deploy": "10.0.0.5", "alice": "10.0.0.23"}
KEY_FP = {
    "deploy": "ED25519 SHA256:q3Xy1cO0m2Wv6x0mDqv0cS4sY6ZbB5dJ3kVhH7p2N9E",
    "alice": "ED25519 SHA256:Zk9mQ1wT4pP0u8Lr2Yb7sVx3nHc6dE5fGa1jKo4iRq0",
}
ATTACKER = "203.0.113.50"
ROOT_ATTACKER = "198.51.100.7"


def ts(t: datetime) -> float:
    return t.timestamp()


def hexs(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return raw.hex().upper()


def audit_str(value: str) -> str:
    """Encode a string field the way auditd does: quoted, or hex when it needs escaping."""
    if any(c in value for c in " \"\\'") or any(ord(c) < 0x21 or ord(c) > 0x7E for c in value):
        return hexs(value)
    return f'"{value}"'


def proctitle(argv: list[str]) -> str:
    """PROCTITLE: argv joined by NUL, cut at 128 bytes; hex unless it is one plain word."""
    raw = "\0".join(argv).encode()[:128]
    if len(argv) == 1 and audit_str(argv[0]).startswith('"'):
        return f'"{argv[0]}"'
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


# --- auditd records -------------------------------------------------------------


def subj_fields(subj: str) -> str:
    return f" subj={subj}" if subj else ""


def user_record(
    host: Host,
    rtype: str,
    pid: int,
    uid: int,
    auid: int,
    ses: int,
    msg: str,
    subj: str = "unconfined",
) -> tuple[str, str, str]:
    """A user-space record (PAM, sshd, sudo, shadow): `pid uid auid ses subj msg='...'`."""
    body = f"pid={pid} uid={uid} auid={auid} ses={ses}{subj_fields(subj)} msg='{msg}'"
    return rtype, body, f'UID="{host.user(uid)}" AUID="{host.user(auid)}"'


def pam_msg(
    op: str, grantors: str, acct: str, exe: str, hostname: str, addr: str, term: str, res: str
) -> str:
    return (
        f'op={op} grantors={grantors} acct={audit_str(acct)} exe="{exe}" '
        f"hostname={hostname} addr={addr} terminal={term} res={res}"
    )


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


def syscall_record(
    host: Host,
    proc: Proc,
    nr: int,
    exit_: int,
    args: tuple[str, str, str, str],
    items: int,
    key: str | None,
    success: bool = True,
) -> tuple[str, str, str]:
    uid, gid, euid, egid = proc.ids()
    keyf = f'"{key}"' if key else "(null)"
    body = (
        f"arch=c000003e syscall={nr} success={'yes' if success else 'no'} exit={exit_} "
        f"a0={args[0]} a1={args[1]} a2={args[2]} a3={args[3]} items={items} "
        f"ppid={proc.ppid} pid={proc.pid} auid={proc.auid} uid={uid} gid={gid} euid={euid} "
        f"suid={euid} fsuid={euid} egid={egid} sgid={egid} fsgid={egid} tty={proc.tty} "
        f"ses={proc.ses} comm={audit_str(proc.comm)} exe={audit_str(proc.exe)} "
        f"subj=unconfined key={keyf}"
    )
    u, g, eu, eg = host.user(uid), host.groups[gid], host.user(euid), host.groups[egid]
    enriched = (
        f'ARCH=x86_64 SYSCALL={SYSCALLS[nr]} AUID="{host.user(proc.auid)}" UID="{u}" '
        f'GID="{g}" EUID="{eu}" SUID="{eu}" FSUID="{eu}" EGID="{eg}" SGID="{eg}" FSGID="{eg}"'
    )
    return "SYSCALL", body, enriched


def execve_record(argv: list[str]) -> tuple[str, str, str]:
    args = " ".join(f"a{i}={audit_str(a)}" for i, a in enumerate(argv))
    return "EXECVE", f"argc={len(argv)} {args}", ""


def cwd_record(cwd: str) -> tuple[str, str, str]:
    return "CWD", f"cwd={audit_str(cwd)}", ""


def path_record(
    host: Host,
    item: int,
    name: str,
    inode: int,
    mode: str,
    nametype: str,
    ouid: int = 0,
    ogid: int = 0,
    dev: str = "08:01",
) -> tuple[str, str, str]:
    body = (
        f"item={item} name={audit_str(name)} inode={inode} dev={dev} mode={mode} ouid={ouid} "
        f"ogid={ogid} rdev=00:00 nametype={nametype} cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
        "cap_frootid=0"
    )
    return "PATH", body, f'OUID="{host.user(ouid)}" OGID="{host.groups[ogid]}"'


def proctitle_record(argv: list[str]) -> tuple[str, str, str]:
    return "PROCTITLE", f"proctitle={proctitle(argv)}", ""


def sockaddr_unix(path: str, addrlen: int = 110) -> tuple[str, str, str]:
    raw = (b"\x01\x00" + path.encode()).ljust(addrlen, b"\x00")
    return "SOCKADDR", f"saddr={raw.hex().upper()}", f"SADDR={{ fam=local path={path} }}"


def pointers(host: Host, prefix: str, count: int, last: str) -> tuple[str, str, str, str]:
    """Register values that are user-space addresses (a0..a3 of SYSCALL), padded with `last`."""
    width = 12 - len(prefix)  # x86_64 user addresses: 0x55... heap, 0x7ff... stack
    base = host.rng.randrange(16 ** (width - 1), 16**width - 0x100000) & ~0xF
    values = [
        f"{prefix}{base + host.rng.randrange(0, 0x40000, 16):0{width}x}" for _ in range(count)
    ]
    values += [last] * (4 - count)
    return values[0], values[1], values[2], values[3]


def exec_event(
    host: Host,
    t: datetime,
    proc: Proc,
    argv: list[str],
    cwd: str,
    exe_inode: int,
    key: str = "exec",
    path: str | None = None,
) -> None:
    """An execve of `argv` by `proc` (already the new image: comm/exe of the program).

    `path` is the file execve() was given when it is a symlink to `proc.exe`.
    """
    records = [
        syscall_record(host, proc, 59, 0, pointers(host, "55", 3, str(len(argv) + 4)), 2, key),
        execve_record(argv),
        cwd_record(cwd),
        path_record(host, 0, path or proc.exe, exe_inode, "0100755", "NORMAL"),
        path_record(host, 1, "/lib64/ld-linux-x86-64.so.2", 1835103, "0100755", "NORMAL"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=host.rng.randint(0, 2)))


def connect_event(
    host: Host,
    t: datetime,
    proc: Proc,
    argv: list[str],
    cwd: str,
    path: str,
    inode: int,
    mode: str,
    ogid: int,
) -> None:
    """A connect() to a unix socket by a login user's process (the connect rule)."""
    records = [
        syscall_record(
            host, proc, 42, 0, ("5", pointers(host, "7ff", 1, "")[0], "6e", "0"), 1, "docker_sock"
        ),
        sockaddr_unix(path),
        cwd_record(cwd),
        path_record(host, 0, path, inode, mode, "NORMAL", 0, ogid, dev="00:19"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=host.rng.randint(0, 1)))


def ms(t: datetime, millis: int) -> datetime:
    return t + timedelta(milliseconds=millis)


# --- sessions: sshd, sudo, cron ----------------------------------------------------


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


SSH_SESSION_GRANTORS = (
    "pam_selinux,pam_loginuid,pam_keyinit,pam_permit,pam_umask,pam_unix,pam_systemd,"
    "pam_motd,pam_motd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux"
)


def syslog(
    host: Host,
    t: datetime,
    tag: str,
    pid: int | None,
    msg: str,
    *,
    facility: int = AUTH,
    priority: int = INFO,
    proc: dict[str, str] | None = None,
) -> None:
    """One message through syslog(3): to auth.log (auth facilities) and to the journal."""
    if facility in (AUTH, AUTHPRIV):
        host.auth.append((t, f"{tag}[{pid}]" if pid is not None else tag, msg))
    fields = {
        "_TRANSPORT": "syslog",
        "SYSLOG_FACILITY": str(facility),
        "SYSLOG_IDENTIFIER": tag,
        "PRIORITY": str(priority),
        "MESSAGE": msg,
        "_SOURCE_REALTIME_TIMESTAMP": "",  # set with the entry's final time
    }
    if pid is not None:
        fields["SYSLOG_PID"] = str(pid)
        fields["_PID"] = str(pid)
    fields.update(proc or {})
    host.journal.append(JournalEntry(t, fields))


def sshd_proc(host: Host, pid: int, cmdline: str, session: Session | None = None) -> dict[str, str]:
    fields = {
        "_UID": "0",
        "_GID": "0",
        "_COMM": "sshd",
        "_EXE": "/usr/sbin/sshd",
        "_CMDLINE": cmdline,
        "_CAP_EFFECTIVE": "1ffffffffff",
        "_SYSTEMD_CGROUP": "/system.slice/ssh.service",
        "_SYSTEMD_UNIT": "ssh.service",
        "_SYSTEMD_SLICE": "system.slice",
        "_SYSTEMD_INVOCATION_ID": host.invocation_ids["ssh.service"],
    }
    if session is not None:
        fields.update(
            {
                "_AUDIT_SESSION": str(session.ses),
                "_AUDIT_LOGINUID": str(session.uid),
                "_SYSTEMD_CGROUP": f"/user.slice/user-{session.uid}.slice/session-{session.logind}.scope",
                "_SYSTEMD_UNIT": f"session-{session.logind}.scope",
                "_SYSTEMD_SLICE": f"user-{session.uid}.slice",
                "_SYSTEMD_SESSION": str(session.logind),
                "_SYSTEMD_OWNER_UID": str(session.uid),
                "_SYSTEMD_USER_SLICE": "-.slice",
            }
        )
        del fields["_SYSTEMD_INVOCATION_ID"]
    return fields


def logind_proc(host: Host) -> dict[str, str]:
    return {
        "_UID": "0",
        "_GID": "0",
        "_COMM": "systemd-logind",
        "_EXE": "/usr/lib/systemd/systemd-logind"
        if host.name != "web-2"
        else "/lib/systemd/systemd-logind",
        "_CMDLINE": "/lib/systemd/systemd-logind",
        "_CAP_EFFECTIVE": "24420004f",
        "_SYSTEMD_CGROUP": "/system.slice/systemd-logind.service",
        "_SYSTEMD_UNIT": "systemd-logind.service",
        "_SYSTEMD_SLICE": "system.slice",
        "_SYSTEMD_INVOCATION_ID": host.invocation_ids["systemd-logind.service"],
    }


def login_syscall(
    host: Host,
    t: datetime,
    pid: int,
    ppid: int,
    uid: int,
    ses: int,
    comm: str,
    exe: str,
    title: list[str],
) -> list[tuple[str, str, str]]:
    """LOGIN (pam_loginuid writes /proc/self/loginuid) and the write() it happens in."""
    login = (
        "LOGIN",
        f"pid={pid} uid=0 subj=unconfined old-auid={UNSET} auid={uid} tty=(none) old-ses={UNSET} ses={ses} res=1",
        f'UID="root" OLD-AUID="unset" AUID="{host.user(uid)}"',
    )
    if host.name == "db-1":  # no audit rules on db-1: a dummy syscall context logs no SYSCALL
        return [login]
    proc = Proc(pid, ppid, 0, 0, uid, ses, comm, exe)
    return [
        login,
        syscall_record(
            host,
            proc,
            1,
            len(str(uid)),
            ("8", "7ffc1d2e3f40", hex(len(str(uid)))[2:], "0"),
            0,
            None,
        ),
        proctitle_record(title),
    ]


def ssh_failed_attempts(
    host: Host, t: datetime, user: str, valid: bool, ip: str, port: int, tries: int
) -> datetime:
    """One ssh connection that fails `tries` passwords; returns when it closed."""
    tick(host, t)
    pace = random.Random(f"{host.name}:{ip}:{port}")  # the story's times depend on nothing else
    pid = host.next_pid()
    proc = sshd_proc(host, pid, f"sshd: {user} [priv]" if valid else "sshd: unknown [priv]")
    priv = dict(proc)
    if not valid:
        syslog(host, t, "sshd", pid, f"Invalid user {user} from {ip} port {port}", proc=priv)
        host.audit.append(
            AuditEvent(
                ms(t, 3),
                [
                    user_record(
                        host,
                        "USER_LOGIN",
                        pid,
                        0,
                        UNSET,
                        UNSET,
                        f'op=login acct={hexs("(invalid user)")} exe="/usr/sbin/sshd" hostname=? addr={ip} terminal=sshd res=failed',
                    )
                ],
            )
        )
    now = t
    for i in range(tries):
        now = now + timedelta(milliseconds=pace.randint(350, 900))
        if not valid:
            syslog(
                host,
                now,
                "sshd",
                pid,
                "pam_unix(sshd:auth): check pass; user unknown",
                facility=AUTHPRIV,
                priority=5,
                proc=priv,
            )
        rhost = f"logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}" + (
            "" if not valid else f"  user={user}"
        )
        if i == 0:
            syslog(
                host,
                ms(now, 1),
                "sshd",
                pid,
                f"pam_unix(sshd:auth): authentication failure; {rhost}",
                facility=AUTHPRIV,
                priority=5,
                proc=priv,
            )
        now = now + timedelta(milliseconds=pace.randint(1700, 2400))
        host.audit.append(
            AuditEvent(
                now,
                [
                    user_record(
                        host,
                        "USER_AUTH",
                        pid,
                        0,
                        UNSET,
                        UNSET,
                        pam_msg(
                            "PAM:authentication",
                            "?",
                            user,
                            "/usr/sbin/sshd",
                            ip,
                            ip,
                            "ssh",
                            "failed",
                        ),
                    )
                ],
            )
        )
        acct = hexs("(invalid user)") if not valid else f'"{user}"'
        host.audit.append(
            AuditEvent(
                ms(now, 1),
                [
                    user_record(
                        host,
                        "USER_LOGIN",
                        pid,
                        0,
                        UNSET,
                        UNSET,
                        f'op=login acct={acct} exe="/usr/sbin/sshd" hostname=? addr={ip} terminal=sshd res=failed',
                    )
                ],
            )
        )
        who = f"invalid user {user}" if not valid else user
        syslog(
            host,
            ms(now, 2),
            "sshd",
            pid,
            f"Failed password for {who} from {ip} port {port} ssh2",
            proc=priv,
        )
    end = now + timedelta(milliseconds=pace.randint(40, 300))
    who = f"invalid user {user}" if not valid else f"authenticating user {user}"
    syslog(
        host,
        end,
        "sshd",
        pid,
        f"Connection closed by {who} {ip} port {port} [preauth]",
        proc=priv,
    )
    if tries > 1:
        extra = f"  user={user}" if valid else ""
        syslog(
            host,
            ms(end, 1),
            "sshd",
            pid,
            f"PAM {tries - 1} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}{extra}",
            facility=AUTHPRIV,
            priority=5,
            proc=priv,
        )
    return end


def note(host: Host, t: datetime, *records: tuple[str, str, str], gap: int = 0) -> None:
    """Append one audit event made of `records`."""
    host.audit.append(AuditEvent(t, list(records), gap=gap))


def sshd_pam(
    host: Host, s: Session, rtype: str, pid: int, auid: int, op: str, grantors: str
) -> tuple[str, str, str]:
    """A PAM record of sshd for the session's user and address."""
    msg = pam_msg(op, grantors, s.user, "/usr/sbin/sshd", s.ip, s.ip, "ssh", "success")
    return user_record(host, rtype, pid, 0, auid, s.ses if auid != UNSET else UNSET, msg)


def ssh_login(
    host: Host, t: datetime, user: str, ip: str, port: int, method: str, tty: str = "pts/0"
) -> Session:
    """A successful ssh login: auth.log/journal lines and the PAM/sshd audit records."""
    tick(host, t)
    uid = host.uid(user)
    host.ses += 1  # pam_loginuid: every PAM session gets the next audit session id
    priv_pid = host.next_pid()
    s = Session(
        user,
        uid,
        uid,
        host.ses,
        host.ses,  # logind names a session after its audit session id
        priv_pid,
        priv_pid + 2,
        priv_pid + 3,
        ip,
        port,
        tty,
    )
    host.pid = priv_pid + 3
    pre = sshd_proc(host, priv_pid, f"sshd: {user} [priv]")
    tt = t
    if method == "password":
        tt = ms(t, host.rng.randint(30, 90))
        note(
            host,
            tt,
            sshd_pam(host, s, "USER_AUTH", priv_pid, UNSET, "PAM:authentication", "pam_unix"),
            gap=1,
        )
    tt = ms(tt, 2)
    note(host, tt, sshd_pam(host, s, "USER_ACCT", priv_pid, UNSET, "PAM:accounting", "pam_permit"))
    how = f"Accepted {method} for {user} from {ip} port {port} ssh2"
    if method == "publickey":
        how += f": {KEY_FP[user]}"
    syslog(host, ms(tt, 1), "sshd", priv_pid, how, proc=pre)
    tt = ms(tt, 5)
    note(
        host,
        tt,
        sshd_pam(host, s, "CRED_ACQ", priv_pid, UNSET, "PAM:setcred", "pam_permit,pam_cap"),
        gap=1,
    )
    tt = ms(tt, 1)
    title = [f"sshd: {user} [priv]"]
    note(
        host,
        tt,
        *login_syscall(
            host, tt, priv_pid, host.sshd_pid, uid, s.ses, "sshd", "/usr/sbin/sshd", title
        ),
    )
    opened = f"pam_unix(sshd:session): session opened for user {user}(uid={uid}) by (uid=0)"
    syslog(host, ms(tt, 3), "sshd", priv_pid, opened, facility=AUTHPRIV, proc=pre)
    new_session = f"New session {s.logind} of user {user}."
    syslog(
        host,
        ms(tt, 15),
        "systemd-logind",
        host.logind_pid,
        new_session,
        proc=logind_proc(host),
    )
    user_manager_start(host, ms(tt, 17), s)
    unit = f"session-{s.logind}.scope"
    systemd_msg(host, ms(tt, 29), unit, f"Started {unit} - Session {s.logind} of User {user}.")
    tt = ms(tt, 31)
    note(
        host,
        tt,
        sshd_pam(host, s, "USER_START", priv_pid, uid, "PAM:session_open", SSH_SESSION_GRANTORS),
        gap=1,
    )
    tt = ms(tt, 9)
    note(
        host,
        tt,
        sshd_pam(host, s, "CRED_ACQ", s.user_pid, uid, "PAM:setcred", "pam_permit,pam_cap"),
    )
    msg = f'op=login id={uid} exe="/usr/sbin/sshd" hostname={ip} addr={ip} terminal=/dev/{tty} res=success'
    note(host, ms(tt, 5), user_record(host, "USER_LOGIN", priv_pid, 0, uid, s.ses, msg), gap=1)
    return s


SYSTEMD_USER_GRANTORS = (
    "pam_selinux,pam_selinux,pam_loginuid,pam_permit,pam_umask,pam_unix,pam_keyinit"
)


def systemd_user_msg(host: Host, op: str, user: str) -> str:
    exe = "/usr/lib/systemd/systemd"
    return pam_msg(
        op,
        SYSTEMD_USER_GRANTORS if "session" in op else "pam_permit",
        user,
        exe,
        "?",
        "?",
        "?",
        "success",
    )


def user_manager_start(host: Host, t: datetime, s: Session) -> None:
    """The first login of a user starts user@UID.service: a PAM session that is not a login."""
    pid = host.next_pid(2)
    host.ses += 1
    host.user_managers[s.user] = (pid, host.ses)
    note(
        host,
        t,
        user_record(
            host,
            "USER_ACCT",
            pid,
            0,
            UNSET,
            UNSET,
            systemd_user_msg(host, "PAM:accounting", s.user),
        ),
    )
    note(
        host,
        ms(t, 1),
        *login_syscall(
            host, t, pid, 1, s.uid, host.ses, "(systemd)", "/usr/lib/systemd/systemd", ["(systemd)"]
        ),
    )
    opened = (
        f"pam_unix(systemd-user:session): session opened for user {s.user}(uid={s.uid}) by (uid=0)"
    )
    syslog(
        host,
        ms(t, 2),
        "systemd",
        None,
        opened,
        facility=AUTHPRIV,
        proc=user_manager_proc(host, pid, s.uid, host.ses),
    )
    note(
        host,
        ms(t, 3),
        user_record(
            host,
            "USER_START",
            pid,
            0,
            s.uid,
            host.ses,
            systemd_user_msg(host, "PAM:session_open", s.user),
        ),
    )
    unit = f"user@{s.uid}.service"
    systemd_msg(host, ms(t, 9), unit, f"Started {unit} - User Manager for UID {s.uid}.")


def user_manager_stop(host: Host, t: datetime, s: Session, audited: bool) -> None:
    """user@UID.service stops once the user's last session ended (UserStopDelaySec=10s)."""
    pid, ses = host.user_managers.pop(s.user)
    closed = f"pam_unix(systemd-user:session): session closed for user {s.user}"
    syslog(
        host,
        t,
        "systemd",
        None,
        closed,
        facility=AUTHPRIV,
        proc=user_manager_proc(host, pid, s.uid, ses),
    )
    if audited:
        note(
            host,
            ms(t, 1),
            user_record(
                host,
                "USER_END",
                pid,
                0,
                s.uid,
                ses,
                systemd_user_msg(host, "PAM:session_close", s.user),
            ),
        )
    unit = f"user@{s.uid}.service"
    systemd_msg(
        host,
        ms(t, 12),
        unit,
        f"Stopped {unit} - User Manager for UID {s.uid}.",
        {"JOB_TYPE": "stop"},
    )


def user_manager_proc(host: Host, pid: int, uid: int, ses: int) -> dict[str, str]:
    return {
        "_PID": str(pid),
        "_UID": "0",
        "_GID": "0",
        "_COMM": "(systemd)",
        "_EXE": "/usr/lib/systemd/systemd",
        "_CMDLINE": "(systemd)",
        "_CAP_EFFECTIVE": "1ffffffffff",
        "_AUDIT_SESSION": str(ses),
        "_AUDIT_LOGINUID": str(uid),
        "_SYSTEMD_CGROUP": f"/user.slice/user-{uid}.slice/user@{uid}.service/init.scope",
        "_SYSTEMD_UNIT": f"user@{uid}.service",
        "_SYSTEMD_SLICE": f"user-{uid}.slice",
        "_SYSTEMD_OWNER_UID": str(uid),
    }


def ssh_logout(host: Host, t: datetime, s: Session, audited: bool = True) -> None:
    """The user leaves: sshd and logind lines, USER_END/CRED_DISP/USER_LOGOUT records."""
    tick(host, t)
    post = sshd_proc(host, s.user_pid, f"sshd: {s.user}@{s.tty}", s)
    pre = sshd_proc(host, s.priv_pid, f"sshd: {s.user} [priv]", s)
    bye = f"Received disconnect from {s.ip} port {s.port}:11: disconnected by user"
    syslog(host, t, "sshd", s.user_pid, bye, proc=post)
    gone = f"Disconnected from user {s.user} {s.ip} port {s.port}"
    syslog(host, ms(t, 1), "sshd", s.user_pid, gone, proc=post)
    tt = ms(t, 12)
    if audited:
        note(
            host,
            ms(tt, -1),
            sshd_pam(
                host, s, "USER_END", s.priv_pid, s.uid, "PAM:session_close", SSH_SESSION_GRANTORS
            ),
        )
    closed = f"pam_unix(sshd:session): session closed for user {s.user}"
    syslog(host, tt, "sshd", s.priv_pid, closed, facility=AUTHPRIV, proc=pre)
    if audited:
        note(
            host,
            ms(tt, 1),
            sshd_pam(host, s, "CRED_DISP", s.priv_pid, s.uid, "PAM:setcred", "pam_permit"),
        )
        msg = f'op=login id={s.uid} exe="/usr/sbin/sshd" hostname={s.ip} addr={s.ip} terminal=/dev/{s.tty} res=success'
        note(host, ms(tt, 2), user_record(host, "USER_LOGOUT", s.priv_pid, 0, s.uid, s.ses, msg))
    logged_out = f"Session {s.logind} logged out. Waiting for processes to exit."
    syslog(host, ms(tt, 4), "systemd-logind", host.logind_pid, logged_out, proc=logind_proc(host))
    unit = f"session-{s.logind}.scope"
    systemd_msg(host, ms(tt, 6), unit, f"{unit}: Deactivated successfully.")
    removed = f"Removed session {s.logind}."
    syslog(host, ms(tt, 9), "systemd-logind", host.logind_pid, removed, proc=logind_proc(host))
    user_manager_stop(host, ms(tt, 10_020), s, audited)


def shell_proc(
    s: Session, pid: int, comm: str, exe: str, uid: int | None = None, euid: int | None = None
) -> Proc:
    u = s.uid if uid is None else uid
    return Proc(pid, s.shell_pid, u, s.gid, s.uid, s.ses, comm, exe, s.tty, euid, None)


def run(
    host: Host,
    t: datetime,
    s: Session,
    argv: list[str],
    exe: str,
    inode: int,
    path: str | None = None,
) -> Proc:
    """A command typed in the session's shell (exec rule: auid >= 1000).

    The kernel names the process (comm) after the file executed, `path` when it is a
    symlink to `exe` (/usr/bin/sh -> dash).
    """
    tick(host, t)
    pid = host.next_pid(host.rng.randint(1, 4))
    proc = shell_proc(s, pid, Path(path or exe).name[:15], exe)
    exec_event(host, t, proc, argv, f"/home/{s.user}", inode, path=path)
    return proc


def local_pam(
    host: Host,
    rtype: str,
    pid: int,
    uid: int,
    auid: int,
    ses: int,
    op: str,
    grantors: str,
    acct: str,
    exe: str,
    term: str,
) -> tuple[str, str, str]:
    """A PAM record of a local service (sudo, cron, systemd --user): no remote address."""
    return user_record(
        host,
        rtype,
        pid,
        uid,
        auid,
        ses,
        pam_msg(op, grantors, acct, exe, "?", "?", term, "success"),
    )


SUDO_SESSION = "pam_limits,pam_permit,pam_unix"


def sudo(
    host: Host,
    t: datetime,
    s: Session,
    argv: list[str],
    exe: str,
    inode: int,
    *,
    target: str = "root",
    audited_end: bool = True,
    exec_key: str = "exec",
    logged_exec: bool = True,
    password: bool = False,
) -> tuple[Proc, datetime]:
    """`sudo argv...` in a session: sudo's exec, its PAM/USER_CMD records and log lines."""
    tick(host, t)
    cwd, term, sudo_exe = f"/home/{s.user}", f"/dev/{s.tty}", "/usr/bin/sudo"
    pid = host.next_pid(host.rng.randint(1, 3))
    target_uid = host.uid(target)
    if logged_exec:
        sproc = Proc(pid, s.shell_pid, s.uid, s.gid, s.uid, s.ses, "sudo", sudo_exe, s.tty, 0, None)
        exec_event(host, t, sproc, ["sudo", *argv], cwd, 1573041)
    if password:  # the first sudo of a session asks for the user's password
        note(
            host,
            ms(t, 4),
            local_pam(
                host,
                "USER_AUTH",
                pid,
                s.uid,
                s.uid,
                s.ses,
                "PAM:authentication",
                "pam_unix",
                s.user,
                sudo_exe,
                term,
            ),
        )
    tt = ms(t, 6)
    note(
        host,
        tt,
        local_pam(
            host,
            "USER_ACCT",
            pid,
            s.uid,
            s.uid,
            s.ses,
            "PAM:accounting",
            "pam_permit",
            s.user,
            sudo_exe,
            term,
        ),
    )
    proc = session_proc(s, pid, s.uid, "sudo", sudo_exe, " ".join(["sudo", *argv]))
    command = " ".join([exe, *argv[1:]])
    line = f"{s.user:>8} : TTY={s.tty} ; PWD={cwd} ; USER={target} ; COMMAND={command}"
    syslog(host, ms(tt, 1), "sudo", None, line, facility=AUTHPRIV, priority=5, proc=proc)
    tt = ms(tt, 1)
    msg = f'cwd={audit_str(cwd)} cmd={audit_str(" ".join(argv))} exe="{sudo_exe}" terminal={s.tty} res=success'
    note(host, tt, user_record(host, "USER_CMD", pid, s.uid, s.uid, s.ses, msg))
    tt = ms(tt, 1)
    note(
        host,
        tt,
        local_pam(
            host,
            "CRED_REFR",
            pid,
            0,
            s.uid,
            s.ses,
            "PAM:setcred",
            "pam_permit",
            target,
            sudo_exe,
            term,
        ),
    )
    tt = ms(tt, 1)
    opened = f"pam_unix(sudo:session): session opened for user {target}(uid={target_uid}) by {s.user}(uid={s.uid})"
    syslog(host, tt, "sudo", None, opened, facility=AUTHPRIV, proc=proc)
    note(
        host,
        ms(tt, 1),
        local_pam(
            host,
            "USER_START",
            pid,
            0,
            s.uid,
            s.ses,
            "PAM:session_open",
            SUDO_SESSION,
            target,
            sudo_exe,
            term,
        ),
    )
    host.pid = pid + 1
    child = Proc(
        pid + 1, pid, target_uid, target_uid, s.uid, s.ses, Path(exe).name[:15], exe, s.tty
    )
    tt = ms(tt, 3)
    if logged_exec:
        exec_event(host, tt, child, argv, cwd, inode, key=exec_key)
    end = ms(tt, host.rng.randint(30, 400))
    if audited_end:
        note(
            host,
            end,
            local_pam(
                host,
                "USER_END",
                pid,
                0,
                s.uid,
                s.ses,
                "PAM:session_close",
                SUDO_SESSION,
                target,
                sudo_exe,
                term,
            ),
        )
        note(
            host,
            ms(end, 1),
            local_pam(
                host,
                "CRED_DISP",
                pid,
                0,
                s.uid,
                s.ses,
                "PAM:setcred",
                "pam_permit",
                target,
                sudo_exe,
                term,
            ),
        )
    closed = f"pam_unix(sudo:session): session closed for user {target}"
    syslog(host, ms(end, 1), "sudo", None, closed, facility=AUTHPRIV, proc=proc)
    return child, end


def session_proc(
    s: Session, pid: int, uid: int, comm: str, exe: str, cmdline: str
) -> dict[str, str]:
    """The journal's trusted fields of a process inside a login session."""
    return {
        "_PID": str(pid),
        "_UID": str(uid),
        "_GID": str(s.gid),
        "_COMM": comm,
        "_EXE": exe,
        "_CMDLINE": cmdline,
        "_CAP_EFFECTIVE": "1ffffffffff",
        "_AUDIT_SESSION": str(s.ses),
        "_AUDIT_LOGINUID": str(s.uid),
        "_SYSTEMD_CGROUP": f"/user.slice/user-{s.uid}.slice/session-{s.logind}.scope",
        "_SYSTEMD_UNIT": f"session-{s.logind}.scope",
        "_SYSTEMD_SLICE": f"user-{s.uid}.slice",
        "_SYSTEMD_SESSION": str(s.logind),
        "_SYSTEMD_OWNER_UID": str(s.uid),
        "_SYSTEMD_USER_SLICE": "-.slice",
    }


def tick(host: Host, now: datetime) -> None:
    """Run the hourly cron jobs due before `now`, so that pids grow with time."""
    while host.next_cron <= now:
        audited = host.auditd_until is None or host.next_cron <= host.auditd_until
        cron_hourly(
            host, host.next_cron + timedelta(milliseconds=host.rng.randint(100, 900)), audited
        )
        host.next_cron += timedelta(hours=1)


CRON_SESSION = "pam_loginuid,pam_env,pam_env,pam_permit,pam_unix,pam_limits"


def cron_hourly(host: Host, t: datetime, audited: bool = True) -> None:
    """The hourly run-parts job of /etc/crontab: a PAM session of root, not a login."""
    pid = host.next_pid(host.rng.randint(40, 120))
    host.ses += 1
    ses, exe = host.ses, "/usr/sbin/cron"
    title = ["/usr/sbin/cron", "-f", "-P"] if host.name == "web-2" else ["/usr/sbin/cron", "-f"]
    proc = {
        "_UID": "0",
        "_GID": "0",
        "_COMM": "cron",
        "_EXE": exe,
        "_CMDLINE": " ".join(title),
        "_CAP_EFFECTIVE": "1ffffffffff",
        "_SYSTEMD_CGROUP": "/system.slice/cron.service",
        "_SYSTEMD_UNIT": "cron.service",
        "_SYSTEMD_SLICE": "system.slice",
        "_SYSTEMD_INVOCATION_ID": host.invocation_ids["cron.service"],
    }
    if audited:
        opening = [
            (
                t,
                [
                    local_pam(
                        host,
                        "USER_ACCT",
                        pid,
                        0,
                        UNSET,
                        UNSET,
                        "PAM:accounting",
                        "pam_permit",
                        "root",
                        exe,
                        "cron",
                    )
                ],
            ),
            (
                ms(t, 1),
                [
                    local_pam(
                        host,
                        "CRED_ACQ",
                        pid,
                        0,
                        UNSET,
                        UNSET,
                        "PAM:setcred",
                        "pam_permit,pam_cap",
                        "root",
                        exe,
                        "cron",
                    )
                ],
            ),
            (ms(t, 1), login_syscall(host, t, pid, host.cron_pid, 0, ses, "cron", exe, title)),
            (
                ms(t, 2),
                [
                    local_pam(
                        host,
                        "USER_START",
                        pid,
                        0,
                        0,
                        ses,
                        "PAM:session_open",
                        CRON_SESSION,
                        "root",
                        exe,
                        "cron",
                    )
                ],
            ),
        ]
        for when, records in opening:
            note(host, when, *records, gap=host.rng.randint(0, 1))
    in_session = dict(proc, _AUDIT_SESSION=str(ses), _AUDIT_LOGINUID="0")
    opened = "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
    syslog(host, ms(t, 2), "CRON", pid, opened, facility=AUTHPRIV, proc=proc)
    # Ubuntu's /etc/crontab separates user and command with spaces, Debian's with a tab
    job = "cd / && run-parts --report /etc/cron.hourly"
    cmd = f"   {job}" if host.name == "web-2" else job
    child = dict(in_session, _PID=str(pid + 1))
    syslog(host, ms(t, 3), "CRON", pid + 1, f"(root) CMD ({cmd})", facility=CRON, proc=child)
    end = ms(t, host.rng.randint(8, 30))
    host.pid += host.rng.randint(10, 30)  # run-parts and the hourly scripts
    if audited:
        note(
            host,
            end,
            local_pam(
                host,
                "CRED_DISP",
                pid,
                0,
                0,
                ses,
                "PAM:setcred",
                "pam_permit,pam_cap",
                "root",
                exe,
                "cron",
            ),
        )
        note(
            host,
            ms(end, 1),
            local_pam(
                host,
                "USER_END",
                pid,
                0,
                0,
                ses,
                "PAM:session_close",
                CRON_SESSION,
                "root",
                exe,
                "cron",
            ),
        )
    closed = "pam_unix(cron:session): session closed for user root"
    syslog(host, ms(end, 1), "CRON", pid, closed, facility=AUTHPRIV, proc=in_session)


# --- boot: auditd start, rules, services, kernel and systemd lines ------------------


def systemd_proc(host: Host) -> dict[str, str]:
    return {
        "_UID": "0",
        "_GID": "0",
        "_COMM": "systemd",
        "_EXE": "/usr/lib/systemd/systemd",
        "_CMDLINE": "/sbin/init",
        "_CAP_EFFECTIVE": "1ffffffffff",
        "_SYSTEMD_CGROUP": "/init.scope",
        "_SYSTEMD_UNIT": "init.scope",
        "_SYSTEMD_SLICE": "-.slice",
    }


def systemd_msg(
    host: Host, t: datetime, unit: str, msg: str, extra: dict[str, str] | None = None
) -> None:
    """A message of PID 1 about a unit: a finished start/stop job, or a deactivation."""
    kind = (extra or {}).get("JOB_TYPE", "deactivated" if "Deactivated" in msg else "start")
    if kind == "start":
        host.invocation_ids[unit] = host.hex_id(f"inv:{unit}:{t.isoformat()}")
    fields = {
        "_TRANSPORT": "journal",
        "_PID": "1",
        "SYSLOG_FACILITY": "3",
        "SYSLOG_IDENTIFIER": "systemd",
        "PRIORITY": "6",
        "MESSAGE": msg,
        "UNIT": unit,
        "INVOCATION_ID": host.invocation_ids[unit],
    }
    if kind == "deactivated":
        fields.update(
            {
                "CODE_FILE": "src/core/unit.c",
                "CODE_LINE": "5553",
                "CODE_FUNC": "unit_log_success",
                "MESSAGE_ID": "7ad2d189f7e94e70a38c781354912448",
            }
        )
    else:
        fields.update(
            {
                "CODE_FILE": "src/core/job.c",
                "CODE_LINE": "768",
                "CODE_FUNC": "job_emit_done_message",
                "JOB_ID": str(host.rng.randint(100, 2000)),
                "JOB_TYPE": kind,
                "JOB_RESULT": "done",
                "MESSAGE_ID": "39f53479d3a045ac8e11786248231fbf"
                if kind == "start"
                else "9d1aaa27d60140bd96365438aad20286",
            }
        )
    fields.update(systemd_proc(host))
    host.journal.append(JournalEntry(t, fields))


def kernel_msg(host: Host, t: datetime, msg: str, priority: int = 6) -> None:
    mono = int((t - host.boot).total_seconds() * 1_000_000)
    host.journal.append(
        JournalEntry(
            t,
            {
                "_TRANSPORT": "kernel",
                "SYSLOG_FACILITY": "0",
                "SYSLOG_IDENTIFIER": "kernel",
                "PRIORITY": str(priority),
                "MESSAGE": msg,
                "_SOURCE_MONOTONIC_TIMESTAMP": str(mono),
            },
        )
    )


def service_record(host: Host, rtype: str, unit: str) -> tuple[str, str, str]:
    exe = "/usr/lib/systemd/systemd"
    msg = f'unit={unit} comm="systemd" exe="{exe}" hostname=? addr=? terminal=? res=success'
    return user_record(host, rtype, 1, 0, UNSET, UNSET, msg)


def auditd_start(host: Host, t: datetime, version: str, fmt: str, daemon_serial: int) -> None:
    """auditd starts, then augenrules loads the rules: DAEMON_START and CONFIG_CHANGEs."""
    pid = host.next_pid(host.rng.randint(100, 200))
    body = (
        f"op=start ver={version} format={fmt} kernel={host.kernel} auid={UNSET} pid={pid} "
        f"uid=0 ses={UNSET} subj=unconfined res=success"
    )
    host.audit.append(
        AuditEvent(t, [("DAEMON_START", body, 'AUID="unset" UID="root"')], serial=daemon_serial)
    )
    # auditd's own netlink requests are never tied to a syscall record
    body = f"op=set audit_pid={pid} old=0 auid={UNSET} ses={UNSET} subj=unconfined res=1"
    host.audit.append(AuditEvent(ms(t, 2), [("CONFIG_CHANGE", body, 'AUID="unset"')]))
    # augenrules: `auditctl -R /etc/audit/audit.rules`, one sendto() per line
    tt = ms(t, 25)
    auditctl = Proc(host.next_pid(), pid - 1, 0, 0, UNSET, UNSET, "auditctl", "/usr/sbin/auditctl")
    title = ["/sbin/auditctl", "-R", "/etc/audit/audit.rules"]
    for setting, new, old in (
        ("audit_backlog_limit", 8192, 64),
        ("audit_failure", 1, 1),
        ("audit_backlog_wait_time", 60000, 60000),
    ):
        body = f"op=set {setting}={new} old={old} auid={UNSET} ses={UNSET} subj=unconfined res=1"
        host.audit.append(AuditEvent(tt, [("CONFIG_CHANGE", body, 'AUID="unset"')]))
    for i, (_rule, key) in enumerate(AUDIT_RULES):
        body = f'auid={UNSET} ses={UNSET} subj=unconfined op=add_rule key="{key}" list=4 res=1'
        records = [("CONFIG_CHANGE", body, 'AUID="unset"')]
        if i > 0:  # once a rule exists, the kernel adds the sendto() it came with
            records += rule_syscall(host, auditctl, title)
        host.audit.append(AuditEvent(ms(tt, 1 + i // 6), records))
    host.audit.append(AuditEvent(ms(tt, 12), [service_record(host, "SERVICE_START", "auditd")]))


def rule_syscall(host: Host, auditctl: Proc, title: list[str]) -> list[tuple[str, str, str]]:
    """The sendto() on the audit netlink socket that carried a rule change."""
    size = host.rng.choice(("430", "438", "440", "450"))
    args = ("4", pointers(host, "7ff", 1, "")[0], hex(int(size))[2:], "0")
    return [syscall_record(host, auditctl, 44, int(size), args, 0, None), proctitle_record(title)]


def boot(host: Host, units: list[tuple[str, str]], audit: tuple[str, str, int] | None) -> datetime:
    """Kernel lines, auditd (when installed), then the units that log their start."""
    t = host.boot
    kver = {"web-1": "6.1.0-27-amd64", "db-1": "6.1.0-27-amd64"}.get(host.name, "")
    if kver:
        kernel_msg(
            host,
            t,
            f"Linux version {kver} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)",
            5,
        )
        kernel_msg(
            host,
            ms(t, 0),
            f"Command line: BOOT_IMAGE=/boot/vmlinuz-{kver} root=UUID={host.hex_id('rootfs', 8)}-4c1e-9a57-{host.hex_id('rootfs2', 12)} ro quiet{' audit=1' if audit is None else ''}",
            6,
        )
        state = "enabled" if audit is None else "disabled"  # db-1 has no auditd: audit=1
        kernel_msg(host, ms(t, 118), f"audit: initializing netlink subsys ({state})", 6)
        kernel_msg(
            host,
            ms(t, 1190),
            "EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
            6,
        )
        kernel_msg(host, ms(t, 2960), "EXT4-fs (vda1): re-mounted. Quota mode: none.", 6)
    t = ms(t, 3400)
    if audit is not None:
        auditd_start(host, t, *audit)
    t = ms(t, 60)
    body = ' comm="systemd-update-utmp" exe="/usr/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'
    utmp = user_record(host, "SYSTEM_BOOT", host.next_pid(), 0, UNSET, UNSET, body)
    host.audit.append(AuditEvent(ms(t, 3), [utmp]))
    for i, (unit, description) in enumerate(units):
        when = ms(t, 200 + 85 * i)
        systemd_msg(host, when, unit, f"Started {unit} - {description}.")
        # systemd reports each unit to the kernel: auditd's file, or journald (db-1)
        host.audit.append(
            AuditEvent(
                ms(when, -1),
                [service_record(host, "SERVICE_START", unit.removesuffix(".service"))],
            )
        )
    end = ms(t, 200 + 85 * len(units))
    unit_time = {unit: ms(t, 200 + 85 * i) for i, (unit, _) in enumerate(units)}
    listener = sshd_proc(
        host, host.sshd_pid, "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"
    )
    for i, address in enumerate(("0.0.0.0", "::")):
        syslog(
            host,
            ms(unit_time["ssh.service"], -3 + i),
            "sshd",
            host.sshd_pid,
            f"Server listening on {address} port 22.",
            proc=listener,
        )
    logind = unit_time["systemd-logind.service"]
    syslog(
        host,
        ms(logind, -9),
        "systemd-logind",
        host.logind_pid,
        "New seat seat0.",
        proc=logind_proc(host),
    )
    syslog(
        host,
        ms(logind, -8),
        "systemd-logind",
        host.logind_pid,
        "Watching system buttons on /dev/input/event0 (Power Button)",
        proc=logind_proc(host),
    )
    syslog(
        host,
        ms(logind, -7),
        "systemd-logind",
        host.logind_pid,
        "Watching system buttons on /dev/input/event1 (AT Translated Set 2 keyboard)",
        proc=logind_proc(host),
    )
    body = 'old-level=N new-level=5 comm="systemd-update-utmp" exe="/usr/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'
    runlevel = user_record(host, "SYSTEM_RUNLEVEL", host.next_pid(), 0, UNSET, UNSET, body)
    host.audit.append(AuditEvent(end, [runlevel]))
    return end


# --- docker ------------------------------------------------------------------------


def logrus(t: datetime, level: str, msg: str, extra: str = "") -> str:
    """A dockerd logrus text line: RFC3339 with nanoseconds, Go-quoted msg."""
    if t.microsecond % 1000 == 0:  # written a little before journald stamps it
        t -= timedelta(
            microseconds=100 + int(hashlib.md5(f"{t}{msg}".encode()).hexdigest()[:4], 16) % 800
        )
    stamp = (
        t.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{t.microsecond:06d}{(t.microsecond * 7 + 389) % 1000:03d}Z"
    )
    quoted = msg.replace("\\", "\\\\").replace('"', '\\"')
    return f'time="{stamp}" level={level} msg="{quoted}"' + (f" {extra}" if extra else "")


def dockerd(host: Host, t: datetime, level: str, msg: str, extra: str = "") -> None:
    """One dockerd line: to docker.log (web-2) or the journal via stderr (web-1)."""
    if host.name == "web-2":
        host.docker.append((t, level, msg, extra))
        return
    line = logrus(t, level, msg, extra)
    host.journal.append(
        JournalEntry(
            t,
            {
                "_TRANSPORT": "stdout",
                "_STREAM_ID": host.stream_ids["docker.service"],
                "SYSLOG_FACILITY": "3",
                "SYSLOG_IDENTIFIER": "dockerd",
                "PRIORITY": "6"
                if level in ("info", "debug")
                else "4"
                if level == "warning"
                else "3",
                "MESSAGE": line,
                "_PID": str(host.dockerd_pid),
                "_UID": "0",
                "_GID": "0",
                "_COMM": "dockerd",
                "_EXE": "/usr/sbin/dockerd",
                "_CMDLINE": "/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
                "_CAP_EFFECTIVE": "1ffffffffff",
                "_SYSTEMD_CGROUP": "/system.slice/docker.service",
                "_SYSTEMD_UNIT": "docker.service",
                "_SYSTEMD_SLICE": "system.slice",
                "_SYSTEMD_INVOCATION_ID": host.invocation_ids["docker.service"],
            },
        )
    )


def dockerd_start(host: Host, t: datetime, version: str, commit: str) -> None:
    dockerd(host, t, "info", "Starting up")
    if host.name == "web-2":
        dockerd(host, ms(t, 1), "debug", "Listener created for HTTP on fd ()")
        dockerd(host, ms(t, 2), "debug", "Golang's threads limit set to 55350")
        dockerd(
            host,
            ms(t, 3),
            "info",
            "detected 127.0.0.53 nameserver, assuming systemd-resolved, so using resolv.conf: /run/systemd/resolve/resolv.conf",
        )
        dockerd(host, ms(t, 9), "debug", "Using default logging driver json-file")
        dockerd(
            host,
            ms(t, 10),
            "debug",
            "[graphdriver] priority list: [overlay2 fuse-overlayfs btrfs zfs devicemapper vfs]",
        )
        dockerd(
            host,
            ms(t, 14),
            "debug",
            'backingFs=extfs, projectQuotaSupported=false, usingMetacopy=false, indexOff="index=off,", userxattr=""',
            "storage-driver=overlay2",
        )
    else:
        dockerd(host, ms(t, 3), "info", 'parsed scheme: "unix"', "module=grpc")
    dockerd(host, ms(t, 15), "info", "[graphdriver] using prior storage driver: overlay2")
    dockerd(host, ms(t, 41), "info", "Loading containers: start.")
    dockerd(
        host,
        ms(t, 388),
        "info",
        "Default bridge (docker0) is assigned with an IP address 172.17.0.0/16. Daemon option --bip can be used to set a preferred IP address",
    )
    dockerd(host, ms(t, 455), "info", "Loading containers: done.")
    dockerd(
        host,
        ms(t, 497),
        "info",
        "Docker daemon",
        f"commit={commit} graphdriver{'(s)' if host.name == 'web-1' else ''}=overlay2 version={version}",
    )
    dockerd(host, ms(t, 498), "info", "Daemon has completed initialization")
    dockerd(host, ms(t, 530), "info", "API listen on /run/docker.sock")


def api(host: Host, t: datetime, method: str, path: str) -> None:
    """A dockerd debug line for one API call (only web-2 runs dockerd with debug)."""
    if host.name == "web-2":
        dockerd(host, t, "debug", f"Calling {method} {path}")


def form_data(
    name_args: dict[str, object],
    image: str,
    cmd: list[str] | None,
    binds: list[str],
    privileged: bool,
    tty: bool,
    ports: dict[str, object],
) -> str:
    """The `form data` debug line: dockerd re-marshals the create body, keys sorted."""
    host_config: dict[str, object] = {
        "AutoRemove": False,
        "Binds": binds,
        "BlkioDeviceReadBps": [],
        "BlkioDeviceReadIOps": [],
        "BlkioDeviceWriteBps": [],
        "BlkioDeviceWriteIOps": [],
        "BlkioWeight": 0,
        "BlkioWeightDevice": [],
        "CapAdd": None,
        "CapDrop": None,
        "Cgroup": "",
        "CgroupParent": "",
        "CgroupnsMode": "",
        "ConsoleSize": [50, 211] if tty else [0, 0],
        "ContainerIDFile": "",
        "CpuCount": 0,
        "CpuPercent": 0,
        "CpuPeriod": 0,
        "CpuQuota": 0,
        "CpuRealtimePeriod": 0,
        "CpuRealtimeRuntime": 0,
        "CpuShares": 0,
        "CpusetCpus": "",
        "CpusetMems": "",
        "DeviceCgroupRules": None,
        "DeviceRequests": None,
        "Devices": [],
        "Dns": [],
        "DnsOptions": [],
        "DnsSearch": [],
        "ExtraHosts": None,
        "GroupAdd": None,
        "IOMaximumBandwidth": 0,
        "IOMaximumIOps": 0,
        "IpcMode": "",
        "Isolation": "",
        "Links": None,
        "LogConfig": {"Config": {}, "Type": ""},
        "MaskedPaths": None,
        "Memory": 0,
        "MemoryReservation": 0,
        "MemorySwap": 0,
        "MemorySwappiness": None,
        "NanoCpus": 0,
        "NetworkMode": "default",
        "OomKillDisable": False,
        "OomScoreAdj": 0,
        "PidMode": "",
        "PidsLimit": None,
        "PortBindings": ports,
        "Privileged": privileged,
        "PublishAllPorts": False,
        "ReadonlyPaths": None,
        "ReadonlyRootfs": False,
        "RestartPolicy": {"MaximumRetryCount": 0, "Name": "no"},
        "SecurityOpt": None,
        "ShmSize": 0,
        "UTSMode": "",
        "Ulimits": None,
        "UsernsMode": "",
        "VolumeDriver": "",
        "VolumesFrom": None,
    }
    body: dict[str, object] = {
        "AttachStderr": tty,
        "AttachStdin": tty,
        "AttachStdout": tty,
        "Cmd": cmd,
        "Domainname": "",
        "Entrypoint": None,
        "Env": [],
        "ExposedPorts": {p: {} for p in ports} if ports else None,
        "HostConfig": host_config,
        "Hostname": "",
        "Image": image,
        "Labels": {},
        "NetworkingConfig": {"EndpointsConfig": {}},
        "OnBuild": None,
        "OpenStdin": tty,
        "StdinOnce": tty,
        "Tty": tty,
        "User": "",
        "Volumes": {},
        "WorkingDir": "",
    }
    body.update(name_args)
    if body["ExposedPorts"] is None:
        del body["ExposedPorts"]
    return "form data: " + json.dumps(body, sort_keys=True, separators=(",", ":"))


@dataclass
class Container:
    """A container started through the docker CLI."""

    cid: str
    name: str
    image: str
    shim_pid: int
    init_pid: int


def docker_cli(host: Host, s: Session, t: datetime, argv: list[str]) -> Proc:
    """The docker CLI run by a login user: exec, then connect() to the daemon's socket."""
    tick(host, t)
    proc = run(host, t, s, argv, "/usr/bin/docker", 1575331)
    docker_gid = next(g for g, n in host.groups.items() if n == "docker")
    connect_event(
        host,
        ms(t, 14),
        proc,
        argv,
        f"/home/{s.user}",
        "/var/run/docker.sock",
        1127,
        "0140660",
        docker_gid,
    )
    api(host, ms(t, 15), "HEAD", "/_ping")
    return proc


def dockerd_writes(host: Host, t: datetime, cid: str) -> None:
    """dockerd persists a new container's config under /var/lib/docker (the `docker` watch)."""
    exe = "/usr/sbin/dockerd" if host.name == "web-1" else "/usr/bin/dockerd"
    proc = Proc(host.dockerd_pid, 1, 0, 0, UNSET, UNSET, "dockerd", exe)
    cdir = f"/var/lib/docker/containers/{cid}"
    tmp = f"{cdir}/.tmp-config.v2.json{host.rng.randint(100000000, 999999999)}"
    title = [
        "/usr/sbin/dockerd" if host.name == "web-1" else "/usr/bin/dockerd",
        "-H",
        "fd://",
        "--containerd=/run/containerd/containerd.sock",
    ]
    for i, (nr, args, paths) in enumerate(
        (
            (
                257,
                ("ffffff9c", "c000a1e1a0", "800c1", "180"),
                [(cdir + "/", 2101377, "040710", "PARENT"), (tmp, 2101391, "0100600", "CREATE")],
            ),
            (
                82,
                ("c000a1e200", "c000a1e240", "0", "0"),
                [
                    (cdir + "/", 2101377, "040710", "PARENT"),
                    (cdir + "/", 2101377, "040710", "PARENT"),
                    (tmp, 2101391, "0100600", "DELETE"),
                    (f"{cdir}/config.v2.json", 2101391, "0100600", "CREATE"),
                ],
            ),
        )
    ):
        recs = [
            syscall_record(host, proc, nr, 3 if nr == 257 else 0, args, len(paths), "docker"),
            cwd_record("/"),
        ]
        recs += [
            path_record(host, j, p, ino, mode, nt) for j, (p, ino, mode, nt) in enumerate(paths)
        ]
        recs.append(proctitle_record(title))
        host.audit.append(AuditEvent(ms(t, 2 * i), recs, gap=host.rng.randint(0, 3)))


def runc_exec(host: Host, t: datetime, c: Container) -> None:
    """containerd-shim runs runc (the `-w /usr/sbin/runc` watch fires on execute)."""
    bundle = f"/run/containerd/io.containerd.runtime.v2.task/moby/{c.cid}"
    argv = [
        "runc",
        "--root",
        "/var/run/docker/runtime-runc/moby",
        "--log",
        f"{bundle}/log.json",
        "--log-format",
        "json",
        "create",
        "--bundle",
        bundle,
        "--pid-file",
        f"{bundle}/init.pid",
        c.cid,
    ]
    proc = Proc(c.shim_pid + 7, c.shim_pid, 0, 0, UNSET, UNSET, "runc", "/usr/sbin/runc")
    records = [
        syscall_record(
            host, proc, 59, 0, ("c0001b4150", "c0001c2000", "c0000be000", "0"), 2, "docker"
        ),
        execve_record(argv),
        cwd_record(bundle),
        path_record(host, 0, "/usr/sbin/runc", 1576204, "0100755", "NORMAL"),
        path_record(host, 1, "/lib64/ld-linux-x86-64.so.2", 1835103, "0100755", "NORMAL"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=host.rng.randint(1, 3)))


def containerd_shim_lines(host: Host, t: datetime, c: Container) -> None:
    """containerd.service logs the shim it starts for a task (web-1's journal)."""
    if host.name != "web-1":
        return
    base = {
        "_TRANSPORT": "stdout",
        "_STREAM_ID": host.stream_ids["containerd.service"],
        "SYSLOG_FACILITY": "3",
        "SYSLOG_IDENTIFIER": "containerd",
        "PRIORITY": "6",
        "_PID": str(c.shim_pid),
        "_UID": "0",
        "_GID": "0",
        "_COMM": "containerd-shim",
        "_EXE": "/usr/bin/containerd-shim-runc-v2",
        "_CMDLINE": f"/usr/bin/containerd-shim-runc-v2 -namespace moby -id {c.cid} -address /run/containerd/containerd.sock",
        "_CAP_EFFECTIVE": "1ffffffffff",
        "_SYSTEMD_CGROUP": "/system.slice/containerd.service",
        "_SYSTEMD_UNIT": "containerd.service",
        "_SYSTEMD_SLICE": "system.slice",
        "_SYSTEMD_INVOCATION_ID": host.invocation_ids["containerd.service"],
    }
    plugins = [
        ("io.containerd.event.v1.publisher", "io.containerd.event.v1"),
        ("io.containerd.internal.v1.shutdown", "io.containerd.internal.v1"),
        ("io.containerd.ttrpc.v1.task", "io.containerd.ttrpc.v1"),
        ("io.containerd.ttrpc.v1.pause", "io.containerd.ttrpc.v1"),
    ]
    for i, (plugin, ptype) in enumerate(plugins):
        line = logrus(
            ms(t, i),
            "info",
            f'loading plugin "{plugin}"...',
            f"runtime=io.containerd.runc.v2 type={ptype}",
        )
        host.journal.append(JournalEntry(ms(t, i), dict(base, MESSAGE=line)))
    line = logrus(
        ms(t, 5),
        "info",
        "starting signal loop",
        f"namespace=moby path=/run/containerd/io.containerd.runtime.v2.task/moby/{c.cid} pid={c.shim_pid} runtime=io.containerd.runc.v2",
    )
    host.journal.append(JournalEntry(ms(t, 5), dict(base, MESSAGE=line)))


def container_output(
    host: Host, t: datetime, c: Container, line: str, stderr: bool = False
) -> None:
    """A line the container printed, stored by the journald log driver (web-1)."""
    host.journal.append(
        JournalEntry(
            t,
            {
                "_TRANSPORT": "journal",
                "MESSAGE": line,
                "CONTAINER_ID": c.cid[:12],
                "CONTAINER_ID_FULL": c.cid,
                "CONTAINER_NAME": c.name,
                "CONTAINER_TAG": c.cid[:12],
                "IMAGE_NAME": c.image,
                "SYSLOG_IDENTIFIER": c.cid[:12],
                "PRIORITY": "3" if stderr else "6",
                "_PID": str(host.dockerd_pid),
                "_UID": "0",
                "_GID": "0",
                "_COMM": "dockerd",
                "_EXE": "/usr/sbin/dockerd",
                "_CMDLINE": "/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
                "_CAP_EFFECTIVE": "1ffffffffff",
                "_SYSTEMD_CGROUP": "/system.slice/docker.service",
                "_SYSTEMD_UNIT": "docker.service",
                "_SYSTEMD_SLICE": "system.slice",
                "_SYSTEMD_INVOCATION_ID": host.invocation_ids["docker.service"],
            },
        )
    )


def docker_run(
    host: Host,
    s: Session,
    t: datetime,
    argv: list[str],
    name: str,
    image: str,
    cmd: list[str] | None,
    binds: list[str],
    privileged: bool,
    tty: bool,
    ports: dict[str, object],
) -> Container:
    """`docker run ...` end to end: CLI exec + connect, API calls, daemon writes, runc."""
    docker_cli(host, s, t, argv)
    cid = hashlib.sha256(f"{host.name}:{name}:{t.isoformat()}".encode()).hexdigest()
    api(host, ms(t, 17), "POST", f"/v1.43/containers/create?name={name}")
    if host.name == "web-2":
        dockerd(host, ms(t, 17), "debug", form_data({}, image, cmd, binds, privileged, tty, ports))
    dockerd_writes(host, ms(t, 60), cid)
    if host.name == "web-2":
        dockerd(
            host,
            ms(t, 71),
            "debug",
            f"container mounted via layerStore: /var/lib/docker/overlay2/{hashlib.sha256(cid.encode()).hexdigest()}/merged",
            f"container={cid}",
        )
        if tty:
            api(
                host,
                ms(t, 80),
                "POST",
                f"/v1.43/containers/{cid}/attach?stderr=1&stdin=1&stdout=1&stream=1",
            )
            dockerd(host, ms(t, 81), "debug", "attach: stdin: begin")
            dockerd(host, ms(t, 81), "debug", "attach: stdout: begin")
            dockerd(host, ms(t, 81), "debug", "attach: stderr: begin")
            api(host, ms(t, 84), "POST", f"/v1.43/containers/{cid}/wait?condition=next-exit")
        api(host, ms(t, 88), "POST", f"/v1.43/containers/{cid}/start")
        dockerd(
            host,
            ms(t, 90),
            "debug",
            f"Assigning addresses for endpoint {name}'s interface on network bridge",
        )
    shim = host.next_pid(host.rng.randint(5, 9))
    c = Container(cid, name, image, shim, shim + 20)
    containerd_shim_lines(host, ms(t, 120), c)
    runc_exec(host, ms(t, 131), c)
    host.pid = shim + 24
    if host.name == "web-2":
        dockerd(
            host,
            ms(t, 402),
            "debug",
            f"sandbox set key processing took 41.27301ms for container {cid}",
        )
        if tty:
            api(host, ms(t, 470), "POST", f"/v1.43/containers/{cid}/resize?h=50&w=211")
    return c


# --- the fleet and its two days ------------------------------------------------------


def at(day: int, clock: str, millis: int = 0) -> datetime:
    h, m, sec = (int(x) for x in clock.split(":"))
    return datetime(2026, 11, day, h, m, sec, millis * 1000, tzinfo=UTC)


def make_hosts() -> dict[str, Host]:
    common_users = {0: "root", 1001: "deploy", 1002: "alice"}
    hosts = {
        "web-1": Host(
            "web-1",
            "10.0.1.11",
            at(26, "21:02:13", 412),
            "6.1.0-27-amd64",
            hashlib.md5(b"web-1-boot").hexdigest(),
            hashlib.md5(b"web-1-machine").hexdigest(),
            {**common_users},
            {0: "root", 999: "docker", 1001: "deploy", 1002: "alice"},
            sshd_pid=688,
            logind_pid=641,
            cron_pid=652,
            dockerd_pid=903,
            containerd_pid=721,
            pid=1180,
            ses=0,
            rng=random.Random(11),
        ),
        "web-2": Host(
            "web-2",
            "10.0.1.12",
            at(26, "21:04:41", 87),
            "5.15.0-125-generic",
            hashlib.md5(b"web-2-boot").hexdigest(),
            hashlib.md5(b"web-2-machine").hexdigest(),
            {**common_users, 1003: "bob"},
            {0: "root", 42: "shadow", 998: "docker", 1001: "deploy", 1002: "alice", 1003: "bob"},
            sshd_pid=1021,
            logind_pid=733,
            cron_pid=712,
            dockerd_pid=1102,
            containerd_pid=845,
            pid=1420,
            ses=0,
            rng=random.Random(22),
        ),
        "db-1": Host(
            "db-1",
            "10.0.2.21",
            at(26, "21:07:09", 733),
            "6.1.0-27-amd64",
            hashlib.md5(b"db-1-boot").hexdigest(),
            hashlib.md5(b"db-1-machine").hexdigest(),
            {**common_users, 105: "postgres"},
            {0: "root", 114: "postgres", 1001: "deploy", 1002: "alice"},
            sshd_pid=655,
            logind_pid=612,
            cron_pid=620,
            pid=1050,
            ses=0,
            rng=random.Random(33),
        ),
    }
    for host in hosts.values():
        for unit in (
            "ssh.service",
            "systemd-logind.service",
            "cron.service",
            "docker.service",
            "containerd.service",
        ):
            host.invocation_ids[unit] = host.hex_id(f"invocation:{unit}")
            host.stream_ids[unit] = host.hex_id(f"stream:{unit}")
    return hosts


DEBIAN_UNITS = [
    ("containerd.service", "containerd container runtime"),
    ("ssh.service", "OpenBSD Secure Shell server"),
    ("cron.service", "Regular background program processing daemon"),
    ("systemd-logind.service", "User Login Management"),
    ("docker.service", "Docker Application Container Engine"),
]


def user_connect(host: Host, t: datetime, proc: Proc, argv: list[str], path: str) -> None:
    """A login user's program connects to a unix socket other than docker's (e.g. D-Bus)."""
    records = [
        syscall_record(
            host, proc, 42, 0, ("3", pointers(host, "7ff", 1, "")[0], "1d", "0"), 1, "docker_sock"
        ),
        sockaddr_unix(path, 2 + len(path) + 1),
        cwd_record(f"/home/{host.users[proc.auid]}"),
        path_record(host, 0, path, 1042, "0140666", "NORMAL", dev="00:19"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=1))


def web1(host: Host) -> None:
    end = boot(host, DEBIAN_UNITS, ("3.0.9", "enriched", 4861))
    dockerd_start(host, ms(end, 240), "20.10.24+dfsg1", "5d6db84")
    deploy = ssh_login(host, at(26, "21:31:05", 118), "deploy", "10.0.0.5", 53122, "publickey")
    run(host, at(26, "21:31:12", 340), deploy, ["uptime"], "/usr/bin/uptime", 1574012)
    p = run(
        host,
        at(26, "21:31:29", 77),
        deploy,
        ["systemctl", "status", "docker", "--no-pager"],
        "/usr/bin/systemctl",
        1574601,
    )
    user_connect(
        host,
        at(26, "21:31:29", 81),
        p,
        ["systemctl", "status", "docker", "--no-pager"],
        "/run/dbus/system_bus_socket",
    )
    ssh_logout(host, at(26, "21:33:40", 512), deploy)

    alice = ssh_login(host, at(26, "22:05:10", 230), "alice", "10.0.0.23", 50611, "publickey")
    docker_cli(host, alice, at(26, "22:05:31", 402), ["docker", "ps"])
    www = docker_run(
        host,
        alice,
        at(26, "22:06:02", 115),
        [
            "docker",
            "run",
            "-d",
            "--name",
            "www",
            "-p",
            "80:80",
            "-v",
            "/srv/www:/usr/share/nginx/html:ro",
            "nginx",
        ],
        "www",
        "nginx",
        None,
        ["/srv/www:/usr/share/nginx/html:ro"],
        False,
        False,
        {"80/tcp": [{"HostIp": "", "HostPort": "80"}]},
    )
    boot_lines = [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ]
    for i, line in enumerate(boot_lines):
        container_output(host, at(26, "22:06:02", 690 + 3 * i), www, line)
    for i, (level, msg) in enumerate(
        (
            ("notice", 'using the "epoll" event method'),
            ("notice", "nginx/1.27.3"),
            ("notice", "start worker processes"),
            ("notice", "start worker process 29"),
        )
    ):
        container_output(
            host,
            at(26, "22:06:02", 730 + i),
            www,
            f"2026/11/26 22:06:02 [{level}] 1#1: {msg}",
            stderr=True,
        )
    for clock, ip, agent in (
        ("22:06:40", "10.0.0.23", "curl/7.88.1"),
        ("23:41:07", "10.0.0.5", "kube-probe/1.29"),
        ("08:12:55", "10.0.0.5", "kube-probe/1.29"),
    ):
        day = 27 if clock < "12" else 26
        stamp = at(day, clock, 218)
        container_output(
            host,
            stamp,
            www,
            f'{ip} - - [{stamp:%d/%b/%Y:%H:%M:%S} +0000] "GET / HTTP/1.1" 200 615 "-" "{agent}" "-"',
        )
    sudo(
        host,
        at(26, "22:07:30", 140),
        alice,
        ["tail", "-n", "50", "/var/log/syslog"],
        "/usr/bin/tail",
        1574207,
    )
    ssh_logout(host, at(26, "22:12:45", 66), alice)

    root = ssh_login(host, at(27, "02:52:17", 301), "root", ROOT_ATTACKER, 40112, "password")
    ssh_logout(host, at(27, "02:58:03", 845), root)
    deploy = ssh_login(host, at(27, "08:40:22", 514), "deploy", "10.0.0.5", 53990, "publickey")
    # deploy's health check, run through sh (an argument with spaces: EXECVE hex)
    script = ["sh", "-c", "uptime; df -h /"]
    sh = run(host, at(27, "08:40:30", 12), deploy, script, "/usr/bin/dash", 1572980, "/usr/bin/sh")
    for i, (argv, exe, inode) in enumerate(
        ((["uptime"], "/usr/bin/uptime", 1574012), (["df", "-h", "/"], "/usr/bin/df", 1573988))
    ):
        child = Proc(
            sh.pid + 1 + i,
            sh.pid,
            deploy.uid,
            deploy.gid,
            deploy.uid,
            deploy.ses,
            argv[0],
            exe,
            deploy.tty,
        )
        exec_event(host, at(27, "08:40:30", 15 + 9 * i), child, argv, "/home/deploy", inode)
    host.pid = sh.pid + 2
    ssh_logout(host, at(27, "08:42:01", 380), deploy)


def web2(host: Host) -> None:
    units = [(u, d) for u, d in DEBIAN_UNITS]
    end = boot(host, units, ("3.0.7", "raw", 5117))
    dockerd_start(host, ms(end, 310), "24.0.7", '"24.0.7-0ubuntu2~22.04.1"')
    deploy = ssh_login(host, at(26, "21:35:20", 640), "deploy", "10.0.0.5", 53170, "publickey")
    run(host, at(26, "21:35:33", 201), deploy, ["df", "-h"], "/usr/bin/df", 1573988)
    ssh_logout(host, at(26, "21:36:45", 93), deploy)

    alice = ssh_login(host, at(26, "22:20:03", 77), "alice", "10.0.0.23", 50702, "publickey")
    docker_cli(host, alice, at(26, "22:20:15", 550), ["docker", "ps"])
    api(host, at(26, "22:20:15", 567), "GET", "/v1.43/containers/json")
    docker_run(
        host,
        alice,
        at(26, "22:20:41", 310),
        [
            "docker",
            "run",
            "-d",
            "--name",
            "web",
            "-v",
            "/srv/www:/usr/share/nginx/html:ro",
            "nginx",
        ],
        "web",
        "nginx",
        None,
        ["/srv/www:/usr/share/nginx/html:ro"],
        False,
        False,
        {},
    )
    ssh_logout(host, at(26, "22:24:10", 402), alice)

    # 1. password guessing from one address: invalid users first, then bob
    t = at(27, "02:10:01", 412)
    for user, valid, port in (
        ("admin", False, 51022),
        ("test", False, 51046),
        ("bob", True, 51068),
        ("bob", True, 51090),
    ):
        t = ssh_failed_attempts(host, t, user, valid, ATTACKER, port, 3) + timedelta(
            milliseconds=random.Random(port).randint(9000, 14000)
        )
    bob = ssh_login(host, at(27, "02:13:41", 204), "bob", ATTACKER, 51130, "password")
    run(host, at(27, "02:14:05", 330), bob, ["id"], "/usr/bin/id", 1573960)
    # 2. bob puts himself in the docker group (first sudo of the session asks his password)
    t = at(27, "02:15:12", 101)
    usermod, end = sudo(
        host,
        t,
        bob,
        ["usermod", "-aG", "docker", "bob"],
        "/usr/sbin/usermod",
        1574483,
        password=True,
    )
    shadow_change(host, ms(t, 40), bob, usermod)
    # newgrp: a shell with the docker group, without logging in again
    newgrp = run(
        host, at(27, "02:16:05", 512), bob, ["newgrp", "docker"], "/usr/bin/newgrp", 1573902
    )
    host.audit.append(
        AuditEvent(
            at(27, "02:16:05", 520),
            [
                user_record(
                    host,
                    "CHGRP_ID",
                    newgrp.pid,
                    1003,
                    1003,
                    bob.ses,
                    'op=changing id=1003 exe="/usr/bin/newgrp" hostname=web-2 addr=127.0.1.1 terminal=pts/0 res=success',
                )
            ],
        )
    )
    syslog(
        host,
        at(27, "02:16:05", 521),
        "newgrp",
        newgrp.pid,
        "user 'bob' (login 'bob' on pts/0) switching to group 'docker'",
    )
    bob.gid = 998
    exec_event(
        host,
        at(27, "02:16:05", 523),
        shell_proc(bob, newgrp.pid, "bash", "/usr/bin/bash"),
        ["bash"],
        "/home/bob",
        1572877,
    )
    bob.shell_pid = newgrp.pid
    # 3. the docker API straight through its socket
    t = at(27, "02:16:40", 290)
    argv = ["curl", "--unix-socket", "/var/run/docker.sock", "http://localhost/containers/json"]
    curl = run(host, t, bob, argv, "/usr/bin/curl", 1574733)
    connect_event(
        host, ms(t, 9), curl, argv, "/home/bob", "/var/run/docker.sock", 1127, "0140660", 998
    )
    api(host, ms(t, 10), "GET", "/containers/json")
    # 4. a privileged container with the host's root mounted, and a shell in it
    t = at(27, "02:18:02", 206)
    pwn = docker_run(
        host,
        bob,
        t,
        [
            "docker",
            "run",
            "-it",
            "--name",
            "pwn",
            "--privileged",
            "-v",
            "/:/host",
            "alpine",
            "chroot",
            "/host",
            "sh",
        ],
        "pwn",
        "alpine",
        ["chroot", "/host", "sh"],
        ["/:/host"],
        True,
        True,
        {},
    )
    t = at(27, "02:23:40", 871)
    for stream in ("stdout", "stderr", "stdin"):
        dockerd(host, t, "debug", f"attach: {stream}: end")
    dockerd(host, ms(t, 2), "debug", "attach done")
    dockerd(
        host,
        ms(t, 48),
        "info",
        "ignoring event",
        f'container={pwn.cid} module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"',
    )
    dockerd(
        host,
        ms(t, 52),
        "debug",
        f"Revoking external connectivity on endpoint pwn ({hashlib.sha256(b'pwn-endpoint').hexdigest()})",
    )
    # 5. the daemon's configuration, rewritten to listen on TCP without TLS
    t = at(27, "02:24:30", 115)
    tee, _ = sudo(host, t, bob, ["tee", "/etc/docker/daemon.json"], "/usr/bin/tee", 1574190)
    open_write(
        host, ms(t, 16), tee, "/etc/docker/daemon.json", "/etc/docker/", 1310733, 1310751, bob
    )
    # 6. auditing switched off: rules deleted, then the daemon stopped
    t = at(27, "02:31:10", 120)
    auditctl, _ = sudo(
        host, t, bob, ["auditctl", "-D"], "/usr/sbin/auditctl", 1573719, exec_key="audittools"
    )
    for i, (_rule, key) in enumerate(AUDIT_RULES):
        body = f'auid=1003 ses={bob.ses} subj=unconfined op=remove_rule key="{key}" list=4 res=1'
        records = [
            ("CONFIG_CHANGE", body, 'AUID="bob"'),
            *rule_syscall(host, auditctl, ["auditctl", "-D"]),
        ]
        host.audit.append(AuditEvent(ms(t, 20 + i // 8), records))
    t = at(27, "02:31:41", 502)
    sudo(
        host,
        t,
        bob,
        ["systemctl", "stop", "auditd"],
        "/usr/bin/systemctl",
        1574601,
        audited_end=False,
        logged_exec=False,
    )
    host.audit.append(
        AuditEvent(
            ms(t, 41),
            [("DAEMON_END", "op=terminate auid=0 pid=1 subj=unconfined res=success", "")],
            serial=5118,
        )
    )
    host.auditd_until = ms(t, 41)
    host.audit = [ev for ev in host.audit if ev.time <= host.auditd_until]  # auditd is gone
    ssh_logout(host, at(27, "02:38:55", 617), bob, audited=False)

    deploy = ssh_login(host, at(27, "08:41:09", 73), "deploy", "10.0.0.5", 54012, "publickey")
    ssh_logout(host, at(27, "08:41:58", 230), deploy, audited=False)
    host.audit = [ev for ev in host.audit if ev.time <= host.auditd_until]


def shadow_change(host: Host, t: datetime, s: Session, usermod: Proc) -> None:
    """usermod -aG rewrites /etc/group and /etc/gshadow (`identity` watch) and logs it."""
    for i, (name, inode, mode, ogid) in enumerate(
        (("/etc/group", 1311160, "0100644", 0), ("/etc/gshadow", 1311163, "0100640", 42))
    ):
        tmp = f"{name}+"
        records = [
            syscall_record(
                host,
                usermod,
                82,
                0,
                ("7ffd2c51e0a0", "55a4e2f1d2a0", "7ffd2c51e0a0", "0"),
                5,
                "identity",
            ),
            cwd_record(f"/home/{s.user}"),
            path_record(host, 0, "/etc/", 1310721, "040755", "PARENT"),
            path_record(host, 1, "/etc/", 1310721, "040755", "PARENT"),
            path_record(host, 2, tmp, inode + 40, mode, "DELETE", 0, ogid),
            path_record(host, 3, name, inode, mode, "DELETE", 0, ogid),
            path_record(host, 4, name, inode + 40, mode, "CREATE", 0, ogid),
            proctitle_record(["usermod", "-aG", "docker", "bob"]),
        ]
        host.audit.append(AuditEvent(ms(t, 3 * i), records, gap=3))
    term = f"hostname=web-2 addr=127.0.1.1 terminal={s.tty} res=success"
    host.audit.append(
        AuditEvent(
            ms(t, 7),
            [
                user_record(
                    host,
                    "USER_MGMT",
                    usermod.pid,
                    0,
                    s.uid,
                    s.ses,
                    f'op=add-user-to-group grp="docker" acct="bob" exe="/usr/sbin/usermod" {term}',
                )
            ],
        )
    )
    host.audit.append(
        AuditEvent(
            ms(t, 8),
            [
                user_record(
                    host,
                    "GRP_MGMT",
                    usermod.pid,
                    0,
                    s.uid,
                    s.ses,
                    f'op=add-user-to-shadow-group grp="docker" acct="bob" exe="/usr/sbin/usermod" {term}',
                )
            ],
        )
    )
    syslog(host, ms(t, 7), "usermod", usermod.pid, "add 'bob' to group 'docker'", facility=AUTHPRIV)
    syslog(
        host,
        ms(t, 8),
        "usermod",
        usermod.pid,
        "add 'bob' to shadow group 'docker'",
        facility=AUTHPRIV,
    )


def open_write(
    host: Host,
    t: datetime,
    proc: Proc,
    name: str,
    parent: str,
    parent_inode: int,
    inode: int,
    s: Session,
) -> None:
    """openat(O_WRONLY|O_CREAT|O_TRUNC) of a new file under a watched directory."""
    records = [
        syscall_record(host, proc, 257, 3, ("ffffff9c", "7ffc8e3f2c1a", "241", "1b6"), 2, "docker"),
        cwd_record(f"/home/{s.user}"),
        path_record(host, 0, parent, parent_inode, "040755", "PARENT"),
        path_record(host, 1, name, inode, "0100644", "CREATE"),
        proctitle_record(["tee", name]),
    ]
    host.audit.append(AuditEvent(t, records, gap=0))


def db1(host: Host) -> None:
    units = [
        ("ssh.service", "OpenBSD Secure Shell server"),
        ("cron.service", "Regular background program processing daemon"),
        ("systemd-logind.service", "User Login Management"),
        ("postgresql@15-main.service", "PostgreSQL Cluster 15-main"),
    ]
    boot(host, units, None)
    deploy = ssh_login(host, at(26, "21:40:12", 808), "deploy", "10.0.0.5", 53216, "publickey")
    ssh_logout(host, at(26, "21:41:30", 19), deploy)
    alice = ssh_login(host, at(26, "22:40:05", 562), "alice", "10.0.0.23", 50833, "publickey")
    sudo(
        host,
        at(26, "22:41:17", 310),
        alice,
        ["systemctl", "status", "postgresql@15-main", "--no-pager"],
        "/usr/bin/systemctl",
        1574601,
        logged_exec=False,
    )
    ssh_logout(host, at(26, "22:44:50", 451), alice)
    deploy = ssh_login(host, at(27, "08:45:31", 266), "deploy", "10.0.0.5", 54102, "publickey")
    ssh_logout(host, at(27, "08:46:02", 914), deploy)


def scenario() -> dict[str, Host]:
    hosts = make_hosts()
    web1(hosts["web-1"])
    web2(hosts["web-2"])
    db1(hosts["db-1"])
    for host in hosts.values():
        tick(host, at(27, "09:30:00"))
    return hosts


# --- writing the files ---------------------------------------------------------------


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare the committed files with a fresh run"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check(SAMPLES)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for name, data in sorted(write(SAMPLES).items()):
        print(f"{name}\t{len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
