"""journald: JSON, JSON arrays, export, short text, audit and dockerd through the journal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from auditlake.parsers.base import SourceContext
from auditlake.parsers.journald import (
    JournaldExportParser,
    JournaldJsonParser,
    JournaldTextParser,
    JournalEntry,
)
from auditlake.parsers.journald.entry import _audit_record_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DATA = Path(__file__).parent / "data"
PROVENANCE = ("source_file", "source_offset", "source_length", "event_uid")


@pytest.mark.parametrize(
    ("name", "parser", "ctx"),
    [
        ("db-1.json", JournaldJsonParser, {}),
        ("pretty-array.json", JournaldJsonParser, {}),
        ("db-1.export", JournaldExportParser, {}),
        ("short.txt", JournaldTextParser, {"year": 2026, "host": "fallback"}),
        ("short-iso-precise.txt", JournaldTextParser, {}),
    ],
)
def test_sample_matches_golden(name, parser, ctx, run_parser, golden, check_accounting):
    data = (DATA / name).read_bytes()
    out, resume = run_parser(parser, data, name=name, **ctx)
    assert resume == len(data)
    check_accounting(out, data, resume)
    golden(DATA / name, out)


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("db-1.json", JournaldJsonParser),
        ("pretty-array.json", JournaldJsonParser),
        ("db-1.export", JournaldExportParser),
        ("short.txt", JournaldTextParser),
    ],
)
@pytest.mark.parametrize("block_lines", [1, 2, 5])
def test_blocks_of_any_size_give_the_same_rows(name, parser, block_lines, run_parser):
    data = (DATA / name).read_bytes()
    whole, _ = run_parser(parser, data, year=2026)
    split, _ = run_parser(parser, data, year=2026, block_lines=block_lines)
    assert split == whole


def test_export_binary_field_cut_anywhere_gives_the_same_rows(run_parser):
    data = (DATA / "db-1.export").read_bytes()
    whole, _ = run_parser(JournaldExportParser, data)
    parser = JournaldExportParser(SourceContext("input.log", file_id="input.log"))
    for i in range(0, len(data), 7):  # cuts inside lengths, data and names
        parser.feed(data[i : i + 7], i)
    out = parser.drain()
    parser.finish(True)
    out.extend(parser.drain())
    assert out == whole


def test_audit_entries_become_auditd_records_of_one_event(run_parser):
    data = (DATA / "db-1.json").read_bytes()
    out, _ = run_parser(JournaldJsonParser, data)
    records = out.auditd_records
    assert [(r["type"], r["audit_event_id"], r["device_hostname"]) for r in records] == [
        ("SYSCALL", "1795745550.008:2051", "db-1"),
        ("EXECVE", "1795745550.008:2051", "db-1"),
        ("PROCTITLE", "1795745550.008:2051", "db-1"),
    ]
    audit_events = [e for e in out.events if e["source_type"] == "auditd"]
    assert len(audit_events) == 1
    assert audit_events[0]["time"] == datetime(2026, 11, 27, 2, 12, 30, 8000, tzinfo=UTC)


def test_audit_record_text_is_rebuilt_from_journal_fields():
    entry = JournalEntry(
        {
            "MESSAGE": "USER_LOGIN pid=812 uid=0 msg='op=login res=success'",
            "_AUDIT_ID": "77",
            "_AUDIT_TYPE": "1112",
            "_AUDIT_TYPE_NAME": "USER_LOGIN",
            "_SOURCE_REALTIME_TIMESTAMP": "1795745401250000",
        }
    )
    assert _audit_record_text(entry) == (
        b"type=USER_LOGIN msg=audit(1795745401.250:77): pid=812 uid=0 msg='op=login res=success'"
    )


def test_audit_type_journald_cannot_name_becomes_unknown():
    entry = JournalEntry(
        {
            "MESSAGE": "AUDIT1334 prog-id=12 op=LOAD",
            "_AUDIT_ID": "9",
            "_AUDIT_TYPE": "1334",
            "_AUDIT_TYPE_NAME": "AUDIT1334",
            "__REALTIME_TIMESTAMP": "1795745401000000",
        }
    )
    assert (
        _audit_record_text(entry)
        == b"type=UNKNOWN[1334] msg=audit(1795745401.000:9): prog-id=12 op=LOAD"
    )


def test_dockerd_through_the_journal_is_a_dockerd_row_paired_with_its_calling_line(run_parser):
    out, _ = run_parser(JournaldJsonParser, (DATA / "db-1.json").read_bytes())
    dockerd = [e for e in out.events if e["source_type"] == "dockerd"]
    assert [(e["api_operation"], e.get("container_name"), e["time"]) for e in dockerd] == [
        ("POST /containers/create", "pwn", datetime(2026, 11, 27, 2, 20, 0, 498765, tzinfo=UTC)),
        ("POST /containers/create", "pwn", datetime(2026, 11, 27, 2, 20, 0, 499000, tzinfo=UTC)),
    ]
    assert dockerd[1]["container_privileged"] is True
    assert dockerd[1]["container_mounts"] == ["/"]


def test_container_output_keeps_container_fields_and_stays_journald(run_parser):
    out, _ = run_parser(JournaldJsonParser, (DATA / "db-1.json").read_bytes())
    row = next(e for e in out.events if e.get("container_image_name") == "nginx:1.27")
    assert (row["source_type"], row["container_uid"], row["container_name"]) == (
        "journald",
        "3f1c2a9e0b7d44aa00112233445566778899aabbccddeeff0011223344556677",
        "web",
    )
    assert row["container_image_name"] == "nginx:1.27"
    assert row["unmapped"]["CONTAINER_TAG"] == "3f1c2a9e0b7d"


def test_sshd_message_is_normalized_by_the_program_rules(run_parser):
    out, _ = run_parser(JournaldJsonParser, (DATA / "db-1.json").read_bytes())
    login = next(e for e in out.events if e.get("app_name") == "sshd")
    assert (login["class_uid"], login["user_name"], login["src_endpoint_ip"]) == (
        3002,
        "bob",
        "203.0.113.50",
    )
    assert (login["process_pid"], login["device_hostname"]) == (812, "db-1")


def test_byte_array_and_null_values(run_parser):
    out, _ = run_parser(JournaldJsonParser, (DATA / "db-1.json").read_bytes())
    pulse = next(e for e in out.events if e.get("app_name") == "pulseaudio")
    assert pulse["message"] == "AT+BIA=1\rAT+BCS=2 \\xff"
    cat = next(e for e in out.events if e.get("app_name") == "mytag")
    assert cat["message"] is None
    assert cat["unmapped"]["journald_null_fields"] == "MESSAGE"
    assert [cat["unmapped"][k] for k in ("NOTE", "NOTE#2", "NOTE#3")] == [
        "first",
        "second",
        "bin\nary",
    ]


def test_unreadable_json_lines_are_rejected_with_reasons(run_parser):
    out, _ = run_parser(JournaldJsonParser, (DATA / "db-1.json").read_bytes())
    assert [r["reason"] for r in out.rejects] == [
        "not a journal JSON entry (expected a JSON object)",
        "journal entry without __REALTIME_TIMESTAMP",
    ]


def test_open_pretty_entry_is_kept_back_when_not_final(run_parser):
    data = (DATA / "pretty-array.json").read_bytes()
    cut = data.index(b"},\n") + 3 + 10  # into the second entry
    cut = data.index(b"\n", cut) + 1
    out, resume = run_parser(JournaldJsonParser, data[:cut], final=False)
    assert resume == data.index(b"},\n") + 3
    assert len(out.events) == 1
    assert out.events[0]["source_offset"] == 0  # the "[" line belongs to the first entry


def test_export_duplicate_fields_and_final_entry_without_blank_line(run_parser):
    out, _ = run_parser(JournaldExportParser, (DATA / "db-1.export").read_bytes())
    first = out.events[0]
    assert first["unmapped"]["COREDUMP_PROC_CGROUP"] == "1:name=systemd:/\n0::/user.slice\n"
    assert first["unmapped"]["COREDUMP_PROC_CGROUP#2"] == "1:name=systemd:/\n0::/user.slice\n"
    assert out.events[-1]["message"].endswith("ZeroDivisionError: division by zero")


def test_export_open_entry_is_kept_back_when_not_final(run_parser):
    data = b"__REALTIME_TIMESTAMP=1795745401000000\nMESSAGE=a\n\n__REALTIME_TIMESTAMP=1795745402000000\n"
    out, resume = run_parser(JournaldExportParser, data, final=False)
    assert resume == data.index(b"\n\n") + 2
    assert [e["message"] for e in out.events] == ["a"]


def test_rows_after_an_open_audit_event_wait_for_the_next_run(run_parser):
    data = (DATA / "db-1.json").read_bytes()
    whole, _ = run_parser(JournaldJsonParser, data)
    first, resume = run_parser(JournaldJsonParser, data, final=False)
    syscall = whole.auditd_records[0]["source_offset"]
    assert resume == syscall  # the last audit event may still get records
    assert all(r["source_offset"] < resume for r in first.events + first.rejects)
    parser = JournaldJsonParser(SourceContext("input.log", file_id="input.log"))
    parser.feed(data[resume:], resume)
    parser.finish(True)
    second = parser.drain()
    first.extend(second)
    assert sorted(e["event_uid"] for e in first.events) == sorted(
        e["event_uid"] for e in whole.events
    )
    assert first.auditd_records == whole.auditd_records


def test_export_rejects_a_length_beyond_the_end(run_parser):
    data = b"__REALTIME_TIMESTAMP=1795745401000000\nMESSAGE\n\xff\x00\x00\x00\x00\x00\x00\x00abc\n"
    out, _ = run_parser(JournaldExportParser, data)
    assert out.events == []
    assert [(r["reason"], r["source_length"]) for r in out.rejects] == [
        ("binary field MESSAGE cut short", len(data))
    ]


def test_short_year_rolls_over_and_markers_are_rejected(run_parser):
    out, _ = run_parser(JournaldTextParser, (DATA / "short.txt").read_bytes(), year=2026)
    times = [e["time"].isoformat() for e in out.events]
    assert times[0] == "2026-12-31T23:59:58+00:00"
    assert times[-1] == "2027-01-01T00:00:09+00:00"
    assert [r["reason"] for r in out.rejects] == [
        "journal text marker, not a record",
        "journal text marker, not a record",
        "not a journalctl short-format line",
        "blank line",
        "journal text marker, not a record",
    ]


def test_short_continuation_lines_join_their_entry(run_parser):
    out, _ = run_parser(JournaldTextParser, (DATA / "short.txt").read_bytes(), year=2026)
    trace = next(e for e in out.events if e.get("app_name") == "python3")
    assert trace["message"] == (
        'Traceback (most recent call last):\n  File "x.py", line 1\nZeroDivisionError: division by zero'
    )
    assert trace["source_length"] == len(
        b"Jan 01 00:00:05 web-1 python3[400]: Traceback (most recent call last):\n"
        b'                                      File "x.py", line 1\n'
        b"                                    ZeroDivisionError: division by zero\n"
    )


def test_short_audit_line_goes_to_the_auditd_parser(run_parser):
    out, _ = run_parser(JournaldTextParser, (DATA / "short.txt").read_bytes(), year=2026)
    assert [(r["type"], r["time"].isoformat()) for r in out.auditd_records] == [
        ("SERVICE_START", "2026-12-31T23:59:59+00:00")
    ]


@pytest.mark.parametrize(
    ("path", "parser", "events", "reasons"),
    [
        ("elastic-beats/journald/corner-cases.json", JournaldJsonParser, 2, []),
        ("elastic-beats/journald/sample-journal-event.json", JournaldJsonParser, 1, []),
        ("elastic-beats/journald/journal1.export", JournaldExportParser, 10, []),
        ("systemd-journal-data/journal-1.txt", JournaldExportParser, 1, []),
        # journal-2.txt is a fragment: one binary MESSAGE field and no timestamp at all
        (
            "systemd-journal-data/journal-2.txt",
            JournaldExportParser,
            0,
            ["journal entry without __REALTIME_TIMESTAMP"],
        ),
        ("velociraptor-journal/derived/2004.json", JournaldJsonParser, 3, []),
        ("velociraptor-journal/derived/2004.all.json", JournaldJsonParser, 3, []),
        ("velociraptor-journal/derived/2004.export", JournaldExportParser, 3, []),
        ("velociraptor-journal/derived/2004.short-iso.txt", JournaldTextParser, 3, []),
        ("velociraptor-journal/derived/2404.json", JournaldJsonParser, 3, []),
        ("velociraptor-journal/derived/2404.all.json", JournaldJsonParser, 3, []),
        ("velociraptor-journal/derived/2404.export", JournaldExportParser, 3, []),
        ("velociraptor-journal/derived/2404.short-iso.txt", JournaldTextParser, 3, []),
    ],
)
def test_corpus_file_parses_with_expected_rejects(
    corpus, path, parser, events, reasons, run_parser, check_accounting
):
    data = (corpus / path).read_bytes()
    assert parser.sniff(data[:65536])
    for block_lines in (None, 1):
        out, resume = run_parser(parser, data, name=path, block_lines=block_lines)
        assert resume == len(data)
        check_accounting(out, data, resume)
        assert (len(out.events), [r["reason"] for r in out.rejects]) == (events, reasons)


@pytest.mark.parametrize("release", ["2004", "2404"])
def test_corpus_export_and_json_all_give_the_same_rows(corpus, release, run_parser):
    derived = corpus / "velociraptor-journal/derived"
    export, _ = run_parser(JournaldExportParser, (derived / f"{release}.export").read_bytes())
    json_all, _ = run_parser(JournaldJsonParser, (derived / f"{release}.all.json").read_bytes())

    def content(rows):
        return [{k: v for k, v in r.items() if k not in PROVENANCE} for r in rows]

    assert content(export.events) == content(json_all.events)


@pytest.mark.parametrize("release", ["2004", "2404"])
def test_corpus_short_iso_times_match_json_times(corpus, release, run_parser):
    derived = corpus / "velociraptor-journal/derived"
    text, _ = run_parser(JournaldTextParser, (derived / f"{release}.short-iso.txt").read_bytes())
    json_rows, _ = run_parser(JournaldJsonParser, (derived / f"{release}.json").read_bytes())
    assert [e["time"] for e in text.events] == [
        e["time"].replace(microsecond=0) for e in json_rows.events
    ]
    assert [e["device_hostname"] for e in text.events] == [
        e["device_hostname"] for e in json_rows.events
    ]


def test_corpus_null_message_over_size_limit_is_kept_as_null(corpus, run_parser):
    data = (corpus / "velociraptor-journal/derived/2004.json").read_bytes()
    out, _ = run_parser(JournaldJsonParser, data)
    mytag = next(e for e in out.events if e.get("app_name") == "mytag")
    assert mytag["message"] is None
    assert mytag["unmapped"]["journald_null_fields"] == "MESSAGE"


@pytest.mark.parametrize(
    ("parser", "head"),
    [
        (JournaldJsonParser, b'{"level":"info","msg":"x","time":"2026-11-27T02:45:00Z"}\n'),
        (JournaldExportParser, b"type=SYSCALL msg=audit(1.2:3): arch=c000003e\n"),
        (JournaldTextParser, b"2026-11-27T02:10:01.250000+00:00 web-1 sshd[812]: x\n"),
        (JournaldTextParser, b'time="2026-11-27T02:31:07Z" level=info msg="x"\n'),
    ],
)
def test_sniff_refuses_other_formats(parser, head):
    assert not parser.sniff(head)


_LINES = st.lists(
    st.one_of(
        st.binary(max_size=50),
        st.text(max_size=50).map(str.encode),
        st.sampled_from(
            [
                b'{"__REALTIME_TIMESTAMP":"1795745401000000","MESSAGE":[1,2,300]}',
                b'{"__REALTIME_TIMESTAMP":"x","_TRANSPORT":"audit","_AUDIT_ID":"1","MESSAGE":"SYSCALL a"}',
                b"{",
                b"}",
                b"[",
                b"]",
                b"__REALTIME_TIMESTAMP=1795745401000000",
                b"MESSAGE",
                b"\x02\x00\x00\x00\x00\x00\x00\x00ab",
                b"",
                b"-- Reboot --",
                b"Dec 31 23:59:59 h audit[1]: SERVICE_START pid=1",
                b"Feb 29 00:00:00 h x: y",
            ]
        ),
    ),
    max_size=12,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=_LINES,
    parser=st.sampled_from([JournaldJsonParser, JournaldExportParser, JournaldTextParser]),
    block_lines=st.integers(min_value=1, max_value=4),
    final=st.booleans(),
)
def test_any_input_parses_or_is_rejected_with_a_reason(
    lines, parser, block_lines, final, run_parser, check_accounting
):
    data = b"\n".join(lines)
    out, resume = run_parser(parser, data, block_lines=block_lines, final=final, year=2026)
    assert resume <= len(data)
    if final:
        assert resume == len(data)
    check_accounting(out, data, resume)


def test_kernel_printk_audit_record_goes_to_the_auditd_parser(run_parser):
    line = (
        b'{"__REALTIME_TIMESTAMP":"1795745401200000","_TRANSPORT":"kernel","_HOSTNAME":"web-1",'
        b'"SYSLOG_IDENTIFIER":"kernel","MESSAGE":"audit: type=1400 audit(1795745401.123:45): '
        b'apparmor=\\"DENIED\\" operation=\\"open\\" profile=\\"docker-default\\" '
        b'name=\\"/etc/shadow\\" pid=4242 comm=\\"cat\\""}\n'
    )
    out, _ = run_parser(JournaldJsonParser, line)
    assert [(r["type"], r["audit_event_id"], r["device_hostname"]) for r in out.auditd_records] == [
        ("AVC", "1795745401.123:45", "web-1")
    ]
    assert [e["source_type"] for e in out.events] == ["auditd"]


@pytest.mark.parametrize("transport", ['"_TRANSPORT":"syslog",', ""])
def test_an_audit_record_logged_under_the_kernels_name_is_no_audit_record(run_parser, transport):
    # `logger -t kernel "audit: type=1105 ..."`; without _TRANSPORT (`--output-fields`)
    # the entry cannot tell who sent it either
    line = (
        b'{"__REALTIME_TIMESTAMP":"1795745401200000",' + transport.encode() + b'"_UID":"1003",'
        b'"SYSLOG_IDENTIFIER":"kernel","MESSAGE":"audit: type=1105 audit(1795745401.123:45): '
        b'pid=1 uid=0 auid=1003 ses=9 msg=\'op=PAM:session_open acct=\\"alice\\" res=success\'"}\n'
    )
    out, _ = run_parser(JournaldJsonParser, line)
    assert out.auditd_records == []
    assert [e["source_type"] for e in out.events] == ["journald"]


def test_json_seq_record_separators_are_accepted(run_parser):
    data = b'\x1e{"__REALTIME_TIMESTAMP":"1795745401000000","MESSAGE":"a"}\n'
    assert JournaldJsonParser.sniff(data)
    out, _ = run_parser(JournaldJsonParser, data)
    assert [(e["message"], e["source_length"]) for e in out.events] == [("a", len(data))]


_FIELD_NAMES = st.sampled_from(
    [
        "__REALTIME_TIMESTAMP",
        "_SOURCE_REALTIME_TIMESTAMP",
        "MESSAGE",
        "_PID",
        "_UID",
        "PRIORITY",
        "_AUDIT_LOGINUID",
        "_TRANSPORT",
        "_AUDIT_ID",
        "_AUDIT_TYPE_NAME",
        "SYSLOG_IDENTIFIER",
        "_SYSTEMD_UNIT",
        "CONTAINER_ID",
        "X",
    ]
)
_FIELD_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["audit", "kernel", "dockerd", "docker.service", "1795745401000000", "²", "7"]),
    st.sampled_from(
        ["audit: type=1400 audit(1.2:3): a=b", "SYSCALL arch=c000003e", 'time="x" msg=1']
    ),
    st.none(),
    st.lists(st.integers(min_value=0, max_value=255), max_size=8),
    st.lists(st.one_of(st.text(max_size=5), st.lists(st.integers(0, 255), max_size=3)), max_size=3),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.lists(st.dictionaries(_FIELD_NAMES, _FIELD_VALUES, max_size=8), max_size=6))
def test_any_json_entry_becomes_a_row_or_a_reject(entries, run_parser, check_accounting):
    data = b"".join(orjson.dumps(e) + b"\n" for e in entries)
    out, resume = run_parser(JournaldJsonParser, data)
    assert resume == len(data)
    check_accounting(out, data, resume)


def test_timestamp_past_year_9999_is_rejected_not_a_crash(run_parser):
    line = b'{"__REALTIME_TIMESTAMP":"999999999999999999","MESSAGE":"x"}\n'
    out, _ = run_parser(JournaldJsonParser, line)
    assert [r["reason"] for r in out.rejects] == [
        "journal entry with a timestamp outside years 1..9999"
    ]


@pytest.mark.parametrize(
    ("cls", "record"),
    [
        (JournaldJsonParser, b'{"__REALTIME_TIMESTAMP":"1795745621000000","MESSAGE":"x"}\n'),
        (JournaldTextParser, b"2026-11-27T02:13:41+0000 web-1 sshd[7]: x\n"),
    ],
)
def test_run_of_blank_lines_is_one_reject_spanning_all_of_them(
    run_parser, check_accounting, cls, record
):
    data = record + b"\n \n\n" + record
    out, resume = run_parser(cls, data)
    check_accounting(out, data, resume)
    assert [(r["source_offset"], r["source_length"], r["reason"]) for r in out.rejects] == [
        (len(record), 4, "blank lines")
    ]
    assert len(out.events) == 2


def test_short_year_comes_from_the_files_mtime_when_ingest_names_no_year(run_parser):
    line = b"Mar 02 10:00:00 web-1 sshd[7]: x\n"
    written = datetime(2024, 3, 5, tzinfo=UTC)
    out, _ = run_parser(JournaldTextParser, line, reference_time=written)
    assert [e["time"] for e in out.events] == [datetime(2024, 3, 2, 10, tzinfo=UTC)]


def test_numbers_too_large_for_their_columns_are_null_not_a_failed_batch(run_parser):
    # user fields (SYSLOG_PID, PRIORITY) are the sender's text: past int64 they failed
    # the whole batch's write, past 4300 digits int() raised out of feed()
    entry = {
        "__REALTIME_TIMESTAMP": "1700000000000000",
        "MESSAGE": "hi",
        "_PID": "9" * 20,
        "SYSLOG_PID": "9" * 5000,
        "_UID": "9223372036854775808",
        "_AUDIT_LOGINUID": "9" * 30,
        "PRIORITY": "9" * 5000,
    }
    out, _ = run_parser(JournaldJsonParser, orjson.dumps(entry) + b"\n")
    (row,) = out.events
    assert [row[c] for c in ("process_pid", "process_uid", "process_auid", "severity")] == [
        None,
        None,
        None,
        None,
    ]
    assert out.rejects == []
    entry.update(_PID="9223372036854775807", _UID="0")
    out, _ = run_parser(JournaldJsonParser, orjson.dumps(entry) + b"\n")
    assert [out.events[0][c] for c in ("process_pid", "process_uid")] == [2**63 - 1, 0]


def _sent(ident: str, message: str, uid: str, exe: str | None, **more: str) -> bytes:
    """One journald JSON entry: `ident` is what the sender claims, _UID/_EXE who it is."""
    entry = {
        "__REALTIME_TIMESTAMP": "1795745882000000",
        "_HOSTNAME": "web-2",
        "_TRANSPORT": "syslog",
        "SYSLOG_IDENTIFIER": ident,
        "MESSAGE": message,
        "_UID": uid,
        "_PID": "4242",
        **({"_EXE": exe, "_COMM": exe.rsplit("/", 1)[-1]} if exe else {}),
        **more,
    }
    return orjson.dumps(entry) + b"\n"


ACCEPTED = "Accepted password for alice from 203.0.113.9 port 50122 ssh2"
SUDO = "alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/auditctl -D"
PAM_FAILURE = (
    "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
    "rhost=203.0.113.9  user=alice"
)
KILLED = "auditd.service: Main process exited, code=killed, status=9/KILL"


@pytest.mark.parametrize(
    ("ident", "message", "uid", "exe"),
    [
        # `logger -t sshd ...` by bob
        ("sshd", ACCEPTED, "1003", "/usr/bin/logger"),
        # a copy of logger named like the program
        ("sudo", SUDO, "1003", "/tmp/sudo"),
        ("sudo", SUDO, "1003", "/usr/bin/python3"),
        # a PAM module's message, under any name
        ("cron", PAM_FAILURE, "1003", "/usr/bin/logger"),
        ("backup", PAM_FAILURE, "1003", "/usr/bin/logger"),
        # bob's own systemd (the user manager) killing his own unit named auditd.service
        ("systemd", KILLED, "1003", "/usr/lib/systemd/systemd"),
        ("usermod", "add 'carol' to group 'docker'", "1003", None),
    ],
    ids=["sshd", "sudo-copy", "sudo-python", "pam-as-cron", "pam-any", "user-systemd", "usermod"],
)
def test_a_program_named_by_a_user_who_is_not_it_is_not_believed(
    run_parser, ident: str, message: str, uid: str, exe: str | None
) -> None:
    """Any local user can send a journal message under any name; journald records who
    sent it (_UID, _EXE), which the sender cannot choose. A message claiming a program
    that runs as root, from another uid, or a setuid program's, not from its installed
    file, is kept as the sender's own text: normalizing it made a login, a sudo command
    or a group change of whoever the text named."""
    out, _ = run_parser(JournaldJsonParser, _sent(ident, message, uid, exe))
    [row] = out.events
    assert (row["class_uid"], row["app_name"], row.get("user_name")) == (0, None, None)
    assert row["unmapped"]["identifier_not_sender"] == "true"
    assert row["unmapped"]["SYSLOG_IDENTIFIER"] == ident
    assert (row["process_uid"], row["process_file_path"]) == (int(uid), exe)


@pytest.mark.parametrize(
    ("ident", "message", "uid", "exe", "class_uid"),
    [
        ("sshd", ACCEPTED, "0", "/usr/sbin/sshd", 3002),
        # root may have exited before journald read /proc: no _EXE
        ("sshd", ACCEPTED, "0", None, 3002),
        # sudo and su are setuid: the invoking user's uid, their installed file
        ("sudo", SUDO, "1001", "/usr/bin/sudo", 1007),
        (
            "su",
            "pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1001)",
            "1001",
            "/bin/su",
            3002,
        ),
        # sshd's session process logs as the user it logged in (no relay through root)
        (
            "sshd",
            "Disconnected from user bob 203.0.113.9 port 50122",
            "1003",
            "/usr/sbin/sshd",
            3002,
        ),
        (
            "sshd-session",
            "Disconnected from user bob 203.0.113.9 port 50122",
            "1003",
            "/usr/lib/openssh/sshd-session",
            3002,
        ),
        # messages no normalizer reads are left as they are
        ("backup", "done", "1003", "/usr/bin/logger", 0),
    ],
    ids=["sshd", "sshd-no-exe", "sudo", "su", "sshd-as-user", "sshd-session-as-user", "other"],
)
def test_a_program_s_own_messages_are_still_read(
    run_parser, ident: str, message: str, uid: str, exe: str | None, class_uid: int
) -> None:
    out, _ = run_parser(JournaldJsonParser, _sent(ident, message, uid, exe))
    [row] = out.events
    assert (row["class_uid"], row["app_name"]) == (class_uid, ident)
    assert "identifier_not_sender" not in (row.get("unmapped") or {})


def test_dockerd_lines_from_another_program_are_not_the_daemon_s(run_parser) -> None:
    """`systemd-cat -t dockerd` by bob: the create it describes is no create of the
    daemon. Rootless docker's own daemon (the user's, from its installed file) still is."""
    create = 'time="2026-11-27T02:18:02.000000000Z" level=debug msg="Calling POST /v1.43/containers/create?name=pwn"'
    forged, _ = run_parser(JournaldJsonParser, _sent("dockerd", create, "1003", "/usr/bin/cat"))
    rootless, _ = run_parser(
        JournaldJsonParser, _sent("dockerd", create, "1003", "/usr/bin/dockerd")
    )
    assert [(r["source_type"], r["app_name"]) for r in forged.events] == [("journald", None)]
    assert [r["source_type"] for r in rootless.events] == ["dockerd"]


def test_a_normalizer_s_process_columns_keep_what_journald_recorded(run_parser) -> None:
    """sudo's line names the command it ran; the sender's _EXE and _CMDLINE stay."""
    data = _sent("sudo", SUDO, "0", "/usr/bin/sudo", _CMDLINE="sudo auditctl -D")
    ([row],) = [run_parser(JournaldJsonParser, data)[0].events]
    assert row["process_cmd_line"] == "/usr/sbin/auditctl -D"
    assert (row["unmapped"]["_EXE"], row["unmapped"]["_CMDLINE"]) == (
        "/usr/bin/sudo",
        "sudo auditctl -D",
    )
