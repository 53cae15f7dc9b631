"""Prove the ingest guarantee: per source file, the rows and gaps tile the bytes read.

For each file (by content identity) with committed offset N, the spans
(source_offset, source_length) of its `events`, `auditd_records` and `rejects` rows
and its gaps must cover [0, N) with no hole and nothing past N; no line may be in a
table twice (the same file offset in `auditd_records` or `rejects`, the same
`event_uid` in `events`). An auditd line is in both `auditd_records` and `events`,
so spans of different tables may overlap.

Files the last runs did not read are listed with why: a file of unknown format has a
state and one gap over all its bytes (so it verifies); a path that is not a regular
file, or left the root, is listed from the manifest's skip list. Neither is a failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from auditlake.ingest import checkpoints
from auditlake.queries.connection import connect

from auditlake.errors import LakeError
from auditlake.lake import Lake

_SPANS = """
WITH spans AS (
    SELECT source_file_id AS fid, source_offset AS s, source_offset + source_length AS e
    FROM events
    UNION ALL
    SELECT source_file_id, source_offset, source_offset + source_length FROM auditd_records
    UNION ALL
    SELECT source_file_id, source_offset, source_offset + source_length FROM rejects
    UNION ALL
    SELECT source_file_id, source_offset, source_offset + source_length FROM gaps
),
ordered AS (
    SELECT
        fid,
        s,
        e,
        max(e) OVER (
            PARTITION BY fid ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS covered
    FROM spans
)
SELECT
    fid,
    count(*) FILTER (WHERE s > coalesce(covered, 0)) AS holes,
    coalesce(sum(s - coalesce(covered, 0)) FILTER (WHERE s > coalesce(covered, 0)), 0)
        AS hole_bytes,
    max(e) AS covered_end
FROM ordered
GROUP BY fid
"""

_DUPLICATES = """
SELECT fid, sum(n - 1) AS duplicates FROM (
    SELECT source_file_id AS fid, count(*) AS n FROM auditd_records
    GROUP BY source_file_id, source_offset
    UNION ALL
    SELECT source_file_id, count(*) FROM rejects GROUP BY source_file_id, source_offset
    UNION ALL
    SELECT any_value(source_file_id), count(*) FROM events GROUP BY event_uid
)
GROUP BY fid
"""


@dataclass(frozen=True, slots=True)
class FileCheck:
    """The verdict for one source file."""

    file_id: str
    path: str
    offset: int  # committed
    covered_end: int
    holes: int
    hole_bytes: int
    duplicates: int
    gaps: int
    skipped: str = ""  # why the file was not read ("": it was)

    @property
    def ok(self) -> bool:
        return self.holes == 0 and self.duplicates == 0 and self.covered_end == self.offset

    @property
    def problem(self) -> str:
        out = []
        if self.holes:
            out.append(f"{self.holes} holes ({self.hole_bytes} bytes in no row)")
        if self.covered_end > self.offset:
            out.append(f"rows past the committed offset (to {self.covered_end})")
        elif self.covered_end < self.offset:
            out.append(f"{self.offset - self.covered_end} bytes at the end in no row")
        if self.duplicates:
            out.append(f"{self.duplicates} lines in a table twice")
        if self.skipped and not out:
            return f"not read: {self.skipped}"
        return "; ".join(out) or "ok"


def verify(lake_root: str | os.PathLike[str]) -> list[FileCheck]:
    """Check every file the lake has read; also rows whose file has no checkpoint."""
    lake = Lake(lake_root)
    manifest = lake.read_manifest()
    missing = [
        p for parts in manifest.parts.values() for p in parts if not (lake.root / p).is_file()
    ]
    if missing:
        raise LakeError(
            f"{len(missing)} published parts are missing, e.g. {missing[0]}; restore them "
            "from backup (the rows they held cannot be verified)",
            str(lake.manifest_path),
        )
    states, gaps = checkpoints.load(manifest)
    con = connect(lake_root)
    try:
        spans = {r[0]: r[1:] for r in con.execute(_SPANS).fetchall()}
        dups = {r[0]: int(r[1]) for r in con.execute(_DUPLICATES).fetchall()}
    finally:
        con.close()
    gap_count: dict[str, int] = {}
    for gap in gaps:
        gap_count[gap.file_id] = gap_count.get(gap.file_id, 0) + 1
    checks = []
    for fid in sorted(set(states) | set(spans)):
        holes, hole_bytes, end = spans.get(fid, (0, 0, 0))
        state = states.get(fid)
        checks.append(
            FileCheck(
                file_id=fid or "(none)",
                path=state.path if state else "(no checkpoint)",
                offset=state.offset if state else -1,
                covered_end=int(end or 0),
                holes=int(holes),
                hole_bytes=int(hole_bytes),
                duplicates=dups.get(fid, 0),
                gaps=gap_count.get(fid, 0),
                skipped=checkpoints.UNKNOWN_FORMAT if state and not state.format else "",
            )
        )
    for path, why in checkpoints.load_skipped(manifest).items():
        checks.append(FileCheck("-", path, 0, 0, 0, 0, 0, 0, skipped=why))
    return checks


def as_table(checks: list[FileCheck]) -> tuple[list[str], list[tuple[object, ...]]]:
    """Return the checks as columns and rows for rendering."""
    columns = ["file", "file_id", "committed", "covered", "gaps", "verdict"]
    rows: list[tuple[object, ...]] = [
        (c.path, c.file_id[:12], c.offset, c.covered_end, c.gaps, c.problem)
        if c.file_id != "-"
        else (c.path, "-", None, None, None, c.problem)
        for c in checks
    ]
    return columns, rows
