"""IP addresses as one text per address, whichever source logged them.

Detections join sources on addresses: the copy check pairs sshd's `Failed password ...
from ADDR` with auditd's `USER_AUTH ... addr=ADDR`, and a burst of failures is matched
to the login that follows it by address. sshd writes an address as the client sent it
(`2001:0db8:0000::0001`, or `::ffff:1.2.3.4` from a dual-stack listener), auditd as
the kernel or PAM formatted it; so every `*_endpoint_ip` holds the canonical text
(RFC 5952 for IPv6, lower case and shortest), an IPv4-mapped IPv6 address as the IPv4
address it maps (as `SOCKADDR` decoding does). The message keeps what was written.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv6Address, ip_address

# The same peers come back again and again, so results are cached; the text is
# attacker-controlled, so only texts that can be addresses are (IPv6 with a scope id
# is at most 39 + 1 + 15 characters on Linux); longer ones are parsed each time.
CACHE_TEXT_MAX = 64


def canonical_ip(text: str) -> str | None:
    """Return the canonical text of an IP address, or None when `text` is not one.

    sshd with UseDNS logs host names where addresses would be; those are not IPs.
    """
    return _cached(text) if len(text) <= CACHE_TEXT_MAX else _canonical(text)


def _canonical(text: str) -> str | None:
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


_cached = lru_cache(maxsize=4096)(_canonical)
