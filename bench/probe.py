"""Subprocess side of measurements that time themselves: `python -m bench.probe KIND ...`.

Each probe does one thing, then prints one JSON line with `seconds` (the work alone,
without interpreter start and imports), so the parent can measure the process tree's
memory while the time compares like with like.

- `limit FILE DELIM`: DuckDB reads FILE as whole lines (one VARCHAR column), 1 thread,
  as PERFORMANCE.md measured the limit (after a warm-up read: see `limit`).
- `detect LAKE`: run every detection over the lake in one process, as `auditlake detect`
  does; time and peak memory of the setup (views, policy tables) and of each query.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from typing import Any

import duckdb

LIMIT_THREADS = 1  # PERFORMANCE.md's whole-line read ran on 1 thread; the targets use it
# One column, no quoting, and a delimiter the generated logs never hold: every line is
# read whole. (ENRICHED auditd holds 0x1D; journald JSON escapes every control byte.)
WHOLE_LINES = """
SELECT count(*) AS lines, sum(strlen(line)) AS bytes
FROM read_csv(
    $path,
    columns = {'line': 'VARCHAR'},
    delim = $delim,
    quote = '',
    escape = '',
    header = false,
    auto_detect = false,
    new_line = '\\n',
    strict_mode = false,
    max_line_size = 16777216
)
"""


def limit(path: str, delim: str) -> dict[str, Any]:
    """Read `path` as whole lines with DuckDB; return the time, lines and bytes read.

    A connection's first CSV read costs ~0.3 s more than later ones, whatever the
    file's size (a one-time setup, measured on 100 KB and 50 MB alike): a warm-up read
    of a one-line file pays it first, so the time is the read itself, as PERFORMANCE.md
    measured it (723 MB/s there; counting the setup would flatter every ratio, by up to
    7 times at 50 MB).
    """
    con = duckdb.connect(config={"threads": LIMIT_THREADS})
    with tempfile.NamedTemporaryFile(suffix=".log") as warm_up:
        warm_up.write(b"warm-up\n")
        warm_up.flush()
        con.execute(WHOLE_LINES, {"path": warm_up.name, "delim": delim}).fetchone()
    start = time.perf_counter()
    row = con.execute(WHOLE_LINES, {"path": path, "delim": delim}).fetchone()
    seconds = time.perf_counter() - start
    assert row is not None
    return {"seconds": seconds, "lines": row[0], "bytes": row[1]}


def detect(lake: str) -> dict[str, Any]:
    """Run every detection over `lake`; the total time is the setup plus every query."""
    from bench.detections import run_all

    result = run_all(lake)
    steps = [result["setup"], *result["detections"].values()]
    result["seconds"] = sum(step["seconds"] for step in steps)
    return result


def main(argv: list[str]) -> None:
    kind, *args = argv
    result = limit(args[0], args[1]) if kind == "limit" else detect(args[0])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
