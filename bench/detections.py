"""Run the project's detections one at a time, as `auditlake detect` runs them."""

from __future__ import annotations

import time
from pathlib import Path

from auditlake.config import load_policy
from auditlake.queries.connection import connect
from auditlake.queries.detect import run_detection
from auditlake.queries.policy import load_policy_tables
from auditlake.queries.rules import load_detections

# The sample fleet's policy (allowed users, trusted networks, docker group and socket).
POLICY = Path(__file__).resolve().parent.parent / "samples" / "policy.toml"


def detection_ids() -> list[str]:
    """Every detection id under queries/detections, in the order `detect` runs them."""
    return [d.id for d in load_detections()]


def run_one(lake: str, detection_id: str) -> tuple[float, float, int]:
    """Run one detection; return (setup seconds, query seconds, rows found).

    Setup is what every `detect` run pays once: the connection's views and the policy
    tables (which classify every distinct source address of the lake).
    """
    (detection,) = load_detections(only=(detection_id,))
    start = time.perf_counter()
    con = connect(lake)
    load_policy_tables(con, load_policy(POLICY if POLICY.exists() else None))
    ready = time.perf_counter()
    rows = run_detection(con, detection)
    done = time.perf_counter()
    con.close()
    return ready - start, done - ready, len(rows)
