"""SOCKADDR saddr decoding: unix paths (incl. abstract), IPv4, IPv6, byte order."""

from __future__ import annotations

from auditlake.parsers.auditd.sockaddr import SockAddr, decode_saddr


def test_unix_path_ends_at_first_nul() -> None:
    saddr = "01002F7661722F72756E2F6E7363642F736F636B65740000603B7B47FC7F0000"
    assert decode_saddr(saddr) == SockAddr("local", path="/var/run/nscd/socket")


def test_abstract_unix_address_is_written_with_at_sign() -> None:
    saddr = (b"\x01\x00\x00/org/example").hex()
    assert decode_saddr(saddr) == SockAddr("local", path="@/org/example")


def test_ipv4_and_port_in_network_order() -> None:
    assert decode_saddr("02000050A9FEA9FE0000000000000000") == SockAddr(
        "inet", ip="169.254.169.254", port=80
    )


def test_ipv6_and_ipv4_mapped() -> None:
    loopback6 = "0A002BCB000000000000000000000000000000000000000100000000"
    assert decode_saddr(loopback6) == SockAddr("inet6", ip="::1", port=11211)
    mapped = "0A000016" + "00000000" + "00000000000000000000FFFF0A000005" + "00000000"
    assert decode_saddr(mapped) == SockAddr("inet6", ip="10.0.0.5", port=22)


def test_family_follows_the_hosts_byte_order() -> None:
    assert decode_saddr("0002D903000000000000000000000000", little_endian=False) == SockAddr(
        "inet", ip="0.0.0.0", port=55555
    )


def test_other_families_and_garbage() -> None:
    assert decode_saddr("100000000000000000000000") == SockAddr("netlink")
    assert decode_saddr("00000000000000000000000000000000") == SockAddr("unspec")
    assert decode_saddr("2A00") == SockAddr("unknown(42)")
    assert decode_saddr("zz") is None
    assert decode_saddr("01") is None
