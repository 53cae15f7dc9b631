"""normalize_program_message: exact partial rows for each program family."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from auditlake.parsers.programs import normalize_program_message
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlake.schema import EVENTS, LOGON_TYPES, to_batch

LOGON = {"class_uid": 3002, "class_name": "Authentication", "activity_id": 1}
LOGON |= {"activity_name": "Logon"}
LOGOFF = {"class_uid": 3002, "class_name": "Authentication", "activity_id": 2}
LOGOFF |= {"activity_name": "Logoff"}
LAUNCH = {"class_uid": 1007, "class_name": "Process Activity", "activity_id": 1}
LAUNCH |= {"activity_name": "Launch"}
ACCOUNT = {"class_uid": 3001, "class_name": "Account Change", "status_id": 1}
NETWORK = {"class_uid": 4001, "class_name": "Network Activity"}

CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "sshd",
        "Accepted publickey for deploy from 10.0.0.5 port 50022 ssh2: ED25519 SHA256:abc",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "network",
            "auth_protocol": "publickey",
            "user_name": "deploy",
            "src_endpoint_ip": "10.0.0.5",
            "src_endpoint_port": 50022,
            "unmapped": {
                "ssh_protocol": "ssh2",
                "ssh_key_type": "ED25519",
                "ssh_key_fingerprint": "SHA256:abc",
            },
        },
    ),
    (
        "sshd-session",
        "Accepted password for bob from 203.0.113.50 port 40000 ssh2",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "network",
            "auth_protocol": "password",
            "user_name": "bob",
            "src_endpoint_ip": "203.0.113.50",
            "src_endpoint_port": 40000,
            "unmapped": {"ssh_protocol": "ssh2"},
        },
    ),
    (
        "sshd",
        "Accepted keyboard-interactive/pam for alice from 10.1.2.3 port 2222 ssh2",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "network",
            "auth_protocol": "keyboard-interactive/pam",
            "user_name": "alice",
            "src_endpoint_ip": "10.1.2.3",
            "src_endpoint_port": 2222,
            "unmapped": {"ssh_protocol": "ssh2"},
        },
    ),
    (
        "sshd",
        "Failed password for invalid user admin from 203.0.113.50 port 4242 ssh2",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "invalid user",
            "logon_type": "network",
            "auth_protocol": "password",
            "user_name": "admin",
            "src_endpoint_ip": "203.0.113.50",
            "src_endpoint_port": 4242,
            "unmapped": {"ssh_protocol": "ssh2"},
        },
    ),
    (
        "sshd",
        "Failed none for root from 198.51.100.7 port 1 ssh2",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "failed none",
            "logon_type": "network",
            "auth_protocol": "none",
            "user_name": "root",
            "src_endpoint_ip": "198.51.100.7",
            "src_endpoint_port": 1,
            "unmapped": {"ssh_protocol": "ssh2"},
        },
    ),
    (
        "sshd",
        "Invalid user test from 203.0.113.50 port 4243",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "invalid user",
            "logon_type": "network",
            "user_name": "test",
            "src_endpoint_ip": "203.0.113.50",
            "src_endpoint_port": 4243,
        },
    ),
    (
        "sshd",
        "User bob from 203.0.113.50 not allowed because not listed in AllowUsers",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "not listed in AllowUsers",
            "logon_type": "network",
            "user_name": "bob",
            "src_endpoint_ip": "203.0.113.50",
        },
    ),
    (
        "sshd",
        "ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4 port 22 [preauth]",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "ROOT LOGIN REFUSED",
            "logon_type": "network",
            "user_name": "root",
            "src_endpoint_ip": "1.2.3.4",
            "src_endpoint_port": 22,
            "unmapped": {"ssh_stage": "preauth"},
        },
    ),
    (
        "sshd",
        "error: maximum authentication attempts exceeded for invalid user xxx from 192.0.2.7 "
        "port 49941 ssh2 [preauth]",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "maximum authentication attempts exceeded",
            "logon_type": "network",
            "user_name": "xxx",
            "src_endpoint_ip": "192.0.2.7",
            "src_endpoint_port": 49941,
            "unmapped": {"ssh_stage": "preauth"},
        },
    ),
    (
        "sshd",
        "error: PAM: Authentication failure for bob from host.example.com",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "Authentication failure",
            "logon_type": "network",
            "user_name": "bob",
            "auth_protocol": "keyboard-interactive/pam",
            "src_endpoint_hostname": "host.example.com",
        },
    ),
    (
        "sshd",
        "Disconnected from user deploy 10.0.0.5 port 50022",
        LOGOFF
        | {
            "status_id": 1,
            "logon_type": "network",
            "user_name": "deploy",
            "src_endpoint_ip": "10.0.0.5",
            "src_endpoint_port": 50022,
        },
    ),
    (
        "sshd",
        "Disconnected from invalid user admin 203.0.113.50 port 4242 [preauth]",
        NETWORK
        | {
            "activity_id": 2,
            "activity_name": "Close",
            "status_detail": "invalid user",
            "user_name": "admin",
            "src_endpoint_ip": "203.0.113.50",
            "src_endpoint_port": 4242,
            "unmapped": {"ssh_stage": "preauth"},
        },
    ),
    (
        "sshd",
        "Connection closed by authenticating user root 192.0.2.10 port 46038 [preauth]",
        NETWORK
        | {
            "activity_id": 2,
            "activity_name": "Close",
            "status_detail": "authenticating user",
            "user_name": "root",
            "src_endpoint_ip": "192.0.2.10",
            "src_endpoint_port": 46038,
            "unmapped": {"ssh_stage": "preauth"},
        },
    ),
    (
        "sshd",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
        "rhost=1.2.3.4  user=root",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "authentication failure",
            "logon_type": "network",
            "user_name": "root",
            "process_tty": "ssh",
            "src_endpoint_ip": "1.2.3.4",
            "unmapped": {"pam_module": "pam_unix", "pam_service": "sshd", "pam_type": "auth"},
        },
    ),
    (
        "sshd",
        "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "network",
            "user_name": "root",
            "user_uid": 0,
            "unmapped": {"pam_module": "pam_unix", "pam_service": "sshd", "pam_type": "session"},
        },
    ),
    (
        "sudo",
        "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "elevate",
            "user_name": "root",
            "user_uid": 0,
            "actor_user_name": "alice",
            "actor_user_uid": 1000,
            "unmapped": {"pam_module": "pam_unix", "pam_service": "sudo", "pam_type": "session"},
        },
    ),
    (
        "su",
        "pam_unix(su:session): session opened for user root by alice(uid=1000)",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "switch",
            "user_name": "root",
            "actor_user_name": "alice",
            "actor_user_uid": 1000,
            "unmapped": {"pam_module": "pam_unix", "pam_service": "su", "pam_type": "session"},
        },
    ),
    (
        "su",
        "session opened for user news by (uid=0)",  # the `su(pam_unix)[pid]:` tag form
        LOGON
        | {
            "status_id": 1,
            "logon_type": "switch",
            "user_name": "news",
            "unmapped": {"pam_service": "su"},
        },
    ),
    (
        "CRON",
        "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "batch",
            "user_name": "root",
            "user_uid": 0,
            "unmapped": {"pam_module": "pam_unix", "pam_service": "cron", "pam_type": "session"},
        },
    ),
    (
        "CRON",
        "pam_unix(cron:session): session closed for user root",
        LOGOFF
        | {
            "status_id": 1,
            "logon_type": "batch",
            "user_name": "root",
            "unmapped": {"pam_module": "pam_unix", "pam_service": "cron", "pam_type": "session"},
        },
    ),
    (
        "CRON",
        "(root) CMD (cd / && run-parts --report /etc/cron.hourly)",
        LAUNCH
        | {
            "status_id": 1,
            "logon_type": "batch",
            "actor_user_name": "root",
            "process_cmd_line": "cd / && run-parts --report /etc/cron.hourly",
        },
    ),
    (
        "sudo",
        "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u",
        LAUNCH
        | {
            "status_id": 1,
            "logon_type": "elevate",
            "actor_user_name": "alice",
            "user_name": "root",
            "process_tty": "pts/0",
            "process_cwd": "/home/alice",
            "process_cmd_line": "/usr/bin/id -u",
            "process_file_path": "/usr/bin/id",
        },
    ),
    (
        "sudo",
        "bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; USER=root ; "
        "COMMAND=/bin/sh -c 'a ; b'",
        LAUNCH
        | {
            "status_id": 2,
            "status_detail": "3 incorrect password attempts",
            "logon_type": "elevate",
            "actor_user_name": "bob",
            "user_name": "root",
            "process_tty": "pts/1",
            "process_cwd": "/tmp",
            "process_cmd_line": "/bin/sh -c 'a ; b'",
            "process_file_path": "/bin/sh",
        },
    ),
    (
        "su",
        "(to root) alice on pts/0",
        LOGON
        | {
            "status_id": 1,
            "logon_type": "switch",
            "user_name": "root",
            "actor_user_name": "alice",
            "process_tty": "pts/0",
        },
    ),
    (
        "su",
        "FAILED SU (to root) bob on pts/1",
        LOGON
        | {
            "status_id": 2,
            "logon_type": "switch",
            "user_name": "root",
            "actor_user_name": "bob",
            "process_tty": "pts/1",
        },
    ),
    (
        "login",
        "ROOT LOGIN ON tty1",
        LOGON | {"status_id": 1, "logon_type": "local", "user_name": "root", "process_tty": "tty1"},
    ),
    (
        "login",
        "FAILED LOGIN (1) on '/dev/tty1' FOR 'alice', Authentication failure",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "Authentication failure",
            "logon_type": "local",
            "user_name": "alice",
            "process_tty": "/dev/tty1",
        },
    ),
    (
        "systemd-logind",
        "New session 12 of user alice.",
        LOGON | {"status_id": 1, "session_uid": "12", "user_name": "alice"},
    ),
    (
        "systemd-logind",
        "Removed session 12.",
        LOGOFF | {"status_id": 1, "session_uid": "12"},
    ),
    (
        "useradd",
        "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0",
        ACCOUNT
        | {
            "activity_id": 1,
            "activity_name": "Create",
            "user_name": "bob",
            "user_uid": 1001,
            "process_tty": "/dev/pts/0",
            "unmapped": {"gid": "1001", "home": "/home/bob", "shell": "/bin/bash"},
        },
    ),
    (
        "usermod",
        "add 'bob' to shadow group 'docker'",
        ACCOUNT
        | {
            "activity_id": 99,
            "activity_name": "Add User To Group",
            "user_name": "bob",
            "group_name": "docker",
            "unmapped": {"group_db": "/etc/gshadow"},
        },
    ),
    (
        "gpasswd",
        "user bob added by root to group docker",
        ACCOUNT
        | {
            "activity_id": 99,
            "activity_name": "Add User To Group",
            "user_name": "bob",
            "actor_user_name": "root",
            "group_name": "docker",
        },
    ),
    (
        "userdel",
        "delete 'bob' from group 'docker'",
        ACCOUNT
        | {
            "activity_id": 99,
            "activity_name": "Remove User From Group",
            "user_name": "bob",
            "group_name": "docker",
            "unmapped": {"group_db": "/etc/group"},
        },
    ),
    (
        "groupadd",
        "new group: name=docker, GID=999",
        ACCOUNT
        | {
            "activity_id": 99,
            "activity_name": "Create Group",
            "group_name": "docker",
            "unmapped": {"gid": "999"},
        },
    ),
    (
        "userdel",
        "delete user 'bob'",
        ACCOUNT | {"activity_id": 6, "activity_name": "Delete", "user_name": "bob"},
    ),
    (
        "usermod",
        "change user 'bob' UID from '1001' to '0'",
        ACCOUNT
        | {
            "activity_id": 99,
            "activity_name": "Modify",
            "user_name": "bob",
            "unmapped": {"attribute": "UID", "old_value": "1001", "new_value": "0"},
        },
    ),
    (
        "passwd",
        "pam_unix(passwd:chauthtok): password changed for bob",
        ACCOUNT
        | {
            "activity_id": 3,
            "activity_name": "Password Change",
            "user_name": "bob",
            "unmapped": {
                "pam_module": "pam_unix",
                "pam_service": "passwd",
                "pam_type": "chauthtok",
            },
        },
    ),
    (
        "vsftpd",
        "pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp "
        "ruser=an8767 rhost=www.google.com",
        LOGON
        | {
            "status_id": 2,
            "status_detail": "authentication failure",
            "user_name": "an8767",
            "process_tty": "ftp",
            "src_endpoint_hostname": "www.google.com",
            "unmapped": {"pam_module": "pam_unix", "pam_service": "vsftpd", "pam_type": "auth"},
        },
    ),
]


@pytest.mark.parametrize(("app", "message", "expected"), CASES, ids=[c[1][:50] for c in CASES])
def test_message_becomes_exact_partial_row(
    app: str, message: str, expected: dict[str, Any]
) -> None:
    assert normalize_program_message(app, message) == expected


def test_every_partial_row_uses_schema_columns_and_logon_types() -> None:
    for app, message, _ in CASES:
        row = normalize_program_message(app, message)
        assert row is not None
        assert set(row) <= set(EVENTS.names), message
        assert row.get("logon_type") in (None, *LOGON_TYPES), message


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("sshd", "Server listening on 0.0.0.0 port 22."),
        ("sshd", "Postponed publickey for git from 192.0.2.1 port 57904 ssh2 [preauth]"),
        ("sshd", "pam_unix(sshd:auth): check pass; user unknown"),
        ("sudo", "alice : unable to resolve host web-1: Name or service not known"),
        ("systemd", "Started Session 12 of User alice."),
        ("auditd", "Audit daemon rotating log files"),
        (None, "session opened"),
    ],
)
def test_messages_that_carry_no_event_return_none(app: str | None, message: str) -> None:
    assert normalize_program_message(app, message) is None


SUDO_AMBIGUOUS = LAUNCH | {
    "status_id": 1,
    "logon_type": "elevate",
    "actor_user_name": "bob",
    "user_name": "root",
    "process_tty": "pts/0",
    "unmapped": {"sudo_ambiguous": "true"},
}


def test_sudo_pwd_cannot_hide_the_command_that_ran() -> None:
    pwd = "/tmp/x ; COMMAND=/bin/true ; y="
    docker = "/usr/bin/docker run --privileged -v /:/host alpine sh"
    message = f"bob : TTY=pts/0 ; PWD={pwd} ; USER=root ; COMMAND={docker}"
    assert normalize_program_message("sudo", message) == SUDO_AMBIGUOUS | {
        "process_cwd": pwd,
        "process_cmd_line": docker,
        "process_file_path": "/usr/bin/docker",
    }


@pytest.mark.parametrize("actor", ["pam_x", "(pam_x)"])
def test_a_user_named_like_a_pam_module_cannot_hide_sudo_and_cron_commands(actor: str) -> None:
    # PAM messages start with `pam_` (or `(pam_`) and are read first; a user whose name
    # starts so is still sudo's and cron's actor, not an unreadable PAM message.
    docker = "/usr/bin/docker run --privileged alpine"
    sudo = normalize_program_message(
        "sudo", f"{actor} : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND={docker}"
    )
    assert sudo is not None
    assert (sudo["class_uid"], sudo["actor_user_name"], sudo["process_cmd_line"]) == (
        1007,
        actor,
        docker,
    )
    cron = normalize_program_message("CRON", "(pam_x) CMD (/tmp/payload.sh)")
    assert cron is not None
    assert (cron["actor_user_name"], cron["process_cmd_line"]) == ("pam_x", "/tmp/payload.sh")


def test_sudo_pwd_cannot_forge_a_command() -> None:
    pwd = "/tmp/a ; USER=root ; COMMAND=/usr/sbin/usermod -aG docker mallory"
    message = f"bob : TTY=pts/0 ; PWD={pwd} ; USER=root ; COMMAND=/bin/ls"
    assert normalize_program_message("sudo", message) == SUDO_AMBIGUOUS | {
        "process_cwd": pwd,
        "process_cmd_line": "/bin/ls",
        "process_file_path": "/bin/ls",
    }


def test_sudo_fields_between_pwd_and_command_are_read_after_a_hostile_pwd() -> None:
    message = (
        "bob : TTY=pts/0 ; PWD=/x ; USER=nobody ; GROUP=g ; USER=root ; GROUP=docker ; "
        "TSID=000001 ; ENV=A=1 ; COMMAND=/usr/bin/id"
    )
    row = normalize_program_message("sudo", message)
    assert row is not None
    assert (row["process_cwd"], row["user_name"], row["group_name"], row["unmapped"]) == (
        "/x ; USER=nobody ; GROUP=g",
        "root",
        "docker",
        {"TSID": "000001", "ENV": "A=1", "sudo_ambiguous": "true"},
    )


def test_pam_prefix_is_recognised_under_any_program_name() -> None:
    row = normalize_program_message(
        "sshd-session", "pam_unix(sshd:session): session closed for user deploy"
    )
    assert row is not None
    assert (row["activity_id"], row["logon_type"], row["user_name"]) == (2, "network", "deploy")


def test_out_of_range_port_is_dropped_not_overflowed() -> None:
    row = normalize_program_message(
        "sshd", "Accepted password for x from 10.0.0.1 port 99999999999 ssh2"
    )
    assert row is not None
    assert "src_endpoint_port" not in row
    assert row["src_endpoint_ip"] == "10.0.0.1"


_PROGRAMS = ["sshd", "sshd-session", "sudo", "su", "login", "systemd-logind", "CRON", "usermod"]
_STARTS = [message for _, message, _ in CASES] + ["pam_unix(x:auth): ", "(pam_unix) ", ""]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([*_PROGRAMS, None, "vsftpd"]),
    st.sampled_from(_STARTS),
    st.text(max_size=60),
    st.integers(0, 200),
)
def test_any_message_gives_none_or_a_row_that_fits_the_schema(
    app: str | None, start: str, noise: str, cut: int
) -> None:
    row = normalize_program_message(app, start[:cut] + noise)
    if row is not None:
        full = {"event_uid": "u", "time": datetime(2026, 1, 1, tzinfo=UTC)}
        full |= {"event_date": date(2026, 1, 1), "source_type": "syslog"}
        full |= {"source_file": "f", "source_offset": 0, "source_length": 1}
        assert to_batch([full | row], EVENTS).num_rows == 1


def test_repeated_message_gives_a_row_of_its_own_each_time() -> None:
    message = "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
    first = normalize_program_message("CRON", message)
    assert first is not None
    first["user_name"] = "changed"
    first["unmapped"]["pam_service"] = "changed"
    second = normalize_program_message("CRON", message)
    assert second is not None
    assert (second["user_name"], second["unmapped"]["pam_service"]) == ("root", "cron")
