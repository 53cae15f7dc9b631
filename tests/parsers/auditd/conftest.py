"""Helpers for the auditd parser tests: run the parser over bytes, all at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from auditlake.parsers.auditd import AuditdParser
from auditlake.parsers.base import ParseOutput, SourceContext

Parse = Callable[..., ParseOutput]


def make_parser(host: str | None = "h", file_id: str = "f1") -> AuditdParser:
    """Return a parser for a file named test.log."""
    return AuditdParser(SourceContext(source_file="test.log", file_id=file_id, host=host))


def run_parser(data: bytes, host: str | None = "h", file_id: str = "f1") -> ParseOutput:
    """Feed `data` in one block, close it for good, return every row."""
    parser = make_parser(host, file_id)
    parser.feed(data, 0)
    assert parser.finish(final=True) == len(data)
    return parser.drain()


@pytest.fixture
def parse() -> Parse:
    """Return a function that parses bytes into a ParseOutput."""
    return run_parser


def assert_lines_tile(out: ParseOutput, data: bytes) -> None:
    """Assert that records and rejects cover every byte of `data` once, in order."""
    spans = sorted(
        (r["source_offset"], r["source_length"]) for r in [*out.auditd_records, *out.rejects]
    )
    pos = 0
    for offset, length in spans:
        assert offset == pos
        pos += length
    assert pos == len(data)
