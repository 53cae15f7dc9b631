"""`auditlake demo` finds exactly the planted intrusion of samples/ and nothing else."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from auditlake.cli import cli

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KEY = (
    "analytic_uid",
    "device_hostname",
    "actor_user_name",
    "user_name",
    "src_endpoint_ip",
    "start_time",
)


def _expected() -> set[tuple[str, ...]]:
    with (SAMPLES / "expected_findings.csv").open(newline="") as f:
        return {tuple(row[k] for k in KEY) for row in csv.DictReader(f)}


def test_demo_finds_exactly_the_planted_intrusion() -> None:
    expected = _expected()
    result = CliRunner().invoke(cli, ["demo", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    found = [tuple(r[k] if k != "start_time" else r[k][:19] + "Z" for k in KEY) for r in rows]
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert f"{len(expected)} finding(s) in the sample fleet" in result.stderr
