"""Session stitching rules, on rows shaped like hunts/session_events.sql's output."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from auditlake.sessions import sessions_table

COLUMNS = [
    "event_uid", "time", "device_hostname", "source_type", "app_name", "activity_id",
    "user_name", "actor_user_name", "logon_type", "session_uid", "auth_protocol",
    "src_endpoint_ip", "process_pid", "audit_type",
]  # fmt: skip


def row(uid: str, clock: str, **cols: Any) -> dict[str, Any]:
    base = dict.fromkeys(COLUMNS)
    base.update(
        event_uid=uid,
        time=datetime.fromisoformat(f"2026-11-27T{clock}").replace(tzinfo=UTC),
        device_hostname="web-2",
        source_type="syslog",
        activity_id=1,
    )
    base.update(cols)
    return base


def stitched(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["time"]))
    return [
        {k: s[k] for k in ("user_name", "src_endpoint_ip", "audit_session", "event_uids")}
        for s in sessions_table(table, duckdb.connect()).to_pylist()
    ]


ACCEPT = row("accept", "02:13:41", app_name="sshd", user_name="bob", logon_type="network",
             src_endpoint_ip="203.0.113.50", process_pid=2086)  # fmt: skip
USER_START = row("start", "02:13:41.300", source_type="auditd", user_name="bob",
                 logon_type="network", session_uid="9", process_pid=2086)  # fmt: skip


def test_logind_joins_the_login_of_its_user_though_its_id_is_not_the_audit_id() -> None:
    # syslog's whole seconds tie logind's line with sshd's; its id 4 is not ses 9
    logind = row("logind", "02:13:41", app_name="systemd-logind", user_name="bob",
                 session_uid="4", process_pid=733)  # fmt: skip
    removed = row("removed", "02:38:55", app_name="systemd-logind", activity_id=2,
                  session_uid="4", process_pid=733)  # fmt: skip
    assert stitched(ACCEPT, logind, USER_START, removed) == [
        {
            "user_name": "bob",
            "src_endpoint_ip": "203.0.113.50",
            "audit_session": "9",
            "event_uids": ["accept", "logind", "start", "removed"],
        }
    ]


def test_logind_of_another_user_starts_no_session_of_its_own_and_joins_none() -> None:
    logind = row("logind", "02:13:42", app_name="systemd-logind", user_name="alice",
                 session_uid="5", process_pid=733)  # fmt: skip
    assert [s["event_uids"] for s in stitched(ACCEPT, logind)] == [["accept"]]


def test_cron_and_systemd_user_sessions_are_not_logins() -> None:
    cron_login = row("cron-login", "03:17:01", source_type="auditd", audit_type="LOGIN",
                     session_uid="10", process_pid=2300)  # fmt: skip
    cron_start = row("cron-start", "03:17:01.100", source_type="auditd", user_name="root",
                     logon_type="batch", session_uid="10", process_pid=2300)  # fmt: skip
    systemd_user = row("user-at", "02:13:41.400", source_type="auditd", audit_type="LOGIN",
                       user_name="bob", session_uid="11", process_pid=2091)  # fmt: skip
    sessions = stitched(ACCEPT, USER_START, systemd_user, cron_login, cron_start)
    assert [s["event_uids"] for s in sessions] == [["accept", "start"]]
