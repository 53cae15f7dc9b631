"""Events rows: OCSF class per event content, actors, targets, endpoints, provenance."""

from __future__ import annotations

from typing import Any

import pytest
from auditlake.parsers.base import event_uid

from .conftest import run_parser

Row = dict[str, Any]


def event(data: bytes, columns: tuple[str, ...]) -> dict[str, Any]:
    (row,) = run_parser(data).events
    return {c: row.get(c) for c in columns}


AUTH = (
    "class_uid",
    "activity_name",
    "status_id",
    "user_name",
    "actor_user_name",
    "src_endpoint_ip",
    "auth_protocol",
    "logon_type",
)


def test_sshd_password_failure_is_authentication_with_source_ip() -> None:
    line = b'type=USER_AUTH msg=audit(1.000:1): pid=7 uid=0 auid=4294967295 ses=4294967295 msg=\'op=PAM:authentication grantors=? acct="bob" exe="/usr/sbin/sshd" hostname=203.0.113.50 addr=203.0.113.50 terminal=ssh res=failed\'\n'
    assert event(line, AUTH) == {
        "class_uid": 3002,
        "activity_name": "Logon",
        "status_id": 2,
        "user_name": "bob",
        "actor_user_name": "bob",  # no login uid yet: the account authenticating
        "src_endpoint_ip": "203.0.113.50",
        "auth_protocol": "password",
        "logon_type": "network",
    }


def test_pubkey_login_and_hex_invalid_user() -> None:
    line = b"type=USER_LOGIN msg=audit(1.000:1): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=28696E76616C6964207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=10.0.0.5 terminal=sshd res=failed'\n"
    assert event(line, ("user_name", "src_endpoint_ip", "status_id")) == {
        "user_name": "(invalid user)",
        "src_endpoint_ip": "10.0.0.5",
        "status_id": 2,
    }
    pubkey = b'type=USER_AUTH msg=audit(1.000:2): pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'op=pubkey_auth rport=5 acct="deploy" exe="/usr/sbin/sshd" hostname=? addr=10.0.0.5 terminal=? res=success\'\n'
    assert event(pubkey, ("auth_protocol", "status_id")) == {
        "auth_protocol": "publickey",
        "status_id": 1,
    }


def test_enriched_auid_names_the_actor_and_unset_auid_names_nobody() -> None:
    line = b'type=USER_CMD msg=audit(1.000:1): pid=1 uid=1000 auid=1000 ses=3 msg=\'cwd="/home/a" cmd=6C73202D6C exe="/usr/bin/sudo" terminal=pts/0 res=success\'\x1dUID="alice" AUID="alice"\n'
    assert event(
        line,
        (
            "class_uid",
            "actor_user_name",
            "process_auid",
            "process_cmd_line",
            "process_cwd",
            "session_uid",
        ),
    ) == {
        "class_uid": 1007,
        "actor_user_name": "alice",
        "process_auid": 1000,
        "process_cmd_line": "ls -l",
        "process_cwd": "/home/a",
        "session_uid": "3",
    }
    unset = b'type=SYSCALL msg=audit(1.000:2): arch=c000003e syscall=1 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 pid=1 auid=4294967295 uid=0 ses=4294967295 key=(null)\x1dARCH=x86_64 SYSCALL=write AUID="unset" UID="root"\n'
    assert event(
        unset, ("actor_user_name", "process_auid", "session_uid", "audit_key", "audit_syscall")
    ) == {
        "actor_user_name": None,
        "process_auid": None,
        "session_uid": None,
        "audit_key": None,
        "audit_syscall": "write",
    }


def test_group_membership_change_names_user_and_group() -> None:
    line = b'type=USER_MGMT msg=audit(1.000:1): pid=1 uid=0 auid=1001 ses=2 msg=\'op=add-user-to-group grp="docker" acct="bob" exe="/usr/sbin/usermod" hostname=? addr=? terminal=pts/1 res=success\'\n'
    assert event(
        line, ("class_uid", "class_name", "user_name", "group_name", "actor_user_uid")
    ) == {
        "class_uid": 3001,
        "class_name": "Account Change",
        "user_name": "bob",
        "group_name": "docker",
        "actor_user_uid": 1001,
    }


def test_add_group_names_the_group_not_a_user() -> None:
    line = b'type=ADD_GROUP msg=audit(1.000:1): pid=1 uid=0 auid=0 ses=1 msg=\'op=add-group acct="frodo" exe="/usr/sbin/useradd" hostname=? addr=? terminal=? res=success\'\n'
    assert event(line, ("activity_name", "user_name", "group_name")) == {
        "activity_name": "Create",
        "user_name": None,
        "group_name": "frodo",
    }


def test_file_write_resolves_relative_path_against_cwd() -> None:
    data = (
        b'type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=1b6 items=2 pid=9 auid=1001 uid=0 key="docker"\n'
        b'type=CWD msg=audit(1.000:1): cwd="/etc/docker"\n'
        b'type=PATH msg=audit(1.000:1): item=0 name="/etc/docker" nametype=PARENT\n'
        b'type=PATH msg=audit(1.000:1): item=1 name="daemon.json" nametype=NORMAL\n'
    )
    assert event(
        data, ("class_uid", "activity_name", "file_path", "files", "audit_key", "audit_syscall")
    ) == {
        "class_uid": 1001,
        "activity_name": "Update",  # O_WRONLY|O_CREAT|O_TRUNC
        "file_path": "/etc/docker/daemon.json",
        "files": [
            {"path": "/etc/docker", "nametype": "PARENT"},
            {"path": "/etc/docker/daemon.json", "nametype": "NORMAL"},
        ],
        "audit_key": "docker",
        "audit_syscall": "openat",
    }


def test_read_only_open_is_open_and_create_is_create() -> None:
    ro = b'type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=0 a3=0 items=1 pid=9\ntype=PATH msg=audit(1.000:1): item=0 name="/etc/passwd" nametype=NORMAL\n'
    assert event(ro, ("activity_name",)) == {"activity_name": "Open"}
    create = b'type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=0 items=2 pid=9\ntype=PATH msg=audit(1.000:1): item=1 name="/tmp/n" nametype=CREATE\n'
    assert event(create, ("activity_name",)) == {"activity_name": "Create"}


def test_unix_socket_connect_is_network_activity_to_the_path() -> None:
    saddr = (b"\x01\x00/var/run/docker.sock" + bytes(20)).hex().upper().encode()
    data = (
        b'type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=42 success=yes exit=0 a0=5 a1=1 a2=6e a3=0 items=0 pid=9 auid=1001 uid=1001 comm="curl" exe="/usr/bin/curl" key="docker_socket"\n'
        b"type=SOCKADDR msg=audit(1.000:1): saddr=" + saddr + b"\n"
    )
    assert event(
        data, ("class_uid", "activity_name", "dst_endpoint_path", "dst_endpoint_ip", "process_name")
    ) == {
        "class_uid": 4001,
        "activity_name": "Open",
        "dst_endpoint_path": "/var/run/docker.sock",
        "dst_endpoint_ip": None,
        "process_name": "curl",
    }


@pytest.mark.parametrize(
    ("written", "cwd", "expected"),
    [
        ("/run//docker.sock", None, "/run/docker.sock"),
        ("//var/run/../run/./docker.sock", None, "/var/run/docker.sock"),
        ("docker.sock", "/run", "/run/docker.sock"),
        ("@docker-abstract", "/run", "@docker-abstract"),
    ],
)
def test_socket_path_is_made_absolute_and_normal_as_the_kernel_resolves_it(
    written: str, cwd: str | None, expected: str
) -> None:
    saddr = (b"\x01\x00" + written.replace("@", "\0", 1).encode() + bytes(8)).hex().upper()
    cwd_record = f'type=CWD msg=audit(1.000:1): cwd="{cwd}"\n' if cwd else ""
    data = (
        "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=42 success=yes exit=0 a0=5 a1=1"
        ' a2=6e a3=0 items=0 pid=9 auid=1003 uid=1003 comm="python3" exe="/usr/bin/python3"\n'
        f"{cwd_record}type=SOCKADDR msg=audit(1.000:1): saddr={saddr}\n"
    ).encode()
    assert event(data, ("dst_endpoint_path",)) == {"dst_endpoint_path": expected}


def test_tcp_connect_failure_carries_errno_and_endpoint() -> None:
    data = (
        b"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=42 success=no exit=-111 a0=5 a1=1 a2=10 a3=0 items=0 pid=9\n"
        b"type=SOCKADDR msg=audit(1.000:1): saddr=02000016C633640A0000000000000000\n"
    )
    assert event(data, ("status_id", "status_detail", "dst_endpoint_ip", "dst_endpoint_port")) == {
        "status_id": 2,
        "status_detail": "ECONNREFUSED",
        "dst_endpoint_ip": "198.51.100.10",
        "dst_endpoint_port": 22,
    }


def test_audit_tampering_records_are_config_state() -> None:
    change = b'type=CONFIG_CHANGE msg=audit(1.000:1): auid=1001 ses=12 op=remove_rule key="docker" list=4 res=1\n'
    assert event(change, ("class_uid", "audit_type", "audit_key", "status_id")) == {
        "class_uid": 5002,
        "audit_type": "CONFIG_CHANGE",
        "audit_key": "docker",
        "status_id": 1,
    }
    end = b"type=DAEMON_END msg=audit(1.000:2): auditd normal halt, sending auid=0 pid=1 subj=? res=success\n"
    assert event(end, ("class_uid", "audit_type", "message")) == {
        "class_uid": 5002,
        "audit_type": "DAEMON_END",
        "message": "auditd normal halt, sending auid=0 pid=1 subj=? res=success",
    }


def test_service_stop_is_application_lifecycle() -> None:
    line = b'type=SERVICE_STOP msg=audit(1.000:1): pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'unit=auditd comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success\'\n'
    row = run_parser(line).events[0]
    assert (row["class_uid"], row["activity_name"], row["unmapped"]["unit"]) == (
        6002,
        "Stop",
        "auditd",
    )


def test_unknown_record_is_a_base_event_with_its_fields_unmapped() -> None:
    line = b"type=UNKNOWN[1334] msg=audit(1626883065.201:216697): prog-id=45 op=UNLOAD\n"
    row = run_parser(line).events[0]
    assert (row["class_uid"], row["class_name"], row["audit_type"]) == (
        0,
        "Base Event",
        "UNKNOWN[1334]",
    )
    assert row["unmapped"] == {"prog-id": "45", "op": "UNLOAD", "records": "1"}


def test_provenance_and_deterministic_event_uid() -> None:
    data = (
        b"# header\n"
        + b'type=PATH msg=audit(1700000000.005:9): item=0 name="/x"\n'
        + b"type=SYSCALL msg=audit(1700000000.005:9): arch=c000003e syscall=2 success=yes exit=3 a0=0 a1=0 a2=0 a3=0 items=1 pid=1\n"
    )
    row = run_parser(data, host="web-9", file_id="content-id").events[0]
    assert (row["source_offset"], row["source_length"], row["device_hostname"]) == (
        9,
        len(data.splitlines(keepends=True)[1]),
        "web-9",
    )
    assert row["event_uid"] == event_uid("content-id", 9)
    assert (row["time"].isoformat(), str(row["event_date"]), row["audit_event_id"]) == (
        "2023-11-14T22:13:20.005000+00:00",
        "2023-11-14",
        "1700000000.005:9",
    )
    records = run_parser(data, host="web-9", file_id="content-id").auditd_records
    assert {r["event_uid"] for r in records} == {row["event_uid"]}
