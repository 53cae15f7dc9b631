"""Stitch login sessions together from the events of every source.

One ssh login leaves traces in several places: sshd's `Accepted ...` line, PAM's
`session opened`, auditd's USER_AUTH / USER_START / LOGIN (pid = the sshd process,
`ses` = the audit session id), logind's `New session N`, and at the end USER_END,
`session closed`, `Removed session N`. Two events belong to one session when they
share, on one host, the login process id or the audit session id (journald gives the
latter as `_AUDIT_SESSION`). A process id is reused once its session ended, so a logon
event whose key points at an ended session starts a new session instead.

logind's session id is the audit session id only where logind could read it; it is
kept apart, and logind's `New session` joins the open session of the same user on the
same host that began within LOGIND_SLACK of it. Only logins are kept: a session
needs a network or local logon (sshd, login on a tty) and no batch one. cron's
sessions (the kernel's LOGIN record names no program, only the shared `ses` says it
is cron's) and `systemd --user`'s (its own audit session, PAM service systemd-user)
are dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

LOGON, LOGOFF = 1, 2  # OCSF Authentication activity_id
# Programs whose pid is the login process itself; logind's pid is shared by every
# session it tracks, so it links nothing (its session id does).
_LOGIN_PROGRAMS = frozenset({"sshd", "sshd-session", "login"})
LOGIN_TYPES = frozenset({"network", "local"})
LOGIND = "systemd-logind"
LOGIND_SLACK = timedelta(seconds=10)


@dataclass(slots=True)
class _Session:
    """The events gathered for one session so far."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    ended: bool = False
    merged_into: _Session | None = None

    def root(self) -> _Session:
        node = self
        while node.merged_into is not None:
            node = node.merged_into
        return node


def _is_logind(row: dict[str, Any]) -> bool:
    return (row["app_name"] or "").lower() == LOGIND


def _keys(row: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """The link keys of one event: its login process and its session id, per host."""
    host = row["device_hostname"]
    keys = []
    program = (row["app_name"] or "").lower()
    if row["process_pid"] is not None and (
        row["source_type"] == "auditd" or program in _LOGIN_PROGRAMS
    ):
        keys.append(("pid", host, str(row["process_pid"])))
    if row["session_uid"] is not None:
        space = "logind" if program == LOGIND else "ses"
        keys.append((space, host, str(row["session_uid"])))
    return keys


def _logind_match(sessions: list[_Session], row: dict[str, Any]) -> _Session | None:
    """The open session of the row's user and host that began within LOGIND_SLACK of it."""
    for session in reversed(sessions):
        first = session.rows[0] if session.rows else None
        if first is None or session.merged_into is not None:
            continue
        if first["device_hostname"] != row["device_hostname"]:
            break  # rows come sorted by host, then time
        if row["time"] - first["time"] > LOGIND_SLACK:
            break
        users = {r["user_name"] for r in session.rows}
        if not session.ended and row["user_name"] in users:
            return session
    return None


def stitch(events: pa.Table) -> list[list[dict[str, Any]]]:
    """Group session events (sorted by host and time) into sessions, in order of start."""
    owner: dict[tuple[str, str | None, str], _Session] = {}
    sessions: list[_Session] = []
    for row in events.to_pylist():
        keys = _keys(row)
        found: list[_Session] = []
        for key in keys:
            session = owner.get(key)
            if session is None:
                continue
            session = session.root()
            # a new logon on the key of an ended session is a new session (pid reuse)
            if session.ended and row["activity_id"] == LOGON:
                continue
            if session not in found:
                found.append(session)
        if not found and row["activity_id"] == LOGON and _is_logind(row):
            match = _logind_match(sessions, row)
            found = [match] if match is not None else []
        if found:
            target = found[0]
            for other in found[1:]:
                target.rows.extend(other.rows)
                target.ended = target.ended or other.ended
                other.rows = []
                other.merged_into = target
        else:
            target = _Session()
            sessions.append(target)
        target.rows.append(row)
        if row["activity_id"] == LOGOFF:
            target.ended = True
        for key in keys:
            owner[key] = target
    return [s.rows for s in sessions if s.merged_into is None and _is_login(s.rows)]


def _is_login(rows: list[dict[str, Any]]) -> bool:
    """A login has a network or local logon (sshd, login) and no batch one (cron)."""
    types = {r["logon_type"] for r in rows}
    return bool(types & LOGIN_TYPES) and "batch" not in types


def _first(rows: list[dict[str, Any]], column: str) -> Any:
    """The first non-null value of `column` in time order."""
    return next((r[column] for r in rows if r[column] is not None), None)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One row per session: who, from where, how, when; None without any logon event."""
    rows.sort(key=lambda r: (r["time"], r["event_uid"]))
    logons = [r for r in rows if r["activity_id"] == LOGON]
    if not logons:
        return None  # only the end of a session whose start is not in the lake
    logoffs = [r for r in rows if r["activity_id"] == LOGOFF]
    users = Counter(r["user_name"] for r in logons if r["user_name"] is not None)
    host = rows[0]["device_hostname"]
    start: datetime = logons[0]["time"]
    ses = _first([r for r in rows if r["source_type"] == "auditd"], "session_uid")
    ses = ses if ses is not None else _first([r for r in rows if not _is_logind(r)], "session_uid")
    pid = _first([r for r in logons if not _is_logind(r)], "process_pid")
    return {
        "session_id": f"{host}:{ses if ses is not None else 'pid' + str(pid)}:{start:%Y%m%dT%H%M%S}",
        "device_hostname": host,
        "user_name": users.most_common(1)[0][0] if users else None,
        "src_endpoint_ip": _first(logons, "src_endpoint_ip") or _first(rows, "src_endpoint_ip"),
        "auth_protocol": _first(logons, "auth_protocol") or _first(rows, "auth_protocol"),
        "logon_type": _first(logons, "logon_type"),
        "start_time": start,
        "end_time": logoffs[-1]["time"] if logoffs else None,
        "audit_session": ses,
        "login_pid": pid,
        "sources": sorted({r["source_type"] for r in rows}),
        "event_uids": [r["event_uid"] for r in rows],
    }


# Any: the stubs cannot type a list of fields of several types
_SESSION_FIELDS: list[Any] = [
    pa.field("session_id", pa.string()),
    pa.field("device_hostname", pa.string()),
    pa.field("user_name", pa.string()),
    pa.field("src_endpoint_ip", pa.string()),
    pa.field("auth_protocol", pa.string()),
    pa.field("logon_type", pa.string()),
    pa.field("start_time", pa.timestamp("us", tz="UTC")),
    pa.field("end_time", pa.timestamp("us", tz="UTC")),
    pa.field("audit_session", pa.string()),
    pa.field("login_pid", pa.int64()),
    pa.field("sources", pa.list_(pa.string())),
    pa.field("event_uids", pa.list_(pa.string())),
]
SESSION_SCHEMA = pa.schema(_SESSION_FIELDS)


def sessions_table(events: pa.Table) -> pa.Table:
    """Stitch `events` (from hunts/session_events.sql) into a table of SESSION_SCHEMA."""
    rows = [s for s in (summarize(g) for g in stitch(events)) if s is not None]
    rows.sort(key=lambda s: (s["start_time"], s["device_hostname"] or "", s["session_id"]))
    return pa.Table.from_pylist(rows, schema=SESSION_SCHEMA)


def select(table: pa.Table, user: str | None, since: datetime | None) -> pa.Table:
    """The sessions of `user` (None: all) still open at or after `since` (None: all)."""
    conditions = []
    if user is not None:
        conditions.append(pc.equal(table["user_name"], pa.scalar(user)))
    if since is not None:
        ended = table["end_time"]
        moment = pa.scalar(since, type=ended.type)
        conditions.append(pc.or_kleene(pc.is_null(ended), pc.greater_equal(ended, moment)))
    if not conditions:
        return table
    keep = conditions[0]
    for condition in conditions[1:]:
        keep = pc.and_kleene(keep, condition)
    return table.filter(keep)
