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

`stitch` links the events in one pass (Python: a union of sessions as keys meet);
what each session is, its user, source, start and end, is then summed up in SQL
(hunts/session_summaries.sql) over all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from auditlake.parsers.rows import gc_paused
from auditlake.queries import hunt
from auditlake.queries.connection import arrow_table

LOGON, LOGOFF = 1, 2  # OCSF Authentication activity_id
# Programs whose pid is the login process itself; logind's pid is shared by every
# session it tracks, so it links nothing (its session id does).
_LOGIN_PROGRAMS = frozenset({"sshd", "sshd-session", "login"})
LOGIND = "systemd-logind"
LOGIND_SLACK_US = 10_000_000  # 10 s

Key = tuple[str, str | None, Any]  # (kind, host, the pid or the session id)


@dataclass(slots=True)
class _Session:
    """A session as stitching sees it: its rows (by index), and for logind's match the
    host and time of its first row and the users its rows name."""

    host: str | None
    start_us: int
    rows: list[int]
    users: set[str | None]
    ended: bool = False
    merged_into: _Session | None = None

    def root(self) -> _Session:
        node = self
        while node.merged_into is not None:
            node = node.merged_into
        return node

    def absorb(self, other: _Session) -> None:
        """Take over the rows of `other`, which becomes part of this session."""
        self.rows.extend(other.rows)
        self.users |= other.users
        self.ended = self.ended or other.ended
        other.rows = []
        other.merged_into = self


def _keys(host: str | None, source_type: str, program: str, pid: Any, ses: Any) -> list[Key]:
    """The link keys of one event: its login process and its session id, per host."""
    keys = []
    if pid is not None and (source_type == "auditd" or program in _LOGIN_PROGRAMS):
        keys.append(("pid", host, pid))
    if ses is not None:
        keys.append(("logind" if program == LOGIND else "ses", host, ses))
    return keys


def _logind_match(
    sessions: list[_Session], host: str | None, time_us: int, user: Any
) -> _Session | None:
    """The open session of `user` on `host` that began within LOGIND_SLACK of the time."""
    for session in reversed(sessions):
        if session.merged_into is not None:
            continue
        if session.host != host:
            break  # rows come sorted by host, then time
        if time_us - session.start_us > LOGIND_SLACK_US:
            break
        if not session.ended and user in session.users:
            return session
    return None


def stitch(events: pa.Table) -> pa.Array[Any]:
    """Number the session of each event (rows sorted by host and time); int64 per row."""
    with gc_paused():  # sessions, their lists and keys are acyclic
        return _stitch(events)


def _stitch(events: pa.Table) -> pa.Array[Any]:
    owner: dict[Key, _Session] = {}
    sessions: list[_Session] = []
    columns = zip(
        events["device_hostname"].to_pylist(),
        events["source_type"].to_pylist(),
        events["app_name"].to_pylist(),
        events["activity_id"].to_pylist(),
        events["user_name"].to_pylist(),
        events["session_uid"].to_pylist(),
        events["process_pid"].to_pylist(),
        pc.cast(events["time"], pa.timestamp("us", "UTC")).cast(pa.int64()).to_pylist(),
        strict=True,
    )
    for i, (host, source_type, app, activity, user, ses, pid, time_us) in enumerate(columns):
        program = (app or "").lower()
        keys = _keys(host, source_type, program, pid, ses)
        found: list[_Session] = []
        for key in keys:
            session = owner.get(key)
            if session is None:
                continue
            session = session.root()
            # a new logon on the key of an ended session is a new session (pid reuse)
            if session.ended and activity == LOGON:
                continue
            if session not in found:
                found.append(session)
        if not found and activity == LOGON and program == LOGIND:
            match = _logind_match(sessions, host, time_us, user)
            found = [match] if match is not None else []
        if found:
            target = found[0]
            for other in found[1:]:
                target.absorb(other)
            target.rows.append(i)
            target.users.add(user)
        else:
            target = _Session(host, time_us, [i], {user})
            sessions.append(target)
        if activity == LOGOFF:
            target.ended = True
        for key in keys:
            owner[key] = target
    numbers = [0] * events.num_rows
    for number, session in enumerate(sessions):
        for i in session.rows:
            numbers[i] = number
    return pa.array(numbers, pa.int64())


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


def sessions_table(events: pa.Table, con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Stitch `events` (hunts/session_events.sql) into SESSION_SCHEMA, summed up on `con`.

    One row per login session, by start time; the relation `session_rows` is lent to
    `con` meanwhile.
    """
    con.register("session_rows", events.append_column("session_no", stitch(events)))
    try:
        summaries = arrow_table(con, hunt("session_summaries"))
    finally:
        con.unregister("session_rows")
    return summaries.cast(SESSION_SCHEMA)


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
