"""The investigation API on the bundled sample fleet and its planted intrusion.

The story (TEAM.md): bob guesses his way in to web-2 by password from 203.0.113.50,
adds himself to the docker group, uses the docker socket, starts a privileged
container with / mounted, writes /etc/docker/daemon.json and stops auditing; later
root logs in to web-1 by password from 198.51.100.7.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import auditlake
from auditlake.api import AuditLake

FLEET = Path(__file__).resolve().parents[2] / "samples" / "fleet"
PRIVILEGED_RUN = "docker run -it --name pwn --privileged -v /:/host alpine chroot /host sh"


@pytest.fixture
def lake(sample_lake: Path) -> Iterator[AuditLake]:
    with auditlake.open(sample_lake) as handle:
        yield handle


def _one(lake: AuditLake, sql: str, **params: object) -> dict[str, object]:
    rows = lake.sql(sql, **params).to_dict("records")
    assert len(rows) == 1, rows
    return rows[0]


def test_sessions_of_the_fleet_are_the_logins_of_the_story(lake: AuditLake) -> None:
    sessions = lake.sessions()
    seen = [
        (r["device_hostname"], r["user_name"], r["src_endpoint_ip"], r["auth_protocol"])
        for r in sessions.to_dict("records")
    ]
    # deploy by key on every host (twice), alice by key, bob and root by password;
    # cron's hourly sessions and sudo are not logins
    assert seen == [
        ("web-1", "deploy", "10.0.0.5", "publickey"),
        ("web-2", "deploy", "10.0.0.5", "publickey"),
        ("db-1", "deploy", "10.0.0.5", "publickey"),
        ("web-1", "alice", "10.0.0.23", "publickey"),
        ("web-2", "alice", "10.0.0.23", "publickey"),
        ("db-1", "alice", "10.0.0.23", "publickey"),
        ("web-2", "bob", "203.0.113.50", "password"),
        ("web-1", "root", "198.51.100.7", "password"),
        ("web-1", "deploy", "10.0.0.5", "publickey"),
        ("web-2", "deploy", "10.0.0.5", "publickey"),
        ("db-1", "deploy", "10.0.0.5", "publickey"),
    ]
    assert sessions["end_time"].notna().all()


@pytest.mark.parametrize("user", ["bob", "root", "alice", "deploy", "nobody"])
def test_a_users_sessions_are_those_of_the_whole_fleet_that_are_theirs(
    lake: AuditLake, user: str
) -> None:
    # sessions(user=) stitches the hosts where the user logged in only: nothing changes
    everyone = lake.sessions()
    theirs = everyone[everyone["user_name"] == user].reset_index(drop=True)
    assert len(theirs) or user == "nobody"
    assert lake.sessions(user=user).to_json(orient="records") == theirs.to_json(orient="records")


def test_bobs_session_joins_auth_log_and_auditd_and_lists_his_commands(lake: AuditLake) -> None:
    bob = lake.sessions(user="bob").to_dict("records")
    assert len(bob) == 1
    session = bob[0]
    assert (f"{session['start_time']:%H:%M:%S}", f"{session['end_time']:%H:%M:%S}") == (
        "02:13:41",
        "02:38:55",
    )
    assert list(session["sources"]) == ["auditd", "syslog"]
    # auditd execve under bob's ses, then sudo's report of what auditd no longer saw
    assert session["commands"] == [
        "id",
        "sudo usermod -aG docker bob",
        "usermod -aG docker bob",
        "newgrp docker",
        "bash",
        "curl --unix-socket /var/run/docker.sock http://localhost/containers/json",
        PRIVILEGED_RUN,
        "sudo tee /etc/docker/daemon.json",
        "tee /etc/docker/daemon.json",
        "sudo auditctl -D",
        "auditctl -D",
        "systemctl stop auditd",
    ]


def test_events_of_a_user_include_raw_auditd_known_only_by_auid(lake: AuditLake) -> None:
    runs = lake.events(user="bob", kind="Process Activity", host="web-2")
    docker = runs[runs["process_cmd_line"] == PRIVILEGED_RUN]
    assert docker[["source_type", "actor_user_name", "process_auid"]].to_dict("records") == [
        {"source_type": "auditd", "actor_user_name": "bob", "process_auid": 1003}
    ]


def test_findings_filter_by_host_and_minimum_severity(lake: AuditLake) -> None:
    assert sorted(lake.findings(host="web-1")["analytic_uid"]) == [
        "login.password_auth",
        "login.root",
        "login.untrusted_network",
    ]
    assert sorted(lake.findings(severity="critical")["analytic_uid"]) == [
        "audit.tampering",
        "docker.privileged_container",
    ]
    assert lake.findings(user="alice").empty


def test_process_tree_of_the_privileged_run_shows_the_newgrp_shell(lake: AuditLake) -> None:
    run = _one(
        lake,
        "SELECT process_pid, time FROM events WHERE process_cmd_line = $cmd AND class_uid = 1007",
        cmd=PRIVILEGED_RUN,
    )
    tree = lake.process_tree("web-2", int(run["process_pid"]), at=run["time"])
    rows = tree.table[["depth", "exe", "cmd_line", "actor_user_name", "observed"]]
    assert rows.to_dict("records") == [
        # bob's login shell started before any exec rule saw it
        {"depth": -2, "exe": None, "cmd_line": None, "actor_user_name": None, "observed": False},
        # newgrp docker exec'd a shell with the new group in the same process
        {
            "depth": -1,
            "exe": "/usr/bin/bash",
            "cmd_line": "bash",
            "actor_user_name": "bob",
            "observed": True,
        },
        {
            "depth": 0,
            "exe": "/usr/bin/docker",
            "cmd_line": PRIVILEGED_RUN,
            "actor_user_name": "bob",
            "observed": True,
        },
    ]


def test_raw_of_an_auditd_event_is_every_record_of_it(lake: AuditLake) -> None:
    run = _one(
        lake,
        "SELECT event_uid, audit_event_id FROM events WHERE process_cmd_line = $c AND class_uid = 1007",
        c=PRIVILEGED_RUN,
    )
    raw = lake.raw(str(run["event_uid"]))
    lines = raw.data.decode().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "type=SYSCALL",
        "type=EXECVE",
        "type=CWD",
        "type=PATH",
        "type=PATH",
        "type=PROCTITLE",
    ]
    assert all(f"msg=audit({run['audit_event_id']})" in line for line in lines)
    source = (FLEET / "web-2" / "audit" / "audit.log").read_bytes().splitlines(keepends=True)
    assert all(line in source for line in raw.lines)


def test_raw_of_a_syslog_event_from_a_gzip_rotation_is_its_line(lake: AuditLake) -> None:
    event = _one(
        lake,
        "SELECT event_uid FROM events WHERE source_file LIKE '%auth.log.1.gz' AND message = $m",
        m="Server listening on 0.0.0.0 port 22.",
    )
    line = lake.raw(str(event["event_uid"])).data
    source = gzip.decompress((FLEET / "web-1" / "auth.log.1.gz").read_bytes())
    matching = [x for x in source.splitlines(keepends=True) if b"listening on 0.0.0.0" in x]
    assert matching == [line]


def test_raw_of_a_journal_entry_is_its_json_line(lake: AuditLake) -> None:
    event = _one(
        lake,
        "SELECT event_uid, message FROM events WHERE device_hostname = 'db-1' "
        "AND source_type = 'journald' AND message LIKE 'Accepted publickey for deploy%' "
        "ORDER BY time LIMIT 1",
    )
    entry = json.loads(lake.raw(str(event["event_uid"])).data)
    assert entry["MESSAGE"] == event["message"]
    assert entry["_HOSTNAME"] == "db-1"


def test_explain_names_the_login_user_behind_a_raw_auid(lake: AuditLake) -> None:
    run = _one(
        lake,
        "SELECT event_uid FROM events WHERE process_cmd_line = $c AND class_uid = 1007",
        c=PRIVILEGED_RUN,
    )
    assert lake.explain(str(run["event_uid"])) == (
        f"bob (auid 1003) ran `{PRIVILEGED_RUN}` on web-2 at 2026-11-27 02:18:02 UTC"
    )
    root = _one(lake, "SELECT finding_uid FROM findings WHERE analytic_uid = 'login.root'")
    assert lake.explain(str(root["finding_uid"])) == (
        "login.root (high) on web-1 at 2026-11-27 02:52:17 UTC: "
        "direct root login from 198.51.100.7 by password"
    )


def test_timeline_of_bob_holds_his_findings_and_saves_a_png(
    lake: AuditLake, tmp_path: Path
) -> None:
    timeline = lake.timeline(user="bob")
    findings = timeline.table[timeline.table["kind"] == "finding"]
    assert len(findings) == len(lake.findings(user="bob")) == 10
    assert timeline.save(tmp_path / "bob.png").read_bytes()[:4] == b"\x89PNG"


def test_raw_reads_back_the_first_and_last_event_of_every_source_file(lake: AuditLake) -> None:
    picked = lake.sql(
        """
        SELECT source_file, arg_min(event_uid, source_offset) AS first_uid,
               arg_max(event_uid, source_offset) AS last_uid
        FROM events GROUP BY source_file ORDER BY source_file
        """
    ).to_dict("records")
    # audit.log (RAW and ENRICHED), auth.log (both styles, one gzipped), journal JSON
    # (audit records wrapped in it too), the dockerd log
    assert [row["source_file"].partition("/fleet/")[2] for row in picked] == [
        "db-1/journal.json",
        "web-1/audit/audit.log",
        "web-1/auth.log",
        "web-1/auth.log.1.gz",
        "web-1/journal.json",
        "web-2/audit/audit.log",
        "web-2/audit/audit.log.1",
        "web-2/auth.log",
        "web-2/docker.log",
    ]
    for row in picked:
        for uid in (row["first_uid"], row["last_uid"]):
            raw = lake.raw(str(uid))
            assert raw.lines and all(line.endswith(b"\n") for line in raw.lines), uid
            assert {s.source_file for s in raw.spans} == {row["source_file"]}


def test_raw_of_an_audit_record_wrapped_in_the_journal_is_its_json_entry(lake: AuditLake) -> None:
    event = _one(
        lake,
        "SELECT event_uid FROM events WHERE device_hostname = 'db-1' AND source_type = 'auditd' "
        "AND audit_type = 'SYSTEM_BOOT'",
    )
    entry = json.loads(lake.raw(str(event["event_uid"])).data)
    assert (entry["_TRANSPORT"], entry["_AUDIT_TYPE_NAME"]) == ("audit", "SYSTEM_BOOT")


def test_evidence_of_the_privileged_container_is_the_cli_run_and_the_daemon_create(
    lake: AuditLake,
) -> None:
    finding = _one(
        lake, "SELECT finding_uid FROM findings WHERE analytic_uid = 'docker.privileged_container'"
    )
    rows = lake.evidence(str(finding["finding_uid"]))
    assert rows["explanation"].tolist() == [
        f"bob (auid 1003) ran `{PRIVILEGED_RUN}` on web-2 at 2026-11-27 02:18:02 UTC",
        "dockerd on web-2 handled POST /containers/create container pwn (privileged; "
        "mounting host /) at 2026-11-27 02:18:02 UTC",
    ]
