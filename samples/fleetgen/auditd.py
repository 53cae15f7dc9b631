"""auditd records as the kernel and auditd write them: SYSCALL, EXECVE, PATH, PAM records."""

from __future__ import annotations

from datetime import datetime

from fleetgen.model import UNSET, AuditEvent, Host, Proc, hexs

GS = "\x1d"  # auditd ENRICHED separator between raw and interpreted fields


# x86_64 syscall numbers used below.
SYSCALLS = {
    1: "write",
    42: "connect",
    44: "sendto",
    49: "bind",
    59: "execve",
    82: "rename",
    257: "openat",
    260: "fchownat",
}


# auditd rules loaded at boot on web-1 and web-2 (augenrules), in file order.
AUDIT_RULES = [
    ("-w /usr/bin/dockerd -k docker", "docker"),
    ("-w /usr/bin/containerd -k docker", "docker"),
    ("-w /usr/sbin/runc -k docker", "docker"),
    ("-w /var/lib/docker -p wa -k docker", "docker"),
    ("-w /etc/docker -p wa -k docker", "docker"),
    ("-w /lib/systemd/system/docker.service -k docker", "docker"),
    ("-w /lib/systemd/system/docker.socket -k docker", "docker"),
    ("-w /etc/default/docker -k docker", "docker"),
    ("-w /etc/containerd/config.toml -k docker", "docker"),
    ("-w /var/run/docker.sock -k docker_sock", "docker_sock"),
    (
        "-a always,exit -F arch=b64 -S connect -F auid>=1000 -F auid!=unset -k docker_sock",
        "docker_sock",
    ),
    ("-w /etc/group -p wa -k identity", "identity"),
    ("-w /etc/gshadow -p wa -k identity", "identity"),
    ("-w /etc/passwd -p wa -k identity", "identity"),
    ("-w /etc/audit/ -p wa -k auditconfig", "auditconfig"),
    ("-w /usr/sbin/auditctl -p x -k audittools", "audittools"),
    ("-a always,exit -F arch=b64 -S execve -F auid>=1000 -F auid!=unset -k exec", "exec"),
]


def audit_str(value: str) -> str:
    """Encode a string field the way auditd does: quoted, or hex when it needs escaping."""
    if any(c in value for c in " \"\\'") or any(ord(c) < 0x21 or ord(c) > 0x7E for c in value):
        return hexs(value)
    return f'"{value}"'


def proctitle(argv: list[str]) -> str:
    """PROCTITLE: argv joined by NUL, cut at 128 bytes; hex unless it is one plain word."""
    raw = "\0".join(argv).encode()[:128]
    if len(argv) == 1 and audit_str(argv[0]).startswith('"'):
        return f'"{argv[0]}"'
    return raw.hex().upper()


def subj_fields(subj: str) -> str:
    """The `subj=` field: the LSM label of the process (AppArmor: unconfined)."""
    return f" subj={subj}" if subj else ""


def user_record(
    host: Host,
    rtype: str,
    pid: int,
    uid: int,
    auid: int,
    ses: int,
    msg: str,
    subj: str = "unconfined",
) -> tuple[str, str, str]:
    """A user-space record (PAM, sshd, sudo, shadow): `pid uid auid ses subj msg='...'`."""
    body = f"pid={pid} uid={uid} auid={auid} ses={ses}{subj_fields(subj)} msg='{msg}'"
    return rtype, body, f'UID="{host.user(uid)}" AUID="{host.user(auid)}"'


def grantors(host: Host, stack: str) -> str:
    """The PAM modules that granted a step, from the Debian/Ubuntu common-* files.

    common-account: pam_unix (success jumps over pam_deny), pam_permit; common-auth adds
    pam_cap on Ubuntu (libpam-cap); setcred runs the auth stack again.
    """
    if stack == "account":
        return "pam_unix,pam_permit"
    return "pam_unix,pam_permit,pam_cap" if host.name == "web-2" else "pam_unix,pam_permit"


def pam_msg(
    op: str, grantors: str, acct: str, exe: str, hostname: str, addr: str, term: str, res: str
) -> str:
    """The `msg='...'` of a PAM record (libaudit's audit_log_acct_message)."""
    return (
        f'op={op} grantors={grantors} acct={audit_str(acct)} exe="{exe}" '
        f"hostname={hostname} addr={addr} terminal={term} res={res}"
    )


def syscall_record(
    host: Host,
    proc: Proc,
    nr: int,
    exit_: int,
    args: tuple[str, str, str, str],
    items: int,
    key: str | None,
    success: bool = True,
) -> tuple[str, str, str]:
    """A SYSCALL record of `proc` (ENRICHED names the ids and the syscall)."""
    uid, gid, euid, egid = proc.ids()
    keyf = f'"{key}"' if key else "(null)"
    body = (
        f"arch=c000003e syscall={nr} success={'yes' if success else 'no'} exit={exit_} "
        f"a0={args[0]} a1={args[1]} a2={args[2]} a3={args[3]} items={items} "
        f"ppid={proc.ppid} pid={proc.pid} auid={proc.auid} uid={uid} gid={gid} euid={euid} "
        f"suid={euid} fsuid={euid} egid={egid} sgid={egid} fsgid={egid} tty={proc.tty} "
        f"ses={proc.ses} comm={audit_str(proc.comm)} exe={audit_str(proc.exe)} "
        f"subj=unconfined key={keyf}"
    )
    u, g, eu, eg = host.user(uid), host.groups[gid], host.user(euid), host.groups[egid]
    enriched = (
        f'ARCH=x86_64 SYSCALL={SYSCALLS[nr]} AUID="{host.user(proc.auid)}" UID="{u}" '
        f'GID="{g}" EUID="{eu}" SUID="{eu}" FSUID="{eu}" EGID="{eg}" SGID="{eg}" FSGID="{eg}"'
    )
    return "SYSCALL", body, enriched


def execve_record(argv: list[str]) -> tuple[str, str, str]:
    """An EXECVE record: argc and each argument, quoted or hex."""
    args = " ".join(f"a{i}={audit_str(a)}" for i, a in enumerate(argv))
    return "EXECVE", f"argc={len(argv)} {args}", ""


def cwd_record(cwd: str) -> tuple[str, str, str]:
    """A CWD record."""
    return "CWD", f"cwd={audit_str(cwd)}", ""


def path_record(
    host: Host,
    item: int,
    name: str,
    inode: int,
    mode: str,
    nametype: str,
    ouid: int = 0,
    ogid: int = 0,
    dev: str = "08:01",
) -> tuple[str, str, str]:
    """A PATH record for item `item` of the event."""
    body = (
        f"item={item} name={audit_str(name)} inode={inode} dev={dev} mode={mode} ouid={ouid} "
        f"ogid={ogid} rdev=00:00 nametype={nametype} cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
        "cap_frootid=0"
    )
    return "PATH", body, f'OUID="{host.user(ouid)}" OGID="{host.groups[ogid]}"'


def proctitle_record(argv: list[str]) -> tuple[str, str, str]:
    """A PROCTITLE record."""
    return "PROCTITLE", f"proctitle={proctitle(argv)}", ""


def sockaddr_unix(path: str, addrlen: int = 110) -> tuple[str, str, str]:
    """A SOCKADDR record for a unix socket path, padded to `addrlen` bytes."""
    raw = (b"\x01\x00" + path.encode()).ljust(addrlen, b"\x00")
    return "SOCKADDR", f"saddr={raw.hex().upper()}", f"SADDR={{ fam=local path={path} }}"


def pointers(host: Host, prefix: str, count: int, last: str) -> tuple[str, str, str, str]:
    """Register values that are user-space addresses (a0..a3 of SYSCALL), padded with `last`."""
    width = 12 - len(prefix)  # x86_64 user addresses: 0x55... heap, 0x7ff... stack
    base = host.rng.randrange(16 ** (width - 1), 16**width - 0x100000) & ~0xF
    values = [
        f"{prefix}{base + host.rng.randrange(0, 0x40000, 16):0{width}x}" for _ in range(count)
    ]
    values += [last] * (4 - count)
    return values[0], values[1], values[2], values[3]


def exec_event(
    host: Host,
    t: datetime,
    proc: Proc,
    argv: list[str],
    cwd: str,
    exe_inode: int,
    key: str = "exec",
    path: str | None = None,
) -> None:
    """An execve of `argv` by `proc` (already the new image: comm/exe of the program).

    `path` is the file execve() was given when it is a symlink to `proc.exe`.
    """
    records = [
        syscall_record(host, proc, 59, 0, pointers(host, "55", 3, str(len(argv) + 4)), 2, key),
        execve_record(argv),
        cwd_record(cwd),
        path_record(host, 0, path or proc.exe, exe_inode, "0100755", "NORMAL"),
        path_record(host, 1, "/lib64/ld-linux-x86-64.so.2", 1835103, "0100755", "NORMAL"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=host.rng.randint(0, 2)))


def connect_event(
    host: Host,
    t: datetime,
    proc: Proc,
    argv: list[str],
    cwd: str,
    path: str,
    inode: int,
    mode: str,
    ogid: int,
) -> None:
    """A connect() to a unix socket by a login user's process (the connect rule)."""
    records = [
        syscall_record(
            host, proc, 42, 0, ("5", pointers(host, "7ff", 1, "")[0], "6e", "0"), 1, "docker_sock"
        ),
        sockaddr_unix(path),
        cwd_record(cwd),
        path_record(host, 0, path, inode, mode, "NORMAL", 0, ogid, dev="00:19"),
        proctitle_record(argv),
    ]
    host.audit.append(AuditEvent(t, records, gap=host.rng.randint(0, 1)))


def login_syscall(
    host: Host,
    t: datetime,
    pid: int,
    ppid: int,
    uid: int,
    ses: int,
    comm: str,
    exe: str,
    title: list[str],
) -> list[tuple[str, str, str]]:
    """LOGIN (pam_loginuid writes /proc/self/loginuid) and the write() it happens in."""
    login = (
        "LOGIN",
        f"pid={pid} uid=0 subj=unconfined old-auid={UNSET} auid={uid} tty=(none) old-ses={UNSET} ses={ses} res=1",
        f'UID="root" OLD-AUID="unset" AUID="{host.user(uid)}"',
    )
    if host.name == "db-1":  # no audit rules on db-1: a dummy syscall context logs no SYSCALL
        return [login]
    proc = Proc(pid, ppid, 0, 0, uid, ses, comm, exe)
    return [
        login,
        syscall_record(
            host,
            proc,
            1,
            len(str(uid)),
            ("8", "7ffc1d2e3f40", hex(len(str(uid)))[2:], "0"),
            0,
            None,
        ),
        proctitle_record(title),
    ]


def note(host: Host, t: datetime, *records: tuple[str, str, str], gap: int = 0) -> None:
    """Append one audit event made of `records`."""
    host.audit.append(AuditEvent(t, list(records), gap=gap))


def local_pam(
    host: Host,
    rtype: str,
    pid: int,
    uid: int,
    auid: int,
    ses: int,
    op: str,
    grantors: str,
    acct: str,
    exe: str,
    term: str,
) -> tuple[str, str, str]:
    """A PAM record of a local service (sudo, cron, systemd --user): no remote address."""
    return user_record(
        host,
        rtype,
        pid,
        uid,
        auid,
        ses,
        pam_msg(op, grantors, acct, exe, "?", "?", term, "success"),
    )


def service_record(host: Host, rtype: str, unit: str) -> tuple[str, str, str]:
    """A SERVICE_START/STOP record that systemd sends for a unit."""
    exe = "/usr/lib/systemd/systemd"
    msg = f'unit={unit} comm="systemd" exe="{exe}" hostname=? addr=? terminal=? res=success'
    return user_record(host, rtype, 1, 0, UNSET, UNSET, msg)


def rule_syscall(host: Host, auditctl: Proc, title: list[str]) -> list[tuple[str, str, str]]:
    """The sendto() on the audit netlink socket that carried a rule change."""
    size = host.rng.choice(("430", "438", "440", "450"))
    args = ("4", pointers(host, "7ff", 1, "")[0], hex(int(size))[2:], "0")
    return [syscall_record(host, auditctl, 44, int(size), args, 0, None), proctitle_record(title)]
