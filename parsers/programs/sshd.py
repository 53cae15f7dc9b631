"""sshd (and OpenSSH 9.8+'s sshd-session / sshd-auth) messages.

Logins and refusals become Authentication (3002) rows; what happens to a connection
outside authentication (opened, closed, reset, negotiation or protocol failures, TCP
wrappers refusals) becomes Network Activity (4001) rows, so that counting failed logins
never counts a disconnect. A failed password with PAM is logged twice, once by PAM
(`pam_unix(sshd:auth): authentication failure`: auth_protocol NULL, unmapped.pam_module)
and once by sshd (`Failed password`: auth_protocol "password"); counts of attempts
should take one of the two.

The user name in `Failed password for invalid user NAME from IP port P ssh2` is whatever
the client sent, so it may itself contain ` from 10.0.0.1 port 22 ssh2: x`: the real
address is the last ` from ADDR port P[ sshN]` that ends the message or is followed by
`: ` (sshd appends key details that way; they hold no ` from ... port `). A line with no
port takes the first ` from ADDR` instead, as fail2ban decides it (ssh1's `: ruser NAME`
details, chosen by the client, come after the address there).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditlake.parsers.addresses import canonical_ip
from auditlake.parsers.base import Row
from auditlake.parsers.programs.common import (
    AUTHENTICATION,
    CLOSE,
    FAIL,
    FAILURE,
    LOGOFF,
    LOGON,
    NETWORK_ACTIVITY,
    OPEN,
    REFUSE,
    RESET,
    SUCCESS,
    event,
    source,
    to_port,
)

_AUTH = re.compile(
    r"(Accepted|Failed) (\S+) for (invalid user |illegal user )?(.*) from (\S+)"
    r" port (\d+)(?: +(ssh\d?))?(?:: (.*\S))?\s*$"
)
# Without a port (sshd before 5.x, some ports): the first ` from ADDR` that fits.
_AUTH_NO_PORT = re.compile(
    r"(Accepted|Failed) (\S+) for (invalid user |illegal user )?(.*?) from (\S+)"
    r"()(?: +(ssh\d?))?(?:: (.*\S))?\s*$"
)
_KEY = re.compile(r"(\S+) (\S+)")
_INVALID = re.compile(r"(?:Invalid|Illegal) user (.*?) from (\S+)(?: port (\d+))?\s*$")
_NOT_ALLOWED = re.compile(r"User (.*?) (?:from (\S+) )?not allowed because (.+?)\Z")
_ROOT_REFUSED = re.compile(r"ROOT LOGIN REFUSED FROM (\S+)(?: port (\d+))?")
_MAX_ATTEMPTS = re.compile(
    r"maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+)"
    r"(?: port (\d+))?(?: +ssh\d?)?\s*$"
)
_PAM_ERROR = re.compile(
    r"PAM: (.+?) for (?:illegal user |invalid user )?(.*?) from (\S+)(?: via \S+)?\s*$"
)
_DISCONNECTED = re.compile(
    r"Disconnected from (?:(invalid|authenticating) )?(?:user (.*) )?(\S+) port (\d+)\s*$"
)
# `Connection closed by` / `Connection reset by`, with a user since OpenSSH 7.5.
_CONNECTION_BY_USER = re.compile(
    r"Connection (closed|reset) by (?:(invalid|authenticating) )?user (.*) (\S+) port (\d+)\s*$"
)
_CONNECTION_BY = re.compile(r"Connection (closed|reset) by (\S+?)(?: port (\d+))?\s*$")
_CONNECTION_FROM = re.compile(r"Connection from (\S+)(?: port (\d+))?(?: on (\S+) port (\d+))?")
_RECEIVED_DISCONNECT = re.compile(r"Received disconnect from (\S+?)(?: port (\d+))?: ?\d+: (.*)$")
_DISCONNECTING_USER = re.compile(
    r"Disconnecting (?:(invalid|authenticating) )?user (.*) (\S+) port (\d+): (.*?)\Z"
)
_DISCONNECTING = re.compile(
    r"Disconnecting: (.*?)(?: for (?:invalid user |illegal user )?(.*?))?\Z"
)
_NO_IDENTIFICATION = re.compile(r"Did not receive identification string from (\S+)(?: port (\d+))?")
_BAD_VERSION = re.compile(r"Bad protocol version identification .* from (\S+) port (\d+)\s*$")
_UNABLE = re.compile(r"Unable to negotiate with (\S+) port (\d+): (.*?)\Z")
_TIMEOUT = re.compile(
    r"Timeout before authentication for (?:connection from )?(\S+)(?: port (\d+))?"
)
_FATAL_FROM = re.compile(
    r"(?:banner exchange|ssh_dispatch_run_fatal): Connection from "
    r"(?:(?:invalid|authenticating) user (.*) )?(\S+) port (\d+): (.*?)\Z"
)
_REFUSED = re.compile(r"refused connect from (?:.* \((\S+)\)|(\S+))\s*$")
_PREAUTH = " [preauth]"
_LEVELS = ("error: ", "fatal: ")


def normalize_sshd(message: str) -> Row | None:
    """Return a partial row for one sshd message; None for messages that say nothing here."""
    if message.startswith(_LEVELS):
        message = message[7:]
    preauth = message.endswith(_PREAUTH)
    if preauth:
        message = message[: -len(_PREAUTH)]
    handler = _BY_FIRST_WORD.get(message.partition(" ")[0])
    row = handler(message) if handler is not None else None
    if row is not None and preauth:
        row.setdefault("unmapped", {})["ssh_stage"] = "preauth"
    return row


def _auth(message: str) -> Row | None:
    m = _AUTH.match(message) or _AUTH_NO_PORT.match(message)
    if m is None:
        return None
    verdict, method, invalid, user, host, port, protocol, extra = m.groups()
    unmapped: dict[str, str] = {}
    if protocol:
        unmapped["ssh_protocol"] = protocol
    if extra:
        key = _KEY.fullmatch(extra)
        if key is not None and method in ("publickey", "hostbased"):
            unmapped["ssh_key_type"], unmapped["ssh_key_fingerprint"] = key.groups()
        else:
            unmapped["ssh_auth_info"] = extra
    accepted = verdict == "Accepted"
    return event(
        AUTHENTICATION,
        LOGON,
        SUCCESS if accepted else FAILURE,
        status_detail=None if accepted else ("invalid user" if invalid else "failed " + method),
        logon_type="network",
        auth_protocol=method,
        # Solaris logs `<invalid username>` in place of a name.
        user_name=None if user == "<invalid username>" else user,
        **source(host, port),
        unmapped=unmapped,
    )


def _refusal(
    user: str | None, host: str | None, port: str | None, detail: str, method: str | None = None
) -> Row:
    """Return an Authentication failure: a login refused before any password check."""
    return event(
        AUTHENTICATION,
        LOGON,
        FAILURE,
        status_detail=detail,
        logon_type="network",
        user_name=user,
        auth_protocol=method,
        **source(host, port),
    )


def _invalid(message: str) -> Row | None:
    m = _INVALID.match(message)
    return None if m is None else _refusal(m[1], m[2], m[3], "invalid user")


def _not_allowed(message: str) -> Row | None:
    m = _NOT_ALLOWED.match(message.rstrip())
    return None if m is None else _refusal(m[1], m[2], None, m[3])


def _root_refused(message: str) -> Row | None:
    m = _ROOT_REFUSED.match(message)
    return None if m is None else _refusal("root", m[1], m[2], "ROOT LOGIN REFUSED")


def _max_attempts(message: str) -> Row | None:
    m = _MAX_ATTEMPTS.match(message)
    if m is None:
        return None
    return _refusal(m[2], m[3], m[4], "maximum authentication attempts exceeded")


def _pam_error(message: str) -> Row | None:
    # sshd logs a PAM conversation's failure so only in keyboard-interactive's (auth-pam.c
    # sshpam_query): the method is that attempt's, as its `Failed keyboard-interactive/pam`
    # line (when there is one) names it
    m = _PAM_ERROR.match(message)
    return None if m is None else _refusal(m[2], m[3], None, m[1], "keyboard-interactive/pam")


def _network(
    activity: tuple[int, str],
    host: str | None,
    port: str | None,
    detail: str | None = None,
    user: str | None = None,
) -> Row:
    return event(
        NETWORK_ACTIVITY,
        activity,
        FAILURE if activity in (FAIL, REFUSE) else None,
        status_detail=detail,
        user_name=user,
        **source(host, port),
    )


def _disconnected(message: str) -> Row | None:
    m = _DISCONNECTED.match(message)
    if m is None:
        return None
    stage, user, host, port = m.groups()
    if user is not None and stage is None:
        # `Disconnected from user alice 10.0.0.5 port 22`: an authenticated session ends.
        return event(
            AUTHENTICATION,
            LOGOFF,
            SUCCESS,
            logon_type="network",
            user_name=user,
            **source(host, port),
        )
    return _network(CLOSE, host, port, f"{stage} user" if stage else None, user)


def _connection(message: str) -> Row | None:
    m = _CONNECTION_BY_USER.match(message)
    if m is not None:
        verb, stage, user, host, port = m.groups()
        detail = f"{stage} user" if stage else None
        return _network(CLOSE if verb == "closed" else RESET, host, port, detail, user)
    m = _CONNECTION_BY.match(message)
    if m is not None:
        verb, host, port = m.groups()
        return _network(CLOSE if verb == "closed" else RESET, host, port)
    m = _CONNECTION_FROM.match(message)
    if m is None:
        return None
    row = _network(OPEN, m[1], m[2])
    destination = canonical_ip(m[3]) if m[3] else None
    if destination is not None:
        row["dst_endpoint_ip"] = destination
        dst_port = to_port(m[4])
        if dst_port is not None:
            row["dst_endpoint_port"] = dst_port
    return row


def _received(message: str) -> Row | None:
    m = _RECEIVED_DISCONNECT.match(message)
    return None if m is None else _network(CLOSE, m[1], m[2], m[3])


def _disconnecting(message: str) -> Row | None:
    message = message.rstrip()
    m = _DISCONNECTING_USER.match(message)
    if m is not None:
        return _network(CLOSE, m[3], m[4], m[5], m[2])
    m = _DISCONNECTING.match(message)
    return None if m is None else _network(CLOSE, None, None, m[1], m[2])


def _no_identification(message: str) -> Row | None:
    m = _NO_IDENTIFICATION.match(message)
    return None if m is None else _network(FAIL, m[1], m[2], "no identification string")


def _bad_version(message: str) -> Row | None:
    m = _BAD_VERSION.match(message)
    return None if m is None else _network(FAIL, m[1], m[2], "bad protocol version")


def _unable(message: str) -> Row | None:
    m = _UNABLE.match(message.rstrip())
    return None if m is None else _network(FAIL, m[1], m[2], m[3])


def _timeout(message: str) -> Row | None:
    m = _TIMEOUT.match(message)
    return None if m is None else _network(FAIL, m[1], m[2], "timeout before authentication")


def _fatal_from(message: str) -> Row | None:
    m = _FATAL_FROM.match(message.rstrip())
    return None if m is None else _network(FAIL, m[2], m[3], m[4], m[1])


def _refused(message: str) -> Row | None:
    m = _REFUSED.match(message)
    return None if m is None else _network(REFUSE, m[1] or m[2], None, "refused connect")


_BY_FIRST_WORD: dict[str, Callable[[str], Row | None]] = {
    "Accepted": _auth,
    "Failed": _auth,
    "Invalid": _invalid,
    "Illegal": _invalid,
    "User": _not_allowed,
    "ROOT": _root_refused,
    "maximum": _max_attempts,
    "PAM:": _pam_error,
    "Disconnected": _disconnected,
    "Connection": _connection,
    "Received": _received,
    "Disconnecting": _disconnecting,
    "Disconnecting:": _disconnecting,
    "Did": _no_identification,
    "Bad": _bad_version,
    "Unable": _unable,
    "Timeout": _timeout,
    "banner": _fatal_from,
    "ssh_dispatch_run_fatal:": _fatal_from,
    "refused": _refused,
}
