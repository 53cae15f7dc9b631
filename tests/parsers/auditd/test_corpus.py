"""Every auditd file of the real-world corpus: no crash, rejects only for non-records,
one event per distinct key, every byte accounted for, and ausearch agreeing.

The comparison with the reference tool runs `ausearch -if FILE --format csv` (Debian
package `auditd`) and skips when it is not installed. Its csv lists one row per event
(two for some, e.g. LOGIN events), so events are compared as sets of (node, date, time,
serial). Every difference is one of these, each checked below:
- ausearch prints no row for an event it cannot normalise: an AppArmor AVC
  (`apparmor="..."`) or an event that is only an EOE record;
- ausearch makes an empty row (serial 0, 01/01/70) out of lines that are not records
  (`#` comments); we reject those lines instead;
- ausearch closes an event once a record more than 2 s newer arrives, so records of
  one key far apart in a file become several events (audit-rhel7.log, serial 479,
  whose lines are sorted by type); we keep one event per key.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from auditlake.parsers.base import ParseOutput

from auditlake.schema import AUDITD_RECORDS, EVENTS, REJECTS, to_batch

from .conftest import CORPUS, assert_lines_tile, auditd_files, run_parser

pytestmark = pytest.mark.corpus

FILES = auditd_files()
IDS = [str(p.relative_to(CORPUS)) for p in FILES]
# The only lines of the corpus that look like records but are not usable ones.
STAMPLESS = {("go-libaudit/auparse/audit-rhel7.log", b"type=UNKNOWN[1329] msg=?\n")}
NOT_RECORDS = {"laurel/testdata/tree/README.txt"}  # prose about the tree/ traces


def parsed(path: Path) -> ParseOutput:
    return run_parser(path.read_bytes(), host=None, file_id=path.name)


def test_corpus_has_auditd_files(corpus: Path) -> None:
    assert len(FILES) == 83


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_file_parses_into_valid_rows(path: Path) -> None:
    out = parsed(path)
    to_batch(out.events, EVENTS)
    to_batch(out.auditd_records, AUDITD_RECORDS)
    to_batch(out.rejects, REJECTS)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_reject_is_a_line_that_is_no_audit_record(path: Path) -> None:
    name = str(path.relative_to(CORPUS))
    for row in parsed(path).rejects:
        raw = row["raw"]
        if raw.strip() == b"":
            assert row["reason"] == ("blank lines" if raw.count(b"\n") > 1 else "blank line")
        elif raw.startswith(b"#"):
            assert row["reason"] == "comment line (starts with #), not an audit record"
        elif (name, raw) in STAMPLESS:
            assert row["reason"].startswith("audit record without an audit(")
        else:
            assert name in NOT_RECORDS, raw
            assert row["reason"].startswith("not an audit record")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_one_event_per_distinct_key(path: Path) -> None:
    out = parsed(path)
    keys = {(r["device_hostname"], r["audit_event_id"]) for r in out.auditd_records}
    assert len(out.events) == len(keys)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_line_is_in_exactly_one_record_or_reject(path: Path) -> None:
    data = path.read_bytes()
    out = parsed(path)
    assert_lines_tile(out, data)


def ausearch() -> str:
    found = shutil.which("ausearch") or shutil.which("ausearch", path="/usr/sbin:/sbin")
    if found is None:
        pytest.skip("ausearch is not installed (Debian package auditd)")
    return found


def ausearch_csv_keys(path: Path) -> set[tuple[str, str, str, int]]:
    run = subprocess.run(
        [ausearch(), "-if", str(path), "--format", "csv"],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
        check=False,
    )
    rows = csv.DictReader(io.StringIO(run.stdout))
    return {(r["NODE"], r["DATE"], r["TIME"], int(r["SERIAL_NUM"])) for r in rows}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_ausearch_csv_sees_the_same_events_but_the_explained_ones(path: Path) -> None:
    theirs = ausearch_csv_keys(path)
    out = parsed(path)
    records: dict[str, list[dict[str, object]]] = {}
    for r in out.auditd_records:
        records.setdefault(str(r["event_uid"]), []).append(r)
    ours = {}
    for e in out.events:
        key = (
            records[e["event_uid"]][0]["node"] or "",
            e["time"].strftime("%m/%d/%y"),
            e["time"].strftime("%H:%M:%S"),
            int(e["audit_event_id"].rsplit(":", 1)[1]),
        )
        ours[key] = records[e["event_uid"]]
    for key in set(ours) - theirs:
        types = {str(r["type"]) for r in ours[key]}
        apparmor = any("apparmor" in str(r["raw"]) for r in ours[key] if r["type"] == "AVC")
        assert apparmor or types == {"EOE"}, (key, types)
    for key in theirs - set(ours):
        assert key[3] == 0 and any(r["raw"].startswith(b"#") for r in out.rejects), key


def test_ausearch_splits_one_key_whose_records_are_far_apart_in_time(corpus: Path) -> None:
    path = corpus / "go-libaudit/auparse/audit-rhel7.log"
    run = subprocess.run(
        [ausearch(), "-if", str(path), "-a", "479"], capture_output=True, text=True, check=False
    )
    assert run.stdout.count("----") == 2  # [CWD] then [PATH, EXECVE]
    out = parsed(path)
    (event,) = [e for e in out.events if e["audit_event_id"] == "1481077231.371:479"]
    assert event["unmapped"]["records"] == "3"
    assert event["process_args"] == [
        "auditctl",
        "-a",
        "exit,always",
        "-F",
        "arch=b32",
        "-S",
        "execve",
    ]
    # the record after that CWD is 7 months newer: far past ausearch's 2 s
    lines = path.read_bytes().split(b"\n")
    assert lines[9].startswith(b"type=CWD msg=audit(1481077231.371:479)")
    assert lines[10].startswith(b"type=CWD msg=audit(1500661699.656:1208725)")


def yaml_events(path: Path) -> dict[str, bytes]:
    """Return go-libaudit's aucoalesce test cases: name -> the block scalar's lines.

    `|` keeps each line; `>` (folded) joins them with spaces into one record.
    """
    cases: dict[str, list[bytes]] = {}
    folded: dict[str, bool] = {}
    name = None
    for line in path.read_bytes().split(b"\n"):
        head = line.rstrip()
        if (
            line.startswith(b"  ")
            and not line.startswith(b"    ")
            and head[-3:] in (b": |", b": >")
        ):
            name = head.strip()[:-3].decode()
            cases[name], folded[name] = [], head.endswith(b">")
        elif name is not None and line.startswith(b"    "):
            cases[name].append(line[4:])
    return {
        k: (b" ".join(v) + b"\n") if folded[k] else b"".join(x + b"\n" for x in v)
        for k, v in cases.items()
    }


YAML_FILES = sorted((CORPUS / "go-libaudit/aucoalesce").glob("*.yaml")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", YAML_FILES, ids=[p.name for p in YAML_FILES])
def test_each_aucoalesce_case_is_one_event(path: Path) -> None:
    cases = yaml_events(path)
    assert cases
    for name, data in cases.items():
        out = run_parser(data, host=None, file_id=name)
        assert out.rejects == [], name
        assert len(out.events) == 1, name
        assert_lines_tile(out, data)
