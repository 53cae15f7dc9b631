"""Make attacker-controlled log content safe for a terminal, a CSV cell, or HTML.

Log lines carry whatever an attacker typed: a username can hold an ANSI escape that
rewrites the analyst's terminal, a command line can start with `=` and run as a
spreadsheet formula, a hostname can hold `<script>`. Every path from the lake to a
person goes through one of these functions.
"""

from __future__ import annotations

import html
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
