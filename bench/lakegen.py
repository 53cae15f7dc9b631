"""Generate a lake of N events (and their auditd records) directly as Parquet, vectorized.

Detections are timed over this lake, so its distributions follow a fleet's: many hosts,
two days, auditd the bulk of the volume; most logins by keys from the trusted network,
a long tail of internet noise with a few loud brute-force sources; docker clients on the
socket, rare privileged containers and writes to watched Docker files, rare audit rule
removals. Detections therefore find a few things, as they would on a real fleet.
The lake is written through `auditlake.lake.Lake`, so it is a published, valid lake,
and its parts through ingest's writer, so they have the layout (sort order, row groups)
that ingest and `compact` give a real lake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from auditlake.ingest.writer import stage_parts

from auditlake.lake import Lake
from auditlake.schema import AUDITD_RECORDS, CLASSES, EVENTS, TIME

# Bump when the generated lake changes (its rows or its parts' layout), so that a lake
# cached by an earlier version is generated again.
LAKE_VERSION = 2
DAYS = (date(2026, 11, 26), date(2026, 11, 27))
N_HOSTS = 60
PART_ROWS = 1_000_000
# Share of events per source type on a container host's log server.
SOURCE_SHARE = {"auditd": 0.55, "syslog": 0.2, "journald": 0.15, "dockerd": 0.10}
USERS = ["root", "alice", "deploy", "bob", "www-data", "postgres", "ci-runner"] + [
    f"user{i:03d}" for i in range(200)
]
USER_WEIGHTS = np.array([8, 6, 10, 2, 3, 2, 4] + [0.05] * 200)
TRUSTED = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(300)]
# Internet noise: a Zipf-like tail, so a few sources are loud enough to be brute force.
UNTRUSTED = [
    f"{a}.{b}.{c}.{d}" for a, b, c, d in np.random.default_rng(1).integers(1, 255, (3000, 4))
]
TRUSTED_NP = np.array(TRUSTED, dtype=object)
GUESSED = ["root", "admin", "test", "ubuntu", "oracle", "postgres", "git", "bob"] + [
    f"user{i}" for i in range(50)
]
GUESSED_NP = np.array(GUESSED, dtype=object)
UNTRUSTED_NP = np.array(UNTRUSTED, dtype=object)
UIDS = np.array([0, 1000, 1001, 1002, 33, 112, 999] + [2000 + i for i in range(200)])
UNSET = 4294967295  # auditd's unset auid
DOCKER_SOCK = "/var/run/docker.sock"
KERNEL_RECORDS = ("SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE", "SOCKADDR")
EXEC_RECORDS = ("SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE")
SYSCALL_NR = {"execve": 59, "openat": 257, "connect": 42}  # x86_64


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of event: fixed column values, and which random columns it gets."""

    weight: float
    values: dict[str, Any]
    login: bool = False  # user_name / src ip / auth protocol / status drawn per row
    actor: bool = True  # actor_user_name drawn per row
    user: str | None = None  # ... or always this user
    record_types: tuple[str, ...] = ()  # auditd records of this event, in order


def _k(weight: float, class_uid: int, **values: Any) -> dict[str, Any]:
    values.update(class_uid=class_uid, class_name=CLASSES[class_uid])
    return {"weight": weight, "values": values}


def _exec(name: str, exe: str, *args: str, cwd: str = "/root") -> dict[str, Any]:
    """The process columns of an execve event."""
    return {
        "audit_type": "SYSCALL",
        "audit_syscall": "execve",
        "app_name": "SYSCALL",
        "process_name": name,
        "process_file_path": exe,
        "process_cmd_line": " ".join(args),
        "process_args": list(args),
        "process_cwd": cwd,
        "activity_id": 1,
        "activity_name": "Launch",
    }


def _connect(name: str, exe: str, socket: str, cmd: str | None = None) -> dict[str, Any]:
    """The columns of a connect event to a unix socket under the docker_socket watch."""
    values: dict[str, Any] = {
        "activity_id": 1,
        "activity_name": "Open",
        "audit_type": "SYSCALL",
        "audit_syscall": "connect",
        "audit_key": "docker_socket",
        "app_name": "SYSCALL",
        "process_name": name,
        "process_file_path": exe,
    }
    if cmd is not None:
        values["process_cmd_line"] = cmd
    values["dst_endpoint_path"] = socket
    return values


def _open(name: str, exe: str, path: str, key: str, write: bool) -> dict[str, Any]:
    """The columns of an openat event on `path` (a write creates or truncates it)."""
    files = [{"path": path, "nametype": "NORMAL"}]
    if write:
        files = [
            {"path": path.rsplit("/", 1)[0], "nametype": "PARENT"},
            {"path": path, "nametype": "CREATE"},
        ]
    return {
        "audit_type": "SYSCALL",
        "audit_syscall": "openat",
        "audit_key": key,
        "app_name": "SYSCALL",
        "process_name": name,
        "process_file_path": exe,
        "process_cwd": "/root",
        "file_path": path,
        "files": files,
        "activity_id": 3 if write else 2,
        "activity_name": "Update" if write else "Read",
    }


def _sshd_login(weight: float, protocol: str, failed: bool = False) -> Kind:
    """An sshd login (as syslog and journald both give it); user, source and status drawn."""
    values: dict[str, Any] = {
        "activity_id": 1,
        "activity_name": "Logon",
        "app_name": "sshd",
        "auth_protocol": protocol,
    }
    if failed:
        values.update(status_id=2, status_detail=f"Failed {protocol}")
    values["logon_type"] = "network"
    return Kind(**_k(weight, 3002, **values), login=True)


def _sudo(weight: float, cmd: str | None = None) -> Kind:
    """A sudo to root (as syslog and journald both give it)."""
    values: dict[str, Any] = {
        "activity_id": 1,
        "activity_name": "Assign Privileges",
        "app_name": "sudo",
        "user_name": "root",
        "logon_type": "elevate",
    }
    if cmd is not None:
        values["process_cmd_line"] = cmd
    return Kind(**_k(weight, 3003, **values))


KINDS: dict[str, list[Kind]] = {
    "auditd": [
        Kind(
            **_k(
                30,
                1007,
                audit_key="exec",
                **_exec(
                    "runc",
                    "/usr/bin/runc",
                    "runc",
                    "--root",
                    "/var/run/docker/runtime-runc/moby",
                    "state",
                    "5f2b6c1e9a0d",
                ),
            ),
            actor=False,
            record_types=EXEC_RECORDS,
        ),
        Kind(
            **_k(
                12,
                1007,
                audit_key="exec",
                **_exec("bash", "/usr/bin/bash", "bash", "-c", "echo hello", cwd="/home/deploy"),
            ),
            record_types=EXEC_RECORDS,
        ),
        Kind(
            **_k(
                5,
                1007,
                audit_key="docker_client",
                **_exec("docker", "/usr/bin/docker", "docker", "ps", cwd="/home/alice"),
            ),
            user="alice",
            record_types=EXEC_RECORDS,
        ),
        Kind(
            **_k(
                1,
                1007,
                audit_key="docker_client",
                **_exec(
                    "docker",
                    "/usr/bin/docker",
                    "docker",
                    "run",
                    "-d",
                    "-v",
                    "/srv/www:/usr/share/nginx/html:ro",
                    "nginx",
                    cwd="/home/alice",
                ),
            ),
            user="alice",
            record_types=EXEC_RECORDS,
        ),
        Kind(
            **_k(
                0.01,
                1007,
                audit_key="docker_client",
                **_exec(
                    "docker",
                    "/usr/bin/docker",
                    "docker",
                    "run",
                    "--privileged",
                    "-v",
                    "/:/host",
                    "alpine",
                    "chroot",
                    "/host",
                    "sh",
                ),
            ),
            record_types=EXEC_RECORDS,
        ),
        Kind(
            **_k(
                0.01,
                1007,
                audit_key="exec",
                **_exec("auditctl", "/usr/sbin/auditctl", "auditctl", "-D"),
            ),
            record_types=EXEC_RECORDS,
        ),
        Kind(
            **_k(
                8,
                1001,
                **_open(
                    "dockerd",
                    "/usr/bin/dockerd",
                    "/var/lib/docker/containers/5f2b6c1e9a0d/config.v2.json",
                    "docker",
                    write=False,
                ),
            ),
            actor=False,
            record_types=("SYSCALL", "CWD", "PATH", "PROCTITLE"),
        ),
        Kind(
            **_k(
                2,
                1001,
                **_open(
                    "dockerd",
                    "/usr/bin/dockerd",
                    "/var/lib/docker/containers/5f2b6c1e9a0d/hostconfig.json",
                    "docker",
                    write=True,
                ),
            ),
            actor=False,
            record_types=("SYSCALL", "CWD", "PATH", "PATH", "PROCTITLE"),
        ),
        Kind(
            **_k(
                3, 1001, **_open("sshd", "/usr/sbin/sshd", "/etc/passwd", "identity", write=False)
            ),
            actor=False,
            record_types=("SYSCALL", "CWD", "PATH", "PROCTITLE"),
        ),
        Kind(
            **_k(
                0.005,
                1001,
                **_open(
                    "vi", "/usr/bin/vim.basic", "/etc/docker/daemon.json", "docker", write=True
                ),
            ),
            record_types=("SYSCALL", "CWD", "PATH", "PATH", "PROCTITLE"),
        ),
        Kind(
            **_k(6, 4001, **_connect("docker", "/usr/bin/docker", DOCKER_SOCK, "docker ps")),
            user="alice",
            record_types=("SYSCALL", "SOCKADDR", "PROCTITLE"),
        ),
        Kind(
            **_k(
                4,
                4001,
                **_connect("containerd", "/usr/bin/containerd", "/run/containerd/containerd.sock"),
            ),
            actor=False,
            record_types=("SYSCALL", "SOCKADDR"),
        ),
        Kind(
            **_k(
                0.01,
                4001,
                **_connect(
                    "curl",
                    "/usr/bin/curl",
                    DOCKER_SOCK,
                    f"curl --unix-socket {DOCKER_SOCK} http://localhost/containers/json",
                ),
            ),
            record_types=("SYSCALL", "SOCKADDR", "PROCTITLE"),
        ),
        Kind(
            **_k(
                10,
                3002,
                activity_id=1,
                activity_name="Logon",
                audit_type="USER_LOGIN",
                app_name="USER_LOGIN",
                process_file_path="/usr/sbin/sshd",
                logon_type="network",
            ),
            login=True,
            record_types=("USER_LOGIN",),
        ),
        Kind(
            **_k(
                10,
                3002,
                activity_id=1,
                activity_name="Logon",
                audit_type="USER_AUTH",
                app_name="USER_AUTH",
                process_file_path="/usr/sbin/sshd",
                logon_type="network",
            ),
            login=True,
            record_types=("USER_AUTH",),
        ),
        Kind(
            **_k(
                10,
                3003,
                activity_id=1,
                activity_name="Assign Privileges",
                audit_type="USER_CMD",
                app_name="USER_CMD",
                process_file_path="/usr/bin/sudo",
                logon_type="elevate",
            ),
            record_types=("USER_CMD",),
        ),
        Kind(
            **_k(
                0.01,
                3001,
                activity_id=6,
                activity_name="Attach Policy",
                audit_type="GRP_MGMT",
                app_name="GRP_MGMT",
                process_file_path="/usr/sbin/usermod",
                group_name="docker",
                user_name="bob",
            ),
            record_types=("GRP_MGMT",),
        ),
        Kind(
            **_k(
                0.002,
                5002,
                activity_id=3,
                activity_name="Update",
                audit_type="CONFIG_CHANGE",
                app_name="CONFIG_CHANGE",
                message="op=remove_rule key=docker list=4 res=1",
            ),
            record_types=("CONFIG_CHANGE",),
        ),
        Kind(
            **_k(
                0.002,
                6002,
                activity_id=2,
                activity_name="Stop",
                audit_type="SERVICE_STOP",
                app_name="SERVICE_STOP",
                message="unit=auditd",
            ),
            actor=False,
            record_types=("SERVICE_STOP",),
        ),
        Kind(
            **_k(
                3,
                6002,
                activity_id=1,
                activity_name="Start",
                audit_type="SERVICE_START",
                app_name="SERVICE_START",
                message="unit=docker",
            ),
            actor=False,
            record_types=("SERVICE_START",),
        ),
    ],
    "syslog": [
        _sshd_login(40, "password", failed=True),
        _sshd_login(15, "publickey"),
        _sudo(20, "/usr/bin/systemctl restart docker"),
        Kind(
            **_k(
                20,
                3002,
                activity_id=1,
                activity_name="Logon",
                app_name="CRON",
                user_name="root",
                logon_type="batch",
                status_id=1,
            ),
            actor=False,
        ),
        Kind(
            **_k(
                0.01,
                3001,
                activity_id=6,
                activity_name="Attach Policy",
                app_name="usermod",
                group_name="docker",
                user_name="bob",
            ),
            actor=False,
        ),
        Kind(**_k(5, 0, app_name="dockerd", message="ignoring event"), actor=False),
    ],
    "journald": [
        _sshd_login(30, "password", failed=True),
        _sshd_login(20, "publickey"),
        _sudo(20),
        Kind(
            **_k(
                30,
                6002,
                app_name="systemd",
                message="Started session-1.scope - Session 1 of User deploy.",
            ),
            actor=False,
        ),
    ],
    "dockerd": [
        Kind(
            **_k(50, 6002, app_name="dockerd", message="ignoring event", severity="info"),
            actor=False,
        ),
        Kind(
            **_k(
                30,
                6003,
                activity_id=2,
                activity_name="Read",
                app_name="dockerd",
                api_operation="GET /containers/json",
                severity="debug",
            ),
            actor=False,
        ),
        Kind(
            **_k(
                5,
                6003,
                activity_id=1,
                activity_name="Create",
                app_name="dockerd",
                api_operation="POST /containers/create",
                container_image_name="nginx",
                container_privileged=False,
                container_mounts=["/srv/www"],
                severity="debug",
            ),
            actor=False,
        ),
        Kind(
            **_k(
                0.02,
                6003,
                activity_id=1,
                activity_name="Create",
                app_name="dockerd",
                api_operation="POST /containers/create",
                container_image_name="alpine",
                container_privileged=True,
                container_mounts=["/"],
                severity="debug",
            ),
            actor=False,
        ),
    ],
}
HOSTS = [f"web-{i}" for i in range(1, N_HOSTS // 2 + 1)] + [
    f"db-{i}" for i in range(1, N_HOSTS // 2 + 1)
]
SOURCE_FILE = {
    "auditd": "/var/log/remote/{}/audit/audit.log",
    "syslog": "/var/log/remote/{}/auth.log",
    "journald": "/var/log/remote/{}/journal.json",
    "dockerd": "/var/log/remote/{}/docker.log",
}


def _hex_ids(rng: np.random.Generator, n: int, nbytes: int = 12) -> pa.Array[Any]:
    """`n` random lowercase hex strings of 2*nbytes characters, built as one buffer."""
    data = rng.integers(0, 256, n * nbytes, dtype=np.uint8).tobytes().hex().encode()
    width = 2 * nbytes
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def _take(values: Sequence[Any], idx: np.ndarray, type_: pa.DataType) -> pa.Array[Any]:
    """`values[idx]` as an Arrow array of `type_` (a pool of few values, many rows)."""
    return pa.array(values, type=type_).take(pa.array(idx))


def _where(mask: np.ndarray, values: np.ndarray, type_: pa.DataType) -> pa.Array[Any]:
    """`values` where `mask`, NULL elsewhere."""
    return pa.array(values, type=type_, mask=~mask)


def _audit_ids(t: np.ndarray, serial: np.ndarray) -> pa.Array[Any]:
    """`seconds.millis:serial` strings, built with Arrow's string kernels."""
    secs = pa.array(t // 1_000_000).cast(pa.string())
    millis = pc.utf8_lpad(pa.array(t // 1000 % 1000).cast(pa.string()), 3, "0")
    tail = pc.binary_join_element_wise(millis, pa.array(serial).cast(pa.string()), ":")
    ids: pa.Array[Any] = pc.binary_join_element_wise(secs, tail, ".")
    return ids


@dataclass(frozen=True, slots=True)
class Chunk:
    """A batch of events and the per-row draws its auditd records reuse."""

    batch: pa.RecordBatch
    kind: np.ndarray
    uid: np.ndarray
    serial: np.ndarray


def _events(rng: np.random.Generator, source: str, day: date, n: int) -> Chunk:
    """`n` events of `source` on `day`, sorted by host then time."""
    kinds = KINDS[source]
    weights = np.array([k.weight for k in kinds])
    kind = rng.choice(len(kinds), n, p=weights / weights.sum())
    host = rng.integers(0, N_HOSTS, n)
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000
    t = midnight + rng.integers(0, 86_400_000_000, n)
    order = np.lexsort((t, host))
    kind, host, t = kind[order], host[order], t[order]

    cols: dict[str, pa.Array[Any]] = {
        "event_uid": _hex_ids(rng, n),
        "time": pa.array(t, type=TIME),
        "event_date": pa.array(
            np.full(n, (day - date(1970, 1, 1)).days, dtype=np.int32), pa.date32()
        ),
        "source_type": _take([source], np.zeros(n, np.int64), pa.string()),
        "device_hostname": _take(HOSTS, host, pa.string()),
        "source_file": _take([SOURCE_FILE[source].format(h) for h in HOSTS], host, pa.string()),
        "source_file_id": _take([f"{source}-{h}-{day}" for h in HOSTS], host, pa.string()),
    }
    for name in sorted({c for k in kinds for c in k.values}):
        cols[name] = _take([k.values.get(name) for k in kinds], kind, EVENTS.field(name).type)

    login = np.array([k.login for k in kinds])[kind]
    actor = np.array([k.actor for k in kinds])[kind]
    drawn = rng.choice(len(USERS), n, p=USER_WEIGHTS / USER_WEIGHTS.sum())
    fixed = np.array([USERS.index(k.user) if k.user else -1 for k in kinds])[kind]
    user = np.where(fixed >= 0, fixed, drawn)
    users = np.array(USERS, dtype=object)[user]
    cols["actor_user_name"] = _where(actor, users, pa.string())

    # Logins from the trusted network are deploy's and alice's, by key. The internet
    # guesses passwords for common names; each host has its own loud sources (a few
    # brute forces) and rarely one gets in.
    untrusted = rng.random(n) < 0.35
    rank = np.minimum(rng.zipf(1.3, n), len(UNTRUSTED)) - 1
    ips = np.where(
        untrusted,
        UNTRUSTED_NP[(rank + host * 37) % len(UNTRUSTED)],
        TRUSTED_NP[rng.integers(0, len(TRUSTED), n)],
    )
    guessed = GUESSED_NP[rng.integers(0, len(GUESSED), n)]
    staff = np.where(rng.random(n) < 0.7, "deploy", "alice")
    _fill(cols, "user_name", login, np.where(untrusted, guessed, staff))
    cols["src_endpoint_ip"] = _where(login, ips, pa.string())
    cols["src_endpoint_port"] = _where(login, rng.integers(1024, 65535, n), pa.int32())
    broke_in = rng.random(n) < 0.00002
    _fill(cols, "status_id", login, np.where(untrusted & ~broke_in, 2, 1))
    password = untrusted | (rng.random(n) < 0.0001)
    _fill(cols, "auth_protocol", login, np.where(password, "password", "publickey"))

    uid = UIDS[user]
    serial = rng.integers(1_000, 90_000_000, n)
    cols["process_pid"] = pa.array(rng.integers(300, 4_000_000, n))
    if source == "auditd":
        cols["process_auid"] = pa.array(np.where(actor, uid, UNSET))
        cols["actor_user_uid"] = _where(actor, uid, pa.int64())
        cols["process_uid"] = pa.array(np.where(actor, uid, 0))
        cols["audit_event_id"] = _audit_ids(t, serial)
    length = rng.integers(120, 900, n)
    cols["source_offset"] = pa.array(np.cumsum(length) - length)
    cols["source_length"] = pa.array(length)
    arrays = [cols[f.name] if f.name in cols else pa.nulls(n, f.type) for f in EVENTS]
    return Chunk(pa.RecordBatch.from_arrays(arrays, schema=EVENTS), kind, uid, serial)


def _fill(cols: dict[str, pa.Array[Any]], name: str, mask: np.ndarray, values: np.ndarray) -> None:
    """Set column `name` to `values` where `mask` holds and the kind left it NULL."""
    type_ = EVENTS.field(name).type
    current = cols.get(name, pa.nulls(len(mask), type_))
    where = pc.and_(pa.array(mask), pc.is_null(current))
    cols[name] = pc.if_else(where, pa.array(values, type_), current)


def _record_templates(kinds: list[Kind]) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Each kind's records as column values; and where each kind's records start."""
    templates: list[dict[str, Any]] = []
    starts = []
    for k in kinds:
        starts.append(len(templates))
        v = k.values
        for i, rtype in enumerate(k.record_types):
            rec: dict[str, Any] = {"type": rtype, "record_index": i}
            if rtype == "SYSCALL":
                write = v.get("activity_id") == 3 and v["audit_syscall"] == "openat"
                rec.update(
                    syscall_name=v["audit_syscall"],
                    syscall=SYSCALL_NR[v["audit_syscall"]],
                    arch="c000003e",
                    arch_name="x86_64",
                    success="yes",
                    key=v.get("audit_key"),
                    comm=v.get("process_name"),
                    exe=v.get("process_file_path"),
                    a2="241" if write else "80000",
                )
            elif rtype == "PATH":
                item = sum(1 for r in k.record_types[:i] if r == "PATH")
                target = v.get("file_path") or v.get("process_file_path")
                parent = target.rsplit("/", 1)[0] if target else None
                if v.get("audit_syscall") == "execve":
                    rec.update(
                        item=item,
                        name=target if item == 0 else "/lib64/ld-linux-x86-64.so.2",
                        nametype="NORMAL",
                    )
                elif k.record_types.count("PATH") == 2:
                    rec.update(
                        item=item,
                        name=parent if item == 0 else target,
                        nametype="PARENT" if item == 0 else "CREATE",
                    )
                else:
                    rec.update(item=item, name=target, nametype="NORMAL")
            elif rtype == "SOCKADDR":
                rec.update(saddr_family="local", saddr_path=v.get("dst_endpoint_path"))
            elif rtype == "EXECVE":
                rec.update(argc=len(v.get("process_args") or []))
            elif rtype == "CWD":
                rec.update(cwd=v.get("process_cwd"))
            elif rtype == "PROCTITLE":
                rec.update(proctitle=v.get("process_cmd_line"))
            else:
                rec.update(
                    op=v.get("message"),
                    exe=v.get("process_file_path"),
                    res="success",
                    grp=v.get("group_name"),
                    acct=v.get("user_name"),
                )
            templates.append(rec)
    return templates, np.array(starts)


def _records(rng: np.random.Generator, chunk: Chunk) -> pa.RecordBatch:
    """The auditd records of a chunk of auditd events, in event order."""
    kinds = KINDS["auditd"]
    templates, starts = _record_templates(kinds)
    counts = np.array([len(k.record_types) for k in kinds])[chunk.kind]
    event = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(len(event)) - np.repeat(np.cumsum(counts) - counts, counts)
    template = starts[chunk.kind[event]] + within
    events = chunk.batch
    cols: dict[str, pa.Array[Any]] = {}
    for name in (
        "event_uid",
        "time",
        "event_date",
        "device_hostname",
        "audit_event_id",
        "source_file",
    ):
        cols[name] = events.column(name).take(event)
    for name in sorted({c for t in templates for c in t}):
        cols[name] = _take(
            [t.get(name) for t in templates], template, AUDITD_RECORDS.field(name).type
        )
    user_space = pc.invert(pc.is_in(cols["type"], pa.array(list(KERNEL_RECORDS))))
    for name, source in (("acct", "user_name"), ("addr", "src_endpoint_ip")):
        from_event = pc.if_else(user_space, events.column(source).take(event), None)
        cols[name] = pc.coalesce(cols[name], from_event) if name in cols else from_event
    uid = chunk.uid[event]
    for name in ("auid", "uid", "euid"):
        cols[name] = pa.array(uid)
    cols["serial"] = pa.array(chunk.serial[event])
    cols["pid"] = events.column("process_pid").take(event)
    n = len(event)
    length = rng.integers(60, 500, n)
    cols["source_offset"] = pa.array(np.cumsum(length) - length)
    cols["source_length"] = pa.array(length)
    arrays = [
        cols[f.name].cast(f.type) if f.name in cols else pa.nulls(n, f.type) for f in AUDITD_RECORDS
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=AUDITD_RECORDS)


def generate_lake(root: Path, n_events: int, seed: int = 7) -> dict[str, int]:
    """Write a published lake of about `n_events` events under `root`; return row counts."""
    rng = np.random.default_rng(seed)
    lake = Lake(root)
    lake.init()
    added: dict[str, list[str]] = {"events": [], "auditd_records": []}
    counts = {"events": 0, "auditd_records": 0}
    for source, share in SOURCE_SHARE.items():
        for day in DAYS:
            todo = round(n_events * share / len(DAYS))
            while todo > 0:
                n = min(PART_ROWS, todo)
                todo -= n
                chunk = _events(rng, source, day, n)
                added["events"] += stage_parts(lake, "events", pa.table(chunk.batch))
                counts["events"] += n
                if source == "auditd":
                    records = pa.table(_records(rng, chunk))
                    added["auditd_records"] += stage_parts(lake, "auditd_records", records)
                    counts["auditd_records"] += records.num_rows
    lake.publish(added)
    return counts
