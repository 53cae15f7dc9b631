"""`docker events`: JSON lines and the CLI's text form."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from auditlake.parsers.docker_events import DockerEventsParser
from auditlake.parsers.dockerd import DockerdParser

DATA = Path(__file__).parent / "data"


def test_sample_matches_golden(run_parser, golden, check_accounting):
    data = (DATA / "events.log").read_bytes()
    out, resume = run_parser(DockerEventsParser, data, name="events.log", host="web-2")
    assert resume == len(data)
    check_accounting(out, data, resume)
    golden(DATA / "events.log", out)


def test_json_event_time_comes_from_time_nano(run_parser):
    out, _ = run_parser(DockerEventsParser, (DATA / "events.log").read_bytes())
    create = out.events[0]
    assert create["time"] == datetime(2026, 11, 27, 2, 31, 7, 413000, tzinfo=UTC)
    assert (create["container_name"], create["container_image_name"]) == ("pwn", "alpine")
    assert create["api_operation"] == "container create"


def test_text_attributes_may_hold_spaces_commas_and_parentheses(run_parser):
    out, _ = run_parser(DockerEventsParser, (DATA / "events.log").read_bytes())
    start, destroy, health = out.events[3:6]
    assert start["unmapped"]["attributes.org.label"] == "a"
    assert health["container_name"] == "web (prod)"
    assert health["unmapped"]["action_detail"] == "healthy"
    assert destroy["time"] == datetime(2026, 11, 27, 1, 31, 9, tzinfo=UTC)
    assert "attributes.name" not in destroy["unmapped"]


def test_exec_detail_is_the_command_line(run_parser):
    out, _ = run_parser(DockerEventsParser, (DATA / "events.log").read_bytes())
    exec_create = out.events[1]
    assert (exec_create["activity_name"], exec_create["process_cmd_line"]) == (
        "exec_create",
        "sh -c id",
    )


def test_corpus_events_file_parses_without_rejects(corpus, run_parser, check_accounting):
    data = (corpus / "aws-eb-amzn1-dockerd/docker-events.log").read_bytes()
    assert DockerEventsParser.sniff(data[:65536])
    assert not DockerdParser.sniff(data[:65536])
    out, resume = run_parser(DockerEventsParser, data, block_lines=5)
    check_accounting(out, data, resume)
    assert (len(out.events), out.rejects) == (67, [])
    execs = [e for e in out.events if e["activity_name"] == "exec_start"]
    assert {(e["container_name"], e["process_cmd_line"]) for e in execs} == {
        ("ecs-agent", "/agent --healthcheck")
    }


def test_corpus_dockerd_log_is_not_sniffed_as_events(corpus):
    assert not DockerEventsParser.sniff((corpus / "aws-eb-amzn1-dockerd/docker").read_bytes())


def test_json_event_time_past_year_9999_is_rejected_not_a_crash(run_parser):
    line = b'{"Type":"container","Action":"start","timeNano":99999999999999999999999}\n'
    out, _ = run_parser(DockerEventsParser, line)
    assert [r["reason"] for r in out.rejects] == [
        "docker event JSON with a time outside years 1..9999"
    ]
