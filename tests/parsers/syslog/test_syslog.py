"""SyslogParser: headers, times, repeats, continuations, dispatch, streaming."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from auditlake.parsers.base import ParseOutput, SourceContext, event_uid
from auditlake.parsers.syslog import MAX_CONTINUATION_LINES, MAX_REPEAT_EXPANSION, SyslogParser
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlake.schema import EVENTS, REJECTS, to_batch

Run = Callable[..., tuple[ParseOutput, int]]

REFERENCE = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _ctx(**kwargs: object) -> SourceContext:
    args: dict[str, object] = {"source_file": "auth.log", "file_id": "F"}
    args.setdefault("reference_time", REFERENCE)
    args.update(kwargs)
    return SourceContext(**args)  # type: ignore[arg-type]


def parse(data: bytes, **kwargs: object) -> ParseOutput:
    parser = SyslogParser(_ctx(**kwargs))
    parser.feed(data, 0)
    assert parser.finish(True) == len(data)
    return parser.drain()


def test_rfc3164_line_becomes_exact_row() -> None:
    line = b"Nov 27 02:10:00 web-2 sshd[4242]: Server listening on 0.0.0.0 port 22.\n"
    (row,) = parse(line).events
    assert row == {
        "event_uid": event_uid("F", 0, 0),
        "time": datetime(2026, 11, 27, 2, 10, tzinfo=UTC),
        "event_date": date(2026, 11, 27),
        "source_type": "syslog",
        "class_uid": 0,
        "class_name": "Base Event",
        "device_hostname": "web-2",
        "source_file": "auth.log",
        "source_offset": 0,
        "source_length": len(line),
        "app_name": "sshd",
        "process_pid": 4242,
        "message": "Server listening on 0.0.0.0 port 22.",
        "severity": None,
    }


def test_sshd_login_gets_normalized_columns_and_transport_columns() -> None:
    line = b"Nov 27 02:31:09 web-2 sshd[901]: Accepted password for bob from 203.0.113.50 port 4000 ssh2\n"
    (row,) = parse(line).events
    assert (row["class_uid"], row["class_name"], row["status_id"]) == (3002, "Authentication", 1)
    assert (row["user_name"], row["src_endpoint_ip"], row["auth_protocol"]) == (
        "bob",
        "203.0.113.50",
        "password",
    )
    assert (row["process_pid"], row["device_hostname"], row["app_name"]) == (901, "web-2", "sshd")


def test_rfc3164_december_line_before_a_january_reference_is_last_year() -> None:
    data = b"Dec 31 23:59:59 h cron[1]: a\nJan  1 00:00:01 h cron[1]: b\n"
    rows = parse(data, reference_time=datetime(2027, 1, 1, 0, 5, tzinfo=UTC)).events
    assert [r["time"] for r in rows] == [
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC),
    ]


def test_rfc3164_year_does_not_depend_on_where_the_read_starts() -> None:
    data = b"Dec 31 23:59:59 h cron[1]: a\nJan  1 00:00:01 h cron[1]: b\n"
    ctx = _ctx(reference_time=datetime(2027, 1, 1, 0, 5, tzinfo=UTC))
    parser = SyslogParser(ctx)
    second = data.index(b"Jan")
    parser.feed(data[second:], second)
    parser.finish(True)
    (row,) = parser.drain().events
    assert row["time"] == datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC)


def test_rfc3164_without_reference_uses_ctx_year_for_every_line() -> None:
    data = b"Jan  1 00:00:01 h cron[1]: b\nDec 31 23:59:59 h cron[1]: a\n"
    rows = parse(data, reference_time=None, year=2005).events
    assert [r["time"].year for r in rows] == [2005, 2005]


def test_rfc3164_feb_29_goes_to_the_leap_year_before_a_non_leap_reference() -> None:
    (row,) = parse(
        b"Feb 29 10:00:00 h x: y\n", reference_time=datetime(2029, 1, 2, tzinfo=UTC)
    ).events
    assert row["time"] == datetime(2028, 2, 29, 10, tzinfo=UTC)


def test_rfc3164_impossible_date_is_rejected_with_reason() -> None:
    out = parse(b"Feb 30 10:00:00 h x: y\n")
    assert out.events == []
    assert [r["reason"] for r in out.rejects] == ["invalid date or time 'Feb 30 10:00:00'"]


def test_rfc3164_time_is_read_in_ctx_tz_and_stored_in_utc() -> None:
    (row,) = parse(b"Jul  1 12:00:00 h x: y\n", tz=ZoneInfo("Europe/Berlin")).events
    assert row["time"] == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert row["event_date"] == date(2026, 7, 1)


def test_debian12_rfc3339_line_keeps_microseconds_and_offset() -> None:
    line = b"2026-11-27T02:10:00.123456+01:00 web-1 sudo: pam_unix(sudo:session): session closed for user root\n"
    (row,) = parse(line).events
    assert row["time"] == datetime(2026, 11, 27, 1, 10, 0, 123456, tzinfo=UTC)
    assert (row["device_hostname"], row["app_name"], row["process_pid"]) == ("web-1", "sudo", None)
    assert (row["class_uid"], row["activity_id"], row["logon_type"]) == (3002, 2, "elevate")


def test_iso_time_without_offset_is_read_in_ctx_tz() -> None:
    line = b"2019-06-14T10:40:20.912134 localhost pam: user nobody logged out.\n"
    (row,) = parse(line, tz=ZoneInfo("America/New_York")).events
    assert row["time"] == datetime(2019, 6, 14, 14, 40, 20, 912134, tzinfo=UTC)


def test_rfc5424_record_with_structured_data() -> None:
    line = (
        b'<38>1 2019-07-08T17:40:17.954167-04:00 h.example.com sshd 55555 ID47 [timeQuality tzKnown="1"]'
        b'[x@1 t="[b\\"]"] Failed password for root from 192.0.2.2 port 5 ssh2\n'
    )
    (row,) = parse(line).events
    assert row["time"] == datetime(2019, 7, 8, 21, 40, 17, 954167, tzinfo=UTC)
    assert (row["device_hostname"], row["app_name"], row["process_pid"]) == (
        "h.example.com",
        "sshd",
        55555,
    )
    assert row["severity"] == "info"
    assert row["message"] == "Failed password for root from 192.0.2.2 port 5 ssh2"
    assert row["unmapped"] == {
        "syslog_facility": "auth",
        "msgid": "ID47",
        "structured_data": '[timeQuality tzKnown="1"][x@1 t="[b\\"]"]',
        "ssh_protocol": "ssh2",
    }
    assert (row["class_uid"], row["status_id"], row["src_endpoint_ip"]) == (3002, 2, "192.0.2.2")


def test_rfc5424_nil_timestamp_is_rejected_with_reason() -> None:
    out = parse(b"<38>1 - h sshd 1 - - hello\n")
    assert [r["reason"] for r in out.rejects] == ["RFC5424 record without a timestamp"]


def test_pri_prefix_sets_severity_and_facility() -> None:
    (row,) = parse(b"<86>Nov 27 02:10:00 h sshd[1]: hello\n").events
    assert (row["severity"], row["unmapped"]) == ("info", {"syslog_facility": "authpriv"})


def test_pri_out_of_range_is_rejected() -> None:
    out = parse(b"<999>Nov 27 02:10:00 h sshd[1]: hello\n")
    assert [r["reason"] for r in out.rejects] == ["<PRI> 999 out of range (0..191)"]


def test_crlf_line_ending_is_not_part_of_the_message() -> None:
    line = b"Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\r\n"
    (row,) = parse(line).events
    assert row["message"] == "Invalid user webmaster from 173.234.31.186"
    assert row["source_length"] == len(line)
    assert row["src_endpoint_ip"] == "173.234.31.186"


def test_old_pam_tag_names_program_and_keeps_tag() -> None:
    line = b"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 \n"
    (row,) = parse(line).events
    assert (row["app_name"], row["process_pid"]) == ("sshd", 19939)
    assert row["unmapped"] == {"syslog_tag": "sshd(pam_unix)[19939]", "pam_service": "sshd"}
    assert (row["class_uid"], row["status_id"], row["src_endpoint_ip"]) == (3002, 2, "218.188.2.4")


def test_tag_without_hostname_is_recognised() -> None:
    data = b"Nov 23 21:50:19 sshd[8148]: a\nMar  3 00:17:22 [sshd]: b\nJun 25 23:53:34 [sshd] c\n"
    rows = parse(data, host="fallback").events
    assert [
        (r["device_hostname"], r["app_name"], r["process_pid"], r["message"]) for r in rows
    ] == [
        ("fallback", "sshd", 8148, "a"),
        ("fallback", "sshd", None, "b"),
        ("fallback", "sshd", None, "c"),
    ]


def test_solaris_message_id_is_moved_out_of_the_message() -> None:
    line = b"Mar 29 05:20:09 dusky sshd[19558]: [ID 800047 auth.info] Failed keyboard-interactive for james from 205.186.180.30 port 54520 ssh2\n"
    (row,) = parse(line).events
    assert row["message"].startswith("Failed keyboard-interactive for james")
    assert row["unmapped"]["solaris_msgid"] == "800047"
    assert row["user_name"] == "james"


def test_message_repeated_becomes_n_events_at_the_same_offset() -> None:
    line = b"Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 3 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]\n"
    rows = parse(b"Dec 10 07:13:55 LabSZ sshd[1]: x\n" + line).events[1:]
    assert [r["event_uid"] for r in rows] == [event_uid("F", 33, i) for i in range(3)]
    assert {r["message"] for r in rows} == {
        "Failed password for root from 5.36.59.76 port 42393 ssh2"
    }
    assert {(r["source_offset"], r["source_length"], r["status_id"]) for r in rows} == {
        (33, len(line), 2)
    }


def test_last_message_repeated_copies_the_record_before_it() -> None:
    data = b"Mar 11 09:39:38 u dhclient: PRC: Renewing lease.\nMar 11 09:39:39: --- last message repeated 2 times ---\n"
    rows = parse(data).events
    assert [(r["app_name"], r["message"], r["source_offset"], r["time"].second) for r in rows] == [
        ("dhclient", "PRC: Renewing lease.", 0, 38),
        ("dhclient", "PRC: Renewing lease.", 49, 39),
        ("dhclient", "PRC: Renewing lease.", 49, 39),
    ]


def test_billion_repeats_make_at_most_the_cap_of_events_carrying_the_true_count() -> None:
    line = b"Nov 27 02:10:00 h sshd[1]: message repeated 1000000000 times: [ Failed password for root from 198.51.100.7 port 22 ssh2]\n"
    rows = parse(line).events
    assert len(rows) == MAX_REPEAT_EXPANSION
    assert [r["event_uid"] for r in rows] == [
        event_uid("F", 0, i) for i in range(MAX_REPEAT_EXPANSION)
    ]
    assert {(r["status_id"], tuple(sorted(r["unmapped"].items()))) for r in rows} == {
        (2, (("repeat_capped", "true"), ("repeated", "1000000000"), ("ssh_protocol", "ssh2")))
    }


def test_last_message_repeated_a_billion_times_is_capped_too() -> None:
    data = b"Nov 27 02:10:00 h x: y\nNov 27 02:10:01 h last message repeated 1000000000 times\n"
    rows = parse(data).events
    assert len(rows) == 1 + MAX_REPEAT_EXPANSION
    assert {(r["message"], r["source_offset"]) for r in rows[1:]} == {("y", 23)}
    assert rows[-1]["unmapped"] == {"repeated": "1000000000", "repeat_capped": "true"}


def test_repeat_count_within_the_cap_is_not_marked_capped() -> None:
    rows = parse(b"Nov 27 02:10:00 h x: message repeated 2 times: [ y]\n").events
    assert [r["unmapped"] for r in rows] == [{"repeated": "2"}] * 2


def test_repeat_count_of_thousands_of_digits_is_kept_as_a_plain_message() -> None:
    message = "message repeated " + "9" * 5000 + " times: [ y]"
    (row,) = parse(f"Nov 27 02:10:00 h x: {message}\n".encode()).events
    assert (row["message"], row.get("unmapped")) == (message, None)


def test_run_of_blank_lines_is_one_reject_spanning_all_of_them() -> None:
    data = b"Nov 27 02:10:00 h x: y\n" + b"\n" * 5000 + b" \t\r\n\nNov 27 02:10:01 h x: z\n"
    out = parse(data)
    (blank,) = out.rejects
    assert (blank["source_offset"], blank["source_length"], blank["reason"]) == (
        23,
        5000 + 5,
        "blank lines",
    )
    assert blank["raw_sha256"] == hashlib.sha256(b"\n" * 5000 + b" \t\r\n\n").hexdigest()
    assert [(r["message"], r["source_offset"]) for r in out.events] == [("y", 0), ("z", 5028)]


def test_run_of_blank_lines_ending_a_file_without_newline_is_one_reject() -> None:
    out = parse(b"Nov 27 02:10:00 h x: y\n\n\n  ")
    assert [(r["source_offset"], r["source_length"], r["reason"]) for r in out.rejects] == [
        (23, 4, "blank lines")
    ]


def test_headerless_line_continues_the_record_before_it() -> None:
    data = b"Mar  6 04:07:28 hostname log_tag this is info\nwith another line\nMar  6 04:07:29 hostname x: y\n"
    rows = parse(data).events
    assert [(r["message"], r["source_offset"], r["source_length"]) for r in rows] == [
        ("this is info\nwith another line", 0, 64),
        ("y", 64, len(data) - 64),
    ]


def test_comment_blank_and_headerless_lines_are_rejected_with_reasons() -> None:
    data = b"garbage first\n# failJSON: {}\n\nNov 27 02:10:00 h x: y\n"
    out = parse(data)
    assert [(r["source_offset"], r["reason"]) for r in out.rejects] == [
        (0, "no syslog header (expected <PRI>, 'Nov 27 02:10:00' or an ISO time)"),
        (14, "comment line (starts with #), not a syslog record"),
        (29, "blank line"),
    ]
    assert len(out.events) == 1


def test_continuations_stop_at_the_limit() -> None:
    data = b"Nov 27 02:10:00 h x: y\n" + b"more\n" * (MAX_CONTINUATION_LINES + 1)
    out = parse(data)
    assert out.events[0]["message"].count("\n") == MAX_CONTINUATION_LINES - 1
    assert len(out.rejects) == 2


def test_forward_format_line_holds_several_records() -> None:
    data = (
        b"<15>2021-03-06T04:07:33.194677+00:00 hostname log_tag this is debug"
        b"<14>2021-03-06T04:07:33.196352+00:00 hostname log_tag this is info\n"
        b"with another line<30>2021-03-06T04:07:33.203756+00:00 hostname systemd[1]: Stopping."
    )
    rows = parse(data).events
    assert [(r["message"], r["source_offset"], r["event_uid"]) for r in rows] == [
        ("this is debug", 0, event_uid("F", 0, 0)),
        ("this is info\nwith another line", 0, event_uid("F", 0, 1)),
        ("Stopping.", 134, event_uid("F", 134, 0)),
    ]
    assert rows[1]["source_length"] == len(data)


def test_audit_records_inside_syslog_go_to_the_auditd_parser() -> None:
    data = (
        b'Nov 27 02:10:00 web-2 audispd: node=web-2 type=USER_LOGIN msg=audit(1795745400.123:456): pid=1 uid=0 auid=1001 ses=3 msg=\'op=login acct="bob" exe="/usr/sbin/sshd" hostname=203.0.113.50 addr=203.0.113.50 terminal=ssh res=success\'\n'
        b'Nov 27 02:10:01 web-2 kernel: [  12.345678] audit: type=1130 audit(1795745401.000:457): pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'unit=auditd comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success\'\n'
        b'Nov 27 02:10:02 web-2 audit[1]: SERVICE_START pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'unit=cron comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success\'\n'
        b"Nov 27 02:10:03 web-2 auditd[812]: Audit daemon rotating log files\n"
    )
    out = parse(data)
    records = [(r["type"], r["source_offset"], r["device_hostname"]) for r in out.auditd_records]
    assert records == [
        ("USER_LOGIN", 0, "web-2"),
        ("SERVICE_START", 229, "web-2"),
        ("SERVICE_START", 465, "web-2"),
    ]
    by_type = {e["source_type"]: e for e in out.events}
    assert sorted(e["source_type"] for e in out.events) == ["auditd", "auditd", "auditd", "syslog"]
    assert (by_type["syslog"]["app_name"], by_type["syslog"]["class_uid"]) == ("auditd", 0)
    login = next(e for e in out.events if e.get("audit_type") == "USER_LOGIN")
    assert (login["user_name"], login["src_endpoint_ip"], login["time"]) == (
        "bob",
        "203.0.113.50",
        datetime(2026, 11, 27, 2, 10, 0, 123000, tzinfo=UTC),
    )


@pytest.mark.parametrize("sender", [b"web-1 ", b""])  # a per-host file may name no host
def test_a_relayed_record_naming_another_node_stays_with_the_host_that_sent_it(
    sender: bytes,
) -> None:
    # any user of web-1 can write this line (`logger -t audispd ...`): it must not land
    # in db-1's audit trail
    out = parse(
        b"Nov 27 02:10:00 " + sender + b"audispd: node=db-1 type=LOGIN "
        b"msg=audit(1795745400.123:9): "
        b"pid=7 uid=0 old-auid=1001 auid=1003 tty=(none) old-ses=3 ses=4 res=1\n",
        host="web-1",
    )
    (record,) = out.auditd_records
    (event,) = out.events
    assert (record["device_hostname"], record["node"]) == ("web-1", "db-1")
    assert event["device_hostname"] == "web-1"


def test_kernel_message_that_is_not_an_audit_record_stays_a_syslog_row() -> None:
    (row,) = parse(
        b"Jul 27 14:41:59 combo kernel: audit: initializing netlink socket (disabled)\n"
    ).events
    assert (row["source_type"], row["app_name"], row["class_uid"]) == ("syslog", "kernel", 0)


def test_dockerd_lines_become_dockerd_rows_with_the_daemon_time() -> None:
    line = b'Nov 27 02:10:04 web-2 dockerd[900]: time="2026-11-27T02:10:04.123456789Z" level=debug msg="Calling POST /v1.43/containers/create?name=pwn"\n'
    (row,) = parse(line).events
    assert (row["source_type"], row["class_uid"], row["class_name"]) == (
        "dockerd",
        6003,
        "API Activity",
    )
    assert (row["api_operation"], row["container_name"], row["severity"]) == (
        "POST /containers/create",
        "pwn",
        "debug",
    )
    assert row["time"] == datetime(2026, 11, 27, 2, 10, 4, 123456, tzinfo=UTC)
    assert (row["app_name"], row["process_pid"], row["device_hostname"]) == (
        "dockerd",
        900,
        "web-2",
    )


def test_not_final_finish_holds_back_the_last_record() -> None:
    data = b"Nov 27 02:10:00 h x: a\nNov 27 02:10:01 h x: b\n"
    parser = SyslogParser(_ctx())
    parser.feed(data, 0)
    assert parser.finish(False) == 23
    assert [r["message"] for r in parser.drain().events] == ["a"]


def test_not_final_finish_holds_back_an_open_audit_event_and_rows_after_it() -> None:
    data = (
        b'Nov 27 02:10:00 h audispd: type=SYSCALL msg=audit(1795745400.000:9): arch=c000003e syscall=59 success=yes exit=0 pid=5 uid=0 auid=1001 comm="id" exe="/usr/bin/id"\n'
        b"Nov 27 02:10:00 h sshd[1]: x\n"
        b"Nov 27 02:10:01 h sshd[1]: y\n"
    )
    parser = SyslogParser(_ctx())
    parser.feed(data, 0)
    early = parser.drain()
    resume = parser.finish(False)
    late = parser.drain()
    assert resume == 0
    assert early.events == late.events == early.auditd_records == late.auditd_records == []


def test_rows_do_not_depend_on_block_boundaries() -> None:
    data = (
        b"Nov 27 02:10:00 h sshd[1]: Accepted publickey for deploy from 10.0.0.5 port 1 ssh2\n"
        b"Nov 27 02:10:01 h log_tag first\ncontinued\n"
        b"Nov 27 02:10:02 h sshd[1]: message repeated 2 times: [ x]\n# note\n"
    )
    whole = parse(data)
    parser = SyslogParser(_ctx())
    lines = data.split(b"\n")[:-1]
    offset = 0
    for line in lines:
        parser.feed(line + b"\n", offset)
        offset += len(line) + 1
    parser.finish(True)
    pieces = parser.drain()
    assert pieces.events == whole.events
    assert pieces.rejects == whole.rejects


def test_rows_fit_the_events_and_rejects_schemas() -> None:
    data = (
        b"bad line\n"
        b"<86>Nov 27 02:10:00 h sshd[1]: Accepted publickey for deploy from 10.0.0.5 port 1 ssh2\n"
    )
    out = parse(data)
    assert to_batch(out.events, EVENTS).num_rows == 1
    assert to_batch(out.rejects, REJECTS).num_rows == 1


def test_sniff_accepts_syslog_and_declines_journal_text_and_audit() -> None:
    assert SyslogParser.sniff(b"Nov 27 02:10:00 h sshd[1]: x\nNov 27 02:10:01 h sshd[1]: y\n")
    assert SyslogParser.sniff(b"<34>1 2026-11-27T02:10:00Z h app - - - x\n")
    assert not SyslogParser.sniff(b"-- Logs begin at Fri 2026-11-27 --\nNov 27 02:10:00 h x: y\n")
    assert not SyslogParser.sniff(b"type=SYSCALL msg=audit(1.0:1): arch=c000003e\n")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=80),
            st.sampled_from(
                [
                    b"Nov 27 02:10:00 h sshd[1]: Failed password for root from 1.2.3.4 port 2 ssh2",
                    b"<13>Nov 27 02:10:00 h x: y<14>2026-11-27T02:10:00Z h z: w",
                    b'<34>1 2026-11-27T02:10:00Z h app 1 - [a b="c"] m',
                    b"Nov 27 02:10:00 h x: message repeated 2 times: [ y]",
                    b"Nov 27 02:10:00 h audit[1]: SERVICE_START pid=1 uid=0 msg='unit=x res=success'",
                    b"continued",
                    b"",
                ]
            ),
        ),
        max_size=12,
    )
)
def test_any_input_is_parsed_or_rejected_and_every_line_is_accounted(lines: list[bytes]) -> None:
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    out = parse(data)
    to_batch(out.events, EVENTS)
    to_batch(out.rejects, REJECTS)
    covered = [
        (r["source_offset"], r["source_offset"] + r["source_length"])
        for r in [*out.events, *out.rejects, *out.auditd_records]
    ]
    offset = 0
    for line in data.split(b"\n"):
        end = min(offset + len(line) + 1, len(data))
        if end > offset:
            assert any(a <= offset and end <= b for a, b in covered), (offset, line)
        offset = end


def test_rfc3164_with_this_year_only_puts_future_dates_in_last_year() -> None:
    now = datetime.now(UTC)
    month = 1 if now.month == 12 else now.month + 1
    line = f"{now.replace(month=month, day=1):%b} 15 12:00:00 h x: y\n".encode()
    (row,) = parse(line, reference_time=None, year=now.year).events
    assert row["time"].year == (now.year if now.month == 12 else now.year - 1)


DATA = Path(__file__).parent / "data"
# Per sample: the reference time (the file's mtime) its RFC3164 dates are read against.
SAMPLES = {
    "web2-auth.log": datetime(2026, 11, 27, 6, 0, tzinfo=UTC),
    "web1-auth.log": datetime(2026, 11, 27, 6, 0, tzinfo=UTC),
    "new-year-crlf.log": datetime(2027, 1, 1, 0, 1, tzinfo=UTC),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("block_lines", [None, 1, 3])
def test_sample_matches_golden_rows_whatever_the_blocks(
    run_parser: Run,
    golden: Callable[[Path, ParseOutput], None],
    check_accounting: Callable[[ParseOutput, bytes, int], None],
    name: str,
    block_lines: int | None,
) -> None:
    data = (DATA / name).read_bytes()
    out, resume = run_parser(
        SyslogParser, data, name=name, block_lines=block_lines, reference_time=SAMPLES[name]
    )
    assert resume == len(data)
    check_accounting(out, data, resume)
    golden(DATA / name, out)


def test_iso_time_outside_years_1_to_9999_in_utc_is_rejected_not_a_crash() -> None:
    out = parse(b"9999-12-31T23:59:59-01:00 web-1 sshd[1]: x\n")
    assert out.events == []
    assert [r["reason"] for r in out.rejects] == [
        "invalid date or time '9999-12-31T23:59:59-01:00'"
    ]
