"""Event assembly: keys, interleaving, closing by log time without EOE, bounded memory."""

from __future__ import annotations

from auditlake.parsers.auditd.assemble import Assembler
from auditlake.parsers.auditd.record import Record, parse_record

from .conftest import Parse


def rec(line: str, offset: int = 0) -> Record:
    r = parse_record(line.encode(), offset, len(line) + 1, "h")
    assert isinstance(r, Record)
    return r


def keys(events: list) -> list[int]:  # type: ignore[type-arg]
    return [e.key[3] for e in events]


def test_interleaved_records_group_by_serial(parse: Parse) -> None:
    out = parse(
        b"type=SYSCALL msg=audit(100.000:1): arch=c000003e syscall=2 success=yes exit=3 a0=0 a1=0 a2=0 a3=0 items=1 pid=10\n"
        b"type=SYSCALL msg=audit(100.000:2): arch=c000003e syscall=2 success=yes exit=3 a0=0 a1=0 a2=0 a3=0 items=1 pid=20\n"
        b'type=PATH msg=audit(100.000:2): item=0 name="/b" nametype=NORMAL\n'
        b'type=PATH msg=audit(100.000:1): item=0 name="/a" nametype=NORMAL\n'
    )
    assert [(e["process_pid"], e["file_path"]) for e in out.events] == [(10, "/a"), (20, "/b")]
    assert [r["record_index"] for r in out.auditd_records] == [0, 1, 0, 1]


def test_out_of_order_record_before_its_syscall_still_joins(parse: Parse) -> None:
    out = parse(
        b'type=PROCTITLE msg=audit(100.000:7): proctitle="bash"\n'
        b"type=SYSCALL msg=audit(100.000:7): arch=c000003e syscall=1 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 pid=5\n"
    )
    (event,) = out.events
    assert (event["audit_type"], event["source_offset"], event["unmapped"]["records"]) == (
        "SYSCALL",
        0,
        "2",
    )


def test_same_serial_on_two_nodes_is_two_events(parse: Parse) -> None:
    out = parse(
        b"node=a type=USER_END msg=audit(100.000:7): pid=1 msg='res=success'\n"
        b"node=b type=USER_END msg=audit(100.000:7): pid=2 msg='res=success'\n"
    )
    assert [e["device_hostname"] for e in out.events] == ["a", "b"]


def test_eoe_free_file_still_closes_last_event(parse: Parse) -> None:
    out = parse(
        b"type=SYSCALL msg=audit(100.000:1): arch=c000003e syscall=1 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 pid=5\n"
    )
    assert len(out.events) == 1


def test_event_closes_once_log_time_and_record_count_pass() -> None:
    asm = Assembler(window_ms=3000, min_records=2)
    assert asm.push(rec('type=CWD msg=audit(100.000:1): cwd="/"')) == []
    assert asm.push(rec('type=CWD msg=audit(102.000:2): cwd="/"')) == []
    # 3.5 s later: event 1 is past the window, and 2 records came after it
    assert keys(asm.push(rec('type=CWD msg=audit(103.500:3): cwd="/"'))) == [1]
    assert keys(asm.flush()) == [2, 3]


def test_records_far_apart_in_file_time_stay_one_event_within_record_horizon() -> None:
    asm = Assembler(window_ms=3000, min_records=10)
    asm.push(rec('type=CWD msg=audit(100.000:1): cwd="/"'))
    asm.push(rec('type=CWD msg=audit(900.000:2): cwd="/"'))  # a sorted file jumps in time
    assert asm.push(rec('type=PATH msg=audit(100.000:1): item=0 name="/x"')) == []
    assert [len(e.records) for e in asm.flush()] == [2, 1]


def test_open_events_are_bounded() -> None:
    asm = Assembler(window_ms=10**9, min_records=10**9, max_open=3)
    closed = [
        e for i in range(1, 11) for e in asm.push(rec(f'type=CWD msg=audit(100.000:{i}): cwd="/"'))
    ]
    assert keys(closed) == list(range(1, 8))
    assert len(asm.open_events()) == 3


def test_close_expired_ignores_queue_order() -> None:
    asm = Assembler(window_ms=3000, min_records=100)
    asm.push(rec('type=CWD msg=audit(200.000:1): cwd="/"'))
    asm.push(rec('type=CWD msg=audit(100.000:2): cwd="/"'))  # older, queued behind
    assert keys(asm.close_expired()) == [2]


def test_event_stamped_in_the_future_cannot_block_the_queue() -> None:
    asm = Assembler(window_ms=3000, min_records=1, max_records=5)
    asm.push(rec('type=CWD msg=audit(900.000:1): cwd="/"'))  # clock went back after it
    closed = [
        e for i in range(2, 9) for e in asm.push(rec(f'type=CWD msg=audit(100.000:{i}): cwd="/"'))
    ]
    # event 1 waits 5 records, then the older ones behind it close in turn
    assert keys(closed) == [1, 2, 3, 4, 5, 6, 7]
    assert keys(asm.open_events()) == [8]
