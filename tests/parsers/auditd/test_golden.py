"""Golden files: every row the parser makes for each sample in data/, compared whole.

Regenerate after a deliberate change, then review the diff like code:
    AUDITLAKE_REGEN_GOLDEN=1 .venv/bin/pytest -q tests/parsers/auditd/test_golden.py
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from auditlake.schema import AUDITD_RECORDS, EVENTS, REJECTS, to_batch

from .conftest import run_parser

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(DATA.glob("*.log"))
REGEN = os.environ.get("AUDITLAKE_REGEN_GOLDEN") == "1"


def plain(value: Any) -> Any:
    """Make a row value JSON-friendly (times as ISO text, bytes as hex)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def golden_lines(sample: Path) -> list[str]:
    out = run_parser(sample.read_bytes(), host="samplehost", file_id=sample.name)
    # the rows must also fit the Arrow schemas exactly
    to_batch(out.events, EVENTS)
    to_batch(out.auditd_records, AUDITD_RECORDS)
    to_batch(out.rejects, REJECTS)
    lines = []
    for table, rows in (
        ("events", out.events),
        ("auditd_records", out.auditd_records),
        ("rejects", out.rejects),
    ):
        for row in rows:
            full = {
                k: plain(row.get(k))
                for k in {"events": EVENTS, "auditd_records": AUDITD_RECORDS, "rejects": REJECTS}[
                    table
                ].names
            }
            lines.append(json.dumps({"table": table, **full}, sort_keys=True, ensure_ascii=False))
    return lines


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_matches_its_golden_file(sample: Path) -> None:
    golden = sample.with_name(sample.name + ".golden.jsonl")
    lines = golden_lines(sample)
    if REGEN:
        golden.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = golden.read_text(encoding="utf-8").splitlines()
    assert lines == expected
