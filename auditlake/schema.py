"""The Parquet contract: one explicit Arrow schema per table of the lake.

Column names follow OCSF with `.` replaced by `_` (`src_endpoint.ip` ->
`src_endpoint_ip`); `auditd_records` keeps auditd's own field names because SigmaHQ
auditd rules match on them. Every write passes one of these schemas explicitly, and
`tests/auditlake/test_schema.py` compares each with its golden copy in
`auditlake/golden/` so that a change is always deliberate.

Provenance columns (`source_file`, `source_offset`, `source_length`) name the exact
bytes a row came from: `source_length` counts the line's bytes including its newline.
For every table the spans of all rows of one source file tile the bytes read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pyarrow as pa

TIME = pa.timestamp("us", tz="UTC")
STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
STR_LIST = pa.list_(pa.string())
STR_MAP = pa.map_(pa.string(), pa.string())

SOURCE_TYPES = ("auditd", "journald", "syslog", "dockerd")

# OCSF classes used by auditlake (class_uid -> class_name).
CLASSES: dict[int, str] = {
    1001: "File System Activity",
    1007: "Process Activity",
    3001: "Account Change",
    3002: "Authentication",
    3003: "Authorize Session",
    3005: "User Access Management",
    4001: "Network Activity",
    5002: "Device Config State",  # audit configuration (rules, auditd state)
    6003: "API Activity",  # dockerd API calls
    6002: "Application Lifecycle",  # service start/stop, daemon messages
    0: "Base Event",  # anything without a better class
}

# status_id, as OCSF: 0 unknown, 1 success, 2 failure.
STATUS_UNKNOWN, STATUS_SUCCESS, STATUS_FAILURE = 0, 1, 2

# `logon_type` vocabulary for class 3002 rows (OCSF logon_type, lower case):
# network (sshd), local (login on a tty), batch (cron: not a login), switch (su),
# elevate (sudo), service (systemd --user and other non-interactive PAM sessions).
LOGON_TYPES = ("network", "local", "batch", "switch", "elevate", "service")

FILE_ENTRY = pa.struct([("path", STR), ("nametype", STR)])


def _schema(fields: list[Any]) -> pa.Schema:
    """Build a schema (the stubs cannot type a list mixing fields of several types)."""
    return pa.schema(fields)


_PROVENANCE = [
    pa.field("source_file", STR, nullable=False),
    pa.field("source_offset", I64, nullable=False),
    pa.field("source_length", I64, nullable=False),
    # content identity of the file (ingest fills it; parsers leave it out): the same
    # bytes read under a rotated name keep their id, so verify can prove exactly-once
    pa.field("source_file_id", STR),
]

EVENTS = _schema(
    [
        pa.field("event_uid", STR, nullable=False),
        pa.field("time", TIME, nullable=False),
        pa.field("event_date", pa.date32(), nullable=False),
        pa.field("source_type", STR, nullable=False),
        pa.field("class_uid", I32, nullable=False),
        pa.field("class_name", STR, nullable=False),
        pa.field("activity_id", I32),
        pa.field("activity_name", STR),
        pa.field("status_id", I32),
        pa.field("status_detail", STR),
        pa.field("severity", STR),  # the source's own level (syslog severity, logrus level)
        pa.field("device_hostname", STR),
        pa.field("app_name", STR),  # syslog tag / SYSLOG_IDENTIFIER / auditd record family
        # who acted: the login user behind the process (auid) when known
        pa.field("actor_user_name", STR),
        pa.field("actor_user_uid", I64),
        # the account acted on: logged into, created, added to a group, sudo target
        pa.field("user_name", STR),
        pa.field("user_uid", I64),
        pa.field("group_name", STR),  # group added to / removed from / created
        pa.field("logon_type", STR),
        pa.field("session_uid", STR),  # auditd ses, logind session id, sshd session
        pa.field("auth_protocol", STR),  # password, publickey, keyboard-interactive, ...
        pa.field("src_endpoint_ip", STR),
        pa.field("src_endpoint_port", I32),
        pa.field("src_endpoint_hostname", STR),
        pa.field("dst_endpoint_ip", STR),
        pa.field("dst_endpoint_port", I32),
        pa.field("dst_endpoint_path", STR),  # unix socket path (incl. "@abstract")
        pa.field("process_pid", I64),
        pa.field("process_parent_process_pid", I64),
        pa.field("process_name", STR),  # comm
        pa.field("process_file_path", STR),  # exe
        pa.field("process_cmd_line", STR),
        pa.field("process_args", STR_LIST),
        pa.field("process_cwd", STR),
        pa.field("process_uid", I64),
        pa.field("process_euid", I64),
        pa.field("process_auid", I64),
        pa.field("process_tty", STR),
        pa.field("file_path", STR),  # the main path of the event
        pa.field("files", pa.list_(FILE_ENTRY)),  # every path of the event with its nametype
        pa.field("container_uid", STR),
        pa.field("container_name", STR),
        pa.field("container_image_name", STR),
        pa.field("container_privileged", pa.bool_()),
        pa.field("container_mounts", STR_LIST),  # host source paths mounted into it
        pa.field("container_cap_add", STR_LIST),
        pa.field("container_host_namespaces", STR_LIST),  # pid, network, ipc, uts, userns
        pa.field("api_operation", STR),  # dockerd API: "POST /containers/create"
        pa.field("audit_key", STR),
        pa.field("audit_event_id", STR),  # auditd "seconds.millis:serial"
        pa.field("audit_type", STR),  # the auditd record type that defines the event
        pa.field("audit_syscall", STR),  # syscall name
        pa.field("message", STR),
        pa.field("unmapped", STR_MAP),
        *_PROVENANCE,
    ]
)

# Promoted auditd fields: the names auditd writes, the raw value (hex decoded where
# auditd hex-encodes it). ENRICHED's upper-case interpretation of a promoted field goes
# in `<field>_name` (`auid` 1001 and `auid_name` alice): DuckDB matches names without
# regard to case, so `AUID` next to `auid` would be unreachable as written.
AUDITD_RECORDS = _schema(
    [
        pa.field("event_uid", STR, nullable=False),
        pa.field("time", TIME, nullable=False),
        pa.field("event_date", pa.date32(), nullable=False),
        pa.field("device_hostname", STR),
        pa.field("node", STR),
        pa.field("audit_event_id", STR, nullable=False),
        pa.field("serial", I64, nullable=False),
        pa.field("record_index", I32, nullable=False),  # order within its event
        pa.field("type", STR, nullable=False),  # SYSCALL, PATH, UNKNOWN[1334], ...
        pa.field("type_id", I32),
        pa.field("arch", STR),
        pa.field("arch_name", STR),
        pa.field("syscall", I64),
        pa.field("syscall_name", STR),
        pa.field("success", STR),
        pa.field("exit", I64),
        pa.field("a0", STR),
        pa.field("a1", STR),
        pa.field("a2", STR),
        pa.field("a3", STR),
        pa.field("items", I32),
        pa.field("ppid", I64),
        pa.field("pid", I64),
        pa.field("auid", I64),
        pa.field("auid_name", STR),
        pa.field("uid", I64),
        pa.field("uid_name", STR),
        pa.field("gid", I64),
        pa.field("euid", I64),
        pa.field("suid", I64),
        pa.field("fsuid", I64),
        pa.field("egid", I64),
        pa.field("sgid", I64),
        pa.field("fsgid", I64),
        pa.field("ses", I64),
        pa.field("tty", STR),
        pa.field("comm", STR),
        pa.field("exe", STR),
        pa.field("subj", STR),
        pa.field("key", STR),
        pa.field("item", I32),
        pa.field("name", STR),
        pa.field("nametype", STR),
        pa.field("inode", I64),
        pa.field("mode", STR),
        pa.field("ouid", I64),
        pa.field("ogid", I64),
        pa.field("cwd", STR),
        pa.field("saddr", STR),  # raw hex
        pa.field("saddr_family", STR),
        pa.field("saddr_path", STR),
        pa.field("saddr_ip", STR),
        pa.field("saddr_port", I32),
        pa.field("proctitle", STR),
        pa.field("argc", I32),
        pa.field("op", STR),
        pa.field("acct", STR),
        pa.field("hostname", STR),
        pa.field("addr", STR),
        pa.field("terminal", STR),
        pa.field("res", STR),
        pa.field("grp", STR),
        pa.field("fields", STR_MAP),  # every other raw field (duplicates keep all: key, key#2)
        pa.field("enriched", STR_MAP),  # every other ENRICHED field
        pa.field("raw", STR),  # the record exactly as written (invalid UTF-8 as \xNN)
        *_PROVENANCE,
    ]
)

REJECTS = _schema(
    [
        pa.field("source_file", STR, nullable=False),
        pa.field("source_offset", I64, nullable=False),
        pa.field("source_length", I64, nullable=False),
        pa.field("source_type", STR),  # the parser that refused it
        pa.field("reason", STR, nullable=False),
        pa.field("raw", pa.binary(), nullable=False),  # capped at REJECT_RAW_CAP bytes
        pa.field("raw_sha256", STR, nullable=False),  # of the whole line, not the cap
        pa.field("source_file_id", STR),  # as in _PROVENANCE
    ]
)
REJECT_RAW_CAP = 4096

FINDINGS = _schema(
    [
        pa.field("finding_uid", STR, nullable=False),
        pa.field("analytic_uid", STR, nullable=False),  # the detection id
        pa.field("finding_title", STR, nullable=False),
        pa.field("severity", STR, nullable=False),  # low | medium | high | critical
        pa.field("class_uid", I32, nullable=False),  # 2004 Detection Finding
        pa.field("detection_date", pa.date32(), nullable=False),
        pa.field("start_time", TIME, nullable=False),
        pa.field("end_time", TIME, nullable=False),
        pa.field("device_hostname", STR),
        pa.field("actor_user_name", STR),
        pa.field("actor_user_uid", I64),
        pa.field("user_name", STR),
        pa.field("src_endpoint_ip", STR),
        pa.field("process_pid", I64),
        pa.field("process_cmd_line", STR),
        pa.field("file_path", STR),
        pa.field("container_name", STR),
        pa.field("group_name", STR),
        pa.field("message", STR),  # one line that says what happened
        pa.field("attack_technique_uids", STR_LIST),
        pa.field("event_uids", STR_LIST),
        pa.field("detected_at", TIME, nullable=False),
    ]
)

# Bytes of an input file that are in no row, and why (truncated stream, decompression
# bomb, file rewritten in place). Kept in the manifest with the checkpoints (they are
# published together), exposed as the view `gaps`; not a Parquet table.
GAPS = _schema(
    [
        pa.field("source_file_id", STR, nullable=False),
        pa.field("source_file", STR, nullable=False),
        pa.field("source_offset", I64, nullable=False),
        pa.field("source_length", I64, nullable=False),
        pa.field("reason", STR, nullable=False),
    ]
)

# Each file the lake has read (its checkpoint in the manifest), exposed as the view
# `source_files`; not a Parquet table. `relays_audit`: the audit records read from it
# came through syslog or the journal's text output, which any local user writes to
# (Parser.relays_audit); NULL for a format this auditlake does not know.
SOURCE_FILES = _schema(
    [
        pa.field("source_file_id", STR, nullable=False),
        pa.field("source_file", STR, nullable=False),  # the name it was read under last
        pa.field("format", STR),  # None: its format was not known
        pa.field("host", STR),  # the host given for it (--host), if any
        pa.field("relays_audit", pa.bool_()),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "events": EVENTS,
    "auditd_records": AUDITD_RECORDS,
    "rejects": REJECTS,
    "findings": FINDINGS,
}

GOLDEN_DIR = Path(__file__).parent / "golden"


def describe(schema: pa.Schema) -> list[dict[str, Any]]:
    """Return a schema as plain data (name, type, nullable), the golden file format."""
    return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]


def write_golden() -> None:
    """Rewrite the golden copies from the schemas above (scripts/update_golden_schemas)."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    for name, schema in SCHEMAS.items():
        path = GOLDEN_DIR / f"{name}.json"
        path.write_text(json.dumps(describe(schema), indent=1) + "\n")


def empty_row(schema: pa.Schema) -> dict[str, Any]:
    """Return a row dict with every column of `schema` set to None."""
    return dict.fromkeys(schema.names)


def to_batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Build a record batch from row dicts; missing keys are NULL, unknown keys ignored."""
    # One struct conversion in C++ is ~4x faster than from_pylist's per-column Python loop.
    # It converts only the columns some row names: each column costs a dict lookup and an
    # append per row, and a source's rows often name half of the schema or less.
    named = set().union(*rows)
    present = [f for f in schema if f.name in named]
    rows_as_structs = cast(pa.StructArray, pa.array(rows, type=pa.struct(present)))
    converted = {f.name: c for f, c in zip(present, rows_as_structs.flatten(), strict=True)}
    columns = [
        converted[f.name] if f.name in converted else pa.nulls(len(rows), f.type) for f in schema
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)
