"""The login views and login.brute_force against plain-Python statements of their rules.

The SQL takes shortcuts for speed at scale (integer bucket joins, per-place scoping of the
dedupe, burst spans joined rather than numbered): random attempts crowded into a few
minutes, with copies across sources, missing addresses and users, exercise them against
a reference that follows the rules as the views and the detection document them.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from auditlake.queries.connection import connect
from auditlake.queries.detect import run_detection
from auditlake.queries.policy import load_policy_tables
from auditlake.queries.rules import load_detections

from auditlake.config import load_policy

sys.path.insert(0, str(Path(__file__).parent))
from detection_lakes import at, event, make_lake

Row = dict[str, Any]
HOSTS = ("web-1", "web-2")
ADDRESSES = ("203.0.113.50", "198.51.100.7", "10.0.0.5", None)
USERS = ("bob", "root", "alice", "?", "(invalid user)", None)
UNKNOWN_USERS = ("?", "(invalid user)", "(unknown)", "unknown")
WINDOW = timedelta(seconds=60)
THRESHOLD = 3
POLICY = '[login]\nbrute_force_failures = 3\nbrute_force_window = "60s"\n'


def _attempt(rng: random.Random, i: int, status: int) -> Row:
    source = rng.choice(("syslog", "journald", "auditd"))
    audit_type = (
        rng.choice(("USER_AUTH", "USER_LOGIN", "USER_ACCT")) if source == "auditd" else None
    )
    # a few event ids, so that some records are the same audit record read twice
    audit_event_id = f"1795745400.000:{rng.randrange(8)}" if source == "auditd" else None
    return event(
        (at("2026-11-27T02:10:00") + timedelta(milliseconds=rng.randrange(0, 240_000))).isoformat(),
        3002,
        source,
        event_uid=f"e{i:04d}",
        status_id=status,
        activity_id=rng.choice((1, 1, 1, 1, 2)),
        logon_type=rng.choice(("network", "network", "network", "local", "batch")),
        audit_type=audit_type,
        audit_event_id=audit_event_id,
        device_hostname=rng.choice(HOSTS),
        src_endpoint_ip=rng.choice(ADDRESSES),
        src_endpoint_port=rng.choice((22022, None)),
        process_pid=rng.choice((800, 801)),
        user_name=rng.choice(USERS),
        auth_protocol=rng.choice(("password", "publickey", "none", None)),
    )


def _attempts(seed: int, count: int = 400) -> list[Row]:
    rng = random.Random(seed)
    return [_attempt(rng, i, rng.choice((1, 2, 2))) for i in range(count)]


def _completeness(row: Row) -> int:
    audit = row.get("audit_type") or ""
    return (
        (1000 if row.get("auth_protocol") is None else 0)
        + (100 if row.get("src_endpoint_ip") is None else 0)
        + (5 if row.get("src_endpoint_port") is None else 0)
        + {"syslog": 0, "journald": 10}.get(row["source_type"], 20)
        + {"": 0, "USER_LOGIN": 1, "USER_AUTH": 2}.get(audit, 3)
    )


def _known(user: str | None) -> str | None:
    return None if user in UNKNOWN_USERS else user


def _is_copy(p: Row, t: Row) -> bool:
    """Is `p` a copy of `t`: a more complete record of the same attempt (20_logins.sql)."""
    return (
        t["device_hostname"] == p["device_hostname"]
        and abs(t["time"] - p["time"]) <= timedelta(seconds=5)
        and (
            _completeness(t) < _completeness(p)
            # the same audit record read twice (audit.log and the journal): one is kept
            or (
                _completeness(t) == _completeness(p)
                and p.get("audit_event_id") is not None
                and t.get("audit_event_id") == p["audit_event_id"]
                and t["event_uid"] < p["event_uid"]
            )
        )
        and (p.get("src_endpoint_ip") is None or t.get("src_endpoint_ip") == p["src_endpoint_ip"])
        and (
            _known(p.get("user_name")) is None
            or _known(t.get("user_name")) == _known(p["user_name"])
        )
        and (p.get("auth_protocol") is None or t.get("auth_protocol") == p["auth_protocol"])
        # where only the port tells them apart: the same connection's line of that second
        and (
            p.get("src_endpoint_port") is not None
            or t.get("src_endpoint_port") is None
            or _completeness(t) < _completeness(p) - 5
            or (
                t.get("process_pid") == p.get("process_pid")
                and abs(t["time"] - p["time"]) <= timedelta(seconds=1)
            )
        )
    )


def _unique(rows: list[Row], status: int) -> list[Row]:
    """The login attempts with outcome `status`, each once."""
    attempts = [
        r
        for r in rows
        if r["status_id"] == status
        and r["logon_type"] in ("network", "local")
        and r["activity_id"] == 1
        and r.get("audit_type") != "LOGIN"
    ]
    return [p for p in attempts if not any(_is_copy(p, t) for t in attempts)]


def _brute_force(rows: list[Row]) -> set[tuple[Any, ...]]:
    """Bursts of failures from one source, as login/brute_force.sql describes them."""
    successes = _unique(rows, 1)
    failures = [
        f
        for f in _unique(rows, 2)
        if f.get("src_endpoint_ip") is not None
        # a key the server refused is no guess
        and f.get("auth_protocol") not in ("publickey", "hostbased", "none")
    ]
    found = set()
    for place in {(f["device_hostname"], f["src_endpoint_ip"]) for f in failures}:
        own = sorted(
            (f for f in failures if (f["device_hostname"], f["src_endpoint_ip"]) == place),
            key=lambda f: (f["time"], f["event_uid"]),
        )
        bursts: list[list[Row]] = []
        for f in own:
            if bursts and bursts[-1][-1]["time"] >= f["time"] - WINDOW:
                bursts[-1].append(f)
            else:
                bursts.append([f])
        for burst in bursts:
            times = [f["time"] for f in burst]
            if not any(
                times[i - THRESHOLD + 1] >= times[i] - WINDOW
                for i in range(THRESHOLD - 1, len(times))
            ):
                continue
            after = [
                s
                for s in successes
                if (s["device_hostname"], s.get("src_endpoint_ip")) == place
                and times[0] <= s["time"] <= times[-1] + WINDOW
            ]
            success = min(after, key=lambda s: s["time"]) if after else None
            tried = sorted({f["user_name"] for f in burst if f.get("user_name") is not None})
            named = success["user_name"] if success else None
            user = named if named is not None else (tried[0] if len(tried) == 1 else None)
            message = f"{len(burst)} failed logins from {place[1]}" + (
                f", then a successful login as {success['user_name']}"
                if success and success.get("user_name") is not None
                else " (no success followed)"
            )
            uids = [f["event_uid"] for f in burst] + ([success["event_uid"]] if success else [])
            found.add(
                (
                    place[0],
                    times[0],
                    success["time"] if success else times[-1],
                    user,
                    place[1],
                    message,
                    tuple(uids),
                )
            )
    return found


@pytest.mark.parametrize("seed", range(4))
def test_each_login_attempt_is_kept_once_as_the_rule_says(tmp_path: Path, seed: int) -> None:
    rows = _attempts(seed)
    con = connect(make_lake(tmp_path, rows))
    for query, status in (
        ("SELECT event_uid FROM logins", 1),
        ("SELECT event_uid FROM login_failures", 2),
    ):
        got = {uid for (uid,) in con.execute(query).fetchall()}
        assert got == {r["event_uid"] for r in _unique(rows, status)}


@pytest.mark.parametrize("seed", range(4))
def test_attempts_of_some_places_are_those_places_attempts(tmp_path: Path, seed: int) -> None:
    con = connect(make_lake(tmp_path, _attempts(seed)))
    scoped = """
        SELECT event_uid
        FROM unique_login_attempts(
            2,
            (SELECT list(DISTINCT hash(device_hostname, src_endpoint_ip)) FROM events
             WHERE device_hostname = 'web-1' AND src_endpoint_ip <> '10.0.0.5')
        )
    """
    everything = """
        SELECT event_uid FROM unique_login_attempts(2)
        WHERE device_hostname = 'web-1' AND src_endpoint_ip <> '10.0.0.5'
    """
    got = sorted(con.execute(scoped).fetchall())
    assert got == sorted(con.execute(everything).fetchall())
    assert got


@pytest.mark.parametrize("seed", range(6))
def test_brute_force_finds_the_bursts_the_rule_describes(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    rows = _attempts(seed, 150)
    # a loud source on each host: failures a few seconds apart, some with copies
    for host in HOSTS:
        start = at("2026-11-27T02:11:00") + timedelta(seconds=rng.randrange(0, 60))
        for n in range(rng.randrange(2, 12)):
            loud = event(
                (start + timedelta(seconds=n * rng.choice((1, 5, 20, 70)))).isoformat(),
                3002,
                rng.choice(("syslog", "journald")),
                event_uid=f"{host}-loud{n:02d}",
                status_id=2,
                activity_id=1,
                logon_type="network",
                device_hostname=host,
                src_endpoint_ip="192.0.2.9",
                user_name=rng.choice(("root", "admin")),
                auth_protocol="password",
            )
            rows.append(loud)
    (tmp_path / "policy.toml").write_text(POLICY)
    con = connect(make_lake(tmp_path / "lake", rows))
    load_policy_tables(con, load_policy(tmp_path / "policy.toml"))
    detection = load_detections(only=["login.brute_force"])[0]
    got = {
        (
            r["device_hostname"],
            r["start_time"],
            r["end_time"],
            r["user_name"],
            r["src_endpoint_ip"],
            r["message"],
            tuple(r["event_uids"]),
        )
        for r in run_detection(con, detection)
    }
    assert got == _brute_force(rows)


def test_console_failures_alone_are_no_brute_force(tmp_path: Path) -> None:
    # a burst without a source address, and no source loud enough anywhere
    rows = [
        event(
            f"2026-11-27T02:10:{n:02d}",
            3002,
            "syslog",
            event_uid=f"tty{n}",
            status_id=2,
            activity_id=1,
            logon_type="local",
            user_name="root",
            auth_protocol="password",
        )
        for n in range(10)
    ]
    (tmp_path / "policy.toml").write_text(POLICY)
    con = connect(make_lake(tmp_path / "lake", rows))
    load_policy_tables(con, load_policy(tmp_path / "policy.toml"))
    detection = load_detections(only=["login.brute_force"])[0]
    assert run_detection(con, detection) == []
