"""Attacker-chosen values (user names, commands, directories) must not make an event misread.

Each case was found by an evasion review; the comment above it says which detection
would miss what.
"""

from __future__ import annotations

import pytest
from auditlake.parsers.programs import normalize_program_message

DOCKER_RUN = "/usr/bin/docker run --privileged -v /:/host alpine sh -c"


@pytest.mark.parametrize("method", ["password", "none"])
def test_invalid_user_name_cannot_forge_the_source_address(method: str) -> None:
    # Impact: `ssh 'x from 10.0.0.1 port 22 ssh2: y'@host` puts its failures on
    # 10.0.0.1: login.brute_force blames (and counts under) an address of the attacker's
    # choosing, and joins that address's next successful login to the burst. sshd adds
    # `: info` only for publickey/hostbased, so here the ` from ... ssh2: ` is the name's.
    user = "x from 10.0.0.1 port 22 ssh2: y"
    message = f"Failed {method} for invalid user {user} from 203.0.113.5 port 4444 ssh2"
    row = normalize_program_message("sshd", message)
    assert row is not None
    assert (row["user_name"], row["src_endpoint_ip"], row["src_endpoint_port"]) == (
        user,
        "203.0.113.5",
        4444,
    )


def test_sudo_command_cannot_hide_behind_a_command_field_in_its_own_arguments() -> None:
    # Impact: `sudo docker run --privileged ... sh -c id ';' COMMAND=/bin/true` is
    # logged as process_cmd_line "/bin/true": docker.privileged_container and
    # docker.sensitive_mount miss it (audit.tampering likewise for `systemctl stop
    # auditd ';' COMMAND=/bin/true`). sudo writes PWD before USER=, so the command is what
    # follows the first ` ; COMMAND=` after the last ` ; USER=`.
    command = f"{DOCKER_RUN} id ; COMMAND=/bin/true"
    message = f"bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND={command}"
    row = normalize_program_message("sudo", message)
    assert row is not None
    assert (row["process_cmd_line"], row["process_file_path"]) == (command, "/usr/bin/docker")


@pytest.mark.parametrize(
    ("pwd", "command"),
    [
        ("/home/bob", f"{DOCKER_RUN} 'chroot /host\nid'"),  # sh -c $'chroot /host\nid'
        ("/tmp/a\nb", f"{DOCKER_RUN} id"),  # mkdir $'a\nb'; cd $'a\nb'
    ],
)
def test_sudo_line_with_a_newline_is_still_a_process_launch(pwd: str, command: str) -> None:
    # Impact: sudo before 1.9.13 (CVE-2023-28486) logs control characters raw, and the
    # journal keeps them (as does a syslog file read as continuation lines): a newline
    # in an argument or the cwd turns the whole sudo line into a Base Event, so every
    # detection on process_execs (docker.*, audit.tampering, group_changes) misses it.
    message = f"bob : TTY=pts/0 ; PWD={pwd} ; USER=root ; COMMAND={command}"
    row = normalize_program_message("sudo", message)
    assert row is not None
    assert (row["class_uid"], row["actor_user_name"], row["process_cwd"]) == (1007, "bob", pwd)
    assert (row["process_cmd_line"], row["process_file_path"]) == (command, "/usr/bin/docker")


def test_gpasswd_setting_the_members_of_a_group_is_a_group_change() -> None:
    # Impact: `gpasswd -M mallory docker` logs `members of group docker set by root to
    # mallory`, which is a Base Event: docker.group_change misses it wherever the
    # command line itself is not logged (no execve audit rule, root shell without sudo).
    row = normalize_program_message("gpasswd", "members of group docker set by root to mallory")
    assert row is not None
    assert (row["class_uid"], row["group_name"], row["user_name"], row["actor_user_name"]) == (
        3001,
        "docker",
        "mallory",
        "root",
    )
