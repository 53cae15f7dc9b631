"""Hostile and broken inputs: each handled with a clear message, none crashes."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import zlib
from pathlib import Path

import pytest
import zstandard
from auditlake.ingest import worker
from auditlake.ingest.pipeline import locked
from auditlake.ingest.readers import Block
from auditlake.parsers.base import Parser
from auditlake.queries.connection import connect
from click.testing import CliRunner
from seqlog import assert_exactly_once, count, ingest, make_idle, seq_lines, verified

from auditlake.cli import cli
from auditlake.lake import Lake


def test_fifo_is_skipped_with_a_message(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    os.mkfifo(logs / "pipe.log")
    (logs / "app.log").write_bytes(seq_lines(1, 3))
    result = ingest(tmp_path / "lake", logs)
    assert result.exit_code == 0, result.output
    assert f"skipped {logs}/pipe.log: a FIFO, not a regular file" in result.stderr.splitlines()
    assert_exactly_once(tmp_path / "lake", 3)
    verified(tmp_path / "lake")


def test_symlink_loop_is_skipped_with_a_message(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.log").symlink_to(logs / "b.log")
    (logs / "b.log").symlink_to(logs / "a.log")
    (logs / "sub").mkdir()
    (logs / "sub" / "up").symlink_to(logs)  # a directory loop
    (logs / "app.log").write_bytes(seq_lines(1, 3))
    result = ingest(tmp_path / "lake", logs)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert f"skipped {logs}/a.log: unreadable (Too many levels of symbolic links)" in lines
    assert f"skipped {logs}/sub/up: symlink to a directory is not followed" in lines
    assert_exactly_once(tmp_path / "lake", 3)
    verified(tmp_path / "lake")


def test_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    secret = tmp_path / "elsewhere.log"
    secret.write_bytes(seq_lines(1, 3))
    (logs / "link.log").symlink_to(secret)
    result = ingest(tmp_path / "lake", logs)
    assert result.exit_code == 0, result.output
    assert (
        f"skipped {logs}/link.log: symlink leaves the root (-> {secret})"
        in result.stderr.splitlines()
    )


def test_line_over_the_limit_is_rejected_with_its_offset_and_not_parsed(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    huge = b"x" * (2 << 20) + b"\n"
    log.write_bytes(seq_lines(1, 3) + huge + seq_lines(4, 6))
    make_idle(log)
    lake = tmp_path / "lake"
    assert ingest(lake, log).exit_code == 0
    con = connect(lake)
    row = con.execute(
        "SELECT source_offset, source_length, reason, octet_length(raw), raw_sha256 FROM rejects"
    ).fetchall()
    assert row == [
        (
            33,
            len(huge),
            f"line of {len(huge)} bytes is over the limit of 1048576 bytes; not parsed",
            4096,
            hashlib.sha256(huge).hexdigest(),
        )
    ]
    assert_exactly_once(lake, 6)
    verified(lake)


def test_long_line_without_newline_at_the_end_of_an_idle_file_is_rejected(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 2) + b"y" * (3 << 20))
    make_idle(log)
    lake = tmp_path / "lake"
    assert ingest(lake, log).exit_code == 0
    assert count(lake, "SELECT source_length FROM rejects") == 3 << 20
    verified(lake)


def test_truncated_gzip_is_read_to_the_cut_with_a_recorded_gap(tmp_path: Path) -> None:
    packed = gzip.compress(seq_lines(1, 20000))
    log = tmp_path / "app.log.1.gz"
    log.write_bytes(packed[: len(packed) // 2])
    lake = tmp_path / "lake"
    result = ingest(lake, log)
    assert result.exit_code == 0, result.output
    con = connect(lake)
    (offset, reason) = con.execute("SELECT source_offset, reason FROM gaps").fetchone() or (0, "")
    assert reason.startswith(
        "gzip stream is truncated (Compressed file ended before the end-of-stream marker was reached); "
        "a partial last line of "
    )
    read = offset // len(b"seq 000001\n")
    assert 0 < read < 20000
    assert_exactly_once(lake, read)
    verified(lake)
    # the whole file arrives later under the same name: the rest is read, once
    log.write_bytes(packed)
    assert ingest(lake, log).exit_code == 0
    assert_exactly_once(lake, 20000)
    verified(lake)


def test_gzip_bomb_is_stopped_with_a_reason(tmp_path: Path) -> None:
    log = tmp_path / "bomb.log.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    with log.open("wb") as f:
        f.write(comp.compress(seq_lines(1, 3)))
        zeros = bytes(1 << 20)
        for _ in range(40):  # 40 MiB of zeros in ~40 KiB
            f.write(comp.compress(zeros))
        f.write(comp.flush())
    lake = tmp_path / "lake"
    result = ingest(lake, log)
    assert result.exit_code == 0, result.output
    (reason,) = connect(lake).execute("SELECT reason FROM gaps").fetchone() or ("",)
    assert "ratio over 200:1 (a decompression bomb?)" in reason
    assert reason.startswith("decompression stopped at ")
    verified(lake)


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [("bz2", bz2.compress), ("xz", lzma.compress), ("zst", zstandard.ZstdCompressor().compress)],
)
def test_compressed_files_are_read_by_their_magic(
    tmp_path: Path, suffix: str, compress: object
) -> None:
    log = tmp_path / f"app.log.3.{suffix}"
    log.write_bytes(compress(seq_lines(1, 50)))  # type: ignore[operator]
    lake = tmp_path / "lake"
    assert ingest(lake, log).exit_code == 0
    assert_exactly_once(lake, 50)


def test_second_concurrent_ingest_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 3))
    lake = Lake(tmp_path / "lake")
    lake.init()
    with locked(lake):
        result = ingest(lake.root, log)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {lake.root}/_state/lock: another ingest or compact is writing this lake "
        f"(pid {os.getpid()}); wait for it to finish\n"
    )
    assert ingest(lake.root, log).exit_code == 0


def test_leftovers_of_a_killed_run_are_deleted(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 3))
    lake = tmp_path / "lake"
    assert ingest(lake, log).exit_code == 0
    stray = lake / "events" / "source_type=syslog" / "event_date=2026-11-27" / "part-dead.parquet"
    stray.write_bytes(b"half a part")
    tmp = stray.with_name(".part-x.parquet.tmp")
    tmp.write_bytes(b"")
    assert ingest(lake, log).exit_code == 0
    assert not stray.exists() and not tmp.exists()
    assert_exactly_once(lake, 3)


def test_strict_stops_at_the_first_reject_and_publishes_nothing(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 3) + b"!bad\n")
    lake = tmp_path / "lake"
    result = ingest(lake, log, extra=("--strict",))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {log}:33: rejected (starts with !); --strict stops at the first reject\n"
    )
    assert count(lake, "SELECT count(*) FROM events") == 0
    assert list(lake.rglob("*.parquet*")) == []  # its staged parts were removed


def test_strict_stops_at_an_over_long_line(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 1) + b"z" * 5000 + b"\n")
    result = ingest(tmp_path / "lake", log, extra=("--strict", "--max-line", "4096"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {log}:11: rejected (line of 5001 bytes is over the limit of 4096 bytes; "
        "not parsed); --strict stops at the first reject\n"
    )


def test_file_deleted_between_planning_and_reading_is_skipped(tmp_path: Path) -> None:
    from auditlake.ingest.pipeline import IngestOptions, plan_run
    from auditlake.ingest.worker import read_plans

    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 3))
    lake = Lake(tmp_path / "lake")
    lake.init()
    options = IngestOptions([log], lake.root, format="lines")
    plans = plan_run(options, lake).plans
    log.unlink()
    result = read_plans(str(lake.root), plans, options.limits)
    assert result.vanished == [(str(log), "vanished (No such file or directory)")]
    assert result.states == []


def test_compressed_file_of_unknown_format_is_one_gap_of_its_decompressed_size(
    tmp_path: Path,
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    data = b"\x00\x01 binary record\n" * 1000
    (logs / "wtmp.1.gz").write_bytes(gzip.compress(data))
    lake = tmp_path / "lake"
    for _ in range(2):  # the second run records the same gap, not a second one
        result = CliRunner().invoke(cli, ["ingest", str(logs), "--lake", str(lake)])
        assert result.exit_code == 0, result.output
    assert count(lake, "SELECT count(*) FROM gaps") == 1
    assert count(lake, "SELECT source_length FROM gaps") == len(data)
    verified(lake)


def test_a_block_of_many_tiny_lines_is_fed_in_parts_with_the_rows_of_one_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a parser holds a row per line until drained: 4 MiB of `!\n` would be 2M rows at once
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(seq_lines(i, i) + b"!\n" * (i % 4) for i in range(1, 101)))
    make_idle(log)
    assert ingest(tmp_path / "whole", log).exit_code == 0
    fed: list[int] = []
    feed = worker._feed

    def counting(parser: Parser, block: Block, source: str) -> None:
        fed.append(block.data.count(b"\n"))
        feed(parser, block, source)

    monkeypatch.setattr(worker, "MAX_FEED_LINES", 7)
    monkeypatch.setattr(worker, "_feed", counting)
    assert ingest(tmp_path / "parts", log).exit_code == 0

    assert max(fed) == 7 and sum(fed) == log.read_bytes().count(b"\n")
    for sql in (
        "SELECT * FROM events ORDER BY source_offset",
        "SELECT * FROM rejects ORDER BY source_offset",
    ):
        whole, parts = (
            connect(tmp_path / lake).execute(sql).fetchall() for lake in ("whole", "parts")
        )
        assert parts == whole
    assert_exactly_once(tmp_path / "parts", 100)
    verified(tmp_path / "parts")
