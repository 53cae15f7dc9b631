"""Turn an assembled event into one OCSF `events` row and its `auditd_records` rows.

Class by content: an EXECVE record (or a USER_CMD from sudo, or an execve syscall) ->
1007 Process Activity; connect/bind/accept/... with SOCKADDR -> 4001 Network Activity;
a syscall with PATH records -> 1001 File System Activity; PAM/sshd/login records
(USER_AUTH, USER_ACCT, CRED_*, USER_LOGIN, USER_START, USER_END, USER_ERR, LOGIN,
ANOM_LOGIN_*) -> 3002 Authentication; account and group changes -> 3001 Account
Change; CONFIG_CHANGE and DAEMON_* (the audit system's own state) -> 5002 Device Config
State; SERVICE_START/STOP -> 6002 Application Lifecycle; anything else -> 0 Base Event.

`actor_user_name` is who acted: ENRICHED's AUID name when the login uid is set; for
authentication events without a login uid yet, the account authenticating (`acct`).
`user_name` is the account acted on (`acct`, or ENRICHED's ID for `id=`). `unmapped`
holds the defining record's fields that have no column.
"""

from __future__ import annotations

import posixpath
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from typing import Any

from auditlake.parsers.addresses import canonical_ip
from auditlake.parsers.auditd.assemble import Event
from auditlake.parsers.auditd.execve import argv, proctitle_argv
from auditlake.parsers.auditd.fields import to_int
from auditlake.parsers.auditd.record import Record
from auditlake.parsers.auditd.records import (
    add_sockaddr,
    bare_record_row,
    little_endian,
    record_row,
)
from auditlake.parsers.auditd.tables import ERRNO_NAMES
from auditlake.parsers.base import SourceContext, event_uid, parser_error

from auditlake.schema import CLASSES, STATUS_FAILURE, STATUS_SUCCESS, STATUS_UNKNOWN

Row = dict[str, Any]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Records that only complete another record's story (never the event's type).
AUXILIARY = frozenset(
    {"EXECVE", "CWD", "PATH", "PROCTITLE", "SOCKADDR", "EOE", "BPRM_FCAPS", "MMAP", "FD_PAIR",
     "OBJ_PID", "CAPSET", "IPC", "IPC_SET_PERM", "MQ_OPEN", "MQ_SENDRECV", "MQ_NOTIFY",
     "MQ_GETSETATTR", "SOCKETCALL", "NETFILTER_CFG", "TIME_INJOFFSET", "TIME_ADJNTPVAL"}
)  # fmt: skip
AUTH_ACTIVITY = {
    "USER_AUTH": 1, "USER_LOGIN": 1, "USER_ERR": 1, "LOGIN": 1, "ANOM_LOGIN_FAILURES": 1,
    "ANOM_LOGIN_TIME": 1, "ANOM_LOGIN_SESSIONS": 1, "ANOM_LOGIN_ACCT": 1,
    "ANOM_LOGIN_LOCATION": 1, "ANOM_LOGIN_SERVICE": 1, "USER_LOGOUT": 2, "USER_END": 2,
    "USER_ACCT": 99, "USER_START": 99, "CRED_ACQ": 99, "CRED_DISP": 99, "CRED_REFR": 99,
}  # fmt: skip
AUTH_NAMES = {1: "Logon", 2: "Logoff", 99: "Other"}
ACCOUNT_ACTIVITY = {
    "ADD_USER": 1, "ADD_GROUP": 1, "DEL_USER": 6, "DEL_GROUP": 6, "USER_CHAUTHTOK": 3,
    "GRP_CHAUTHTOK": 3, "ACCT_LOCK": 9, "ACCT_UNLOCK": 12, "USER_MGMT": 99, "GRP_MGMT": 99,
    "CHUSER_ID": 99, "CHGRP_ID": 99, "ROLE_ASSIGN": 99, "ROLE_REMOVE": 99,
    "USER_MAC_CONFIG_CHANGE": 99,
}  # fmt: skip
ACCOUNT_NAMES = {
    1: "Create",
    3: "Password Change",
    6: "Delete",
    9: "Lock",
    12: "Unlock",
    99: "Other",
}
GROUP_TYPES = frozenset({"ADD_GROUP", "DEL_GROUP", "GRP_CHAUTHTOK", "CHGRP_ID"})
CONFIG_TYPES = frozenset(
    {"CONFIG_CHANGE", "DAEMON_START", "DAEMON_END", "DAEMON_ABORT", "DAEMON_CONFIG",
     "DAEMON_RECONFIG", "DAEMON_ROTATE", "DAEMON_RESUME", "DAEMON_ERR", "DAEMON_ACCEPT",
     "DAEMON_CLOSE", "DAEMON_AUDIT_FAIL"}
)  # fmt: skip
SERVICE_ACTIVITY = {"SERVICE_START": (3, "Start"), "SERVICE_STOP": (4, "Stop")}
NET_SYSCALLS = {
    "connect": (1, "Open", "dst"), "accept": (1, "Open", "src"), "accept4": (1, "Open", "src"),
    "bind": (99, "Other", "dst"), "sendto": (6, "Traffic", "dst"), "sendmsg": (6, "Traffic", "dst"),
    "recvfrom": (6, "Traffic", "src"), "recvmsg": (6, "Traffic", "src"),
}  # fmt: skip
# i386's socketcall(2) multiplexes the socket calls: a0 says which (linux/net.h SYS_*).
SOCKETCALL_CALLS = {
    1: "socket", 2: "bind", 3: "connect", 4: "listen", 5: "accept", 6: "getsockname",
    7: "getpeername", 8: "socketpair", 9: "send", 10: "recv", 11: "sendto", 12: "recvfrom",
    13: "shutdown", 14: "setsockopt", 15: "getsockopt", 16: "sendmsg", 17: "recvmsg",
    18: "accept4", 19: "recvmmsg", 20: "sendmmsg",
}  # fmt: skip
FILE_ACTIVITY = {
    "creat": 1, "mkdir": 1, "mkdirat": 1, "mknod": 1, "mknodat": 1, "link": 1, "linkat": 1,
    "symlink": 1, "symlinkat": 1, "unlink": 4, "unlinkat": 4, "rmdir": 4, "rename": 5,
    "renameat": 5, "renameat2": 5, "truncate": 3, "ftruncate": 3, "chmod": 6, "fchmod": 6,
    "fchmodat": 6, "chown": 6, "fchown": 6, "lchown": 6, "fchownat": 6, "utime": 6,
    "utimes": 6, "utimensat": 6, "setxattr": 7, "lsetxattr": 7, "fsetxattr": 7,
    "removexattr": 7, "lremovexattr": 7, "fremovexattr": 7, "stat": 8, "lstat": 8,
    "newfstatat": 8, "statx": 8, "access": 8, "faccessat": 8, "faccessat2": 8,
    # what 32-bit processes call (i386 table; the kernel's watch classes include them)
    "chown32": 6, "fchown32": 6, "lchown32": 6, "truncate64": 3, "ftruncate64": 3,
    # newer calls: named where the log names them (ENRICHED, or a newer table)
    "fchmodat2": 6, "futimesat": 6, "setxattrat": 7, "removexattrat": 7,
}  # fmt: skip
FILE_NAMES = {1: "Create", 2: "Read", 3: "Update", 4: "Delete", 5: "Rename",
              6: "Set Attributes", 7: "Set Security", 8: "Get Attributes", 14: "Open", 99: "Other"}  # fmt: skip
# The register of each open call's flags (openat2 passes them in a struct: not logged).
OPEN_SYSCALLS = {"open": "a1", "openat": "a2", "openat2": None, "open_by_handle_at": "a2"}
# The registers of the directory fds that *at calls resolve relative names against; a
# name is relative to the cwd only when each is AT_FDCWD (-100).
DIRFD_REGISTERS = {
    **dict.fromkeys(
        ("openat", "openat2", "mkdirat", "mknodat", "unlinkat", "fchmodat", "fchmodat2",
         "fchownat", "futimesat", "utimensat", "newfstatat", "fstatat64", "statx",
         "faccessat", "faccessat2", "name_to_handle_at", "execveat", "readlinkat",
         "setxattrat", "removexattrat"),
        ("a0",),
    ),
    "renameat": ("a0", "a2"), "renameat2": ("a0", "a2"), "linkat": ("a0", "a2"),
    "symlinkat": ("a1",),
}  # fmt: skip
AT_FDCWD = frozenset({"ffffff9c", "ffffffffffffff9c"})
O_ACCMODE, O_TRUNC = 0o3, 0o1000
SUCCESS = frozenset({"success", "yes", "1"})
FAILURE = frozenset({"failed", "no", "0"})
# Fields of the defining record that have event columns (kept out of `unmapped`).
MAPPED = frozenset(
    {"pid", "ppid", "uid", "euid", "auid", "ses", "tty", "comm", "exe", "key", "acct",
     "addr", "hostname", "terminal", "res", "success", "syscall", "arch", "grp", "cmd", "cwd"}
)  # fmt: skip


_OFFSET = attrgetter("offset")


def build_rows(event: Event, ctx: SourceContext) -> tuple[Row, list[Row]]:
    """Return the `events` row and the `auditd_records` rows of one event."""
    records = event.records
    first = min(records, key=_OFFSET)
    uid = event_uid(ctx.file_id, first.offset)
    time = EPOCH + timedelta(0, first.seconds, first.millis * 1000)  # days, seconds, us
    base = {
        "event_uid": uid,
        "time": time,
        "event_date": time.date(),
        "device_hostname": first.host,
        "audit_event_id": first.event_id,
        "serial": first.serial,
        "source_file": ctx.source_file,
    }
    try:
        return _rows(event, base, first)
    except Exception as exc:  # a bug (base.parser_error): the records are kept, raw
        return _failed_rows(event, base, first, parser_error(exc))


def _rows(event: Event, base: Row, first: Record) -> tuple[Row, list[Row]]:
    """Return the `events` row and the `auditd_records` rows (`base`: their shared columns)."""
    records = event.records
    rows: list[Row] = []
    texts: list[list[str]] = []  # each record's fields as `key=value` texts
    for i, record in enumerate(records):
        row, record_texts = record_row(record, base, i)
        rows.append(row)
        texts.append(record_texts)
    types = [r.type for r in records]
    if "SOCKADDR" in types:
        arch = next(
            (_raw(t, "arch") for x, t in zip(types, texts, strict=True) if x == "SYSCALL"), None
        )
        le = little_endian(arch)
        for x, row in zip(types, rows, strict=True):
            if x == "SOCKADDR":
                add_sockaddr(row, le)
    event_row = _event_row(event, rows, texts, types, base, first)
    return event_row, rows


def _failed_rows(event: Event, base: Row, first: Record, error: str) -> tuple[Row, list[Row]]:
    """Return a Base Event and the bare record rows (raw text kept) of an event `_rows` failed on."""
    event_row = {
        **{key: base[key] for key in _FAILED_EVENT_COLUMNS},
        "source_type": "auditd",
        "class_uid": 0,
        "class_name": CLASSES[0],
        "audit_type": first.type,
        "source_offset": first.offset,
        "source_length": first.length,
        "unmapped": {"parser_error": error, "records": str(len(event.records))},
    }
    records = [bare_record_row(r, base, i, error) for i, r in enumerate(event.records)]
    return event_row, records


_FAILED_EVENT_COLUMNS = (
    "event_uid", "time", "event_date", "device_hostname", "audit_event_id", "source_file"
)  # fmt: skip


def _raw(texts: list[str], key: str) -> str | None:
    """Return the first raw value of `key` among a record's `key=value` texts."""
    prefix = key + "="
    return next((t[len(prefix) :] for t in texts if t.startswith(prefix)), None)


def _event_row(
    event: Event,
    rows: list[Row],
    texts: list[list[str]],
    types: list[str],
    base: Row,
    first: Record,
) -> Row:
    """Build the OCSF row of an event from its record rows (`first`: its first line)."""
    primary = rows[0]
    for rtype, row in zip(types, rows, strict=True):
        if rtype not in AUXILIARY:
            primary = row
            break
    syscall = rows[types.index("SYSCALL")] if "SYSCALL" in types else None
    proc = syscall or primary
    auid = proc.get("auid")
    ses = proc.get("ses")
    out: Row = {
        "event_uid": base["event_uid"],
        "time": base["time"],
        "event_date": base["event_date"],
        "source_type": "auditd",
        "device_hostname": base["device_hostname"],
        "audit_event_id": base["audit_event_id"],
        "audit_type": primary["type"],
        "audit_syscall": _syscall_name(syscall) if syscall else None,
        "audit_key": _keys(proc.get("key") or primary.get("key")),
        "process_pid": proc.get("pid"),
        "process_parent_process_pid": proc.get("ppid"),
        "process_name": proc.get("comm"),
        "process_file_path": proc.get("exe"),
        "process_uid": proc.get("uid"),
        "process_euid": proc.get("euid"),
        "process_auid": auid,
        "actor_user_uid": auid,
        "actor_user_name": _auid_name(proc),
        "process_tty": proc.get("tty") or primary.get("terminal"),
        "session_uid": None if ses is None else str(ses),
        "status_id": _status(proc),
        "message": _message(event, primary),
        "source_file": base["source_file"],
        "source_offset": first.offset,
        "source_length": first.length,
    }
    if syscall is not None and out["status_id"] == STATUS_FAILURE:
        exit_code = syscall.get("exit")
        if exit_code is not None and exit_code < 0:
            out["status_detail"] = ERRNO_NAMES.get(-exit_code)
    cwd = rows[types.index("CWD")].get("cwd") if "CWD" in types else None
    out["process_cwd"] = cwd
    # relative names of an *at call on a directory fd are not the cwd's: kept relative
    _files(out, rows, types, cwd if syscall is None or _from_cwd(syscall) else None)
    notes = _process(out, texts, types)
    _classify(out, rows, primary, syscall, types)
    unmapped = {k: v for k, v in primary["fields"].items() if k not in MAPPED}
    for key in ("op", "res", "grp", "terminal", "hostname", "addr", "acct"):
        value = primary.get(key)
        if value is not None:
            unmapped.setdefault(key, value)
    unmapped["records"] = str(len(rows))
    unmapped.update(notes)
    out["unmapped"] = unmapped
    return out


def _syscall_name(syscall: Row) -> str | None:
    """The call a SYSCALL record made: for i386's socketcall, the socket call in a0."""
    name: str | None = syscall.get("syscall_name")
    if name == "socketcall":
        try:
            return SOCKETCALL_CALLS.get(int(syscall.get("a0") or "", 16), name)
        except ValueError:
            return name
    return name


def _keys(key: str | None) -> str | None:
    """Join several rule keys (auditctl separates them with 0x01) with commas."""
    return None if key is None else key.replace("\x01", ",")


def _auid_name(row: Row) -> str | None:
    """Return ENRICHED's name of the login uid, unless the login uid is unset."""
    name = row.get("auid_name")
    if name is None or name == "unset" or row.get("auid") is None:
        return None
    return str(name)


def _status(row: Row) -> int:
    """Map `success=` (syscalls) or `res=` (user space) to an OCSF status_id."""
    value = row.get("success") or row.get("res")
    if value is None and row.get("fields"):
        value = row["fields"].get("res")
    if value in SUCCESS:
        return STATUS_SUCCESS
    if value in FAILURE:
        return STATUS_FAILURE
    return STATUS_UNKNOWN


def _message(event: Event, primary: Row) -> str:
    """Return the defining record's text after its header."""
    for record in event.records:
        if record.offset == primary["source_offset"]:
            return record.body.strip()
    return ""


def absolute_path(path: str | None, cwd: str | None) -> str | None:
    """Return `path` as one absolute, lexically normal path (the raw one stays in the record).

    The kernel logs a path as the process passed it: `/run//docker.sock`,
    `/var/run/../run/docker.sock` or `docker.sock` from cwd `/run` all name the socket a
    detection looks for.
    """
    if not path:
        return path
    if not path.startswith("/"):
        if cwd is None:
            return path
        path = posixpath.join(cwd, path)
    normal = posixpath.normpath(path)
    return "/" + normal.lstrip("/")  # POSIX keeps a leading "//"; Linux does not


# Programs open the same paths again and again; only short ones are cached (paths are
# attacker-controlled), longer ones are made normal each time, with the same result.
PATH_CACHE_TEXT_MAX = 256
_cached_absolute_path = lru_cache(maxsize=4096)(absolute_path)


def _item(row: Row) -> int:
    """Return the `item` number of a PATH row (0 when it has none)."""
    return row.get("item") or 0


def _from_cwd(syscall: Row) -> bool:
    """Tell whether the syscall resolves relative names against the cwd (no dirfd)."""
    registers = DIRFD_REGISTERS.get(syscall.get("syscall_name") or "", ())
    return all((syscall.get(r) or "").lower() in AT_FDCWD for r in registers)


def _files(out: Row, rows: list[Row], types: list[str], cwd: str | None) -> None:
    """Set `files` (every PATH, item order) and `file_path` (the first that is no PARENT)."""
    if "PATH" not in types:
        return
    paths = [r for t, r in zip(types, rows, strict=True) if t == "PATH"]
    paths.sort(key=_item)  # stable: same items keep their order
    files = []
    for r in paths:
        name = r.get("name")
        if name is not None and len(name) + len(cwd or "") <= PATH_CACHE_TEXT_MAX:
            name = _cached_absolute_path(name, cwd)
        else:
            name = absolute_path(name, cwd)
        files.append({"path": name, "nametype": r.get("nametype")})
    out["files"] = files
    main = next((f for f in files if f["nametype"] != "PARENT" and f["path"]), files[0])
    out["file_path"] = main["path"]


def _process(out: Row, texts: list[list[str]], types: list[str]) -> dict[str, str]:
    """Set argv and the command line from EXECVE, else from PROCTITLE; return notes."""
    notes: dict[str, str] = {}
    if "EXECVE" in types:
        args, argc = argv(x for t, x in zip(types, texts, strict=True) if t == "EXECVE")
        if argc is not None and len(args) < argc:
            notes["argv_missing"] = str(argc - len(args))  # records lost or cut
    else:
        raw = _raw(texts[types.index("PROCTITLE")], "proctitle") if "PROCTITLE" in types else None
        if raw is None:
            return notes
        short = len(raw) <= PROCTITLE_CACHE_TEXT_MAX
        args = list(_cached_proctitle_args(raw) if short else _proctitle_args(raw))
        notes["argv_source"] = "proctitle"  # NUL-split, cut by the kernel at 128 bytes
    out["process_args"] = args
    out["process_cmd_line"] = " ".join(args)
    return notes


def _proctitle_args(raw: str) -> tuple[str, ...]:
    """Return the arguments of a raw PROCTITLE value, as a tuple (a cached one is shared)."""
    return tuple(proctitle_argv(raw))


# The same commands run again and again. The kernel cuts a proctitle at 128 bytes (256
# hex digits); longer, attacker-made values are split each time, with the same result.
PROCTITLE_CACHE_TEXT_MAX = 256
_cached_proctitle_args = lru_cache(maxsize=4096)(_proctitle_args)


def _classify(
    out: Row, rows: list[Row], primary: Row, syscall: Row | None, types: list[str]
) -> None:
    """Set class, activity and the class-specific columns."""
    ptype = primary["type"]
    name = out["audit_syscall"]
    if "EXECVE" in types or ptype == "USER_CMD" or name in ("execve", "execveat"):
        _set_class(out, 1007, 1, "Launch")
        if ptype == "USER_CMD":
            out["process_cmd_line"] = _field(primary, "cmd")
            out["process_cwd"] = _field(primary, "cwd")
    elif "SOCKADDR" in types and name in NET_SYSCALLS:
        activity, activity_name, side = NET_SYSCALLS[name]
        _set_class(out, 4001, activity, activity_name)
        sock = next(r for r in rows if r["type"] == "SOCKADDR")
        if side == "dst":
            out["dst_endpoint_ip"] = sock.get("saddr_ip")
            out["dst_endpoint_port"] = sock.get("saddr_port")
            path = sock.get("saddr_path")
            # an abstract unix socket (`@name`) is a name, not a path
            abstract = path is not None and path.startswith("@")
            out["dst_endpoint_path"] = (
                path if abstract else absolute_path(path, out.get("process_cwd"))
            )
        else:
            out["src_endpoint_ip"] = sock.get("saddr_ip")
            out["src_endpoint_port"] = sock.get("saddr_port")
    elif "PATH" in types and syscall is not None:
        activity = _file_activity(name, syscall, out.get("files") or [])
        _set_class(out, 1001, activity, FILE_NAMES[activity])
    elif ptype in AUTH_ACTIVITY:
        activity = AUTH_ACTIVITY[ptype]
        _set_class(out, 3002, activity, AUTH_NAMES[activity])
        _auth(out, primary)
    elif ptype in ACCOUNT_ACTIVITY:
        activity = ACCOUNT_ACTIVITY[ptype]
        _set_class(out, 3001, activity, ACCOUNT_NAMES[activity])
        _user(out, primary)
        group = primary.get("grp") or _field(primary, "new_group")
        if ptype in GROUP_TYPES:  # acct/id name the group itself here
            group = group or out.get("user_name")
            out["user_name"] = out["user_uid"] = None
        out["group_name"] = group
    elif ptype in CONFIG_TYPES:
        _set_class(out, 5002, 99, "Other")
    elif ptype in SERVICE_ACTIVITY:
        _set_class(out, 6002, *SERVICE_ACTIVITY[ptype])
    else:
        _set_class(out, 0, 99, "Other")


def _set_class(out: Row, class_uid: int, activity_id: int, activity_name: str) -> None:
    """Set the OCSF class and activity columns."""
    out["class_uid"] = class_uid
    out["class_name"] = CLASSES[class_uid]
    out["activity_id"] = activity_id
    out["activity_name"] = activity_name


def _field(row: Row, key: str) -> str | None:
    """Return a field that is a column, else from the `fields` map."""
    value = row[key] if key in row else row["fields"].get(key)
    return None if value is None else str(value)


def _user(out: Row, primary: Row) -> None:
    """Set the target account from acct=, or from id= (uid, ENRICHED ID name)."""
    out["user_name"] = primary.get("acct") or (primary.get("enriched") or {}).get("ID")
    out["user_uid"] = to_int(_field(primary, "id"))


def _auth(out: Row, primary: Row) -> None:
    """Set the columns of an authentication or session event."""
    _user(out, primary)
    if primary["type"] == "LOGIN":
        out["user_uid"] = primary.get("auid")
        out["user_name"] = primary.get("auid_name") if primary.get("auid_name") != "unset" else None
    if out["actor_user_name"] is None and out["actor_user_uid"] is None:
        out["actor_user_name"] = out["user_name"]
    addr = primary.get("addr")
    if addr is not None:
        ip = canonical_ip(addr)
        if ip is not None:
            out["src_endpoint_ip"] = ip
        else:
            out["src_endpoint_hostname"] = addr
    host = primary.get("hostname")
    if host is not None and host != addr:
        out["src_endpoint_hostname"] = host
    op = (primary.get("op") or "").lower()
    if op.startswith("pubkey"):
        out["auth_protocol"] = "publickey"
    elif op in ("pam:authentication", "password", "passwd"):
        out["auth_protocol"] = "password"
    elif op.startswith("hostbased"):
        out["auth_protocol"] = "hostbased"
    out["logon_type"] = _logon_type(primary)


def _logon_type(primary: Row) -> str | None:
    """Guess the OCSF logon type from the terminal and the program."""
    terminal = primary.get("terminal") or ""
    exe = posixpath.basename(primary.get("exe") or "")
    if terminal == "ssh" or exe.startswith("sshd") or exe == "cockpit-session":
        return "network"
    if terminal == "cron" or exe in ("cron", "crond"):
        return "batch"
    if exe == "sudo":
        return "elevate"
    if exe == "su":
        return "switch"
    if exe == "login" or terminal.startswith(("tty", "/dev/tty")):
        return "local"
    return None


def _file_activity(name: str | None, syscall: Row, files: list[dict[str, str | None]]) -> int:
    """Map a file syscall (and its open flags) to an OCSF File System activity."""
    if name in FILE_ACTIVITY:
        return FILE_ACTIVITY[name]
    if name in OPEN_SYSCALLS:
        if any(f["nametype"] == "CREATE" for f in files):
            return 1
        register = OPEN_SYSCALLS[name]
        if register is None:
            return 99  # flags not logged: maybe a write, so not "a read-only open"
        flags = _hex(syscall.get(register))
        if flags is not None and (flags & O_ACCMODE or flags & O_TRUNC):
            return 3
        return 14
    return 99


def _hex(value: Any) -> int | None:
    """Parse a register value (hex without 0x)."""
    try:
        return int(str(value), 16)
    except ValueError:
        return None
