"""A small hand-made lake for the API tests: real source files, rows written by hand.

The story is a miniature of the sample intrusion on web-2: bob logs in by password
from 203.0.113.50 (sshd line, PAM line, auditd USER_LOGIN, ses 7), runs a shell and
then `docker run --privileged -v /:/host alpine` (auditd SYSCALL/EXECVE, interleaved
with another event's record), sudo-runs usermod, and logs out. A hostile user with
markup in its name runs a command line holding ANSI escapes. The audit log is gzipped
to exercise reading spans out of compressed sources.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import auditlake
from auditlake.lake import Lake
from auditlake.schema import (
    AUDITD_RECORDS,
    CLASSES,
    EVENTS,
    FINDINGS,
    empty_row,
    to_batch,
)

HOSTILE_USER = "<img src=x onerror=alert(1)>"
HOSTILE_CMD = "echo \x1b[31mowned\x1b[0m <script>alert(2)</script>"


def at(clock: str) -> datetime:
    """A time on 2026-11-27 UTC."""
    return datetime.fromisoformat(f"2026-11-27T{clock}+00:00").astimezone(UTC)


@dataclass
class SourceFile:
    """Lines appended one by one, remembering each line's offset and length."""

    path: Path
    file_id: str
    lines: list[bytes] = field(default_factory=list)
    size: int = 0

    def add(self, text: str) -> tuple[int, int]:
        line = text.encode() + b"\n"
        offset = self.size
        self.lines.append(line)
        self.size += len(line)
        return offset, len(line)

    def write(self, compress: bool = False) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = b"".join(self.lines)
        self.path.write_bytes(gzip.compress(data, mtime=0) if compress else data)


def event(
    uid: str,
    time: datetime,
    source_type: str,
    class_uid: int,
    span: tuple[int, int],
    source: SourceFile,
    **cols: Any,
) -> dict[str, Any]:
    row = empty_row(EVENTS)
    row.update(
        event_uid=uid,
        time=time,
        event_date=time.date(),
        source_type=source_type,
        class_uid=class_uid,
        class_name=CLASSES[class_uid],
        device_hostname="web-2",
        source_file=str(source.path),
        source_offset=span[0],
        source_length=span[1],
        source_file_id=source.file_id,
    )
    row.update(cols)
    return row


def sudo_event(
    uid: str, time: datetime, span: tuple[int, int], auth: SourceFile, actor: str, cmd: str
) -> dict[str, Any]:
    """Return the events row of an auth.log sudo line: `actor` runs `cmd` as root."""
    return event(
        uid,
        time,
        "syslog",
        3002,
        span,
        auth,
        app_name="sudo",
        activity_id=1,
        status_id=1,
        actor_user_name=actor,
        user_name="root",
        logon_type="elevate",
        process_cmd_line=cmd,
    )


def record(
    uid: str, time: datetime, serial: int, index: int, text: str, source: SourceFile, **cols: Any
) -> dict[str, Any]:
    offset, length = source.add(text)
    row = empty_row(AUDITD_RECORDS)
    row.update(
        event_uid=uid,
        time=time,
        event_date=time.date(),
        device_hostname="web-2",
        audit_event_id=f"{time.timestamp():.3f}:{serial}",
        serial=serial,
        record_index=index,
        type=text.split(" ", 1)[0].removeprefix("type="),
        raw=text,
        source_file=str(source.path),
        source_offset=offset,
        source_length=length,
        source_file_id=source.file_id,
    )
    row.update(cols)
    return row


@dataclass
class HandLake:
    """The lake, its two source files, and the hostile strings planted in it."""

    root: Path
    auth_log: Path
    audit_log: Path
    hostile_user: str = HOSTILE_USER
    hostile_cmd: str = HOSTILE_CMD

    @staticmethod
    def at(clock: str) -> datetime:
        return at(clock)


def span_of(row: dict[str, Any]) -> tuple[int, int]:
    """Return where a row's source line is: (offset, length)."""
    return row["source_offset"], row["source_length"]


def _audit_header(time: datetime, serial: int) -> str:
    return f"msg=audit({time.timestamp():.3f}:{serial}):"


@pytest.fixture
def hand_lake(tmp_path: Path) -> HandLake:
    return build_hand_lake(tmp_path)


def build_hand_lake(tmp_path: Path) -> HandLake:
    """Write the source files and the lake of the story under `tmp_path`."""
    src = tmp_path / "src" / "web-2"
    auth = SourceFile(src / "auth.log", "fid-auth")
    audit = SourceFile(src / "audit.log.1.gz", "fid-audit")
    events: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []

    # sshd accept and PAM session opened (same sshd pid 4242)
    t_login = at("02:10:01")
    span = auth.add(
        "Nov 27 02:10:01 web-2 sshd[4242]: Accepted password for bob from 203.0.113.50 port 50522 ssh2"
    )
    events.append(
        event(
            "e-accept",
            t_login,
            "syslog",
            3002,
            span,
            auth,
            app_name="sshd",
            activity_id=1,
            activity_name="Logon",
            status_id=1,
            user_name="bob",
            logon_type="network",
            auth_protocol="password",
            src_endpoint_ip="203.0.113.50",
            src_endpoint_port=50522,
            process_pid=4242,
            message="Accepted password for bob from 203.0.113.50 port 50522 ssh2",
        )
    )
    span = auth.add(
        "Nov 27 02:10:01 web-2 sshd[4242]: pam_unix(sshd:session): session opened for user bob(uid=1002) by (uid=0)"
    )
    events.append(
        event(
            "e-pam-open",
            t_login,
            "syslog",
            3002,
            span,
            auth,
            app_name="sshd",
            activity_id=1,
            activity_name="Logon",
            status_id=1,
            user_name="bob",
            logon_type="network",
            process_pid=4242,
        )
    )

    # auditd USER_LOGIN of the same login, ses 7
    t = at("02:10:02")
    h = _audit_header(t, 100)
    records.append(
        record(
            "e-user-login",
            t,
            100,
            0,
            f"type=USER_LOGIN {h} pid=4242 uid=0 auid=1002 ses=7 msg='op=login id=1002 exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.50 terminal=/dev/pts/0 res=success'",
            audit,
            pid=4242,
            auid=1002,
            ses=7,
        )
    )
    events.append(
        event(
            "e-user-login",
            t,
            "auditd",
            3002,
            span_of(records[-1]),
            audit,
            activity_id=1,
            activity_name="Logon",
            status_id=1,
            user_name="bob",
            actor_user_name="bob",
            session_uid="7",
            src_endpoint_ip="203.0.113.50",
            process_pid=4242,
            process_auid=1002,
            audit_type="USER_LOGIN",
            app_name="USER",
        )
    )

    # the login shell: bash pid 4300, child of sshd 4242
    t = at("02:10:03")
    h = _audit_header(t, 101)
    records.append(
        record(
            "e-bash",
            t,
            101,
            0,
            f'type=SYSCALL {h} arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=4242 pid=4300 auid=1002 uid=1002 gid=1002 euid=1002 ses=7 comm="bash" exe="/usr/bin/bash" key=(null)',
            audit,
            pid=4300,
            ppid=4242,
            auid=1002,
            ses=7,
            syscall_name="execve",
            syscall=59,
            exe="/usr/bin/bash",
            comm="bash",
        )
    )
    records.append(record("e-bash", t, 101, 1, f'type=EXECVE {h} argc=1 a0="-bash"', audit))
    events.append(
        event(
            "e-bash",
            t,
            "auditd",
            1007,
            span_of(records[-2]),
            audit,
            activity_id=1,
            actor_user_name="bob",
            process_pid=4300,
            process_parent_process_pid=4242,
            process_auid=1002,
            session_uid="7",
            process_file_path="/usr/bin/bash",
            process_cmd_line="-bash",
            process_args=["-bash"],
            audit_type="SYSCALL",
            audit_syscall="execve",
        )
    )

    # docker run --privileged: SYSCALL, then another event's record, then EXECVE
    t_run = at("02:20:05")
    h = _audit_header(t_run, 102)
    records.append(
        record(
            "e-docker",
            t_run,
            102,
            0,
            f'type=SYSCALL {h} arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=4300 pid=5000 auid=1002 uid=1002 gid=1002 euid=1002 ses=7 comm="docker" exe="/usr/bin/docker" key="docker"',
            audit,
            pid=5000,
            ppid=4300,
            auid=1002,
            ses=7,
            syscall_name="execve",
            syscall=59,
            exe="/usr/bin/docker",
            comm="docker",
        )
    )
    h_other = _audit_header(t_run, 103)
    records.append(
        record(
            "e-other",
            t_run,
            103,
            0,
            f'type=SERVICE_START {h_other} pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'unit=cron comm="systemd" exe="/usr/lib/systemd/systemd" res=success\'',
            audit,
            pid=1,
        )
    )
    events.append(
        event(
            "e-other",
            t_run,
            "auditd",
            6002,
            span_of(records[-1]),
            audit,
            audit_type="SERVICE_START",
        )
    )
    cmd = "docker run --privileged -v /:/host alpine chroot /host sh"
    records.append(
        record(
            "e-docker",
            t_run,
            102,
            1,
            f'type=EXECVE {h} argc=8 a0="docker" a1="run" a2="--privileged" a3="-v" a4="/:/host" a5="alpine" a6="chroot" a7="/host" a8="sh"',
            audit,
        )
    )
    events.append(
        event(
            "e-docker",
            t_run,
            "auditd",
            1007,
            span_of(records[-3]),
            audit,
            activity_id=1,
            actor_user_name="bob",
            process_pid=5000,
            process_parent_process_pid=4300,
            process_auid=1002,
            session_uid="7",
            process_file_path="/usr/bin/docker",
            process_cmd_line=cmd,
            process_args=cmd.split(),
            audit_type="SYSCALL",
            audit_syscall="execve",
            audit_key="docker",
        )
    )

    # a child of docker that auditd saw without exec (a fork), and a grandchild
    t = at("02:20:06")
    h = _audit_header(t, 104)
    records.append(
        record(
            "e-fork",
            t,
            104,
            0,
            f'type=SYSCALL {h} arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=4 a2=5 a3=6 items=0 ppid=5000 pid=5001 auid=1002 uid=1002 gid=1002 euid=1002 ses=7 comm="docker" exe="/usr/bin/docker" key="docker-socket"',
            audit,
            pid=5001,
            ppid=5000,
            auid=1002,
            ses=7,
            SYSCALL="connect",
            syscall=42,
            exe="/usr/bin/docker",
            comm="docker",
        )
    )
    events.append(
        event(
            "e-fork",
            t,
            "auditd",
            4001,
            span_of(records[-1]),
            audit,
            actor_user_name="bob",
            process_pid=5001,
            process_auid=1002,
            session_uid="7",
            process_file_path="/usr/bin/docker",
            dst_endpoint_path="/var/run/docker.sock",
            audit_type="SYSCALL",
            audit_syscall="connect",
        )
    )

    # sudo usermod, seen in auth.log (no session id)
    t = at("02:11:00")
    span = auth.add(
        "Nov 27 02:11:00 web-2 sudo:      bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/sbin/usermod -aG docker bob"
    )
    events.append(sudo_event("e-sudo", t, span, auth, "bob", "/usr/sbin/usermod -aG docker bob"))

    # the hostile user's command
    t = at("02:30:00")
    span = auth.add(
        f"Nov 27 02:30:00 web-2 sudo: {HOSTILE_USER} : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND={HOSTILE_CMD}"
    )
    events.append(sudo_event("e-hostile", t, span, auth, HOSTILE_USER, HOSTILE_CMD))

    # logout: PAM session closed and auditd USER_END
    t_out = at("02:40:00")
    span = auth.add(
        "Nov 27 02:40:00 web-2 sshd[4242]: pam_unix(sshd:session): session closed for user bob"
    )
    events.append(
        event(
            "e-pam-close",
            t_out,
            "syslog",
            3002,
            span,
            auth,
            app_name="sshd",
            activity_id=2,
            activity_name="Logoff",
            status_id=1,
            user_name="bob",
            process_pid=4242,
        )
    )
    h = _audit_header(t_out, 105)
    records.append(
        record(
            "e-user-end",
            t_out,
            105,
            0,
            f'type=USER_END {h} pid=4242 uid=0 auid=1002 ses=7 msg=\'op=PAM:session_close acct="bob" exe="/usr/sbin/sshd" hostname=203.0.113.50 addr=203.0.113.50 terminal=ssh res=success\'',
            audit,
            pid=4242,
            auid=1002,
            ses=7,
        )
    )
    events.append(
        event(
            "e-user-end",
            t_out,
            "auditd",
            3002,
            span_of(records[-1]),
            audit,
            activity_id=2,
            activity_name="Logoff",
            status_id=1,
            user_name="bob",
            actor_user_name="bob",
            session_uid="7",
            process_pid=4242,
            process_auid=1002,
            audit_type="USER_END",
        )
    )

    # a second, later login that reuses sshd pid 4242 (pid reuse must not merge it)
    t2 = at("05:00:00")
    span = auth.add(
        "Nov 27 05:00:00 web-2 sshd[4242]: Accepted publickey for deploy from 10.0.0.5 port 40000 ssh2: ED25519 SHA256:abc"
    )
    events.append(
        event(
            "e-accept-2",
            t2,
            "syslog",
            3002,
            span,
            auth,
            app_name="sshd",
            activity_id=1,
            activity_name="Logon",
            status_id=1,
            user_name="deploy",
            logon_type="network",
            auth_protocol="publickey",
            src_endpoint_ip="10.0.0.5",
            process_pid=4242,
        )
    )

    auth.write()
    audit.write(compress=True)

    finding = empty_row(FINDINGS)
    finding.update(
        finding_uid="f-priv",
        analytic_uid="docker.privileged_container",
        finding_title="Privileged container started",
        severity="high",
        class_uid=2004,
        detection_date=t_run.date(),
        start_time=t_run,
        end_time=t_run,
        device_hostname="web-2",
        actor_user_name="bob",
        process_cmd_line=cmd,
        message=f"bob started a privileged container: {cmd}",
        attack_technique_uids=["T1611"],
        event_uids=["e-docker"],
        detected_at=at("23:00:00"),
    )

    lake = Lake(tmp_path / "lake")
    lake.init()
    events.sort(key=lambda r: (r["device_hostname"], r["time"]))
    added = {
        "events": [
            lake.stage_part(
                "events", [to_batch(events, EVENTS)], "source_type=mixed/event_date=2026-11-27"
            )
        ],
        "auditd_records": [
            lake.stage_part(
                "auditd_records", [to_batch(records, AUDITD_RECORDS)], "event_date=2026-11-27"
            )
        ],
        "findings": [
            lake.stage_part(
                "findings", [to_batch([finding], FINDINGS)], "detection_date=2026-11-27"
            )
        ],
    }
    lake.publish(added)
    return HandLake(lake.root, auth.path, audit.path)


@pytest.fixture(scope="session")
def sample_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample fleet, ingested and detected once, its logs copied beside it."""
    lake = auditlake.open_samples(tmp_path_factory.mktemp("samples"))
    lake.close()
    return lake.root
