"""Deterministic generators of realistic logs of a chosen size, one per benchmarked source.

The shapes follow real files (see ../shared/corpus): auditd events of several records
(SYSCALL, EXECVE, CWD, PATH, PROCTITLE, SOCKADDR) and user-space records with nested
`msg='...'`, hex-encoded strings, the ENRICHED tail after 0x1D, a few records out of
order; `journalctl -o json` entries; an RFC3164 auth.log with sshd, PAM, sudo, cron and
dockerd lines; dockerd's logrus text with debug API lines. The same seed and size give
the same bytes, so runs on different days compare.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# The sample fleet's days (2026-11-26 .. 2026-11-27, UTC).
EPOCH_START = int(datetime(2026, 11, 26, tzinfo=UTC).timestamp())
HOSTS = ("web-1", "web-2", "db-1")
UNSET = 4294967295  # auditd's "no login user" auid and session
USERS = (("root", 0), ("alice", 1000), ("deploy", 1001), ("bob", 1002), ("www-data", 33))
TRUSTED_IPS = ("10.0.0.5", "10.0.0.7", "10.0.3.21")
ATTACKER_IPS = ("203.0.113.50", "198.51.100.7", "185.220.101.4", "45.155.205.233")
SUBJ = "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"
CHUNK_EVENTS = 4000  # events formatted per write


@dataclass(frozen=True, slots=True)
class LogStats:
    """What a generated file holds: bytes, lines, and events (auditd: multi-record)."""

    bytes: int
    lines: int
    events: int


def _hex(data: bytes) -> str:
    return data.hex().upper()


def _audit_str(value: str | bytes) -> str:
    """Encode a string field as auditd does: quoted when plain, bare hex otherwise."""
    raw = value.encode() if isinstance(value, str) else value
    if all(0x21 <= b < 0x7F and b != 0x22 for b in raw):
        return f'"{raw.decode()}"'
    return _hex(raw)


def _proctitle(argv: tuple[str | bytes, ...]) -> str:
    """PROCTITLE: argv joined by NUL, hex when it holds more than one word, cut at 128 bytes."""
    raw = b"\0".join(a.encode() if isinstance(a, str) else a for a in argv)[:128]
    if len(argv) == 1 and b" " not in raw:
        return _audit_str(raw)
    return _hex(raw)


# (comm, exe, argv, cwd, key): commands seen on a container host.
COMMANDS: tuple[tuple[str, str, tuple[str | bytes, ...], str, str], ...] = (
    ("docker", "/usr/bin/docker", ("docker", "ps", "-a"), "/home/alice", "docker_client"),
    (
        "docker",
        "/usr/bin/docker",
        ("docker", "run", "-d", "-v", "/srv/www:/usr/share/nginx/html:ro", "nginx"),
        "/home/alice",
        "docker_client",
    ),
    (
        "runc",
        "/usr/bin/runc",
        (
            "runc",
            "--root",
            "/var/run/docker/runtime-runc/moby",
            "--log",
            "/run/containerd/io.containerd.runtime.v2.task/moby/5f2b6c1e/log.json",
            "--log-format",
            "json",
            "state",
            "5f2b6c1e9a0d",
        ),
        "/run/containerd/io.containerd.runtime.v2.task/moby/5f2b6c1e",
        "exec",
    ),
    ("ls", "/usr/bin/ls", ("ls", "--color=auto", "-la", "/var/log"), "/root", "exec"),
    (
        "bash",
        "/usr/bin/bash",
        ("bash", "-c", "echo hello world > /tmp/out.txt"),
        "/home/deploy",
        "exec",
    ),
    (
        "python3",
        "/usr/bin/python3.11",
        ("python3", "/opt/app/my script.py", "--verbose"),
        "/opt/app",
        "exec",
    ),
    ("curl", "/usr/bin/curl", ("curl", "-s", "http://10.0.0.7:8080/health"), "/", "exec"),
    ("systemctl", "/usr/bin/systemctl", ("systemctl", "is-active", "docker"), "/", "exec"),
    (
        "grep",
        "/usr/bin/grep",
        ("grep", "-r", "--", "pattern with spaces", "/etc"),
        "/home/alice",
        "exec",
    ),
    ("cat", "/usr/bin/cat", ("cat", b"/tmp/r\xe9sum\xe9.txt"), "/tmp", "exec"),
)
# (path, key, openat's flags register a2, is write): files watched by the CIS Docker Benchmark rules.
WATCHED: tuple[tuple[str, str, str, bool], ...] = (
    ("/etc/docker/daemon.json", "docker", "80000", False),
    ("/etc/docker/daemon.json", "docker", "241", True),
    ("/var/lib/docker/containers/5f2b6c1e9a0d/config.v2.json", "docker", "80000", False),
    ("/usr/bin/dockerd", "docker", "80000", False),
    ("/etc/passwd", "identity", "80000", False),
    ("/etc/shadow", "identity", "80000", False),
    ("/etc/group", "identity", "241", True),
)


class _AuditdWriter:
    """Format auditd events; records keep the serial order auditd writes them in."""

    def __init__(self, rng: random.Random, enriched: bool, node: str | None) -> None:
        self.rng = rng
        self.enriched = enriched
        self.prefix = f"node={node} " if node else ""
        self.serial = 1000
        self.t_ms = EPOCH_START * 1000
        self.held: list[str] = []  # records written after the next event (interleaving)

    def _header(self, kind: str) -> str:
        return f"{self.prefix}type={kind} msg=audit({self.t_ms // 1000}.{self.t_ms % 1000:03d}:{self.serial}): "

    def _ids(self, user: tuple[str, int], auid_user: tuple[str, int] | None) -> tuple[str, str]:
        uid = user[1]
        auid = auid_user[1] if auid_user else UNSET
        raw = (
            f"auid={auid} uid={uid} gid={uid} euid={uid} suid={uid} fsuid={uid} "
            f"egid={uid} sgid={uid} fsgid={uid}"
        )
        a = f'"{auid_user[0]}"' if auid_user else '"unset"'
        u = f'"{user[0]}"'
        enr = f"AUID={a} UID={u} GID={u} EUID={u} SUID={u} FSUID={u} EGID={u} SGID={u} FSGID={u}"
        return raw, enr

    def _syscall(
        self,
        number: int,
        name: str,
        items: int,
        comm: str,
        exe: str,
        key: str | None,
        user: tuple[str, int],
        auid_user: tuple[str, int] | None,
        ses: int,
        success: bool = True,
        exit_code: int = 0,
        flags: str | None = None,
    ) -> str:
        rng = self.rng
        ids, enr_ids = self._ids(user, auid_user)
        tty = "pts0" if auid_user else "(none)"
        line = (
            f"{self._header('SYSCALL')}arch=c000003e syscall={number} "
            f"success={'yes' if success else 'no'} exit={exit_code} "
            f"a0={rng.getrandbits(44):x} a1={rng.getrandbits(44):x} "
            f"a2={flags or format(rng.getrandbits(36), 'x')} a3={rng.getrandbits(8):x} items={items} "
            f"ppid={rng.randrange(300, 60000)} pid={rng.randrange(300, 60000)} {ids} "
            f"tty={tty} ses={ses} comm={_audit_str(comm)} exe={_audit_str(exe)} "
            f"subj={SUBJ} key={_audit_str(key) if key else '(null)'}"
        )
        if self.enriched:
            line += f"\x1dARCH=x86_64 SYSCALL={name} {enr_ids}"
        return line

    def _path(self, item: int, name: str, nametype: str, mode: str = "0100755") -> str:
        line = (
            f"{self._header('PATH')}item={item} name={_audit_str(name)} "
            f"inode={self.rng.randrange(1000, 9000000)} dev=08:01 mode={mode} ouid=0 ogid=0 "
            f"rdev=00:00 nametype={nametype} cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"
        )
        if self.enriched:
            line += '\x1dOUID="root" OGID="root"'
        return line

    def _session_user(self) -> tuple[tuple[str, int], int]:
        user = self.rng.choice(USERS[:4])
        return user, self.rng.randrange(1, 400)

    def _exec_event(self) -> list[str]:
        comm, exe, argv, cwd, key = self.rng.choice(COMMANDS)
        user, ses = self._session_user()
        args = " ".join(f"a{i}={_audit_str(a)}" for i, a in enumerate(argv))
        return [
            self._syscall(59, "execve", 2, comm, exe, key, user, user, ses),
            f"{self._header('EXECVE')}argc={len(argv)} {args}",
            f"{self._header('CWD')}cwd={_audit_str(cwd)}",
            self._path(0, exe, "NORMAL"),
            self._path(1, "/lib64/ld-linux-x86-64.so.2", "NORMAL"),
            f"{self._header('PROCTITLE')}proctitle={_proctitle(argv)}",
        ]

    def _file_event(self) -> list[str]:
        path, key, flags, write = self.rng.choice(WATCHED)
        user, ses = self._session_user()
        denied = not write and path == "/etc/shadow" and user[1] != 0
        comm, exe = ("vi", "/usr/bin/vim.basic") if write else ("cat", "/usr/bin/cat")
        parent = path.rsplit("/", 1)[0] or "/"
        return [
            self._syscall(
                257,
                "openat",
                2,
                comm,
                exe,
                key,
                user,
                user,
                ses,
                success=not denied,
                exit_code=-13 if denied else 3,
                flags=flags,
            ),
            f"{self._header('CWD')}cwd={_audit_str('/home/' + user[0])}",
            self._path(0, parent, "PARENT", "040755"),
            self._path(1, path, "CREATE" if write else "NORMAL", "0100644"),
            f"{self._header('PROCTITLE')}proctitle={_proctitle((comm, path))}",
        ]

    def _connect_event(self) -> list[str]:
        rng = self.rng
        user, ses = self._session_user()
        if rng.random() < 0.5:
            sock = "/var/run/docker.sock"
            saddr = _hex(b"\x01\x00" + sock.encode() + b"\x00" * (108 - len(sock)))
            enr = f"SADDR={{ saddr_fam=local path={sock} }}"
            comm, exe, argv = "docker", "/usr/bin/docker", ("docker", "ps")
        else:
            saddr = "020000500A0000070000000000000000"
            enr = "SADDR={ saddr_fam=inet laddr=10.0.0.7 lport=80 }"
            comm, exe, argv = "curl", "/usr/bin/curl", ("curl", "http://10.0.0.7/")
        sockaddr = f"{self._header('SOCKADDR')}saddr={saddr}"
        if self.enriched:
            sockaddr += f"\x1d{enr}"
        return [
            self._syscall(42, "connect", 0, comm, exe, "docker_socket", user, user, ses),
            sockaddr,
            f"{self._header('PROCTITLE')}proctitle={_proctitle(argv)}",
        ]

    def _user_record(
        self, kind: str, body: str, uid: int, auid_user: tuple[str, int] | None, ses: int
    ) -> str:
        auid = auid_user[1] if auid_user else UNSET
        line = (
            f"{self._header(kind)}pid={self.rng.randrange(300, 60000)} uid={uid} auid={auid} "
            f"ses={ses if auid_user else UNSET} subj={SUBJ} msg='{body}'"
        )
        if self.enriched:
            a = f'"{auid_user[0]}"' if auid_user else '"unset"'
            line += f'\x1dUID="root" AUID={a}'
        return line

    def _user_event(self) -> list[str]:
        rng = self.rng
        r = rng.random()
        user, ses = self._session_user()
        if r < 0.45:  # sshd login steps, one record per event
            ip = rng.choice(TRUSTED_IPS if rng.random() < 0.8 else ATTACKER_IPS)
            ok = ip in TRUSTED_IPS
            kind, op = rng.choice(
                (
                    ("USER_AUTH", "PAM:authentication"),
                    ("USER_ACCT", "PAM:accounting"),
                    ("CRED_ACQ", "PAM:setcred"),
                    ("USER_START", "PAM:session_open"),
                    ("USER_END", "PAM:session_close"),
                    ("CRED_DISP", "PAM:setcred"),
                )
            )
            body = (
                f'op={op} grantors=pam_unix acct="{user[0]}" exe="/usr/sbin/sshd" '
                f"hostname={ip} addr={ip} terminal=ssh res={'success' if ok else 'failed'}"
            )
            return [self._user_record(kind, body, 0, user if kind != "USER_AUTH" else None, ses)]
        if r < 0.55:
            ip = rng.choice(TRUSTED_IPS + ATTACKER_IPS)
            body = (
                f'op=login id={user[1]} exe="/usr/sbin/sshd" hostname={ip} addr={ip} '
                f"terminal=/dev/pts/{rng.randrange(9)} res=success"
            )
            return [self._user_record("USER_LOGIN", body, 0, user, ses)]
        if r < 0.75:  # sudo: cmd is hex when it holds a space
            cmd = rng.choice(
                ("systemctl restart docker", "ls", "usermod -aG docker bob", "cat /etc/shadow")
            )
            body = (
                f'cwd="/home/{user[0]}" cmd={_audit_str(cmd)} exe="/usr/bin/sudo" '
                f"terminal=pts/{rng.randrange(9)} res=success"
            )
            return [self._user_record("USER_CMD", body, user[1], user, ses)]
        if r < 0.93:  # cron sessions
            kind = rng.choice(("USER_ACCT", "CRED_ACQ", "USER_START", "CRED_DISP", "USER_END"))
            body = (
                f"op=PAM:{'session_open' if kind == 'USER_START' else 'accounting'} "
                'grantors=pam_permit,pam_unix acct="root" exe="/usr/sbin/cron" '
                "hostname=? addr=? terminal=cron res=success"
            )
            return [self._user_record(kind, body, 0, USERS[0], ses)]
        unit = rng.choice(("docker", "containerd", "cron", "systemd-tmpfiles-clean"))
        kind = rng.choice(("SERVICE_START", "SERVICE_STOP"))
        body = (
            f'unit={unit} comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? '
            "terminal=? res=success"
        )
        return [self._user_record(kind, body, 0, None, UNSET)]

    def _rare_event(self) -> list[str]:
        user, ses = self._session_user()
        if self.rng.random() < 0.5:
            line = (
                f"{self._header('CONFIG_CHANGE')}auid={user[1]} ses={ses} subj={SUBJ} "
                f'op=add_rule key="docker" list=4 res=1'
            )
            if self.enriched:
                line += f'\x1dAUID="{user[0]}"'
            return [line]
        line = (
            f"{self._header('LOGIN')}pid={self.rng.randrange(300, 60000)} uid=0 subj={SUBJ} "
            f"old-auid={UNSET} auid={user[1]} tty=(none) old-ses={UNSET} ses={ses} res=1"
        )
        if self.enriched:
            line += f'\x1dUID="root" OLD-AUID="unset" AUID="{user[0]}"'
        return [line]

    def event(self) -> list[str]:
        """Return the lines of the next event (plus any held back from the previous one)."""
        self.serial += 1
        self.t_ms += self.rng.randrange(1, 40)
        r = self.rng.random()
        if r < 0.22:
            lines = self._exec_event()
        elif r < 0.34:
            lines = self._file_event()
        elif r < 0.42:
            lines = self._connect_event()
        elif r < 0.99:
            lines = self._user_event()
        else:
            lines = self._rare_event()
        held, self.held = self.held, []
        if len(lines) > 2 and self.rng.random() < 0.02:
            # auditd may write an event's last record after the next event began.
            self.held = [lines.pop()]
        return held + lines


def _auditd(enriched: bool) -> Callable[[random.Random], Iterator[list[str]]]:
    def events(rng: random.Random) -> Iterator[list[str]]:
        writer = _AuditdWriter(rng, enriched, None if enriched else "web-2")
        while True:
            yield writer.event()

    return events


def _usec(t: float) -> int:
    return int(t * 1_000_000)


def _journald(rng: random.Random) -> Iterator[list[str]]:
    """Yield `journalctl -o json` entries (one line each) from one host's journal."""
    boot = f"{rng.getrandbits(128):032x}"
    machine = f"{rng.getrandbits(128):032x}"
    seqnum_id = f"{rng.getrandbits(128):032x}"
    audit = _AuditdWriter(rng, enriched=False, node=None)
    t = float(EPOCH_START)
    seq = 1
    while True:
        t += rng.random() * 0.05
        seq += 1
        base: dict[str, object] = {
            "__CURSOR": f"s={seqnum_id};i={seq:x};b={boot};m={_usec(t - EPOCH_START):x};"
            f"t={_usec(t):x};x={rng.getrandbits(64):016x}",
            "__REALTIME_TIMESTAMP": str(_usec(t)),
            "__MONOTONIC_TIMESTAMP": str(_usec(t - EPOCH_START + 12.5)),
            "__SEQNUM": str(seq),
            "__SEQNUM_ID": seqnum_id,
            "_BOOT_ID": boot,
            "_MACHINE_ID": machine,
            "_HOSTNAME": "db-1",
        }
        r = rng.random()
        pid = str(rng.randrange(300, 60000))
        if r < 0.25:  # audit records through the journal
            record = audit.event()[0]
            head, _, body = record.partition("): ")
            kind = head.split(" ", 1)[0].removeprefix("type=")
            base.update(
                _TRANSPORT="audit",
                SYSLOG_FACILITY="4",
                SYSLOG_IDENTIFIER="audit",
                _AUDIT_TYPE_NAME=kind,
                _AUDIT_ID=str(audit.serial),
                _AUDIT_TYPE="1300",
                _SOURCE_REALTIME_TIMESTAMP=str(_usec(t)),
                MESSAGE=f"{kind} {body}",
            )
        elif r < 0.55:
            user = rng.choice(("deploy", "alice", "bob", "admin", "test"))
            ip = rng.choice(TRUSTED_IPS + ATTACKER_IPS)
            message = rng.choice(
                (
                    f"Accepted publickey for {user} from {ip} port {rng.randrange(1024, 65535)} ssh2: ED25519 SHA256:Xk2bO1rZ6vQm3tUu8yHnJc0fLpA4sWdE5gR7hK9iMqo",
                    f"Failed password for invalid user {user} from {ip} port {rng.randrange(1024, 65535)} ssh2",
                    f"pam_unix(sshd:session): session opened for user {user}(uid=1001) by (uid=0)",
                    f"Received disconnect from {ip} port {rng.randrange(1024, 65535)}:11: disconnected by user",
                )
            )
            base.update(
                PRIORITY="6",
                SYSLOG_FACILITY="4",
                SYSLOG_IDENTIFIER="sshd",
                SYSLOG_PID=pid,
                _PID=pid,
                _UID="0",
                _GID="0",
                _COMM="sshd",
                _EXE="/usr/sbin/sshd",
                _CMDLINE=f"sshd: {user} [priv]",
                _CAP_EFFECTIVE="1ffffffffff",
                _SYSTEMD_UNIT="ssh.service",
                _SYSTEMD_SLICE="system.slice",
                _SYSTEMD_CGROUP="/system.slice/ssh.service",
                _TRANSPORT="syslog",
                SYSLOG_TIMESTAMP="Nov 26 00:00:00 ",
                MESSAGE=message,
                _SOURCE_REALTIME_TIMESTAMP=str(_usec(t)),
            )
        elif r < 0.80:
            level = rng.choice(("info", "info", "warning", "debug"))
            base.update(
                PRIORITY="6",
                SYSLOG_FACILITY="3",
                SYSLOG_IDENTIFIER="dockerd",
                _PID="812",
                _UID="0",
                _GID="0",
                _COMM="dockerd",
                _EXE="/usr/bin/dockerd",
                _CMDLINE="/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
                _SYSTEMD_UNIT="docker.service",
                _SYSTEMD_SLICE="system.slice",
                _SYSTEMD_CGROUP="/system.slice/docker.service",
                _TRANSPORT="stdout",
                _STREAM_ID=f"{rng.getrandbits(128):032x}",
                MESSAGE=f'time="{_iso(t)}" level={level} msg="{rng.choice(DOCKERD_MESSAGES)}"',
            )
        elif r < 0.92:
            user = rng.choice(("alice", "deploy", "bob"))
            base.update(
                PRIORITY="5",
                SYSLOG_FACILITY="10",
                SYSLOG_IDENTIFIER="sudo",
                SYSLOG_PID=pid,
                _PID=pid,
                _UID="1000",
                _GID="1000",
                _COMM="sudo",
                _EXE="/usr/bin/sudo",
                _CMDLINE="sudo systemctl restart docker",
                _TRANSPORT="syslog",
                MESSAGE=f"{user} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart docker",
            )
        elif r < 0.999:
            base.update(
                PRIORITY="6",
                SYSLOG_FACILITY="9",
                SYSLOG_IDENTIFIER="CRON",
                SYSLOG_PID=pid,
                _PID=pid,
                _UID="0",
                _GID="0",
                _COMM="cron",
                _EXE="/usr/sbin/cron",
                _CMDLINE="/usr/sbin/CRON -f -P",
                _TRANSPORT="syslog",
                _SYSTEMD_UNIT="cron.service",
                MESSAGE="(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
            )
        else:  # binary MESSAGE (an array of byte values) and a field over the size limit
            base.update(
                PRIORITY="3",
                SYSLOG_IDENTIFIER="app",
                _TRANSPORT="stdout",
                MESSAGE=list(b"binary \x1b[31mred\x1b[0m \xff\xfe"),
                _CMDLINE=None,
            )
        yield [json.dumps(base, separators=(",", ":"))]


def _iso(t: float) -> str:
    dt = datetime.fromtimestamp(t, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(t % 1 * 1e9):09d}Z"


DOCKERD_MESSAGES = (
    "ignoring event",
    "shim disconnected",
    "cleaning up dead shim",
    "Container failed to exit within 10s of signal 15 - using the force",
    "API listen on /run/docker.sock",
    "Loading containers: done.",
    "Processing signal 'terminated'",
)
_CONTAINER_IDS = tuple(f"{random.Random(i).getrandbits(256):064x}" for i in range(40))


def _dockerd(rng: random.Random) -> Iterator[list[str]]:
    """Yield dockerd logrus text lines (`debug: true`), API calls with their form data."""
    t = float(EPOCH_START)
    while True:
        t += rng.random() * 0.02
        ts = _iso(t)
        cid = rng.choice(_CONTAINER_IDS)
        r = rng.random()
        if r < 0.35:
            yield [
                f'time="{ts}" level=info msg="ignoring event" container={cid} module=libcontainerd '
                'namespace=moby topic=/tasks/delete type="*events.TaskDelete"'
            ]
        elif r < 0.55:
            method, path = rng.choice(
                (
                    ("GET", "/v1.43/containers/json"),
                    ("GET", f"/v1.43/containers/{cid[:12]}/json"),
                    ("POST", f"/v1.43/containers/{cid[:12]}/start"),
                    ("GET", "/_ping"),
                )
            )
            yield [f'time="{ts}" level=debug msg="Calling {method} {path}"']
        elif r < 0.62:
            privileged = rng.random() < 0.05
            binds = '["/:/host"]' if privileged else '["/srv/www:/usr/share/nginx/html:ro"]'
            form = (
                '{"AttachStderr":false,"Cmd":["nginx","-g","daemon off;"],"Env":[],'
                f'"HostConfig":{{"Binds":{binds},"NetworkMode":"default","Privileged":{str(privileged).lower()},'
                '"PortBindings":{},"RestartPolicy":{"Name":"no"}},"Image":"nginx","Labels":{}}'
            )
            yield [
                f'time="{ts}" level=debug msg="Calling POST /v1.43/containers/create"',
                f'time="{ts}" level=debug msg="form data: {_go_quote(form)}"',
            ]
        elif r < 0.80:
            yield [
                f'time="{ts}" level=info msg="shim disconnected" id={cid} namespace=moby',
                f'time="{ts}" level=warning msg="cleaning up after shim disconnected" id={cid} namespace=moby',
                f'time="{ts}" level=info msg="cleaning up dead shim" namespace=moby',
            ]
        elif r < 0.95:
            yield [
                f'time="{ts}" level=error msg="Handler for GET /v1.43/containers/{cid[:12]}/json returned error: '
                f'No such container: {cid[:12]}"'
            ]
        else:
            yield [
                f'time="{ts}" level=info msg="Container failed to exit within 10s of signal 15 - using the force" '
                f"container={cid} spanID=4c5e1f2a3b6d7e8f traceID={rng.getrandbits(128):032x}"
            ]


def _go_quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _syslog(rng: random.Random) -> Iterator[list[str]]:
    """Yield an RFC3164 auth.log: sshd (mostly internet noise), PAM, sudo, cron, dockerd."""
    t = float(EPOCH_START)
    while True:
        t += rng.random() * 0.05
        dt = datetime.fromtimestamp(t, UTC)
        stamp = f"{dt:%b} {dt.day:2d} {dt:%H:%M:%S} web-2"
        pid = rng.randrange(300, 60000)
        port = rng.randrange(1024, 65535)
        r = rng.random()
        if r < 0.40:
            ip = rng.choice(ATTACKER_IPS)
            user = rng.choice(("admin", "test", "oracle", "ubuntu", "bob"))
            yield [
                f"{stamp} sshd[{pid}]: Invalid user {user} from {ip} port {port}",
                f"{stamp} sshd[{pid}]: pam_unix(sshd:auth): check pass; user unknown",
                f"{stamp} sshd[{pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}",
                f"{stamp} sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2",
                f"{stamp} sshd[{pid}]: Connection closed by invalid user {user} {ip} port {port} [preauth]",
            ]
        elif r < 0.60:
            ip = rng.choice(TRUSTED_IPS)
            yield [
                f"{stamp} sshd[{pid}]: Accepted publickey for deploy from {ip} port {port} ssh2: ED25519 SHA256:Xk2bO1rZ6vQm3tUu8yHnJc0fLpA4sWdE5gR7hK9iMqo",
                f"{stamp} sshd[{pid}]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)",
                f"{stamp} systemd-logind[611]: New session {pid % 900} of user deploy.",
                f"{stamp} sshd[{pid}]: pam_unix(sshd:session): session closed for user deploy",
                f"{stamp} systemd-logind[611]: Session {pid % 900} logged out. Waiting for processes to exit.",
            ]
        elif r < 0.75:
            yield [
                f"{stamp} sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/docker ps -a",
                f"{stamp} sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
                f"{stamp} sudo: pam_unix(sudo:session): session closed for user root",
            ]
        elif r < 0.90:
            yield [
                f"{stamp} CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
                f"{stamp} CRON[{pid}]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
                f"{stamp} CRON[{pid}]: pam_unix(cron:session): session closed for user root",
            ]
        elif r < 0.995:
            cid = rng.choice(_CONTAINER_IDS)
            yield [
                f'{stamp} dockerd[812]: time="{_iso(t)}" level=info msg="ignoring event" container={cid} '
                'module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"'
            ]
        else:
            yield [
                f"{stamp} sudo:    alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/usermod -aG docker bob",
                f"{stamp} usermod[{pid}]: add 'bob' to group 'docker'",
                f"{stamp} usermod[{pid}]: add 'bob' to shadow group 'docker'",
                f"{stamp} sshd[{pid}]: message repeated 3 times: [ Failed password for root from {rng.choice(ATTACKER_IPS)} port {port} ssh2]",
            ]


@dataclass(frozen=True, slots=True)
class Source:
    """One benchmarked log source: its file name, `--format`, and generator."""

    name: str
    filename: str
    format: str
    events: Callable[[random.Random], Iterator[list[str]]]
    is_auditd: bool = False


SOURCES: tuple[Source, ...] = (
    Source("auditd-enriched", "audit-enriched.log", "auditd", _auditd(True), is_auditd=True),
    Source("auditd-raw", "audit-raw.log", "auditd", _auditd(False), is_auditd=True),
    Source("journald-json", "journal.json", "journald-json", _journald),
    Source("syslog-auth", "auth.log", "syslog", _syslog),
    Source("dockerd", "dockerd.log", "dockerd", _dockerd),
)
SOURCE_BY_NAME = {s.name: s for s in SOURCES}


def generate(source: Source, path: Path, size: int, seed: int = 7) -> LogStats:
    """Write `source`'s log to `path`: whole events until at least `size` bytes."""
    rng = random.Random(f"{source.name}:{seed}")
    events = source.events(rng)
    written = lines = count = 0
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        while written < size:
            # Small chunks near the end keep the overshoot past `size` small.
            n = min(CHUNK_EVENTS, max(8, (size - written) // 1000))
            chunk: list[str] = []
            for _ in range(n):
                group = next(events)
                chunk.extend(group)
                count += 1 if source.is_auditd else len(group)
            data = ("\n".join(chunk) + "\n").encode()
            out.write(data)
            written += len(data)
            lines += len(chunk)
    tmp.replace(path)
    return LogStats(written, lines, count)
