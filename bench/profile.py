"""`python -m bench.profile SOURCE`: where `auditlake ingest` spends its time, ranked.

Samples the ingest of a generated log with py-spy (all worker processes), then ranks
functions by self time and by inclusive time, and the hottest lines of auditlake's own
code, so a fix can name file:line.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.logs import SOURCE_BY_NAME
from bench.suite import REPO, Options, auditlake_bin, input_file

_LINE = re.compile(r":\d+\)$")
OWN_CODE = ("auditlake/", "parsers/", "ingest/", "queries/")


def collapse(raw: str) -> tuple[int, Counter[str], Counter[str], Counter[str]]:
    """Samples, self time per function, inclusive time per function, self time per line."""
    total = 0
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    for entry in raw.splitlines():
        stack, _, count = entry.rpartition(" ")
        frames = [f for f in stack.split(";")[1:] if f.endswith(")")]
        if not frames or not count.isdigit():
            continue
        n = int(count)
        total += n
        own[_LINE.sub(")", frames[-1])] += n
        lines[frames[-1]] += n
        for function in {_LINE.sub(")", f) for f in frames}:
            inclusive[function] += n
    return total, own, inclusive, lines


def _is_ours(frame: str) -> bool:
    """Frames name files relative to the working directory, or absolutely."""
    frame = frame.replace(f"({REPO}/", "(")
    return any(f"({part}" in frame for part in OWN_CODE)


def report(raw: str, top: int) -> str:
    total, own, inclusive, lines = collapse(raw)
    out = [f"{total} samples"]
    sections = (
        ("self time by function", own.most_common(top)),
        ("inclusive time, auditlake code", [(f, n) for f, n in inclusive.most_common() if _is_ours(f)][:top]),
        ("self time by line, auditlake code", [(f, n) for f, n in lines.most_common() if _is_ours(f)][:top]),
    )  # fmt: skip
    for title, ranked in sections:
        out.append(f"\n== {title}")
        out.extend(f"{100 * n / total:5.1f}%  {f.replace(str(REPO) + '/', '')}" for f, n in ranked)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("source", choices=sorted(SOURCE_BY_NAME))
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--rate", type=int, default=50, help="samples per second")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "auditlake-bench"
    )
    args = parser.parse_args(argv)
    spy, exe = shutil.which("py-spy", path=str(Path(sys.executable).parent)), auditlake_bin()
    if spy is None or exe is None:
        print("needs py-spy (pip install py-spy) and `auditlake ingest`", file=sys.stderr)
        return 2
    source = SOURCE_BY_NAME[args.source]
    opts = Options(workdir=args.workdir)
    path, _ = input_file(opts, source, args.size_mb, lambda m: print(m, file=sys.stderr))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        argv_ = [spy, "record", "--subprocesses", "--nonblocking", "--rate", str(args.rate)]
        argv_ += ["--format", "raw", "-o", str(raw), "--", exe, "ingest", str(path)]
        argv_ += ["--lake", str(Path(tmp) / "lake"), "--format", source.format, "--quiet"]
        subprocess.run(argv_, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(report(raw.read_text(), args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
