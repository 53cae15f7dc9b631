"""Splitting a line into a record: the header forms auditd and the kernel write."""

from __future__ import annotations

from auditlake.parsers.auditd.record import (
    COMMENT,
    EMPTY,
    NO_STAMP,
    NOT_AUDIT,
    Record,
    parse_record,
    resolve_type,
)


def record(line: bytes) -> Record:
    parsed = parse_record(line, 0, len(line) + 1, "fallback")
    assert isinstance(parsed, Record), parsed
    return parsed


def test_header_gives_type_stamp_and_body() -> None:
    r = record(b'type=CWD msg=audit(1481077231.371:479):  cwd="/home/a"')
    assert (r.type, r.type_id, r.seconds, r.millis, r.serial) == ("CWD", 1307, 1481077231, 371, 479)
    assert r.body == ' cwd="/home/a"'
    assert r.event_id == "1481077231.371:479"
    assert r.host == "fallback" and r.node is None


def test_node_prefix_names_the_host() -> None:
    r = record(b"node=web-1 type=SYSCALL msg=audit(1.002:3): arch=c000003e")
    assert (r.node, r.host, r.millis) == ("web-1", "web-1", 2)


def test_unknown_type_keeps_its_number() -> None:
    r = record(b"type=UNKNOWN[1334] msg=audit(1626883065.201:216697): prog-id=45 op=UNLOAD")
    assert (r.type, r.type_id) == ("UNKNOWN[1334]", 1334)


def test_numeric_type_of_the_kernel_printk_form_is_named() -> None:
    r = record(b"type=1130 audit(1700000000.123:45): pid=1 uid=0")
    assert (r.type, r.type_id, r.body) == ("SERVICE_START", 1130, "pid=1 uid=0")
    assert resolve_type("1999") == ("UNKNOWN[1999]", 1999)


def test_daemon_config_without_colon_after_stamp() -> None:
    r = record(b"type=DAEMON_CONFIG msg=audit(1490239800.477:34) config changed, auid=0")
    assert r.body == "config changed, auid=0"


def test_enriched_part_is_split_at_group_separator() -> None:
    r = record(
        b'type=USER_AUTH msg=audit(1.000:1): pid=1 msg=\'acct="x"\'\x1dUID="root" AUID="unset"'
    )
    assert r.body == "pid=1 msg='acct=\"x\"'"
    assert r.enriched == 'UID="root" AUID="unset"'


def test_lines_that_are_no_usable_record_say_why() -> None:
    reasons = [
        parse_record(line, 0, 1, None)
        for line in (b"", b"  ", b"# note", b"type=UNKNOWN[1329] msg=?", b"hello")
    ]
    assert reasons == [EMPTY, EMPTY, COMMENT, NO_STAMP, NOT_AUDIT]


def test_invalid_utf8_line_is_kept_escaped() -> None:
    r = record(b"type=USER_CMD msg=audit(1.000:1): terminal=\xff\\x")
    assert r.escaped
    assert r.raw == "type=USER_CMD msg=audit(1.000:1): terminal=\\xff\\\\x"


def test_carriage_return_before_newline_is_not_part_of_the_last_value() -> None:
    r = record(b"type=USER_END msg=audit(1.000:1): pid=1 res=success\r")
    assert (r.body, r.raw) == (
        "pid=1 res=success",
        "type=USER_END msg=audit(1.000:1): pid=1 res=success\r",
    )


def test_type_of_more_digits_than_int_reads_is_unknown_not_an_error() -> None:
    # int() refuses over 4300 digits; a forged type token once raised out of feed()
    digits = "1" * 5000
    assert resolve_type(digits) == (f"UNKNOWN[{digits}]", None)
    assert resolve_type(f"UNKNOWN[{digits}]") == (f"UNKNOWN[{digits}]", None)
    r = record(f"type={digits} msg=audit(1700000000.123:45): pid=1".encode())
    assert (r.type, r.type_id, r.body) == (f"UNKNOWN[{digits}]", None, "pid=1")
