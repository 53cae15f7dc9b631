"""The views detections stand on, over hand-made rows: one behaviour per test."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from auditlake.parsers.programs import normalize_program_message
from auditlake.queries.connection import connect

sys.path.insert(0, str(Path(__file__).parent))
from detection_lakes import event, make_lake


def _con(tmp_path: Path, rows: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    return connect(make_lake(tmp_path, rows))


def _login(time: str, source: str, status: int, **kw: Any) -> dict[str, Any]:
    base = {
        "logon_type": "network",
        "activity_id": 1,
        "status_id": status,
        "user_name": "bob",
        "src_endpoint_ip": "203.0.113.50",
    }
    return event(time, 3002, source, **{**base, **kw})


def test_one_login_in_three_sources_is_one_login(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            _login("2026-11-27T02:13:41", "syslog", 1, auth_protocol="password", event_uid="sys"),
            _login(
                "2026-11-27T02:13:41.200", "journald", 1, auth_protocol="password", event_uid="jd"
            ),
            _login(
                "2026-11-27T02:13:41.258",
                "auditd",
                1,
                auth_protocol="password",
                audit_type="USER_AUTH",
                event_uid="a1",
            ),
            _login(
                "2026-11-27T02:13:41.311",
                "auditd",
                1,
                audit_type="USER_LOGIN",
                user_name=None,
                event_uid="a2",
            ),
        ],
    )
    assert con.execute("SELECT event_uid FROM logins").fetchall() == [("sys",)]


def test_repeated_failures_in_one_source_are_all_kept(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            _login("2026-11-27T02:10:03", "syslog", 2, auth_protocol="password", event_uid="f1"),
            _login("2026-11-27T02:10:05", "syslog", 2, auth_protocol="password", event_uid="f2"),
            _login("2026-11-27T02:10:05.400", "auditd", 2, audit_type="USER_AUTH", event_uid="a2"),
        ],
    )
    got = con.execute("SELECT event_uid FROM login_attempts ORDER BY time").fetchall()
    assert got == [("f1",), ("f2",)]


def test_invalid_user_refusal_is_the_same_attempt_as_its_failed_password(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            _login("2026-11-27T02:10:01", "syslog", 2, user_name="admin", event_uid="refused"),
            _login(
                "2026-11-27T02:10:03",
                "syslog",
                2,
                user_name="admin",
                auth_protocol="password",
                event_uid="failed",
            ),
        ],
    )
    assert con.execute("SELECT event_uid FROM login_attempts").fetchall() == [("failed",)]


def test_cron_su_and_sudo_sessions_are_not_logins(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            _login(
                "2026-11-27T02:17:01",
                "syslog",
                1,
                user_name="root",
                logon_type="batch",
                src_endpoint_ip=None,
            ),
            _login(
                "2026-11-27T02:18:01",
                "syslog",
                1,
                user_name="root",
                logon_type="switch",
                src_endpoint_ip=None,
            ),
            _login(
                "2026-11-27T02:19:01",
                "syslog",
                1,
                user_name="root",
                logon_type="elevate",
                src_endpoint_ip=None,
            ),
            _login(
                "2026-11-27T02:20:01",
                "auditd",
                1,
                user_name="root",
                audit_type="LOGIN",
                src_endpoint_ip=None,
            ),
        ],
    )
    assert con.execute("SELECT count(*) FROM logins").fetchall() == [(0,)]


def _docker(args: list[str], **kw: Any) -> dict[str, Any]:
    return event(
        "2026-11-27T02:18:02",
        1007,
        "auditd",
        process_args=args,
        process_name="docker",
        process_auid=1003,
        **kw,
    )


def test_docker_run_options_after_the_image_belong_to_the_container(tmp_path: Path) -> None:
    con = _con(
        tmp_path, [_docker(["docker", "run", "--rm", "alpine", "sh", "-c", "--privileged -v /:/x"])]
    )
    got = con.execute(
        "SELECT container_image_name, container_privileged, container_mounts FROM docker_cli_runs"
    ).fetchall()
    assert got == [("alpine", False, [])]


def test_docker_run_flags_in_every_spelling_are_parsed(tmp_path: Path) -> None:
    args = [
        "docker",
        "-H",
        "unix:///run/docker.sock",
        "container",
        "run",
        "-it",
        "--name",
        "x",
        "-v/srv:/srv",
        "--volume=/var/run/docker.sock:/s",
        "--mount",
        "type=bind,source=/etc,target=/e",
        "--mount",
        "type=volume,src=data,dst=/d",
        "-v",
        "named:/n",
        "--cap-add=sys_admin",
        "--pid=host",
        "--net",
        "host",
        "--privileged",
        "nginx",
    ]
    con = _con(tmp_path, [_docker(args)])
    got = con.execute(
        "SELECT container_name, container_image_name, container_privileged, container_cap_add, "
        "container_host_namespaces, container_mounts FROM docker_cli_runs"
    ).fetchall()
    assert got == [
        (
            "x",
            "nginx",
            True,
            ["SYS_ADMIN"],
            ["pid", "network"],
            ["/srv", "/run/docker.sock", "/etc"],
        )
    ]


def test_docker_commands_other_than_run_create_exec_are_not_container_starts(
    tmp_path: Path,
) -> None:
    """`docker ps` starts nothing; `docker exec web run --privileged` runs `run
    --privileged` in web, unprivileged (exec's options come before the container)."""
    con = _con(
        tmp_path,
        [_docker(["docker", "exec", "web", "run", "--privileged"]), _docker(["docker", "ps"])],
    )
    got = con.execute(
        "SELECT container_name, container_image_name, container_privileged FROM docker_cli_runs"
    ).fetchall()
    assert got == [("web", None, False)]


def test_cli_run_and_daemon_create_merge_into_one_launch(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            _docker(["docker", "run", "--privileged", "-v", "/:/host", "alpine"], event_uid="cli"),
            event(
                "2026-11-27T02:18:02.223",
                6003,
                "dockerd",
                container_image_name="alpine",
                container_privileged=True,
                container_mounts=["/"],
                container_name="pwn",
                event_uid="api",
            ),
        ],
    )
    got = con.execute(
        "SELECT container_name, container_privileged, container_mounts, event_uids FROM container_launches"
    ).fetchall()
    assert got == [("pwn", True, ["/"], ["cli", "api"])]


def test_daemon_create_asking_more_than_a_run_is_not_that_run(tmp_path: Path) -> None:
    """Bob's API create of alpine, privileged with / mounted, a second after alice's
    `docker run --rm alpine`: merged, it named alice as the one who asked for it."""
    con = _con(
        tmp_path,
        [
            _docker(["docker", "run", "--rm", "alpine", "echo", "hi"], event_uid="cli"),
            event(
                "2026-11-27T02:18:03",
                6003,
                "dockerd",
                container_image_name="alpine",
                container_privileged=True,
                container_mounts=["/"],
                event_uid="api",
            ),
        ],
    )
    got = con.execute(
        "SELECT event_uids, container_privileged, auid FROM container_launches ORDER BY start_time"
    ).fetchall()
    assert got == [(["cli"], False, 1003), (["api"], True, None)]


def test_each_run_of_one_command_is_its_own_container_start(tmp_path: Path) -> None:
    args = ["docker", "run", "--privileged", "alpine"]
    con = _con(
        tmp_path,
        [
            _docker(args, event_uid="first"),
            event("2026-11-27T03:00:00", 1007, "auditd", process_args=args, event_uid="second"),
        ],
    )
    got = con.execute(
        "SELECT event_uid, container_privileged FROM docker_cli_runs ORDER BY event_uid"
    ).fetchall()
    assert got == [("first", True), ("second", True)]


def _daemon_create(time: str, uid: str) -> dict[str, Any]:
    return event(
        time,
        6003,
        "dockerd",
        container_image_name="alpine",
        container_privileged=True,
        event_uid=uid,
    )


def test_a_daemon_create_merges_with_the_closest_run_across_minute_boundaries(
    tmp_path: Path,
) -> None:
    run = ["docker", "run", "--privileged", "alpine"]
    con = _con(
        tmp_path,
        [
            # 0.3 s before the create, in the previous minute: its twin
            event("2026-11-27T02:17:59.900", 1007, "auditd", process_args=run, event_uid="near"),
            event("2026-11-27T02:17:30", 1007, "auditd", process_args=run, event_uid="far"),
            _daemon_create("2026-11-27T02:18:00.200", "api-1"),
            # the run 4 s after the create (the CLI logs late) is its twin
            _daemon_create("2026-11-27T02:20:58", "api-2"),
            event("2026-11-27T02:21:02", 1007, "auditd", process_args=run, event_uid="late"),
            # more than a minute after the only run: a launch on its own
            _daemon_create("2026-11-27T02:23:03", "api-3"),
        ],
    )
    got = con.execute(
        "SELECT event_uids, container_privileged FROM container_launches ORDER BY start_time"
    ).fetchall()
    assert got == [
        (["far"], True),
        (["near", "api-1"], True),
        (["late", "api-2"], True),
        (["api-3"], True),
    ]


def test_a_value_s_letters_are_no_flags(tmp_path: Path) -> None:
    """`usermod -Gstaff eve` sets eve's groups (the `a` is staff's, not --append's)."""
    rows = [
        event(
            "2026-11-27T02:15:10",
            1007,
            "auditd",
            process_args=["usermod", "-Gstaff", "eve"],
            event_uid="c0",
        )
    ]
    con = _con(tmp_path, rows)
    got = con.execute("SELECT user_name, group_name, change FROM group_changes").fetchall()
    assert got == [("eve", "staff", "set")]


def test_group_membership_commands_name_user_group_and_change(tmp_path: Path) -> None:
    cmds = [
        ["usermod", "-aG", "docker", "bob"],
        ["usermod", "-G", "docker,wheel", "eve"],
        ["gpasswd", "-d", "carol", "docker"],
        ["adduser", "dave", "docker"],
        ["usermod", "-s", "/bin/sh", "bob"],
    ]
    rows = [
        event(f"2026-11-27T02:15:1{i}", 1007, "auditd", process_args=c, event_uid=f"c{i}")
        for i, c in enumerate(cmds)
    ]
    con = _con(tmp_path, rows)
    got = con.execute(
        "SELECT user_name, group_name, change FROM group_changes ORDER BY event_uid, group_name"
    ).fetchall()
    assert got == [
        ("bob", "docker", "add"),
        ("eve", "docker", "set"),
        ("eve", "wheel", "set"),
        ("carol", "docker", "remove"),
        ("dave", "docker", "add"),
    ]


def _file(activity: int, path: str, syscall: str, nametype: str = "NORMAL") -> dict[str, Any]:
    return event(
        "2026-11-27T02:24:30",
        1001,
        "auditd",
        activity_id=activity,
        audit_syscall=syscall,
        file_path=path,
        files=[{"path": path, "nametype": nametype}],
    )


def test_reads_are_not_file_changes_and_var_run_is_run(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            _file(14, "/etc/docker/daemon.json", "openat"),
            _file(8, "/etc/docker/daemon.json", "newfstatat"),
            _file(3, "/var/run/docker.sock", "openat"),
            _file(5, "/etc/docker/key.json", "renameat2", "CREATE"),
            _file(6, "/etc/docker", "fchownat"),
        ],
    )
    got = con.execute("SELECT file_path, change FROM file_changes ORDER BY file_path").fetchall()
    assert got == [
        ("/etc/docker", "chown"),
        ("/etc/docker/key.json", "create"),
        ("/run/docker.sock", "write"),
    ]


def test_daemon_capabilities_are_spelled_like_the_cli(tmp_path: Path) -> None:
    con = _con(
        tmp_path,
        [
            event(
                "2026-11-27T02:18:02",
                6003,
                "dockerd",
                container_cap_add=["CAP_SYS_ADMIN", "net_admin"],
                container_privileged=False,
            ),
        ],
    )
    got = con.execute("SELECT container_cap_add FROM container_starts").fetchall()
    assert got == [(["SYS_ADMIN", "NET_ADMIN"],)]


def _group_change_pairs(tmp_path: Path, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    con = connect(make_lake(tmp_path, rows))
    got = con.execute("SELECT user_name, group_name FROM group_changes").fetchall()
    return set(got)


@pytest.mark.parametrize(
    "args",
    [
        ["/usr/sbin/usermod", "-g", "docker", "mallory"],
        ["/usr/sbin/useradd", "-m", "-g", "docker", "mallory"],
        ["/usr/sbin/usermod", "--gid=docker", "mallory"],
    ],
)
def test_primary_group_set_to_docker_is_a_group_change(tmp_path: Path, args: list[str]) -> None:
    # Impact: a user whose primary group is docker can use the Docker socket, but
    # `usermod -g docker mallory` is seen by no group change: the command line's -g is
    # not read, and usermod's own line (`change user 'mallory' GID from '1001' to '999'`)
    # names no group. docker.group_change misses it.
    rows = [event("2026-11-27T02:15:10", 1007, "auditd", process_args=args, event_uid="c1")]
    assert ("mallory", "docker") in _group_change_pairs(tmp_path, rows)


def test_a_user_named_like_the_group_is_still_a_member_change(tmp_path: Path) -> None:
    # Impact: `useradd -N -G docker docker` (a service-looking account that can use the
    # Docker socket) logs `add 'docker' to group 'docker'`; group_changes drops every
    # record whose user_name equals its group_name (meant for groupadd/groupdel), so
    # docker.group_change misses it unless the command line is logged too.
    partial = normalize_program_message("useradd", "add 'docker' to group 'docker'")
    assert partial is not None
    columns = {k: v for k, v in partial.items() if k not in ("class_uid", "class_name")}
    rows = [event("2026-11-27T02:15:10", 3001, "syslog", event_uid="r1", **columns)]
    assert ("docker", "docker") in _group_change_pairs(tmp_path, rows)
