"""addresses.py: one text per IP address, so sources that log it differently still join."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest
from auditlake.parsers.addresses import CACHE_TEXT_MAX, canonical_ip
from auditlake.parsers.auditd.parser import AuditdParser
from auditlake.parsers.base import ParseOutput, SourceContext
from auditlake.parsers.programs import normalize_program_message
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.50", "203.0.113.50"),
        ("2001:0DB8:0a0b:12f0:0000:0000:0000:0001", "2001:db8:a0b:12f0::1"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("::ffff:0102:0304", "1.2.3.4"),
        ("::1", "::1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("bastion.example", None),
        ("010.0.0.1", None),  # leading zeros are ambiguous (octal to inet_aton): no address
        ("", None),
        ("1" * (CACHE_TEXT_MAX + 1), None),
    ],
)
def test_canonical_ip(text: str, expected: str | None) -> None:
    assert canonical_ip(text) == expected


@given(st.integers(0, 2**128 - 1), st.booleans())
def test_every_spelling_of_an_ipv6_address_gives_one_text(value: int, upper: bool) -> None:
    address = IPv6Address(value)
    spelled = address.exploded.upper() if upper else address.exploded
    mapped = address.ipv4_mapped
    assert canonical_ip(spelled) == canonical_ip(str(address))
    assert canonical_ip(spelled) == (str(mapped) if mapped else str(address))


@given(st.integers(0, 2**32 - 1))
def test_ipv4_addresses_keep_their_text(value: int) -> None:
    text = str(IPv4Address(value))
    assert canonical_ip(text) == text


def _auditd_auth(addr: str) -> ParseOutput:
    line = (
        "type=USER_AUTH msg=audit(1.000:1): pid=7 uid=0 auid=4294967295 ses=4294967295 "
        'msg=\'op=PAM:authentication grantors=? acct="bob" exe="/usr/sbin/sshd" '
        f"hostname={addr} addr={addr} terminal=ssh res=failed'\n"
    ).encode()
    parser = AuditdParser(SourceContext("audit.log", file_id="f"))
    parser.feed(line, 0)
    parser.finish(final=True)
    return parser.drain()


@pytest.mark.parametrize(
    ("sshd_wrote", "auditd_wrote", "expected"),
    [
        ("2001:0db8:0000:0000:0000:0000:0000:0050", "2001:db8::50", "2001:db8::50"),
        ("::ffff:203.0.113.50", "::ffff:203.0.113.50", "203.0.113.50"),
        ("::FFFF:203.0.113.50", "203.0.113.50", "203.0.113.50"),
    ],
)
def test_sshd_and_auditd_give_one_address_for_one_client(
    sshd_wrote: str, auditd_wrote: str, expected: str
) -> None:
    # The login copy check and brute_force join the two sources on this column.
    sshd = normalize_program_message("sshd", f"Failed password for bob from {sshd_wrote} port 2")
    (auditd,) = _auditd_auth(auditd_wrote).events
    assert sshd is not None
    assert sshd["src_endpoint_ip"] == auditd["src_endpoint_ip"] == expected
