"""SIGKILL at random moments never leaves a partial dataset (DESIGN §5).

Each trial appends to (and sometimes rotates) sequence-numbered logs, starts an
ingest in a child process, kills it with SIGKILL after a random delay, then checks
that the views show either the state before the run or the complete new state, and
that verify holds. A last run without a kill must end with every line exactly once.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from seqlog import append_seq, assert_exactly_once, ingest_args, seq_counts, verified

from auditlake.lake import Lake

AUDITLAKE = str(Path(sys.executable).with_name("auditlake"))


def _append(path: Path, first: int, n: int) -> int:
    append_seq(path, first, first + n - 1)
    return first + n


def _trials(tmp_path: Path, trials: int, seed: int, most: int = 20000, wait: float = 1.5) -> int:
    """Run the trials; return how many kills landed before the run published."""
    rng = random.Random(seed)
    logs = tmp_path / "logs"
    hosts = [logs / f"web-{i}" for i in range(3)]
    for host in hosts:
        host.mkdir(parents=True)
    lake = tmp_path / "lake"
    Lake(lake).init()
    nxt = 1
    previous: Counter[int] = Counter()
    interrupted = 0
    rotations = 0
    for _ in range(trials):
        host = rng.choice(hosts)
        if rng.random() < 0.25 and (host / "app.log").exists():
            rotations += 1
            (host / "app.log").rename(host / f"app.log.{rotations}")
        nxt = _append(host / "app.log", nxt, rng.randint(most // 10, most))
        before = Lake(lake).manifest_path.read_bytes()
        proc = subprocess.Popen(
            [AUDITLAKE, *ingest_args(lake, logs, jobs=rng.choice([1, 1, 2])), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.0, wait))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert proc.returncode in (0, -signal.SIGKILL), err
        now = seq_counts(lake)
        if Lake(lake).manifest_path.read_bytes() == before:
            assert now == previous  # killed before publishing: the previous state
            interrupted += 1
        else:
            assert_exactly_once(lake, nxt - 1)  # published: the complete new state
        verified(lake)
        previous = now
    final = subprocess.run(
        [AUDITLAKE, *ingest_args(lake, logs, jobs=0), "--quiet"],  # 0: the default, per CPU
        capture_output=True,
        check=False,
    )
    assert final.returncode == 0, final.stderr
    assert_exactly_once(lake, nxt - 1)
    leftovers = {p.relative_to(lake).as_posix() for p in lake.rglob("*.parquet*")}
    published = {p for parts in Lake(lake).read_manifest().parts.values() for p in parts}
    assert leftovers == published
    return interrupted


def test_sigkill_at_random_moments_few_trials(tmp_path: Path) -> None:
    _trials(tmp_path, trials=3, seed=7, most=3000, wait=0.8)


@pytest.mark.slow
def test_sigkill_at_random_moments_many_trials(tmp_path: Path) -> None:
    assert _trials(tmp_path, trials=25, seed=20261128) >= 5
