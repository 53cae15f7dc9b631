"""auditd_records rows: auditd's own field names, raw next to interpreted, nothing lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditlake.parsers.auditd.fields import INT64_MAX, field_texts, interpret, plain_texts, to_int
from auditlake.parsers.auditd.records import (
    INT32_COLUMNS,
    INT32_MAX,
    INT_COLUMNS,
    fill_general,
    fill_plain,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import bodies, corpus_records, run_parser


def records(data: bytes) -> list[dict[str, Any]]:
    return run_parser(data).auditd_records


def test_enriched_keeps_raw_and_interpreted_side_by_side() -> None:
    (row,) = records(
        b'type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 pid=5 auid=1000 uid=0 comm="id" exe="/usr/bin/id" key=(null)'
        b'\x1dARCH=x86_64 SYSCALL=execve AUID="alice" UID="root" GID="root"\n'
    )
    picked = {
        k: row[k]
        for k in (
            "arch",
            "arch_name",
            "syscall",
            "syscall_name",
            "auid",
            "auid_name",
            "uid",
            "uid_name",
            "key",
        )
    }
    assert picked == {
        "arch": "c000003e",
        "arch_name": "x86_64",
        "syscall": 59,
        "syscall_name": "execve",
        "auid": 1000,
        "auid_name": "alice",
        "uid": 0,
        "uid_name": "root",
        "key": None,
    }
    assert row["enriched"] == {"GID": "root"}
    assert row["fields"] == {}


def test_raw_log_gets_arch_and_syscall_names_from_the_tables() -> None:
    (row,) = records(
        b"type=SYSCALL msg=audit(1.000:1): arch=c00000b7 syscall=203 success=no exit=-2 a0=1 a1=2 a2=3 a3=4 items=0 pid=5\n"
    )
    assert (row["arch_name"], row["syscall_name"], row["exit"], row["success"]) == (
        "aarch64",
        "connect",
        -2,
        "no",
    )
    assert row.get("auid_name") is None and row.get("enriched") is None


def test_repeated_keys_are_numbered_never_overwritten() -> None:
    (row,) = records(
        b"type=USER_ACCT msg=audit(1.000:1): pid=2948 uid=0 auid=1000 ses=14 msg='pam_tally2 uid=1004 reset=0 res=success'\n"
    )
    assert (row["uid"], row["fields"]) == (0, {"text": "pam_tally2", "uid#2": "1004", "reset": "0"})
    assert (row["res"], row["auid"], row["ses"]) == ("success", 1000, 14)


def test_a_name_the_text_spells_is_not_overwritten_by_a_numbered_key() -> None:
    # `uid#2=5` in user-space text was overwritten by the second `uid`: 5 was lost
    (row,) = records(b"type=USER_CMD msg=audit(1.000:1): pid=1 uid=0 msg='uid#2=5 uid=7'\n")
    assert row["uid"] == 0 and row["fields"] == {"uid#2": "5", "uid#3": "7"}


def test_user_space_fields_are_promoted_from_the_nested_msg() -> None:
    (row,) = records(
        b"type=USER_LOGIN msg=audit(1.000:1): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='op=login acct=28696E76616C6964207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=36.156.24.99 terminal=sshd res=failed'\n"
    )
    picked = {
        k: row.get(k)
        for k in ("op", "acct", "exe", "hostname", "addr", "terminal", "res", "auid", "ses", "subj")
    }
    assert picked == {
        "op": "login",
        "acct": "(invalid user)",
        "exe": "/usr/sbin/sshd",
        "hostname": None,
        "addr": "36.156.24.99",
        "terminal": "sshd",
        "res": "failed",
        "auid": None,
        "ses": None,
        "subj": "unconfined",
    }


def test_sockaddr_row_holds_hex_and_decoded_endpoint() -> None:
    (row,) = records(b"type=SOCKADDR msg=audit(1.000:1): saddr=02000050A9FEA9FE0000000000000000\n")
    picked = {
        k: row.get(k) for k in ("saddr", "saddr_family", "saddr_ip", "saddr_port", "saddr_path")
    }
    assert picked == {
        "saddr": "02000050A9FEA9FE0000000000000000",
        "saddr_family": "inet",
        "saddr_ip": "169.254.169.254",
        "saddr_port": 80,
        "saddr_path": None,
    }


def test_proctitle_column_shows_argv_with_spaces_raw_keeps_hex() -> None:
    line = b"type=PROCTITLE msg=audit(1.000:1): proctitle=2F62696E2F7368002D63006C73"
    (row,) = records(line + b"\n")
    assert (row["proctitle"], row["raw"]) == ("/bin/sh -c ls", line.decode())


def test_numbers_that_are_no_numbers_stay_in_fields() -> None:
    (row,) = records(
        b"type=SYSCALL msg=audit(1.000:1): arch=x86_64 syscall=execve success=yes exit=0 a0=0x1 a1=0x2 a2=0x3 a3=0x4 items=2 pid=9 auid=vagrant uid=vagrant\n"
    )
    assert (
        row["syscall"],
        row["syscall_name"],
        row["auid"],
        row["auid_name"],
        row["arch_name"],
    ) == (
        None,
        "execve",
        None,
        "vagrant",
        "x86_64",
    )
    assert row["fields"] == {"syscall": "execve", "auid": "vagrant", "uid": "vagrant"}


def test_non_utf8_line_is_flagged_and_escaped() -> None:
    (row,) = records(
        b"type=USER_CMD msg=audit(1.000:1): pid=9 msg='cmd=ls terminal=\xff res=success'\n"
    )
    assert (row["raw"], row["terminal"], row["fields"]["raw_escaped"]) == (
        "type=USER_CMD msg=audit(1.000:1): pid=9 msg='cmd=ls terminal=\\xff res=success'",
        "\\xff",
        "true",
    )


@given(
    key=st.sampled_from(sorted(INT_COLUMNS)),
    raw=st.from_regex(r"-?[0-9]{1,20}|4294967295|-1", fullmatch=True),
)
def test_integer_column_equals_interpreting_then_converting(key: str, raw: str) -> None:
    (row,) = records(f"type=SYSCALL msg=audit(1.000:1): {key}={raw}\n".encode())
    value = interpret("SYSCALL", key, raw)
    expected = to_int(value, INT32_MAX if key in INT32_COLUMNS else INT64_MAX)
    kept = {key: value} if expected is None and value is not None else {}
    assert (row[key], row["fields"]) == (expected, kept)


def test_rows_sharing_enriched_text_do_not_share_its_map() -> None:
    first, second = records(
        b'type=CWD msg=audit(1.000:1): cwd="/"\x1dX="a"\n'
        b'type=CWD msg=audit(2.000:2): cwd="/"\x1dX="a"\n'
    )
    first["enriched"]["X"] = "changed"
    assert second["enriched"] == {"X": "a"}


Filled = tuple[dict[str, Any], list[tuple[str, str | None]]]


def general(rtype: str, body: str) -> Filled:
    """Fill a row the reference way: every field of `split_fields`, one by one."""
    row: dict[str, Any] = {}
    fields: dict[str, str | None] = {}
    fill_general(row, fields, rtype, field_texts(body))
    return row, list(fields.items())


def plain(rtype: str, body: str) -> Filled | None:
    """Fill a row by the fast path; None where it hands over to the general one."""
    row: dict[str, Any] = {}
    fields: dict[str, str | None] = {}
    done = fill_plain(row, fields, rtype, plain_texts(body))
    return (row, list(fields.items())) if done else None


def test_plain_fill_takes_a_plain_body() -> None:
    body = 'pid=1 auid=4294967295 comm="ls" name=2F746D70 dev=08:01 msg=\'acct="bob" res=success\''
    assert plain("SYSCALL", body) == general("SYSCALL", body)
    assert plain("SYSCALL", body) is not None


def test_plain_fill_hands_repeated_keys_and_text_in_number_columns_over() -> None:
    assert plain("USER_ACCT", "uid=0 msg='uid=1004 res=success'") is None
    assert plain("SYSCALL", "pid=9 auid=vagrant") is None


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(("SYSCALL", "EXECVE", "PATH", "USER_LOGIN", "SOCKADDR")), bodies())
def test_plain_fill_equals_the_general_one(rtype: str, body: str) -> None:
    expected = general(rtype, body)
    for _ in range(2):  # learned, then from the cache
        filled = plain(rtype, body)
        assert filled is None or filled == expected


def test_plain_fill_equals_the_general_one_in_the_corpus(corpus: Path) -> None:
    records = corpus_records()
    taken = 0
    for record in records:
        expected = general(record.type, record.body)
        for _ in range(2):
            filled = plain(record.type, record.body)
            assert filled is None or filled == expected, record.raw
        taken += filled is not None
    assert taken > 0.8 * len(records)  # the fast path is the common one
