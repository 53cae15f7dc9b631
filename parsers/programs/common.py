"""Row fragments shared by the program normalizers: classes, activities, endpoints."""

from __future__ import annotations

from typing import Any

from auditlake.parsers.addresses import canonical_ip
from auditlake.parsers.base import Row

from auditlake.schema import CLASSES, STATUS_FAILURE, STATUS_SUCCESS

ACCOUNT_CHANGE = 3001
AUTHENTICATION = 3002
PROCESS_ACTIVITY = 1007
NETWORK_ACTIVITY = 4001

# OCSF activity ids used here, with their OCSF names.
LOGON = (1, "Logon")
LOGOFF = (2, "Logoff")
LAUNCH = (1, "Launch")
OPEN = (1, "Open")
CLOSE = (2, "Close")
RESET = (3, "Reset")
FAIL = (4, "Fail")
REFUSE = (5, "Refuse")

SUCCESS = STATUS_SUCCESS
FAILURE = STATUS_FAILURE


def event(class_uid: int, activity: tuple[int, str], status_id: int | None, **fields: Any) -> Row:
    """Return a partial events row; fields that are None (or an empty map) are left out."""
    # `v or type(v) is not dict` drops only the empty dict, with no `{}` built per value
    row: Row = {k: v for k, v in fields.items() if v is not None and (v or type(v) is not dict)}
    row["class_uid"] = class_uid
    row["class_name"] = CLASSES[class_uid]
    row["activity_id"], row["activity_name"] = activity
    if status_id is not None:
        row["status_id"] = status_id
    return row


def source(host: str | None, port: str | None = None) -> Row:
    """Return the src_endpoint columns for a peer: an address or, failing that, a name."""
    row: Row = {}
    if host:
        ip = canonical_ip(host)
        if ip is None:
            row["src_endpoint_hostname"] = host
        else:
            row["src_endpoint_ip"] = ip
    port_number = to_port(port)
    if port_number is not None:
        row["src_endpoint_port"] = port_number
    return row


def to_port(text: str | None) -> int | None:
    """Return a TCP/UDP port number, or None when `text` is absent or out of range."""
    if not text or len(text) > 5 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= 65535 else None


def to_int(text: str | None) -> int | None:
    """Return a non-negative id (uid, gid) that fits int64; None when absent or too long."""
    if not text or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
