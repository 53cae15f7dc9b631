"""Load a policy into DuckDB tables that detections join against (`policy_*`).

Tables are built as Arrow and handed to DuckDB, never as SQL text. CIDR matching needs
no DuckDB extension: every distinct source address in `events` is classified here with
Python's `ipaddress` (IPv4 and IPv6, IPv4-mapped IPv6 as IPv4) into `policy_ip_trust`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import duckdb
import pyarrow as pa

from auditlake.config import IPNetwork, Policy


def run_path(path: str) -> str:
    """Spell /var/run/... as /run/... (on every modern distribution one is a symlink)."""
    if path == "/var/run" or path.startswith("/var/run/"):
        return path[4:]
    return path


def _classify(ip: str, networks: tuple[IPNetwork, ...]) -> str | None:
    """Return the trusted network that holds `ip`, or None (also for non-addresses)."""
    try:
        address = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return None  # sshd with UseDNS logs a host name: it cannot be proven trusted
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return next((str(n) for n in networks if address in n), None)


def _heads(patterns: tuple[str, ...]) -> list[str]:
    """Return the first one or two path components of each watched pattern ("etc/docker").

    A path can match a pattern only if its own head of the same depth is in this list,
    which a hash join checks cheaply before the exact comparison. A glob in the first
    component makes every path a candidate ("*").
    """
    heads = []
    for pattern in patterns:
        parts = run_path(pattern).strip("/").split("/")
        if "*" in parts[0]:
            heads.append("*")
        elif len(parts) == 1 or "*" in parts[1]:
            heads.append(parts[0])
        else:
            heads.append(f"{parts[0]}/{parts[1]}")
    return heads


# Policy lists that detections also test inside a scan's filters, as session variables:
# `getvariable()` is a constant when DuckDB plans a query, so it pushes
# `list_contains(getvariable('policy_socket_users'), actor_user_name)` into the Parquet
# scan and skips the other columns of those rows, where a join with the policy table is
# applied only after every column of every row was read. The tables stay the reference.
POLICY_VARIABLES = (
    "SET VARIABLE policy_socket_users = "
    "(SELECT coalesce(list(user_name), []::VARCHAR[]) FROM policy_socket_users)",
)


def _create(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.from_arrow(table).create(name)


def _column(values: tuple[str, ...] | list[str], name: str) -> pa.Table:
    return pa.table({name: pa.array(sorted(set(values)), pa.string())})


def load_policy_tables(con: duckdb.DuckDBPyConnection, policy: Policy) -> None:
    """Create the `policy_*` tables in `con` (a connection over a lake) from `policy`."""
    login, docker = policy.login, policy.docker
    settings: dict[str, list[Any]] = {
        "allow_root": [login.allow_root],
        "any_user_allowed": [not login.allowed_users],
        "any_method_allowed": [not login.allowed_methods],
        "any_network_trusted": [not login.trusted_networks],
        "brute_force_failures": [login.brute_force_failures],
        "brute_force_window_seconds": [login.brute_force_window_seconds],
        "policy_source": [policy.source],
    }
    _create(con, "policy_settings", pa.table(settings))
    _create(con, "policy_allowed_users", _column(login.allowed_users, "user_name"))
    _create(con, "policy_allowed_methods", _column(login.allowed_methods, "auth_protocol"))
    _create(con, "policy_group_members", _column(docker.allowed_group_members, "user_name"))
    _create(con, "policy_socket_users", _column(docker.allowed_socket_users, "user_name"))
    _create(
        con,
        "policy_docker_processes",
        _column([run_path(p) for p in docker.allowed_socket_processes], "pattern"),
    )
    _create(
        con,
        "policy_watched_paths",
        _column([run_path(p) for p in docker.watched_paths], "pattern"),
    )
    _create(con, "policy_watched_heads", _column(_heads(docker.watched_paths), "head"))
    _create(
        con,
        "policy_sensitive_mounts",
        _column([run_path(p.rstrip("/") or "/") for p in docker.sensitive_mounts], "path"),
    )
    ips = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT src_endpoint_ip FROM events WHERE src_endpoint_ip IS NOT NULL"
        ).fetchall()
    ]
    networks = [_classify(ip, login.trusted_networks) for ip in ips]
    trust = pa.table(
        {
            "ip": pa.array(ips, pa.string()),
            "trusted": pa.array([n is not None for n in networks], pa.bool_()),
            "network": pa.array(networks, pa.string()),
        }
    )
    _create(con, "policy_ip_trust", trust)
    for statement in POLICY_VARIABLES:
        con.execute(statement)
