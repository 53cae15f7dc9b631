"""What a parser fails on (a bug) is kept, flagged, and never stops the run.

Each test makes one normalizer raise on one input, as a bug would, and checks that the
input is still there (a reject, or a Base Event with `parser_error`), that every other
line gives its usual row, and that ingest publishes the file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from auditlake.parsers import dockerd, dockerd_columns, programs
from auditlake.parsers.auditd import normalize
from auditlake.parsers.auditd.parser import AuditdParser
from auditlake.parsers.dockerd import DockerdParser
from auditlake.parsers.journald import entry
from auditlake.parsers.journald.json_format import JournaldJsonParser
from auditlake.parsers.syslog import SyslogParser
from auditlake.queries.connection import connect
from click.testing import CliRunner

from auditlake.cli import cli

DOCKERD = (
    b'time="2026-01-01T00:00:00Z" level=info msg="Loading containers: start."\n'
    b'time="2026-01-01T00:00:01Z" level=debug msg="form data: {\\"Image\\":\\"trigger\\"}"\n'
    b'time="2026-01-01T00:00:02Z" level=info msg="Loading containers: done."\n'
)
SUDO = "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id"
SYSLOG = (
    b"Jan  1 00:00:00 web-1 sshd[10]: Accepted password for bob from 10.0.0.1 port 22 ssh2\n"
    b"Jan  1 00:00:01 web-1 sudo[11]: " + SUDO.encode() + b"\n"
    b"Jan  1 00:00:02 web-1 cron[12]: (root) CMD (true)\n"
)
_REFERENCE = datetime(2026, 6, 1, tzinfo=UTC)  # the year of the syslog lines
JOURNAL = (
    b'{"__REALTIME_TIMESTAMP":"1767225600000000","_HOSTNAME":"web-1","MESSAGE":"one"}\n'
    b'{"__REALTIME_TIMESTAMP":"1767225601000000","_HOSTNAME":"web-1","MESSAGE":"trigger"}\n'
    b'{"__REALTIME_TIMESTAMP":"1767225602000000","_HOSTNAME":"web-1","MESSAGE":"three"}\n'
)
AUDIT = (
    b"type=USER_CMD msg=audit(1767225600.000:1): pid=1 uid=0 msg='cmd=\"id\" res=success'\n"
    b"type=SYSCALL msg=audit(1767225601.000:2): arch=c000003e syscall=59 success=yes exit=0 "
    b'pid=2 uid=0 auid=1000 ses=1 comm="x" exe="/usr/bin/x" key="trigger"\n'
    b'type=EXECVE msg=audit(1767225601.000:2): argc=1 a0="x"\n'
    b"type=PROCTITLE msg=audit(1767225601.000:2): proctitle=78\n"
)


def _failing_on(real: Any, marker: str) -> Any:
    """Wrap `real` to raise, as a bug would, when its arguments mention `marker`."""

    def failing(*args: Any, **kwargs: Any) -> Any:
        if marker in repr(args):
            raise KeyError(marker)
        return real(*args, **kwargs)

    return failing


@pytest.mark.parametrize("block_lines", [None, 1])
def test_a_dockerd_line_the_parser_fails_on_is_a_reject_and_the_others_rows(
    monkeypatch, run_parser, check_accounting, block_lines
):
    real = dockerd.normalize_dockerd_message
    monkeypatch.setattr(dockerd, "normalize_dockerd_message", _failing_on(real, "trigger"))
    out, resume = run_parser(DockerdParser, DOCKERD, block_lines=block_lines)
    check_accounting(out, DOCKERD, resume)
    assert [e["message"] for e in out.events] == [
        "Loading containers: start.",
        "Loading containers: done.",
    ]
    [rejected] = out.rejects
    assert rejected["raw"] == DOCKERD.splitlines(keepends=True)[1]
    assert rejected["reason"].startswith("parser error (a bug: please report it): KeyError")


def test_a_failing_column_scan_leaves_the_block_to_the_line_parser(monkeypatch, run_parser):
    monkeypatch.setattr(dockerd_columns, "scan", lambda *_: None)
    expected, _ = run_parser(DockerdParser, DOCKERD)

    def failing(*_: Any) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(dockerd_columns, "scan", failing)
    out, _ = run_parser(DockerdParser, DOCKERD)
    assert out.events == expected.events and not out.rejects


def test_a_program_message_the_normalizer_fails_on_stays_a_flagged_base_event(
    monkeypatch, run_parser, check_accounting
):
    monkeypatch.setitem(
        programs._HANDLERS, "sudo", _failing_on(programs._HANDLERS["sudo"], "COMMAND")
    )
    programs._remembered.cache_clear()
    try:
        out, resume = run_parser(SyslogParser, SYSLOG, reference_time=_REFERENCE)
    finally:
        programs._remembered.cache_clear()
    check_accounting(out, SYSLOG, resume)
    assert not out.rejects
    sshd, sudo, cron = out.events
    assert (sshd["class_uid"], cron["class_uid"]) == (3002, 1007)
    assert (sudo["class_uid"], sudo["app_name"], sudo["message"]) == (0, "sudo", SUDO)
    assert sudo["unmapped"]["parser_error"].startswith("parser error (a bug")


def test_a_dockerd_message_syslog_carries_that_fails_stays_a_flagged_base_event(
    monkeypatch, run_parser, check_accounting
):
    real = dockerd.normalize_dockerd_message
    monkeypatch.setattr(dockerd, "normalize_dockerd_message", _failing_on(real, "trigger"))
    data = b'Jan  1 00:00:00 web-1 dockerd[5]: time="2026-01-01T00:00:00Z" msg="trigger"\n'
    out, resume = run_parser(SyslogParser, data, reference_time=_REFERENCE)
    check_accounting(out, data, resume)
    [row] = out.events
    assert (row["class_uid"], row["source_type"], row["app_name"]) == (0, "dockerd", "dockerd")
    assert row["message"] == data.decode().split(": ", 1)[1].rstrip()
    assert "KeyError" in row["unmapped"]["parser_error"]


def test_a_journal_entry_the_parser_fails_on_is_a_reject(monkeypatch, run_parser, check_accounting):
    monkeypatch.setattr(entry, "_columns", _failing_on(entry._columns, "trigger"))
    out, resume = run_parser(JournaldJsonParser, JOURNAL)
    check_accounting(out, JOURNAL, resume)
    assert [e["message"] for e in out.events] == ["one", "three"]
    [rejected] = out.rejects
    assert rejected["raw"] == JOURNAL.splitlines(keepends=True)[1]
    assert "KeyError" in rejected["reason"]


def test_an_audit_event_the_normalizer_fails_on_keeps_its_records_and_a_base_event(
    monkeypatch, run_parser, check_accounting
):
    monkeypatch.setattr(normalize, "_classify", _failing_on(normalize._classify, "trigger"))
    out, resume = run_parser(AuditdParser, AUDIT)
    check_accounting(out, AUDIT, resume)
    assert not out.rejects
    user_cmd, failed = out.events
    assert user_cmd["class_uid"] != 0 and "parser_error" not in user_cmd["unmapped"]
    assert (failed["class_uid"], failed["audit_event_id"], failed["audit_type"]) == (
        0,
        "1767225601.000:2",
        "SYSCALL",
    )
    assert failed["unmapped"]["parser_error"].startswith("parser error (a bug")
    records = [r for r in out.auditd_records if r["serial"] == 2]
    assert [r["raw"] for r in records] == AUDIT.decode().splitlines()[1:]
    assert {r["fields"]["parser_error"] for r in records} == {failed["unmapped"]["parser_error"]}


def test_ingest_publishes_a_file_with_a_line_the_parser_fails_on(tmp_path: Path, monkeypatch):
    real = dockerd.normalize_dockerd_message
    monkeypatch.setattr(dockerd, "normalize_dockerd_message", _failing_on(real, "trigger"))
    log = tmp_path / "docker.log"
    log.write_bytes(DOCKERD)
    lake = tmp_path / "lake"
    args = ["ingest", str(log), "--lake", str(lake), "--format", "dockerd", "--jobs", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    con = connect(lake)
    assert con.execute("SELECT count(*) FROM events").fetchone() == (2,)
    assert con.execute("SELECT source_offset, left(reason, 12) FROM rejects").fetchall() == [
        (DOCKERD.index(b"time", 1), "parser error")
    ]
