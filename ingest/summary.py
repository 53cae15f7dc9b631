"""Words for people about an ingest run: the summary line, JSON, the dry-run listing."""

from __future__ import annotations

from typing import Any

from auditlake.ingest.pipeline import IngestReport

from auditlake.render import escape_terminal


def human_bytes(n: float) -> str:
    """Return `n` bytes as B, KiB, MiB or GiB."""
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def as_dict(report: IngestReport) -> dict[str, Any]:
    """Return the run's counts as plain data (`--json-summary`)."""
    c = report.counts
    return {
        "files": c.files,
        "unchanged": sum(p.action == "unchanged" for p in report.plans),
        "skipped": sum(p.action == "skip" for p in report.plans) + len(report.skipped),
        "bytes": c.bytes,
        "lines": c.lines,
        "events": c.events,
        "auditd_records": c.records,
        "rejects": c.rejects,
        "gaps": c.gaps,
        "seconds": round(report.seconds, 3),
    }


def summary_line(report: IngestReport) -> str:
    """Return the one-line summary printed after a run."""
    d = as_dict(report)
    return (
        f"ingest: {d['files']} files read ({d['unchanged']} unchanged, {d['skipped']} skipped), "
        f"{human_bytes(d['bytes'])}, {d['lines']} lines, {d['events']} events, "
        f"{d['auditd_records']} auditd records, {d['rejects']} rejects, {d['gaps']} gaps "
        f"in {d['seconds']:.1f} s"
    )


def notices(report: IngestReport) -> list[str]:
    """Return one line per file that was skipped or stopped early, and why."""
    lines = [f"skipped {escape_terminal(s.path)}: {s.reason}" for s in report.skipped]
    lines += [
        f"skipped {escape_terminal(p.path)}: {p.note}"
        for p in report.plans
        if p.action == "skip" and p.note != "empty"
    ]
    return lines


def dry_run_lines(report: IngestReport) -> list[str]:
    """Return one line per file: what would be read, its format and its host."""
    out = []
    for p in report.plans:
        if p.content_host:
            host = f"{p.content_host} (from content)"
        else:
            host = f"{p.host or '-'} (from {p.host_source})"
        fmt = p.format or "-"
        if p.action == "read":
            size = human_bytes(max(p.stat[2] - p.start, 0))
            packed = f" {p.compression}" if p.compression else ""
            what = f"read {size}{packed} {p.note}"
            what += ", final" if p.final else ", still growing"
        else:
            what = f"{p.action}: {p.note}"
        out.append(f"{escape_terminal(p.path)}\tformat={fmt}\thost={escape_terminal(host)}\t{what}")
    out += [f"{escape_terminal(s.path)}\tskip: {s.reason}" for s in report.skipped]
    return out
