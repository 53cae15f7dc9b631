"""Render a benchmark result as one table, save it as JSON, and compare two results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = (
    "measurement",
    "MB",
    "s (median)",
    "CPU s",
    "MB/s",
    "lines/s",
    "events/s",
    "peak RSS",
    "vs limit",
    "vs ausearch",
    "targets",
)


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return ""
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.{digits}f}"


def _mib(value: int | None) -> str:
    return "" if value is None else f"{value / 2**20:,.0f} MiB"


def _fraction(value: float | None) -> str:
    """A speed ratio below 1 as `1/N` (how many times slower), else as `Nx`."""
    if not value:
        return ""
    return f"1/{1 / value:.1f}" if value < 1 else f"{value:.2f}x"


def _cells(row: dict[str, Any]) -> list[str]:
    verdicts = " ".join(f"{label} {v}" for label, v in row["verdicts"].items())
    seconds = _num(row["seconds"], 3) if row["seconds"] is not None else "-"
    return [
        row["key"],
        _num(row["mb"]),
        seconds,
        _num(row.get("cpu_seconds"), 2),
        _num(row["mb_s"]),
        _num(row["lines_s"]),
        _num(row["events_s"]),
        _mib(row["peak_rss"]),
        _fraction(row["vs_limit"]),
        _fraction(row["vs_ausearch"]),
        verdicts,
    ]


def table(doc: dict[str, Any]) -> str:
    """The result as one aligned text table, with each row's note underneath it."""
    lines: list[list[str]] = [list(COLUMNS)]
    notes: dict[int, str] = {}
    for row in doc["rows"]:
        lines.append(_cells(row))
        extra = []
        if row.get("rejects"):
            extra.append(f"{row['rejects']:,} rejects")
        if row.get("note"):
            extra.append(row["note"])
        if extra:
            notes[len(lines) - 1] = "; ".join(extra)
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            c.ljust(w) if i in (0, len(COLUMNS) - 1) else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
        if n in notes:
            out.append(f"    ^ {notes[n][:300]}")
    return "\n".join(out)


def save(doc: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    """Write the result as `<directory>/<timestamp>.json`; return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{doc['meta']['timestamp']}.json"
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path


def _delta(old: float | None, new: float | None) -> str:
    if not old or new is None:
        return ""
    return f"{(new - old) / old:+.1%}"


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Per measurement present in both: median seconds and peak RSS, old -> new, change."""
    before = {r["key"]: r for r in old["rows"]}
    lines = [f"compared with {old['meta'].get('timestamp', '?')}:"]
    header = ("measurement", "s old", "s new", "change", "RSS old", "RSS new", "change")
    body = []
    for row in new["rows"]:
        prev = before.get(row["key"])
        if prev is None:
            continue
        body.append(
            (
                row["key"],
                _num(prev["seconds"], 3),
                _num(row["seconds"], 3),
                _delta(prev["seconds"], row["seconds"]),
                _mib(prev["peak_rss"]),
                _mib(row["peak_rss"]),
                _delta(prev["peak_rss"], row["peak_rss"]),
            )
        )
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    for r in [header, *body]:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(lines)
