"""Run the inline `[[tests]]` of detections end to end: raw logs -> lake -> SQL -> rows.

Building a lake from raw logs needs the parsers and the ingest engine, which `queries`
must not import; the caller passes that step in (`auditlake.pipeline.ingest_logs`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditlake.queries.connection import connect
from auditlake.queries.detect import run_detection
from auditlake.queries.policy import load_policy_tables
from auditlake.queries.rules import Detection, DetectionTest

from auditlake.config import load_policy

LakeBuilder = Callable[[Sequence[Path], Path], None]  # (log roots, empty lake dir)


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """The result of one inline test; `problems` is empty when it passed."""

    detection_id: str
    name: str
    location: str  # path:line of the [[tests]] table
    problems: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(actual, datetime):
        if isinstance(expected, str):
            expected = datetime.fromisoformat(expected.replace("Z", "+00:00"))
        return isinstance(expected, datetime) and expected.astimezone(UTC) == actual.astimezone(UTC)
    return bool(expected == actual)


def _matches(expected: dict[str, Any], row: dict[str, Any]) -> bool:
    for key, value in expected.items():
        actual = len(row["event_uids"]) if key == "event_count" else row.get(key)
        if not _same(value, actual):
            return False
    return True


def compare(test: DetectionTest, rows: list[dict[str, Any]]) -> list[str]:
    """Say how `rows` differ from what `test` expects (nothing when they agree)."""
    problems = []
    if len(rows) != test.count:
        problems.append(f"expected {test.count} finding(s), got {len(rows)}")
    unused = list(rows)
    for expected in test.expect:
        match = next((r for r in unused if _matches(expected, r)), None)
        if match is None:
            got = [{k: r.get(k) for k in expected if k != "event_count"} for r in unused]
            problems.append(f"no finding matches {expected}; unmatched findings: {got}")
        else:
            unused.remove(match)
    return problems


def run_tests(detections: Sequence[Detection], build_lake: LakeBuilder) -> list[TestOutcome]:
    """Run every inline test of `detections`; each log tree is ingested once."""
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="auditlake-rules-test-") as tmp:
        lakes: dict[Path, Path] = {}
        for detection in detections:
            for test in detection.tests:
                if test.logs not in lakes:
                    lake = Path(tmp) / f"lake{len(lakes)}"
                    build_lake([test.logs], lake)
                    lakes[test.logs] = lake
                con = connect(lakes[test.logs])
                try:
                    load_policy_tables(con, load_policy(test.policy))
                    rows = run_detection(con, detection)
                finally:
                    con.close()
                outcomes.append(
                    TestOutcome(
                        detection.id,
                        test.name,
                        f"{detection.display_path}:{test.line}",
                        tuple(compare(test, rows)),
                        tuple(rows),
                    )
                )
    return outcomes
