"""Notebook and text renderings of query results that never let log content act.

A notebook shows a DataFrame as HTML in the analyst's browser and a string as text
that Jupyter colours by its ANSI escapes. Log content is attacker-controlled, so every
result the API returns renders through `auditlake.render`: markup as text, control
characters and escape sequences as `\\xNN`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from auditlake.render import escape_html, escape_terminal


def _cell_text(value: Any) -> str:
    """Render one cell as plain text (lists and maps included), None and NaN as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if hasattr(value, "tolist"):  # numpy arrays of Arrow list columns
        value = value.tolist()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cell_text(v) for v in value) + "]"
    return str(value)


def _shown(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows pandas would display (head and tail of a long frame) and how many are hidden."""
    max_rows = pd.get_option("display.max_rows")
    if max_rows is None or len(frame) <= max_rows:
        return frame, 0
    half = max(1, (pd.get_option("display.min_rows") or 10) // 2)
    return pd.concat([frame.head(half), frame.tail(half)]), len(frame) - 2 * half


def _clipped(text: str) -> str:
    """Cut a cell to pandas' `display.max_colwidth` before escaping, never inside an escape."""
    width = pd.get_option("display.max_colwidth")
    return text if width is None or len(text) <= width else text[: max(width - 3, 1)] + "..."


def _escaped(frame: pd.DataFrame, escape: Any) -> pd.DataFrame:
    """Copy `frame` with every cell, column name and index label rendered by `escape`."""
    columns = [
        [escape(_clipped(_cell_text(v))) for v in frame.iloc[:, i].tolist()]
        for i in range(frame.shape[1])
    ]
    out = pd.DataFrame(dict(enumerate(columns)), index=range(len(frame)))
    out.columns = pd.Index([escape(_cell_text(c)) for c in frame.columns])
    out.index = pd.Index([escape(_cell_text(i)) for i in frame.index])
    return out


def _html_cell(text: str) -> str:
    """A table cell: one line (newlines shown as `\\x0a`, as in text), markup inert."""
    return escape_html(escape_terminal(text))


def frame_html(frame: pd.DataFrame) -> str:
    """Render a DataFrame as an HTML table in which log content is inert text."""
    shown, hidden = _shown(frame)
    escaped = _escaped(shown, _html_cell)  # cut to display.max_colwidth, then escaped
    with pd.option_context("display.max_colwidth", None):
        table = escaped.to_html(escape=False, notebook=True, border=0)
    if hidden:
        table += f"<p>{len(frame)} rows x {frame.shape[1]} columns ({hidden} not shown)</p>"
    return table


def frame_text(frame: pd.DataFrame) -> str:
    """Render a DataFrame as text with control characters shown as `\\xNN`."""
    shown, hidden = _shown(frame)
    escaped = _escaped(shown, escape_terminal)
    with pd.option_context("display.max_colwidth", None):
        text = escaped.to_string()
    if hidden:
        text += f"\n\n[{len(frame)} rows x {frame.shape[1]} columns, {hidden} not shown]"
    return text


class LogFrame(pd.DataFrame):
    """A pandas DataFrame of log data whose HTML and text renderings escape log content.

    Slicing, filtering and sorting keep the class, so `lake.events().head()` renders
    as safely as the whole result.
    """

    @property
    def _constructor(self) -> type[LogFrame]:
        return LogFrame

    @property
    def _constructor_sliced(self) -> type[LogSeries]:
        return LogSeries

    def _repr_html_(self) -> str:
        return frame_html(self)

    def __repr__(self) -> str:
        return frame_text(self)


class LogSeries(pd.Series):
    """A column of a LogFrame: its text rendering escapes log content too."""

    @property
    def _constructor(self) -> type[LogSeries]:
        return LogSeries

    @property
    def _constructor_expanddim(self) -> type[LogFrame]:
        return LogFrame

    def __repr__(self) -> str:
        shown, hidden = _shown(self.to_frame())
        escaped = _escaped(shown, escape_terminal)
        with pd.option_context("display.max_colwidth", None):
            text = escaped.iloc[:, 0].to_string(name=True, dtype=False)
        if hidden:
            text += f"\n[{len(self)} rows, {hidden} not shown]"
        return text


# Integer and boolean columns keep their NULLs (pandas would turn them into floats).
_NULLABLE_TYPES = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def to_frame(table: pa.Table) -> LogFrame:
    """Convert an Arrow table to a LogFrame: nullable integers, UTC timestamps, dates as dates."""
    return LogFrame(table.to_pandas(types_mapper=_NULLABLE_TYPES.get))


class SafeText(str):
    """A string of log content that prints and displays escaped; its value stays raw."""

    __slots__ = ()

    @property
    def raw(self) -> str:
        """The text itself, unescaped (a plain str)."""
        return str.__str__(self)

    def _repr_html_(self) -> str:
        return f"<p>{escape_html(self.raw)}</p>"

    def __str__(self) -> str:
        return escape_terminal(self.raw, keep_newlines=True)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def __repr__(self) -> str:
        return repr(str(self))
