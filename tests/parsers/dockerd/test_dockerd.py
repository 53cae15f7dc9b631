"""dockerd's own log: logrus text, TTY form, JSON, debug API lines, corpus files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from auditlake.parsers.dockerd import (
    ApiPairing,
    DockerdParser,
    afresh_row,
    go_unquote,
    logrus_fields,
    normalize_dockerd_message,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name", ["debug-api.log", "tty.log", "json.log"])
def test_sample_matches_golden(name, run_parser, golden, check_accounting):
    data = (DATA / name).read_bytes()
    out, resume = run_parser(DockerdParser, data, name=name, host="web-2")
    assert resume == len(data)
    check_accounting(out, data, resume)
    golden(DATA / name, out)


@pytest.mark.parametrize("block_lines", [1, 3])
def test_blocks_of_any_size_give_the_same_rows(block_lines, run_parser):
    data = (DATA / "debug-api.log").read_bytes()
    whole, _ = run_parser(DockerdParser, data)
    split, _ = run_parser(DockerdParser, data, block_lines=block_lines)
    assert split == whole


def test_privileged_create_with_root_bind_is_visible_from_the_daemon_log(run_parser):
    data = (DATA / "debug-api.log").read_bytes()
    out, _ = run_parser(DockerdParser, data)
    create = [
        e for e in out.events if e.get("container_privileged") and "container_image_name" in e
    ]
    assert [
        (e["container_name"], e["container_image_name"], e["container_mounts"]) for e in create
    ] == [
        ("pwn", "alpine", ["/"]),
    ]
    assert create[0]["api_operation"] == "POST /containers/create"
    assert create[0]["class_uid"] == 6003


def test_form_data_without_a_calling_line_has_no_container_name():
    row = normalize_dockerd_message(
        'time="2026-11-27T02:32:00Z" level=debug msg="form data: {\\"HostConfig\\":{\\"Privileged\\":true},\\"Image\\":\\"alpine\\"}"',
        ApiPairing(),
    )
    assert row is not None
    assert "container_name" not in row
    assert "api_operation" not in row
    assert row["container_privileged"] is True


def test_calling_line_pairs_only_with_the_next_form_data():
    pairing = ApiPairing()
    calling = (
        'time="2026-11-27T02:31:07Z" level=debug msg="Calling POST /v1.43/containers/create?name=x"'
    )
    form = 'time="2026-11-27T02:31:07Z" level=debug msg="form data: {\\"Image\\":\\"alpine\\"}"'
    first = normalize_dockerd_message(calling, pairing)
    second = normalize_dockerd_message(form, pairing)
    third = normalize_dockerd_message(form, pairing)
    assert first is not None and second is not None and third is not None
    assert first["container_name"] == second["container_name"] == "x"
    assert "container_name" not in third


@pytest.mark.parametrize(
    ("message", "afresh"),
    [
        ('time="2026-11-27T02:31:07Z" level=info msg="Loading containers: done."', True),
        ('time="2026-11-27T02:31:07Z" level=debug msg="Calling GET /v1.43/_ping"', True),
        (
            'time="2026-11-27T02:31:07Z" level=debug msg="Calling POST /v1.43/containers/create"',
            True,
        ),
        ("goroutine 1 [running]:", True),  # plain text ends a pairing too
        ('time="2026-11-27T02:31:07Z" level=debug msg="form data: {}"', False),  # takes it
        ('time="2026-11-27T02:31:07Z" level=debug msg="Calling it a day"', False),  # keeps it
        ('{"msg": "not JSON', False),  # unreadable JSON leaves the pairing as it was
        ('{"level": "info", "msg": "Calling POST /a"}', True),
        ("[1, 2]", True),
        ("   ", False),  # blank: no row, the pairing as it was
    ],
)
def test_afresh_row_only_for_messages_that_owe_nothing_to_the_pairing(message, afresh):
    assert (afresh_row(message) is not None) is afresh
    if afresh:
        assert afresh_row(message) == normalize_dockerd_message(message, ApiPairing())


def test_host_mounts_list_bind_sources_and_named_volumes_apart(run_parser):
    data = (DATA / "debug-api.log").read_bytes()
    out, _ = run_parser(DockerdParser, data)
    nginx = next(e for e in out.events if e.get("container_image_name") == "nginx:1.27")
    assert nginx["container_mounts"] == ["/srv/www", "/var/run/docker.sock"]
    assert nginx["container_cap_add"] == ["SYS_ADMIN", "NET_ADMIN"]
    assert nginx["container_host_namespaces"] == ["pid", "network", "ipc", "uts", "userns"]
    assert nginx["container_privileged"] is False
    # named volumes, which a volumes/create may have bound to a host path (volume_definitions)
    assert nginx["unmapped"] == {
        "security_opt": "seccomp=unconfined",
        "volumes": '["webdata", "cache"]',
    }


def test_go_unquote_handles_nested_escapes_and_keeps_invalid_bytes():
    assert go_unquote(r"modprobe: FATAL: \"aufs\\n\"") == 'modprobe: FATAL: "aufs\\n"'
    assert go_unquote(r"tab\there\u00e9\U0001F600") == "tab\there\u00e9\U0001f600"
    assert go_unquote(r"bad \xff byte \377") == r"bad \xff byte \377"


def test_logrus_fields_keep_unquoted_and_parenthesized_keys():
    fields = logrus_fields(
        'time="t" level=info msg=serving... address=/run/c.sock graphdriver(s)=overlay2 e=""'
    )
    assert fields == {
        "time": "t",
        "level": "info",
        "msg": "serving...",
        "address": "/run/c.sock",
        "graphdriver(s)": "overlay2",
        "e": "",
    }


def test_normalize_keeps_the_daemons_own_time_in_utc():
    row = normalize_dockerd_message(
        'time="2026-11-27T03:15:00.123456789+01:00" level=info msg="API listen on /run/docker.sock"'
    )
    assert row is not None
    assert row["time"] == datetime(2026, 11, 27, 2, 15, 0, 123456, tzinfo=UTC)
    assert row["event_date"].isoformat() == "2026-11-27"


def test_normalize_plain_text_is_a_base_event_and_blank_is_none():
    assert normalize_dockerd_message("time to go") == {"class_uid": 0, "message": "time to go"}
    assert normalize_dockerd_message("  \t") is None


def test_relative_tty_time_before_any_absolute_time_is_rejected(run_parser):
    out, _ = run_parser(DockerdParser, (DATA / "tty.log").read_bytes())
    assert [r["reason"] for r in out.rejects] == [
        "dockerd line without a time, and no timestamped line before it"
    ]
    relative = next(e for e in out.events if e["message"] == "Calling GET /v1.43/containers/json")
    assert relative["unmapped"] == {
        "elapsed_seconds": "0003",
        "time_inferred": "from the previous line",
    }
    assert relative["time"] == datetime(2026, 11, 27, 2, 40, 1, 500000, tzinfo=UTC)


def test_run_of_blank_lines_is_one_reject_spanning_all_of_them(run_parser):
    line = b'time="2026-11-27T02:10:00Z" level=info msg="up"\n'
    data = line + b"\n" * 1000 + b"  \n" + line
    out, _ = run_parser(DockerdParser, data)
    assert [(r["source_offset"], r["source_length"], r["reason"]) for r in out.rejects] == [
        (len(line), 1003, "blank lines")
    ]
    assert [e["source_offset"] for e in out.events] == [0, len(line) + 1003]


@pytest.mark.parametrize(
    ("path", "events", "reasons"),
    [
        (
            "aws-eb-amzn1-dockerd/docker",
            150,
            ["init-script separator, not a record"] * 2,
        ),
        ("yohab-image-classifier-dockerd/dockerd.log", 80, ["blank line"]),
    ],
)
def test_corpus_file_parses_with_expected_rejects(
    corpus, path, events, reasons, run_parser, check_accounting
):
    data = (corpus / path).read_bytes()
    assert DockerdParser.sniff(data[:65536])
    out, resume = run_parser(DockerdParser, data, name=path, block_lines=7)
    check_accounting(out, data, resume)
    assert resume == len(data)
    assert (len(out.events), [r["reason"] for r in out.rejects]) == (events, reasons)
    assert all(e["source_type"] == "dockerd" for e in out.events)


def test_corpus_nested_escape_in_error_field_is_unquoted(corpus, run_parser):
    data = (corpus / "aws-eb-amzn1-dockerd/docker").read_bytes()
    out, _ = run_parser(DockerdParser, data)
    aufs = next(e for e in out.events if "aufs" in e["message"] and "skip" in e["message"])
    assert aufs["unmapped"]["error"] == (
        'modprobe aufs failed: "modprobe: FATAL: Module aufs not found.\\n": '
        "exit status 1: skip plugin"
    )


@pytest.mark.parametrize(
    "head",
    [
        b"Nov 27 02:15:00 web-2 sshd[1]: Accepted password for bob\n",
        b"type=SYSCALL msg=audit(1.2:3): arch=c000003e\n",
        b'{"Type":"container","Action":"start","Actor":{"ID":"x"},"time":1}\n',
    ],
)
def test_sniff_refuses_other_formats(head):
    assert not DockerdParser.sniff(head)


def test_corpus_docker_ps_table_is_no_log_and_forced_parsing_rejects_every_line(
    corpus, run_parser, check_accounting
):
    data = (corpus / "aws-eb-amzn1-dockerd/docker-ps.log").read_bytes()
    assert not DockerdParser.sniff(data)
    out, resume = run_parser(DockerdParser, data)
    check_accounting(out, data, resume)
    assert out.events == []
    assert [r["reason"] for r in out.rejects] == [
        "dockerd line without a time, and no timestamped line before it"
    ] * 5


def test_time_with_impossible_zone_offset_is_no_time_not_a_crash(run_parser):
    out, _ = run_parser(DockerdParser, b'time="2026-11-27T02:10:00+99:00" level=info msg=x\n')
    assert [r["reason"] for r in out.rejects] == [
        "dockerd line without a time, and no timestamped line before it"
    ]
