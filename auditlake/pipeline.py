"""End to end: raw logs into a lake, detections over it, the demo; ingest meets queries.

`queries` never imports the parsers or the ingest engine; the steps that need both
(inline detection tests, the demo) are wired here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from auditlake.config import load_policy
from auditlake.ingest.pipeline import IngestOptions, ingest, locked
from auditlake.lake import Lake
from auditlake.queries.detect import DetectRun
from auditlake.queries.detect import detect as run_detect
from auditlake.queries.rules import load_detections
from auditlake.queries.testing import TestOutcome, run_tests

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
# When the sample fleet's hosts last wrote their logs (samples/README.md). A checkout
# stamps files with the clone's time, but an RFC3164 line has no year: ingest takes it
# from the file's mtime, so the copies get this one and the demo means the same in 2030.
SAMPLES_WRITTEN = datetime(2026, 11, 27, 9, 30, tzinfo=UTC).timestamp()


def settled_copy(roots: Sequence[Path], into: Path, mtime: float | None = None) -> list[Path]:
    """Copy log trees with their mtimes set to `mtime` (default: a minute ago); return them.

    Ingest holds back the last audit event of a file written in the last seconds (it
    may still grow); a test or the demo reads finished files, so they must look idle.
    """
    settled = time.time() - 60 if mtime is None else mtime
    copies = []
    for i, root in enumerate(roots):
        target = into / str(i) / Path(root).name
        if Path(root).is_dir():
            shutil.copytree(root, target)
        else:
            target.parent.mkdir(parents=True)
            shutil.copy2(root, target)
        for path in [target, *target.rglob("*")]:
            os.utime(path, (settled, settled))
        copies.append(target)
    return copies


def ingest_logs(roots: Sequence[Path], lake_root: Path, mtime: float | None = None) -> None:
    """Ingest finished log files or trees into the lake at `lake_root` (created if needed).

    `mtime` is the time the logs were last written (default: a minute ago).
    """
    with tempfile.TemporaryDirectory(prefix="auditlake-logs-") as tmp:
        copies = settled_copy(roots, Path(tmp), mtime)
        ingest(IngestOptions(roots=copies, lake=Path(lake_root), jobs=1))


def detect(
    lake_root: str | os.PathLike[str],
    policy_path: str | os.PathLike[str] | None = None,
    only: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> DetectRun:
    """Run the detections over a lake and append new findings, holding the writer lock."""
    detections = load_detections(only=tuple(only))
    policy = load_policy(None if policy_path is None else Path(policy_path))
    lake = Lake(lake_root)
    lake.read_manifest()  # a clear error when it is not a lake
    with locked(lake):
        return run_detect(lake_root, detections, policy, since, until)


def test_rules(only: Sequence[str] = ()) -> list[TestOutcome]:
    """Run the inline tests of every detection (or those in `only`)."""
    # the inline tests' logs are cut from the sample fleet's story
    return run_tests(
        load_detections(only=tuple(only)),
        lambda roots, lake: ingest_logs(roots, lake, SAMPLES_WRITTEN),
    )


def build_sample_lake(into: Path, samples: Path = SAMPLES_DIR) -> Path:
    """Copy the sample fleet to `into/logs`, ingest it into `into/lake`, detect; return the lake.

    The copies stay, so the raw lines behind every finding can be read back.
    """
    lake = into / "lake"
    logs = settled_copy([samples / "fleet"], into / "logs", SAMPLES_WRITTEN)
    ingest(IngestOptions(roots=logs, lake=lake, jobs=1))
    detect(lake, samples / "policy.toml")
    return lake


def demo(samples: Path = SAMPLES_DIR) -> DetectRun:
    """Ingest the bundled sample fleet (samples/fleet) into a temporary lake and detect."""
    with tempfile.TemporaryDirectory(prefix="auditlake-demo-") as tmp:
        lake = build_sample_lake(Path(tmp), samples)
        return detect(lake, samples / "policy.toml")
