"""Incremental, exactly-once reading of growing, rotated and compressed files."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from auditlake.ingest import pipeline
from seqlog import (
    append_seq,
    assert_exactly_once,
    count,
    ingest,
    make_idle,
    seq_counts,
    seq_lines,
    verified,
)

from auditlake.lake import Lake


def summary(lake: Path, *paths: Path) -> dict[str, int]:
    result = ingest(lake, *paths, extra=("--json-summary",))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def read_folder_once(tmp_path: Path, last: int) -> tuple[Path, Path, Path]:
    """Write logs/app.log holding seq 1..last and ingest the folder; return it, the log, the lake."""
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"
    log.write_bytes(seq_lines(1, last))
    lake = tmp_path / "lake"
    summary(lake, logs)
    return logs, log, lake


def test_rerun_over_unchanged_tree_adds_no_rows(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "web-1" / "app.log"
    log.parent.mkdir(parents=True)
    log.write_bytes(seq_lines(1, 500) + b"!junk\n")
    lake = tmp_path / "lake"
    assert summary(lake, tmp_path / "logs")["events"] == 500
    manifest = Lake(lake).manifest_path.read_bytes()
    second = summary(lake, tmp_path / "logs")
    assert (second["files"], second["events"], second["rejects"]) == (0, 0, 0)
    assert count(lake, "SELECT count(*) FROM events") == 500
    assert count(lake, "SELECT count(*) FROM rejects") == 1
    assert (
        json.loads(Lake(lake).manifest_path.read_bytes())["parts"] == json.loads(manifest)["parts"]
    )
    verified(lake)


def test_appending_n_lines_adds_exactly_n_events(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 100))
    lake = tmp_path / "lake"
    summary(lake, log)
    append_seq(log, 101, 137)
    added = summary(lake, log)
    assert (added["events"], added["lines"]) == (37, 37)
    assert_exactly_once(lake, 137)
    verified(lake)


def test_logrotate_rename_and_new_file_reads_each_line_once(tmp_path: Path) -> None:
    logs, log, lake = read_folder_once(tmp_path, 100)
    append_seq(log, 101, 150)  # written after the run, before the rotation
    log.rename(logs / "app.log.1")
    log.write_bytes(seq_lines(151, 200))
    summary(lake, logs)
    assert_exactly_once(lake, 200)
    verified(lake)


def test_copytruncate_reads_each_line_once(tmp_path: Path) -> None:
    logs, log, lake = read_folder_once(tmp_path, 100)
    append_seq(log, 101, 150)
    shutil.copyfile(log, logs / "app.log.1")
    with log.open("r+b") as f:
        f.truncate(0)
    log.write_bytes(seq_lines(151, 170))
    assert summary(lake, logs)["gaps"] == 0  # the copy holds what was appended
    assert_exactly_once(lake, 170)
    verified(lake)


def test_gzip_of_an_already_read_file_adds_nothing(tmp_path: Path) -> None:
    logs, log, lake = read_folder_once(tmp_path, 300)
    log.rename(logs / "app.log.1")
    assert summary(lake, logs)["events"] == 0
    data = (logs / "app.log.1").read_bytes()
    (logs / "app.log.2.gz").write_bytes(gzip.compress(data))
    (logs / "app.log.1").unlink()
    assert summary(lake, logs)["events"] == 0
    assert summary(lake, logs)["files"] == 0  # and the third look does not decompress it
    assert_exactly_once(lake, 300)
    verified(lake)


def test_gzip_of_a_partly_read_file_reads_only_the_rest(tmp_path: Path) -> None:
    logs, log, lake = read_folder_once(tmp_path, 300)
    (logs / "app.log.1.gz").write_bytes(gzip.compress(log.read_bytes() + seq_lines(301, 320)))
    log.unlink()
    assert summary(lake, logs)["events"] == 20
    assert_exactly_once(lake, 320)
    verified(lake)


def test_rewrite_in_place_is_read_as_a_new_file_with_a_recorded_gap(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 1000))
    lake = tmp_path / "lake"
    summary(lake, log)
    # same first 4 KiB, different bytes before the saved offset: not the same file
    log.write_bytes(seq_lines(1, 500) + seq_lines(5001, 5600))
    assert summary(lake, log)["gaps"] == 1
    counts = seq_counts(lake)
    assert [counts[i] for i in (1, 500, 501, 1000, 5001, 5600)] == [2, 2, 1, 1, 1, 1]
    con_gaps = count(
        lake, "SELECT count(*) FROM gaps WHERE reason LIKE 'file truncated or rewritten%'"
    )
    assert con_gaps == 1
    verified(lake)


def test_small_file_that_grows_keeps_its_identity(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 1))
    lake = tmp_path / "lake"
    summary(lake, log)
    append_seq(log, 2, 1000)
    summary(lake, log)
    log.rename(tmp_path / "app.log.1")
    assert summary(lake, tmp_path / "app.log.1")["events"] == 0
    assert_exactly_once(lake, 1000)
    assert len(json.loads(Lake(lake).manifest_path.read_bytes())["files"]) == 1


def test_open_record_is_held_back_until_the_file_is_idle(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 10) + b"+may continue\n")
    lake = tmp_path / "lake"
    assert summary(lake, log)["events"] == 10  # written just now: may still grow
    verified(lake)
    make_idle(log)
    assert summary(lake, log)["events"] == 1
    assert count(lake, "SELECT count(*) FROM events WHERE message = '+may continue'") == 1
    verified(lake)


def test_partial_last_line_waits_for_its_newline(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 5) + b"seq 000006")
    lake = tmp_path / "lake"
    assert summary(lake, log)["events"] == 5
    with log.open("ab") as f:
        f.write(b"\n")
    assert summary(lake, log)["events"] == 1
    assert_exactly_once(lake, 6)


def test_partial_last_line_of_an_idle_file_is_read(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 5) + b"seq 000006")
    make_idle(log)
    lake = tmp_path / "lake"
    assert summary(lake, log)["events"] == 6
    assert_exactly_once(lake, 6)
    verified(lake)


def test_parallel_workers_read_every_line_once(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for host in range(4):
        (logs / f"web-{host}").mkdir(parents=True)
        (logs / f"web-{host}" / "app.log").write_bytes(
            seq_lines(host * 1000 + 1, host * 1000 + 1000)
        )
    lake = tmp_path / "lake"
    result = ingest(lake, logs, jobs=2)
    assert result.exit_code == 0, result.output
    assert_exactly_once(lake, 4000)
    hosts = count(lake, "SELECT count(DISTINCT device_hostname) FROM events")
    assert hosts == 4
    verified(lake)


def test_large_file_read_in_ranges_by_two_workers_has_every_line_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "RANGE_BYTES", 4096)
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 3000) + b"!odd\n" + seq_lines(3001, 4000))
    make_idle(log)
    lake = tmp_path / "lake"
    result = ingest(lake, log, extra=("--json-summary",), jobs=2)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == 1
    assert len(Lake(lake).read_manifest().parts["events"]) == 2  # one per worker
    assert_exactly_once(lake, 4000)
    assert count(lake, "SELECT count(*) FROM rejects") == 1
    verified(lake)
    append_seq(log, 4001, 4010)
    make_idle(log)
    assert summary(lake, log)["events"] == 10
    assert_exactly_once(lake, 4010)


def test_rotated_copy_next_to_its_compressed_twin_is_read_once(tmp_path: Path) -> None:
    logs, log, lake = read_folder_once(tmp_path, 400)
    log.rename(logs / "app.log.1")
    (logs / "app.log.2.gz").write_bytes(gzip.compress((logs / "app.log.1").read_bytes()))
    assert summary(lake, logs)["events"] == 0
    assert_exactly_once(lake, 400)
    verified(lake)


def test_identical_new_files_of_two_hosts_are_both_read(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    for host in ("web-1", "web-2"):
        (logs / host).mkdir(parents=True)
        (logs / host / "app.log").write_bytes(seq_lines(1, 10))
    lake = tmp_path / "lake"
    assert summary(lake, logs)["events"] == 20
    assert count(lake, "SELECT count(DISTINCT device_hostname) FROM events") == 2
    assert summary(lake, logs)["events"] == 0
    verified(lake)


def test_truncation_without_a_copy_records_a_gap(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(seq_lines(1, 1000))
    lake = tmp_path / "lake"
    summary(lake, log)
    with log.open("r+b") as f:  # lines appended and truncated between two runs: lost
        f.truncate(0)
        f.write(seq_lines(2001, 2010))
    assert summary(lake, log)["gaps"] == 1
    counts = seq_counts(lake)
    assert sorted(counts) == [*range(1, 1001), *range(2001, 2011)]
    verified(lake)
