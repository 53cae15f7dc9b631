"""Words for people about an ingest run: the summary line, JSON, the dry-run listing.

Paths, reasons and notes hold file names and symlink targets, which anyone who can
write to the log tree chooses: every line for a terminal is escaped here.
"""

from __future__ import annotations

from typing import Any

from auditlake.ingest.checkpoints import UNKNOWN_FORMAT
from auditlake.ingest.pipeline import IngestReport
from auditlake.ingest.plan import IDLE_SECONDS, ZONELESS_FORMATS

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
        "skipped": [{"path": path, "reason": why} for path, why in report.not_read()],
        "bytes": c.bytes,
        "lines": c.lines,
        "events": c.events,
        "auditd_records": c.records,
        "rejects": c.rejects,
        "gaps": c.gaps,
        "held_back_bytes": sum(report.held_back.values()),
        "seconds": round(report.seconds, 3),
    }


def summary_line(report: IngestReport) -> str:
    """Return the one-line summary printed after a run (bytes and lines committed)."""
    d = as_dict(report)
    skips = [why for _, why in report.not_read()]
    unknown = skips.count(UNKNOWN_FORMAT)
    what = f"{len(skips)} skipped"
    if unknown:
        what += f": {unknown} unknown format"
        what += f", {len(skips) - unknown} other" if len(skips) > unknown else ""
    held = ""
    if report.held_back:
        growing = len(report.held_back)
        held = (
            f"; {human_bytes(d['held_back_bytes'])} at the end of {growing} growing "
            f"file{'s' if growing > 1 else ''} (written in the last {IDLE_SECONDS:.0f} s) "
            "wait for the next run"
        )
    return (
        f"ingest: {d['files']} files read ({d['unchanged']} unchanged, {what}), "
        f"{human_bytes(d['bytes'])}, {d['lines']} lines, {d['events']} events, "
        f"{d['auditd_records']} auditd records, {d['rejects']} rejects, {d['gaps']} gaps "
        f"in {d['seconds']:.1f} s{held}"
    )


def warnings(report: IngestReport) -> list[str]:
    """Return the run's warnings, one line each."""
    return [escape_terminal(w) for w in report.warnings]


def notices(report: IngestReport) -> list[str]:
    """Return the run's warnings, and one line per file that was skipped and why."""
    skips = [escape_terminal(f"skipped {path}: {why}") for path, why in report.not_read()]
    return warnings(report) + skips


def dry_run_lines(report: IngestReport) -> list[str]:
    """Return one line per file: what would be read, its format and its host."""
    out = []
    for p in report.plans:
        if p.content_host:
            host = f"{p.content_host} (from content)"
        else:
            host = f"{p.host or '-'} (from {p.host_source})"
        fmt = p.format or "-"
        if p.format in ZONELESS_FORMATS:
            fmt += f" (times without a zone in {p.tz})"
        if p.action == "read":
            size = human_bytes(max(p.stat[2] - p.start, 0))
            packed = f" {p.compression}" if p.compression else ""
            what = f"read {size}{packed} {p.note}"
            what += ", final" if p.final else ", still growing"
        else:
            what = f"{p.action}: {p.note}"
        fields = [p.path, f"format={fmt}", f"host={host}", what]
        out.append("\t".join(escape_terminal(f) for f in fields))
    out += [
        "\t".join(escape_terminal(f) for f in (s.path, f"skip: {s.reason}")) for s in report.skipped
    ]
    return out
