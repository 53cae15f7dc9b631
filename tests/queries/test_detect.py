"""Running detections: findings rows, idempotent appends, policy semantics, the CLI."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from auditlake.queries.connection import connect
from auditlake.queries.detect import finding_uid
from click.testing import CliRunner

from auditlake.cli import cli
from auditlake.lake import Lake
from auditlake.pipeline import detect
from auditlake.schema import EVENTS, to_batch

sys.path.insert(0, str(Path(__file__).parent))
from detection_lakes import event, make_lake, record

POLICY = """\
[login]
allowed_users = ["deploy", "alice"]
trusted_networks = ["10.0.0.0/8"]
[docker]
allowed_socket_users = ["alice"]
"""
UNSET = 4294967295


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    return path


def _login(user: str, ip: str, uid: str) -> dict[str, Any]:
    return event(
        "2026-11-27T02:13:41",
        3002,
        "syslog",
        logon_type="network",
        activity_id=1,
        status_id=1,
        user_name=user,
        src_endpoint_ip=ip,
        auth_protocol="publickey",
        device_hostname="web-2",
        event_uid=uid,
    )


def _write(path: str, auid: int, exe: str, uid: str, key: str | None = None) -> dict[str, Any]:
    return event(
        "2026-11-27T02:24:30",
        1001,
        "auditd",
        activity_id=3,
        audit_syscall="openat",
        file_path=path,
        files=[{"path": path, "nametype": "NORMAL"}],
        process_auid=auid,
        process_file_path=exe,
        audit_key=key,
        process_pid=hash(uid) % 30000,
        event_uid=uid,
    )


def _connect(auid: int, exe: str, uid: str) -> dict[str, Any]:
    return event(
        "2026-11-27T02:16:40",
        4001,
        "auditd",
        audit_syscall="connect",
        dst_endpoint_path="/var/run/docker.sock",
        process_auid=auid,
        process_file_path=exe,
        event_uid=uid,
    )


def _alice_session() -> dict[str, Any]:
    """auditd's USER_START of alice's session: login uid 1002 is alice."""
    return event(
        "2026-11-27T02:13:41",
        3002,
        "auditd",
        audit_type="USER_START",
        event_uid="s",
        user_name="alice",
        process_auid=1002,
    )


def _ids(lake: Path, policy: Path, only: str) -> list[tuple[Any, ...]]:
    run = detect(lake, policy, [only])
    return sorted(run.findings.select(["event_uids"]).to_pylist(), key=str)  # type: ignore[arg-type]


def test_detect_appends_findings_once(tmp_path: Path) -> None:
    lake = make_lake(tmp_path / "lake", [_login("bob", "203.0.113.50", "bob-login")])
    first = detect(lake, _policy(tmp_path))
    assert first.added == 2  # user_not_allowed and untrusted_network
    second = detect(lake, _policy(tmp_path))
    assert second.added == 0
    assert (
        second.findings.column("finding_uid").to_pylist()
        == first.findings.column("finding_uid").to_pylist()
    )
    parts = Lake(lake).part_paths("findings")
    assert len(parts) == 1
    assert parts[0].parent.name.startswith("detection_date=")
    assert pq.read_table(parts[0]).num_rows == 2


def test_finding_uid_is_the_hash_of_id_and_identity_not_of_evidence(tmp_path: Path) -> None:
    lake = make_lake(tmp_path / "lake", [_login("bob", "203.0.113.50", "bob-login")])
    row = detect(lake, _policy(tmp_path), ["login.user_not_allowed"]).findings.to_pylist()[0]
    assert row["finding_uid"] == finding_uid("login.user_not_allowed", row)
    assert row["analytic_uid"] == "login.user_not_allowed"
    assert row["severity"] == "high"
    assert row["class_uid"] == 2004
    assert row["attack_technique_uids"] == ["T1078", "T1078.003"]
    assert finding_uid("x", {**row, "event_uids": ["other"]}) == finding_uid("x", row)
    assert finding_uid("x", {**row, "user_name": "eve"}) != finding_uid("x", row)


def test_two_findings_in_one_second_that_name_no_one_are_stored_once_each(
    tmp_path: Path,
) -> None:
    # RAW auditd names no user: the login uid and the process tell the two apart. With
    # one id for both, the lake kept one and every run stored the other again.
    rows = [
        _connect(UNSET, "/usr/bin/node-exporter", "unset-auid-agent"),
        {**_connect(1003, "/usr/bin/curl", "bob"), "process_pid": 4242},
        _alice_session(),
    ]
    lake = make_lake(tmp_path / "lake", rows)
    first = detect(lake, _policy(tmp_path), ["docker.socket_access"])
    assert first.added == 2
    assert len(set(first.findings.column("finding_uid").to_pylist())) == 2
    assert detect(lake, _policy(tmp_path), ["docker.socket_access"]).added == 0


def test_findings_alike_in_their_identity_are_one_finding_with_all_the_evidence() -> None:
    from auditlake.queries.detect import build_findings
    from auditlake.queries.rules import load_detections

    (detection,) = [d for d in load_detections() if d.id == "login.user_not_allowed"]
    start = datetime(2026, 11, 27, 2, 13, 41, tzinfo=UTC)
    login = {"device_hostname": "combo", "start_time": start, "user_name": "test"}
    rows = [
        {**login, "end_time": start, "event_uids": ["b"]},
        {**login, "end_time": start + timedelta(seconds=1), "event_uids": ["a", "c"]},
    ]
    now = datetime(2026, 11, 28, tzinfo=UTC)
    (finding,) = build_findings(detection, rows, now)
    assert finding["event_uids"] == ["a", "b", "c"]
    assert finding["end_time"] == start + timedelta(seconds=1)
    assert build_findings(detection, rows[::-1], now) == [finding]


def test_finding_uid_does_not_change_with_the_zone_the_time_is_given_in() -> None:
    # DuckDB returns times in the session's zone: cron in UTC and an analyst in Berlin
    # must get the same id for the same finding
    start = datetime(2026, 11, 27, 2, 13, 41, tzinfo=UTC)
    berlin = start.astimezone(timezone(timedelta(hours=1)))
    row = {"device_hostname": "web-2", "start_time": start}
    assert finding_uid("x", {**row, "start_time": berlin}) == finding_uid("x", row)
    assert finding_uid("x", {**row, "start_time": start + timedelta(seconds=1)}) != finding_uid(
        "x", row
    )


def _failure(second: int, uid: str) -> dict[str, Any]:
    return event(
        f"2026-11-27T02:10:{second:02d}",
        3002,
        "syslog",
        logon_type="network",
        activity_id=1,
        status_id=2,
        user_name="bob",
        src_endpoint_ip="203.0.113.50",
        auth_protocol="password",
        device_hostname="web-2",
        event_uid=uid,
    )


def test_evidence_that_grows_between_runs_updates_one_finding(tmp_path: Path) -> None:
    policy = _policy(tmp_path)  # brute_force_failures defaults to 10
    lake = make_lake(tmp_path / "lake", [_failure(s, f"f{s}") for s in range(10)])
    first = detect(lake, policy, ["login.brute_force"])
    assert first.added == 1
    # the next nightly run: the same burst went on with four more failures
    more = [_failure(s, f"f{s}") for s in range(10, 14)]
    Lake(lake).publish({"events": [Lake(lake).stage_part("events", [to_batch(more, EVENTS)], "x")]})

    second = detect(lake, policy, ["login.brute_force"])
    third = detect(lake, policy, ["login.brute_force"])

    assert second.added == 1
    assert third.added == 0
    uid = first.findings.column("finding_uid")[0].as_py()
    assert second.findings.column("finding_uid").to_pylist() == [uid]
    stored = connect(lake).execute("SELECT finding_uid, len(event_uids) FROM findings").fetchall()
    assert stored == [(uid, 14)]


def test_rerun_with_nothing_new_exits_zero_whatever_fail_on_says(tmp_path: Path) -> None:
    lake = make_lake(tmp_path / "lake", [_login("bob", "203.0.113.50", "bob-login")])
    args = ["detect", "--lake", str(lake), "--policy", str(_policy(tmp_path)), "--fail-on", "low"]
    first = CliRunner().invoke(cli, args)
    again = CliRunner().invoke(cli, args)
    assert (first.exit_code, again.exit_code) == (1, 0)
    assert again.stderr.endswith("2 finding(s), 0 new or updated in the lake\n")


def test_trusted_and_allowed_logins_raise_nothing(tmp_path: Path) -> None:
    lake = make_lake(tmp_path / "lake", [_login("deploy", "10.0.0.5", "deploy-login")])
    assert detect(lake, _policy(tmp_path)).findings.num_rows == 0


def test_file_change_by_the_engine_is_allowed_and_by_others_flagged(tmp_path: Path) -> None:
    rows = [
        _write("/var/lib/docker/containers/x/config.v2.json", UNSET, "/usr/bin/dockerd", "engine"),
        _write("/run/containerd/x", UNSET, "/usr/bin/containerd-shim-runc-v2", "shim"),
        _write("/etc/docker/daemon.json", 1003, "/usr/bin/tee", "bob-tee"),
        _write("/var/lib/docker/x", UNSET, "/usr/bin/python3", "root-daemon"),
        _write("/opt/elsewhere", 1003, "/usr/bin/vi", "keyed", key="docker"),
        _write("/etc/hosts", 1003, "/usr/bin/vi", "unwatched"),
        _write("/usr/bin/dockerd", UNSET, "/usr/bin/dockerd", "engine-binary-by-engine-ok"),
    ]
    lake = make_lake(tmp_path / "lake", rows)
    got = _ids(lake, _policy(tmp_path), "docker.file_change")
    assert got == [
        {"event_uids": ["bob-tee"]},
        {"event_uids": ["keyed"]},
        {"event_uids": ["root-daemon"]},
    ]


def test_socket_connects_by_the_engine_or_allowed_users_are_not_findings(tmp_path: Path) -> None:
    rows = [
        _connect(UNSET, "/usr/bin/dockerd", "engine"),
        _connect(UNSET, "/usr/bin/node-exporter", "unset-auid-agent"),
        _connect(1003, "/usr/bin/curl", "bob"),
        _alice_session(),
    ]
    lake = make_lake(tmp_path / "lake", rows)
    got = _ids(lake, _policy(tmp_path), "docker.socket_access")
    assert got == [{"event_uids": ["bob"]}, {"event_uids": ["unset-auid-agent"]}]


def test_socket_use_by_an_allowed_user_named_only_by_their_login_is_not_a_finding(
    tmp_path: Path,
) -> None:
    rows = [
        # RAW auditd: the connect names no user; the login's PAM record says 1002 is alice
        _connect(1002, "/usr/bin/docker", "alice-raw"),
        _alice_session(),
        {**_connect(1003, "/usr/bin/docker", "bob"), "actor_user_name": "bob"},
        {**_connect(1002, "/usr/bin/docker", "alice-enriched"), "actor_user_name": "alice"},
    ]
    records = [record(rows[1], "USER_START", auid=1002, acct="alice", exe="/usr/sbin/sshd")]
    lake = make_lake(tmp_path / "lake", rows, records)
    assert _ids(lake, _policy(tmp_path), "docker.socket_access") == [{"event_uids": ["bob"]}]


def test_without_allowed_socket_users_every_login_user_is_a_finding(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text("[docker]\nallowed_socket_users = []\n")
    rows = [
        {**_connect(1002, "/usr/bin/docker", "alice"), "actor_user_name": "alice"},
        _connect(UNSET, "/usr/bin/dockerd", "engine"),
    ]
    lake = make_lake(tmp_path / "lake", rows)
    assert _ids(lake, policy, "docker.socket_access") == [{"event_uids": ["alice"]}]


def test_cli_detect_exit_code_follows_fail_on(tmp_path: Path) -> None:
    lake = make_lake(tmp_path / "lake", [_login("bob", "203.0.113.50", "bob-login")])
    base = ["detect", "--lake", str(lake), "--policy", str(_policy(tmp_path))]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "--fail-on", "high"]).exit_code == 1
    assert runner.invoke(cli, [*base, "--fail-on", "critical"]).exit_code == 0


def test_cli_detect_on_a_missing_lake_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["detect", "--lake", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "not a lake" in result.stderr


def test_cli_detect_with_a_bad_policy_names_file_and_line(tmp_path: Path) -> None:
    lake = make_lake(tmp_path / "lake", [_login("bob", "203.0.113.50", "bob-login")])
    policy = tmp_path / "bad.toml"
    policy.write_text('[login]\ntrusted_networks = ["10.0.0.0/40"]\n')
    result = CliRunner().invoke(cli, ["detect", "--lake", str(lake), "--policy", str(policy)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {policy}:2: [login] trusted_networks: invalid network")


def test_hostile_user_names_are_escaped_on_the_terminal_and_guarded_in_csv(tmp_path: Path) -> None:
    lake = make_lake(
        tmp_path / "lake", [_login("=cmd|' /C calc'!A0\x1b[2J", "203.0.113.50", "evil")]
    )
    base = [
        "detect",
        "--lake",
        str(lake),
        "--policy",
        str(_policy(tmp_path)),
        "--only",
        "login.user_not_allowed",
    ]
    table = CliRunner().invoke(cli, base)
    assert "\x1b" not in table.stdout
    assert "\\x1b[2J" in table.stdout
    csv_out = CliRunner().invoke(cli, [*base, "--format", "csv"])
    assert ",'=cmd|' /C calc'!A0" in csv_out.stdout
    assert "\x1b" not in csv_out.stdout


def test_watched_paths_of_any_depth_and_globs_match_below_them(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('[docker]\nwatched_paths = ["/srv", "/opt/tools/run*"]\n')
    rows = [
        _write("/srv/app/config", 1003, "/usr/bin/vi", "under-srv"),
        _write("/opt/tools/runc", 1003, "/usr/bin/cp", "glob"),
        _write("/opt/tools/other", 1003, "/usr/bin/cp", "not-glob"),
        _write("/srvx/file", 1003, "/usr/bin/vi", "sibling-prefix"),
    ]
    lake = make_lake(tmp_path / "lake", rows)
    got = _ids(lake, policy, "docker.file_change")
    assert got == [{"event_uids": ["glob"]}, {"event_uids": ["under-srv"]}]
