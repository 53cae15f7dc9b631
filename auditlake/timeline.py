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
import pandas as pd
from matplotlib.figure import Figure

from auditlake.display import LogFrame, frame_html
from auditlake.errors import AuditlakeError
from auditlake.render import escape_html, escape_terminal

SEVERITY_SIZE = {"low": 40, "medium": 70, "high": 110, "critical": 160}


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
        hosts = sorted(frame["device_hostname"].fillna("?").unique().tolist())
        fig = Figure(figsize=(width, 1.4 + 0.32 * max(len(lanes), 1)), layout="constrained")
        ax = fig.add_subplot()
        for i, host in enumerate(hosts):
            color = f"C{i % 10}"
            mine = events[events["device_hostname"].fillna("?") == host]
            ax.scatter(
                mine["time"],
                [lanes.index(w) for w in mine["what"]],
                s=14,
                color=color,
                alpha=0.6,
                label=plain_label(host),
            )
            hits = findings[findings["device_hostname"].fillna("?") == host]
            ax.scatter(
                hits["time"],
                [lanes.index(w) for w in hits["what"]],
                s=[SEVERITY_SIZE.get(s, 60) for s in hits["severity"]],
                color=color,
                marker="^",
                edgecolors="black",
            )
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
            ax.legend(title="host", fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
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
