"""An audit log read in parallel ranges gives exactly the rows of a whole read.

Records of one event may interleave with another's, so the auditd parser cuts only
where no event key spans (parsers/auditd/cuts.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from auditlake.ingest import pipeline
from auditlake.parsers.auditd.assemble import MAX_RECORDS
from auditlake.parsers.auditd.parser import AuditdParser
from click.testing import CliRunner
from seqlog import make_idle, verified

from auditlake.cli import cli
from auditlake.lake import Lake


def record(kind: str, serial: int, body: str = "") -> bytes:
    stamp = f"{1795651548 + serial // 50}.{serial % 1000:03d}:{serial}"
    return f"type={kind} msg=audit({stamp}): {body or f'pid={serial}'}\n".encode()


def interleaved_log(first: int, events: int) -> bytes:
    """SYSCALL, CWD, PATH, PROCTITLE events; an odd event's PROCTITLE follows the next SYSCALL."""
    out = []
    for serial in range(first, first + events):
        out.append(record("SYSCALL", serial, f'syscall=257 success=yes pid={serial} comm="cat"'))
        if serial % 2 == 0:
            out.append(record("PROCTITLE", serial - 1, "proctitle=636174"))
        out.append(record("CWD", serial, 'cwd="/root"'))
        out.append(record("PATH", serial, f'item=0 name="/etc/f{serial}" nametype=NORMAL'))
        if serial % 2 == 0:
            out.append(record("PROCTITLE", serial, "proctitle=636174"))
    return b"".join(out)


def line_starts(data: bytes) -> list[int]:
    return [0, *(i + 1 for i, b in enumerate(data) if b == 0x0A)][:-1]


def test_cut_falls_after_the_event_that_spans_the_planned_place() -> None:
    data = interleaved_log(1, 6000)  # 24,000 records, 8 lines per pair of events
    starts = line_starts(data)
    # line 8k+4 is event 2k+1's PROCTITLE, after event 2k+2's SYSCALL: the two overlap
    cut = AuditdParser.find_cut(data, starts[12004])
    assert cut == starts[12008]  # the next pair's SYSCALL, the first line no event spans
    before, after = data[:cut], data[cut:]
    keys = [line.split(b"(", 1)[1].split(b")")[0] for line in data.splitlines()]
    assert not {k for k in keys if k in before} & {k for k in keys if k in after}


def test_no_cut_without_the_assemblers_horizon_of_records_on_each_side() -> None:
    # the assembler may keep an event open for MAX_RECORDS records: fewer on a side of a
    # cut, and an event beyond the window could still span it
    data = interleaved_log(1, MAX_RECORDS // 4 + 500)
    assert AuditdParser.find_cut(data, len(data) // 2) is None
    one_event = b"".join(record("PATH", 7, f"item={i}") for i in range(3 * MAX_RECORDS))
    assert AuditdParser.find_cut(one_event, len(one_event) // 2) is None


def test_lines_that_are_no_records_do_not_count_towards_the_horizon() -> None:
    junk = b"x" * 200 + b"\n"
    data = interleaved_log(1, 100) + junk * 30_000 + interleaved_log(101, 100)
    assert AuditdParser.find_cut(data, len(data) // 2) is None


def test_window_starting_mid_line_is_cut_at_a_whole_record_line() -> None:
    data = interleaved_log(1, 6000)
    window = data[37:]  # inside the first line
    cut = AuditdParser.find_cut(window, len(window) // 2)
    assert cut is not None and window[cut - 1] == 0x0A
    assert window[cut:].startswith(b"type=")


def _ingest(lake: Path, log: Path, jobs: int) -> None:
    args = ["ingest", str(log), "--lake", str(lake), "--format", "auditd", "--jobs", str(jobs)]
    result = CliRunner().invoke(cli, [*args, "--host", "web-1", "--quiet"])
    assert result.exit_code == 0, result.output


def _rows(lake: Path, table: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    glob = str(lake / table / "**" / "*.parquet")
    query = "SELECT * FROM read_parquet($glob, hive_partitioning = false) ORDER BY ALL"
    return con.execute(query, {"glob": glob}).fetchall()


def test_audit_log_read_in_ranges_equals_a_whole_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "audit.log"
    log.write_bytes(interleaved_log(1, 3000) + b"garbage\n" + interleaved_log(3001, 3000)[:-9])
    make_idle(log)
    whole, ranged = tmp_path / "whole", tmp_path / "ranged"
    _ingest(whole, log, jobs=1)
    monkeypatch.setattr(pipeline, "RANGE_BYTES", 64 << 10)
    _ingest(ranged, log, jobs=2)
    assert len(Lake(ranged).read_manifest().parts["auditd_records"]) > 1  # really split
    for table in ("events", "auditd_records", "rejects"):
        assert _rows(ranged, table) == _rows(whole, table)
    verified(ranged)


def test_records_of_one_event_far_apart_stay_one_event_when_read_in_ranges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by fuzzing: two records of one stamp with 2.2 MB of lines that are no records
    # between them are one event in a whole read (rejects do not close events); a cut
    # between them split it in two.
    log = tmp_path / "audit.log"
    junk = b"not an audit record " * 10 + b"\n"
    log.write_bytes(
        record("SYSCALL", 5, "syscall=59 pid=5")
        + junk * 11_000
        + record("CWD", 6, 'cwd="/"')
        + record("EXECVE", 5, 'argc=1 a0="ls"')
    )
    make_idle(log)
    whole, ranged = tmp_path / "whole", tmp_path / "ranged"
    _ingest(whole, log, jobs=1)
    monkeypatch.setattr(pipeline, "RANGE_BYTES", 64 << 10)
    _ingest(ranged, log, jobs=2)
    for table in ("events", "auditd_records", "rejects"):
        assert _rows(ranged, table) == _rows(whole, table)
    assert len(_rows(ranged, "events")) == 2  # the SYSCALL+EXECVE event, and the CWD
