"""Inputs a fuzzer found that stopped a run: each now parses, or is a reject with a reason.

Log content is attacker-controlled: `logger` writes any syslog line, a Docker API client
chooses what dockerd logs, and a crafted export file can hold anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from auditlake.parsers.base import SourceContext
from auditlake.parsers.docker_events import DockerEventsParser
from auditlake.parsers.dockerd import DockerdParser
from auditlake.parsers.journald import JournaldJsonParser
from auditlake.parsers.journald.text_format import JournaldTextParser
from auditlake.parsers.syslog import MAX_PAIRED_HOSTS, SyslogParser

REFERENCE = datetime(2024, 12, 1, tzinfo=UTC)  # the year of the syslog lines
NESTED = b"[" * 1000 + b"]" * 1000  # deeper than Python's JSON decoder goes


@pytest.mark.parametrize(
    "line",
    [
        b"Jun  1 10:00:00 host sshd[\xc2\xb2]: hi\n",  # superscript two: a digit to isdigit()
        b"<13>1 2024-06-01T10:00:00Z host sshd \xc2\xb2 - - hello\n",
    ],
)
def test_a_pid_of_other_digits_is_no_pid(line, run_parser, check_accounting):
    out, resume = run_parser(SyslogParser, line, reference_time=REFERENCE)
    check_accounting(out, line, resume)
    [row] = out.events
    assert row.get("process_pid") is None and row["app_name"] == "sshd"


@pytest.mark.parametrize(
    ("parser", "line"),
    [
        (DockerdParser, b'{"msg":"a\\ud800b","level":"info","time":"2024-01-01T00:00:00Z"}\n'),
        (
            SyslogParser,
            b'Jun  1 10:00:00 host dockerd[1]: {"msg":"a\\ud800b","level":"info",'
            b'"time":"2024-01-01T00:00:00Z"}\n',
        ),
        (
            DockerEventsParser,
            b'{"Type":"container","Action":"start","time":1,"Actor":{"ID":"a\\udc00b"}}\n',
        ),
    ],
)
def test_a_lone_surrogate_escape_reads_as_go_reads_it(parser, line, run_parser):
    # run_parser builds the Arrow batch, which refused the surrogate Python's json kept
    out, _ = run_parser(parser, line, reference_time=REFERENCE)
    [row] = out.events
    assert "a\ufffdb" in (row.get("message"), row.get("container_uid"))


@pytest.mark.parametrize(
    ("parser", "line"),
    [
        (DockerdParser, b'{"msg":"x","level":"info","time":"2024-01-01T00:00:00Z","a":%s}\n'),
        (DockerdParser, b'time="2024-01-01T00:00:00Z" level=debug msg="form data: %s"\n'),
        (DockerEventsParser, b'{"Type":"container","Action":"start","time":1,"a":%s}\n'),
        (
            SyslogParser,
            b'Jun  1 10:00:00 web-1 dockerd[1]: {"msg":"x","level":"info",'
            b'"time":"2024-01-01T00:00:00Z","a":%s}\n',
        ),
    ],
)
def test_json_nested_too_deep_is_a_row_or_a_reject(parser, line, run_parser, check_accounting):
    data = line % NESTED
    out, resume = run_parser(parser, data, reference_time=REFERENCE)
    check_accounting(out, data, resume)
    assert not [r for r in out.rejects if r["reason"].startswith("parser error")]
    assert not [e for e in out.events if "parser_error" in (e.get("unmapped") or {})]


def test_a_journal_field_nested_deeper_than_orjson_writes_is_a_reject(run_parser):
    data = b'{"__REALTIME_TIMESTAMP":"1","X":' + b"[" * 257 + b"]" * 257 + b"}\n"
    out, _ = run_parser(JournaldJsonParser, data)
    [rejected] = out.rejects
    assert rejected["reason"] == "a field holds JSON nested too deep to keep"


def test_short_journal_times_past_year_9999_are_no_times(run_parser, check_accounting):
    # each December -> January adds a year; west of UTC, 9999's last hours overflow
    data = b"Dec 31 23:00:00 h a: x\nJan 01 00:00:00 h a: y\n" * 7980
    out, resume = run_parser(JournaldTextParser, data, tz=ZoneInfo("America/New_York"))
    check_accounting(out, data, resume)
    assert out.rejects and out.events


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_dockerd_pairings_are_kept_for_a_bounded_number_of_hosts(run_parser):
    # a remote sender names its host: one pairing per name was kept, without a bound
    calling = 'dockerd[1]: time="2024-01-01T00:00:00Z" level=debug msg="Calling POST /v1.41/containers/create?name=c"'
    form = (
        'dockerd[1]: time="2024-01-01T00:00:00Z" level=debug msg="form data: {\\"Image\\":\\"x\\"}"'
    )
    lines = [f"Jun  1 10:00:00 h{i} {calling}" for i in range(5000)]
    lines += [f"Jun  1 10:00:01 h4999 {form}", f"Jun  1 10:00:01 h0 {form}"]
    parser = SyslogParser(SourceContext("x", file_id="x", reference_time=REFERENCE))
    parser.feed("".join(f"{line}\n" for line in lines).encode(), 0)
    parser.finish(True)
    assert len(parser._pairing) <= MAX_PAIRED_HOSTS
    rows = parser.drain().all_events()
    assert rows[-2]["container_name"] == "c"  # the host seen last keeps its pairing
    assert "container_name" not in rows[-1]  # the oldest's was dropped
