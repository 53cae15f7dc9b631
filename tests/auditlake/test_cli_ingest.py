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
FORMAT = "lines"  # tests/ingest/lineparser.py, an entry point of tests/ingest


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
        "skipped": [],
        "bytes": 11,
        "lines": 1,
        "events": 1,
        "auditd_records": 0,
        "rejects": 0,
        "gaps": 0,
        "held_back_bytes": 0,
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
    assert result.exit_code == 1
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
    result = run("compact", "--lake", str(lake), "--all")
    assert result.stderr == "compact: 2 parts rewritten as 2\n"
    assert rows("events") == events
    assert rows("rejects") == rejects
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


# --- escaping what file names and symlink targets put on the terminal (F3) ---------

TITLE = "\x1b]0;TITLE\x07\x1b[31m"  # sets the window title, then turns text red
SHOWN = "\\x1b]0;TITLE\\x07\\x1b[31m"  # what the analyst sees instead


def test_file_of_unknown_format_is_reported_with_its_name_escaped(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / f"x{TITLE}.bin").write_bytes(b"\x00\x01\x02 not a log\n")
    result = run("ingest", str(logs), "--lake", str(tmp_path / "lake"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    notice, summary = result.stderr.splitlines()
    assert notice == f"skipped {logs}/x{SHOWN}.bin: unknown format (name it with --format)"
    assert summary.startswith(
        "ingest: 0 files read (0 unchanged, 1 skipped: 1 unknown format), 0 B, 0 lines, "
    )


def test_symlink_target_leaving_the_root_is_reported_escaped(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    target = tmp_path / f"t{TITLE}.log"
    target.write_bytes(b"seq 000001\n")
    (logs / "link.log").symlink_to(target)
    result = ingest(tmp_path / "lake", logs)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"skipped {logs}/link.log: symlink leaves the root (-> {tmp_path}/t{SHOWN}.log)"
    )


def test_error_line_escapes_the_path_it_names(tmp_path: Path) -> None:
    result = ingest(tmp_path / "lake", tmp_path / f"no{TITLE}.log")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path}/no{SHOWN}.log: no such file or directory\n"


def test_strict_stop_escapes_the_file_name(tmp_path: Path) -> None:
    log = tmp_path / f"a{TITLE}.log"
    log.write_bytes(b"seq 000001\n!bad\n")
    result = ingest(tmp_path / "lake", log, extra=("--strict",))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path}/a{SHOWN}.log:11: rejected (starts with !); "
        "--strict stops at the first reject\n"
    )


def test_dry_run_escapes_the_name_a_file_was_read_under(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    old = logs / f"a{TITLE}.log"
    old.write_bytes(b"seq 000001\n")
    assert ingest(tmp_path / "lake", logs).exit_code == 0
    new = logs / "b.log"
    old.rename(new)
    with new.open("ab") as f:
        f.write(b"seq 000002\n")
    result = ingest(tmp_path / "lake", logs, extra=("--dry-run",))
    assert result.stdout.split("\t")[-1] == (
        f"read 11 B from offset 11 (was {logs}/a{SHOWN}.log), still growing\n"
    )


# --- inputs are checked before the lake is made (F7) --------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--format", "nope"), "Error: --format: unknown "),
        (("--tz", "Mars/Olympus"), "Error: --tz: unknown time zone 'Mars/Olympus': "),
        (("--host-from", "x/..."), "Error: x/...: a --host-from template must contain {host}"),
    ],
)
def test_bad_option_leaves_no_lake_behind(
    tmp_path: Path, args: tuple[str, ...], error: str
) -> None:
    (tmp_path / "app.log").write_bytes(b"seq 000001\n")
    result = run("ingest", str(tmp_path / "app.log"), "--lake", str(tmp_path / "lake"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(error)
    assert not (tmp_path / "lake").exists()


def test_missing_input_leaves_no_lake_behind(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_bytes(b"seq 000001\n")
    result = ingest(tmp_path / "lake", tmp_path / "app.log", tmp_path / "tpyo.log")
    assert result.stderr == f"Error: {tmp_path}/tpyo.log: no such file or directory\n"
    assert not (tmp_path / "lake").exists()


# --- hosts named by the path (F8) ----------------------------------------------------

AUDIT_LINE = (
    b"type=DAEMON_END msg=audit(1795832460.000:502): op=terminate auid=0 pid=1 res=success\n"
)


def _idle(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def test_host_directories_as_roots_keep_their_hosts_apart_and_warn_once(tmp_path: Path) -> None:
    for host in ("web-1", "web-2"):
        log = tmp_path / "hosts" / host / "audit" / "audit.log"
        log.parent.mkdir(parents=True)
        log.write_bytes(AUDIT_LINE)
        _idle(log)
    roots = [str(tmp_path / "hosts" / h) for h in ("web-1", "web-2")]
    lake = str(tmp_path / "lake")
    result = run("ingest", *roots, "--lake", lake, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "warning: 2 auditd file(s) carry no node= in their lines, so their host comes from "
        f"the directory (e.g. web-1 for {roots[0]}/audit/audit.log); if that is wrong, pass "
        "--host or --host-from, and set name_format = hostname in auditd.conf"
    )
    assert len(result.stderr.splitlines()) == 2  # the warning and the summary
    hosts = run(
        "query",
        "--lake",
        lake,
        "SELECT DISTINCT device_hostname AS h FROM events ORDER BY h",
        "--format",
        "csv",
    )
    assert hosts.stdout == "h\nweb-1\nweb-2\n"


def test_auditd_lines_naming_their_node_give_no_warning(tmp_path: Path) -> None:
    log = tmp_path / "web-1" / "audit" / "audit.log"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"node=web-1 " + AUDIT_LINE)
    _idle(log)
    result = run("ingest", str(tmp_path / "web-1"), "--lake", str(tmp_path / "lake"))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("ingest: 1 files read")


# --- zone-less timestamps (F11) -------------------------------------------------------

RFC3164 = (
    b"Nov 27 03:10:00 web-2 sshd[123]: Accepted password for bob from 203.0.113.50 port 4242 ssh2\n"
)


def test_rfc3164_time_is_read_in_the_zone_given_by_tz(tmp_path: Path) -> None:
    log = tmp_path / "web-2" / "auth.log"
    log.parent.mkdir()
    log.write_bytes(RFC3164)
    _idle(log)
    lake = str(tmp_path / "lake")
    result = run("ingest", str(log), "--lake", lake, "--tz", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    times = run(
        "query",
        "--lake",
        lake,
        "SELECT strftime(time, '%Y-%m-%dT%H:%M:%S') AS t FROM events",
        "--format",
        "csv",
    )
    assert times.stdout == "t\n2026-11-27T02:10:00\n"  # 03:10 CET is 02:10 UTC


def _times(lake: str) -> list[str]:
    result = run(
        "query",
        "--lake",
        lake,
        "SELECT strftime(time, '%Y-%m-%dT%H:%M:%S') AS t FROM events ORDER BY t",
        "--format",
        "csv",
    )
    return result.stdout.splitlines()[1:]


def test_file_keeps_the_zone_of_its_first_read(tmp_path: Path) -> None:
    """A later run with another --tz (or none) reads a grown file's new lines in the zone of
    its first read, says so, and reads new files in its own zone."""
    log = tmp_path / "web-2" / "auth.log"
    log.parent.mkdir()
    log.write_bytes(RFC3164)
    _idle(log)
    lake = str(tmp_path / "lake")
    assert run("ingest", str(log.parent), "--lake", lake, "--tz", "Europe/Berlin").exit_code == 0
    with log.open("ab") as f:
        f.write(RFC3164.replace(b"03:10:00", b"04:10:00"))
    _idle(log)
    other = tmp_path / "web-2" / "secure"
    other.write_bytes(RFC3164.replace(b"03:10:00", b"05:10:00"))
    _idle(other)
    result = run("ingest", str(log.parent), "--lake", lake)
    assert result.exit_code == 0, result.output
    assert (
        "warning: 1 file(s) read before keep the zone of their first read for timestamps "
        f"written without one (e.g. Europe/Berlin for {log}), not --tz UTC"
    ) in result.stderr
    # CET is UTC+1: auth.log's lines in Berlin time, the new file in UTC
    assert _times(lake) == ["2026-11-27T02:10:00", "2026-11-27T03:10:00", "2026-11-27T05:10:00"]


def test_fixed_offset_zone_of_the_api_is_kept_and_read_back(tmp_path: Path) -> None:
    """IngestOptions may hold any tzinfo; a fixed offset is kept as `UTC+02:00`, which
    the next run must read back (it stopped every later run)."""
    from datetime import timedelta, timezone

    from auditlake.ingest.pipeline import IngestOptions, ingest

    log = tmp_path / "web-2" / "auth.log"
    log.parent.mkdir()
    log.write_bytes(RFC3164)
    _idle(log)
    lake = tmp_path / "lake"
    # named, and with seconds: kept as its offset (`UTC+02:00:15`), not its name
    plus_two = timezone(timedelta(hours=2, seconds=15), "CEST")
    ingest(IngestOptions([log.parent], lake, tz=plus_two))
    with log.open("ab") as f:
        f.write(RFC3164.replace(b"03:10:00", b"04:10:00"))
    _idle(log)
    ingest(IngestOptions([log.parent], lake))
    assert _times(str(lake)) == ["2026-11-27T01:09:45", "2026-11-27T02:09:45"]


def test_dry_run_shows_the_zone_of_zone_less_formats(tmp_path: Path) -> None:
    log = tmp_path / "web-2" / "auth.log"
    log.parent.mkdir()
    log.write_bytes(RFC3164)
    args = ("ingest", str(log), "--lake", str(tmp_path / "lake"), "--dry-run")
    result = run(*args, "--tz", "Europe/Berlin")
    assert result.stdout.split("\t")[1] == "format=syslog (times without a zone in Europe/Berlin)"
    assert run(*args).stdout.split("\t")[1] == "format=syslog (times without a zone in UTC)"


# --- files not read stay visible (F12) ------------------------------------------------

UNKNOWN = "unknown format (name it with --format)"


def _verify_rows(lake: Path) -> tuple[int, list[list[str]], str]:
    result = run("verify", "--lake", str(lake))
    rows = [line.split("  ") for line in result.stdout.splitlines()[2:]]
    return result.exit_code, [[c.strip() for c in r if c.strip()] for r in rows], result.stderr


def test_file_of_unknown_format_is_one_gap_listed_by_verify_and_json(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    blob = logs / "blob.bin"
    blob.write_bytes(b"\x00\x01 not a log\n")
    _idle(blob)
    lake = tmp_path / "lake"
    args = ("ingest", str(logs), "--lake", str(lake), "--jobs", "1", "--json-summary")
    doc = json.loads(run(*args).stdout)
    assert (doc["skipped"], doc["gaps"]) == ([{"path": str(blob), "reason": UNKNOWN}], 1)
    code, rows, err = _verify_rows(lake)
    assert code == 0
    assert [(r[0], r[2:]) for r in rows] == [(str(blob), ["13", "13", "1", f"not read: {UNKNOWN}"])]
    assert err == "verify: 0 files, 0 with problems, 1 not read (see verdict)\n"
    again = json.loads(run(*args).stdout)  # still unknown: reported again, recorded once
    assert (again["skipped"], again["gaps"]) == (doc["skipped"], 1)
    sql = "SELECT source_offset, source_length, reason FROM gaps"
    assert run("query", "--lake", str(lake), sql, "--format", "json").stdout == (
        f'{{"source_offset": 0, "source_length": 13, "reason": "{UNKNOWN}"}}\n'
    )


def test_file_of_unknown_format_read_later_with_format_fills_its_gap(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"\x00\x01 not a log\nseq 000002\n")
    _idle(log)
    lake = tmp_path / "lake"
    assert run("ingest", str(log), "--lake", str(lake)).exit_code == 0
    result = ingest(lake, log, extra=("--json-summary",))
    assert (json.loads(result.stdout)["events"], json.loads(result.stdout)["skipped"]) == (2, [])
    assert run("query", "--lake", str(lake), "SELECT count(*) AS n FROM gaps").stdout.endswith(
        "\n0\n"
    )
    code, rows, err = _verify_rows(lake)
    assert (code, rows[0][-1], err) == (0, "ok", "verify: 1 files, 0 with problems\n")
    assert json.loads(ingest(lake, log, extra=("--json-summary",)).stdout)["events"] == 0


def test_verify_lists_paths_skipped_by_the_last_runs_until_they_are_gone(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.log").write_bytes(b"seq 000001\n")
    os.mkfifo(logs / "pipe.log")
    lake = tmp_path / "lake"
    assert ingest(lake, logs, extra=("--quiet",)).stderr == (
        f"skipped {logs}/pipe.log: a FIFO, not a regular file\n"
    )
    code, rows, err = _verify_rows(lake)
    assert code == 0
    assert rows[1] == [f"{logs}/pipe.log", "-", "not read: a FIFO, not a regular file"]
    assert err == "verify: 1 files, 0 with problems, 1 not read (see verdict)\n"
    (logs / "pipe.log").unlink()
    assert ingest(lake, logs).exit_code == 0
    assert len(_verify_rows(lake)[1]) == 1


# --- counts, times and help (F13) -----------------------------------------------------


def test_summary_counts_only_lines_committed_not_those_held_back(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"seq 000001\n+open event\n")  # LineParser holds '+' lines back
    lake = tmp_path / "lake"
    first = json.loads(ingest(lake, log, extra=("--json-summary",)).stdout)
    assert (first["lines"], first["bytes"], first["events"]) == (1, 11, 1)
    assert first["held_back_bytes"] == 12
    _idle(log)
    second = json.loads(ingest(lake, log, extra=("--json-summary",)).stdout)
    assert (second["lines"], second["bytes"], second["events"]) == (1, 12, 1)
    assert second["held_back_bytes"] == 0


def test_summary_says_what_a_growing_file_holds_back(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"seq 000001\n+open event\n")
    result = ingest(tmp_path / "lake", log)
    assert result.stderr.rstrip("\n").endswith(
        " s; 12 B at the end of 1 growing file (written in the last 10 s) wait for the next run"
    )


def test_detect_takes_iso_times_with_z_or_an_offset(lake: Path) -> None:
    result = run(
        "detect",
        "--lake",
        str(lake),
        "--since",
        "2026-11-27T02:10:00Z",
        "--until",
        "2026-11-27T04:10:00+02:00",
    )
    assert (result.exit_code, result.stderr) == (0, "0 finding(s), 0 new or updated in the lake\n")


def test_detect_refuses_a_time_that_is_not_iso_8601(lake: Path) -> None:
    result = run("detect", "--lake", str(lake), "--since", "yesterday")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--since': 'yesterday' is not an ISO 8601 time "
        "(e.g. 2026-11-27T02:10:00Z)\n"
    )


def test_max_line_help_names_its_unit() -> None:
    assert "Longest line parsed, in bytes;" in " ".join(run("ingest", "--help").stdout.split())
