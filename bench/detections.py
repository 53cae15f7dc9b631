"""Run every detection over a lake in one process, as `auditlake detect` does, timing each.

The setup is what `auditlake detect` does once before the detections: open the views,
load the policy tables, and compute the views that several detections share
(`SHARED_VIEWS`); each detection's time is its own query. Each detection's peak memory
is the process's high-water mark while it ran: the mark is reset before it starts
(writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS), so it includes
what the process already held (interpreter, views, policy, shared views).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from auditlake.queries.connection import connect
from auditlake.queries.detect import materialize_shared_views, run_detection
from auditlake.queries.policy import load_policy_tables
from auditlake.queries.rules import load_detections

from auditlake.config import load_policy

# The sample fleet's policy (allowed users, trusted networks, docker group and socket).
POLICY = Path(__file__).resolve().parent.parent / "samples" / "policy.toml"
_HWM = re.compile(r"^VmHWM:\s+(\d+) kB$", re.MULTILINE)


def detection_ids() -> list[str]:
    """Every detection id under queries/detections, in the order `detect` runs them."""
    return [d.id for d in load_detections()]


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak() -> int:
    """This process's peak resident bytes since the last reset."""
    with open("/proc/self/status") as f:
        match = _HWM.search(f.read())
    return int(match.group(1)) * 1024 if match else 0


def run_all(lake: str) -> dict[str, Any]:
    """Set up a connection (views, policy, shared views), then run each detection; time and size each."""
    detections = load_detections()
    _reset_peak()
    start = time.perf_counter()
    con = connect(lake)
    load_policy_tables(con, load_policy(POLICY if POLICY.exists() else None))
    materialize_shared_views(con, detections)
    result: dict[str, Any] = {
        "setup": {"seconds": time.perf_counter() - start, "peak_rss": _peak()},
        "detections": {},
    }
    for detection in detections:
        _reset_peak()
        start = time.perf_counter()
        rows = run_detection(con, detection)
        result["detections"][detection.id] = {
            "seconds": time.perf_counter() - start,
            "peak_rss": _peak(),
            "rows": len(rows),
        }
    con.close()
    return result
