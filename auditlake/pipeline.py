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
from datetime import datetime
from pathlib import Path

from auditlake.config import load_policy
from auditlake.ingest.pipeline import IngestOptions, ingest, locked
from auditlake.lake import Lake
from auditlake.queries.detect import DetectRun
from auditlake.queries.detect import detect as run_detect
from auditlake.queries.rules import load_detections
from auditlake.queries.testing import TestOutcome, run_tests

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


def _settled_copy(roots: Sequence[Path], into: Path) -> list[Path]:
    """Copy log trees with their mtimes moved a minute back, and return the copies.

    Ingest holds back the last audit event of a file written in the last seconds (it
    may still grow); a test or the demo reads finished files, so they must look idle.
    """
    settled = time.time() - 60
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


def ingest_logs(roots: Sequence[Path], lake_root: Path) -> None:
    """Ingest finished log files or trees into the lake at `lake_root` (created if needed)."""
    with tempfile.TemporaryDirectory(prefix="auditlake-logs-") as tmp:
        copies = _settled_copy(roots, Path(tmp))
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
    return run_tests(load_detections(only=tuple(only)), ingest_logs)


def build_sample_lake(into: Path, samples: Path = SAMPLES_DIR) -> Path:
    """Copy the sample fleet to `into/logs`, ingest it into `into/lake`, detect; return the lake.

    The copies stay, so the raw lines behind every finding can be read back.
    """
    lake = into / "lake"
    logs = _settled_copy([samples / "fleet"], into / "logs")
    ingest(IngestOptions(roots=logs, lake=lake, jobs=1))
    detect(lake, samples / "policy.toml")
    return lake


def demo(samples: Path = SAMPLES_DIR) -> DetectRun:
    """Ingest the bundled sample fleet (samples/fleet) into a temporary lake and detect."""
    with tempfile.TemporaryDirectory(prefix="auditlake-demo-") as tmp:
        lake = build_sample_lake(Path(tmp), samples)
        return detect(lake, samples / "policy.toml")
