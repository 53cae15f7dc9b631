"""Binary journal files: exported through journalctl, or a clear error without it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from auditlake.ingest.journal_file import export_from_journal_file

from auditlake.errors import InputError

needs_journalctl = pytest.mark.skipif(
    shutil.which("journalctl") is None, reason="journalctl is not installed"
)


@needs_journalctl
def test_binary_journal_file_exports_like_journalctl(corpus: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(corpus / "velociraptor-journal/system.journal.zip") as z:
        z.extract("2004.journal", tmp_path)
    exported = b"".join(export_from_journal_file(tmp_path / "2004.journal"))
    assert exported == (corpus / "velociraptor-journal/derived/2004.export").read_bytes()


@needs_journalctl
def test_binary_journal_file_journalctl_cannot_read_raises_input_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.journal"
    bogus.write_bytes(b"not a journal")
    with pytest.raises(InputError, match="journalctl could not read this journal file"):
        b"".join(export_from_journal_file(bogus))


def test_binary_journal_file_without_journalctl_says_how_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError) as e:
        export_from_journal_file(tmp_path / "x.journal")
    assert str(e.value) == (
        f"{tmp_path / 'x.journal'}: binary journal file needs journalctl, which is not "
        "installed: install systemd (e.g. `apt-get install systemd`), or export it where "
        "journalctl exists with `journalctl --file FILE -o export > FILE.export` and ingest that"
    )


def test_parsers_run_no_programs() -> None:
    parsers = Path(__file__).parents[2] / "parsers"
    users = [p.name for p in parsers.rglob("*.py") if "subprocess" in p.read_text()]
    assert users == []
