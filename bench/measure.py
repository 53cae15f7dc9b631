"""Run a command as a subprocess and measure its wall time and the peak RSS of its tree.

The peak is the largest sum of VmRSS over the process and all its descendants, sampled
from /proc at about 20 Hz: `getrusage(RUSAGE_CHILDREN)` reports the largest single
process, not the sum of concurrent workers. The wait4() rusage of the child (its own
or a waited descendant's largest RSS) is a floor that catches a peak between samples.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_INTERVAL_S = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")


class CommandFailed(RuntimeError):
    """A measured command exited non-zero; carries its stderr tail."""


@dataclass(frozen=True, slots=True)
class Run:
    """One execution: wall seconds, peak tree RSS in bytes, and what the command printed.

    `cpu_seconds` is the user + system time of the command and of every descendant it
    waited for (its worker processes): on a machine shared with other work, wall time
    stretches while CPU time stays near what the work costs.
    """

    seconds: float
    peak_rss: int
    stdout: str
    cpu_seconds: float = 0.0


def _children(pid: int) -> list[int]:
    """Direct children of `pid` over all its threads (/proc/PID/task/TID/children)."""
    kids: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(k) for k in f.read().split())
        except OSError:
            continue
    return kids


def _rss(pid: int) -> int:
    """Resident bytes of one process (0 once it is gone); statm's 2nd field is in pages."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    """Sum of the resident memory of `root` and every descendant alive right now."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss(pid)
        stack.extend(_children(pid))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self.stop.wait(SAMPLE_INTERVAL_S)


def run(argv: Sequence[str], cwd: Path | None = None, capture: bool = True) -> Run:
    """Run `argv` to completion (stdout kept, or discarded); raise CommandFailed on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err,
        )
        sampler = _Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(argv)} exited {proc.returncode}: {tail}")
        out.seek(0)
        text = out.read().decode(errors="replace")
    peak = max(sampler.peak, usage.ru_maxrss * 1024)  # ru_maxrss is in KiB on Linux
    return Run(seconds, peak, text, usage.ru_utime + usage.ru_stime)


@dataclass(frozen=True, slots=True)
class Measurement:
    """The median of repeated runs (seconds, peak RSS, CPU seconds) and every run's seconds."""

    seconds: float
    peak_rss: int
    runs: tuple[float, ...]
    stdout: str
    cpu_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "peak_rss": self.peak_rss,
            "cpu_seconds": self.cpu_seconds,
            "runs": list(self.runs),
        }


def repeat(
    times: int, once: Callable[[], Run], reported: Callable[[Run], float] | None = None
) -> Measurement:
    """Run `once` `times` times; report the median seconds and the median peak RSS.

    `reported` picks the seconds to report from a run (default: the wall time), e.g. a
    time the command measured itself and printed as JSON.
    """
    runs = [once() for _ in range(times)]
    pick = reported or (lambda r: r.seconds)
    seconds = [pick(r) for r in runs]
    return Measurement(
        seconds=statistics.median(seconds),
        peak_rss=int(statistics.median(r.peak_rss for r in runs)),
        runs=tuple(seconds),
        stdout=runs[-1].stdout,
        cpu_seconds=statistics.median(r.cpu_seconds for r in runs),
    )


def self_timed(run_: Run) -> float:
    """The `seconds` a helper script printed as its last JSON line."""
    return float(json.loads(run_.stdout.strip().splitlines()[-1])["seconds"])
