"""auditd events an attacker can shape must still say what the kernel meant.

Cases found by an evasion review; the comment above each gives the detection that would
miss what. The ones marked xfail are known gaps, still open.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import run_parser

AT_FDCWD = "ffffff9c"  # -100, as the a0 register of an *at syscall


def file_event(
    name: str,
    *,
    syscall: int = 257,
    arch: str = "c000003e",
    a0: str = AT_FDCWD,
    a2: str = "241",  # O_WRONLY|O_CREAT|O_TRUNC
    cwd: str = "/etc/docker",
) -> dict[str, Any]:
    """Return the events row of one syscall on one PATH item, as the kernel logs it."""
    lines = (
        f"type=SYSCALL msg=audit(1.000:7): arch={arch} syscall={syscall} success=yes exit=3"
        f" a0={a0} a1=7ffd a2={a2} a3=1b6 items=1 ppid=1 pid=2 auid=1000 uid=0 gid=0 euid=0"
        ' suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm="x" exe="/x" key=(null)\n'
        f'type=CWD msg=audit(1.000:7): cwd="{cwd}"\n'
        f"type=PATH msg=audit(1.000:7): item=0 name={name} inode=1 dev=08:01 mode=0100644"
        " ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
    )
    rows: list[dict[str, Any]] = run_parser(lines.encode()).events
    (row,) = rows
    return row


def test_file_named_null_or_question_mark_keeps_its_path() -> None:
    # Impact: `cd /etc/docker; echo .. > '(null)'` (or a file named `?`) has file_path
    # NULL and file_changes drops paths that are NULL: docker.file_change misses it.
    # The kernel writes `name=(null)` unquoted when there is no name; a quoted value is
    # always a real name.
    assert file_event('"(null)"')["file_path"] == "/etc/docker/(null)"
    assert file_event('"?"')["file_path"] == "/etc/docker/?"
    assert file_event("(null)")["file_path"] is None  # the kernel's: an item with no name


def test_relative_file_name_starting_with_at_is_joined_with_cwd() -> None:
    # Impact: `cd /etc/docker; echo .. > @x` gives file_path `@x`, outside every watched
    # directory: docker.file_change misses it. `@` is an ordinary file name character;
    # only a decoded abstract socket address means a name.
    assert file_event('"@x"')["file_path"] == "/etc/docker/@x"


def test_name_relative_to_a_directory_fd_is_not_joined_with_cwd() -> None:
    # Impact: openat(open("/etc/docker"), "daemon.json", O_WRONLY) run from /tmp is
    # reported as a write of /tmp/daemon.json: the real target is missed and a path never
    # touched is blamed. a0 is the dirfd; only AT_FDCWD makes the name cwd-relative.
    row = file_event('"daemon.json"', a0="3", cwd="/tmp")
    assert row["file_path"] != "/tmp/daemon.json"


def test_openat2_is_not_taken_for_a_read_only_open() -> None:
    # Impact: openat2 hides its flags in struct open_how, so a write of
    # /etc/docker/daemon.json through openat2 (a `-w ... -p wa` watch logs it) becomes
    # activity 14, "a read-only open", which file_changes skips: docker.file_change misses
    # it.
    assert file_event('"daemon.json"', syscall=437)["activity_id"] != 14


def test_i386_chown32_and_truncate64_are_file_changes() -> None:
    # Impact: a 32-bit process (or `int 0x80` from a 64-bit one) changing a watched file
    # with chown32 / truncate64 gets activity 99 (Other), which file_changes skips; the
    # kernel's attr/write classes include them, so a `-p wa` watch logs them.
    chown = file_event('"daemon.json"', syscall=212, arch="40000003")
    truncate = file_event('"daemon.json"', syscall=193, arch="40000003")
    assert (chown["audit_syscall"], chown["activity_id"]) == ("chown32", 6)
    assert (truncate["audit_syscall"], truncate["activity_id"]) == ("truncate64", 3)


def test_fchmodat2_is_named_and_is_a_chmod() -> None:
    # Impact: fchmodat2 (Linux 6.6, what glibc's fchmodat now calls) had no name in RAW
    # logs (the tables came from 6.1 headers), so the chmod was activity 99 and
    # file_changes skipped it (its `chmod` list names fchmodat2).
    row = file_event('"daemon.json"', syscall=452)
    assert (row["audit_syscall"], row["activity_id"]) == ("fchmodat2", 6)


def test_i386_socketcall_connect_is_network_activity() -> None:
    # Impact: a 32-bit client connecting through socketcall(SYS_CONNECT) (syscall 102,
    # a0=3) to /run/docker.sock was a Base Event without dst_endpoint_path: docker.
    # socket_access missed it. The event's call is the socket call a0 names.
    lines = (
        "type=SYSCALL msg=audit(1.000:9): arch=40000003 syscall=102 success=yes exit=0 a0=3"
        " a1=ffd0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=1000 uid=1000 gid=1000 euid=1000"
        ' suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="x"'
        ' exe="/x" key=(null)\n'
        "type=SOCKETCALL msg=audit(1.000:9): nargs=3 a0=3 a1=ffd0 a2=6e\n"
        "type=SOCKADDR msg=audit(1.000:9): saddr=01002F72756E2F646F636B65722E736F636B00\n"
    )
    (row,) = run_parser(lines.encode()).events
    assert (row["class_uid"], row.get("dst_endpoint_path")) == (4001, "/run/docker.sock")
    assert row["audit_syscall"] == "connect"


@pytest.mark.parametrize(
    ("a0", "call"), [("B", "sendto"), ("63", "socketcall"), ("zz", "socketcall")]
)
def test_socketcall_is_named_by_its_call(a0: str, call: str) -> None:
    # a call that linux/net.h does not number, or no number at all: socketcall it stays
    line = (
        f"type=SYSCALL msg=audit(1.000:9): arch=40000003 syscall=102 success=yes exit=0 a0={a0}"
        " a1=ffd0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=1000 uid=1000 gid=1000 euid=1000"
        ' suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="x"'
        ' exe="/x" key=(null)\n'
    )
    (row,) = run_parser(line.encode()).events
    assert row["audit_syscall"] == call
