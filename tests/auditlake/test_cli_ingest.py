"""The ingest, verify, compact and query commands: what they print and their exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from auditlake.cli import cli
from auditlake.lake import Lake

TEST_PARSER_DIR = Path(__file__).parent.parent / "ingest"
FORMAT = "lineparser:LineParser"


@pytest.fixture(autouse=True)
def _test_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TEST_PARSER_DIR))
    monkeypatch.setenv("PYTHONPATH", str(TEST_PARSER_DIR))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def ingest(lake: Path, *paths: Path, extra: tuple[str, ...] = ()) -> Result:
    return run(
        "ingest", *map(str, paths), "--lake", str(lake), "--format", FORMAT, "--jobs", "1", *extra
    )


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    log = tmp_path / "logs" / "web-2" / "auth.log"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"seq 000001\n=cmd|' /C calc'!A0\nuser \x1b[31mred\x1b[0m\n!bad line\n")
    result = ingest(tmp_path / "lake", tmp_path / "logs")
    assert result.exit_code == 0, result.output
    return tmp_path / "lake"


def test_summary_is_one_line_on_stderr_and_nothing_on_stdout(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"seq 000001\n!x\n")
    result = ingest(tmp_path / "lake", log)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "ingest: 1 files read (0 unchanged, 0 skipped), 14 B, 2 lines, 1 events, "
        "0 auditd records, 1 rejects, 0 gaps in "
    )


def test_json_summary_goes_to_stdout(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"seq 000001\n")
    result = ingest(tmp_path / "lake", log, extra=("--json-summary",))
    doc = json.loads(result.stdout)
    del doc["seconds"]
    assert doc == {
        "files": 1,
        "unchanged": 0,
        "skipped": 0,
        "bytes": 11,
        "lines": 1,
        "events": 1,
        "auditd_records": 0,
        "rejects": 0,
        "gaps": 0,
    }


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"seq 000001\n")
    result = ingest(tmp_path / "lake", log, extra=("--quiet",))
    assert (result.exit_code, result.output) == (0, "")


def test_dry_run_lists_format_host_and_what_would_be_read(tmp_path: Path) -> None:
    root = tmp_path / "remote"
    (root / "web-1" / "audit").mkdir(parents=True)
    log = root / "web-1" / "audit" / "audit.log.1"
    log.write_bytes(b"seq 000001\n")
    result = run(
        "ingest",
        str(root),
        "--lake",
        str(tmp_path / "lake"),
        "--format",
        FORMAT,
        "--host-from",
        "{host}/...",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{log}\tformat={FORMAT}\thost=web-1 (from template)\tread 11 B new file, final\n"
    )
    assert not (tmp_path / "lake").exists()


def test_host_comes_from_the_first_directory_under_the_root(lake: Path) -> None:
    result = run(
        "query",
        "--lake",
        str(lake),
        "SELECT DISTINCT device_hostname FROM events",
        "--format",
        "csv",
    )
    assert result.stdout == "device_hostname\nweb-2\n"


def test_query_table_escapes_terminal_controls(lake: Path) -> None:
    result = run("query", "--lake", str(lake), "SELECT message FROM events ORDER BY source_offset")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "message",
        "-----------------------",
        "seq 000001",
        "=cmd|' /C calc'!A0",
        "user \\x1b[31mred\\x1b[0m",
    ]


def test_query_csv_guards_formula_cells(lake: Path) -> None:
    result = run(
        "query",
        "--lake",
        str(lake),
        "SELECT message FROM events ORDER BY source_offset",
        "--format",
        "csv",
    )
    assert result.stdout.splitlines()[2] == "'=cmd|' /C calc'!A0"


def test_query_json_is_one_object_per_line_with_bytes_as_text(lake: Path) -> None:
    result = run(
        "query", "--lake", str(lake), "SELECT source_offset, raw FROM rejects", "--format", "json"
    )
    assert result.stdout == '{"source_offset": 48, "raw": "!bad line\\n"}\n'


def test_query_sql_error_is_one_error_line_and_exit_2(lake: Path) -> None:
    result = run("query", "--lake", str(lake), "SELECT nope FROM events")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        'Error: query: Binder Error: Referenced column "nope" not found'
    )


def test_query_on_a_missing_lake_says_how_to_make_one(tmp_path: Path) -> None:
    result = run("query", "--lake", str(tmp_path / "none"), "SELECT 1")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {tmp_path / 'none'}: not a lake (no _state/manifest.json); run `auditlake ingest` first\n"
    )


def test_verify_prints_a_table_and_exits_0_when_every_byte_is_accounted(lake: Path) -> None:
    result = run("verify", "--lake", str(lake))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2].split()[-4:] == ["58", "58", "0", "ok"]
    assert result.stderr == "verify: 1 files, 0 with problems\n"


def test_verify_exits_2_when_rows_are_missing(lake: Path) -> None:
    manifest = Lake(lake).manifest_path
    doc = json.loads(manifest.read_bytes())
    doc["parts"]["rejects"] = []  # lose the reject of line 4
    manifest.write_text(json.dumps(doc))
    result = run("verify", "--lake", str(lake))
    assert result.exit_code == 2
    assert result.stdout.splitlines()[2].endswith("10 bytes at the end in no row")
    assert result.stderr == "verify: 1 files, 1 with problems\n"


def test_compact_merges_parts_without_changing_rows(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    lake = tmp_path / "lake"
    for i in range(1, 5):
        with log.open("ab") as f:
            f.write(b"seq %06d\n!r%d\n" % (i, i))
        assert ingest(lake, log).exit_code == 0
    parts = Lake(lake).read_manifest().parts

    def rows(table: str) -> list[dict[str, object]]:
        paths = Lake(lake).part_paths(table)
        out = [r for p in paths for r in pq.read_table(p, partitioning=None).to_pylist()]
        return sorted(out, key=lambda r: (r["source_offset"], r.get("event_uid") or ""))

    events, rejects = rows("events"), rows("rejects")
    assert (len(parts["events"]), len(parts["rejects"])) == (4, 4)
    result = run("compact", "--lake", str(lake))
    assert result.stderr == "compact: 8 parts merged into 2\n"
    after = Lake(lake).read_manifest().parts
    assert (len(after["events"]), len(after["rejects"])) == (1, 1)
    assert rows("events") == events
    assert rows("rejects") == rejects
    assert sorted(p.name for p in lake.rglob("*.parquet")) == sorted(
        Path(p).name for t in after.values() for p in t
    )
    assert run("verify", "--lake", str(lake)).exit_code == 0


def test_compact_refuses_while_an_ingest_holds_the_lock(lake: Path) -> None:
    from auditlake.ingest.pipeline import locked

    with locked(Lake(lake)):
        result = run("compact", "--lake", str(lake))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {lake}/_state/lock: another ingest or compact is writing this lake "
        f"(pid {os.getpid()}); wait for it to finish\n"
    )


def test_verify_names_a_missing_part(lake: Path) -> None:
    part = Lake(lake).read_manifest().parts["events"][0]
    (lake / part).unlink()
    result = run("verify", "--lake", str(lake))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {lake}/_state/manifest.json: 1 published parts are missing, e.g. {part}; "
        "restore them from backup (the rows they held cannot be verified)\n"
    )
