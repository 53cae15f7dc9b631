"""PAM messages: authentication failures, sessions opened and closed, password changes.

Forms seen in the wild: `pam_unix(sshd:auth): body` (Linux-PAM >= 0.99.2), `pam_unix(auth):
body`, `pam_unix: body`, `(pam_unix) body`, and the oldest, `sshd(pam_unix)[pid]: body`,
where the syslog tag names the module and the body has no prefix at all.
"""

from __future__ import annotations

import re

from auditlake.parsers.base import Row
from auditlake.parsers.programs.common import (
    ACCOUNT_CHANGE,
    AUTHENTICATION,
    FAILURE,
    LOGOFF,
    LOGON,
    SUCCESS,
    event,
    source,
    to_int,
)

# The PAM service names each logon type comes from (schema.LOGON_TYPES).
_LOGON_TYPES = {
    "sshd": "network",
    # Cockpit's web console, and login's service for rlogin/telnet: remote logons
    "cockpit": "network",
    "remote": "network",
    "login": "local",
    "gdm-password": "local",
    "gdm-autologin": "local",
    "lightdm": "local",
    "sddm": "local",
    "xdm": "local",
    "kdm": "local",
    "su": "switch",
    "su-l": "switch",
    "runuser": "switch",
    "runuser-l": "switch",
    "sudo": "elevate",
    "sudo-i": "elevate",
    "pkexec": "elevate",
    "doas": "elevate",
    "cron": "batch",
    "crond": "batch",
    "CRON": "batch",
    "atd": "batch",
    "systemd-user": "service",
}
_PAM_KINDS = frozenset({"auth", "account", "session", "password", "chauthtok", "setcred"})

_PREFIX = re.compile(r"\(?(pam_[\w-]+)\)?(?:\(([^()]*)\))?:? +")
# pam_unix writes the fields in this order; rhost and user may hold spaces only when an
# attacker put them there, so each value is taken up to the next known key. The
# program sets logname and tty: each is taken once (atomic groups; three lazy groups
# were cubic in the line's length). ruser is a user's: `ruser=x rhost=1.2.3.4` in it
# is passed over when the line's own rhost comes after.
_AUTH_FAILURE = re.compile(
    r"authentication failure; logname=(?>(.*?) uid=)(\d*) euid=(\d*) tty=(?>(.*?) ruser=)"
    r"(.*?) rhost=(\S*)(?:\s+user=(.*?))?(?: \[preauth\])?\Z"
)
_SESSION_PREFIXES = ("session opened for user ", "session closed for user ")
_PASSWORD_CHANGED = re.compile(r"password changed for (\S+)\s*$")
BARE_BODIES = ("authentication failure;", "session opened for user ", "session closed for user ")


def normalize_pam(app_name: str | None, message: str) -> Row | None:
    """Return a partial row for a PAM message that starts with its module name."""
    m = _PREFIX.match(message)
    if m is None:
        return None
    module, scope = m.groups()
    service, kind = app_name, None
    if scope:
        head, _, tail = scope.rpartition(":")
        if head:
            service, kind = head, tail
        elif tail in _PAM_KINDS:
            kind = tail
        else:
            service = tail
    return pam_body(service, message[m.end() :], module, kind)


def pam_body(
    service: str | None, body: str, module: str | None = None, kind: str | None = None
) -> Row | None:
    """Return a partial row for a PAM message body (its module prefix already removed)."""
    unmapped = {"pam_module": module} if module else {}
    if service:
        unmapped["pam_service"] = service
    if kind:
        unmapped["pam_type"] = kind
    logon_type = _LOGON_TYPES.get(service) if service else None
    if body.startswith("authentication failure;"):
        return _auth_failure(body, logon_type, unmapped)
    if body.startswith("session "):
        return _session(body, logon_type, unmapped)
    m = _PASSWORD_CHANGED.match(body)
    if m is not None:
        return event(
            ACCOUNT_CHANGE,
            (3, "Password Change"),
            SUCCESS,
            user_name=m.group(1),
            unmapped=unmapped,
        )
    return None


def _auth_failure(body: str, logon_type: str | None, unmapped: dict[str, str]) -> Row | None:
    m = _AUTH_FAILURE.match(body.rstrip())
    if m is None:
        return None
    logname, uid, _euid, tty, ruser, rhost, user = m.groups()
    # PAM_USER is the account asked for; without it, PAM_RUSER (the requesting user)
    # is the only name the line gives (vsftpd, su), as fail2ban reads it too.
    return event(
        AUTHENTICATION,
        LOGON,
        FAILURE,
        status_detail="authentication failure",
        logon_type=logon_type,
        user_name=user or ruser or None,
        actor_user_name=logname or None,
        actor_user_uid=to_int(uid) if logname else None,
        process_tty=tty or None,
        **source(rhost),
        unmapped=unmapped,
    )


def _session(body: str, logon_type: str | None, unmapped: dict[str, str]) -> Row | None:
    # `session opened for user root(uid=0) by alice(uid=1000)`; older PAM: `... for user
    # root by (uid=0)`, `... by LOGIN(uid=0)`; closing lines stop after the user.
    if not body.startswith(_SESSION_PREFIXES):
        return None
    target, by, caller = body[len(_SESSION_PREFIXES[0]) :].rstrip().partition(" by ")
    user, uid = _name_and_uid(target)
    actor, actor_uid = _name_and_uid(caller) if by else ("", None)
    # `by (uid=0)`: the caller's uid without a name is the daemon itself (sshd, cron),
    # not a person, so the actor is only set when a name is given.
    return event(
        AUTHENTICATION,
        LOGON if body[8] == "o" else LOGOFF,
        SUCCESS,
        logon_type=logon_type,
        user_name=user,
        user_uid=to_int(uid),
        actor_user_name=actor or None,
        actor_user_uid=to_int(actor_uid) if actor else None,
        unmapped=unmapped,
    )


def _name_and_uid(text: str) -> tuple[str, str | None]:
    """Split `alice(uid=1000)` into ("alice", "1000"); `alice` into ("alice", None)."""
    if text.endswith(")"):
        start = text.rfind("(uid=")
        if start >= 0:
            return text[:start], text[start + 5 : -1]
    return text, None
