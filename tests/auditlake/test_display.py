"""Renderings of query results: whatever a log holds, it shows as inert text."""

from __future__ import annotations

import html
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from auditlake.display import LogFrame, SafeText, to_frame
from auditlake.render import escape_terminal

CELL = re.compile(r"<td>(.*?)</td>", re.DOTALL)


def as_html(value: str) -> str:
    """What a cell holding `value` must render as (pandas strips surrounding blanks)."""
    return html.escape(escape_terminal(value), quote=True).strip()


@given(st.text(max_size=40))
def test_any_cell_text_renders_as_its_escaped_self_in_html(value: str) -> None:
    cells = CELL.findall(LogFrame({"c": [value]})._repr_html_())
    assert cells == [as_html(value)]
    assert "<" not in cells[0] and ">" not in cells[0]


@given(st.text(max_size=40))
def test_any_column_name_and_row_label_render_escaped(value: str) -> None:
    frame = LogFrame({value: [1]}, index=[value])
    assert f"<th>{as_html(value)}</th>" in frame._repr_html_()
    assert "\x1b" not in repr(frame)


def test_long_cells_are_cut_before_escaping_never_inside_an_entity() -> None:
    with pd.option_context("display.max_colwidth", 10):
        page = LogFrame({"c": ["<<<<<<<<<<<<<<<<<<<<"]})._repr_html_()
    assert CELL.findall(page) == ["&lt;&lt;&lt;&lt;&lt;&lt;&lt;..."]


def test_long_frames_show_head_and_tail_and_say_how_many_are_hidden() -> None:
    with pd.option_context("display.max_rows", 6, "display.min_rows", 4):
        page = LogFrame({"n": list(range(10))})._repr_html_()
    assert CELL.findall(page) == ["0", "1", "8", "9"]
    assert "10 rows x 1 columns (6 not shown)" in page


def test_arrow_results_keep_integer_nulls_and_lists() -> None:
    import pyarrow as pa

    frame = to_frame(
        pa.table({"pid": pa.array([1, None], pa.int64()), "args": [["a", "<b>"], None]})
    )
    assert frame["pid"].tolist() == [1, pd.NA]
    assert CELL.findall(frame._repr_html_()) == ["1", "[a, &lt;b&gt;]", "", ""]


def test_safe_text_keeps_its_value_and_shows_it_escaped() -> None:
    text = SafeText("a\x1b[2Jb<i>")
    assert text == "a\x1b[2Jb<i>"
    assert str(text) == "a\\x1b[2Jb<i>"
    assert text._repr_html_() == "<p>a\\x1b[2Jb&lt;i&gt;</p>"
