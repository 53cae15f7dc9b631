"""Messages through syslog(3) and journald: auth.log lines and journal entries with trusted fields."""

from __future__ import annotations

from datetime import datetime

from fleetgen.model import Host, JournalEntry, Session

AUTH, CRON, AUTHPRIV = 4, 9, 10  # syslog facilities; auth.log takes auth and authpriv


INFO = 6


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


def daemon_proc(
    host: Host, unit: str, pid: int, comm: str, exe: str, cmdline: str, cap: str = "1ffffffffff"
) -> dict[str, str]:
    """The journal's trusted fields of a root process of a system service."""
    return {
        "_PID": str(pid),
        "_UID": "0",
        "_GID": "0",
        "_COMM": comm,
        "_EXE": exe,
        "_CMDLINE": cmdline,
        "_CAP_EFFECTIVE": cap,
        "_SYSTEMD_CGROUP": f"/system.slice/{unit}",
        "_SYSTEMD_UNIT": unit,
        "_SYSTEMD_SLICE": "system.slice",
        "_SYSTEMD_INVOCATION_ID": host.invocation_ids[unit],
    }


def sshd_proc(host: Host, pid: int, cmdline: str, session: Session | None = None) -> dict[str, str]:
    """The journal's trusted fields of an sshd process (in a session once logged in)."""
    fields = daemon_proc(host, "ssh.service", pid, "sshd", "/usr/sbin/sshd", cmdline)
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
    """The journal's trusted fields of systemd-logind."""
    exe = (
        "/lib/systemd/systemd-logind" if host.name == "web-2" else "/usr/lib/systemd/systemd-logind"
    )
    unit = "systemd-logind.service"
    cmdline = "/lib/systemd/systemd-logind"
    return daemon_proc(host, unit, host.logind_pid, "systemd-logind", exe, cmdline, "24420004f")


def user_manager_proc(host: Host, pid: int, uid: int, ses: int) -> dict[str, str]:
    """The journal's trusted fields of a user's systemd --user manager."""
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


def systemd_proc(host: Host) -> dict[str, str]:
    """The journal's trusted fields of PID 1."""
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
    """A kernel message read by journald from /dev/kmsg."""
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
