"""Make attacker-controlled log content safe for a terminal, a CSV cell, or HTML.

Log lines carry whatever an attacker typed: a username can hold an ANSI escape that
rewrites the analyst's terminal or a zero-width space that makes `root\\u200b` look like
`root`, a command line can start with `=` and run as a spreadsheet formula, a hostname
can hold `<script>`. Every path from the lake to a person goes through one of these
functions.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

# Characters that draw nothing although `str.isprintable()` accepts them: the letters and
# marks among Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), i.e. the
# combining grapheme joiner, Hangul fillers, Khmer inherent vowels and variation selectors.
# Everything else that hides or moves text (C0/C1 controls, ESC, bidi overrides and
# isolates, zero-width and word joiners, U+2028/U+2029, BOM, tag characters, non-ASCII
# spaces, unassigned code points) `str.isprintable()` rejects already.
_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)
# What may need escaping: all but printable ASCII (tab and newline too, unless kept).
_SUSPECT = re.compile("[^ -~]")
_SUSPECT_KEEPING_NEWLINES = re.compile("[^\t\n -~]")


def _visible(text: str) -> bool:
    """Whether a terminal draws every character of `text` as a visible glyph or space."""
    return text.isprintable() and not _INVISIBLE.search(text)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if _visible(char):
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_terminal(value: Any, keep_newlines: bool = False) -> str:
    """Render a value as text with every control and invisible character shown as `\\xNN`.

    Code points above 0xff show as `\\uNNNN` or `\\UNNNNNNNN`. With `keep_newlines`,
    newline and tab stay as they are.
    """
    if value is None:
        return ""
    text = str(value)
    if _visible(text):
        return text
    return (_SUSPECT_KEEPING_NEWLINES if keep_newlines else _SUSPECT).sub(_escape_char, text)


# OWASP CSV injection: spreadsheets run a cell that starts with = + - @ as a formula, also
# after leading blanks (LibreOffice can trim them on import). TAB, CR and NUL, the other
# triggers, never lead a cell here: `escape_terminal` has shown them as `\x09` and so on.
_FORMULA_START = ("=", "+", "-", "@")


def csv_cell(value: Any) -> Any:
    """Escape a CSV text cell like the table does, then guard it against formula injection."""
    if not isinstance(value, str):
        return value
    text = escape_terminal(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def escape_html(value: Any) -> str:
    """Render a value as HTML text; quotes are escaped too, so it is safe in attributes."""
    if value is None:
        return ""
    return html.escape(escape_terminal(value, keep_newlines=True), quote=True)


def _plain(value: Any) -> Any:
    """Turn a query value into JSON-able data (bytes as text with \\xNN escapes)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def table(columns: list[str], rows: list[tuple[Any, ...]], max_width: int = 60) -> str:
    """Render rows as an aligned text table, every cell escaped for the terminal."""
    cells = [[escape_terminal(c) for c in columns]]
    for row in rows:
        out = []
        for v in row:
            text = escape_terminal(
                json.dumps(_plain(v)) if isinstance(v, list | dict) else _plain(v)
            )
            out.append(text if len(text) <= max_width else text[: max_width - 1] + "…")
        cells.append(out)
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def json_lines(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Render rows as JSON Lines; non-ASCII and controls are \\u-escaped."""
    return "\n".join(
        json.dumps(dict(zip(columns, map(_plain, row), strict=True)), ensure_ascii=True)
        for row in rows
    )


def csv_text(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Render rows as CSV, one line a row, every cell escaped and formula-guarded."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow(
            [
                csv_cell(json.dumps(_plain(v)) if isinstance(v, list | dict) else _plain(v))
                for v in row
            ]
        )
    return buf.getvalue().rstrip("\n")
