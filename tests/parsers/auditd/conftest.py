"""Helpers for the auditd parser tests: run the parser over bytes, all at once; the
auditd files of the real-world corpus; record bodies, generated and real."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from auditlake.parsers.auditd import AuditdParser
from auditlake.parsers.auditd.record import Record, parse_record
from auditlake.parsers.base import ParseOutput, SourceContext
from hypothesis import strategies as st

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


CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
AUDITD_DIRS = (
    "audit-userspace",
    "go-libaudit/auparse",
    "msticpy",
    "plaso",
    "elastic-beats/auditd",
    "laurel",
)


def auditd_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = []
    for folder in AUDITD_DIRS:
        for path in sorted((CORPUS / folder).rglob("*")):
            if (
                path.is_file()
                and path.suffix in (".log", ".txt")
                and not path.name.startswith("syslog")
            ):
                files.append(path)
    return files


def corpus_records() -> list[Record]:
    """Return every record of the corpus's auditd files ([] without the corpus)."""
    lines = (line for path in auditd_files() for line in path.read_bytes().split(b"\n"))
    parsed = (parse_record(line, 0, len(line), None) for line in lines)
    return [r for r in parsed if isinstance(r, Record)]


# Pieces of record bodies: real keys of every kind, values of every form the splitter
# and the interpretation tell apart, stray words and separators. A tidy body has only
# pairs one space apart whose values are closed (the common case: a plain body).
KEYS = (
    "pid", "uid", "auid", "ses", "arch", "syscall", "exit", "items", "a0", "a1", "a1[0]",
    "a1_len", "argc", "name", "exe", "comm", "proctitle", "saddr", "key", "res", "op",
    "acct", "id", "inode", "item", "mode", "subj", "text", "raw_escaped", 'k"', "{k", "é",
)  # fmt: skip
TIDY_VALUES = (
    "0", "1000", "-1", "4294967295", "99999999999999999999", "1234567890", "c000003e",
    "2F62696E", "2f62", '"/usr/bin/x"', '""', 'x"', '"x"y', "?", "(null)", "(none)",
    '"?"', "{}", "a}", "", "=x", "é", "yes", "0x1f", "\uff14\uff12", "'", "C3A9", "FF",
    "{x}y",
)  # fmt: skip
VALUES = (*TIDY_VALUES, '"a b"', '"', '"x', "{ a b }", "{x", "x\ty")
WORDS = ("old", "new", ":", "word", "(enforce)", "=", "PAM:")
SEPARATORS = (" ", " ", " ", " ", "  ", "\t", "")


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """A record body: pairs and stray words, sometimes with a nested `msg='...'`."""
    tidy = draw(st.booleans())
    pair = st.tuples(st.sampled_from(KEYS), st.sampled_from(TIDY_VALUES if tidy else VALUES))
    item = pair.map("=".join) if tidy else st.one_of(pair.map("=".join), st.sampled_from(WORDS))
    separators = (" ",) if tidy else SEPARATORS

    def text() -> str:
        # each key once in a part (a repeated key hands a body over to the general path)
        items = draw(st.lists(item, max_size=8, unique_by=lambda t: t.partition("=")[0]))
        out = items[0] if items else ""
        for more in items[1:]:
            out += draw(st.sampled_from(separators)) + more
        return out

    body = text()
    if draw(st.booleans()):
        outer = body + draw(st.sampled_from((" ", *separators))) if body else ""
        rest = "" if tidy else draw(st.sampled_from(("", " x=1", "x")))
        body = f"{outer}msg='{text()}'{rest}"
    return body
