"""Logins and the sessions of users: sshd, sudo, cron and systemd --user, in every log at once."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from fleetgen.auditd import (
    audit_str,
    exec_event,
    grantors,
    local_pam,
    login_syscall,
    note,
    pam_msg,
    user_record,
)
from fleetgen.journal import (
    AUTHPRIV,
    CRON,
    daemon_proc,
    logind_proc,
    session_proc,
    sshd_proc,
    syslog,
    systemd_msg,
    user_manager_proc,
)
from fleetgen.model import UNSET, AuditEvent, Host, Proc, Session, hexs, ms

KEY_FP = {
    "deploy": "ED25519 SHA256:q3Xy1cO0m2Wv6x0mDqv0cS4sY6ZbB5dJ3kVhH7p2N9E",
    "alice": "ED25519 SHA256:Zk9mQ1wT4pP0u8Lr2Yb7sVx3nHc6dE5fGa1jKo4iRq0",
}


SSH_SESSION_GRANTORS = (
    "pam_selinux,pam_loginuid,pam_keyinit,pam_permit,pam_umask,pam_unix,pam_systemd,"
    "pam_motd,pam_motd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux"
)


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
            sshd_pam(
                host, s, "USER_AUTH", priv_pid, UNSET, "PAM:authentication", grantors(host, "auth")
            ),
            gap=1,
        )
    tt = ms(tt, 2)
    note(
        host,
        tt,
        sshd_pam(
            host, s, "USER_ACCT", priv_pid, UNSET, "PAM:accounting", grantors(host, "account")
        ),
    )
    how = f"Accepted {method} for {user} from {ip} port {port} ssh2"
    if method == "publickey":
        how += f": {KEY_FP[user]}"
    syslog(host, ms(tt, 1), "sshd", priv_pid, how, proc=pre)
    tt = ms(tt, 5)
    note(
        host,
        tt,
        sshd_pam(host, s, "CRED_ACQ", priv_pid, UNSET, "PAM:setcred", grantors(host, "auth")),
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
        sshd_pam(host, s, "CRED_ACQ", s.user_pid, uid, "PAM:setcred", grantors(host, "auth")),
    )
    msg = f'op=login id={uid} exe="/usr/sbin/sshd" hostname={ip} addr={ip} terminal=/dev/{tty} res=success'
    note(host, ms(tt, 5), user_record(host, "USER_LOGIN", priv_pid, 0, uid, s.ses, msg), gap=1)
    return s


SYSTEMD_USER_GRANTORS = (
    "pam_selinux,pam_selinux,pam_loginuid,pam_permit,pam_umask,pam_unix,pam_keyinit"
)


def systemd_user_msg(host: Host, op: str, user: str) -> str:
    """The PAM message of a user's systemd --user session."""
    exe = "/usr/lib/systemd/systemd"
    return pam_msg(
        op,
        SYSTEMD_USER_GRANTORS if "session" in op else grantors(host, "account"),
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
            sshd_pam(
                host, s, "CRED_DISP", s.priv_pid, s.uid, "PAM:setcred", grantors(host, "auth")
            ),
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
    """A process started from the session's shell."""
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
                grantors(host, "auth"),
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
            grantors(host, "account"),
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
            grantors(host, "auth"),
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
                grantors(host, "auth"),
                target,
                sudo_exe,
                term,
            ),
        )
    closed = f"pam_unix(sudo:session): session closed for user {target}"
    syslog(host, ms(end, 1), "sudo", None, closed, facility=AUTHPRIV, proc=proc)
    return child, end


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
    proc = daemon_proc(host, "cron.service", pid, "cron", exe, " ".join(title))
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
                        grantors(host, "account"),
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
                        grantors(host, "auth"),
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
                grantors(host, "auth"),
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
