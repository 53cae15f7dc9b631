"""The targets of ../shared/PERFORMANCE.md, and the verdict of a measured value against one."""

from __future__ import annotations

import operator
from dataclasses import dataclass

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True, slots=True)
class Target:
    """A bound on one measured quantity, with the stretch goal beyond it."""

    label: str  # how the table shows it: "limit>=1/15"
    bound: float
    stretch: float | None = None
    higher_is_better: bool = True

    def verdict(self, value: float | None) -> str:
        """PASS, FAIL, STRETCH (the stretch goal is met too) or n/a (nothing measured)."""
        if value is None:
            return "n/a"
        better = operator.ge if self.higher_is_better else operator.le
        if self.stretch is not None and better(value, self.stretch):
            return "STRETCH"
        return "PASS" if better(value, self.bound) else "FAIL"


# auditlake's speed as a fraction of DuckDB's whole-line read of the same file.
VS_LIMIT = {
    "auditd": Target("limit>=1/15", 1 / 15),
    "journald-json": Target("limit>=1/4", 1 / 4, 1 / 3),
    "syslog": Target("limit>=1/15", 1 / 15, 1 / 12),
    "dockerd": Target("limit>=1/15", 1 / 15, 1 / 12),
}
# auditlake's speed relative to `ausearch --format csv` on the same audit file.
VS_AUSEARCH = Target("ausearch>=1.0", 1.0, 1.5)
PEAK_RSS = Target("rss<=1GiB", GIB, 600 * MIB, higher_is_better=False)
DETECTION_SECONDS = Target("<=1s", 1.0, higher_is_better=False)
# Scaling 1x -> 4x: seconds per MB may grow by at most 25 % (linear), and so may the
# peak RSS (flat: independent of the input size).
SCALING_TIME = Target("linear(+25%)", 1.25, higher_is_better=False)
SCALING_RSS = Target("flat(+25%)", 1.25, higher_is_better=False)
