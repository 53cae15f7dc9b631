"""`python -m bench`: run the benchmark, print one table, save it as JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import duckdb

from bench import report
from bench.logs import SOURCE_BY_NAME
from bench.suite import Options, ausearch_bin, run_suite

SECTIONS = ("ingest", "scaling", "detect")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure auditlake ingest and detections against DuckDB's whole-line "
        "read (the limit) and ausearch (the peer). Run from the repository root.",
    )
    parser.add_argument("--size-mb", type=float, default=200.0, help="MB per source (default 200)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the median is reported"
    )
    parser.add_argument(
        "--events", type=int, default=20_000_000, help="events in the detection lake"
    )
    parser.add_argument(
        "--scale-mb", type=float, default=50.0, help="the 1x size of the 1x/2x/4x scaling series"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "auditlake-bench",
        help="where generated inputs are cached and lakes are written",
    )
    parser.add_argument(
        "--source",
        action="append",
        choices=sorted(SOURCE_BY_NAME),
        help="only these sources (repeatable)",
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="only these sections (repeatable)"
    )
    parser.add_argument(
        "--results", type=Path, default=report.RESULTS_DIR, help="where the JSON result goes"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="OLD.json",
        help="also print the change against an earlier result",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    opts = Options(
        workdir=args.workdir,
        size_mb=args.size_mb,
        repeat=args.repeat,
        events=args.events,
        sources=tuple(args.source or SOURCE_BY_NAME),
        scale_mb=args.scale_mb,
        sections=tuple(args.only or SECTIONS),
    )
    meta = {
        "timestamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "argv": sys.argv[1:] if argv is None else argv,
        "size_mb": opts.size_mb,
        "repeat": opts.repeat,
        "events": opts.events,
        "scale_mb": opts.scale_mb,
        "cpus": os.cpu_count(),
        # other work on the machine stretches wall times (CPU seconds are in the rows)
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "auditlake": version("auditlake"),
        "duckdb": duckdb.__version__,
        "ausearch": ausearch_bin(),
    }

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    result = run_suite(opts, meta, log)
    doc = result.to_json()
    print(report.table(doc))
    path = report.save(doc, args.results)
    print(f"\nsaved {path}")
    if args.compare:
        print()
        print(report.compare(json.loads(args.compare.read_text()), doc))
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
