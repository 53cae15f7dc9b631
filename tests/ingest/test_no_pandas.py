"""Ingest processes skip pyarrow's pandas import (ingest/no_pandas.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOG = b"Dec  7 10:00:00 web-1 sshd[1]: Accepted password for bob from 192.0.2.7 port 22 ssh2\n"


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_ingest_command_reads_without_importing_pandas(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_bytes(LOG)
    os.utime(log, (0, 0))  # idle: read to its end
    code = (
        "import sys, json\n"
        "from auditlake.cli import cli\n"
        f"cli(['ingest', {str(log)!r}, '--lake', {str(tmp_path / 'lake')!r}, '--jobs', '1',"
        " '--json-summary'], standalone_mode=False)\n"
        "print('pandas' in sys.modules)\n"
    )
    out = _python(code).splitlines()
    assert out[-1] == "False"
    assert '"lines": 1' in out[0]


def test_pandas_still_converts_after_the_check_was_skipped() -> None:
    code = (
        "from auditlake.ingest.no_pandas import skip_pandas_check\n"
        "skip_pandas_check()\n"
        "import sys, pyarrow as pa\n"
        "print('pandas' in sys.modules)\n"
        "print(pa.table({'a': [1, 2]}).to_pandas()['a'].sum())\n"
    )
    assert _python(code).split() == ["False", "3"]
