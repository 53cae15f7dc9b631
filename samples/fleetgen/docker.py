"""The docker CLI, dockerd (logrus, API debug lines), containerd shims, runc and container output."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from fleetgen.auditd import (
    connect_event,
    cwd_record,
    execve_record,
    path_record,
    proctitle_record,
    syscall_record,
)
from fleetgen.journal import daemon_proc
from fleetgen.model import UNSET, AuditEvent, Container, Host, JournalEntry, Proc, Session, ms
from fleetgen.sessions import run, tick


def logrus(t: datetime, level: str, msg: str, extra: str = "") -> str:
    """A dockerd logrus text line: RFC3339 with nanoseconds, Go-quoted msg."""
    if t.microsecond % 1000 == 0:  # written a little before journald stamps it
        t -= timedelta(
            microseconds=100 + int(hashlib.md5(f"{t}{msg}".encode()).hexdigest()[:4], 16) % 800
        )
    stamp = (
        t.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{t.microsecond:06d}{(t.microsecond * 7 + 389) % 1000:03d}Z"
    )
    quoted = msg.replace("\\", "\\\\").replace('"', '\\"')
    return f'time="{stamp}" level={level} msg="{quoted}"' + (f" {extra}" if extra else "")


def dockerd(host: Host, t: datetime, level: str, msg: str, extra: str = "") -> None:
    """One dockerd line: to docker.log (web-2) or the journal via stderr (web-1)."""
    if host.name == "web-2":
        host.docker.append((t, level, msg, extra))
        return
    line = logrus(t, level, msg, extra)
    host.journal.append(
        JournalEntry(
            t,
            {
                "_TRANSPORT": "stdout",
                "_STREAM_ID": host.stream_ids["docker.service"],
                "SYSLOG_FACILITY": "3",
                "SYSLOG_IDENTIFIER": "dockerd",
                "PRIORITY": "6"
                if level in ("info", "debug")
                else "4"
                if level == "warning"
                else "3",
                "MESSAGE": line,
                **dockerd_proc(host),
            },
        )
    )


def dockerd_proc(host: Host) -> dict[str, str]:
    """The journal's trusted fields of dockerd on web-1 (its stderr and the journald driver)."""
    cmdline = "/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"
    return daemon_proc(
        host, "docker.service", host.dockerd_pid, "dockerd", "/usr/sbin/dockerd", cmdline
    )


def dockerd_start(host: Host, t: datetime, version: str, commit: str) -> None:
    """dockerd starts: the info lines of its start (and debug lines on web-2)."""
    dockerd(host, t, "info", "Starting up")
    if host.name == "web-2":
        dockerd(host, ms(t, 1), "debug", "Listener created for HTTP on fd ()")
        dockerd(host, ms(t, 2), "debug", "Golang's threads limit set to 55350")
        dockerd(
            host,
            ms(t, 3),
            "info",
            "detected 127.0.0.53 nameserver, assuming systemd-resolved, so using resolv.conf: /run/systemd/resolve/resolv.conf",
        )
        dockerd(host, ms(t, 9), "debug", "Using default logging driver json-file")
        dockerd(
            host,
            ms(t, 10),
            "debug",
            "[graphdriver] priority list: [overlay2 fuse-overlayfs btrfs zfs devicemapper vfs]",
        )
        dockerd(
            host,
            ms(t, 14),
            "debug",
            'backingFs=extfs, projectQuotaSupported=false, usingMetacopy=false, indexOff="index=off,", userxattr=""',
            "storage-driver=overlay2",
        )
    else:
        dockerd(host, ms(t, 3), "info", 'parsed scheme: "unix"', "module=grpc")
    dockerd(host, ms(t, 15), "info", "[graphdriver] using prior storage driver: overlay2")
    dockerd(host, ms(t, 41), "info", "Loading containers: start.")
    dockerd(
        host,
        ms(t, 388),
        "info",
        "Default bridge (docker0) is assigned with an IP address 172.17.0.0/16. Daemon option --bip can be used to set a preferred IP address",
    )
    dockerd(host, ms(t, 455), "info", "Loading containers: done.")
    dockerd(
        host,
        ms(t, 497),
        "info",
        "Docker daemon",
        f"commit={commit} graphdriver{'(s)' if host.name == 'web-1' else ''}=overlay2 version={version}",
    )
    dockerd(host, ms(t, 498), "info", "Daemon has completed initialization")
    dockerd(host, ms(t, 530), "info", "API listen on /run/docker.sock")


def api(host: Host, t: datetime, method: str, path: str) -> None:
    """A dockerd debug line for one API call (only web-2 runs dockerd with debug)."""
    if host.name == "web-2":
        dockerd(host, t, "debug", f"Calling {method} {path}")


def form_data(
    name_args: dict[str, object],
    image: str,
    cmd: list[str] | None,
    binds: list[str],
    privileged: bool,
    tty: bool,
    ports: dict[str, object],
) -> str:
    """The `form data` debug line: dockerd re-marshals the create body, keys sorted."""
    host_config: dict[str, object] = {
        "AutoRemove": False,
        "Binds": binds,
        "BlkioDeviceReadBps": [],
        "BlkioDeviceReadIOps": [],
        "BlkioDeviceWriteBps": [],
        "BlkioDeviceWriteIOps": [],
        "BlkioWeight": 0,
        "BlkioWeightDevice": [],
        "CapAdd": None,
        "CapDrop": None,
        "Cgroup": "",
        "CgroupParent": "",
        "CgroupnsMode": "",
        "ConsoleSize": [50, 211] if tty else [0, 0],
        "ContainerIDFile": "",
        "CpuCount": 0,
        "CpuPercent": 0,
        "CpuPeriod": 0,
        "CpuQuota": 0,
        "CpuRealtimePeriod": 0,
        "CpuRealtimeRuntime": 0,
        "CpuShares": 0,
        "CpusetCpus": "",
        "CpusetMems": "",
        "DeviceCgroupRules": None,
        "DeviceRequests": None,
        "Devices": [],
        "Dns": [],
        "DnsOptions": [],
        "DnsSearch": [],
        "ExtraHosts": None,
        "GroupAdd": None,
        "IOMaximumBandwidth": 0,
        "IOMaximumIOps": 0,
        "IpcMode": "",
        "Isolation": "",
        "Links": None,
        "LogConfig": {"Config": {}, "Type": ""},
        "MaskedPaths": None,
        "Memory": 0,
        "MemoryReservation": 0,
        "MemorySwap": 0,
        "MemorySwappiness": None,
        "NanoCpus": 0,
        "NetworkMode": "default",
        "OomKillDisable": False,
        "OomScoreAdj": 0,
        "PidMode": "",
        "PidsLimit": None,
        "PortBindings": ports,
        "Privileged": privileged,
        "PublishAllPorts": False,
        "ReadonlyPaths": None,
        "ReadonlyRootfs": False,
        "RestartPolicy": {"MaximumRetryCount": 0, "Name": "no"},
        "SecurityOpt": None,
        "ShmSize": 0,
        "UTSMode": "",
        "Ulimits": None,
        "UsernsMode": "",
        "VolumeDriver": "",
        "VolumesFrom": None,
    }
    body: dict[str, object] = {
        "AttachStderr": tty,
        "AttachStdin": tty,
        "AttachStdout": tty,
        "Cmd": cmd,
        "Domainname": "",
        "Entrypoint": None,
        "Env": [],
        "ExposedPorts": {p: {} for p in ports} if ports else None,
        "HostConfig": host_config,
        "Hostname": "",
        "Image": image,
        "Labels": {},
        "NetworkingConfig": {"EndpointsConfig": {}},
        "OnBuild": None,
        "OpenStdin": tty,
        "StdinOnce": tty,
        "Tty": tty,
        "User": "",
        "Volumes": {},
        "WorkingDir": "",
    }
    body.update(name_args)
    if body["ExposedPorts"] is None:
        del body["ExposedPorts"]
    return "form data: " + json.dumps(body, sort_keys=True, separators=(",", ":"))


def docker_cli(host: Host, s: Session, t: datetime, argv: list[str]) -> Proc:
    """The docker CLI run by a login user: exec, then connect() to the daemon's socket."""
    tick(host, t)
    proc = run(host, t, s, argv, "/usr/bin/docker", 1575331)
    docker_gid = next(g for g, n in host.groups.items() if n == "docker")
    connect_event(
        host,
        ms(t, 14),
        proc,
        argv,
        f"/home/{s.user}",
        "/var/run/docker.sock",
        1127,
        "0140660",
        docker_gid,
    )
    api(host, ms(t, 15), "HEAD", "/_ping")
    return proc


def dockerd_writes(host: Host, t: datetime, cid: str) -> None:
    """dockerd persists a new container's config under /var/lib/docker (the `docker` watch)."""
    exe = "/usr/sbin/dockerd" if host.name == "web-1" else "/usr/bin/dockerd"
    proc = Proc(host.dockerd_pid, 1, 0, 0, UNSET, UNSET, "dockerd", exe)
    cdir = f"/var/lib/docker/containers/{cid}"
    tmp = f"{cdir}/.tmp-config.v2.json{host.rng.randint(100000000, 999999999)}"
    title = [
        "/usr/sbin/dockerd" if host.name == "web-1" else "/usr/bin/dockerd",
        "-H",
        "fd://",
        "--containerd=/run/containerd/containerd.sock",
    ]
    for i, (nr, args, paths) in enumerate(
        (
            (
                257,
                ("ffffff9c", "c000a1e1a0", "800c1", "180"),
                [(cdir + "/", 2101377, "040710", "PARENT"), (tmp, 2101391, "0100600", "CREATE")],
            ),
            (
                82,
                ("c000a1e200", "c000a1e240", "0", "0"),
                [
                    (cdir + "/", 2101377, "040710", "PARENT"),
                    (cdir + "/", 2101377, "040710", "PARENT"),
                    (tmp, 2101391, "0100600", "DELETE"),
                    (f"{cdir}/config.v2.json", 2101391, "0100600", "CREATE"),
                ],
            ),
        )
    ):
        recs = [
            syscall_record(host, proc, nr, 3 if nr == 257 else 0, args, len(paths), "docker"),
            cwd_record("/"),
        ]
        recs += [
            path_record(host, j, p, ino, mode, nt) for j, (p, ino, mode, nt) in enumerate(paths)
        ]
        recs.append(proctitle_record(title))
        host.audit.append(AuditEvent(ms(t, 2 * i), recs, gap=host.rng.randint(0, 3)))


def runc_exec(host: Host, t: datetime, c: Container) -> None:
    """containerd-shim runs runc (the `-w /usr/sbin/runc` watch fires on execute)."""
    bundle = f"/run/containerd/io.containerd.runtime.v2.task/moby/{c.cid}"
    argv = [
        "runc",
        "--root",
        "/var/run/docker/runtime-runc/moby",
        "--log",
        f"{bundle}/log.json",
        "--log-format",
        "json",
        "create",
        "--bundle",
        bundle,
        "--pid-file",
        f"{bundle}/init.pid",
        c.cid,
    ]
    proc = Proc(c.shim_pid + 7, c.shim_pid, 0, 0, UNSET, UNSET, "runc", "/usr/sbin/runc")
    records = [
        syscall_record(
            host, proc, 59, 0, ("c0001b4150", "c0001c2000", "c0000be000", "0"), 2, "docker"
        ),
        execve_record(argv),
        cwd_record(bundle),
        path_record(host, 0, "/usr/sbin/runc", 1576204, "0100755", "NORMAL"),
        path_record(host, 1, "/lib64/ld-linux-x86-64.so.2", 1835103, "0100755", "NORMAL"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=host.rng.randint(1, 3)))


def containerd_shim_lines(host: Host, t: datetime, c: Container) -> None:
    """containerd.service logs the shim it starts for a task (web-1's journal)."""
    if host.name != "web-1":
        return
    base = {
        "_TRANSPORT": "stdout",
        "_STREAM_ID": host.stream_ids["containerd.service"],
        "SYSLOG_FACILITY": "3",
        "SYSLOG_IDENTIFIER": "containerd",
        "PRIORITY": "6",
        **daemon_proc(
            host,
            "containerd.service",
            c.shim_pid,
            "containerd-shim",
            "/usr/bin/containerd-shim-runc-v2",
            f"/usr/bin/containerd-shim-runc-v2 -namespace moby -id {c.cid} -address /run/containerd/containerd.sock",
        ),
    }
    plugins = [
        ("io.containerd.event.v1.publisher", "io.containerd.event.v1"),
        ("io.containerd.internal.v1.shutdown", "io.containerd.internal.v1"),
        ("io.containerd.ttrpc.v1.task", "io.containerd.ttrpc.v1"),
        ("io.containerd.ttrpc.v1.pause", "io.containerd.ttrpc.v1"),
    ]
    for i, (plugin, ptype) in enumerate(plugins):
        line = logrus(
            ms(t, i),
            "info",
            f'loading plugin "{plugin}"...',
            f"runtime=io.containerd.runc.v2 type={ptype}",
        )
        host.journal.append(JournalEntry(ms(t, i), dict(base, MESSAGE=line)))
    line = logrus(
        ms(t, 5),
        "info",
        "starting signal loop",
        f"namespace=moby path=/run/containerd/io.containerd.runtime.v2.task/moby/{c.cid} pid={c.shim_pid} runtime=io.containerd.runc.v2",
    )
    host.journal.append(JournalEntry(ms(t, 5), dict(base, MESSAGE=line)))


def container_output(
    host: Host, t: datetime, c: Container, line: str, stderr: bool = False
) -> None:
    """A line the container printed, stored by the journald log driver (web-1)."""
    host.journal.append(
        JournalEntry(
            t,
            {
                "_TRANSPORT": "journal",
                "MESSAGE": line,
                "CONTAINER_ID": c.cid[:12],
                "CONTAINER_ID_FULL": c.cid,
                "CONTAINER_NAME": c.name,
                "CONTAINER_TAG": c.cid[:12],
                "IMAGE_NAME": c.image,
                "SYSLOG_IDENTIFIER": c.cid[:12],
                "PRIORITY": "3" if stderr else "6",
                **dockerd_proc(host),
            },
        )
    )


def docker_run(
    host: Host,
    s: Session,
    t: datetime,
    argv: list[str],
    name: str,
    image: str,
    cmd: list[str] | None,
    binds: list[str],
    privileged: bool,
    tty: bool,
    ports: dict[str, object],
) -> Container:
    """`docker run ...` end to end: CLI exec + connect, API calls, daemon writes, runc."""
    docker_cli(host, s, t, argv)
    cid = hashlib.sha256(f"{host.name}:{name}:{t.isoformat()}".encode()).hexdigest()
    api(host, ms(t, 17), "POST", f"/v1.43/containers/create?name={name}")
    if host.name == "web-2":
        dockerd(host, ms(t, 17), "debug", form_data({}, image, cmd, binds, privileged, tty, ports))
    dockerd_writes(host, ms(t, 60), cid)
    if host.name == "web-2":
        dockerd(
            host,
            ms(t, 71),
            "debug",
            f"container mounted via layerStore: /var/lib/docker/overlay2/{hashlib.sha256(cid.encode()).hexdigest()}/merged",
            f"container={cid}",
        )
        if tty:
            api(
                host,
                ms(t, 80),
                "POST",
                f"/v1.43/containers/{cid}/attach?stderr=1&stdin=1&stdout=1&stream=1",
            )
            dockerd(host, ms(t, 81), "debug", "attach: stdin: begin")
            dockerd(host, ms(t, 81), "debug", "attach: stdout: begin")
            dockerd(host, ms(t, 81), "debug", "attach: stderr: begin")
            api(host, ms(t, 84), "POST", f"/v1.43/containers/{cid}/wait?condition=next-exit")
        api(host, ms(t, 88), "POST", f"/v1.43/containers/{cid}/start")
        dockerd(
            host,
            ms(t, 90),
            "debug",
            f"Assigning addresses for endpoint {name}'s interface on network bridge",
        )
    shim = host.next_pid(host.rng.randint(5, 9))
    c = Container(cid, name, image, shim, shim + 20)
    containerd_shim_lines(host, ms(t, 120), c)
    runc_exec(host, ms(t, 131), c)
    host.pid = shim + 24
    if host.name == "web-2":
        dockerd(
            host,
            ms(t, 402),
            "debug",
            f"sandbox set key processing took {30 + int(cid[:6], 16) % 40000 / 1000:.6g}ms for container {cid}",
        )
        if tty:
            api(host, ms(t, 470), "POST", f"/v1.43/containers/{cid}/resize?h=50&w=211")
    return c
