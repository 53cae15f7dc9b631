"""Helpers for ingest tests: sequence-numbered logs, the CLI, and the lake's rows.

The engine is tested with `lineparser.LineParser` (one event per line, '!' lines
rejected), so these tests hold whatever the real parsers do. A sequence-numbered log
(`seq 000001` ...) lets a test check line by line that nothing was lost or doubled,
as rsyslog's test suite does.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from auditlake.queries.connection import connect
from click.testing import CliRunner, Result

from auditlake.cli import cli

FORMAT = "lines"  # registered by auditlake_test_parsers-0.dist-info


def seq_lines(first: int, last: int) -> bytes:
    """Return the lines `seq {first:06d}` .. `seq {last:06d}`."""
    return b"".join(b"seq %06d\n" % i for i in range(first, last + 1))


def append_seq(path: Path, first: int, last: int) -> None:
    """Append the lines `seq {first:06d}` .. `seq {last:06d}` to `path`."""
    with path.open("ab") as f:
        f.write(seq_lines(first, last))


def make_idle(path: Path) -> None:
    """Set mtime a minute back, so ingest treats the file as closed (final)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def ingest_args(lake: Path, *paths: Path, jobs: int = 1) -> list[str]:
    """Return the arguments of `auditlake ingest` with the test parser."""
    return [
        "ingest",
        *map(str, paths),
        "--lake",
        str(lake),
        "--format",
        FORMAT,
        "--jobs",
        str(jobs),
    ]


def ingest(lake: Path, *paths: Path, extra: tuple[str, ...] = (), jobs: int = 1) -> Result:
    """Run `auditlake ingest` in-process with the test parser (one job unless told)."""
    return CliRunner().invoke(cli, [*ingest_args(lake, *paths, jobs=jobs), *extra])


def seq_counts(lake: Path) -> Counter[int]:
    """Return how many events hold each sequence number."""
    con = connect(lake)
    try:
        rows = con.execute("SELECT message FROM events WHERE message LIKE 'seq %'").fetchall()
    finally:
        con.close()
    return Counter(int(m.split()[1]) for (m,) in rows)


def assert_exactly_once(lake: Path, last: int) -> None:
    """Every sequence number 1..last is in the lake exactly once."""
    counts = seq_counts(lake)
    assert sorted(counts) == list(range(1, last + 1))
    assert set(counts.values()) == {1}


def count(lake: Path, sql: str) -> int:
    con = connect(lake)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def verified(lake: Path) -> None:
    """`auditlake verify` passes on the lake."""
    result = CliRunner().invoke(cli, ["verify", "--lake", str(lake)])
    assert result.exit_code == 0, result.output
