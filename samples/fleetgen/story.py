"""The two days of the three hosts: benign work and the planted intrusion (samples/README.md)."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from fleetgen.auditd import (
    AUDIT_RULES,
    connect_event,
    cwd_record,
    exec_event,
    path_record,
    pointers,
    proctitle_record,
    rule_syscall,
    sockaddr_unix,
    syscall_record,
    user_record,
)
from fleetgen.boot import boot
from fleetgen.docker import api, container_output, docker_cli, docker_run, dockerd, dockerd_start
from fleetgen.journal import AUTHPRIV, syslog
from fleetgen.model import AuditEvent, Host, Proc, Session, at, ms
from fleetgen.sessions import (
    run,
    shell_proc,
    ssh_failed_attempts,
    ssh_login,
    ssh_logout,
    sudo,
    tick,
)

ATTACKER = "203.0.113.50"


ROOT_ATTACKER = "198.51.100.7"


def make_hosts() -> dict[str, Host]:
    """The three hosts, their users, daemons and pid counters."""
    common_users = {0: "root", 1001: "deploy", 1002: "alice"}
    hosts = {
        "web-1": Host(
            "web-1",
            "10.0.1.11",
            at(26, "21:02:13", 412),
            "6.1.0-27-amd64",
            hashlib.md5(b"web-1-boot").hexdigest(),
            hashlib.md5(b"web-1-machine").hexdigest(),
            {**common_users},
            {0: "root", 999: "docker", 1001: "deploy", 1002: "alice"},
            sshd_pid=688,
            logind_pid=641,
            cron_pid=652,
            dockerd_pid=903,
            containerd_pid=721,
            pid=1180,
            ses=0,
            rng=random.Random(11),
        ),
        "web-2": Host(
            "web-2",
            "10.0.1.12",
            at(26, "21:04:41", 87),
            "5.15.0-125-generic",
            hashlib.md5(b"web-2-boot").hexdigest(),
            hashlib.md5(b"web-2-machine").hexdigest(),
            {**common_users, 1003: "bob"},
            {0: "root", 42: "shadow", 998: "docker", 1001: "deploy", 1002: "alice", 1003: "bob"},
            sshd_pid=1021,
            logind_pid=733,
            cron_pid=712,
            dockerd_pid=1102,
            containerd_pid=845,
            pid=1420,
            ses=0,
            rng=random.Random(22),
        ),
        "db-1": Host(
            "db-1",
            "10.0.2.21",
            at(26, "21:07:09", 733),
            "6.1.0-27-amd64",
            hashlib.md5(b"db-1-boot").hexdigest(),
            hashlib.md5(b"db-1-machine").hexdigest(),
            {**common_users, 105: "postgres"},
            {0: "root", 114: "postgres", 1001: "deploy", 1002: "alice"},
            sshd_pid=655,
            logind_pid=612,
            cron_pid=620,
            pid=1050,
            ses=0,
            rng=random.Random(33),
        ),
    }
    for host in hosts.values():
        for unit in (
            "ssh.service",
            "systemd-logind.service",
            "cron.service",
            "docker.service",
            "containerd.service",
        ):
            host.invocation_ids[unit] = host.hex_id(f"invocation:{unit}")
            host.stream_ids[unit] = host.hex_id(f"stream:{unit}")
    return hosts


DEBIAN_UNITS = [
    ("containerd.service", "containerd container runtime"),
    ("ssh.service", "OpenBSD Secure Shell server"),
    ("cron.service", "Regular background program processing daemon"),
    ("systemd-logind.service", "User Login Management"),
    ("docker.service", "Docker Application Container Engine"),
]


def user_connect(host: Host, t: datetime, proc: Proc, argv: list[str], path: str) -> None:
    """A login user's program connects to a unix socket other than docker's (e.g. D-Bus)."""
    records = [
        syscall_record(
            host, proc, 42, 0, ("3", pointers(host, "7ff", 1, "")[0], "1d", "0"), 1, "docker_sock"
        ),
        sockaddr_unix(path, 2 + len(path) + 1),
        cwd_record(f"/home/{host.users[proc.auid]}"),
        path_record(host, 0, path, 1042, "0140666", "NORMAL", dev="00:19"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=1))


def web1(host: Host) -> None:
    """web-1 (Debian 12): benign sessions, then the root login from 198.51.100.7."""
    end = boot(host, DEBIAN_UNITS, ("3.0.9", "enriched", 4861))
    dockerd_start(host, ms(end, 240), "20.10.24+dfsg1", "5d6db84")
    deploy = ssh_login(host, at(26, "21:31:05", 118), "deploy", "10.0.0.5", 53122, "publickey")
    run(host, at(26, "21:31:12", 340), deploy, ["uptime"], "/usr/bin/uptime", 1574012)
    p = run(
        host,
        at(26, "21:31:29", 77),
        deploy,
        ["systemctl", "status", "docker", "--no-pager"],
        "/usr/bin/systemctl",
        1574601,
    )
    user_connect(
        host,
        at(26, "21:31:29", 81),
        p,
        ["systemctl", "status", "docker", "--no-pager"],
        "/run/dbus/system_bus_socket",
    )
    ssh_logout(host, at(26, "21:33:40", 512), deploy)

    alice = ssh_login(host, at(26, "22:05:10", 230), "alice", "10.0.0.23", 50611, "publickey")
    docker_cli(host, alice, at(26, "22:05:31", 402), ["docker", "ps"])
    www = docker_run(
        host,
        alice,
        at(26, "22:06:02", 115),
        [
            "docker",
            "run",
            "-d",
            "--name",
            "www",
            "-p",
            "80:80",
            "-v",
            "/srv/www:/usr/share/nginx/html:ro",
            "nginx",
        ],
        "www",
        "nginx",
        None,
        ["/srv/www:/usr/share/nginx/html:ro"],
        False,
        False,
        {"80/tcp": [{"HostIp": "", "HostPort": "80"}]},
    )
    boot_lines = [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ]
    for i, line in enumerate(boot_lines):
        container_output(host, at(26, "22:06:02", 690 + 3 * i), www, line)
    for i, (level, msg) in enumerate(
        (
            ("notice", 'using the "epoll" event method'),
            ("notice", "nginx/1.27.3"),
            ("notice", "start worker processes"),
            ("notice", "start worker process 29"),
        )
    ):
        container_output(
            host,
            at(26, "22:06:02", 730 + i),
            www,
            f"2026/11/26 22:06:02 [{level}] 1#1: {msg}",
            stderr=True,
        )
    for clock, ip, agent in (
        ("22:06:40", "10.0.0.23", "curl/7.88.1"),
        ("23:41:07", "10.0.0.5", "kube-probe/1.29"),
        ("08:12:55", "10.0.0.5", "kube-probe/1.29"),
    ):
        day = 27 if clock < "12" else 26
        stamp = at(day, clock, 218)
        container_output(
            host,
            stamp,
            www,
            f'{ip} - - [{stamp:%d/%b/%Y:%H:%M:%S} +0000] "GET / HTTP/1.1" 200 615 "-" "{agent}" "-"',
        )
    sudo(
        host,
        at(26, "22:07:30", 140),
        alice,
        ["tail", "-n", "50", "/var/log/syslog"],
        "/usr/bin/tail",
        1574207,
    )
    ssh_logout(host, at(26, "22:12:45", 66), alice)

    root = ssh_login(host, at(27, "02:52:17", 301), "root", ROOT_ATTACKER, 40112, "password")
    ssh_logout(host, at(27, "02:58:03", 845), root)
    deploy = ssh_login(host, at(27, "08:40:22", 514), "deploy", "10.0.0.5", 53990, "publickey")
    # deploy's health check, run through sh (an argument with spaces: EXECVE hex)
    script = ["sh", "-c", "uptime; df -h /"]
    sh = run(host, at(27, "08:40:30", 12), deploy, script, "/usr/bin/dash", 1572980, "/usr/bin/sh")
    for i, (argv, exe, inode) in enumerate(
        ((["uptime"], "/usr/bin/uptime", 1574012), (["df", "-h", "/"], "/usr/bin/df", 1573988))
    ):
        child = Proc(
            sh.pid + 1 + i,
            sh.pid,
            deploy.uid,
            deploy.gid,
            deploy.uid,
            deploy.ses,
            argv[0],
            exe,
            deploy.tty,
        )
        exec_event(host, at(27, "08:40:30", 15 + 9 * i), child, argv, "/home/deploy", inode)
    host.pid = sh.pid + 2
    ssh_logout(host, at(27, "08:42:01", 380), deploy)


def web2(host: Host) -> None:
    """web-2 (Ubuntu 22.04): benign sessions, then the intrusion of bob."""
    units = [(u, d) for u, d in DEBIAN_UNITS]
    end = boot(host, units, ("3.0.7", "raw", 5117))
    dockerd_start(host, ms(end, 310), "24.0.7", '"24.0.7-0ubuntu2~22.04.1"')
    deploy = ssh_login(host, at(26, "21:35:20", 640), "deploy", "10.0.0.5", 53170, "publickey")
    run(host, at(26, "21:35:33", 201), deploy, ["df", "-h"], "/usr/bin/df", 1573988)
    ssh_logout(host, at(26, "21:36:45", 93), deploy)

    alice = ssh_login(host, at(26, "22:20:03", 77), "alice", "10.0.0.23", 50702, "publickey")
    docker_cli(host, alice, at(26, "22:20:15", 550), ["docker", "ps"])
    api(host, at(26, "22:20:15", 567), "GET", "/v1.43/containers/json")
    docker_run(
        host,
        alice,
        at(26, "22:20:41", 310),
        [
            "docker",
            "run",
            "-d",
            "--name",
            "web",
            "-v",
            "/srv/www:/usr/share/nginx/html:ro",
            "nginx",
        ],
        "web",
        "nginx",
        None,
        ["/srv/www:/usr/share/nginx/html:ro"],
        False,
        False,
        {},
    )
    ssh_logout(host, at(26, "22:24:10", 402), alice)

    # 1. password guessing from one address: invalid users first, then bob
    t = at(27, "02:10:01", 412)
    for user, valid, port in (
        ("admin", False, 51022),
        ("test", False, 51046),
        ("bob", True, 51068),
        ("bob", True, 51090),
    ):
        t = ssh_failed_attempts(host, t, user, valid, ATTACKER, port, 3) + timedelta(
            milliseconds=random.Random(port).randint(9000, 14000)
        )
    bob = ssh_login(host, at(27, "02:13:41", 204), "bob", ATTACKER, 51130, "password")
    run(host, at(27, "02:14:05", 330), bob, ["id"], "/usr/bin/id", 1573960)
    # 2. bob puts himself in the docker group (first sudo of the session asks his password)
    t = at(27, "02:15:12", 101)
    usermod, end = sudo(
        host,
        t,
        bob,
        ["usermod", "-aG", "docker", "bob"],
        "/usr/sbin/usermod",
        1574483,
        password=True,
    )
    shadow_change(host, ms(t, 40), bob, usermod)
    # newgrp: a shell with the docker group, without logging in again
    newgrp = run(
        host, at(27, "02:16:05", 512), bob, ["newgrp", "docker"], "/usr/bin/newgrp", 1573902
    )
    host.audit.append(
        AuditEvent(
            at(27, "02:16:05", 520),
            [
                user_record(
                    host,
                    "CHGRP_ID",
                    newgrp.pid,
                    1003,
                    1003,
                    bob.ses,
                    'op=changing id=1003 exe="/usr/bin/newgrp" hostname=web-2 addr=127.0.1.1 terminal=pts/0 res=success',
                )
            ],
        )
    )
    syslog(
        host,
        at(27, "02:16:05", 521),
        "newgrp",
        newgrp.pid,
        "user 'bob' (login 'bob' on pts/0) switching to group 'docker'",
    )
    bob.gid = 998
    exec_event(
        host,
        at(27, "02:16:05", 523),
        shell_proc(bob, newgrp.pid, "bash", "/usr/bin/bash"),
        ["bash"],
        "/home/bob",
        1572877,
    )
    bob.shell_pid = newgrp.pid
    # 3. the docker API straight through its socket
    t = at(27, "02:16:40", 290)
    argv = ["curl", "--unix-socket", "/var/run/docker.sock", "http://localhost/containers/json"]
    curl = run(host, t, bob, argv, "/usr/bin/curl", 1574733)
    connect_event(
        host, ms(t, 9), curl, argv, "/home/bob", "/var/run/docker.sock", 1127, "0140660", 998
    )
    api(host, ms(t, 10), "GET", "/containers/json")
    # 4. a privileged container with the host's root mounted, and a shell in it
    t = at(27, "02:18:02", 206)
    pwn = docker_run(
        host,
        bob,
        t,
        [
            "docker",
            "run",
            "-it",
            "--name",
            "pwn",
            "--privileged",
            "-v",
            "/:/host",
            "alpine",
            "chroot",
            "/host",
            "sh",
        ],
        "pwn",
        "alpine",
        ["chroot", "/host", "sh"],
        ["/:/host"],
        True,
        True,
        {},
    )
    t = at(27, "02:23:40", 871)
    for stream in ("stdout", "stderr", "stdin"):
        dockerd(host, t, "debug", f"attach: {stream}: end")
    dockerd(host, ms(t, 2), "debug", "attach done")
    dockerd(
        host,
        ms(t, 48),
        "info",
        "ignoring event",
        f'container={pwn.cid} module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"',
    )
    dockerd(
        host,
        ms(t, 52),
        "debug",
        f"Revoking external connectivity on endpoint pwn ({hashlib.sha256(b'pwn-endpoint').hexdigest()})",
    )
    # 5. the daemon's configuration, rewritten to listen on TCP without TLS
    t = at(27, "02:24:30", 115)
    tee, _ = sudo(host, t, bob, ["tee", "/etc/docker/daemon.json"], "/usr/bin/tee", 1574190)
    open_write(
        host, ms(t, 16), tee, "/etc/docker/daemon.json", "/etc/docker/", 1310733, 1310751, bob
    )
    # 6. auditing switched off: rules deleted, then the daemon stopped
    t = at(27, "02:31:10", 120)
    auditctl, _ = sudo(
        host, t, bob, ["auditctl", "-D"], "/usr/sbin/auditctl", 1573719, exec_key="audittools"
    )
    for i, (_rule, key) in enumerate(AUDIT_RULES):
        body = f'auid=1003 ses={bob.ses} subj=unconfined op=remove_rule key="{key}" list=4 res=1'
        records = [
            ("CONFIG_CHANGE", body, 'AUID="bob"'),
            *rule_syscall(host, auditctl, ["auditctl", "-D"]),
        ]
        host.audit.append(AuditEvent(ms(t, 20 + i // 8), records))
    t = at(27, "02:31:41", 502)
    sudo(
        host,
        t,
        bob,
        ["systemctl", "stop", "auditd"],
        "/usr/bin/systemctl",
        1574601,
        audited_end=False,
        logged_exec=False,
    )
    host.audit.append(
        AuditEvent(
            ms(t, 41),
            [("DAEMON_END", "op=terminate auid=0 pid=1 subj=unconfined res=success", "")],
            serial=5118,
        )
    )
    host.auditd_until = ms(t, 41)
    host.audit = [ev for ev in host.audit if ev.time <= host.auditd_until]  # auditd is gone
    ssh_logout(host, at(27, "02:38:55", 617), bob, audited=False)

    deploy = ssh_login(host, at(27, "08:41:09", 73), "deploy", "10.0.0.5", 54012, "publickey")
    ssh_logout(host, at(27, "08:41:58", 230), deploy, audited=False)
    host.audit = [ev for ev in host.audit if ev.time <= host.auditd_until]


def shadow_change(host: Host, t: datetime, s: Session, usermod: Proc) -> None:
    """usermod -aG rewrites /etc/group and /etc/gshadow (`identity` watch) and logs it."""
    for i, (name, inode, mode, ogid) in enumerate(
        (("/etc/group", 1311160, "0100644", 0), ("/etc/gshadow", 1311163, "0100640", 42))
    ):
        tmp = f"{name}+"
        records = [
            syscall_record(
                host,
                usermod,
                82,
                0,
                ("7ffd2c51e0a0", "55a4e2f1d2a0", "7ffd2c51e0a0", "0"),
                5,
                "identity",
            ),
            cwd_record(f"/home/{s.user}"),
            path_record(host, 0, "/etc/", 1310721, "040755", "PARENT"),
            path_record(host, 1, "/etc/", 1310721, "040755", "PARENT"),
            path_record(host, 2, tmp, inode + 40, mode, "DELETE", 0, ogid),
            path_record(host, 3, name, inode, mode, "DELETE", 0, ogid),
            path_record(host, 4, name, inode + 40, mode, "CREATE", 0, ogid),
            proctitle_record(["usermod", "-aG", "docker", "bob"]),
        ]
        host.audit.append(AuditEvent(ms(t, 3 * i), records, gap=3))
    term = f"hostname=web-2 addr=127.0.1.1 terminal={s.tty} res=success"
    host.audit.append(
        AuditEvent(
            ms(t, 7),
            [
                user_record(
                    host,
                    "USER_MGMT",
                    usermod.pid,
                    0,
                    s.uid,
                    s.ses,
                    f'op=add-user-to-group grp="docker" acct="bob" exe="/usr/sbin/usermod" {term}',
                )
            ],
        )
    )
    host.audit.append(
        AuditEvent(
            ms(t, 8),
            [
                user_record(
                    host,
                    "GRP_MGMT",
                    usermod.pid,
                    0,
                    s.uid,
                    s.ses,
                    f'op=add-user-to-shadow-group grp="docker" acct="bob" exe="/usr/sbin/usermod" {term}',
                )
            ],
        )
    )
    syslog(host, ms(t, 7), "usermod", usermod.pid, "add 'bob' to group 'docker'", facility=AUTHPRIV)
    syslog(
        host,
        ms(t, 8),
        "usermod",
        usermod.pid,
        "add 'bob' to shadow group 'docker'",
        facility=AUTHPRIV,
    )


def open_write(
    host: Host,
    t: datetime,
    proc: Proc,
    name: str,
    parent: str,
    parent_inode: int,
    inode: int,
    s: Session,
) -> None:
    """openat(O_WRONLY|O_CREAT|O_TRUNC) of a new file under a watched directory."""
    records = [
        syscall_record(host, proc, 257, 3, ("ffffff9c", "7ffc8e3f2c1a", "241", "1b6"), 2, "docker"),
        cwd_record(f"/home/{s.user}"),
        path_record(host, 0, parent, parent_inode, "040755", "PARENT"),
        path_record(host, 1, name, inode, "0100644", "CREATE"),
        proctitle_record(["tee", name]),
    ]
    host.audit.append(AuditEvent(t, records, gap=0))


def db1(host: Host) -> None:
    """db-1 (Debian 12, no auditd): benign sessions only."""
    units = [
        ("ssh.service", "OpenBSD Secure Shell server"),
        ("cron.service", "Regular background program processing daemon"),
        ("systemd-logind.service", "User Login Management"),
        ("postgresql@15-main.service", "PostgreSQL Cluster 15-main"),
    ]
    boot(host, units, None)
    deploy = ssh_login(host, at(26, "21:40:12", 808), "deploy", "10.0.0.5", 53216, "publickey")
    ssh_logout(host, at(26, "21:41:30", 19), deploy)
    alice = ssh_login(host, at(26, "22:40:05", 562), "alice", "10.0.0.23", 50833, "publickey")
    sudo(
        host,
        at(26, "22:41:17", 310),
        alice,
        ["systemctl", "status", "postgresql@15-main", "--no-pager"],
        "/usr/bin/systemctl",
        1574601,
        logged_exec=False,
    )
    ssh_logout(host, at(26, "22:44:50", 451), alice)
    deploy = ssh_login(host, at(27, "08:45:31", 266), "deploy", "10.0.0.5", 54102, "publickey")
    ssh_logout(host, at(27, "08:46:02", 914), deploy)


def scenario() -> dict[str, Host]:
    """Play the two days on every host; hourly cron runs fill the gaps."""
    hosts = make_hosts()
    web1(hosts["web-1"])
    web2(hosts["web-2"])
    db1(hosts["db-1"])
    for host in hosts.values():
        tick(host, at(27, "09:30:00"))
    return hosts
