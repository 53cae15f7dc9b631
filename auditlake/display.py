"""Notebook and text renderings of query results that never let log content act.

A notebook shows a DataFrame as HTML in the analyst's browser and a string as text
that Jupyter colours by its ANSI escapes. Log content is attacker-controlled, so every
result the API returns renders through `auditlake.render`: markup as text, control
characters and escape sequences as `\\xNN`.

Results are `LogFrame`/`LogSeries`, which keep their class through slicing, grouping
and the methods pandas would otherwise answer with a plain object (`value_counts`,
`describe`). Other pandas calls build plain objects from log data too (`pd.crosstab`,
`reset_index` of a plain result, ...), so when this module is imported inside IPython
(a notebook kernel imports it with `auditlake.open`), it registers display formatters
that render every pandas DataFrame (text and HTML) and Series (text) of that session
the same escaped way. Only the display changes: the objects and their values stay as
they are. Not covered: `print(plain_frame)`, `df.to_string()`, `df.style`, and display
with `%pprint` off, which bypass the formatters.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from auditlake.render import escape_html, escape_terminal

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


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
    # Axis names say what the labels are (`user_name` of a value_counts or crosstab).
    out.columns.name = (
        None if frame.columns.name is None else escape(_cell_text(frame.columns.name))
    )
    out.index.name = None if frame.index.name is None else escape(_cell_text(frame.index.name))
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


def series_text(series: pd.Series) -> str:
    """Render a Series as text with control characters shown as `\\xNN`."""
    shown, hidden = _shown(series.to_frame())
    escaped = _escaped(shown, escape_terminal)
    with pd.option_context("display.max_colwidth", None):
        text = escaped.iloc[:, 0].to_string(name=True, dtype=False)
    if hidden:
        text += f"\n[{len(series)} rows, {hidden} not shown]"
    return text


def _keeps_escaping(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a pandas method so that its DataFrame or Series result is a LogFrame or LogSeries."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        if isinstance(result, pd.DataFrame):
            return LogFrame(result)
        return LogSeries(result) if isinstance(result, pd.Series) else result

    return wrapper


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

    # pandas builds these results as plain objects, whatever the class of `self`. The
    # stubs mark `describe` final (pandas does not expect overrides); the wrapper keeps
    # its signature and behaviour and changes only the class of the result.
    value_counts = _keeps_escaping(pd.DataFrame.value_counts)
    describe = _keeps_escaping(pd.DataFrame.describe)  # type: ignore[misc]

    @property
    def style(self) -> Styler:
        """pandas' Styler with cell text escaped as HTML (pandas' default renders it raw)."""
        from pandas.io.formats.style import Styler  # needs jinja2, as pandas' own .style

        return Styler(self, escape="html")


class LogSeries(pd.Series):
    """A column of a LogFrame: its text rendering escapes log content too."""

    @property
    def _constructor(self) -> type[LogSeries]:
        return LogSeries

    @property
    def _constructor_expanddim(self) -> type[LogFrame]:
        return LogFrame

    def __repr__(self) -> str:
        return series_text(self)

    value_counts = _keeps_escaping(pd.Series.value_counts)
    describe = _keeps_escaping(pd.Series.describe)  # type: ignore[misc]


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


def _pretty(render: Callable[[Any], str]) -> Callable[[Any, Any, bool], None]:
    """Turn a text renderer into an IPython pretty-printer."""
    return lambda obj, printer, cycle: printer.text(render(obj))


def register_formatters(display_formatter: Any) -> None:
    """Make an IPython display formatter render every pandas DataFrame and Series escaped."""
    formatters = display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, frame_html)
    formatters["text/plain"].for_type(pd.DataFrame, _pretty(frame_text))
    # A Series has no HTML rendering in pandas; it keeps showing as text.
    formatters["text/plain"].for_type(pd.Series, _pretty(series_text))


def _register_in_running_ipython() -> None:
    """Register the formatters in the IPython session this runs in, if any."""
    ipython = sys.modules.get("IPython")  # never imported here: the CLI does without it
    shell = None if ipython is None else ipython.get_ipython()
    if shell is not None:
        register_formatters(shell.display_formatter)


_register_in_running_ipython()
