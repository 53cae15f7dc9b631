"""Format names and sniffing: which parser reads which file."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from auditlake.parsers import registry

from auditlake.errors import InputError

AUDITD = b"type=DAEMON_START msg=audit(1764201600.000:1): op=start ver=3.0.9 res=success\n"
JOURNAL_JSON = b'{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1764201600000000","MESSAGE":"hi"}\n'
JOURNAL_EXPORT = b"__CURSOR=s=1\n__REALTIME_TIMESTAMP=1764201600000000\nMESSAGE=hi\n\n"
LOGRUS = (
    b'time="2026-11-27T02:10:00.000000000Z" level=info msg="Daemon has completed initialization"\n'
)
TEST_PARSERS = Path(__file__).parent.parent / "ingest"
RFC3164 = b"Nov 27 02:10:01 web-2 sshd[4242]: Accepted password for bob from 203.0.113.50 port 50522 ssh2\n"


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (AUDITD, "auditd"),
        (JOURNAL_JSON, "journald-json"),
        (JOURNAL_EXPORT, "journald-export"),
        (LOGRUS, "dockerd"),
        (RFC3164, "syslog"),
    ],
)
def test_sniff_picks_the_format_of_each_source(head: bytes, name: str) -> None:
    assert registry.sniff(head) == name


def test_sniff_of_text_no_parser_knows_is_none() -> None:
    assert registry.sniff(b"\x00\x01\x02 binary garbage") is None


def test_unknown_format_name_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as err:
        registry.get("evtx")
    known = "|".join(registry.available())
    assert str(err.value) == f"--format: unknown format 'evtx' (expected {known})"


def test_every_built_in_format_is_available_in_sniffing_order() -> None:
    assert list(registry.available()) == [
        "journald-export",
        "journald-json",
        "docker-events",
        "dockerd",
        "auditd",
        "syslog",
        "journald-text",
    ]


def test_a_broken_built_in_parser_fails_the_import_instead_of_vanishing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "auditlake.parsers.dockerd", None)  # import fails
    try:
        with pytest.raises(ImportError):
            importlib.reload(registry)
    finally:
        monkeypatch.undo()
        importlib.reload(registry)


def test_a_module_class_format_name_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "format_probe.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_suffix('.ran').touch()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(InputError):
        registry.get("format_probe:Parser")
    assert "format_probe" not in sys.modules
    assert not (tmp_path / "format_probe.ran").exists()


def test_an_entry_point_parser_is_found_by_its_exact_name_and_never_sniffed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(TEST_PARSERS))  # holds a dist-info declaring "lines"
    cls = registry.get("lines")
    assert (cls.__name__, cls.name) == ("LineParser", "lines")
    assert "lines" not in registry.available()
    assert registry.sniff(b"seq 000001\n") is None  # LineParser.sniff would say yes


def test_every_registered_parser_declares_its_name() -> None:
    for name, cls in registry.available().items():
        assert cls.name == name
