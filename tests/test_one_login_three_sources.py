"""One SSH login, written by sshd to auth.log and the journal and recorded by auditd.

A single query over `events` must find it in all three, tell them apart by
`source_type`, and link them by host, time and pid (issue 3).
"""

from __future__ import annotations

from pathlib import Path

from auditlake.ingest.pipeline import IngestOptions, ingest
from auditlake.queries.connection import connect

from auditlake.pipeline import settled_copy

# 2026-11-27T02:13:41.5Z; sshd pid 4242 accepts alice's key from 10.0.0.23.
EPOCH = 1795745621
AUTH_LOG = (
    b"2026-11-27T02:13:41.512345+00:00 web-9 sshd[4242]: Accepted publickey for alice"
    b" from 10.0.0.23 port 50522 ssh2: ED25519 SHA256:q4bPAuV5YTUQdDP2ZUVD7fbVOkHfeQ3Ap8C0hkFBfho\n"
)
JOURNAL_JSON = (
    b'{"__REALTIME_TIMESTAMP":"1795745621512400","_HOSTNAME":"web-9","_TRANSPORT":"syslog",'
    b'"SYSLOG_IDENTIFIER":"sshd","_PID":"4242","_COMM":"sshd","PRIORITY":"6",'
    b'"MESSAGE":"Accepted publickey for alice from 10.0.0.23 port 50522 ssh2: ED25519 '
    b'SHA256:q4bPAuV5YTUQdDP2ZUVD7fbVOkHfeQ3Ap8C0hkFBfho"}\n'
)
AUDIT_LOG = (
    f"node=web-9 type=USER_LOGIN msg=audit({EPOCH}.520:812): pid=4242 uid=0 auid=1002 "
    'ses=7 subj=unconfined msg=\'op=login id=1002 exe="/usr/sbin/sshd" hostname=10.0.0.23 '
    "addr=10.0.0.23 terminal=/dev/pts/1 res=success'\n"
).encode()

QUERY = """
SELECT source_type, device_hostname, process_pid, src_endpoint_ip, time
FROM events
WHERE class_uid = 3002
  AND activity_id = 1
  AND status_id = 1
  AND src_endpoint_ip = $ip
ORDER BY source_type
"""


def test_one_ssh_login_is_found_in_auth_log_journal_and_audit_log(tmp_path: Path) -> None:
    logs = tmp_path / "logs" / "web-9"
    logs.mkdir(parents=True)
    (logs / "auth.log").write_bytes(AUTH_LOG)
    (logs / "journal.json").write_bytes(JOURNAL_JSON)
    (logs / "audit.log").write_bytes(AUDIT_LOG)
    (root,) = settled_copy([logs], tmp_path / "settled")
    ingest(IngestOptions(roots=[root], lake=tmp_path / "lake", jobs=1))

    rows = connect(tmp_path / "lake").execute(QUERY, {"ip": "10.0.0.23"}).fetchall()

    assert [r[:4] for r in rows] == [
        ("auditd", "web-9", 4242, "10.0.0.23"),
        ("journald", "web-9", 4242, "10.0.0.23"),
        ("syslog", "web-9", 4242, "10.0.0.23"),
    ]
    times = [r[4] for r in rows]
    assert (max(times) - min(times)).total_seconds() < 0.01
