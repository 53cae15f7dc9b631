"""Property: any input either parses or is rejected with a reason, never crashes,
every line is accounted for, and events match distinct keys."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditlake.schema import AUDITD_RECORDS, EVENTS, REJECTS, to_batch

from .conftest import assert_lines_tile, run_parser

REAL = [
    b'type=SYSCALL msg=audit(1700000000.123:45): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=7f a2=10 a3=0 items=0 ppid=1 pid=2 auid=1000 uid=0 tty=(none) ses=3 comm="curl" exe="/usr/bin/curl" key="k"',
    b"type=SOCKADDR msg=audit(1700000000.123:45): saddr=01002F7661722F72756E2F646F636B65722E736F636B",
    b'type=EXECVE msg=audit(1700000000.123:45): argc=2 a0="ls" a1_len=4 a1[0]=41',
    b"type=PROCTITLE msg=audit(1700000000.123:45): proctitle=6C73002D6C",
    b'node=n type=USER_AUTH msg=audit(1700000001.000:46): pid=1 uid=0 auid=4294967295 msg=\'op=PAM:authentication acct="bob" addr=1.2.3.4 res=failed\'\x1dUID="root" AUID="unset"',
    b"type=PATH msg=audit(1700000000.123:45): item=0 name=2F6574632F646F636B6572 nametype=NORMAL",
    b"type=UNKNOWN[1334] msg=audit(1700000002.000:47): prog-id=45 op=UNLOAD",
]
TOKENS = [
    b" ",
    b"=",
    b"'",
    b'"',
    b"\x1d",
    b"msg='",
    b"a0=",
    b"saddr=",
    b"0A",
    b"(",
    b")",
    b"\xff",
    b"\xc3",
    b":",
    b"audit(",
    b"type=",
    b"node=",
    b"99999999999999999999",
    b"-1",
    b"4294967295",
]


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    """A real record, mutated by inserting, cutting or replacing bytes; or noise."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=80)).replace(b"\n", b"")
    line = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(line)))
        action = draw(st.integers(0, 2))
        if action == 0:
            line = line[:at] + draw(st.sampled_from(TOKENS)) + line[at:]
        elif action == 1:
            line = line[:at] + line[at + draw(st.integers(1, 12)) :]
        else:
            line = line[:at] + draw(st.binary(max_size=6)).replace(b"\n", b"") + line[at:]
    return line


@settings(max_examples=150, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=12), st.booleans())
def test_any_input_parses_or_is_rejected_with_a_reason(
    batch: list[bytes], trailing_newline: bool
) -> None:
    data = b"\n".join(batch) + (b"\n" if trailing_newline else b"")
    out = run_parser(data)
    to_batch(out.events, EVENTS)
    to_batch(out.auditd_records, AUDITD_RECORDS)
    to_batch(out.rejects, REJECTS)
    assert all(r["reason"] for r in out.rejects)
    assert_lines_tile(out, data)
    keys = {(r["device_hostname"], r["audit_event_id"]) for r in out.auditd_records}
    assert len(out.events) == len(keys)
