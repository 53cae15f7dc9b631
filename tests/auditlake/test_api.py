"""The investigation API on a hand-made lake (see conftest.py for the story)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import auditlake
from auditlake.api import AuditLake, to_utc
from auditlake.display import LogFrame
from auditlake.errors import AuditlakeError, LakeError
from auditlake.lake import Lake
from auditlake.schema import EVENTS, FINDINGS, to_batch

if TYPE_CHECKING:
    from tests.auditlake.conftest import HandLake

HOSTILE_USER = "<img src=x onerror=alert(1)>"
HOSTILE_CMD = "echo \x1b[31mowned\x1b[0m <script>alert(2)</script>"


def at(clock: str) -> datetime:
    """A time on 2026-11-27 UTC (the day of the hand-made lake)."""
    return datetime.fromisoformat(f"2026-11-27T{clock}+00:00")


@pytest.fixture
def lake(hand_lake: HandLake) -> AuditLake:
    assert (hand_lake.hostile_user, hand_lake.hostile_cmd) == (HOSTILE_USER, HOSTILE_CMD)
    return auditlake.open(hand_lake.root)


def test_sql_binds_named_parameters_never_pasting_values(lake: AuditLake) -> None:
    rows = lake.sql("SELECT event_uid FROM events WHERE user_name = $user", user="deploy")
    assert isinstance(rows, LogFrame)
    assert rows["event_uid"].tolist() == ["e-accept-2"]
    sneaky = lake.sql("SELECT event_uid FROM events WHERE user_name = $u", u="x' OR '1'='1")
    assert sneaky.empty


def test_sql_error_is_an_auditlake_error(lake: AuditLake) -> None:
    with pytest.raises(AuditlakeError, match=r"query failed: .*no_such_table"):
        lake.sql("SELECT * FROM no_such_table")


def test_events_filter_by_kind_as_class_name_uid_or_source(lake: AuditLake) -> None:
    by_name = lake.events(kind="process activity")["event_uid"].tolist()
    assert by_name == ["e-bash", "e-docker"]
    assert lake.events(kind=1007)["event_uid"].tolist() == by_name
    assert lake.events(kind="1007")["event_uid"].tolist() == by_name
    assert lake.events(kind="syslog", user="deploy")["event_uid"].tolist() == ["e-accept-2"]
    assert lake.events(kind="auditd", limit=2)["event_uid"].tolist() == ["e-user-login", "e-bash"]


def test_events_filter_by_user_host_and_half_open_time_window(lake: AuditLake) -> None:
    rows = lake.events(user="bob", host="web-2", since="2026-11-27 02:10:02", until=at("02:20:05"))
    # user matches the actor (sudo by bob) and the target account (bob's logins)
    assert rows["event_uid"].tolist() == ["e-user-login", "e-bash", "e-sudo"]
    assert lake.events(host="web-1").empty


def test_unknown_event_kind_names_the_choices(lake: AuditLake) -> None:
    with pytest.raises(
        AuditlakeError, match=r"unknown event kind 'logins': .*Authentication \(3002\).*auditd"
    ):
        lake.events(kind="logins")


def test_bad_time_argument_says_how_to_write_one() -> None:
    with pytest.raises(AuditlakeError, match=r"since='yesterday-ish' is not a time: .*ISO 8601"):
        to_utc("yesterday-ish", "since")
    assert to_utc("2026-11-27 02:00", "since") == at("02:00:00")
    assert to_utc("2026-11-27T03:00:00+01:00", "since") == at("02:00:00")


def test_findings_filter_by_minimum_severity_and_detection(lake: AuditLake) -> None:
    assert lake.findings(severity="medium")["finding_uid"].tolist() == ["f-priv"]
    assert lake.findings(severity="critical").empty
    assert lake.findings(analytic="docker.privileged_container", user="bob").shape[0] == 1
    assert lake.findings(analytic="login.root").empty
    with pytest.raises(AuditlakeError, match="unknown severity 'urgent'"):
        lake.findings(severity="urgent")


def test_findings_carry_the_sentence_explain_gives_each(lake: AuditLake) -> None:
    findings = lake.findings()
    assert findings.columns[1] == "explanation"
    assert len(findings) > 0
    for uid, sentence in zip(findings["finding_uid"], findings["explanation"], strict=True):
        assert sentence == lake.explain(uid)


def test_sessions_stitch_sshd_pam_and_auditd_into_one_session(lake: AuditLake) -> None:
    sessions = lake.sessions()
    bob = sessions.iloc[0]
    assert bob["session_id"] == "web-2:7:20261127T021001"
    assert (bob["user_name"], bob["src_endpoint_ip"], bob["auth_protocol"]) == (
        "bob",
        "203.0.113.50",
        "password",
    )
    assert (bob["start_time"], bob["end_time"]) == (at("02:10:01"), at("02:40:00"))
    assert (bob["audit_session"], bob["login_pid"]) == ("7", 4242)
    assert list(bob["sources"]) == ["auditd", "syslog"]
    assert sorted(bob["event_uids"]) == sorted(
        ["e-accept", "e-pam-open", "e-user-login", "e-pam-close", "e-user-end"]
    )


def test_reused_sshd_pid_after_logout_starts_a_new_session(lake: AuditLake) -> None:
    sessions = lake.sessions()
    assert sessions["user_name"].tolist() == ["bob", "deploy"]
    deploy = sessions.iloc[1]
    assert deploy["start_time"] == at("05:00:00")
    assert deploy["end_time"] is None or deploy["end_time"] != deploy["end_time"]  # still open
    assert list(deploy["event_uids"]) == ["e-accept-2"]


def test_session_commands_come_from_auditd_ses_and_the_users_sudo_lines(lake: AuditLake) -> None:
    bob = lake.sessions(user="bob").iloc[0]
    assert bob["commands"] == [
        "-bash",
        "/usr/sbin/usermod -aG docker bob",
        "docker run --privileged -v /:/host alpine chroot /host sh",
    ]
    assert bob["command_event_uids"] == ["e-bash", "e-sudo", "e-docker"]


def test_sessions_filter_by_user_and_time(lake: AuditLake) -> None:
    assert lake.sessions(user="deploy")["user_name"].tolist() == ["deploy"]
    assert lake.sessions(since="2026-11-27 03:00")["user_name"].tolist() == ["deploy"]
    assert lake.sessions(until="2026-11-27 03:00")["user_name"].tolist() == ["bob"]
    assert lake.sessions(user="bob", since="2026-11-27 02:39:59")["user_name"].tolist() == ["bob"]
    assert lake.sessions(user="bob", since="2026-11-27 02:40:01").empty


def test_timeline_interleaves_events_and_findings_in_time_order(lake: AuditLake) -> None:
    table = lake.timeline(user="bob", since="2026-11-27 02:20", until="2026-11-27 02:21").table
    assert list(zip(table["kind"], table["uid"], strict=True)) == [
        ("event", "e-docker"),
        ("finding", "f-priv"),
        ("event", "e-fork"),
    ]


def test_timeline_saves_png_and_a_self_contained_escaped_html(
    lake: AuditLake, tmp_path: Path
) -> None:
    timeline = lake.timeline(host="web-2")
    png = timeline.save(tmp_path / "t.png")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    page = timeline.save(tmp_path / "t.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page
    with pytest.raises(AuditlakeError, match=r"cannot save a timeline as '\.txt'"):
        timeline.save(tmp_path / "t.txt")


def test_process_tree_has_ancestors_subject_and_children(lake: AuditLake) -> None:
    tree = lake.process_tree("web-2", 5000, at="2026-11-27 02:20:05")
    rows = tree.table[["depth", "pid", "ppid", "exe", "cmd_line", "observed"]]
    assert rows.to_dict("records") == [
        {"depth": -2, "pid": 4242, "ppid": None, "exe": None, "cmd_line": None, "observed": False},
        {
            "depth": -1,
            "pid": 4300,
            "ppid": 4242,
            "exe": "/usr/bin/bash",
            "cmd_line": "-bash",
            "observed": True,
        },
        {
            "depth": 0,
            "pid": 5000,
            "ppid": 4300,
            "exe": "/usr/bin/docker",
            "cmd_line": "docker run --privileged -v /:/host alpine chroot /host sh",
            "observed": True,
        },
        {
            "depth": 1,
            "pid": 5001,
            "ppid": 5000,
            "exe": "/usr/bin/docker",
            "cmd_line": None,
            "observed": True,
        },
    ]
    assert str(tree).splitlines() == [
        "4242 (not seen by auditd)",
        "  └─ 4300 -bash [bob]",
        "    └─ 5000 docker run --privileged -v /:/host alpine chroot /host sh [bob]",
        "      └─ 5001 /usr/bin/docker [bob]",
    ]


def test_process_tree_of_an_unseen_pid_is_empty(lake: AuditLake) -> None:
    tree = lake.process_tree("web-2", 999)
    assert tree.subject is None
    assert tree.table.empty


def test_raw_reads_every_record_of_an_auditd_event_from_a_gzip_source(
    lake: AuditLake, hand_lake: HandLake
) -> None:
    raw = lake.raw("e-docker")
    lines = raw.data.split(b"\n")
    # the SERVICE_START record between them belongs to another event
    assert [line.split(b" ", 1)[0] for line in lines[:-1]] == [b"type=SYSCALL", b"type=EXECVE"]
    assert b'a2="--privileged"' in lines[1]
    assert [s.source_file for s in raw.spans] == [str(hand_lake.audit_log)] * 2


def test_raw_of_a_syslog_event_is_its_exact_line(lake: AuditLake) -> None:
    assert lake.raw("e-accept").data == (
        b"Nov 27 02:10:01 web-2 sshd[4242]: Accepted password for bob from 203.0.113.50 "
        b"port 50522 ssh2\n"
    )


def test_raw_says_when_the_source_file_is_gone(lake: AuditLake, hand_lake: HandLake) -> None:
    hand_lake.auth_log.unlink()
    with pytest.raises(LakeError) as err:
        lake.raw("e-accept")
    assert str(err.value) == (
        f"{hand_lake.auth_log}: the source file of this event is gone (deleted or moved "
        "since ingest); restore it, or find it under its rotated name, to see the original lines"
    )


def test_raw_finds_a_source_file_under_a_later_name_ingest_read_it_by(
    lake: AuditLake, hand_lake: HandLake
) -> None:
    rotated = hand_lake.auth_log.with_name("auth.log.1")
    hand_lake.auth_log.rename(rotated)
    hand_lake.auth_log.write_bytes(b"Nov 28 00:00:00 web-2 CRON[1]: a new file\n")
    names = {"path": str(rotated), "paths": [str(hand_lake.auth_log), str(rotated)]}
    Lake(hand_lake.root).publish({}, extra={"files": {"fid-auth": names}})
    assert lake.raw("e-accept").data.startswith(b"Nov 27 02:10:01 web-2 sshd[4242]: Accepted")


def test_raw_refuses_a_source_file_rewritten_since_ingest(
    lake: AuditLake, hand_lake: HandLake
) -> None:
    data = hand_lake.auth_log.read_bytes()
    hand_lake.auth_log.write_bytes(b"Nov 28 00:00:00 web-2 CRON[1]: x\n" + data)
    with pytest.raises(
        LakeError,
        match=r"auth\.log:94: the source file changed since ingest \(the span no longer starts at a line start\)",
    ):
        lake.raw("e-pam-open")


def test_raw_refuses_an_audit_record_that_differs_from_the_parsed_one(
    lake: AuditLake, hand_lake: HandLake
) -> None:
    import gzip

    data = gzip.decompress(hand_lake.audit_log.read_bytes())
    hand_lake.audit_log.write_bytes(gzip.compress(data.replace(b"ses=7", b"ses=8")))
    with pytest.raises(LakeError, match="the line differs from the audit record parsed from it"):
        lake.raw("e-user-login")


def test_raw_of_a_finding_uid_points_to_its_events(lake: AuditLake) -> None:
    with pytest.raises(AuditlakeError, match="'f-priv' is a finding: call raw"):
        lake.raw("f-priv")


def test_explain_says_who_ran_what_where_and_when(lake: AuditLake) -> None:
    assert lake.explain("e-docker") == (
        "bob (auid 1002) ran `docker run --privileged -v /:/host alpine chroot /host sh` "
        "on web-2 at 2026-11-27 02:20:05 UTC"
    )
    assert lake.explain("e-accept") == (
        "bob logged in to web-2 from 203.0.113.50 with password via sshd at 2026-11-27 02:10:01 UTC"
    )
    assert lake.explain("e-sudo") == (
        "bob ran a command as root on web-2 at 2026-11-27 02:11:00 UTC: "
        "`/usr/sbin/usermod -aG docker bob`"
    )
    assert lake.explain("e-fork") == (
        "bob (auid 1002) connected to /var/run/docker.sock with `/usr/bin/docker` "
        "on web-2 at 2026-11-27 02:20:06 UTC"
    )
    assert lake.explain("f-priv") == (
        "docker.privileged_container (high) on web-2 at 2026-11-27 02:20:05 UTC: "
        "bob started a privileged container: docker run --privileged -v /:/host alpine chroot /host sh"
    )
    with pytest.raises(AuditlakeError, match="no event or finding has uid 'nope'"):
        lake.explain("nope")


def test_hostile_username_and_command_render_as_inert_html(lake: AuditLake) -> None:
    rows = lake.events(user=HOSTILE_USER)
    assert rows["process_cmd_line"].tolist() == [HOSTILE_CMD]  # the data stays raw
    for html in (
        rows._repr_html_(),
        rows.head(1)._repr_html_(),
        rows[["actor_user_name"]]._repr_html_(),
    ):
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<img" not in html and "<script>" not in html and "\x1b" not in html
    assert "echo \\x1b[31mowned\\x1b[0m &lt;script&gt;alert(2)&lt;/script&gt;" in rows._repr_html_()
    assert "\x1b" not in repr(rows)
    assert "\x1b" not in repr(rows["process_cmd_line"])  # a column renders escaped too
    assert "\x1b" not in repr(rows.iloc[0])  # and so does a row


def test_every_result_object_escapes_log_content(lake: AuditLake) -> None:
    rendered = [
        lake.timeline(user=HOSTILE_USER)._repr_html_(),
        lake.raw("e-hostile")._repr_html_(),
        lake.explain("e-hostile")._repr_html_(),
        lake.sessions()._repr_html_(),
    ]
    for html in rendered[:3]:
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<img src=x" not in html and "<script>" not in html and "\x1b" not in html
    explanation = lake.explain("e-hostile")
    assert "\x1b" in explanation  # the value is the raw text ...
    assert "\x1b" not in str(explanation) and "\x1b" not in repr(explanation)  # ... shown escaped
    assert "\x1b" not in str(lake.raw("e-hostile"))


def test_handle_sees_only_published_parts_until_refreshed(
    lake: AuditLake, hand_lake: HandLake
) -> None:
    store = Lake(hand_lake.root)
    before = lake.events().shape[0]
    row = lake.sql("SELECT * FROM events WHERE event_uid = 'e-accept'").to_dict("records")[0]
    row.update(event_uid="e-new", time=at("06:00:00"), event_date=at("06:00:00").date())
    rel = store.stage_part(
        "events", [to_batch([row], EVENTS)], "source_type=syslog/event_date=2026-11-27"
    )
    assert lake.events().shape[0] == before  # staged, not published
    store.publish({"events": [rel]})
    assert lake.events().shape[0] == before  # published after this handle's snapshot
    lake.refresh()
    assert lake.events().shape[0] == before + 1


def test_handle_reads_the_manifest_again_when_a_compaction_removed_its_parts(
    lake: AuditLake, hand_lake: HandLake
) -> None:
    store = Lake(hand_lake.root)
    old = list(store.read_manifest().parts["findings"])
    rows = lake.sql("SELECT * EXCLUDE (finding_uid) FROM findings").to_dict("records")
    batch = to_batch([{**rows[0], "finding_uid": "f-compacted"}], FINDINGS)
    new = store.stage_part("findings", [batch], "detection_date=2026-11-27")
    store.publish({"findings": [new]}, removed={"findings": old})
    for rel in old:
        (hand_lake.root / rel).unlink()
    assert lake.findings()["finding_uid"].tolist() == ["f-compacted"]


def test_sessions_survive_a_compaction_between_their_queries(
    lake: AuditLake, hand_lake: HandLake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sessions()` lends the sessions it stitched to the connection for its commands
    query. A compaction that replaced the events parts just before that query made the
    retry run on a fresh connection without them: "stitched_sessions does not exist"."""
    import pyarrow.parquet as pq

    import auditlake.api as api

    expected = lake.sessions()
    assert any(expected["commands"])  # the fixture's sessions have commands
    store = Lake(hand_lake.root)
    real = api.arrow_table
    compacted: list[str] = []

    def compact_before_commands(con: object, sql: str, params: object = None) -> object:
        if "stitched_sessions" in sql and not compacted:
            old = list(store.read_manifest().parts["events"])
            new = [
                store.stage_part(
                    "events",
                    pq.read_table(hand_lake.root / rel).to_batches(),
                    str(Path(rel).parent.relative_to("events")),
                )
                for rel in old
            ]
            store.publish({"events": new}, removed={"events": old})
            for rel in old:
                (hand_lake.root / rel).unlink()
            compacted.extend(new)
        return real(con, sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "arrow_table", compact_before_commands)
    found = lake.sessions()
    assert compacted
    assert found["commands"].tolist() == expected["commands"].tolist()


def test_evidence_lists_the_events_of_a_finding_explained(lake: AuditLake) -> None:
    rows = lake.evidence("f-priv")
    assert rows[["event_uid", "explanation"]].to_dict("records") == [
        {
            "event_uid": "e-docker",
            "explanation": "bob (auid 1002) ran `docker run --privileged -v /:/host alpine "
            "chroot /host sh` on web-2 at 2026-11-27 02:20:05 UTC",
        }
    ]
    with pytest.raises(AuditlakeError, match="no event or finding has uid 'f-nope'"):
        lake.evidence("f-nope")


def test_a_command_is_in_the_last_session_of_its_user_to_start_that_is_open(
    tmp_path: Path,
) -> None:
    """Session A's end is not in the lake (its logs rotated away): A stays open. B starts
    later and ends. A sudo line is listed once, in the last session of its user on its
    host to start that was open when it ran: A before B, B during B, A again after B.
    Listing it in every open session would put all of a user's later commands in every
    session whose end was lost."""
    from tests.queries.detection_lakes import event, make_lake

    def login(time: str, pid: int, activity: int = 1) -> dict[str, object]:
        return event(time, 3002, "syslog", app_name="sshd", activity_id=activity,
                     status_id=1, user_name="bob", logon_type="network", process_pid=pid)  # fmt: skip

    def sudo(time: str, cmd: str) -> dict[str, object]:
        return event(time, 3002, "syslog", app_name="sudo", activity_id=1, status_id=1,
                     actor_user_name="bob", user_name="root", logon_type="elevate",
                     process_cmd_line=cmd)  # fmt: skip

    rows = [
        login("2026-11-27T01:00:00", 100),
        sudo("2026-11-27T01:30:00", "id"),
        login("2026-11-27T02:00:00", 200),
        sudo("2026-11-27T02:30:00", "whoami"),
        login("2026-11-27T03:00:00", 200, activity=2),
        sudo("2026-11-27T03:30:00", "uptime"),
    ]
    found = auditlake.open(make_lake(tmp_path / "lake", rows)).sessions(user="bob")
    assert [(str(s.start_time.time()), s.commands) for s in found.itertuples()] == [
        ("01:00:00", ["id", "uptime"]),
        ("02:00:00", ["whoami"]),
    ]


def test_a_read_error_of_an_unchanged_lake_is_said_as_is(
    lake: AuditLake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only parts replaced since the lake was opened make the handle read the manifest
    again and retry; a full disk under DuckDB's spill files is reported, not retried."""
    import duckdb

    import auditlake.api as api

    def full_disk(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException('Could not write file ".tmp/duckdb_temp_1.tmp": No space left')

    con = lake.con
    monkeypatch.setattr(api, "arrow_table", full_disk)
    with pytest.raises(AuditlakeError, match="No space left"):
        lake.findings()
    assert lake.con is con
