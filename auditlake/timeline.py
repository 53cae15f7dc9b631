"""Events and findings over time, as a table and as a matplotlib plot.

The plot has one lane per event class and one per detection, one colour per host. It
is drawn on a bare `matplotlib.figure.Figure` (no pyplot, no GUI backend), so it
renders in a notebook, saves to PNG, and embeds in a self-contained HTML page.
Matplotlib reads `$...$` in a label as math: labels from log content escape `$`.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from auditlake.display import LogFrame, frame_html
from auditlake.errors import AuditlakeError
from auditlake.render import escape_html, escape_terminal

SEVERITY_SIZE = {"low": 40, "medium": 70, "high": 110, "critical": 160}
LEGEND_HOSTS = 10
PIXELS = 2000  # time resolution of the plot (it is about 1,100 pixels wide)
RGBA = tuple[float, float, float, float]


def _points(
    rows: pd.DataFrame, lane_of: dict[str, int], palette: dict[str, RGBA], merge: bool
) -> tuple[pd.DataFrame, np.ndarray]:
    """Where rows are drawn, x (matplotlib's date number) and y (the lane), and the RGBA
    colour of each one's host. With `merge`, rows that would land on one pixel of one
    lane in one colour are drawn once: a user's month on a fleet is millions of events.
    """
    hosts = rows["device_hostname"].fillna("?")
    naive = rows["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    x = mdates.date2num(naive)  # type: ignore[no-untyped-call]
    points = pd.DataFrame(
        {"x": x, "y": rows["what"].map(lane_of).to_numpy(), "host": hosts.to_numpy()},
        index=rows.index,
    )
    if merge and len(points):
        span = float(x.max() - x.min()) or 1.0
        pixel = np.floor((x - x.min()) / span * PIXELS)
        points = points[~points.assign(pixel=pixel).duplicated(["pixel", "y", "host"])]
    colors = np.array([palette[h] for h in points["host"].unique()]).reshape(-1, 4)
    codes = pd.Categorical(points["host"], categories=points["host"].unique()).codes
    return points, colors[codes]


def plain_label(value: object) -> str:
    """A label from log content that matplotlib draws literally (no math, no controls)."""
    return escape_terminal(value).replace("$", r"\$")


@dataclass(frozen=True, slots=True)
class Timeline:
    """The rows of `hunts/timeline.sql` and what they were selected by."""

    table: LogFrame
    title: str

    def figure(self, width: float = 11.0) -> Figure:
        """Draw the timeline: x time (UTC), one lane per event class and per detection."""
        frame = self.table
        events = frame[frame["kind"] == "event"]
        findings = frame[frame["kind"] == "finding"]
        # detections on top (triangles sized by severity), event classes below (dots)
        lanes = sorted(events["what"].dropna().unique().tolist())
        lanes += sorted(findings["what"].dropna().unique().tolist(), reverse=True)
        lane_of = {lane: i for i, lane in enumerate(lanes)}
        hosts = sorted(frame["device_hostname"].fillna("?").unique().tolist())
        palette = {host: to_rgba(f"C{i % 10}") for i, host in enumerate(hosts)}
        fig = Figure(figsize=(width, 1.4 + 0.32 * max(len(lanes), 1)), layout="constrained")
        ax = fig.add_subplot()
        # one scatter per kind, each point coloured by its host: a user's month on a
        # fleet is millions of events
        dots, dot_colors = _points(events, lane_of, palette, merge=True)
        ax.scatter(dots["x"], dots["y"], s=14, c=dot_colors, alpha=0.6)
        marks, mark_colors = _points(findings, lane_of, palette, merge=False)
        ax.scatter(
            marks["x"],
            marks["y"],
            s=findings["severity"].map(SEVERITY_SIZE).fillna(60).to_numpy(),
            c=mark_colors,
            marker="^",
            edgecolors="black",
        )
        ax.xaxis_date()
        if len(events) and len(findings):
            ax.axhline(len(lanes) - findings["what"].nunique() - 0.5, color="grey", lw=0.5)
        ax.set_yticks(range(len(lanes)), [plain_label(lane) for lane in lanes], fontsize=8)
        ax.set_ylim(-0.7, len(lanes) - 0.3)
        formatter = mdates.DateFormatter("%m-%d %H:%M", tz="UTC")  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(formatter)
        ax.set_xlabel("time (UTC)")
        ax.set_title(plain_label(self.title), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        if hosts:
            # ten colours: past ten hosts they repeat, and a longer legend would crowd
            # out the plot
            shown = [
                Line2D([], [], marker="o", linestyle="", color=palette[h], label=plain_label(h))
                for h in hosts[:LEGEND_HOSTS]
            ]
            title = (
                "host" if len(hosts) <= LEGEND_HOSTS else f"host ({LEGEND_HOSTS} of {len(hosts)})"
            )
            ax.legend(
                handles=shown, title=title, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0)
            )
        fig.autofmt_xdate()
        return fig

    def png(self) -> bytes:
        """The plot as PNG bytes."""
        buf = io.BytesIO()
        self.figure().savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    def __repr__(self) -> str:
        return f"Timeline({plain_label(self.title)!r}, {len(self.table)} rows)\n{self.table!r}"

    def _repr_html_(self) -> str:
        image = base64.b64encode(self.png()).decode("ascii")
        return (
            f"<h4>{escape_html(self.title)}</h4>"
            f'<img alt="timeline" src="data:image/png;base64,{image}"/>' + frame_html(self.table)
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the plot as `.png` or `.svg`, or a self-contained `.html` page with the table."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix in (".png", ".svg", ".pdf"):
            self.figure().savefig(target, format=suffix[1:], dpi=100)
        elif suffix in (".html", ".htm"):
            page = (
                "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
                f"<title>{escape_html(self.title)}</title></head><body>"
                f"{self._repr_html_()}</body></html>\n"
            )
            target.write_text(page, encoding="utf-8")
        else:
            raise AuditlakeError(
                f"cannot save a timeline as {suffix or 'a file without suffix'!r}: "
                "use .png, .svg, .pdf or .html",
                str(target),
            )
        return target


def timeline_of(frame: pd.DataFrame, title: str) -> Timeline:
    """Wrap the rows of `hunts/timeline.sql` as a Timeline."""
    return Timeline(LogFrame(frame), title)
