"""Fixtures for parser tests: run a parser over bytes, check coverage, golden files.

Golden files sit next to their input (`x.log` -> `x.log.golden.jsonl`), one row per
line as JSON (`table` names the table, NULL columns left out). Regenerate them with
`AUDITLAKE_REGEN_GOLDEN=1 .venv/bin/pytest tests/parsers/...` and review the diff.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from auditlake.parsers.base import ParseOutput, Parser, SourceContext

from auditlake.schema import AUDITD_RECORDS, EVENTS, REJECTS, to_batch

REGEN_GOLDEN = os.environ.get("AUDITLAKE_REGEN_GOLDEN") == "1"

Run = Callable[..., tuple[ParseOutput, int]]


def _feed(parser: Parser, data: bytes, block_lines: int | None) -> None:
    """Feed `data` in blocks of `block_lines` whole lines (None: one block)."""
    if block_lines is None:
        parser.feed(data, 0)
        return
    lines = data.split(b"\n")
    offset = 0
    for i in range(0, len(lines), block_lines):
        block = b"\n".join(lines[i : i + block_lines])
        if i + block_lines < len(lines):
            block += b"\n"
        if block:
            parser.feed(block, offset)
        offset += len(block)


@pytest.fixture
def run_parser() -> Run:
    """Return run(cls, data, name=..., block_lines=None, final=True) -> (output, resume)."""

    def run(
        cls: type[Parser],
        data: bytes,
        name: str = "input.log",
        block_lines: int | None = None,
        final: bool = True,
        **ctx: Any,
    ) -> tuple[ParseOutput, int]:
        parser = cls(SourceContext(name, file_id=name, **ctx))
        _feed(parser, data, block_lines)
        out = parser.drain()
        resume = parser.finish(final)
        out.extend(parser.drain())
        # rows a parser built as columns are checked as dicts, like the others
        out.events, out.event_batches = out.all_events(), []
        # every row must fit its table's schema
        to_batch(out.events, EVENTS)
        to_batch(out.auditd_records, AUDITD_RECORDS)
        to_batch(out.rejects, REJECTS)
        return out, resume

    return run


def uncovered(out: ParseOutput, data: bytes, end: int) -> list[int]:
    """Return the start offsets of lines before `end` that no row's span covers."""
    spans = sorted(
        (r["source_offset"], r["source_offset"] + r["source_length"])
        for rows in (out.events, out.auditd_records, out.rejects)
        for r in rows
    )
    missing, pos, covered_to = [], 0, 0
    i = 0
    while pos < end:
        while i < len(spans) and spans[i][0] <= pos:
            covered_to = max(covered_to, spans[i][1])
            i += 1
        if covered_to <= pos:
            missing.append(pos)
        newline = data.find(b"\n", pos)
        pos = len(data) if newline < 0 else newline + 1
    return missing


@pytest.fixture
def check_accounting() -> Callable[[ParseOutput, bytes, int], None]:
    """Return check(out, data, resume): every line before resume is in some row's span."""

    def check(out: ParseOutput, data: bytes, resume: int) -> None:
        assert uncovered(out, data, resume) == []
        for rows in (out.events, out.auditd_records, out.rejects):
            for r in rows:
                assert r["source_offset"] + r["source_length"] <= resume
                if "reason" in r:
                    assert r["reason"]

    return check


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def golden_lines(out: ParseOutput) -> list[dict[str, Any]]:
    """Return every row as plain JSON data, tables in a fixed order, NULLs left out."""
    rows = []
    for table in ("events", "auditd_records", "rejects"):
        for row in getattr(out, table):
            rows.append({"table": table} | {k: _plain(v) for k, v in row.items() if v is not None})
    return rows


@pytest.fixture
def golden() -> Callable[[Path, ParseOutput], None]:
    """Return check(input_path, out): compare whole rows with `<input>.golden.jsonl`."""

    def check(input_path: Path, out: ParseOutput) -> None:
        path = input_path.with_name(input_path.name + ".golden.jsonl")
        rows = golden_lines(out)
        if REGEN_GOLDEN:
            path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
        assert path.exists(), f"{path} missing: run with AUDITLAKE_REGEN_GOLDEN=1 and review it"
        expected = [json.loads(line) for line in path.read_text().splitlines()]
        assert rows == expected

    return check
