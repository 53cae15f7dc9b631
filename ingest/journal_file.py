"""Binary `.journal` files, read through `journalctl --file F -o export` when installed.

This runs a program, so it lives in ingest: parsers only read the stream handed in.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from auditlake.errors import InputError

CHUNK_BYTES = 1 << 20


def export_from_journal_file(path: str | Path) -> Iterator[bytes]:
    """Return the export-format bytes of a binary journal file, in chunks.

    The chunks are not cut at line ends; JournaldExportParser takes any cut. Raises
    InputError at once when journalctl is missing, and while iterating when journalctl
    fails (e.g. a journal written by a newer systemd than the one installed).
    """
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        raise InputError(
            "binary journal file needs journalctl, which is not installed: install systemd "
            "(e.g. `apt-get install systemd`), or export it where journalctl exists with "
            "`journalctl --file FILE -o export > FILE.export` and ingest that",
            str(path),
        )
    return _run(journalctl, str(path))


def _run(journalctl: str, path: str) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as errors:
        # journalctl may write many warnings; a file, unlike a pipe, cannot fill and block it.
        proc = subprocess.Popen(
            [journalctl, "--file", path, "-o", "export", "--no-pager"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert proc.stdout is not None
        try:
            while chunk := proc.stdout.read(CHUNK_BYTES):
                yield chunk
            status = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
        if status != 0:
            errors.seek(0)
            detail = errors.read(2000).decode("utf-8", "replace").strip()
            raise InputError(
                f"journalctl could not read this journal file (exit status {status}): {detail}; "
                "a journal written by a newer systemd may need a newer journalctl",
                path,
            )
