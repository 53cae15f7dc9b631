"""fail2ban's sshd/PAM test logs as a test set: its `# failJSON` lines say what to extract.

Every log line that fail2ban annotates with `"match": true` and a `"host"` must come out
of our parsers with that address (src_endpoint_ip, or src_endpoint_hostname when sshd
logged a name) and, where fail2ban names one, that user. The exceptions are listed in
NOT_PARSED with the reason.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from auditlake.parsers.base import Row, SourceContext
from auditlake.parsers.programs import normalize_program_message
from auditlake.parsers.syslog import SyslogParser

pytestmark = pytest.mark.corpus

_MULTILINE = (
    "fail2ban's multi-line match: the address is only on an earlier line of the same sshd"
    " process; in SQL, join on device_hostname and process_pid"
)
# Messages (after the syslog header) deliberately not turned into an address, and why.
NOT_PARSED = {
    "Disconnecting: Too many authentication failures for root [preauth]": _MULTILINE,
    "Disconnecting: Too many authentication failures [preauth]": _MULTILINE,
    "fatal: Read from socket failed: Connection reset by peer [preauth]": _MULTILINE,
    'error: kex_exchange_identification: client sent invalid protocol identifier ""': _MULTILINE,
    "error: kex_exchange_identification: Connection closed by remote host": _MULTILINE,
    "error: kex_exchange_identification: read: Connection reset by peer": _MULTILINE,
    "fatal: Unable to negotiate a key exchange method [preauth]": _MULTILINE,
    "fatal: no matching mac found: client hmac-xxx,hmac-xxx,hmac-xxx,hmac-xxx,hmac-xxx,"
    "hmac-xxx server hmac-xxx,hmac-xxx,umac-xxx,hmac-xxx,hmac-xxx,umac-xxx [preauth]": _MULTILINE,
    "kernel:[  970.699396]: Failed keyboard-interactive for <invalid username> from "
    "205.186.180.55 port 42742 ssh2": "a kernel uptime stamp inside sshd's message is not"
    " something sshd writes (fail2ban tests its prefix stripping with it)",
    "Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 "
    "port 55555 ssh2": "ambiguous text, read the other way on purpose: fail2ban takes the"
    " tail for injected auth info, but sshd adds no auth info to password lines, while the"
    " user name is the client's choice in every method: the last address is the real one",
}
_JOURNAL_LINE = re.compile(r"\S+ ([\w.-]+)(?:\[\d+\])?: (.*)")


def _annotated(path: Path) -> list[tuple[int, str, dict[str, Any]]]:
    """Return (byte offset, line, failJSON) for each log line that fail2ban annotates."""
    found = []
    offset = 0
    expected: dict[str, Any] | None = None
    for raw in path.read_bytes().split(b"\n"):
        line = raw.decode()
        if line.startswith("# failJSON:"):
            expected = json.loads(line[len("# failJSON:") :])
        elif line and not line.startswith("#"):
            if expected is not None:
                found.append((offset, line, expected))
            expected = None
        offset += len(raw) + 1
    return found


def _syslog_rows(path: Path) -> dict[int, Row]:
    parser = SyslogParser(
        SourceContext(str(path), file_id="f2b", reference_time=datetime(2026, 1, 1, tzinfo=UTC))
    )
    parser.feed(path.read_bytes(), 0)
    parser.finish(True)
    rows: dict[int, Row] = {}
    for row in parser.drain().events:
        rows.setdefault(row["source_offset"], row)
    return rows


def _address(row: Row | None) -> str | None:
    if row is None:
        return None
    return row.get("src_endpoint_ip") or row.get("src_endpoint_hostname")


def _misses(rows: list[tuple[str, Row | None, dict[str, Any]]]) -> list[str]:
    misses = []
    for message, row, expected in rows:
        if not expected.get("match") or "host" not in expected:
            continue
        ok = _address(row) == expected["host"]
        if "user" in expected:
            ok = ok and row is not None and row.get("user_name") == expected["user"]
        if not ok:
            misses.append(message)
    return misses


def _syslog_checked(path: Path) -> list[tuple[str, Row | None, dict[str, Any]]]:
    rows = _syslog_rows(path)
    checked = []
    for offset, line, expected in _annotated(path):
        row = rows.get(offset)
        checked.append((row["message"] if row is not None else line, row, expected))
    return checked


def _journal_checked(path: Path) -> list[tuple[str, Row | None, dict[str, Any]]]:
    """sshd-journal holds the same variants as journal `short` lines without a time."""
    checked = []
    for _, line, expected in _annotated(path):
        m = _JOURNAL_LINE.fullmatch(line)
        assert m is not None, line
        app, message = m.groups()
        checked.append((message, normalize_program_message(app, message), expected))
    return checked


@pytest.mark.parametrize("name", ["sshd", "pam-generic"])
def test_fail2ban_syslog_failures_yield_its_address_and_user(corpus: Path, name: str) -> None:
    checked = _syslog_checked(corpus / "fail2ban" / name)
    assert sum(1 for _, _, e in checked if e.get("match") and "host" in e) > 5
    assert set(_misses(checked)) <= set(NOT_PARSED)


def test_fail2ban_journal_messages_yield_its_address_and_user(corpus: Path) -> None:
    checked = _journal_checked(corpus / "fail2ban" / "sshd-journal")
    assert len(checked) > 100
    assert set(_misses(checked)) <= set(NOT_PARSED)


def test_not_parsed_list_names_only_variants_that_are_still_missed(corpus: Path) -> None:
    folder = corpus / "fail2ban"
    checked = [
        *_syslog_checked(folder / "sshd"),
        *_syslog_checked(folder / "pam-generic"),
        *_journal_checked(folder / "sshd-journal"),
    ]
    assert set(_misses(checked)) == set(NOT_PARSED)


def test_every_annotated_fail2ban_line_becomes_a_row(corpus: Path) -> None:
    path = corpus / "fail2ban" / "sshd"
    rows = _syslog_rows(path)
    assert all(offset in rows for offset, _, _ in _annotated(path))
