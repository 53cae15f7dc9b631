"""The detection policy: who may log in and from where, who may touch Docker, what is watched.

Policy is data, not code: a TOML file (`--policy FILE`) with the tables `[login]` and
`[docker]`; every key is optional and falls back to the default documented below.
In `[login]` an empty list switches its check off (`allowed_users = []`: anyone may
log in; `trusted_networks = []`: every network is trusted). In `[docker]` an empty
`allowed_group_members` or `allowed_socket_users` allows nobody.

Daemons are not users. A process whose `auid` is unset (4294967295: started by init,
never by a login) and whose executable is in `allowed_socket_processes` is the Docker
engine itself: its socket traffic and its writes to watched paths are not findings,
unless its security label (auditd's `subj`: AppArmor's docker-default, SELinux's
container_t, ...) says it runs in a container, where any executable path can be had.
Every other process with an unset `auid` is still flagged: a root service that is
not the engine yet talks to the Docker API or rewrites Docker's files is how a
compromised agent looks; allow it by adding its executable to the list.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditlake.errors import ConfigError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# CIS Docker Benchmark 1.6.0, section 1.1 ("Ensure auditing is configured for ..."):
# the daemon, /run/containerd, /var/lib/docker, /etc/docker, docker.service,
# containerd.sock, docker.sock, /etc/default/docker, /etc/docker/daemon.json,
# /etc/containerd/config.toml, /etc/sysconfig/docker, /usr/bin/containerd,
# containerd-shim, containerd-shim-runc-v1/v2, runc. Unit files are listed at every
# place systemd loads them from; binaries at /usr/bin and /usr/sbin (distributions
# differ, and /usr/bin/runc is often a symlink to /usr/sbin/runc: audit logs the path
# as the process named it). A trailing `*` is a glob; any other entry matches itself
# and everything under it. /var/run and /run are the same directory.
CIS_DOCKER_PATHS = (
    "/usr/bin/dockerd",
    "/usr/sbin/dockerd",
    "/usr/bin/docker",
    "/run/containerd",
    "/var/lib/docker",
    "/etc/docker",
    "/lib/systemd/system/docker.service",
    "/usr/lib/systemd/system/docker.service",
    "/etc/systemd/system/docker.service",
    "/etc/systemd/system/docker.service.d",
    "/lib/systemd/system/docker.socket",
    "/usr/lib/systemd/system/docker.socket",
    "/etc/systemd/system/docker.socket",
    "/run/containerd/containerd.sock",
    "/run/docker.sock",
    "/etc/default/docker",
    "/etc/docker/daemon.json",
    "/etc/containerd/config.toml",
    "/etc/sysconfig/docker",
    "/usr/bin/containerd",
    "/usr/bin/containerd-shim*",
    "/usr/bin/runc",
    "/usr/sbin/runc",
)
# Paths of current installs that the benchmark predates: containerd's state and config,
# rootless and CLI plugins, the docker-proxy and init helpers, /etc/containerd.
MODERN_DOCKER_PATHS = (
    "/etc/containerd",
    "/var/lib/containerd",
    "/usr/libexec/docker",
    "/usr/local/bin/docker*",
    "/usr/local/bin/containerd*",
    "/usr/local/bin/runc",
    "/usr/bin/docker-proxy",
    "/usr/bin/docker-init",
    "/usr/lib/systemd/system/containerd.service",
    "/lib/systemd/system/containerd.service",
    "/etc/systemd/system/containerd.service",
    # the rest of systemd's unit search path (/run and /usr/local/lib, drop-in
    # directories beside each unit): a drop-in there changes the daemon's command line
    "/run/systemd/system/docker.service",
    "/run/systemd/system/docker.service.d",
    "/run/systemd/system/docker.socket",
    "/run/systemd/system/docker.socket.d",
    "/run/systemd/system/containerd.service",
    "/run/systemd/system/containerd.service.d",
    "/usr/local/lib/systemd/system/docker.service",
    "/usr/local/lib/systemd/system/docker.socket",
    "/usr/local/lib/systemd/system/containerd.service",
    "/usr/lib/systemd/system/docker.service.d",
    "/lib/systemd/system/docker.service.d",
    "/usr/lib/systemd/system/containerd.service.d",
    "/lib/systemd/system/containerd.service.d",
    "/etc/systemd/system/docker.socket.d",
    "/etc/systemd/system/containerd.service.d",
    # /usr/local/sbin comes before /usr/bin in systemd's and most shells' PATH
    "/usr/local/sbin/docker*",
    "/usr/local/sbin/containerd*",
    "/usr/local/sbin/runc",
)

DEFAULT_SOCKET_PROCESSES = (
    "/usr/bin/dockerd",
    "/usr/sbin/dockerd",
    "/usr/bin/containerd",
    "/usr/bin/containerd-shim*",
    "/usr/bin/runc",
    "/usr/sbin/runc",
    "/usr/bin/docker-proxy",
)
DEFAULT_SENSITIVE_MOUNTS = (
    "/",
    "/etc",
    "/root",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/proc",
    "/var/lib/docker",
)
# RFC 1918, loopback and unique-local: the networks a default install trusts.
DEFAULT_TRUSTED_NETWORKS = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "::1/128",
    "fc00::/7",
)

_DURATION = re.compile(r"^([0-9]+)(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """Rules for interactive logins (sshd, console)."""

    allowed_users: tuple[str, ...] = ()
    trusted_networks: tuple[IPNetwork, ...] = tuple(
        ipaddress.ip_network(n) for n in DEFAULT_TRUSTED_NETWORKS
    )
    allowed_methods: tuple[str, ...] = ("publickey",)
    allow_root: bool = False
    brute_force_failures: int = 10
    brute_force_window_seconds: int = 600


@dataclass(frozen=True, slots=True)
class DockerPolicy:
    """Rules for the Docker engine: group, socket, files, containers."""

    allowed_group_members: tuple[str, ...] = ()
    allowed_socket_users: tuple[str, ...] = ()
    allowed_socket_processes: tuple[str, ...] = DEFAULT_SOCKET_PROCESSES
    watched_paths: tuple[str, ...] = CIS_DOCKER_PATHS + MODERN_DOCKER_PATHS
    sensitive_mounts: tuple[str, ...] = DEFAULT_SENSITIVE_MOUNTS


@dataclass(frozen=True, slots=True)
class Policy:
    """The whole policy and where it came from ("defaults" or a file path)."""

    login: LoginPolicy = field(default_factory=LoginPolicy)
    docker: DockerPolicy = field(default_factory=DockerPolicy)
    source: str = "defaults"


class _Reader:
    """Validate one TOML document, reporting each problem at its file:line."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")

    def line_of(self, table: str, key: str) -> int | None:
        """Return the line that assigns `key` inside `[table]` (1-based), if any."""
        current = ""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"^\s*\[([^\]]+)\]", line)
            if header:
                current = header.group(1).strip()
            elif current == table and pattern.match(line):
                return number
        return None

    def error(self, table: str, key: str, message: str) -> ConfigError:
        line = self.line_of(table, key)
        where = f"{self.path}:{line}" if line else self.path
        return ConfigError(f"[{table}] {key}: {message}", where)

    def strings(self, section: dict[str, Any], table: str, key: str) -> tuple[str, ...] | None:
        if key not in section:
            return None
        value = section[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(table, key, 'expected a list of strings, e.g. ["a", "b"]')
        return tuple(value)

    def boolean(self, section: dict[str, Any], table: str, key: str) -> bool | None:
        if key not in section:
            return None
        if not isinstance(section[key], bool):
            raise self.error(table, key, "expected true or false")
        return bool(section[key])

    def positive_int(self, section: dict[str, Any], table: str, key: str) -> int | None:
        if key not in section:
            return None
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(table, key, "expected a whole number >= 1, e.g. 10")
        return int(value)

    def duration(self, section: dict[str, Any], table: str, key: str) -> int | None:
        if key not in section:
            return None
        match = _DURATION.match(str(section[key])) if isinstance(section[key], str) else None
        if not match or int(match.group(1)) == 0:
            raise self.error(
                table, key, f'invalid duration {section[key]!r} (expected e.g. "90s", "10m", "1h")'
            )
        return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]

    def networks(
        self, section: dict[str, Any], table: str, key: str
    ) -> tuple[IPNetwork, ...] | None:
        cidrs = self.strings(section, table, key)
        if cidrs is None:
            return None
        out = []
        for cidr in cidrs:
            try:
                out.append(ipaddress.ip_network(cidr, strict=True))
            except ValueError as exc:
                raise self.error(
                    table,
                    key,
                    f'invalid network {cidr!r}: {exc} (expected a CIDR such as "10.0.0.0/8" or "2001:db8::/32")',
                ) from None
        return tuple(out)

    def paths(self, section: dict[str, Any], table: str, key: str) -> tuple[str, ...] | None:
        paths = self.strings(section, table, key)
        for path in paths or ():
            if not path.startswith("/"):
                raise self.error(table, key, f"{path!r} is not an absolute path (start it with /)")
        return paths

    def check_keys(self, doc: dict[str, Any], allowed: dict[str, tuple[str, ...]]) -> None:
        for table, section in doc.items():
            if table not in allowed or not isinstance(section, dict):
                raise ConfigError(
                    f"unknown table [{table}] (expected {' and '.join(f'[{t}]' for t in allowed)})",
                    self.path,
                )
            for key in section:
                if key not in allowed[table]:
                    raise self.error(
                        table, key, f"unknown key (expected one of {', '.join(allowed[table])})"
                    )


def _set(values: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        values[key] = value


def parse_policy(text: str, path: str = "<policy>") -> Policy:
    """Parse and validate policy TOML text; unset keys take their defaults."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        position = _TOML_POSITION.search(str(exc))
        where = f"{path}:{position.group(1)}:{position.group(2)}" if position else path
        message = _TOML_POSITION.sub("", str(exc)).strip()
        raise ConfigError(
            f"invalid TOML: {message} (check quotes, brackets and commas)", where
        ) from None
    reader = _Reader(path, text)
    reader.check_keys(
        doc,
        {
            "login": (
                "allowed_users",
                "trusted_networks",
                "allowed_methods",
                "allow_root",
                "brute_force_failures",
                "brute_force_window",
            ),
            "docker": (
                "allowed_group_members",
                "allowed_socket_users",
                "allowed_socket_processes",
                "watched_paths",
                "sensitive_mounts",
            ),
        },
    )
    login_doc, docker_doc = doc.get("login", {}), doc.get("docker", {})
    login: dict[str, Any] = {}
    _set(login, "allowed_users", reader.strings(login_doc, "login", "allowed_users"))
    _set(login, "trusted_networks", reader.networks(login_doc, "login", "trusted_networks"))
    _set(login, "allowed_methods", reader.strings(login_doc, "login", "allowed_methods"))
    _set(login, "allow_root", reader.boolean(login_doc, "login", "allow_root"))
    _set(
        login,
        "brute_force_failures",
        reader.positive_int(login_doc, "login", "brute_force_failures"),
    )
    _set(
        login,
        "brute_force_window_seconds",
        reader.duration(login_doc, "login", "brute_force_window"),
    )
    docker: dict[str, Any] = {}
    for key in ("allowed_group_members", "allowed_socket_users"):
        _set(docker, key, reader.strings(docker_doc, "docker", key))
    for key in ("allowed_socket_processes", "watched_paths", "sensitive_mounts"):
        _set(docker, key, reader.paths(docker_doc, "docker", key))
    return Policy(LoginPolicy(**login), DockerPolicy(**docker), source=path)


def load_policy(path: str | Path | None) -> Policy:
    """Load the policy file at `path`, or the defaults when `path` is None."""
    if path is None:
        return Policy()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read policy file: {exc.strerror} (pass an existing TOML file to --policy)",
            str(path),
        ) from None
    except UnicodeDecodeError:
        raise ConfigError("policy file is not UTF-8 text", str(path)) from None
    return parse_policy(text, str(path))
