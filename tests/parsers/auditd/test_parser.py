"""AuditdParser: streaming, the incremental resume point, wrapped records, sniffing."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from auditlake.parsers.auditd import AuditdParser
from auditlake.parsers.base import ParseOutput

from .conftest import assert_lines_tile, make_parser, run_parser

DATA = Path(__file__).parent / "data"


def line(t: str, serial: int, body: str = 'cwd="/"', kind: str = "CWD") -> bytes:
    return f"type={kind} msg=audit({t}:{serial}): {body}\n".encode()


def parser() -> AuditdParser:
    return make_parser()


def offsets(out: ParseOutput) -> set[int]:
    return {r["source_offset"] for r in [*out.events, *out.auditd_records, *out.rejects]}


def test_feeding_in_pieces_gives_the_same_rows_as_at_once() -> None:
    data = (DATA / "raw_intrusion.log").read_bytes()
    whole = run_parser(data)
    p = parser()
    lines = data.splitlines(keepends=True)
    pos = 0
    pieces = ParseOutput()
    for i in range(0, len(lines), 3):
        block = b"".join(lines[i : i + 3])
        p.feed(block, pos)
        pos += len(block)
        pieces.extend(p.drain())
    assert p.finish(final=True) == len(data)
    pieces.extend(p.drain())
    assert pieces.events == whole.events
    assert pieces.auditd_records == whole.auditd_records
    assert pieces.rejects == whole.rejects


def test_last_line_without_newline_is_parsed() -> None:
    data = line("100.000", 1).rstrip(b"\n")
    out = run_parser(data)
    assert (out.auditd_records[0]["source_length"], len(out.events)) == (len(data), 1)


def test_every_line_is_accounted_for_by_offset_and_length() -> None:
    data = (DATA / "raw_intrusion.log").read_bytes()
    out = run_parser(data)
    assert_lines_tile(out, data)
    assert len(out.auditd_records) + len(out.rejects) == len(data.splitlines())


def test_run_of_blank_lines_is_one_reject_spanning_all_of_them() -> None:
    first, second = line("100.000", 1), line("101.000", 2)
    data = first + b"\n" * 100_000 + b" \r\n" + second + b"\n"
    out = run_parser(data)
    assert [(r["source_offset"], r["source_length"], r["reason"]) for r in out.rejects] == [
        (len(first), 100_003, "blank lines"),
        (len(data) - 1, 1, "blank line"),
    ]
    assert_lines_tile(out, data)
    assert len(out.events) == 2


def test_unfinished_event_is_held_back_and_its_offset_returned() -> None:
    a = line("100.000", 1)
    b = line("200.000", 2)
    c = line("200.500", 3)
    p = parser()
    p.feed(a + b + c, 0)
    assert p.finish(final=False) == len(a)  # events 2 and 3 are < 3 s old: held
    out = p.drain()
    assert [e["audit_event_id"] for e in out.events] == ["100.000:1"]
    assert offsets(out) == {0}


def test_resume_point_is_a_fixed_point_over_interleaved_events() -> None:
    # event 1 (t=100) is closed by time, but one of its records follows the first
    # record of event 2 (t=200.5, still open): event 1 must be held back too.
    l0 = line("100.000", 1)
    l1 = line("199.000", 9)
    l2 = line("200.500", 2)
    l3 = line("100.000", 1, 'item=0 name="/x"', "PATH")
    l4 = line("200.600", 3)
    p = parser()
    p.feed(l0 + l1 + l2 + l3 + l4, 0)
    point = p.finish(final=False)
    out = p.drain()
    assert point == 0
    assert out.events == [] and out.auditd_records == [] and out.rejects == []


def test_nothing_at_or_after_the_resume_point_is_emitted() -> None:
    data = (DATA / "raw_intrusion.log").read_bytes()
    # SERVICE_STOP and DAEMON_END are within 3 s of the newest record: held back
    cut = data.index(b"type=SERVICE_STOP")
    p = parser()
    p.feed(data, 0)
    point = p.finish(final=False)
    out = p.drain()
    assert point == cut
    assert max(offsets(out)) < point
    every = offsets(run_parser(data[:point]))
    assert offsets(out) == every  # everything before the point is emitted


def test_rejects_wait_for_the_resume_point() -> None:
    p = parser()
    a = line("200.000", 1)
    p.feed(a + b"garbage\n", 0)
    assert p.drain().rejects == []  # event 1 still open before it
    assert p.finish(final=False) == 0
    assert p.drain().rejects == []


def test_feed_record_accepts_the_wrapped_forms() -> None:
    p = parser()
    assert p.feed_record(
        b"type=1130 audit(1700000000.123:45): pid=1 uid=0 msg='unit=sshd res=success'",
        0,
        90,
        "web-1",
    )
    assert p.feed_record(
        b"node=n1 type=USER_LOGIN msg=audit(1700000000.200:46): pid=2 msg='res=failed'",
        90,
        95,
        "web-1",
    )
    stamp = datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)
    assert p.feed_record(
        b"SERVICE_STOP pid=1 uid=0 msg='unit=auditd res=success'",
        185,
        70,
        "web-1",
        time=stamp,
        serial=47,
    )
    assert p.feed_record(
        b"SERVICE_START pid=1 uid=0 msg='unit=cron res=success'", 255, 70, "web-1", time=stamp
    )
    assert not p.feed_record(b"SERVICE_STOP pid=1 msg='unit=auditd'", 255, 40, "web-1")  # no time
    assert not p.feed_record(b"Started Session 4 of user root.", 295, 40, "web-1", time=stamp)
    assert not p.feed_record(b"type=UNKNOWN[1329] msg=?", 335, 30, "web-1")
    p.finish(final=True)
    out = p.drain()
    assert [
        (e["device_hostname"], e["audit_type"], e["audit_event_id"], e["source_offset"])
        for e in out.events
    ] == [
        ("web-1", "SERVICE_START", "1700000000.123:45", 0),
        # node=n1 is kept in the record, but the record is the wrapper's host's
        ("web-1", "USER_LOGIN", "1700000000.200:46", 90),
        ("web-1", "SERVICE_STOP", "1700000000.500:47", 185),
        ("web-1", "SERVICE_START", "1700000000.500:0", 255),  # no serial: never merged
    ]
    assert [(r["device_hostname"], r["node"]) for r in out.auditd_records][1] == ("web-1", "n1")
    assert out.rejects == []


def test_sniff_knows_audit_logs_from_others() -> None:
    assert AuditdParser.sniff((DATA / "raw_intrusion.log").read_bytes()[:4096])
    assert AuditdParser.sniff(b"node=a type=EOE msg=audit(1.000:1): \n")
    assert not AuditdParser.sniff(b"Nov 27 02:10:01 web-2 sshd[1]: Accepted password for bob\n")
    assert not AuditdParser.sniff(b"# only a comment\n\n")
    assert not AuditdParser.sniff(b"")


def test_a_key_repeated_in_the_enriched_part_is_numbered_in_linear_time() -> None:
    data = line("100.000", 1, "pid=1\x1dX#3=b " + "X=a " * 30_000, "SYSCALL")
    start = time.perf_counter()
    out = run_parser(data)
    assert time.perf_counter() - start < 2
    [record] = out.auditd_records
    enriched = record["enriched"]
    assert len(enriched) == 30_001 and enriched["X#3"] == "b" and enriched["X#30001"] == "a"


def test_a_chain_of_events_each_spanning_the_next_is_released_in_linear_time() -> None:
    # event k's records at lines 2k-1 and 2k+2: each lowered the resume point by one
    # event, and each lowering rescanned every closed event (13 s for 8,000 events)
    data = line("1000.000", 1, "pid=1", "SYSCALL") + b"".join(
        line(f"{1000 + k}.000", k + 1, "pid=1", "SYSCALL") + line(f"{999 + k}.000", k)
        for k in range(1, 8000)
    )
    p = parser()
    start = time.perf_counter()
    p.feed(data, 0)
    point = p.finish(final=False)
    out = p.drain()
    assert time.perf_counter() - start < 3
    assert point == 0 and not out.events  # the chain reaches the event still open
    assert_lines_tile(run_parser(data), data)
