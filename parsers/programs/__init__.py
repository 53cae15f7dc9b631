"""Program messages -> normalized events rows, whatever carried them (syslog, journald).

`normalize_program_message(app_name, message)` returns a partial events row (class_uid,
class_name, activity, status, user and endpoint columns, `unmapped`), or None when the
message says nothing it knows. The transport adds time, host, pid, app_name, message.

Dispatch is one dict lookup on the program name (the syslog tag or SYSLOG_IDENTIFIER),
then a look at the message's first word, before any regular expression runs. PAM lines
are recognised by their module prefix (`pam_unix(sshd:auth): ...`) whatever the program,
and by their bare body (`session opened for user ...`) under old `sshd(pam_unix)` tags.

Classes (schema.CLASSES): logins, login refusals and session starts/ends are
Authentication (3002, Logon 1 / Logoff 2, status 1 success / 2 failure) with
`logon_type` from schema.LOGON_TYPES; commands run through sudo or cron are Process
Activity (1007, see sessions.py for why); user and group changes are Account Change
(3001, see accounts.py); sshd connection events outside authentication are Network
Activity (4001, see sshd.py). `auth_protocol` is the method exactly as sshd names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from auditlake.parsers.base import Row, parser_error_row
from auditlake.parsers.programs.accounts import normalize_account
from auditlake.parsers.programs.pam import BARE_BODIES, normalize_pam, pam_body
from auditlake.parsers.programs.sessions import (
    normalize_cron,
    normalize_login,
    normalize_logind,
    normalize_su,
    normalize_sudo,
)
from auditlake.parsers.programs.sshd import normalize_sshd

_ACCOUNT_PROGRAMS = (
    "useradd",
    "userdel",
    "usermod",
    "groupadd",
    "groupdel",
    "groupmod",
    "gpasswd",
    "chage",
    "passwd",
    "chpasswd",
    "newusers",
)

_HANDLERS: dict[str, Callable[[str], Row | None]] = {
    "sshd": normalize_sshd,
    "sshd-session": normalize_sshd,
    "sshd-auth": normalize_sshd,
    "sudo": normalize_sudo,
    "su": normalize_su,
    "login": normalize_login,
    "systemd-logind": normalize_logind,
    "cron": normalize_cron,
    "CRON": normalize_cron,
    "crond": normalize_cron,
    "CROND": normalize_cron,  # cronie's tag (RHEL's /var/log/cron)
    **dict.fromkeys(_ACCOUNT_PROGRAMS, normalize_account),
}

# PAM service names of programs whose syslog tag differs from it (sshd-session runs
# sshd's PAM stack, CRON the cron one).
_PAM_PREFIXES = ("pam_", "(pam_")
_PAM_SERVICE = {"sshd-session": "sshd", "sshd-auth": "sshd", "CRON": "cron", "CROND": "crond"}


# Hosts repeat the same messages (cron's and sudo's sessions, a service's warnings) all
# day, and normalizing is a pure function of (program, message): remember the answers.
_PAM_OR_BARE = _PAM_PREFIXES + BARE_BODIES
_REMEMBERED = 4096  # most recently used messages
_LONGEST_REMEMBERED = 512  # characters; longer messages are rarely repeated word for word


def normalize_program_message(app_name: str | None, message: str) -> Row | None:
    """Return a partial events row for one program message, or None if it is not known."""
    row = shared_program_row(app_name, message)
    if row is None:
        return None
    copy = dict(row)  # callers own what they get: nothing is shared between rows
    unmapped = copy.get("unmapped")
    if unmapped is not None:
        copy["unmapped"] = unmapped.copy()
    return copy


def reads(app_name: str | None, message: str) -> bool:
    """Tell whether the normalizers may make more of a message than a Base Event."""
    return app_name in _HANDLERS or message.startswith(_PAM_OR_BARE)


# sshd writes no longer message (it formats each into 1,024 bytes), sudo splits its lines
# at 960 bytes, and login, logind, su and PAM modules write names and ttys. A longer
# message of theirs is someone's own text, kept as written but not matched: their
# patterns backtrack, and a crafted 40 KB line took seconds to minutes. cron and the
# account tools do write longer ones (cronie a command of up to 128 KB, usermod a home
# or shell path), and their patterns are linear: they read any length.
MAX_MESSAGE = 4096
_TOO_LONG: Row = {"class_uid": 0, "unmapped": {"not_read": f"over {MAX_MESSAGE} characters"}}
_ANY_LENGTH = frozenset({"cron", "CRON", "crond", "CROND", *_ACCOUNT_PROGRAMS})


def shared_program_row(app_name: str | None, message: str) -> Mapping[str, Any] | None:
    """Return what normalize_program_message does, without a copy: read it, never change it."""
    if not reads(app_name, message):
        return None  # most lines of a busy host: nothing to look up, nothing to remember
    if len(message) > MAX_MESSAGE and not (
        app_name in _ANY_LENGTH and not message.startswith(_PAM_OR_BARE)
    ):
        return _TOO_LONG
    if len(message) > _LONGEST_REMEMBERED:
        return _normalize(app_name, message)
    return _remembered(app_name, message)


def _normalize(app_name: str | None, message: str) -> Row | None:
    """Return the program's row; a normalizer that fails leaves a flagged Base Event."""
    try:
        return _program_row(app_name, message)
    except Exception as exc:  # a bug (base.parser_error): the message is kept, as text
        return parser_error_row(exc)


def _program_row(app_name: str | None, message: str) -> Row | None:
    if message.startswith(_PAM_PREFIXES):
        row = normalize_pam(_PAM_SERVICE.get(app_name, app_name) if app_name else None, message)
        if row is not None:
            return row
        # not a PAM module's message after all: a sudo or cron line of a user whose name
        # starts with `pam_` is still the program's (else its commands would go unseen)
    handler = _HANDLERS.get(app_name) if app_name else None
    if handler is not None:
        row = handler(message)
        if row is not None:
            return row
    if message.startswith(BARE_BODIES):
        return pam_body(_PAM_SERVICE.get(app_name, app_name) if app_name else None, message)
    return None


_remembered = lru_cache(maxsize=_REMEMBERED)(_normalize)
