"""Renderings of query results: whatever a log holds, it shows as inert text."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from IPython.core.formatters import DisplayFormatter

from auditlake.display import LogFrame, LogSeries, SafeText, register_formatters, to_frame
from auditlake.render import escape_terminal

CELL = re.compile(r"<td>(.*?)</td>", re.DOTALL)
LABEL = re.compile(r"<th>(.*?)</th>", re.DOTALL)
# A user name with a colour code and markup, as an attacker would log it.
HOSTILE = "r\x1b[31m<b>"
EVENTS = LogFrame({"user_name": [HOSTILE, "bob", HOSTILE], "host": ["web-1", "web-2", "web-1"]})


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


def test_value_counts_of_a_log_column_renders_escaped() -> None:
    counts = EVENTS["user_name"].value_counts()
    assert isinstance(counts, LogSeries)
    assert counts.to_dict() == {HOSTILE: 2, "bob": 1}
    assert repr(counts).splitlines() == [
        "user_name",
        "r\\x1b[31m<b>    2",
        "bob             1",
        "Name: count",
    ]


def test_value_counts_of_log_columns_render_escaped() -> None:
    counts = EVENTS[["user_name", "host"]].value_counts()
    assert isinstance(counts, LogSeries)
    assert "\x1b" not in repr(counts)


def test_describe_of_a_log_frame_renders_escaped_in_text_and_html() -> None:
    summary = EVENTS[["user_name"]].describe()
    assert isinstance(summary, LogFrame)
    assert CELL.findall(summary._repr_html_()) == ["3", "2", "r\\x1b[31m&lt;b&gt;", "2"]
    assert "\x1b" not in repr(summary) + repr(EVENTS["user_name"].describe())


def test_registered_formatters_show_any_pandas_frame_escaped() -> None:
    formatter = DisplayFormatter()
    register_formatters(formatter)
    data, _ = formatter.format(pd.crosstab(EVENTS["user_name"], EVENTS["host"]))
    assert LABEL.findall(data["text/html"]) == [
        "host",
        "web-1",
        "web-2",
        "user_name",
        "",
        "",
        "bob",
        "r\\x1b[31m&lt;b&gt;",
    ]
    assert data["text/plain"].splitlines() == [
        "host         web-1 web-2",
        "user_name               ",
        "bob              0     1",
        "r\\x1b[31m<b>     2     0",
    ]


def test_registered_formatters_show_a_pandas_series_as_escaped_text_only() -> None:
    formatter = DisplayFormatter()
    register_formatters(formatter)
    data, _ = formatter.format(pd.Series([HOSTILE], name="user_name"))
    assert data == {"text/plain": "0    r\\x1b[31m<b>\nName: user_name"}


# What a notebook kernel does: an IPython shell runs, then the analyst imports auditlake.
IPYTHON_SESSION = """
import json
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
import auditlake.api
import pandas as pd
users = pd.Series(["r\\x1b[31m<b>"], name="user_name")
hosts = pd.Series(["web-1"], name="host")
data, _ = shell.display_formatter.format(pd.crosstab(users, hosts))
print(json.dumps(data))
"""


def test_importing_the_api_in_ipython_makes_plain_pandas_frames_display_escaped(
    tmp_path: Path,
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", IPYTHON_SESSION],
        env={**os.environ, "IPYTHONDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(run.stdout)
    assert "<th>r\\x1b[31m&lt;b&gt;</th>" in data["text/html"]
    assert "r\\x1b[31m<b>" in data["text/plain"]
    assert "\x1b" not in data["text/html"] + data["text/plain"]


def test_style_of_a_log_frame_escapes_markup_from_the_logs() -> None:
    frame = LogFrame({"user_name": ["<img src=x onerror=alert(1)>"]})
    html = frame.style.to_html()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
