from auditlake.render import csv_cell, escape_html, escape_terminal


def test_terminal_escape_sequences_are_shown_not_interpreted() -> None:
    assert escape_terminal("bob\x1b[2J\x1b]0;pwned\x07") == "bob\\x1b[2J\\x1b]0;pwned\\x07"


def test_terminal_escape_neutralises_c1_and_bidi_controls() -> None:
    assert escape_terminal("a\x9bb\u202ec") == "a\\x9bb\\u202ec"


def test_newlines_are_escaped_unless_kept() -> None:
    assert escape_terminal("a\nb") == "a\\x0ab"
    assert escape_terminal("a\nb", keep_newlines=True) == "a\nb"


def test_csv_cells_that_start_a_formula_are_quoted() -> None:
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("-2+3") == "'-2+3"
    assert csv_cell("alice") == "alice"
    assert csv_cell(5) == 5


def test_html_escape_covers_markup_and_quotes() -> None:
    assert escape_html('<script>alert("x")</script>') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )
    assert escape_html(None) == ""
