"""Make attacker-controlled log content safe for a terminal, a CSV cell, or HTML.

Log lines carry whatever an attacker typed: a username can hold an ANSI escape that
rewrites the analyst's terminal, a command line can start with `=` and run as a
spreadsheet formula, a hostname can hold `<script>`. Every path from the lake to a
person goes through one of these functions.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

# C0 and C1 controls and DEL; ESC (0x1b) starts terminal escape sequences. Also the
# Unicode bidi overrides that reorder text on screen (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_WITH_NEWLINES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_terminal(value: Any, keep_newlines: bool = False) -> str:
    """Render a value as text with every control character shown as `\\xNN`."""
    if value is None:
        return ""
    pattern = _UNSAFE if keep_newlines else _UNSAFE_WITH_NEWLINES
    return pattern.sub(_escape_char, str(value))


def csv_cell(value: Any) -> Any:
    """Guard a CSV cell against formula injection (OWASP): prefix a leading `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
    """Render rows as CSV with every cell guarded against formula injection."""
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
