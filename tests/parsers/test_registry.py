"""Format names and sniffing: which parser reads which file."""

from __future__ import annotations

import pytest
from auditlake.parsers import registry

from auditlake.errors import InputError

AUDITD = b"type=DAEMON_START msg=audit(1764201600.000:1): op=start ver=3.0.9 res=success\n"
JOURNAL_JSON = b'{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1764201600000000","MESSAGE":"hi"}\n'
JOURNAL_EXPORT = b"__CURSOR=s=1\n__REALTIME_TIMESTAMP=1764201600000000\nMESSAGE=hi\n\n"
LOGRUS = (
    b'time="2026-11-27T02:10:00.000000000Z" level=info msg="Daemon has completed initialization"\n'
)
RFC3164 = b"Nov 27 02:10:01 web-2 sshd[4242]: Accepted password for bob from 203.0.113.50 port 50522 ssh2\n"


def _need(name: str) -> None:
    if name not in registry.available():
        pytest.skip(f"parser {name} not installed yet")


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
    _need(name)
    assert registry.sniff(head) == name


def test_sniff_of_text_no_parser_knows_is_none() -> None:
    assert registry.sniff(b"\x00\x01\x02 binary garbage") is None


def test_unknown_format_name_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as err:
        registry.get("evtx")
    known = "|".join(registry.available())
    assert str(err.value) == f"--format: unknown or unavailable format 'evtx' (expected {known})"


def test_every_registered_parser_declares_its_name() -> None:
    for name, cls in registry.available().items():
        assert cls.name == name
