"""Program messages any local user can log (`logger -t sudo ...`): linear time, no error."""

from __future__ import annotations

import time

import pytest
from auditlake.parsers.programs import MAX_MESSAGE, normalize_program_message

SPACES = " " * 100_000  # a run of spaces inside the message, then more text


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("sudo", f"bob : user NOT in sudoers ; TTY=pts/0 ; USER=root ; COMMAND=/bin/a{SPACES}b"),
        ("login", f"FAILED LOGIN 1 FROM tty1 FOR bob, a{SPACES}b"),
        ("sshd", f"User bob from 10.0.0.1 not allowed because a{SPACES}b"),
        ("sshd", f"Disconnecting: a{SPACES}for b{SPACES}c"),
        ("sshd", f"Disconnecting user bob 10.0.0.1 port 22: a{SPACES}b"),
        ("sshd", f"Unable to negotiate with 10.0.0.1 port 22: a{SPACES}b"),
        (
            "sshd",
            "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh "
            f"ruser= rhost=10.0.0.1  user=a{SPACES}b",
        ),
        ("sshd", f"Failed password for a from b{SPACES}c from 10.0.0.1 port 22 ssh2"),
    ],
)
def test_a_long_run_of_spaces_takes_linear_time(program, message):
    # a lazy group before `\s*$` tried the run at each of its spaces: a minute per 100 KB
    started = time.perf_counter()
    normalize_program_message(program, message)
    assert time.perf_counter() - started < 1


def _fill(head: str, unit: str, tail: str) -> str:
    """Return head + unit repeated + tail, as long as the longest message read."""
    return head + unit * ((MAX_MESSAGE - len(head) - len(tail)) // len(unit)) + tail


@pytest.mark.parametrize(
    ("program", "message"),
    [  # a fuzzer's worst lines for each pattern (cubic, quadratic, or with a newline)
        (
            "myapp",
            _fill("authentication failure; logname=", " uid= euid= tty= ruser= rhost=x", "y z"),
        ),
        ("usermod", _fill("change user '", "' a from '' to '", "x")),
        ("usermod", _fill("add '", "' to group '", "x")),
        ("su", _fill("+ tty ", "a:", " x")),
        ("cron", _fill("(", ") CMD (", "x")),
        ("sshd", _fill("banner exchange: Connection from a port 1: ", " ", "x")),
        ("sshd", _fill("PAM: x", " for a from b via c", " x")),
        ("sshd", _fill("Failed password for ", " from a port 1: x", "\nz")),
        ("sshd", _fill("Disconnecting: ", " for a", "\nx")),
        ("login", _fill("FAILED LOGIN 1 ON a FOR a", ", ", "\nx")),
    ],
)
def test_the_longest_message_read_takes_little_time(program, message):
    assert len(message) <= MAX_MESSAGE
    started = time.perf_counter()
    normalize_program_message(program, message)
    assert time.perf_counter() - started < 0.2


@pytest.mark.parametrize(
    ("program", "message"),
    [  # cron and the account tools read messages of any length: linear patterns
        ("cron", "(" + ") CMD (" * 20_000 + "x"),
        ("CROND", "(root) CMD (" + ")" * 100_000 + " x"),
        ("usermod", "add '" + "' to group '" * 10_000 + "x"),
        ("usermod", "add '" + "' to group '" * 10_000 + "\nx'"),
        ("usermod", "change user 'a' b from '" + "' to '" * 20_000 + "x"),
        ("usermod", "change user name '" + "' to '" * 20_000 + "\nx'"),
        ("groupdel", "removed group '" + "' owned by '" * 10_000 + "x"),
    ],
)
def test_programs_that_write_long_messages_are_read_in_linear_time(program, message):
    started = time.perf_counter()
    normalize_program_message(program, message)
    assert time.perf_counter() - started < 0.5


def test_long_cron_commands_and_account_paths_are_read():
    command = "/usr/local/bin/job.sh " + "x" * 6_000  # cronie logs commands of 128 KB
    row = normalize_program_message("CROND", f"(alice) CMD ({command})")
    assert row is not None and (row["actor_user_name"], row["process_cmd_line"]) == (
        "alice",
        command,
    )
    home = "/srv/" + "h" * 5_000
    row = normalize_program_message(
        "usermod", f"change user 'bob' home from '/home/bob' to '{home}'"
    )
    assert row is not None and row["unmapped"]["new_value"] == home


def test_a_message_longer_than_any_program_writes_is_kept_unread():
    message = "Accepted password for bob from 10.0.0.1 port 22 ssh2" + " " * MAX_MESSAGE + "x"
    row = normalize_program_message("sshd", message)
    assert row == {"class_uid": 0, "unmapped": {"not_read": f"over {MAX_MESSAGE} characters"}}


def test_a_trailing_run_of_spaces_is_no_part_of_a_value():
    row = normalize_program_message("sshd", "Unable to negotiate with 10.0.0.1 port 22: no kex  ")
    assert row is not None and row["status_detail"] == "no kex"


@pytest.mark.parametrize("digits", ["²", "١٢", "①"])  # digits to str.isdigit, some to int()
def test_ids_and_ports_in_other_scripts_digits_are_no_numbers(digits):
    message = f"pam_unix(su:session): session opened for user root(uid={digits}) by (uid=0)"
    row = normalize_program_message("su", message)
    assert row is not None and row.get("user_uid") is None
    message = f"Accepted password for bob from 10.0.0.1 port {digits} ssh2"
    row = normalize_program_message("sshd", message)
    assert row is None or row.get("src_endpoint_port") is None
