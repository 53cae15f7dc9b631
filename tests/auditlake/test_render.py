"""Escaping for terminal, CSV and HTML: log content shows as inert text in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from auditlake.cli import cli
from auditlake.lake import Lake
from auditlake.render import csv_cell, csv_text, escape_html, escape_terminal, json_lines, table

# The reviewer's payload: an OSC that retitles the terminal, then colour codes.
HOSTILE = "\x1b]0;pwned\x1b\\\x1b[31mEVIL\x1b[0m"
HOSTILE_SHOWN = "\\x1b]0;pwned\\x1b\\\\x1b[31mEVIL\\x1b[0m"


def test_terminal_escape_sequences_are_shown_not_interpreted() -> None:
    assert escape_terminal("bob\x1b[2J\x1b]0;pwned\x07") == "bob\\x1b[2J\\x1b]0;pwned\\x07"


def test_terminal_escape_neutralises_c1_and_bidi_controls() -> None:
    assert escape_terminal("a\x9bb\u202ec") == "a\\x9bb\\u202ec"


# Characters that hide or reorder text, and how each must show.
INVISIBLE = [
    *((chr(c), f"\\u{c:04x}") for c in range(0x200B, 0x2010)),  # zero-width, LRM, RLM
    ("\u061c", "\\u061c"),  # Arabic letter mark
    ("\u2028", "\\u2028"),  # line separator
    ("\u2029", "\\u2029"),  # paragraph separator
    ("\ufeff", "\\ufeff"),  # zero-width no-break space (BOM)
    *((chr(c), f"\\u{c:04x}") for c in range(0x2060, 0x2065)),  # word joiner .. plus
    ("\u180e", "\\u180e"),  # Mongolian vowel separator
    ("\u00ad", "\\xad"),  # soft hyphen
    ("\u00a0", "\\xa0"),  # no-break space looks like a space
    ("\u3164", "\\u3164"),  # Hangul filler: a letter that draws nothing
    ("\ufe0f", "\\ufe0f"),  # variation selector
    ("\U000e0041", "\\U000e0041"),  # tag letter A (invisible)
]


@pytest.mark.parametrize(
    ("char", "shown"), INVISIBLE, ids=[f"U+{ord(c):04X}" for c, _ in INVISIBLE]
)
def test_invisible_and_bidi_characters_are_shown_as_code_points(char: str, shown: str) -> None:
    assert escape_terminal(f"root{char}") == f"root{shown}"
    assert escape_html(f"root{char}") == f"root{shown}"


def test_visible_non_ascii_text_is_left_alone() -> None:
    assert escape_terminal("müller 日本 café cafe\u0301 ✓") == "müller 日本 café cafe\u0301 ✓"


def test_newlines_are_escaped_unless_kept() -> None:
    assert escape_terminal("a\nb") == "a\\x0ab"
    assert escape_terminal("a\nb", keep_newlines=True) == "a\nb"


def test_csv_cells_that_start_a_formula_are_quoted() -> None:
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("-2+3") == "'-2+3"
    assert csv_cell("  @SUM(A1)") == "'  @SUM(A1)"
    assert csv_cell("alice") == "alice"
    assert csv_cell(5) == 5


def test_csv_cells_show_control_characters_escaped() -> None:
    assert csv_cell(HOSTILE) == HOSTILE_SHOWN
    assert csv_cell("root\u200b") == "root\\u200b"


def test_csv_formula_guard_looks_at_the_escaped_cell() -> None:
    assert csv_cell("=\x1b[2J") == "'=\\x1b[2J"
    assert csv_cell("\t=cmd|' /C calc'!A0") == "\\x09=cmd|' /C calc'!A0"
    assert csv_cell("\r\n=1+1") == "\\x0d\\x0a=1+1"


def test_html_escape_covers_markup_and_quotes() -> None:
    assert escape_html('<script>alert("x")</script>') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )
    assert escape_html(None) == ""


def is_inert(out: str) -> bool:
    """True when printing `out` moves the cursor only by line and nothing in it hides."""
    return "\x1b" not in out and "\t" not in out and escape_terminal(out, keep_newlines=True) == out


@given(st.text())
def test_every_output_format_prints_any_value_inert(value: str) -> None:
    rows = [(value, [value], {"k": value}, value.encode())]
    columns = ["text", "list", "map", "bytes"]
    for out in (table(columns, rows), json_lines(columns, rows), csv_text(columns, rows)):
        assert is_inert(out), out


@given(st.text())
def test_csv_keeps_one_line_per_row_and_reads_back_as_the_guarded_cell(value: str) -> None:
    out = csv_text(["c"], [(value,)])
    assert out.count("\n") == 1
    assert list(csv.reader(io.StringIO(out))) == [["c"], [csv_cell(value)]]


@given(st.text())
def test_json_lines_are_ascii_and_read_back_as_the_raw_value(value: str) -> None:
    out = json_lines(["c"], [(value,)])
    assert out.isascii()
    assert json.loads(out) == {"c": value}


@pytest.mark.parametrize(
    ("fmt", "stdout"),
    [
        ("csv", f"user_name\n{HOSTILE_SHOWN}\n"),
        ("json", '{"user_name": "\\u001b]0;pwned\\u001b\\\\\\u001b[31mEVIL\\u001b[0m"}\n'),
        ("table", f"user_name\n{'-' * len(HOSTILE_SHOWN)}\n{HOSTILE_SHOWN}\n"),
    ],
    ids=["csv", "json", "table"],
)
def test_query_prints_no_raw_escape_in_any_format(tmp_path: Path, fmt: str, stdout: str) -> None:
    Lake(tmp_path).init()
    sql = "SELECT chr(27) || ']0;pwned' || chr(27) || '\\' || chr(27) || '[31mEVIL' "
    sql += "|| chr(27) || '[0m' AS user_name"
    # color=True: click would strip colour codes from a non-terminal, a terminal gets them.
    result = CliRunner().invoke(
        cli, ["query", "--lake", str(tmp_path), sql, "--format", fmt], color=True
    )
    assert (result.exit_code, result.stdout) == (0, stdout)
