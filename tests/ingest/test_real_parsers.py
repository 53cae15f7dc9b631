"""The engine with the real parsers: the sample fleet, and auditd events across runs."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from auditlake.parsers import registry
from click.testing import CliRunner
from seqlog import count, make_idle, verified

from auditlake.cli import cli

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "fleet"


def _run(*args: str) -> dict[str, int]:
    result = CliRunner().invoke(cli, ["ingest", *args, "--jobs", "1", "--json-summary"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_sample_fleet_ingests_verifies_and_rerun_adds_nothing(tmp_path: Path) -> None:
    if not SAMPLES.is_dir():
        pytest.skip("samples/fleet not generated")
    fleet = tmp_path / "fleet"
    shutil.copytree(SAMPLES, fleet)
    for path in fleet.rglob("*"):
        if path.is_file():
            make_idle(path)
    lake = tmp_path / "lake"
    first = _run(str(fleet), "--lake", str(lake))
    assert first["events"] > 0 and first["gaps"] == 0
    verified(lake)
    again = _run(str(fleet), "--lake", str(lake))
    assert (again["files"], again["events"], again["rejects"]) == (0, 0, 0)
    hosts = count(lake, "SELECT count(DISTINCT device_hostname) FROM events")
    assert hosts == 3


def test_auditd_event_split_across_two_runs_is_assembled_once(tmp_path: Path) -> None:
    if "auditd" not in registry.available():
        pytest.skip("auditd parser not installed yet")
    log = tmp_path / "web-2" / "audit.log"
    log.parent.mkdir()
    syscall = (
        b"type=SYSCALL msg=audit(1795832400.100:501): arch=c000003e syscall=257 success=yes "
        b"exit=3 a0=ffffff9c a1=55d0 a2=241 a3=1b6 items=1 ppid=1 pid=7 auid=1002 uid=0 gid=0 "
        b'euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm="tee" '
        b'exe="/usr/bin/tee" key="docker"\n'
    )
    path = (
        b'type=PATH msg=audit(1795832400.100:501): item=0 name="/etc/docker/daemon.json" '
        b"inode=5 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE\n"
    )
    later = (
        b"type=DAEMON_END msg=audit(1795832460.000:502): op=terminate auid=0 pid=1 res=success\n"
    )
    log.write_bytes(syscall)
    lake = tmp_path / "lake"
    os.utime(log)  # just written: the event may still get records
    first = _run(str(log), "--lake", str(lake))
    assert (first["bytes"], first["events"]) == (0, 0)  # all of it held back
    verified(lake)
    with log.open("ab") as f:
        f.write(path + later)
    make_idle(log)
    # the file continues from offset 0: no tail to compare, so it is no rewrite (gap)
    second = _run(str(log), "--lake", str(lake))
    assert (second["bytes"], second["gaps"]) == (len(syscall + path + later), 0)
    verified(lake)
    assert count(lake, "SELECT count(*) FROM gaps") == 0
    assert count(lake, "SELECT count(*) FROM events WHERE audit_event_id LIKE '%:501'") == 1
    assert count(lake, "SELECT count(*) FROM auditd_records WHERE serial = 501") == 2
    assert (
        count(lake, "SELECT count(*) FROM events WHERE file_path = '/etc/docker/daemon.json'") == 1
    )


@pytest.mark.corpus
def test_binary_journal_is_read_through_journalctl_once(corpus: Path, tmp_path: Path) -> None:
    if shutil.which("journalctl") is None:
        pytest.skip("journalctl is not installed")
    with zipfile.ZipFile(corpus / "velociraptor-journal" / "system.journal.zip") as z:
        z.extract("2004.journal", tmp_path / "logs")
    make_idle(tmp_path / "logs" / "2004.journal")
    lake = tmp_path / "lake"
    first = _run(str(tmp_path / "logs"), "--lake", str(lake))
    export = (corpus / "velociraptor-journal" / "derived" / "2004.export").read_bytes()
    assert first["events"] == export.count(b"__CURSOR=")  # one event per journal entry
    verified(lake)
    assert _run(str(tmp_path / "logs"), "--lake", str(lake))["files"] == 0
