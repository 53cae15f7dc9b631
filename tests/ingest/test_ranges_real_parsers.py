"""Syslog, journald JSON, dockerd and docker events logs read in parallel ranges give
exactly the rows of a whole read.

These formats pass state from one record to a later one: an audit event's records
(relayed to the auditd parser), dockerd's `Calling POST` line that names the container
of the `form data` line after it, syslog continuation lines and `last message repeated`,
dockerd lines that take the time of the line before. Each generated log is made of
blocks whose state spans the whole block, so a planned cut almost always falls inside
one: the parser must move it to a block's edge (parsers/cuts.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from auditlake.ingest import pipeline
from auditlake.ingest.readers import read_around
from auditlake.parsers import registry
from auditlake.parsers.docker_events import DockerEventsParser
from auditlake.parsers.dockerd import DockerdParser
from auditlake.parsers.journald import JournaldJsonParser
from auditlake.parsers.syslog import SyslogParser
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from seqlog import make_idle, verified

from auditlake.cli import cli
from auditlake.lake import Lake

RANGE_BYTES = 64 << 10
T = 1795660000  # 2026-11-26T22:26:40Z


def _logrus(i: int, msg: str) -> str:
    stamp = f"2026-11-27T02:{i // 60 % 60:02d}:{i % 60:02d}.{i:09d}Z"
    return f'time="{stamp}" level=debug msg="{msg}"'


def _create(i: int) -> str:
    return f"Calling POST /v1.43/containers/create?name=c{i}"


_FORM = 'form data: {\\"Image\\":\\"alpine\\",\\"HostConfig\\":{\\"Privileged\\":true}}'


def syslog_block(i: int) -> list[str]:
    """Lines whose audit event, API pair and continuation span the block."""
    t = f"Nov 27 02:{i // 60 % 60:02d}:{i % 60:02d}"
    host = f"web-{i % 3}"
    stamp = f"audit({T + i}.{i % 1000:03d}:{1000 + i})"
    return [
        f"{t} {host} audispd: node={host} type=SYSCALL msg={stamp}: syscall=59 pid={i}",
        f"{t} {host} dockerd[812]: {_logrus(i, _create(i))}",
        f"{t} web-9 sshd[{i}]: Accepted password for bob from 10.0.0.{i % 250} port {i} ssh2",
        f"{t} {host} dockerd[812]: {_logrus(i, _FORM)}",
        f"{t} {host} sshd[{i}]: pam_unix(sshd:session): session opened for user bob by (uid=0)",
        "    a continuation of the record before",
        f"{t} {host} last message repeated 3 times",
        *([""] * (i % 3)),  # a run of blank lines is one reject
        f"{t} {host} audispd: node={host} type=PROCTITLE msg={stamp}: proctitle=636174",
    ]


def dockerd_block(i: int) -> list[str]:
    """Lines whose API pair and inferred times span the block."""
    return [
        _logrus(i, _create(i)),
        "containerd-shim output without a time",
        _logrus(i, _FORM),
        f"goroutine {i} [running]:",
        *([""] * (i % 3)),
        "===== init script banner =====",
    ]


def journal_block(i: int) -> list[str]:
    """Entries whose audit event and API pair span the block."""
    base = {"_HOSTNAME": "db-1", "__REALTIME_TIMESTAMP": str((T + i) * 1_000_000)}

    def audit(kind: str, body: str) -> dict[str, str]:
        fields = {"_TRANSPORT": "audit", "_AUDIT_TYPE_NAME": kind, "_AUDIT_ID": str(1000 + i)}
        return {**base, **fields, "MESSAGE": f"{kind} {body}"}

    def dockerd(msg: str) -> dict[str, str]:
        return {**base, "SYSLOG_IDENTIFIER": "dockerd", "MESSAGE": _logrus(i, msg)}

    sshd = {**base, "SYSLOG_IDENTIFIER": "sshd", "MESSAGE": f"Accepted password for bob from 10.0.0.1 port {i} ssh2"}  # fmt: skip
    return [
        json.dumps(audit("SYSCALL", f"syscall=59 pid={i}")),
        json.dumps(dockerd(_create(i))),
        json.dumps(sshd),
        json.dumps(dockerd(_FORM.replace('\\"', '"'))),
        json.dumps(audit("PROCTITLE", "proctitle=636174")),
    ]


def events_block(i: int) -> list[str]:
    return [
        f"2026-11-27T02:00:{i % 60:02d}.000000000Z container start c{i} (image=alpine, name=c{i})",
        *([""] * (i % 3)),
    ]


def _log(block: Callable[[int], list[str]], size: int) -> bytes:
    out: list[str] = []
    i = 0
    while sum(map(len, out)) + len(out) < size:
        out.extend(block(i))
        i += 1
    return "".join(f"{line}\n" for line in out).encode()


def _ingest(lake: Path, log: Path, fmt: str, jobs: int) -> None:
    args = ["ingest", str(log), "--lake", str(lake), "--format", fmt, "--jobs", str(jobs)]
    result = CliRunner().invoke(cli, [*args, "--host", "h", "--tz", "UTC", "--quiet"])
    assert result.exit_code == 0, result.output


def _rows(lake: Path, table: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    glob = str(lake / table / "**" / "*.parquet")
    query = "SELECT * FROM read_parquet($glob, hive_partitioning = false) ORDER BY ALL"
    try:
        return con.execute(query, {"glob": glob}).fetchall()
    except duckdb.IOException:  # no part of this table
        return []


def _moved_cuts(log: Path, fmt: str) -> int:
    """Count the planned cuts (as split_ranges plans them) the parser moved past a line."""
    cls, size = registry.get(fmt), log.stat().st_size
    n = min(4, size // RANGE_BYTES)
    moved = 0
    for k in range(1, n):
        planned = k * (size // n)
        start, window = read_around(log, planned, cls.cut_context)
        cut = cls.find_cut(window, planned - start)
        assert cut is not None and window[cut - 1] == 0x0A
        moved += cut > window.index(b"\n", planned - start - 1) + 1
    return moved


@pytest.mark.parametrize(
    ("fmt", "block"),
    [
        ("syslog", syslog_block),
        ("dockerd", dockerd_block),
        ("journald-json", journal_block),
        ("docker-events", events_block),
    ],
)
def test_log_read_in_ranges_equals_a_whole_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    block: Callable[[int], list[str]],
) -> None:
    log = tmp_path / "input.log"
    log.write_bytes(_log(block, 5 * RANGE_BYTES))
    make_idle(log)
    if fmt != "docker-events":  # its lines stand alone: the next line start will do
        assert _moved_cuts(log, fmt) > 0  # state spanned a planned cut
    whole, ranged = tmp_path / "whole", tmp_path / "ranged"
    _ingest(whole, log, fmt, jobs=1)
    monkeypatch.setattr(pipeline, "RANGE_BYTES", RANGE_BYTES)
    _ingest(ranged, log, fmt, jobs=2)
    parts = Lake(ranged).read_manifest().parts
    assert sum(map(len, parts.values())) > sum(map(len, Lake(whole).read_manifest().parts.values()))
    for table in ("events", "auditd_records", "rejects"):
        assert _rows(ranged, table) == _rows(whole, table)
    verified(ranged)


# A window begins mid-line: its first line is never read (parsers/cuts.py).
PARTIAL = b"the end of a line before the window\n"


def _starts(window: bytes) -> list[int]:
    """Return where the window's whole lines start."""
    return [i + 1 for i, b in enumerate(window) if b == 0x0A][:-1]


def _syslog(*messages: str) -> bytes:
    return PARTIAL + "".join(f"Nov 27 02:00:00 {m}\n" for m in messages).encode()


def test_syslog_cut_keeps_an_api_pair_of_one_host_together() -> None:
    data = _syslog(
        f"web-1 dockerd[812]: {_logrus(1, _create(1))}",
        "web-2 sshd[1]: Connection closed by 10.0.0.1 port 22",
        f"web-1 dockerd[812]: {_logrus(1, _FORM)}",
        f"web-2 dockerd[812]: {_logrus(2, _create(2))}",
        "web-1 sshd[1]: Connection closed by 10.0.0.1 port 22",
        f"web-2 dockerd[812]: {_logrus(2, _FORM)}",
    )
    starts = _starts(data)
    assert SyslogParser.find_cut(data, starts[1]) == starts[3]  # web-2's pair starts there
    assert SyslogParser.find_cut(data, starts[4]) is None


def test_syslog_cut_keeps_an_audit_event_together() -> None:
    stamp = f"audit({T}.000:7)"
    data = _syslog(
        f"web-1 audispd: type=SYSCALL msg={stamp}: syscall=59",
        "web-1 sshd[1]: Connection closed by 10.0.0.1 port 22",
        f'web-1 audispd: type=PATH msg={stamp}: item=0 name="/etc/shadow"',
        "web-1 sshd[1]: Connection closed by 10.0.0.1 port 22",
    )
    starts = _starts(data)
    assert SyslogParser.find_cut(data, starts[1]) == starts[3]


def test_syslog_cut_keeps_an_event_whose_record_holds_another_stamp_first() -> None:
    stamp = f"audit({T}.000:7)"
    data = _syslog(
        f"web-1 audispd: type=audit(9.000:9) msg={stamp}: syscall=59",  # type is any word
        "web-1 sshd[1]: Connection closed by 10.0.0.1 port 22",
        f"web-1 audispd: type=PATH msg={stamp}: item=0",
        "web-1 sshd[1]: Connection closed by 10.0.0.1 port 22",
    )
    starts = _starts(data)
    assert SyslogParser.find_cut(data, starts[1]) == starts[3]


def test_syslog_never_cuts_at_a_continuation_or_repeat_line() -> None:
    lines = [
        PARTIAL,
        b"Nov 27 02:00:00 web-1 sshd[1]: Accepted password for bob from 10.0.0.1 port 1 ssh2\n",
        b"    a continuation\n",
        b"Nov 27 02:00:01 web-1 last message repeated 2 times\n",
        b"Feb 29 02:00:02 web-1 sshd[1]: a date that is not valid every year\n",
        b"Nov 27 02:00:03 web-1 sshd[1]: the first line that owes nothing before it\n",
        b"Nov 27 02:00:04 web-1 sshd[1]: tail\n",
    ]
    data = b"".join(lines)
    assert SyslogParser.find_cut(data, len(b"".join(lines[:2]))) == len(b"".join(lines[:5]))


def test_dockerd_cut_is_at_a_timed_line_that_takes_no_pairing() -> None:
    data = PARTIAL + _log(dockerd_block, 4096)
    starts = _starts(data)
    block = len(dockerd_block(0))
    assert DockerdParser.find_cut(data, starts[1]) == starts[block]  # the next Calling line


def test_journald_cut_keeps_an_audit_event_and_an_api_pair_together() -> None:
    data = PARTIAL + _log(journal_block, 8192)
    starts = _starts(data)
    for at in starts[1:5]:
        assert JournaldJsonParser.find_cut(data, at) == starts[5]


def test_journald_cut_is_never_inside_a_pretty_printed_entry() -> None:
    entry = {"__REALTIME_TIMESTAMP": str(T * 1_000_000), "MESSAGE": "hello"}
    pretty = json.dumps(entry, indent=1).encode() + b"\n"
    data = PARTIAL + b"[\n" + b",\n".join([pretty] * 20) + b"]\n"
    starts = _starts(data)
    cut = JournaldJsonParser.find_cut(data, starts[3])
    assert cut is not None and data[cut:].startswith(b"{\n")


def test_line_parser_never_cuts_inside_a_run_of_blank_lines() -> None:
    line = b"2026-11-27T02:00:00.000000000Z container start c1 (name=c1)\n"
    data = PARTIAL + line + b"\n \n\n" + line
    assert DockerEventsParser.find_cut(data, len(PARTIAL + line) + 1) == len(data) - len(line)


_PIECES = [
    *(line.encode() for i in (0, 1) for line in syslog_block(i)),
    *(line.encode() for line in dockerd_block(0)),
    *(line.encode() for line in journal_block(0)),
    b"{",
    b"}",
    b",",
    b"[",
    b"",
    b" ",
]


@settings(max_examples=200, deadline=None)
@given(
    fmt=st.sampled_from(["syslog", "dockerd", "journald-json", "docker-events"]),
    pieces=st.lists(st.one_of(st.sampled_from(_PIECES), st.binary(max_size=40)), max_size=30),
    at=st.integers(min_value=0, max_value=4000),
)
def test_any_window_is_cut_at_a_line_start_at_or_after_the_planned_place(
    fmt: str, pieces: list[bytes], at: int
) -> None:
    window = b"\n".join(pieces)
    cut = registry.get(fmt).find_cut(window, at)
    assert cut is None or (at <= cut < len(window) and window[cut - 1] == 0x0A)


def test_a_find_cut_that_fails_leaves_fewer_ranges_not_a_failed_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "input.log"
    log.write_bytes(_log(syslog_block, 5 * RANGE_BYTES))
    make_idle(log)
    whole, ranged = tmp_path / "whole", tmp_path / "ranged"
    _ingest(whole, log, "syslog", jobs=1)

    def failing(window: bytes, at: int) -> int | None:
        raise RecursionError("a bug")

    monkeypatch.setattr(SyslogParser, "find_cut", staticmethod(failing))
    monkeypatch.setattr(pipeline, "RANGE_BYTES", RANGE_BYTES)
    _ingest(ranged, log, "syslog", jobs=2)
    for table in ("events", "auditd_records", "rejects"):
        assert _rows(ranged, table) == _rows(whole, table)
    verified(ranged)
