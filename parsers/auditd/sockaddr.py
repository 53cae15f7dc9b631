"""Decode a SOCKADDR record's `saddr` (hex of a struct sockaddr) into family and endpoint.

`sa_family` is in the host's byte order (little-endian on x86/arm64, big-endian on
s390x or ppc64), so the caller passes the order from the event's `arch`; ports and
IPv4/IPv6 addresses are in network order. A unix path ends at its first NUL; an
abstract unix address starts with a NUL and is written `@name` (as `ss` and `lsof`
do). An IPv4-mapped IPv6 address is given as plain IPv4.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from auditlake.parsers.auditd.fields import escape_bytes

# AF_* numbers -> the names auparse prints (`saddr_fam=`).
FAMILIES = {0: "unspec", 1: "local", 2: "inet", 10: "inet6", 16: "netlink", 17: "packet"}


@dataclass(frozen=True, slots=True)
class SockAddr:
    """A decoded socket address."""

    family: str
    path: str | None = None
    ip: str | None = None
    port: int | None = None


def decode_saddr(saddr: str, little_endian: bool = True) -> SockAddr | None:
    """Decode the hex `saddr`; None when it is not hex or too short to hold a family."""
    try:
        data = bytes.fromhex(saddr)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    number = int.from_bytes(data[:2], "little" if little_endian else "big")
    family = FAMILIES.get(number)
    if family == "local":
        return _unix(data[2:])
    if family == "inet" and len(data) >= 8:
        return SockAddr(family, ip=str(ipaddress.IPv4Address(data[4:8])), port=_port(data))
    if family == "inet6" and len(data) >= 24:
        ip6 = ipaddress.IPv6Address(data[8:24])
        ip = str(ip6.ipv4_mapped) if ip6.ipv4_mapped is not None else str(ip6)
        return SockAddr(family, ip=ip, port=_port(data))
    return SockAddr(family or f"unknown({number})")


def _port(data: bytes) -> int:
    """Read the network-order port that follows the family."""
    return int.from_bytes(data[2:4], "big")


def _unix(path: bytes) -> SockAddr:
    """Decode sun_path: a NUL-terminated path, or `@name` for the abstract namespace."""
    if path[:1] == b"\0":
        name = path[1:].rstrip(b"\0")
        return SockAddr("local", path="@" + escape_bytes(name))
    end = path.find(b"\0")
    raw = path if end < 0 else path[:end]
    return SockAddr("local", path=escape_bytes(raw) or None)  # None: an unnamed socket
