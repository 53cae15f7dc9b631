#!/usr/bin/env python3
"""Write the sample fleet: three hosts' logs, benign activity and one planted intrusion.

Deterministic: the same code writes the same bytes. `python samples/generate.py`
rewrites `samples/fleet/`; `--check` regenerates into a temporary directory and
compares with the committed files (exit 1 and a list of differences when they drift).
The story and the file formats are described in `samples/README.md`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fleetgen.files import check, write

SAMPLES = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Rewrite samples/fleet, or with --check compare it with a fresh run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare the committed files with a fresh run"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check(SAMPLES)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for name, data in sorted(write(SAMPLES).items()):
        print(f"{name}\t{len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
