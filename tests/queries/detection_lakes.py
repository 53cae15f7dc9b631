"""Build small lakes from hand-made rows, written through the real Lake API."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditlake.lake import Lake
from auditlake.schema import AUDITD_RECORDS, CLASSES, EVENTS, to_batch

Row = dict[str, Any]


def at(text: str) -> datetime:
    """Parse an ISO time ("2026-11-27T02:10:00") as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(time: str, class_uid: int, source_type: str = "auditd", **columns: Any) -> Row:
    """Return an events row with the provenance columns filled in."""
    when = at(time)
    if columns.get("process_args") and "process_cmd_line" not in columns:
        columns["process_cmd_line"] = " ".join(columns["process_args"])  # as the parsers do
    uid = (
        columns.pop("event_uid", None)
        or hashlib.blake2b(
            f"{time}{class_uid}{sorted(columns.items())}".encode(), digest_size=12
        ).hexdigest()
    )
    return {
        "event_uid": uid,
        "time": when,
        "event_date": when.date(),
        "source_type": source_type,
        "class_uid": class_uid,
        "class_name": CLASSES[class_uid],
        "device_hostname": columns.pop("device_hostname", "web-2"),
        "source_file": f"{source_type}.log",
        "source_offset": 0,
        "source_length": 1,
        **columns,
    }


def record(ev: Row, type_: str, index: int = 0, **columns: Any) -> Row:
    """Return an auditd_records row belonging to the events row `ev`."""
    return {
        "event_uid": ev["event_uid"],
        "time": ev["time"],
        "event_date": ev["event_date"],
        "device_hostname": ev["device_hostname"],
        "audit_event_id": "1.000:1",
        "serial": 1,
        "record_index": index,
        "type": type_,
        "source_file": ev["source_file"],
        "source_offset": 0,
        "source_length": 1,
        **columns,
    }


def make_lake(root: Path, events: list[Row], records: list[Row] | None = None) -> Path:
    """Write `events` (and `records`) as one published part each; return the root."""
    lake = Lake(root)
    lake.init()
    added = {"events": [lake.stage_part("events", [to_batch(events, EVENTS)], "hand")]}
    if records:
        added["auditd_records"] = [
            lake.stage_part("auditd_records", [to_batch(records, AUDITD_RECORDS)], "hand")
        ]
    lake.publish(added)
    return root
