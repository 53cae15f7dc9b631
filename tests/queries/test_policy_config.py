"""The policy file: defaults, validation with file:line errors, and its DuckDB tables."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import pytest
from auditlake.queries.connection import connect
from auditlake.queries.policy import load_policy_tables

from auditlake.config import CIS_DOCKER_PATHS, Policy, load_policy, parse_policy
from auditlake.errors import ConfigError

sys.path.insert(0, str(Path(__file__).parent))
from detection_lakes import event, make_lake

SAMPLE_POLICY = """\
[login]
allowed_users = ["deploy", "alice"]
trusted_networks = ["10.0.0.0/8", "2001:db8::/32"]
allowed_methods = ["publickey"]
allow_root = false
brute_force_failures = 5
brute_force_window = "2m"

[docker]
allowed_group_members = ["alice"]
allowed_socket_users = ["alice"]
"""


def test_policy_file_overrides_only_the_keys_it_sets() -> None:
    policy = parse_policy(SAMPLE_POLICY, "p.toml")
    assert policy.login.allowed_users == ("deploy", "alice")
    assert policy.login.trusted_networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("2001:db8::/32"),
    )
    assert policy.login.brute_force_failures == 5
    assert policy.login.brute_force_window_seconds == 120
    assert policy.docker.watched_paths == Policy().docker.watched_paths
    assert policy.source == "p.toml"


def test_default_watched_paths_hold_the_cis_docker_list() -> None:
    watched = Policy().docker.watched_paths
    for path in (
        "/etc/docker",
        "/var/lib/docker",
        "/etc/docker/daemon.json",
        "/usr/bin/runc",
        "/usr/sbin/runc",
        "/usr/bin/containerd-shim*",
        "/run/containerd",
        "/etc/default/docker",
        "/etc/sysconfig/docker",
        "/etc/containerd/config.toml",
    ):
        assert path in watched
    assert set(CIS_DOCKER_PATHS) <= set(watched)


def test_no_policy_file_means_defaults() -> None:
    assert load_policy(None) == Policy()


def test_invalid_cidr_is_reported_at_its_line() -> None:
    text = '[login]\nallowed_users = ["a"]\ntrusted_networks = ["10.0.0.0/33"]\n'
    with pytest.raises(ConfigError) as err:
        parse_policy(text, "policy.toml")
    assert str(err.value).startswith(
        "policy.toml:3: [login] trusted_networks: invalid network '10.0.0.0/33'"
    )
    assert 'expected a CIDR such as "10.0.0.0/8"' in str(err.value)


def test_cidr_with_host_bits_set_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"policy.toml:2: .*'10.0.0.1/8'"):
        parse_policy('[login]\ntrusted_networks = ["10.0.0.1/8"]\n', "policy.toml")


def test_unknown_key_names_the_expected_keys() -> None:
    with pytest.raises(ConfigError) as err:
        parse_policy("[docker]\nallowed_users = []\n", "p.toml")
    assert str(err.value) == (
        "p.toml:2: [docker] allowed_users: unknown key (expected one of allowed_group_members, "
        "allowed_socket_users, allowed_socket_processes, watched_paths, sensitive_mounts)"
    )


def test_bad_duration_says_how_to_write_one() -> None:
    with pytest.raises(ConfigError) as err:
        parse_policy('[login]\nbrute_force_window = "ten minutes"\n', "p.toml")
    assert str(err.value) == (
        "p.toml:2: [login] brute_force_window: invalid duration 'ten minutes' "
        '(expected e.g. "90s", "10m", "1h")'
    )


def test_toml_syntax_error_has_line_and_column() -> None:
    with pytest.raises(ConfigError) as err:
        parse_policy("[login]\nallow_root = flase\n", "p.toml")
    assert str(err.value).startswith("p.toml:2:14: invalid TOML")


def test_relative_watched_path_is_refused() -> None:
    with pytest.raises(
        ConfigError,
        match=r"p.toml:2: \[docker\] watched_paths: 'etc/docker' is not an absolute path",
    ):
        parse_policy('[docker]\nwatched_paths = ["etc/docker"]\n', "p.toml")


def test_missing_policy_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.toml")


def test_source_addresses_are_classified_by_trusted_network(tmp_path: Path) -> None:
    ips = [
        "10.1.2.3",
        "203.0.113.50",
        "2001:db8::5",
        "2001:db9::5",
        "::ffff:10.0.0.5",
        "bastion.example",
    ]
    rows = [
        event(f"2026-11-27T02:10:0{i}", 3002, "syslog", src_endpoint_ip=ip, event_uid=f"e{i}")
        for i, ip in enumerate(ips)
    ]
    con = connect(make_lake(tmp_path, rows))
    load_policy_tables(con, parse_policy(SAMPLE_POLICY))
    got = dict(con.execute("SELECT ip, network FROM policy_ip_trust").fetchall())
    assert got == {
        "10.1.2.3": "10.0.0.0/8",
        "203.0.113.50": None,
        "2001:db8::5": "2001:db8::/32",
        "2001:db9::5": None,
        "::ffff:10.0.0.5": "10.0.0.0/8",
        "bastion.example": None,
    }


def test_policy_lists_become_tables_with_run_paths_normalised(tmp_path: Path) -> None:
    con = connect(make_lake(tmp_path, [event("2026-11-27T02:10:00", 0, "syslog")]))
    load_policy_tables(con, Policy())
    mounts = {r[0] for r in con.execute("SELECT path FROM policy_sensitive_mounts").fetchall()}
    assert "/run/docker.sock" in mounts
    assert "/var/run/docker.sock" not in mounts
    settings = con.execute(
        "SELECT allow_root, any_user_allowed, brute_force_failures, brute_force_window_seconds "
        "FROM policy_settings"
    ).fetchall()
    assert settings == [(False, True, 10, 600)]


def test_allowed_socket_users_are_a_session_variable_too(tmp_path: Path) -> None:
    con = connect(make_lake(tmp_path, [event("2026-11-27T02:00:00", 1007)]))
    load_policy_tables(con, parse_policy('[docker]\nallowed_socket_users = ["bob", "alice"]\n'))
    assert con.execute("SELECT getvariable('policy_socket_users')").fetchall() == [
        (["alice", "bob"],)
    ]
    load_policy_tables(con, parse_policy("[docker]\nallowed_socket_users = []\n"))
    assert con.execute("SELECT getvariable('policy_socket_users')").fetchall() == [([],)]
