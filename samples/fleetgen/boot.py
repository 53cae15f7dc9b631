"""A host boots: kernel lines, auditd and its rules, the units systemd starts."""

from __future__ import annotations

from datetime import datetime

from fleetgen.auditd import AUDIT_RULES, rule_syscall, service_record, user_record
from fleetgen.journal import kernel_msg, logind_proc, sshd_proc, syslog, systemd_msg
from fleetgen.model import UNSET, AuditEvent, Host, Proc, ms, ts


def auditd_start(host: Host, t: datetime, version: str, fmt: str, daemon_serial: int) -> None:
    """auditd starts, then augenrules loads the rules: DAEMON_START and CONFIG_CHANGEs."""
    pid = host.next_pid(host.rng.randint(100, 200))
    body = (
        f"op=start ver={version} format={fmt} kernel={host.kernel} auid={UNSET} pid={pid} "
        f"uid=0 ses={UNSET} subj=unconfined res=success"
    )
    host.audit.append(
        AuditEvent(t, [("DAEMON_START", body, 'AUID="unset" UID="root"')], serial=daemon_serial)
    )
    # auditd's own netlink requests are never tied to a syscall record
    body = f"op=set audit_pid={pid} old=0 auid={UNSET} ses={UNSET} subj=unconfined res=1"
    host.audit.append(AuditEvent(ms(t, 2), [("CONFIG_CHANGE", body, 'AUID="unset"')]))
    # augenrules: `auditctl -R /etc/audit/audit.rules`, one sendto() per line
    tt = ms(t, 25)
    auditctl = Proc(host.next_pid(), pid - 1, 0, 0, UNSET, UNSET, "auditctl", "/usr/sbin/auditctl")
    title = ["/sbin/auditctl", "-R", "/etc/audit/audit.rules"]
    for setting, new, old in (
        ("audit_backlog_limit", 8192, 64),
        ("audit_failure", 1, 1),
        ("audit_backlog_wait_time", 60000, 60000),
    ):
        body = f"op=set {setting}={new} old={old} auid={UNSET} ses={UNSET} subj=unconfined res=1"
        host.audit.append(AuditEvent(tt, [("CONFIG_CHANGE", body, 'AUID="unset"')]))
    for i, (_rule, key) in enumerate(AUDIT_RULES):
        body = f'auid={UNSET} ses={UNSET} subj=unconfined op=add_rule key="{key}" list=4 res=1'
        records = [("CONFIG_CHANGE", body, 'AUID="unset"')]
        if i > 0:  # once a rule exists, the kernel adds the sendto() it came with
            records += rule_syscall(host, auditctl, title)
        host.audit.append(AuditEvent(ms(tt, 1 + i // 6), records))
    host.audit.append(AuditEvent(ms(tt, 12), [service_record(host, "SERVICE_START", "auditd")]))


def boot(host: Host, units: list[tuple[str, str]], audit: tuple[str, str, int] | None) -> datetime:
    """Kernel lines, auditd (when installed), then the units that log their start."""
    t = host.boot
    kver = {"web-1": "6.1.0-27-amd64", "db-1": "6.1.0-27-amd64"}.get(host.name, "")
    if kver:
        kernel_msg(
            host,
            t,
            f"Linux version {kver} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)",
            5,
        )
        kernel_msg(
            host,
            ms(t, 0),
            f"Command line: BOOT_IMAGE=/boot/vmlinuz-{kver} root=UUID={host.hex_id('rootfs', 8)}-4c1e-9a57-{host.hex_id('rootfs2', 12)} ro quiet{' audit=1' if audit is None else ''}",
            6,
        )
        state = "enabled" if audit is None else "disabled"  # db-1 has no auditd: audit=1
        kernel_msg(host, ms(t, 118), f"audit: initializing netlink subsys ({state})", 6)
        # the kernel's first audit record, to the console: the `kernel: audit:` wrapper
        stamp = ms(t, 116)
        enabled = int(audit is None)
        first = f"audit: type=2000 audit({int(ts(stamp))}.{stamp.microsecond // 1000:03d}:1): state=initialized audit_enabled={enabled} res=1"
        kernel_msg(host, ms(t, 119), first, 5)
        kernel_msg(
            host,
            ms(t, 1190),
            "EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
            6,
        )
        kernel_msg(host, ms(t, 2960), "EXT4-fs (vda1): re-mounted. Quota mode: none.", 6)
    t = ms(t, 3400)
    if audit is not None:
        auditd_start(host, t, *audit)
    t = ms(t, 60)
    body = ' comm="systemd-update-utmp" exe="/usr/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'
    utmp = user_record(host, "SYSTEM_BOOT", host.next_pid(), 0, UNSET, UNSET, body)
    host.audit.append(AuditEvent(ms(t, 3), [utmp]))
    for i, (unit, description) in enumerate(units):
        when = ms(t, 200 + 85 * i)
        systemd_msg(host, when, unit, f"Started {unit} - {description}.")
        # systemd reports each unit to the kernel: auditd's file, or journald (db-1)
        host.audit.append(
            AuditEvent(
                ms(when, -1),
                [service_record(host, "SERVICE_START", unit.removesuffix(".service"))],
            )
        )
    end = ms(t, 200 + 85 * len(units))
    unit_time = {unit: ms(t, 200 + 85 * i) for i, (unit, _) in enumerate(units)}
    listener = sshd_proc(
        host, host.sshd_pid, "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"
    )
    for i, address in enumerate(("0.0.0.0", "::")):
        syslog(
            host,
            ms(unit_time["ssh.service"], -3 + i),
            "sshd",
            host.sshd_pid,
            f"Server listening on {address} port 22.",
            proc=listener,
        )
    logind = unit_time["systemd-logind.service"]
    for i, msg in enumerate(
        (
            "New seat seat0.",
            "Watching system buttons on /dev/input/event0 (Power Button)",
            "Watching system buttons on /dev/input/event1 (AT Translated Set 2 keyboard)",
        )
    ):
        syslog(
            host, ms(logind, -9 + i), "systemd-logind", host.logind_pid, msg, proc=logind_proc(host)
        )
    body = 'old-level=N new-level=5 comm="systemd-update-utmp" exe="/usr/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'
    runlevel = user_record(host, "SYSTEM_RUNLEVEL", host.next_pid(), 0, UNSET, UNSET, body)
    host.audit.append(AuditEvent(end, [runlevel]))
    return end
