"""sudo, su, login, systemd-logind and cron: who became whom, and what ran.

sudo's per-command line (`alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ;
COMMAND=/usr/bin/id`) is Process Activity (1007, Launch): it says which command ran as
whom, the same question auditd's EXECVE answers, so one query over 1007 rows sees both.
The actor is the invoking user, `user_name` the target account, `logon_type` "elevate".
A refusal (`user NOT in sudoers`, `3 incorrect password attempts`, `command not allowed`)
is the same line with a reason: status failure, the reason in `status_detail`. sudo's
PAM lines (`pam_unix(sudo:session): session opened for user root(uid=0) by alice(...)`)
stay Authentication rows with logon_type "elevate".

A cron job's PAM session is an Authentication row with logon_type "batch" (it is not a
login); the `(root) CMD (...)` line is a 1007 Launch with the crontab's owner as actor.
"""

from __future__ import annotations

import re

from auditlake.parsers.base import Row
from auditlake.parsers.programs.common import (
    AUTHENTICATION,
    FAILURE,
    LAUNCH,
    LOGOFF,
    LOGON,
    PROCESS_ACTIVITY,
    SUCCESS,
    event,
    source,
)

# DOTALL and \Z: sudo before 1.9.13 logs a newline in a command or directory as is
# (CVE-2023-28486), and the journal keeps it; the line is still sudo's.
_SUDO = re.compile(r"\s*(\S+) : (.*?)\Z", re.S)  # matched on the message, right-stripped
_COMMAND = " ; COMMAND="
_USER = " ; USER="


def normalize_sudo(message: str) -> Row | None:
    """Return a 1007 row for sudo's per-command line (run or refused).

    sudo writes `[reason ; ]TTY= ; [CHROOT= ; ]PWD= ; USER= ; [GROUP= ; ][TSID= ; ]
    [ENV= ; ]COMMAND=`, COMMAND last, and escapes nothing: the user chooses the PWD
    (a directory name) and the command, so either may hold ` ; USER=` or ` ; COMMAND=`.
    USER is the last ` ; USER=` (the PWD comes before it) and the command what follows
    the first ` ; COMMAND=` after it (the command's own arguments come after that), so
    a crafted directory name can neither hide the command that ran nor forge one, and
    neither can a crafted argument; everything before goes to the earlier fields (PWD
    keeps its ` ; `).
    A line where either key occurs twice has no single reading: it is marked
    `unmapped["sudo_ambiguous"]`, and `message` keeps the whole line.
    """
    m = _SUDO.match(message.rstrip())
    if m is None:
        return None
    actor, body = m.groups()
    user = body.rfind(_USER)
    cut = body.find(_COMMAND, user) if user >= 0 else -1
    if cut < 0:  # no USER, or one in the command's arguments (the line is ambiguous)
        cut = body.rfind(_COMMAND)
    if cut >= 0:
        head, command = body[:cut], body[cut + len(_COMMAND) :]
    elif body.startswith("COMMAND="):
        head, command = "", body[len("COMMAND=") :]
    else:
        head, command = body, ""
    fields, reason = _sudo_fields(head)
    if not command and "USER" not in fields:
        return None  # e.g. `alice : unable to resolve host web-1`
    unmapped = {k: v for k, v in fields.items() if k not in ("TTY", "PWD", "USER", "GROUP")}
    if body.count(_COMMAND) + body.startswith("COMMAND=") > 1 or body.count(_USER) > 1:
        unmapped["sudo_ambiguous"] = "true"
    return event(
        PROCESS_ACTIVITY,
        LAUNCH,
        FAILURE if reason else SUCCESS,
        status_detail=reason,
        logon_type="elevate",
        actor_user_name=actor,
        user_name=fields.get("USER"),
        group_name=fields.get("GROUP"),
        process_tty=fields.get("TTY"),
        process_cwd=fields.get("PWD"),
        process_cmd_line=command or None,
        process_file_path=command.partition(" ")[0] or None,
        unmapped=unmapped,
    )


def _sudo_fields(head: str) -> tuple[dict[str, str], str | None]:
    """Split the fields before COMMAND= into KEY=value pairs and the refusal reason.

    USER= and what follows it are read from the last ` ; USER=`; PWD= runs up to there.
    """
    cut = head.rfind(_USER)
    left, right = (head, "") if cut < 0 else (head[:cut], head[cut + 3 :])
    fields: dict[str, str] = {}
    reason = None
    items = left.split(" ; ")
    for i, item in enumerate(items):
        key, sep, value = item.partition("=")
        if sep and key == "PWD":
            fields[key] = " ; ".join([value, *items[i + 1 :]])
            break
        if sep and key.isupper():
            fields[key] = value
        elif item and reason is None:
            reason = item
    for item in right.split(" ; ") if right else ():
        key, sep, value = item.partition("=")
        if sep and key.isupper():
            fields[key] = value
    return fields, reason


# util-linux su: `(to root) alice on pts/0`, `FAILED SU (to root) alice on pts/0`;
# shadow su: `Successful su for root by alice`, `FAILED su for root by alice`,
# and its sulog-style `+ pts/0 alice:root` / `- pts/0 alice:root`.
_SU_UTIL_LINUX = re.compile(r"(FAILED SU )?\(to (\S+)\) (\S+) on (\S+)\s*$")
_SU_SHADOW = re.compile(r"(Successful|FAILED) su for (\S+) by (\S+)\s*$")
_SU_SULOG = re.compile(r"([+-]) (\S+) (\S+):([^\s:]+)\s*$")  # names hold no `:`


def normalize_su(message: str) -> Row | None:
    """Return a switch-user Authentication row for su's own lines."""
    m = _SU_UTIL_LINUX.match(message)
    if m is not None:
        failed, user, actor, tty = m.groups()
        return _switch(failed is None, user, actor, tty)
    m = _SU_SHADOW.match(message)
    if m is not None:
        verdict, user, actor = m.groups()
        return _switch(verdict == "Successful", user, actor, None)
    m = _SU_SULOG.match(message)
    if m is not None:
        sign, tty, actor, user = m.groups()
        return _switch(sign == "+", user, actor, tty)
    return None


def _switch(ok: bool, user: str, actor: str, tty: str | None) -> Row:
    return event(
        AUTHENTICATION,
        LOGON,
        SUCCESS if ok else FAILURE,
        logon_type="switch",
        user_name=user,
        actor_user_name=actor,
        process_tty=tty,
    )


# util-linux login, then shadow login.
_LOGIN = re.compile(
    r"(?:(ROOT) LOGIN|LOGIN) +(?:ON|on) '?(\S+?)'?(?: BY (\S+))?(?: FROM (\S+))?\s*$"
)
_LOGIN_FAILED = re.compile(
    r"FAILED LOGIN \(?\d+\)? (?:ON|on|FROM) '?(\S+?)'? FOR '?(.*?)'?, (.*?)\Z"
)


def normalize_login(message: str) -> Row | None:
    """Return a local Authentication row for login's success and failure lines."""
    m = _LOGIN.match(message)
    if m is not None:
        root, tty, user, host = m.groups()
        return event(
            AUTHENTICATION,
            LOGON,
            SUCCESS,
            logon_type="local",
            user_name="root" if root else user,
            process_tty=tty,
            **source(host),
        )
    m = _LOGIN_FAILED.match(message.rstrip())
    if m is not None:
        where, user, reason = m.groups()
        return event(
            AUTHENTICATION,
            LOGON,
            FAILURE,
            status_detail=reason,
            logon_type="local",
            user_name=user,
            process_tty=where,
        )
    return None


_LOGIND_NEW = re.compile(r"New session (\S+) of user (\S+?)\.?\s*$")
_LOGIND_REMOVED = re.compile(r"Removed session (\S+?)\.?\s*$")


def normalize_logind(message: str) -> Row | None:
    """Return an Authentication row for a logind session created or removed."""
    m = _LOGIND_NEW.match(message)
    if m is not None:
        return event(AUTHENTICATION, LOGON, SUCCESS, session_uid=m.group(1), user_name=m.group(2))
    m = _LOGIND_REMOVED.match(message)
    if m is not None:
        return event(AUTHENTICATION, LOGOFF, SUCCESS, session_uid=m.group(1))
    return None


_CRON_COMMAND = re.compile(r"\(([^)]*)\) CMD \((.*)\)\s*$")  # a user name holds no `)`


def normalize_cron(message: str) -> Row | None:
    """Return a 1007 Launch row for cron's `(user) CMD (command)` line."""
    m = _CRON_COMMAND.match(message)
    if m is None:
        return None
    return event(
        PROCESS_ACTIVITY,
        LAUNCH,
        SUCCESS,
        logon_type="batch",
        actor_user_name=m.group(1),
        process_cmd_line=m.group(2).strip() or None,
    )
