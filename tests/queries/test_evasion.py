"""Evasions of the detections: things an attacker on a container host can do that the
lake records, each of which must raise a finding naming the right actor.

Each test builds a small lake from raw log lines through the real parsers and ingest,
the way the inline detection tests do, and runs one detection under the sample policy.
The cases come from an evasion review; those marked xfail are known gaps, still open.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from auditlake.queries.connection import connect
from auditlake.queries.detect import run_detection
from auditlake.queries.policy import load_policy_tables
from auditlake.queries.rules import load_detections

from auditlake.config import load_policy
from auditlake.pipeline import ingest_logs

sys.path.insert(0, str(Path(__file__).parent))
from detection_lakes import event, make_lake

POLICY = """\
[login]
allowed_users = ["deploy", "alice"]
trusted_networks = ["10.0.0.0/8"]
allowed_methods = ["publickey"]
allow_root = false

[docker]
allowed_group_members = ["alice"]
allowed_socket_users = ["alice"]
"""
T0 = 1795745882.0  # 2026-11-27T02:18:02Z
BOB, ALICE = 1003, 1001


def syscall(
    nr: int,
    items: int,
    auid: int,
    uid: int,
    pid: int,
    exe: str,
    key: str,
    *,
    subj: str = "unconfined",
    tty: str = "pts/0",
    ses: int = 9,
) -> str:
    """The body of a SYSCALL record (x86_64, success; a2=0x241 opens for writing)."""
    comm = exe.rsplit("/", 1)[-1][:15]
    ids = " ".join(
        f"{k}={uid}" for k in ("uid", "gid", "euid", "suid", "fsuid", "egid", "sgid", "fsgid")
    )
    return (
        f"arch=c000003e syscall={nr} success=yes exit=0 a0=5 a1=7ffd3a1c2b60 a2=241 a3=1b6 "
        f"items={items} ppid=2185 pid={pid} auid={auid} {ids} tty={tty} ses={ses} "
        f'comm="{comm}" exe="{exe}" subj={subj} key="{key}"'
    )


class AuditLog:
    """RAW auditd lines (as the kernel and auditd write them), one event per call."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.serial = 600

    def _add(self, t: float, records: list[tuple[str, str]]) -> None:
        self.serial += 1
        for type_, body in records:
            self.lines.append(f"type={type_} msg=audit({t:.3f}:{self.serial}): {body}")

    def login(self, auid: int, user: str, t: float = T0 - 300) -> AuditLog:
        """The PAM session record that names the login uid (RAW logs carry numbers only)."""
        self._add(
            t,
            [
                (
                    "USER_START",
                    f"pid=1767 uid=0 auid={auid} ses=9 subj=unconfined msg='op=PAM:session_open "
                    f'grantors=pam_unix acct="{user}" exe="/usr/sbin/sshd" hostname=203.0.113.50 '
                    "addr=203.0.113.50 terminal=ssh res=success'",
                )
            ],
        )
        return self

    def execve(
        self,
        argv: list[str],
        t: float = T0,
        auid: int = BOB,
        uid: int = 0,
        pid: int = 2258,
        exe: str | None = None,
        ses: int = 9,
    ) -> AuditLog:
        """An execve; `exe` is the file run when argv[0] does not name it (`exec -a`)."""
        exe = exe or (argv[0] if argv[0].startswith("/") else f"/usr/bin/{argv[0]}")
        args = " ".join(f'a{i}="{a}"' for i, a in enumerate(argv))
        self._add(
            t,
            [
                ("SYSCALL", syscall(59, 1, auid, uid, pid, exe, "exec", ses=ses)),
                ("EXECVE", f"argc={len(argv)} {args}"),
                ("CWD", 'cwd="/home/bob"'),
                (
                    "PATH",
                    f'item=0 name="{exe}" inode=1574190 dev=08:01 mode=0100755 nametype=NORMAL',
                ),
                ("PROCTITLE", "proctitle=" + "00".join(a.encode().hex().upper() for a in argv)),
            ],
        )
        return self

    def connect(
        self, path: str, t: float = T0 + 0.01, auid: int = BOB, pid: int = 2258, ses: int = 9
    ) -> AuditLog:
        """connect(2) to a unix socket; `docker` is the CIS key of the socket's watch."""
        saddr = ("0100" + path.encode().hex().upper()).ljust(220, "0")
        self._add(
            t,
            [
                ("SYSCALL", syscall(42, 1, auid, 1003, pid, "/usr/bin/curl", "docker", ses=ses)),
                ("SOCKADDR", f"saddr={saddr}"),
                ("CWD", 'cwd="/home/bob"'),
                ("PATH", f'item=0 name="{path}" inode=1127 dev=08:01 mode=0140660 nametype=NORMAL'),
            ],
        )
        return self

    def record(self, type_: str, body: str, t: float = T0 + 0.01) -> AuditLog:
        self._add(t, [(type_, body)])
        return self

    def event(self, records: list[tuple[str, str]], t: float = T0 + 0.01) -> AuditLog:
        """One event of several records, each given as (type, body)."""
        self._add(t, records)
        return self

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _findings(tmp_path: Path, files: dict[str, str], detection_id: str) -> list[dict[str, Any]]:
    """Ingest `files` (paths under one log root) and return the detection's findings."""
    logs = tmp_path / "logs"
    for rel, text in files.items():
        (logs / rel).parent.mkdir(parents=True, exist_ok=True)
        (logs / rel).write_text(text)
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    ingest_logs([logs], tmp_path / "lake")
    con = connect(tmp_path / "lake")
    try:
        load_policy_tables(con, load_policy(policy))
        return run_detection(con, load_detections(only=[detection_id])[0])
    finally:
        con.close()


def _bob_runs(argv: list[str]) -> dict[str, str]:
    return {"web-2/audit/audit.log": AuditLog().login(BOB, "bob").execve(argv, uid=BOB).text()}


def _dockerd_create(form: dict[str, Any], at: float = T0) -> str:
    """dockerd's debug lines of one containers/create call (body logged as sent)."""
    when = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    body = json.dumps(json.dumps(form))[1:-1]  # msg="..." quoting
    return (
        f'time="{when}000Z" level=debug msg="Calling POST /v1.43/containers/create?name=pwn"\n'
        f'time="{when}500Z" level=debug msg="form data: {body}"\n'
    )


# -- critical: privileged containers and / mounted, unseen -------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        # pflag clusters: -d is a flag, -v takes the next word. The parser reads `-dv` as
        # `-d` with value `v`, takes `/:/host` for the image and everything after it
        # (--privileged) for the container's command
        ["docker", "run", "-dv", "/:/host", "--privileged", "alpine"],
        # a global option with a value that the subcommand scan does not skip: `/tmp/ca`
        # is taken for the subcommand, so the command is not a run at all
        ["docker", "--tlscacert", "/tmp/ca.pem", "run", "--privileged", "alpine"],
    ],
    ids=["short-option-cluster", "global-option-value"],
)
def test_privileged_run_hidden_by_cli_argument_shape(tmp_path: Path, argv: list[str]) -> None:
    """Impact: a --privileged container (root on the host) with no finding when dockerd
    is not in debug mode. Was missed in: views/50_containers.sql docker_cli_runs (`options`
    splits `-dv` as `-d`=`v`; `subcommands` skips only -H/-c/--config/-l values)."""
    found = _findings(tmp_path, _bob_runs(argv), "docker.privileged_container")
    assert [f["actor_user_name"] for f in found] == ["bob"]


@pytest.mark.parametrize(
    "argv",
    [
        ["docker", "run", "-v", "//:/host", "alpine"],
        ["docker", "run", "-v", "/tmp/..:/host", "alpine"],
        ["docker", "run", "--mount", "type=BIND,src=/,dst=/host", "alpine"],
        ["docker", "run", "-dv", "/:/host", "alpine"],
        # /run holds docker.sock: the container gets the socket without naming it
        ["docker", "run", "-v", "/run:/hostrun", "alpine"],
    ],
    ids=[
        "double-slash",
        "dot-dot",
        "mount-type-uppercase",
        "short-option-cluster",
        "parent-of-socket",
    ],
)
def test_host_root_or_socket_mounted_under_another_spelling(
    tmp_path: Path, argv: list[str]
) -> None:
    """Impact: the host's / (or the Docker socket) inside a container, no finding; docker
    cleans `//` and `/tmp/..` to `/` and lowercases the mount type. Was missed in: macro
    host_path (no `.`/`..`/`//` folding), the `type=bind` regex in docker_cli_runs, and
    sensitive_mount.sql, which matches a mount at or below a sensitive path, never above."""
    found = _findings(tmp_path, _bob_runs(argv), "docker.sensitive_mount")
    assert [f["actor_user_name"] for f in found] == ["bob"]


def test_privileged_create_through_the_api_with_lowercase_keys(tmp_path: Path) -> None:
    """Impact: an API client (curl on the socket) starts a privileged container with /
    mounted, no finding: dockerd decodes JSON keys case-insensitively (Go), and logs the
    body as sent. Was missed in: parsers/dockerd.py _container_config reads "HostConfig",
    "Privileged", "Binds" only, so container_starts has no daemon row."""
    form = {"image": "alpine", "hostconfig": {"privileged": True, "binds": ["/:/host"]}}
    found = _findings(
        tmp_path, {"web-2/docker.log": _dockerd_create(form)}, "docker.privileged_container"
    )
    assert len(found) == 1


def test_api_privileged_create_is_not_blamed_on_a_nearby_cli_run(tmp_path: Path) -> None:
    """Impact: bob's privileged create over the API is reported as alice's harmless
    `docker run -d nginx` from 10 s before (wrong actor, wrong command). Was missed in:
    views/50_containers.sql container_launches `twins`, which pairs a daemon record with
    the closest CLI run on the host within a minute whatever its image or options."""
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(["docker", "run", "-d", "nginx"], t=T0 - 10, auid=ALICE, uid=ALICE, pid=3000)
        .execve(
            [
                "curl",
                "--unix-socket",
                "/run/docker.sock",
                "-d",
                "@c.json",
                "http://x/containers/create",
            ],
            t=T0 - 1,
            uid=BOB,
        )
    )
    form = {"Image": "alpine", "HostConfig": {"Privileged": True, "Binds": ["/:/host"]}}
    files = {"web-2/audit/audit.log": audit.text(), "web-2/docker.log": _dockerd_create(form)}
    found = _findings(tmp_path, files, "docker.privileged_container")
    assert len(found) == 1
    assert found[0]["actor_user_name"] != "alice"
    assert found[0]["process_cmd_line"] != "docker run -d nginx"


# -- critical: argv[0] renamed ----------------------------------------------------------


# `exec -a NAME prog ...` (bash; `execve(path, ["NAME", ...])` in any language) runs prog
# with argv[0] set to NAME: the command line no longer names the tool, only auditd's
# `exe` (the file the kernel ran) does.
RENAMED = [
    (["docker", "run", "--privileged", "alpine"], "/usr/bin/docker", "docker.privileged_container"),
    (["docker", "run", "-v", "/:/host", "alpine"], "/usr/bin/docker", "docker.sensitive_mount"),
    (["docker", "ps"], "/usr/bin/docker", "docker.socket_access"),
    (["auditctl", "-D"], "/usr/sbin/auditctl", "audit.tampering"),
    (["systemctl", "stop", "auditd"], "/usr/bin/systemctl", "audit.tampering"),
    (["pkill", "auditd"], "/usr/bin/pkill", "audit.tampering"),
    (["usermod", "-aG", "docker", "bob"], "/usr/sbin/usermod", "docker.group_change"),
]


@pytest.mark.parametrize(
    ("argv", "exe", "detection_id"),
    RENAMED,
    ids=[f"{argv[0]}-{argv[1]}" for argv, _, _ in RENAMED],
)
def test_tool_run_under_another_argv0(
    tmp_path: Path, argv: list[str], exe: str, detection_id: str
) -> None:
    """Impact: `exec -a x docker run --privileged ...` (and the same for auditctl,
    systemctl, pkill, usermod) raises no finding. Was missed in: views/30_processes.sql
    `program` (argv[0]'s name only), read by docker_cli_runs, group_changes,
    tampering.sql and socket_access.sql, whose command-line prefilters also look for the
    tool's name in the command line only."""
    audit = AuditLog().login(BOB, "bob").execve(["x", *argv[1:]], uid=BOB, exe=exe)
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, detection_id)
    assert [f["actor_user_name"] for f in found] == ["bob"]
    assert found[0]["process_cmd_line"] == " ".join(["x", *argv[1:]])


def test_argv0_named_like_a_tool_is_still_read_as_the_tool(tmp_path: Path) -> None:
    """busybox-style programs dispatch on argv[0]: `exec -a pkill busybox auditd` kills
    auditd though the file run is busybox. The tool is the executable's name when it is
    one the detection knows, else argv[0]'s."""
    audit = AuditLog().login(BOB, "bob").execve(["pkill", "auditd"], uid=BOB, exe="/bin/busybox")
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert [f["actor_user_name"] for f in found] == ["bob"]


# -- critical: auditing switched off without a finding -----------------------------------


@pytest.mark.parametrize(
    ("argv", "rule_list"),
    [
        (["auditctl", "-a", "never,exit", "-F", "auid=1003"], 4),
        (["auditctl", "-a", "exclude,always", "-F", "msgtype=EXECVE"], 5),
    ],
    ids=["never-rule-for-my-auid", "exclude-execve"],
)
def test_suppression_rule_added_with_auditctl(
    tmp_path: Path, argv: list[str], rule_list: int
) -> None:
    """Impact: one rule blinds auditd to everything bob does next (or to every exec),
    rules otherwise intact and the daemon running: no finding. Was missed in: tampering.sql,
    which knows -D/-d/-W/-e 0 and CONFIG_CHANGE remove_rule, not op=add_rule of a
    never/exclude rule."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["/usr/sbin/auditctl", *argv[1:]])
        .record(
            "CONFIG_CHANGE",
            f"auid={BOB} ses=9 subj=unconfined op=add_rule key=(null) list={rule_list} res=1",
        )
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert [f["actor_user_name"] for f in found] == ["bob"]


# systemd's line when auditd's main process dies of a signal
SYSTEMD_KILLED_AUDITD = (
    "Nov 27 02:18:02 web-2 systemd[1]: auditd.service: Main process exited, "
    "code=killed, status=9/KILL\n"
)


def test_auditd_killed_with_sigkill(tmp_path: Path) -> None:
    """Impact: auditd dies without a DAEMON_END (SIGKILL cannot be caught), systemd
    restarts it later, the gap is unreported. Was missed in: tampering.sql `commands` knows
    auditctl, systemctl and service only, not pkill/killall/kill of auditd."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["pkill", "-9", "auditd"])
        .record(
            "DAEMON_START",
            "op=start ver=3.0.9 format=raw kernel=6.1.0 auid=4294967295 pid=4011 uid=0 "
            "ses=4294967295 subj=unconfined res=success",
            t=T0 + 5,
        )
    )
    files = {"web-2/audit/audit.log": audit.text(), "web-2/syslog": SYSTEMD_KILLED_AUDITD}
    found = _findings(tmp_path, files, "audit.tampering")
    assert [f["actor_user_name"] for f in found] == ["bob"]


# -- high: Docker socket and docker group ---------------------------------------------


def test_socket_reached_through_a_symlink(tmp_path: Path) -> None:
    """Impact: `ln -s` made earlier (by a script, so no argv names docker.sock), then
    `curl --unix-socket /tmp/x`: full Docker API, no finding, though auditd's watch on the
    socket tagged the connect with the CIS key `docker` (and the socket's inode).
    Was missed in: socket_access.sql, which compared dst_endpoint_path with the two
    socket paths only."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["curl", "--unix-socket", "/tmp/x", "http://l/containers/json"], uid=BOB)
        .connect("/tmp/x")
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.socket_access")
    assert [f["actor_user_name"] for f in found] == ["bob"]


def test_login_uid_rewritten_to_an_allowed_user(tmp_path: Path) -> None:
    """Impact: root (bob via `sudo -s`) writes alice's uid to /proc/self/loginuid (not
    immutable by default); his socket use then passed as alice's: no finding. The kernel's
    LOGIN record (old-auid=1003 auid=1001, not from a login program) is in the lake.
    Was missed in: socket_access.sql, which trusted auid / audit_user_names as the actor;
    the events of the session the rewrite opened (ses=10) are now bob's."""
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(["sudo", "-s"], t=T0 - 20, uid=BOB, pid=2250)
        .record(
            "LOGIN",
            f"pid=2251 uid=0 subj=unconfined old-auid={BOB} auid={ALICE} tty=pts0 "
            "old-ses=9 ses=10 res=1",
            t=T0 - 10,
        )
        .execve(["curl", "--unix-socket", "/run/docker.sock", "http://l/info"], auid=ALICE, ses=10)
        .connect("/run/docker.sock", auid=ALICE, ses=10)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.socket_access")
    assert [(f["actor_user_name"], f["actor_user_uid"]) for f in found] == [("bob", BOB)]


def test_alice_in_her_own_session_is_still_allowed(tmp_path: Path) -> None:
    """A rewrite elsewhere on the host names the writer in its own session only."""
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .record(
            "LOGIN",
            f"pid=2251 uid=0 subj=unconfined old-auid={BOB} auid={ALICE} tty=pts0 "
            "old-ses=9 ses=10 res=1",
            t=T0 - 10,
        )
        .execve(["docker", "ps"], auid=ALICE, uid=ALICE, ses=7, pid=3100)
        .connect("/run/docker.sock", auid=ALICE, ses=7, pid=3100)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.socket_access")
    assert found == []


def _relayed(log: AuditLog, host: str | None = "web-2", node: str = "") -> str:
    """The records of `log` as a syslog file's audispd lines: what `logger -t audispd` writes.

    `host` None: lines with no host name (a per-host file's template); `node`: a `node=N `
    prefix to each record.
    """
    sender = "" if host is None else f"{host} "
    return "".join(f"Nov 27 02:18:00 {sender}audispd: {node}{line}\n" for line in log.lines)


def _bob_on_the_socket() -> AuditLog:
    """Kernel records (audit.log): alice and bob log in, bob uses the socket in ses 9."""
    return (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(["docker", "ps"], auid=BOB, uid=BOB)
        .connect("/run/docker.sock")
    )


@pytest.mark.parametrize(
    ("syslog_file", "sender", "node"),
    [
        ("web-2/syslog", "web-2", ""),
        ("web-1/syslog", "web-1", "node=web-2 "),
        ("web-1/audispd.log", None, "node=web-2 "),
    ],
)
def test_relayed_login_record_does_not_move_the_kernels_session(
    tmp_path: Path, syslog_file: str, sender: str | None, node: str
) -> None:
    """Impact: any user of web-2 (or of any host, naming web-2 with node=) runs
    `logger -t audispd "type=LOGIN ... old-auid=1001 auid=1003 old-ses=8 ses=9 res=1"`:
    bob's session 9 in the kernel's audit.log then read as opened by alice's rewrite,
    and his docker socket use passed as hers (allowed): no finding.
    Was missed in: the views login_uid_rewrites/writers, which believed a LOGIN record
    relayed through syslog as the kernel's, and the auditd parser, which put a relayed
    record on the host its node= named."""
    forged = AuditLog().record(
        "LOGIN",
        f"pid=2251 uid=0 subj=unconfined old-auid={ALICE} auid={BOB} tty=pts0 "
        "old-ses=8 ses=9 res=1",
        t=T0 - 10,
    )
    files = {
        "web-2/audit/audit.log": _bob_on_the_socket().text(),
        syslog_file: _relayed(forged, sender, node),
    }
    found = _findings(tmp_path, files, "docker.socket_access")
    assert [(f["device_hostname"], f["actor_user_name"]) for f in found] == [("web-2", "bob")]


def test_relayed_records_do_not_take_the_kernels_tampering_actor(tmp_path: Path) -> None:
    """Impact: bob, about to run `auditctl -D`, first writes an audispd line of the same
    command under alice's login uid, 5 s earlier: the finding named alice (the earliest
    sign the kernel recorded). A relayed record is now a sign a line told.
    Was missed in: tampering.sql, which took relayed records for the kernel's."""
    real = AuditLog().login(ALICE, "alice").login(BOB, "bob").execve(["auditctl", "-D"], uid=0)
    forged = AuditLog().execve(["auditctl", "-D"], t=T0 - 5, auid=ALICE, uid=0, pid=2100)
    files = {"web-2/audit/audit.log": real.text(), "web-2/syslog": _relayed(forged)}
    found = _findings(tmp_path, files, "audit.tampering")
    assert [(f["actor_user_name"], f["actor_user_uid"]) for f in found] == [("bob", BOB)]


def test_a_relayed_docker_run_does_not_take_the_daemons_create(tmp_path: Path) -> None:
    """Impact: bob creates a privileged container with / mounted through the API
    (curl), and writes an audispd line of alice running `docker run --privileged -v
    /:/host alpine` 2 s before: the create paired with that run and the findings named
    alice. Where the kernel's records are in the lake, a relayed one pairs with nothing.
    Was missed in: container_launches, which paired relayed runs like the kernel's."""
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(
            ["curl", "--unix-socket", "/run/docker.sock", "http://x/containers/create"],
            t=T0 - 1,
            uid=BOB,
        )
    )
    forged = AuditLog().execve(
        ["docker", "run", "--privileged", "-v", "/:/host", "alpine"],
        t=T0 - 2,
        auid=ALICE,
        uid=ALICE,
        pid=3000,
    )
    form = {"Image": "alpine", "HostConfig": {"Privileged": True, "Binds": ["/:/host"]}}
    files = {
        "web-2/audit/audit.log": audit.text(),
        "web-2/docker.log": _dockerd_create(form),
        "web-2/syslog": _relayed(forged),
    }
    found = _findings(tmp_path, files, "docker.privileged_container")
    # the relayed run is a finding of its own (believed as written), the create another
    assert sorted((f["actor_user_name"] or "", f["process_cmd_line"] or "") for f in found) == [
        ("", ""),
        ("alice", "docker run --privileged -v /:/host alpine"),
    ]


_ADD_GROUP = (
    'pid=311 uid=0 auid=0 ses=1 subj=unconfined msg=\'op=add-group id=999 grp="{}" '
    'exe="/usr/sbin/groupadd" hostname=? addr=? terminal=? res=success\''
)
_DEL_DOCKER = (
    'pid=312 uid=0 auid=0 ses=1 subj=unconfined msg=\'op=delete-group grp="docker" '
    'exe="/usr/sbin/groupdel" hostname=? addr=? terminal=? res=success\''
)


@pytest.mark.parametrize("usermod_group", ["999", "dockr"])
def test_relayed_group_records_do_not_end_the_kernels_docker_group(
    tmp_path: Path, usermod_group: str
) -> None:
    """Impact: before bob runs `usermod -aG 999 eve` (docker's gid), or adds eve to
    `dockr` (made with docker's gid), a user writes audispd lines of docker deleted and
    gid 999 given to `devs`: no finding.
    Was missed in: group_ids_named and docker_group_aliases, which read relayed group
    records like the kernel's."""
    audit = (
        AuditLog()
        .record("ADD_GROUP", _ADD_GROUP.format("docker"), t=T0 - 1000)
        .record("ADD_GROUP", _ADD_GROUP.format("dockr"), t=T0 - 900)
        .login(BOB, "bob")
        .execve(["usermod", "-aG", usermod_group, "eve"])
    )
    forged = AuditLog()
    forged.serial = 50
    forged.record("DEL_GROUP", _DEL_DOCKER, t=T0 - 70)
    forged.record("ADD_GROUP", _ADD_GROUP.format("devs"), t=T0 - 60)
    files = {"web-2/audit/audit.log": audit.text(), "web-2/syslog": _relayed(forged)}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [(f["user_name"], f["group_name"]) for f in found] == [("eve", "docker")]


def test_a_relayed_enriched_record_does_not_rename_the_kernels_gid(tmp_path: Path) -> None:
    """Impact: an audispd line of an ENRICHED PATH record (`ogid=999 ... OGID="devs"`)
    a minute before `usermod -aG 999 eve` named docker's gid `devs`: no finding."""
    audit = (
        AuditLog()
        .record("ADD_GROUP", _ADD_GROUP.format("docker"), t=T0 - 1000)
        .login(BOB, "bob")
        .execve(["usermod", "-aG", "999", "eve"])
    )
    forged = AuditLog()
    forged.serial = 50
    forged.record(
        "PATH",
        'item=0 name="/tmp/x" inode=1127 dev=00:19 mode=0100660 ouid=0 ogid=999 '
        'rdev=00:00 nametype=NORMAL\x1dOUID="root" OGID="devs"',
        t=T0 - 60,
    )
    files = {"web-2/audit/audit.log": audit.text(), "web-2/syslog": _relayed(forged)}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [(f["user_name"], f["group_name"]) for f in found] == [("eve", "docker")]


def test_relayed_session_records_do_not_rename_the_kernels_login_uid(tmp_path: Path) -> None:
    """Impact: a user writes five `audispd: type=USER_START ... auid=1003 ... acct="alice"`
    lines; the most frequent name of auid 1003 became alice, and bob's socket use passed
    as hers (allowed): no finding.
    Was missed in: audit_user_names, which counted relayed records with the kernel's."""
    forged = AuditLog()
    for i in range(5):
        forged.login(BOB, "alice", t=T0 - 200 + i)
    files = {"web-2/audit/audit.log": _bob_on_the_socket().text(), "web-2/syslog": _relayed(forged)}
    found = _findings(tmp_path, files, "docker.socket_access")
    assert [f["actor_user_name"] for f in found] == ["bob"]


def test_a_host_whose_audit_comes_only_through_syslog_is_still_named(tmp_path: Path) -> None:
    """Where audispd's syslog lines are all a host's audit trail, their session records
    still name its login uids (they are as forgeable as the rest of that trail)."""
    files = {"web-2/syslog": _relayed(_bob_on_the_socket())}
    found = _findings(tmp_path, files, "docker.socket_access")
    assert [f["actor_user_name"] for f in found] == ["bob"]
    rewritten = _bob_on_the_socket().record(
        "LOGIN",
        f"pid=2251 uid=0 subj=unconfined old-auid={ALICE} auid={BOB} tty=pts0 "
        "old-ses=8 ses=9 res=1",
        t=T0 - 10,
    )
    found = _findings(
        tmp_path / "rewritten", {"web-2/syslog": _relayed(rewritten)}, "docker.socket_access"
    )
    assert found == []  # alice's rewrite, believed: her session, and she is allowed


# A process in a container runs under the container's security profile: AppArmor's
# docker-default (Debian, Ubuntu), SELinux's container_t (RHEL, Fedora), and the like.
CONTAINER_LABELS = [
    "docker-default (enforce)",
    "cri-containerd.apparmor.d (enforce)",
    "system_u:system_r:container_t:s0:c123,c456",
    "system_u:system_r:spc_t:s0",
]
ENGINE = "/usr/bin/dockerd"
UNSET = 4294967295


def _daemon_syscall(nr: int, items: int, pid: int, subj: str) -> str:
    """A SYSCALL record of a process no login started (auid unset), named like the engine."""
    return syscall(nr, items, UNSET, 0, pid, ENGINE, "docker", subj=subj, tty="(none)", ses=UNSET)


@pytest.mark.parametrize("subj", CONTAINER_LABELS)
def test_container_process_named_like_the_engine_uses_the_socket(tmp_path: Path, subj: str) -> None:
    """Impact: root in a container that has the socket mounted (a CI runner, a dashboard)
    copies curl to /usr/bin/dockerd inside it and drives the Docker API: no finding, as
    a process with no login uid whose executable is in allowed_socket_processes passes
    for the engine. Was missed in: socket_access.sql outside_policy (the executable's
    path only; inside a container any path can be had)."""
    saddr = ("0100" + b"/run/docker.sock".hex().upper()).ljust(220, "0")
    audit = AuditLog().event(
        [("SYSCALL", _daemon_syscall(42, 1, 4421, subj)), ("SOCKADDR", f"saddr={saddr}")]
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.socket_access")
    assert [(f["actor_user_name"], f["message"]) for f in found] == [
        (
            None,
            f"docker socket used by a process with no login user: {ENGINE}"
            " (in a container, named like the engine)",
        )
    ]


@pytest.mark.parametrize("subj", CONTAINER_LABELS)
def test_container_process_named_like_the_engine_rewrites_docker_config(
    tmp_path: Path, subj: str
) -> None:
    """Impact: a container with /etc/docker mounted rewrites daemon.json (say, to expose
    the API on TCP) from a binary it calls /usr/bin/dockerd: no finding. Was missed in:
    file_change.sql by_others, which trusts the executable's path as socket_access did."""
    path = "/etc/docker/daemon.json"
    audit = AuditLog().event(
        [
            ("SYSCALL", _daemon_syscall(257, 2, 4422, subj)),
            ("PATH", f'item=1 name="{path}" inode=5501 dev=08:01 mode=0100644 nametype=NORMAL'),
        ]
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.file_change")
    assert [f["file_path"] for f in found] == [path]
    assert found[0]["message"].endswith(f"by {ENGINE} (in a container, named like the engine)")


def test_the_engine_itself_is_still_allowed(tmp_path: Path) -> None:
    """The real engine, unconfined on the host, uses its socket and writes its files."""
    saddr = ("0100" + b"/run/docker.sock".hex().upper()).ljust(220, "0")
    path = "/etc/docker/daemon.json"
    audit = (
        AuditLog()
        .event(
            [
                ("SYSCALL", _daemon_syscall(42, 1, 1102, "unconfined")),
                ("SOCKADDR", f"saddr={saddr}"),
            ]
        )
        .event(
            [
                (
                    "SYSCALL",
                    _daemon_syscall(257, 2, 1102, "system_u:system_r:container_runtime_t:s0"),
                ),
                ("PATH", f'item=1 name="{path}" inode=5501 dev=08:01 mode=0100644 nametype=NORMAL'),
            ]
        )
    )
    files = {"web-2/audit/audit.log": audit.text()}
    assert _findings(tmp_path, files, "docker.socket_access") == []
    assert _findings(tmp_path / "again", files, "docker.file_change") == []


@pytest.mark.parametrize(
    ("subj", "contained"),
    [
        *((label, True) for label in CONTAINER_LABELS),
        ("=docker-default (enforce)", True),  # ANOM_ABEND writes `subj==...`
        ("containers-default-0.50.1 (enforce)", True),  # podman
        ("nerdctl-default (complain)", True),
        ("unconfined", False),
        ("/usr/sbin/cupsd (enforce)", False),  # a host program's own profile
        ("system_u:system_r:container_runtime_t:s0", False),  # the engine
        ("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023", False),
        ("docker-default-ish (enforce)", False),
        (None, False),
    ],
)
def test_container_label(tmp_path: Path, subj: str | None, contained: bool) -> None:
    con = connect(make_lake(tmp_path, [event("2026-11-27T10:00:00Z", 3002, "syslog")]))
    (result,) = con.execute("SELECT coalesce(container_label($s), false)", {"s": subj}).fetchone()
    assert result is contained


def test_login_uid_rewrite_is_tampering_with_auditing(tmp_path: Path) -> None:
    """Impact: root (bob via `sudo -s`) writes alice's uid to /proc/self/loginuid; from
    then on the audit trail names alice for what bob does (the xfail above), and nothing
    said it happened. Was missed in: tampering.sql, which read no LOGIN record. A login
    sets an unset login uid (old-auid=4294967295): that is no finding."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .record(
            "LOGIN",
            f"pid=1767 uid=0 subj=unconfined old-auid={UNSET} auid={BOB} tty=(none) "
            f"old-ses={UNSET} ses=9 res=1",
            t=T0 - 300,
        )
        .record(
            "LOGIN",
            f"pid=2251 uid=0 subj=unconfined old-auid={BOB} auid={ALICE} tty=pts0 "
            "old-ses=9 ses=10 res=1",
            t=T0 - 10,
        )
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert [(f["actor_user_name"], f["actor_user_uid"], f["message"]) for f in found] == [
        ("bob", BOB, f"login uid rewritten ({BOB} to {ALICE})")
    ]


def test_groupmod_appends_a_member_to_docker(tmp_path: Path) -> None:
    """Impact: `groupmod -aU eve docker` (shadow >= 4.13) makes eve root-equivalent; its
    records name the group only and its /etc/group write is exempt as an account tool's:
    no finding. Was missed in: views/60_group_changes.sql tool_execs (no groupmod) and
    group_change.sql group_file_edits (groupmod exempt)."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["/usr/sbin/groupmod", "-aU", "eve", "docker"])
        .record(
            "GRP_MGMT",
            f"pid=2258 uid=0 auid={BOB} ses=9 subj=unconfined msg='op=changing /etc/group; "
            'group docker/999 acct="docker" exe="/usr/sbin/groupmod" hostname=web-2 addr=? '
            "terminal=pts/0 res=success'",
        )
    )
    syslog = (
        "Nov 27 02:18:02 web-2 groupmod[2258]: group changed in /etc/group "
        "(changing /etc/group; group docker/999)\n"
    )
    files = {"web-2/audit/audit.log": audit.text(), "web-2/auth.log": syslog}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [(f["actor_user_name"], f["user_name"]) for f in found] == [("bob", "eve")]


# -- medium: wrong actor ----------------------------------------------------------------


def test_group_change_names_the_login_user_not_gpasswds_root(tmp_path: Path) -> None:
    """Impact: `sudo gpasswd -a eve docker` by zed is reported as done by root. gpasswd's
    syslog line names the effective user (`added by root`); with RAW audit logs the
    EXECVE row carries no name, and min() over the names picks 'root' for anyone whose
    name sorts after it. Was missed in: group_change.sql membership_findings
    `coalesce(min(g.actor_user_name), min(n.user_name))`."""
    audit = AuditLog().login(1005, "zed").execve(["gpasswd", "-a", "eve", "docker"], auid=1005)
    auth = (
        "Nov 27 02:18:02 web-2 sudo:      zed : TTY=pts/0 ; PWD=/home/zed ; USER=root ; "
        "COMMAND=/usr/bin/gpasswd -a eve docker\n"
        "Nov 27 02:18:02 web-2 gpasswd[2258]: user eve added by root to group docker\n"
    )
    files = {"web-2/audit/audit.log": audit.text(), "web-2/auth.log": auth}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [(f["actor_user_name"], f["actor_user_uid"]) for f in found] == [("zed", 1005)]


# -- low: outside what the detections cover today ---------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["docker", "run", "--device", "/dev/sda1", "alpine"],
        ["docker", "run", "--device=/dev/nvme0n1p2:/dev/xvda:rwm", "alpine"],
        ["docker", "run", "-d", "--device", "/dev/mapper/vg0-root", "alpine"],
        ["docker", "run", "--device", "/dev/../dev/mem", "alpine"],
    ],
    ids=["sda1", "nvme-with-target", "device-mapper", "mem-dot-dot"],
)
def test_raw_host_disk_passed_to_a_container(tmp_path: Path, argv: list[str]) -> None:
    """Impact: `--device /dev/sda1` gives read/write of the host's filesystem (debugfs -w)
    with no --privileged, capability or mount: no finding. Was missed in: docker_cli_runs
    and parsers/dockerd.py, which kept no devices; no container detection looked at them."""
    (finding,) = _findings(tmp_path, _bob_runs(argv), "docker.privileged_container")
    assert finding["actor_user_name"] == "bob"
    assert "--device=/dev/" in finding["message"]


def test_raw_host_disk_passed_through_the_api(tmp_path: Path) -> None:
    form = {
        "Image": "alpine",
        "HostConfig": {
            "Devices": [
                {
                    "PathOnHost": "/dev/sda",
                    "PathInContainer": "/dev/sda",
                    "CgroupPermissions": "rwm",
                }
            ]
        },
    }
    found = _findings(
        tmp_path, {"web-2/docker.log": _dockerd_create(form)}, "docker.privileged_container"
    )
    assert [f["message"] for f in found] == [
        "container pwn (alpine) started with --device=/dev/sda"
    ]


def test_devices_that_give_no_host_access_are_no_finding(tmp_path: Path) -> None:
    # FUSE, sound, a GPU by its CDI name, an optical drive: no host disk, no host memory
    audit = AuditLog().login(BOB, "bob")
    for i, device in enumerate(["/dev/fuse", "/dev/snd", "nvidia.com/gpu=all", "/dev/sr0"]):
        audit.execve(["docker", "run", "--device", device, "alpine"], t=T0 + i, uid=BOB)
    found = _findings(
        tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.privileged_container"
    )
    assert found == []


@pytest.mark.parametrize("source", ["10.0.0.5.evil.example", "gw.corp.example"])
def test_login_from_a_host_name_is_not_taken_as_trusted(tmp_path: Path, source: str) -> None:
    # a source logged by name only (no address): the name is whatever its DNS owner
    # chose, and one that starts like a trusted address proves nothing
    line = f"Nov 27 02:18:02 web-2 sshd[1767]: Accepted publickey for deploy from {source} port 50122 ssh2: ED25519 SHA256:x\n"
    (finding,) = _findings(tmp_path, {"web-2/auth.log": line}, "login.untrusted_network")
    assert (finding["user_name"], finding["src_endpoint_ip"]) == ("deploy", None)
    assert finding["message"] == (
        f"login as deploy from {source} (a host name), outside trusted_networks"
    )


def test_root_login_from_a_host_name_is_not_called_local(tmp_path: Path) -> None:
    line = "Nov 27 02:18:02 web-2 sshd[1767]: Accepted publickey for root from gw.corp.example port 50122 ssh2\n"
    (finding,) = _findings(tmp_path, {"web-2/auth.log": line}, "login.root")
    assert finding["message"] == "direct root login from gw.corp.example by publickey"
