"""The sample fleet: made by its generator, parsed without rejects, and the demo's truth.

These tests run the real command line (`auditlake ingest`, `query`, `detect`) on
`samples/fleet` and compare the findings with `samples/expected_findings.csv`.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
AUDITLAKE = Path(sys.executable).with_name("auditlake")
FINDING_COLUMNS = (
    "analytic_uid",
    "device_hostname",
    "actor_user_name",
    "user_name",
    "src_endpoint_ip",
    "start_time",
)


def _fleetgen_files() -> ModuleType:
    """The generator's file module (samples/fleetgen is a folder of scripts, not installed)."""
    sys.path.insert(0, str(SAMPLES))
    try:
        return importlib.import_module("fleetgen.files")
    finally:
        sys.path.remove(str(SAMPLES))


def _auditlake(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AUDITLAKE), *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample fleet ingested once into a fresh lake.

    Ingest reads a copy whose files carry their 2026 mtimes: a checkout's mtimes are
    "now", and an RFC3164 line has no year but the one its file's mtime implies.
    """
    work = tmp_path_factory.mktemp("samples")
    shutil.copytree(SAMPLES / "fleet", work / "fleet")
    _fleetgen_files().set_mtimes(work)
    done = _auditlake("ingest", str(work / "fleet"), "--lake", str(work / "lake"), "--quiet")
    assert done.returncode == 0, done.stderr
    return work / "lake"


def _query(lake: Path, sql: str) -> list[dict[str, object]]:
    done = _auditlake("query", "--lake", str(lake), "--format", "json", sql)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line]


def _second(value: str) -> str:
    """An ISO timestamp (any precision, `Z` or offset) as UTC to the second."""
    stamp = datetime.fromisoformat(value.replace(" ", "T"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _findings(text: str) -> Counter[tuple[str, ...]]:
    rows = csv.DictReader(io.StringIO(text))
    return Counter(
        tuple(
            _second(row[c]) if c == "start_time" else (row[c] or "").strip()
            for c in FINDING_COLUMNS
        )
        for row in rows
    )


def test_committed_samples_match_the_generator_byte_for_byte() -> None:
    done = subprocess.run(
        [sys.executable, str(SAMPLES / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_generator_check_names_a_file_edited_by_hand(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES / "fleet", tmp_path / "fleet")
    auth = tmp_path / "fleet" / "web-2" / "auth.log"
    auth.write_bytes(
        auth.read_bytes().replace(b"Accepted password for bob", b"Accepted password for eve")
    )
    (tmp_path / "fleet" / "web-2" / "extra.log").write_bytes(b"")

    assert _fleetgen_files().check(tmp_path) == [
        "not made by the generator: fleet/web-2/extra.log",
        "differs: fleet/web-2/auth.log",
    ]


def test_every_sample_line_is_parsed_without_a_reject(lake: Path) -> None:
    rejects = _query(lake, "SELECT source_file, source_offset, reason FROM rejects ORDER BY ALL")
    assert rejects == []


def test_every_host_and_source_of_the_story_reaches_the_lake(lake: Path) -> None:
    rows = _query(
        lake,
        "SELECT device_hostname, source_type FROM events GROUP BY ALL ORDER BY ALL",
    )
    assert [(r["device_hostname"], r["source_type"]) for r in rows] == [
        ("db-1", "auditd"),
        ("db-1", "journald"),
        ("web-1", "auditd"),
        ("web-1", "dockerd"),
        ("web-1", "journald"),
        ("web-1", "syslog"),
        ("web-2", "auditd"),
        ("web-2", "dockerd"),
        ("web-2", "syslog"),
    ]


def test_demo_finds_exactly_the_planted_intrusion(lake: Path) -> None:
    done = _auditlake(
        "detect",
        "--lake",
        str(lake),
        "--policy",
        str(SAMPLES / "policy.toml"),
        "--format",
        "csv",
    )
    # exit 1 means "findings at or above --fail-on": expected here
    assert done.returncode in (0, 1), done.stderr
    found = _findings(done.stdout)
    expected = _findings((SAMPLES / "expected_findings.csv").read_text())

    missing = sorted((expected - found).elements())
    extra = sorted((found - expected).elements())
    assert (missing, extra) == ([], [])
