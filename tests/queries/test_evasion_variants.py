"""Variants of the evasions in test_evasion.py, found by a review of their fixes.

Each test builds a small lake from raw log lines, as test_evasion.py does, and states
what the detection should report; xfail marks a known gap, still open.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_evasion import (
    ALICE,
    BOB,
    SYSTEMD_KILLED_AUDITD,
    T0,
    UNSET,
    AuditLog,
    _bob_runs,
    _dockerd_create,
    _findings,
    syscall,
)


class HexAuditLog(AuditLog):
    """auditd writes an argument holding `"`, a space or a control character in hex."""

    def execve(
        self, argv: list[str], t: float = T0, auid: int = BOB, uid: int = 0, pid: int = 2258
    ) -> AuditLog:
        super().execve(argv, t, auid, uid, pid)
        args = " ".join(f"a{i}={a.encode().hex().upper()}" for i, a in enumerate(argv))
        self.lines = [
            f"{line.split(': argc=')[0]}: argc={len(argv)} {args}"
            if "type=EXECVE" in line
            else line
            for line in self.lines
        ]
        return self


def _bob_runs_hex(argv: list[str]) -> dict[str, str]:
    return {"web-2/audit/audit.log": HexAuditLog().login(BOB, "bob").execve(argv, uid=BOB).text()}


def _actors(found: list[dict[str, Any]]) -> list[str]:
    return [f["actor_user_name"] for f in found]


def test_api_create_is_not_put_on_another_user_s_harmless_run(tmp_path: Path) -> None:
    """Alice runs `docker run --rm alpine`; a second later bob's curl creates a privileged
    alpine with / mounted over the API. The create was merged with alice's run (same image,
    within the minute), naming her: an attacker could frame a colleague so."""
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(["docker", "run", "--rm", "alpine", "echo", "hi"], t=T0 - 3, auid=ALICE, uid=ALICE)
        .execve(
            ["curl", "--unix-socket", "/run/docker.sock", "http://x/containers/create"], t=T0 - 1
        )
    )
    form = {"Image": "alpine", "HostConfig": {"Privileged": True, "Binds": ["/:/host"]}}
    files = {"web-2/audit/audit.log": audit.text(), "web-2/docker.log": _dockerd_create(form)}
    found = _findings(tmp_path, files, "docker.privileged_container")
    assert [f["actor_user_name"] for f in found] == [None]


@pytest.mark.parametrize(
    "path",
    [
        "/run/systemd/system/docker.service.d/x.conf",
        "/usr/lib/systemd/system/docker.service.d/x.conf",
        "/etc/systemd/system/containerd.service.d/override.conf",
        "/etc/systemd/system/docker.socket.d/override.conf",
        "/usr/local/sbin/runc",
    ],
)
def test_daemon_files_elsewhere_on_systemd_s_and_the_shell_s_paths(
    tmp_path: Path, path: str
) -> None:
    """A drop-in under /run or /usr/lib changes dockerd's command line as one under /etc
    does; /usr/local/sbin/runc comes before /usr/bin/runc on PATH."""
    directory = path.rsplit("/", 1)[0] + "/"
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .event(
            [
                ("SYSCALL", syscall(257, 2, BOB, 0, 2300, "/usr/bin/tee", "(null)")),
                ("CWD", 'cwd="/root"'),
                (
                    "PATH",
                    f'item=0 name="{directory}" inode=2 dev=08:01 mode=040755 nametype=PARENT',
                ),
                ("PATH", f'item=1 name="{path}" inode=5501 dev=08:01 mode=0100644 nametype=CREATE'),
            ],
            t=T0 + 1,
        )
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.file_change")
    assert [f["file_path"] for f in found] == [path]


def test_api_create_sharing_the_host_cgroup_namespace(tmp_path: Path) -> None:
    """`--cgroupns=host` was flagged from the CLI; the API's CgroupnsMode was not read."""
    form = {"Image": "alpine", "HostConfig": {"CgroupnsMode": "host"}}
    files = {"web-2/docker.log": _dockerd_create(form)}
    found = _findings(tmp_path, files, "docker.privileged_container")
    assert len(found) == 1


# -- login uids rewritten ------------------------------------------------------------------

CAROL = 1005


def _at(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _rewrites_bob_to_carol_to_alice() -> AuditLog:
    """bob (ses 9) writes carol's uid to /proc/self/loginuid (ses 10), and 15 minutes later
    alice's (ses 11): far enough apart to be two tampering findings."""
    return (
        AuditLog()
        .login(ALICE, "alice")
        .login(CAROL, "carol")
        .login(BOB, "bob")
        .record(
            "LOGIN",
            f"pid=2251 uid=0 subj=unconfined old-auid={BOB} auid={CAROL} tty=pts0 "
            "old-ses=9 ses=10 res=1",
            t=T0 - 910,
        )
        .record(
            "LOGIN",
            f"pid=2252 uid=0 subj=unconfined old-auid={CAROL} auid={ALICE} tty=pts0 "
            "old-ses=10 ses=11 res=1",
            t=T0 - 10,
        )
    )


def test_chain_of_login_uid_rewrites_names_the_first_writer(tmp_path: Path) -> None:
    """Rewritten twice, bob's socket use in ses 11 was carol's (the last writer), not bob's."""
    audit = (
        _rewrites_bob_to_carol_to_alice()
        .execve(["curl", "--unix-socket", "/run/docker.sock", "http://l/info"], auid=ALICE, ses=11)
        .connect("/run/docker.sock", auid=ALICE, ses=11)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.socket_access")
    assert [(f["actor_user_name"], f["actor_user_uid"]) for f in found] == [("bob", BOB)]


def test_each_rewrite_of_a_chain_is_the_first_writer_s_tampering(tmp_path: Path) -> None:
    """The second rewrite is done in the session the first opened: by bob, not carol."""
    audit = _rewrites_bob_to_carol_to_alice()
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert sorted((f["start_time"], f["actor_user_name"], f["message"]) for f in found) == [
        (_at(T0 - 910), "bob", f"login uid rewritten ({BOB} to {CAROL})"),
        (_at(T0 - 10), "bob", f"login uid rewritten ({CAROL} to {ALICE})"),
    ]


def test_session_id_reused_by_a_login_after_a_reboot_is_no_link(tmp_path: Path) -> None:
    """Bob's rewrite opened ses 10; after a reboot alice logs in as ses 10 and rewrites to
    carol's uid: her rewrite is hers, not bob's."""
    audit = (
        _rewrites_bob_to_carol_to_alice()
        .record(
            "LOGIN",
            f"pid=900 uid=0 subj=unconfined old-auid={UNSET} auid={ALICE} tty=(none) "
            f"old-ses={UNSET} ses=10 res=1",
            t=T0 + 1000,
        )
        .record(
            "LOGIN",
            f"pid=901 uid=0 subj=unconfined old-auid={ALICE} auid={CAROL} tty=pts0 "
            "old-ses=10 ses=13 res=1",
            t=T0 + 2000,
        )
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert sorted((f["start_time"], f["actor_user_name"]) for f in found)[-1] == (
        _at(T0 + 2000),
        "alice",
    )


def test_rewrite_before_its_session_was_opened_is_no_link(tmp_path: Path) -> None:
    """Session ids start again at each boot: carol's rewrite from a ses 10 that came before
    the one bob's rewrite opened is carol's."""
    audit = _rewrites_bob_to_carol_to_alice().record(
        "LOGIN",
        f"pid=2252 uid=0 subj=unconfined old-auid={CAROL} auid={ALICE} tty=pts0 "
        "old-ses=10 ses=12 res=1",
        t=T0 - 2000,
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert sorted((f["start_time"], f["actor_user_name"]) for f in found) == [
        (_at(T0 - 2000), "carol"),
        (_at(T0 - 910), "bob"),
        (_at(T0 - 10), "bob"),
    ]


# -- docker CLI argv ----------------------------------------------------------------------


def test_global_boolean_flag_cluster_before_run(tmp_path: Path) -> None:
    """docker_argv knows run's booleans only: `-DH x` (global -D, -H x) makes x the subcommand."""
    argv = ["docker", "-DH", "unix:///run/docker.sock", "run", "--privileged", "alpine"]
    found = _findings(tmp_path, _bob_runs(argv), "docker.privileged_container")
    assert _actors(found) == ["bob"]


@pytest.mark.parametrize(
    ("argv", "detection"),
    [
        (
            ["docker", "compose", "run", "--cap-add", "SYS_ADMIN", "web", "sh"],
            "docker.privileged_container",
        ),
        (
            ["docker", "compose", "-f", "x.yml", "run", "-T", "-v", "/:/host", "web", "sh"],
            "docker.sensitive_mount",
        ),
        (["docker-compose", "run", "-v", "/:/host", "web", "sh"], "docker.sensitive_mount"),
        (["docker", "exec", "--privileged", "-u", "0", "web", "sh"], "docker.privileged_container"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_compose_run_and_privileged_exec(tmp_path: Path, argv: list[str], detection: str) -> None:
    """`compose` was taken for the subcommand, docker-compose for no client, and `exec
    --privileged` (every capability for a process in a running container) was not read."""
    assert _actors(_findings(tmp_path, _bob_runs(argv), detection)) == ["bob"]


@pytest.mark.parametrize(
    ("ln", "bind"),
    [
        (["ln", "-s", "/", "/tmp/r"], "/tmp/r:/host"),
        # a cluster of flags, a relative link (in the cwd, /home/bob), a path under it
        (["ln", "-sfn", "/var/run", "r"], "/home/bob/r/docker.sock:/s"),
        # a relative target is read from the link's directory
        (["ln", "--sym", "../../", "/tmp/a/r"], "/tmp/a/r:/host"),
        # links into a directory are named as their targets
        (["ln", "-s", "-t", "/tmp/d", "/run/docker.sock"], "/tmp/d/docker.sock:/s"),
        (["ln", "-s", "/run/docker.sock", "/etc/hosts", "/tmp/d"], "/tmp/d/docker.sock:/s"),
        # LINK may be a directory already: the link is made in it
        (["ln", "-s", "/run/docker.sock", "/tmp/d"], "/tmp/d/docker.sock:/s"),
        # /var/run is /run
        (["ln", "-s", "/", "/var/run/user/1003/r"], "/var/run/user/1003/r:/host"),
    ],
    ids=[
        "absolute",
        "cluster-relative-link",
        "relative-target",
        "target-directory",
        "many",
        "into-directory",
        "var-run",
    ],
)
def test_bind_through_a_symbolic_link(tmp_path: Path, ln: list[str], bind: str) -> None:
    """docker binds what a link points to: `ln -s / /tmp/r` then `-v /tmp/r:/host`
    mounts the host's root, and no finding named it."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(ln, t=T0 - 30, uid=BOB)
        .execve(["docker", "run", "-v", bind, "alpine"], uid=BOB)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert _actors(found) == ["bob"]
    assert len(found[0]["event_uids"]) == 2  # the run and the link it went through


def test_api_bind_through_a_symbolic_link(tmp_path: Path) -> None:
    """The same through the API: the create binds /tmp/r, which bob linked to /."""
    audit = AuditLog().login(BOB, "bob").execve(["ln", "-s", "/", "/tmp/r"], t=T0 - 30, uid=BOB)
    form = {"Image": "alpine", "HostConfig": {"Binds": ["/tmp/r:/host"]}}
    files = {"web-2/audit/audit.log": audit.text(), "web-2/docker.log": _dockerd_create(form)}
    assert len(_findings(tmp_path, files, "docker.sensitive_mount")) == 1


@pytest.mark.parametrize(
    "steps",
    [
        # a link to a harmless place
        [(["ln", "-s", "/srv/data", "/tmp/r"], T0 - 30)],
        # a hard link (no -s) names a file, not a directory to mount
        [(["ln", "/", "/tmp/r"], T0 - 30)],
        # made after the run
        [(["ln", "-s", "/", "/tmp/r"], T0 + 30)],
        # made again to a harmless place before the run
        [(["ln", "-s", "/", "/tmp/r"], T0 - 60), (["ln", "-sfn", "/srv", "/tmp/r"], T0 - 30)],
        # `ln -s TARGET .` makes a link in the cwd (/home/bob), not of it
        [(["ln", "-s", "/etc/localtime", "."], T0 - 30)],
        # `-S` takes a value: `-Ss` is a suffix "s", not --symbolic
        [(["ln", "-Ss", "/", "/tmp/r"], T0 - 30)],
    ],
    ids=["harmless", "hard-link", "later", "made-again", "dot", "suffix-value"],
)
def test_bind_through_a_harmless_link_is_no_finding(
    tmp_path: Path, steps: list[tuple[list[str], float]]
) -> None:
    audit = AuditLog().login(BOB, "bob")
    for argv, t in steps:
        audit.execve(argv, t=t, uid=BOB)
    audit.execve(["docker", "run", "-v", "/tmp/r:/data", "alpine"], uid=BOB)
    audit.execve(["docker", "run", "-v", "/home/bob/project:/src", "node"], uid=BOB)
    files = {"web-2/audit/audit.log": audit.text()}
    assert _findings(tmp_path, files, "docker.sensitive_mount") == []


def test_privileged_exec_is_not_called_a_container_start(tmp_path: Path) -> None:
    """`docker exec --privileged web sh` starts a process in a running container: the
    message said "container web started with --privileged"."""
    argv = ["docker", "exec", "--privileged", "web", "sh"]
    found = _findings(tmp_path, _bob_runs(argv), "docker.privileged_container")
    assert [f["message"] for f in found] == ["process run in container web with --privileged"]


@pytest.mark.parametrize(
    "argv",
    [
        ["docker", "service", "create", "--mount", "type=bind,source=/,target=/host", "alpine"],
        [
            "docker", "run", "--mount",
            "type=volume,src=hr,dst=/host,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/",
            "alpine",
        ],
    ],
    ids=["swarm-service", "volume-bound-to-root"],
)  # fmt: skip
def test_host_root_mounted_by_a_service_or_a_bound_volume(tmp_path: Path, argv: list[str]) -> None:
    """`docker service create` takes run's --mount; a local volume with o=bind and
    device=/ is a bind of / (only type=bind was read)."""
    assert _actors(_findings(tmp_path, _bob_runs(argv), "docker.sensitive_mount")) == ["bob"]


def test_api_volume_bound_to_host_root(tmp_path: Path) -> None:
    """The API's form of the same volume: its driver options bind /."""
    mount = {
        "Type": "volume",
        "Source": "hr",
        "Target": "/host",
        "VolumeOptions": {
            "DriverConfig": {"Name": "local", "Options": {"o": "bind", "device": "/"}}
        },
    }
    form = {"Image": "alpine", "HostConfig": {"Mounts": [mount]}}
    found = _findings(
        tmp_path, {"web-2/docker.log": _dockerd_create(form)}, "docker.sensitive_mount"
    )
    assert len(found) == 1


def _alice_s_agent() -> AuditLog:
    """Alice's CI agent container, run with the Docker socket mounted; bob logged in."""
    agent = [
        "docker",
        "run",
        "-d",
        "--name",
        "agent",
        "-v",
        "/run/docker.sock:/run/docker.sock",
        "ci",
    ]
    return (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(agent, t=T0 - 60, auid=ALICE, uid=ALICE, pid=3000)
    )


def test_volumes_from_a_container_with_the_socket_mounted(tmp_path: Path) -> None:
    """Alice's CI agent has docker.sock mounted; bob's `--volumes-from agent` gets it too,
    as his own launch (only alice's was a finding)."""
    audit = _alice_s_agent().execve(
        ["docker", "run", "--volumes-from", "agent:ro", "docker:cli", "docker", "ps"], uid=BOB
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert sorted(_actors(found)) == ["alice", "bob"]


def test_api_volumes_from_a_container_with_the_socket_mounted(tmp_path: Path) -> None:
    """The API's HostConfig.VolumesFrom, after the agent's create named by its query."""
    agent = {"Image": "ci", "HostConfig": {"Binds": ["/run/docker.sock:/run/docker.sock"]}}
    log = _dockerd_create(agent, at=T0 - 60).replace("?name=pwn", "?name=agent")
    log += _dockerd_create({"Image": "docker:cli", "HostConfig": {"VolumesFrom": ["agent:ro"]}})
    found = _findings(tmp_path, {"web-2/docker.log": log}, "docker.sensitive_mount")
    assert len(found) == 2


def test_named_volume_bound_to_host_root(tmp_path: Path) -> None:
    """`docker volume create -o type=none -o o=bind -o device=/ hostroot`, then `-v
    hostroot:/host`: a bind of / in two steps, where each alone looks harmless."""
    volume = ["docker", "volume", "create", "-d", "local", "-o", "type=none", "-o", "o=bind"]
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve([*volume, "-o", "device=/", "hostroot"], t=T0 - 30, uid=BOB)
        .execve(["docker", "run", "-v", "hostroot:/host", "alpine"], uid=BOB)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert _actors(found) == ["bob"]


def test_api_named_volume_bound_to_host_root(tmp_path: Path) -> None:
    """The same through the API: POST /volumes/create, then a create binding the volume."""
    when = datetime.fromtimestamp(T0 - 30, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    body = json.dumps(
        json.dumps(
            {"Name": "hostroot", "Driver": "local", "DriverOpts": {"o": "bind", "device": "/"}}
        )
    )[1:-1]
    log = (
        f'time="{when}000Z" level=debug msg="Calling POST /v1.43/volumes/create"\n'
        f'time="{when}500Z" level=debug msg="form data: {body}"\n'
    )
    log += _dockerd_create({"Image": "alpine", "HostConfig": {"Binds": ["hostroot:/host"]}})
    found = _findings(tmp_path, {"web-2/docker.log": log}, "docker.sensitive_mount")
    assert len(found) == 1


def test_exec_does_not_take_the_blame_for_an_api_create(tmp_path: Path) -> None:
    """Alice's `docker exec --privileged web sh` and, 10 s later, bob's API create of a
    privileged alpine: an exec has no image, so the old image test let them pair."""
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .execve(["docker", "exec", "--privileged", "web", "sh"], t=T0 - 10, auid=ALICE, uid=ALICE)
    )
    # a create with no name: nothing but the image tells it from the exec
    create = _dockerd_create({"Image": "alpine", "HostConfig": {"Privileged": True}})
    files = {
        "web-2/audit/audit.log": audit.text(),
        "web-2/docker.log": create.replace("?name=pwn", ""),
    }
    found = _findings(tmp_path, files, "docker.privileged_container")
    assert sorted((f["actor_user_name"] or "-", f["container_name"] or "-") for f in found) == [
        ("-", "-"),
        ("alice", "web"),
    ]


@pytest.mark.parametrize(
    ("argv", "form"),
    [
        # the CLI adds the socket's bind mount to the create it sends
        (
            ["docker", "run", "--use-api-socket", "alpine"],
            {
                "Image": "alpine",
                "HostConfig": {"Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock"}]},
            },
        ),
        # volume-opt fields in any order, o= holding several options
        (
            [
                "docker",
                "run",
                "--mount",
                'type=volume,dst=/x,volume-opt=device=/,"volume-opt=o=ro,bind"',
                "alpine",
            ],
            {
                "Image": "alpine",
                "HostConfig": {
                    "Mounts": [
                        {
                            "Type": "volume",
                            "Target": "/x",
                            "VolumeOptions": {
                                "DriverConfig": {"Options": {"device": "/", "o": "ro,bind"}}
                            },
                        }
                    ]
                },
            },
        ),
    ],
    ids=["use-api-socket", "volume-opt-order"],
)
def test_run_and_its_own_create_stay_one_launch(
    tmp_path: Path, argv: list[str], form: dict[str, Any]
) -> None:
    """The CLI's row must hold the mount its create holds, or the create stands alone."""
    files = {"web-2/audit/audit.log": _bob_runs(argv)["web-2/audit/audit.log"]}
    files["web-2/docker.log"] = _dockerd_create(form, at=T0 + 0.2)
    found = _findings(tmp_path, files, "docker.sensitive_mount")
    assert _actors(found) == ["bob"]


def test_volumes_from_a_name_made_again_without_the_socket(tmp_path: Path) -> None:
    """agent was created with the socket, then made again (as compose does) with nothing
    mounted: bob's later --volumes-from agent gets nothing. The harmless create is no
    container start, so the old agent's mounts were read."""
    with_socket = {"Image": "ci", "HostConfig": {"Binds": ["/run/docker.sock:/run/docker.sock"]}}
    log = _dockerd_create(with_socket, at=T0 - 120).replace("?name=pwn", "?name=agent")
    log += _dockerd_create({"Image": "ci", "HostConfig": {}}, at=T0 - 60).replace(
        "?name=pwn", "?name=agent"
    )
    log += _dockerd_create({"Image": "docker:cli", "HostConfig": {"VolumesFrom": ["agent"]}})
    found = _findings(tmp_path, {"web-2/docker.log": log}, "docker.sensitive_mount")
    assert [f["start_time"] for f in found] == [datetime.fromtimestamp(T0 - 120, UTC)]


def test_volumes_from_reads_the_container_s_launch_not_an_exec_in_it(tmp_path: Path) -> None:
    """An exec in agent (no image, no mounts) between agent's launch and bob's
    --volumes-from hid the socket agent shares."""
    audit = (
        _alice_s_agent()
        .execve(["docker", "exec", "agent", "true"], t=T0 - 30, uid=BOB)
        .execve(["docker", "run", "--volumes-from", "agent", "docker:cli"], uid=BOB)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert sorted(_actors(found)) == ["alice", "bob"]


def test_volumes_from_a_container_that_took_the_socket_from_another(tmp_path: Path) -> None:
    """docker copies the mounts a container took `--volumes-from` into its own: bob's
    `mid` takes the agent's socket, and his next run takes mid's. Only one level of
    --volumes-from was followed, so the second run hid the socket behind mid."""
    audit = (
        _alice_s_agent()
        .execve(
            ["docker", "run", "-d", "--name", "mid", "--volumes-from", "agent", "alpine"],
            t=T0 - 30,
            uid=BOB,
        )
        .execve(["docker", "run", "--volumes-from", "mid", "docker:cli", "docker", "ps"], uid=BOB)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert sorted(_actors(found)) == ["alice", "bob", "bob"]


def test_api_volumes_from_a_chain_of_containers(tmp_path: Path) -> None:
    """The same chain over the API: mid takes the agent's volumes, pwn takes mid's."""
    agent = {"Image": "ci", "HostConfig": {"Binds": ["/run/docker.sock:/run/docker.sock"]}}
    mid = {"Image": "alpine", "HostConfig": {"VolumesFrom": ["agent"]}}
    log = _dockerd_create(agent, at=T0 - 60).replace("?name=pwn", "?name=agent")
    log += _dockerd_create(mid, at=T0 - 30).replace("?name=pwn", "?name=mid")
    log += _dockerd_create({"Image": "docker:cli", "HostConfig": {"VolumesFrom": ["mid:ro"]}})
    found = _findings(tmp_path, {"web-2/docker.log": log}, "docker.sensitive_mount")
    assert len(found) == 3


def test_volumes_from_a_container_with_a_volume_bound_to_host_root(tmp_path: Path) -> None:
    """keeper mounts the named volume hostroot (a bind of /); `--volumes-from keeper`
    takes that mount too. Only keeper's own paths were followed, not its volumes."""
    volume = ["docker", "volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=/"]
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve([*volume, "hostroot"], t=T0 - 60, uid=BOB)
        .execve(
            ["docker", "run", "-d", "--name", "keeper", "-v", "hostroot:/h", "alpine"],
            t=T0 - 30,
            uid=BOB,
        )
        .execve(["docker", "run", "--volumes-from", "keeper", "alpine", "ls", "/h"], uid=BOB)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert len(found) == 2


def test_containers_taking_volumes_from_each_other_end(tmp_path: Path) -> None:
    """Log lines are attacker-controlled: two containers naming each other in
    --volumes-from (which docker refuses) must not make the chain loop forever."""
    a = {"Image": "alpine", "HostConfig": {"VolumesFrom": ["b"], "Binds": ["/:/host"]}}
    b = {"Image": "alpine", "HostConfig": {"VolumesFrom": ["a"]}}
    log = _dockerd_create(b, at=T0 - 60).replace("?name=pwn", "?name=b")
    log += _dockerd_create(a, at=T0 - 30).replace("?name=pwn", "?name=a")
    log += _dockerd_create(b, at=T0).replace("?name=pwn", "?name=b")
    found = _findings(tmp_path, {"web-2/docker.log": log}, "docker.sensitive_mount")
    assert len(found) == 2


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # pflag takes `-o=k=v` as `-o k=v`
        (
            ["docker", "volume", "create", "-o=type=none", "-o=o=bind", "-o=device=/", "data"],
            ["bob"],
        ),
        # the run mounts no socket
        (["docker", "run", "--use-api-socket=false", "alpine"], []),
    ],
    ids=["volume-opt-equals", "use-api-socket-false"],
)
def test_pflag_value_forms(tmp_path: Path, argv: list[str], expected: list[str]) -> None:
    audit = AuditLog().login(BOB, "bob").execve(argv, t=T0 - 30, uid=BOB)
    audit.execve(["docker", "run", "-v", "data:/x", "alpine"], uid=BOB)
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert _actors(found) == expected


def test_volume_removed_is_no_longer_bound(tmp_path: Path) -> None:
    """Bob's bound volume `data` was removed; alice's later `-v data:/x` makes a plain one."""
    bound = [
        "docker",
        "volume",
        "create",
        "-o",
        "type=none",
        "-o",
        "o=bind",
        "-o",
        "device=/",
        "data",
    ]
    audit = (
        AuditLog()
        .login(ALICE, "alice")
        .login(BOB, "bob")
        .execve(bound, t=T0 - 60, uid=BOB)
        .execve(["docker", "volume", "rm", "data"], t=T0 - 30, uid=BOB)
        .execve(["docker", "run", "-v", "data:/x", "alpine"], auid=ALICE, uid=ALICE)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert found == []


def test_api_volume_removed_is_no_longer_bound(tmp_path: Path) -> None:
    """The same through the API: DELETE /volumes/data between the bound create and the run."""
    when, removed = (
        datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") for t in (T0 - 30, T0 - 10)
    )
    form = {"Name": "data", "DriverOpts": {"o": "bind", "device": "/"}}
    body = json.dumps(json.dumps(form))[1:-1]
    log = (
        f'time="{when}000Z" level=debug msg="Calling POST /v1.43/volumes/create"\n'
        f'time="{when}500Z" level=debug msg="form data: {body}"\n'
        f'time="{removed}000Z" level=debug msg="Calling DELETE /v1.43/volumes/data"\n'
    )
    log += _dockerd_create({"Image": "alpine", "HostConfig": {"Binds": ["data:/x"]}})
    found = _findings(tmp_path, {"web-2/docker.log": log}, "docker.sensitive_mount")
    assert found == []


def test_relative_bind_source_is_resolved_by_the_cli(tmp_path: Path) -> None:
    """docker >= 23 makes `-v ./x:/y` absolute from the cwd (/home/bob/../.. is /); the view drops it as a volume name."""
    found = _findings(
        tmp_path,
        _bob_runs(["docker", "run", "-v", "./../..:/host", "alpine"]),
        "docker.sensitive_mount",
    )
    assert _actors(found) == ["bob"]


def test_mount_fields_quoted_as_csv(tmp_path: Path) -> None:
    """docker reads --mount as one CSV record: `"type=bind","src=/"` is a bind of /, the regex needs a bare `type=bind`."""
    argv = ["docker", "run", "--mount", '"type=bind","source=/",target=/host', "alpine"]
    found = _findings(tmp_path, _bob_runs_hex(argv), "docker.sensitive_mount")
    assert _actors(found) == ["bob"]


# -- dockerd API bodies -------------------------------------------------------------------


@pytest.mark.parametrize("source", ["/tmp/..", "//"], ids=["dot-dot", "double-slash"])
def test_api_bind_source_is_cleaned_like_the_cli_one(tmp_path: Path, source: str) -> None:
    """dockerd path.Clean()s a Binds source; clean_path serves CLI mounts only: `/tmp/..` is missed, `//` becomes '' (matched only by accident)."""
    form = {"Image": "alpine", "HostConfig": {"Binds": [f"{source}:/host"]}}
    found = _findings(
        tmp_path, {"web-2/docker.log": _dockerd_create(form)}, "docker.sensitive_mount"
    )
    assert len(found) == 1
    assert found[0]["file_path"] == "/"


def test_api_key_folded_by_go_unicode_rules(tmp_path: Path) -> None:
    """Go's JSON key fold maps U+017F (long s) to S: `Ho\u017ftConfig` is HostConfig to dockerd, str.lower() disagrees."""
    form = {"Image": "alpine", "Ho\u017ftConfig": {"Privileged": True}}
    found = _findings(
        tmp_path, {"web-2/docker.log": _dockerd_create(form)}, "docker.privileged_container"
    )
    assert len(found) == 1


def test_api_host_config_given_twice_is_merged(tmp_path: Path) -> None:
    """HostConfig is a pointer: Go decodes a second `hostconfig` into the same struct (merge); _field keeps the last only."""
    form = {"Image": "alpine", "HostConfig": {"Privileged": True}, "hostconfig": {"Binds": []}}
    found = _findings(
        tmp_path, {"web-2/docker.log": _dockerd_create(form)}, "docker.privileged_container"
    )
    assert len(found) == 1


# -- audit tampering ----------------------------------------------------------------------


def test_suppression_rule_with_attached_value(tmp_path: Path) -> None:
    """auditctl uses getopt: `-anever,exit` is `-a never,exit`; the check looks at the next word only."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["/usr/sbin/auditctl", "-anever,exit", "-F", "auid=1003"])
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert _actors(found) == ["bob"]


def test_pkill_by_pattern(tmp_path: Path) -> None:
    """pkill matches a regex against process names: `pkill -9 audit` kills auditd without naming it."""
    audit = AuditLog().login(BOB, "bob").execve(["pkill", "-9", "audit"])
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert _actors(found) == ["bob"]


@pytest.mark.parametrize(
    "argv",
    [["pkill", "-HUP", "auditd"], ["killall", "-USR1", "auditd"], ["pkill", "-0", "auditd"]],
    ids=["reload-config", "rotate-logs", "is-it-alive"],
)
def test_signals_that_do_not_stop_auditd(tmp_path: Path, argv: list[str]) -> None:
    """SIGHUP reloads auditd's config, SIGUSR1 rotates its logs, signal 0 only probes: no tampering."""
    audit = AuditLog().login(BOB, "bob").execve(argv)
    assert _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering") == []


@pytest.mark.parametrize(
    "argv",
    [
        ["pkill", "-9", "^auditd"],
        ["pkill", "-9", "-F", "/run/auditd.pid"],
        ["killall", "-9", "-r", "^audit"],
        ["systemctl", "kill", "-s", "KILL", "audit*"],
        ["auditctl", "-e0"],
        ["pkill", "-i", "AUDITD"],
        ["pkill", "-ix", "AUDITD"],
        ["killall", "-I", "AUDITD"],
        # patterns and globs without the word
        ["pkill", "-9", "a.ditd"],
        ["systemctl", "stop", "a*d.service"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_auditd_stopped_by_pattern_pid_file_or_glob(tmp_path: Path, argv: list[str]) -> None:
    """pkill's regular expression, its pid file, killall -r and systemctl's unit globs
    reach auditd as surely as its name; SIGKILL leaves no record of it."""
    audit = AuditLog().login(BOB, "bob").execve(argv)
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert _actors(found) == ["bob"]


@pytest.mark.parametrize(
    "argv",
    [
        ["pkill", "-9", "("],
        ["killall", "-r", "^ssh"],
        # -x: the whole name; `audit` is not auditd
        ["pkill", "-x", "audit"],
        # HUP reloads auditd
        ["systemctl", "kill", "-s", "HUP", "auditd"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_patterns_that_do_not_reach_auditd(tmp_path: Path, argv: list[str]) -> None:
    """An invalid expression matches nothing (and does not fail the query); ^ssh is no auditd."""
    audit = AuditLog().login(BOB, "bob").execve(argv)
    assert _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering") == []


def test_auditd_killed_by_pid_is_told_by_systemd(tmp_path: Path) -> None:
    """`kill -9 <auditd's pid>` names no auditd; systemd's line after it does."""
    audit = AuditLog().login(BOB, "bob").execve(["kill", "-9", "4011"])
    files = {"web-2/audit/audit.log": audit.text(), "web-2/syslog": SYSTEMD_KILLED_AUDITD}
    found = _findings(tmp_path, files, "audit.tampering")
    assert [f["message"] for f in found] == ["auditd killed (status=9/KILL)"]


def test_exclude_rule_loaded_from_a_file(tmp_path: Path) -> None:
    """`auditctl -R /tmp/x.rules` names no rule; the kernel's CONFIG_CHANGE of a rule on
    the exclude list (5) does."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["auditctl", "-R", "/tmp/x.rules"])
        .record(
            "CONFIG_CHANGE", f"auid={BOB} ses=9 subj=unconfined op=add_rule key=(null) list=5 res=1"
        )
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "audit.tampering")
    assert [(f["actor_user_name"], f["message"]) for f in found] == [
        ("bob", "audit exclude rule added")
    ]


# -- docker group changes -----------------------------------------------------------------


def test_last_primary_group_option_wins(tmp_path: Path) -> None:
    """usermod takes the last -g (getopt); option_value takes the first, so `-g users -g docker` is read as users."""
    audit = AuditLog().login(BOB, "bob").execve(["usermod", "-g", "users", "-g", "docker", "eve"])
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.group_change")
    assert [(f["actor_user_name"], f["user_name"]) for f in found] == [("bob", "eve")]


@pytest.mark.parametrize(
    "argv",
    [
        # getopt permutes: options after the login, and the login before the options
        ["usermod", "-aG", "docker", "eve", "-c", "alice"],
        ["usermod", "eve", "-aG", "docker"],
        ["useradd", "-l", "eve", "-G", "docker"],
        # gpasswd's user attached to its option, or the group first
        ["gpasswd", "-aeve", "docker"],
        ["gpasswd", "--add=eve", "docker"],
        ["gpasswd", "docker", "-a", "eve"],
        # adduser's options with values (--gecos x) are no operands
        ["adduser", "--gecos", "x", "eve", "docker"],
        ["groupmod", "docker", "-aU", "eve"],
        ["usermod", "-aG", "docker", "--", "eve"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_account_tool_argv_read_as_getopt_does(tmp_path: Path, argv: list[str]) -> None:
    """The login was read by position (`args[n]`): `usermod -aG docker eve -c alice` changed
    alice, an allowed member, and `gpasswd -aeve docker` no one."""
    audit = AuditLog().login(BOB, "bob").execve(argv)
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.group_change")
    assert [(f["actor_user_name"], f["user_name"]) for f in found] == [("bob", "eve")]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["usermod", "-rG", "docker", "eve"], "eve removed from the docker group"),
        (["usermod", "--app", "--gro", "docker", "eve"], "eve added to the docker group"),
        (["adduser", "eve", "--ingroup", "docker"], "eve added to the docker group"),
        (["adduser", "--ingroup", "docker", "eve"], "eve added to the docker group"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_account_tool_flags_clustered_abbreviated_or_valued(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    """-r in a cluster removes; getopt_long takes --app for --append; adduser --ingroup
    names the new user's primary group."""
    audit = AuditLog().login(BOB, "bob").execve(argv)
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.group_change")
    assert [f["message"] for f in found] == [f"{message}, not in allowed_group_members"]


def test_sudo_logged_command_with_a_value_holding_a_space(tmp_path: Path) -> None:
    """sudo joins argv with spaces: `-c 'Eve Smith'` reads as two words, the login last."""
    auth = (
        "Nov 27 02:18:02 web-2 sudo:      bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; "
        "COMMAND=/usr/sbin/usermod -c Eve Smith -aG docker eve\n"
    )
    found = _findings(tmp_path, {"web-2/auth.log": auth}, "docker.group_change")
    assert [(f["actor_user_name"], f["user_name"]) for f in found] == [("bob", "eve")]


def test_group_file_written_by_a_copy_named_like_an_account_tool(tmp_path: Path) -> None:
    """/tmp/gpasswd (a copy of python) writing /etc/group passed as the account tool."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["/tmp/gpasswd", "-c", "open('/etc/group', 'a').write('docker:x:999:eve')"])
        .event(_writes("/etc/group", "/tmp/gpasswd"), t=T0 + 1)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.group_change")
    assert [(f["actor_user_name"], f["file_path"]) for f in found] == [("bob", "/etc/group")]


def _writes(path: str, exe: str) -> list[tuple[str, str]]:
    """The records of an open of `path` for writing by `exe` (bob, as root)."""
    directory = path.rsplit("/", 1)[0] + "/"
    return [
        ("SYSCALL", syscall(257, 2, BOB, 0, 2300, exe, "identity")),
        ("CWD", 'cwd="/root"'),
        ("PATH", f'item=0 name="{directory}" inode=2 dev=08:01 mode=040755 nametype=PARENT'),
        ("PATH", f'item=1 name="{path}" inode=5501 dev=08:01 mode=0100644 nametype=NORMAL'),
    ]


@pytest.mark.parametrize(
    ("exe", "expected"), [("/usr/bin/sed", [("bob", "/etc/passwd")]), ("/usr/bin/chsh", [])]
)
def test_primary_group_set_by_editing_passwd(
    tmp_path: Path, exe: str, expected: list[tuple[str, str]]
) -> None:
    """`sed -i 's/^eve:x:1007:1007:/eve:x:1007:999:/' /etc/passwd` makes docker eve's
    primary group; chsh rewrites /etc/passwd for a shell, as an account tool."""
    audit = AuditLog().login(BOB, "bob").event(_writes("/etc/passwd", exe), t=T0 + 1)
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.group_change")
    assert [(f["actor_user_name"], f["file_path"]) for f in found] == expected


def test_group_created_with_docker_s_id_is_docker(tmp_path: Path) -> None:
    """`groupadd -o -g 999 dockr; usermod -aG dockr eve` gives eve docker's rights."""
    audit = AuditLog().login(BOB, "bob").execve(["usermod", "-aG", "dockr", "eve"])
    syslog = (
        "Nov 27 01:00:00 web-2 groupadd[311]: new group: name=docker, GID=999\n"
        "Nov 27 02:17:57 web-2 groupadd[2290]: new group: name=dockr, GID=999\n"
    )
    files = {"web-2/audit/audit.log": audit.text(), "web-2/auth.log": syslog}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [f["message"] for f in found] == [
        "eve added to the docker group (as dockr, which has its id), not in allowed_group_members"
    ]


GROUP_ID_REUSED = (
    "Nov 27 01:00:00 web-2 groupadd[311]: new group: name=docker, GID=999\n"
    "Nov 27 02:19:00 web-2 groupdel[400]: group 'docker' removed\n"
    "Nov 27 02:20:00 web-2 groupadd[401]: new group: name=builders, GID=999\n"
)
# dockr shares docker's 999 from 01:10 until it is deleted and made again with 1500
ALIAS_REMADE = GROUP_ID_REUSED + (
    "Nov 27 01:10:00 web-2 groupadd[312]: new group: name=dockr, GID=999\n"
    "Nov 27 02:19:10 web-2 groupdel[402]: group 'dockr' removed\n"
    "Nov 27 02:19:20 web-2 groupadd[403]: new group: name=dockr, GID=1500\n"
)


@pytest.mark.parametrize(
    ("argv", "at", "syslog", "expected"),
    [
        # 999 was docker's when usermod ran; it went to builders later
        (["usermod", "-aG", "999", "eve"], T0, GROUP_ID_REUSED, ["eve added to the docker group"]),
        # builders got 999 after docker was deleted: no alias of docker
        (["usermod", "-aG", "builders", "eve"], T0 + 300, GROUP_ID_REUSED, []),
        (["usermod", "-aG", "dockr", "eve"], T0 + 300, ALIAS_REMADE, []),
        (
            ["usermod", "-aG", "dockr", "eve"],
            T0,
            ALIAS_REMADE,
            ["eve added to the docker group (as dockr, which has its id)"],
        ),
    ],
    ids=[
        "named-as-then",
        "reused-id-is-no-alias",
        "alias-remade-with-another-id",
        "alias-while-it-was",
    ],
)
def test_group_id_given_to_another_group_after_docker_is_deleted(
    tmp_path: Path, argv: list[str], at: float, syslog: str, expected: list[str]
) -> None:
    audit = AuditLog().login(BOB, "bob").execve(argv, t=at)
    files = {"web-2/audit/audit.log": audit.text(), "web-2/auth.log": syslog}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [f["message"] for f in found] == [f"{m}, not in allowed_group_members" for m in expected]


def test_adduser_gid_by_number(tmp_path: Path) -> None:
    """`adduser --gid 999 eve` makes docker (999) eve's primary group."""
    audit = AuditLog().login(BOB, "bob").execve(["adduser", "--gid", "999", "eve"])
    syslog = "Nov 27 01:00:00 web-2 groupadd[311]: new group: name=docker, GID=999\n"
    files = {"web-2/audit/audit.log": audit.text(), "web-2/auth.log": syslog}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [(f["actor_user_name"], f["user_name"]) for f in found] == [("bob", "eve")]


def test_emptying_the_docker_group_is_not_an_addition(tmp_path: Path) -> None:
    """`gpasswd -M '' docker` removes every member; string_split('', ',') yields user '' "added to the docker group"."""
    audit = AuditLog().login(BOB, "bob").execve(["gpasswd", "-M", "", "docker"])
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.group_change")
    assert [f["user_name"] for f in found if f["user_name"] is not None] != [""]
    assert not any("added to" in f["message"] for f in found)


def _socket_path(host: str, gid: int, group: str) -> dict[str, str]:
    """An ENRICHED PATH record of the Docker socket: auditd names its group beside the id."""
    body = (
        f'item=0 name="/run/docker.sock" inode=1127 dev=00:19 mode=0140660 ouid=0 ogid={gid} '
        f'rdev=00:00 nametype=NORMAL\x1dOUID="root" OGID="{group}"'
    )
    return {f"{host}/audit/socket.log": AuditLog().record("PATH", body, t=T0 - 100).text()}


ADD_GROUP = (
    'pid=311 uid=0 auid=0 ses=1 subj=unconfined msg=\'op=add-group id=999 grp="docker" '
    'exe="/usr/sbin/groupadd" hostname=? addr=? terminal=? res=success\''
)


@pytest.mark.parametrize(
    ("group_logs", "expected"),
    [
        (_socket_path("web-2", 999, "docker"), [("bob", "eve")]),
        (
            {
                "web-2/auth.log": "Nov 27 01:00:00 web-2 groupadd[311]: new group: name=docker, GID=999\n"
            },
            [("bob", "eve")],
        ),
        (
            {
                "web-2/audit/groupadd.log": AuditLog()
                .record("ADD_GROUP", ADD_GROUP, T0 - 100)
                .text()
            },
            [("bob", "eve")],
        ),
        # 999 is another group here: no docker change
        (_socket_path("web-2", 999, "devs"), []),
        # docker's gid on another host says nothing of this one
        (_socket_path("web-3", 999, "docker"), []),
    ],
    ids=["enriched-record", "groupadd-line", "add-group-record", "another-group", "another-host"],
)
def test_docker_group_named_by_its_number(
    tmp_path: Path, group_logs: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    """`usermod -aG 999 eve` adds eve to docker where 999 is docker's gid, as the host's logs tell."""
    audit = AuditLog().login(BOB, "bob").execve(["usermod", "-aG", "999", "eve"])
    files = {"web-2/audit/audit.log": audit.text(), **group_logs}
    found = _findings(tmp_path, files, "docker.group_change")
    assert [(f["actor_user_name"], f["user_name"]) for f in found] == expected


# -- password guessing ------------------------------------------------------------------


def _failures(addresses: list[str], user: str = "root") -> str:
    """sshd's auth.log lines of failed passwords from `addresses`, one a second."""
    return "".join(
        f"Nov 27 02:{10 + i // 60:02d}:{i % 60:02d} web-2 sshd[{4000 + i}]: Failed password "
        f"for {user} from {address} port {50000 + i} ssh2\n"
        for i, address in enumerate(addresses)
    )


def test_guessing_from_addresses_rotated_within_one_ipv6_network(tmp_path: Path) -> None:
    """A client holds a whole /64 (SLAAC, privacy addresses, a cloud VM's block) and can
    send each guess from another address of it: counted per address, no burst reaches
    the threshold. The burst is counted against the /64, and named by it."""
    addresses = [f"2001:db8:1:2::{i + 1:x}" for i in range(12)]
    found = _findings(tmp_path, {"web-2/auth.log": _failures(addresses)}, "login.brute_force")
    assert [(f["src_endpoint_ip"], f["message"]) for f in found] == [
        ("2001:db8:1:2::/64", "12 failed logins from 2001:db8:1:2::/64 (no success followed)")
    ]


def test_success_from_another_address_of_the_network_ends_the_burst(tmp_path: Path) -> None:
    addresses = [f"2001:db8:1:2:aaaa::{i + 1:x}" for i in range(12)]
    success = (
        "Nov 27 02:10:30 web-2 sshd[4100]: Accepted password for root from "
        "2001:db8:1:2:bbbb::1 port 51000 ssh2\n"
    )
    found = _findings(
        tmp_path, {"web-2/auth.log": _failures(addresses) + success}, "login.brute_force"
    )
    assert [(f["src_endpoint_ip"], f["actor_user_name"]) for f in found] == [
        ("2001:db8:1:2::/64", "root")
    ]


@pytest.mark.parametrize(
    ("addresses", "source"),
    [
        (["2001:db8:1:2::7"] * 12, "2001:db8:1:2::7"),  # one address: named as before
        (["203.0.113.9"] * 12, "203.0.113.9"),
        ([f"2001:db8::{i + 1:x}" for i in range(12)], "2001:db8::/64"),  # zeros compressed
    ],
    ids=["one-ipv6-address", "ipv4", "network-with-zero-groups"],
)
def test_burst_source_names(tmp_path: Path, addresses: list[str], source: str) -> None:
    found = _findings(tmp_path, {"web-2/auth.log": _failures(addresses)}, "login.brute_force")
    assert [f["src_endpoint_ip"] for f in found] == [source]


def test_neighbouring_ipv6_networks_are_separate_sources(tmp_path: Path) -> None:
    addresses = [f"2001:db8:1:{2 + i % 2}::1" for i in range(12)]  # 6 from each /64
    assert _findings(tmp_path, {"web-2/auth.log": _failures(addresses)}, "login.brute_force") == []


def _journal(ident: str, message: str, uid: int, exe: str, at: float = T0) -> str:
    """A journald JSON entry: `ident` as the sender gave it, _UID/_EXE as journald saw it."""
    return (
        json.dumps(
            {
                "__REALTIME_TIMESTAMP": str(int(at * 1_000_000)),
                "_HOSTNAME": "web-2",
                "_TRANSPORT": "syslog",
                "SYSLOG_IDENTIFIER": ident,
                "SYSLOG_PID": "812",
                "_PID": "4242",
                "_UID": str(uid),
                "_EXE": exe,
                "_COMM": exe.rsplit("/", 1)[-1],
                "MESSAGE": message,
            }
        )
        + "\n"
    )


@pytest.mark.parametrize(
    ("ident", "message", "detection"),
    [
        (
            "sshd",
            "Accepted password for carol from 203.0.113.9 port 50122 ssh2",
            "login.user_not_allowed",
        ),
        (
            "sudo",
            "alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/auditctl -D",
            "audit.tampering",
        ),
        (
            "systemd",
            "auditd.service: Main process exited, code=killed, status=9/KILL",
            "audit.tampering",
        ),
        ("usermod", "add 'carol' to group 'docker'", "docker.group_change"),
    ],
    ids=["login", "sudo", "systemd", "usermod"],
)
def test_journal_messages_a_user_sent_in_a_program_s_name_are_no_finding(
    tmp_path: Path, ident: str, message: str, detection: str
) -> None:
    """`logger -t sshd "Accepted password for carol ..."` by bob made a login of carol (or
    a sudo command of alice's, auditd killed, carol put in the docker group): findings
    at will, naming whoever bob chose. journald says bob's logger sent them."""
    forged = _journal(ident, message, BOB, "/usr/bin/logger")
    assert _findings(tmp_path / "forged", {"web-2/journal.json": forged}, detection) == []
    # sent by the program itself (root), the same message is a finding
    real = _journal(ident, message, 0, f"/usr/sbin/{ident}")
    assert len(_findings(tmp_path / "real", {"web-2/journal.json": real}, detection)) == 1


def _ci_key_offers(connections: int) -> str:
    """A CI job's ssh agent offers three keys the server refuses, then the right one
    (sshd at LogLevel VERBOSE logs each refused key as `Failed publickey`)."""
    lines = []
    for c in range(connections):
        t = f"2026-11-27T03:{2 * c:02d}:00"
        pid, port = 4100 + c, 40100 + c
        for i, key in enumerate(
            ("RSA SHA256:4bcQ0M6S", "ECDSA SHA256:0eFfR2X6", "ED25519 SHA256:7Hq2cN4b")
        ):
            lines.append(
                f"{t}.{100 + i:06d}+00:00 web-1 sshd[{pid}]: Failed publickey for deploy "
                f"from 10.0.0.5 port {port} ssh2: {key}"
            )
        lines.append(
            f"{t}.200000+00:00 web-1 sshd[{pid}]: Accepted publickey for deploy from 10.0.0.5 "
            f"port {port} ssh2: ED25519 SHA256:q3Xy1cO0"
        )
    return "\n".join(lines) + "\n"


def test_keys_an_agent_offers_in_turn_are_no_password_guessing(tmp_path: Path) -> None:
    """Four CI logins, each after three refused keys, were "12 failed logins from
    10.0.0.5, then a successful login as deploy": a high-severity break-in of an allowed
    user's key login. No password was guessed (fail2ban ignores these lines too)."""
    files = {"web-1/auth.log": _ci_key_offers(4)}
    assert _findings(tmp_path, files, "login.brute_force") == []


def test_password_guessing_through_the_web_console(tmp_path: Path) -> None:
    """Cockpit's logins (PAM service cockpit, cockpit-session) had no logon type, so
    twelve failures from the internet and the root login after them were no finding."""
    failures = "".join(
        f"Nov 27 02:18:{i:02d} web-1 cockpit-session[{3000 + i}]: pam_unix(cockpit:auth): "
        f"authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=203.0.113.5  "
        f"user=root\n"
        for i in range(12)
    )
    success = (
        "type=USER_AUTH msg=audit(1795745910.100:700): pid=3100 uid=0 auid=4294967295 "
        "ses=4294967295 subj=unconfined msg='op=PAM:authentication grantors=pam_unix "
        'acct="root" exe="/usr/libexec/cockpit-session" hostname=203.0.113.5 '
        "addr=203.0.113.5 terminal=? res=success'\n"
    )
    files = {"web-1/auth.log": failures, "web-1/audit/audit.log": success}
    [burst] = _findings(tmp_path / "burst", files, "login.brute_force")
    assert burst["message"] == "12 failed logins from 203.0.113.5, then a successful login as root"
    assert len(_findings(tmp_path / "outside", files, "login.untrusted_network")) == 1


def _keyboard_interactive_guesses(n: int, failed_lines: bool = False) -> str:
    """n connections of one keyboard-interactive guess each, then a success. sshd at
    LogLevel INFO logs no `Failed keyboard-interactive/pam` line for the first guesses:
    each leaves pam_unix's failure and sshd's `error: PAM: Authentication failure`."""
    lines = []
    for c in range(n):
        t = f"02:{10 + c * 20 // 60:02d}:{c * 20 % 60:02d}"
        pid = 5000 + c
        lines += [
            f"Nov 27 {t} web-2 sshd[{pid}]: pam_unix(sshd:auth): authentication failure; "
            "logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=alice",
            f"Nov 27 {t} web-2 sshd[{pid}]: error: PAM: Authentication failure for alice "
            "from 203.0.113.5",
        ]
        if failed_lines:  # LogLevel VERBOSE, or from failure MaxAuthTries/2 on
            lines.append(
                f"Nov 27 {t} web-2 sshd[{pid}]: Failed keyboard-interactive/pam for alice "
                f"from 203.0.113.5 port {41000 + c} ssh2"
            )
    t = f"02:{10 + n * 20 // 60:02d}:{n * 20 % 60:02d}"
    lines.append(
        f"Nov 27 {t} web-2 sshd[6000]: Accepted keyboard-interactive/pam for alice from "
        "203.0.113.5 port 42000 ssh2"
    )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("guesses", "expected"),
    [(5, []), (12, ["12 failed logins from 203.0.113.5, then a successful login as alice"])],
)
@pytest.mark.parametrize("failed_lines", [False, True], ids=["info", "verbose"])
def test_a_keyboard_interactive_guess_counts_once(
    tmp_path: Path, guesses: int, expected: list[str], failed_lines: bool
) -> None:
    """pam_unix's line and sshd's `error: PAM:` line of one guess were two failures:
    five mistyped one-time passwords reached the threshold of ten. With sshd's own
    `Failed keyboard-interactive/pam` line too, that line stands for the guess."""
    files = {"web-2/auth.log": _keyboard_interactive_guesses(guesses, failed_lines)}
    found = _findings(tmp_path, files, "login.brute_force")
    assert [f["message"] for f in found] == expected


LOGIN_TESTS = Path(__file__).parents[2] / "queries/detections/login/tests"


def _as_journal(audit_text: str) -> str:
    """audit.log's records as journald also gets them (systemd-journald-audit.socket)."""
    entries = []
    for line in audit_text.splitlines():
        m = re.match(r"type=(\w+) msg=audit\((\d+)\.(\d+):(\d+)\): (.*)$", line)
        assert m is not None
        name, seconds, millis, serial, body = m.groups()
        micros = int(seconds) * 1_000_000 + int(millis) * 1000
        entry = {
            "__REALTIME_TIMESTAMP": str(micros + 50),
            "_HOSTNAME": "web-2",
            "SYSLOG_IDENTIFIER": "audit",
            "_TRANSPORT": "audit",
            "_AUDIT_ID": serial,
            "_SOURCE_REALTIME_TIMESTAMP": str(micros),
            "_AUDIT_TYPE_NAME": name,
            "MESSAGE": f"{name} {body}",
        }
        entries.append(json.dumps(entry))
    return "\n".join(entries) + "\n"


def test_audit_records_read_from_audit_log_and_the_journal_count_once(tmp_path: Path) -> None:
    """journald reads the kernel's audit records too: with both audit.log and the
    journal shipped, every failed login was two, and "12 failed logins" became 24."""
    sample = LOGIN_TESTS / "bob_password_login/web-2/audit/audit.log"
    audit = sample.read_text()
    files = {"web-2/audit/audit.log": audit, "web-2/journal/journal.json": _as_journal(audit)}
    found = _findings(tmp_path, files, "login.brute_force")
    assert [f["message"] for f in found] == [
        "12 failed logins from 203.0.113.50, then a successful login as bob"
    ]


def test_a_sudo_line_forged_before_the_real_command_does_not_take_its_actor(
    tmp_path: Path,
) -> None:
    """bob writes `logger -t sudo "alice : ... COMMAND=/usr/sbin/auditctl -D"` to auth.log,
    then runs `auditctl -D`. Both fell in one incident, whose actor was its first: alice,
    with bob's name nowhere. What the kernel recorded comes first."""
    forged = (
        "Nov 27 02:18:01 web-2 sudo:    alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; "
        "COMMAND=/usr/sbin/auditctl -D\n"
    )
    audit = AuditLog().login(BOB, "bob").execve(["auditctl", "-D"], uid=0)
    files = {"web-2/auth.log": forged, "web-2/audit/audit.log": audit.text()}
    [found] = _findings(tmp_path, files, "audit.tampering")
    assert (found["actor_user_name"], found["actor_user_uid"]) == ("bob", BOB)


def _raw_key_login(uid: int, name: str, ip: str) -> str:
    """A key login as RAW auditd alone records it: no USER_AUTH (PAM checks no key), and
    sshd's USER_LOGIN names the account by its uid (`id=`)."""
    t = 1795745621.258
    return (
        f"type=USER_ACCT msg=audit({t:.3f}:526): pid=1767 uid=0 auid=4294967295 "
        "ses=4294967295 subj=unconfined msg='op=PAM:accounting grantors=pam_unix "
        f'acct="{name}" exe="/usr/sbin/sshd" hostname={ip} addr={ip} terminal=ssh res=success\'\n'
        f"type=USER_LOGIN msg=audit({t + 0.05:.3f}:530): pid=1767 uid=0 auid={uid} ses=12 "
        f'subj=unconfined msg=\'op=login id={uid} exe="/usr/sbin/sshd" hostname={ip} addr={ip} '
        "terminal=/dev/pts/0 res=success'\n"
    )


def test_root_login_auditd_names_by_uid_only(tmp_path: Path) -> None:
    """Only auditd saw root's key login, in RAW form: `USER_LOGIN ... id=0` named no
    user, so login.root (which compared names) said nothing."""
    files = {"web-1/audit/audit.log": _raw_key_login(0, "root", "198.51.100.7")}
    [found] = _findings(tmp_path, files, "login.root")
    assert found["message"] == "direct root login from 198.51.100.7"


def test_login_as_an_account_given_root_s_uid(tmp_path: Path) -> None:
    """`usermod -o -u 0 deploy`: deploy is root under another name. Its login was no root
    login (and deploy is allowed, its network trusted: no finding at all)."""
    auth = (
        "Nov 27 02:18:02 web-1 sshd[1767]: Accepted publickey for deploy from 10.0.0.5 port "
        "50122 ssh2: ED25519 SHA256:Xk2bO1rZ\n"
        "Nov 27 02:18:02 web-1 sshd[1767]: pam_unix(sshd:session): session opened for user "
        "deploy(uid=0) by (uid=0)\n"
    )
    [found] = _findings(tmp_path, {"web-1/auth.log": auth}, "login.root")
    assert found["message"] == "direct login as deploy, whose uid is 0, from 10.0.0.5 by publickey"
    # a line once saying so (which any user can write to syslog) does not make deploy's
    # other logins root's
    later = auth.replace("02:18:02", "03:18:02").replace("deploy(uid=0)", "deploy(uid=1001)")
    both = _findings(tmp_path / "later", {"web-1/auth.log": auth + later}, "login.root")
    assert [(f["start_time"], f["message"]) for f in both] == [
        (found["start_time"], found["message"])
    ]


@pytest.mark.parametrize(
    "again",
    [
        # ln follows the old link into the directory it points to: /tmp/r/x
        ["ln", "-sf", "/srv/x", "/tmp/r"],
        # -i asks, and takes no answer as no (the later of -f and -i wins)
        ["ln", "-sfni", "/srv", "/tmp/r"],
        ["ln", "-sfn", "-i", "/srv", "/tmp/r"],
        # no -f: "File exists"
        ["ln", "-sn", "--backup=none", "/srv", "/tmp/r"],
        # an option ln refuses: no link at all
        ["ln", "-sfnX", "/srv", "/tmp/r"],
        ["ln", "-sfn", "--bogus", "/srv", "/tmp/r"],
    ],
    ids=["follows", "fni", "fn-i", "backup-none", "bad-letter", "bad-long"],
)
def test_ln_that_does_not_replace_a_link_to_a_directory(tmp_path: Path, again: list[str]) -> None:
    """After `ln -s / /tmp/r`, none of these makes /tmp/r point elsewhere; taking the
    latest ln of a name for the link hid the mount of /."""
    audit = (
        AuditLog()
        .login(BOB, "bob")
        .execve(["ln", "-s", "/", "/tmp/r"], t=T0 - 60, uid=BOB)
        .execve(again, t=T0 - 30, uid=BOB)
        .execve(["docker", "run", "-v", "/tmp/r:/host", "alpine"], uid=BOB)
    )
    found = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert _actors(found) == ["bob"]


def test_a_forged_name_never_stands_beside_the_kernel_s_uid(tmp_path: Path) -> None:
    """The kernel recorded auid 1003 removing a rule, and no record names 1003; a forged
    sudo line names alice. Name and uid were picked apart: "alice, uid 1003"."""
    forged = (
        "Nov 27 02:18:01 web-2 sudo:    alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; "
        "COMMAND=/usr/sbin/auditctl -D\n"
    )
    change = 'auid=1003 ses=9 subj=unconfined op=remove_rule key="exec" list=4 res=1'
    audit = AuditLog().record("CONFIG_CHANGE", change, t=T0)
    files = {"web-2/auth.log": forged, "web-2/audit/audit.log": audit.text()}
    [found] = _findings(tmp_path, files, "audit.tampering")
    assert (found["actor_user_name"], found["actor_user_uid"]) == (None, BOB)


def test_method_none_is_no_guess(tmp_path: Path) -> None:
    """A client tries method `none` first to learn which methods are allowed: six
    connections of one password guess each were "12 failed logins"."""
    lines = []
    for c in range(6):
        t, pid, port = f"02:18:{c * 5:02d}", 7000 + c, 42000 + c
        for method in ("none", "password"):
            lines.append(
                f"Nov 27 {t} web-2 sshd[{pid}]: Failed {method} for invalid user admin from "
                f"203.0.113.5 port {port} ssh2"
            )
    files = {"web-2/auth.log": "\n".join(lines) + "\n"}
    assert _findings(tmp_path, files, "login.brute_force") == []


@pytest.mark.parametrize("masker", ["publickey", "none"])
def test_lines_never_counted_do_not_hide_guesses_near_them(tmp_path: Path, masker: str) -> None:
    """Three keyboard-interactive guesses per connection at LogLevel INFO (no `Failed`
    line for them), then a line with a port that brute_force does not count (a refused
    key, method none): that line stood for the guesses' `error: PAM:` lines within 5 s,
    and twelve guesses were no finding."""
    lines = []
    for c in range(4):
        pid = 5000 + c
        for g in range(3):
            t = f"02:{10 + (c * 20 + 2 * g) // 60:02d}:{(c * 20 + 2 * g) % 60:02d}"
            lines += [
                f"Nov 27 {t} web-2 sshd[{pid}]: pam_unix(sshd:auth): authentication failure; "
                "logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=alice",
                f"Nov 27 {t} web-2 sshd[{pid}]: error: PAM: Authentication failure for alice "
                "from 203.0.113.5",
            ]
        t = f"02:{10 + (c * 20 + 5) // 60:02d}:{(c * 20 + 5) % 60:02d}"
        refused = ": ED25519 SHA256:abcdefgh" if masker == "publickey" else ""
        lines.append(
            f"Nov 27 {t} web-2 sshd[{pid}]: Failed {masker} for alice from 203.0.113.5 "
            f"port {41000 + c} ssh2{refused}"
        )
    found = _findings(tmp_path, {"web-2/auth.log": "\n".join(lines) + "\n"}, "login.brute_force")
    assert [f["message"] for f in found] == [
        "12 failed logins from 203.0.113.5 (no success followed)"
    ]


@pytest.mark.parametrize("gap", [2, 3])
def test_a_connection_s_later_failed_lines_do_not_stand_for_its_earlier_guesses(
    tmp_path: Path, gap: int
) -> None:
    """Six keyboard-interactive guesses per connection, `gap` s apart (pam_unix's delay);
    at LogLevel INFO sshd logs `Failed keyboard-interactive/pam` only from the fourth
    failure on. That line stood for the earlier guesses' `error: PAM:` lines within 5 s:
    two connections, twelve guesses, were no finding or ten."""
    lines = []
    for c in range(2):
        pid, port = 5000 + c, 41000 + c
        for g in range(6):
            s = c * 60 + gap * (g + 1)
            t = f"02:{10 + s // 60:02d}:{s % 60:02d}"
            lines += [
                f"Nov 27 {t} web-2 sshd[{pid}]: pam_unix(sshd:auth): authentication failure; "
                "logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=alice",
                f"Nov 27 {t} web-2 sshd[{pid}]: error: PAM: Authentication failure for alice "
                "from 203.0.113.5",
            ]
            if g >= 3:
                lines.append(
                    f"Nov 27 {t} web-2 sshd[{pid}]: Failed keyboard-interactive/pam for alice "
                    f"from 203.0.113.5 port {port} ssh2"
                )
    found = _findings(tmp_path, {"web-2/auth.log": "\n".join(lines) + "\n"}, "login.brute_force")
    assert [f["message"] for f in found] == [
        "12 failed logins from 203.0.113.5 (no success followed)"
    ]


def test_a_link_made_again_many_times_is_the_one_it_was_made_as(tmp_path: Path) -> None:
    """Each `ln -sf` of a name is an exec any user can log: 30 of them after `ln -s /`
    must not push / out of what the link may reach (nor grow every launch's evidence
    with each of them)."""
    audit = AuditLog().login(BOB, "bob").execve(["ln", "-s", "/", "/tmp/r"], t=T0 - 100, uid=BOB)
    for i in range(30):
        audit.execve(["ln", "-sf", f"/opt/pkg{i}", "/tmp/r"], t=T0 - 60 + i, uid=BOB)
    audit.execve(["docker", "run", "-v", "/tmp/r:/host", "alpine"], uid=BOB)
    [found] = _findings(tmp_path, {"web-2/audit/audit.log": audit.text()}, "docker.sensitive_mount")
    assert found["file_path"] == "/"
    assert len(found["event_uids"]) == 1 + 1 + 7  # the run, the first ln, the 7 latest
