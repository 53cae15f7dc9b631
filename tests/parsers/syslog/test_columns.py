"""Lines built as columns (parsers/syslog_columns.py) give the reference's rows.

The reference is the per-line path of the same parser (blocks below MIN_LINES lines
take it). Each test feeds both the same bytes, in the same blocks, and compares what
each drain gives, as the lake would store it: every `events`, `auditd_records` and
`rejects` row, in file order.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from auditlake.parsers import syslog, syslog_columns
from auditlake.parsers.base import ParseOutput, SourceContext
from auditlake.parsers.programs import shapes, shared_program_row
from auditlake.parsers.syslog import SyslogParser
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlake.schema import AUDITD_RECORDS, EVENTS, REJECTS, to_batch

ROOT = Path(__file__).parents[3]
DATA = Path(__file__).parent / "data"
SAMPLES = [
    DATA / "web1-auth.log",
    DATA / "web2-auth.log",
    DATA / "new-year-crlf.log",
    ROOT / "samples/fleet/web-1/auth.log",
    ROOT / "samples/fleet/web-1/auth.log.1.gz",
    ROOT / "samples/fleet/web-2/auth.log",
]
CORPUS_FILES = [
    "plaso/syslog_rsyslog",
    "plaso/syslog_rsyslog_ForwardFormat",
    "plaso/syslog_rsyslog_SysklogdFileFormat",
    "plaso/syslog_rsyslog_SyslogProtocol23Format",
    "plaso/syslog_rsyslog_TraditionalForwardFormat",
    "plaso/syslog_rsyslog_traditional",
    "plaso/syslog_ssh.log",
    "loghub/Linux_2k.log",
    "loghub/OpenSSH_2k.log",
    "elastic-beats/system-auth/test.log",
    "elastic-beats/system-auth/timestamp.log",
    "fail2ban/sshd",
    "fail2ban/pam-generic",
]
REFERENCE_TIME = datetime(2026, 11, 28, tzinfo=UTC)
Steps = list[tuple[int, int, int, int]]  # per drain: events, records, rejects, batched


def _parse(
    data: bytes, blocks: list[int], columns: bool, final: bool = True
) -> tuple[list[ParseOutput], int]:
    """Feed `data` cut after the given line counts, draining after each block.

    `columns` False: every block is read line by line (the reference).
    """
    parser = SyslogParser(
        SourceContext("s.log", file_id="s.log", host="h0", reference_time=REFERENCE_TIME)
    )
    lines = data.splitlines(keepends=True)
    drains = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(syslog_columns, "MIN_LINES", 0 if columns else sys.maxsize)
        offset = start = 0
        for size in [*blocks, len(lines)]:
            block = b"".join(lines[start : start + size])
            if block:
                parser.feed(block, offset)
                drains.append(parser.drain())
            offset, start = offset + len(block), start + size
    resume = parser.finish(final)
    drains.append(parser.drain())
    return drains, resume


def _written(out: ParseOutput) -> tuple[list[dict[str, object]], pa.Table, pa.Table]:
    """Return the events, auditd records and rejects as written, each in file order."""
    batches = [to_batch(out.events, EVENTS)] if out.events else []
    events = pa.Table.from_batches([*batches, *out.event_batches], EVENTS)
    events = events.sort_by([("source_offset", "ascending"), ("event_uid", "ascending")])
    records = pa.Table.from_batches([to_batch(out.auditd_records, AUDITD_RECORDS)])
    rejects = pa.Table.from_batches([to_batch(out.rejects, REJECTS)], REJECTS)
    return events.to_pylist(), records, rejects


def assert_same_rows(data: bytes, blocks: list[int] | None = None, final: bool = True) -> int:
    """Assert both paths give the same rows at every drain; return how many were columns."""
    fast, fast_resume = _parse(data, blocks or [], columns=True, final=final)
    reference, resume = _parse(data, blocks or [], columns=False, final=final)
    assert fast_resume == resume
    for mine, theirs in zip(fast, reference, strict=True):
        assert not theirs.event_batches
        events, records, rejects = _written(mine)
        ref_events, ref_records, ref_rejects = _written(theirs)
        assert events == ref_events
        assert records.equals(ref_records)
        assert rejects.equals(ref_rejects)
    return sum(batch.num_rows for out in fast for batch in out.event_batches)


def _lines(*messages: str, host: str = "web-1") -> bytes:
    """Return RFC3164 lines of `program[pid]: message` (or `program: message`)."""
    return "".join(
        f"Nov 27 02:10:{i % 60:02d} {host} {m}\n" for i, m in enumerate(messages)
    ).encode()


# One line of each shape, and a Base Event of a program without a normalizer.
SHAPED = [
    "sshd[1]: Invalid user admin from 203.0.113.50 port 4000",
    "sshd[1]: Failed password for invalid user admin from 203.0.113.50 port 4000 ssh2",
    "sshd[1]: Failed password for root from 203.0.113.50 port 65535 ssh2",
    "sshd[1]: Accepted password for bob from 10.0.0.5 port 22 ssh2",
    "sshd[1]: Accepted publickey for deploy from 10.0.0.5 port 50981 ssh2: ED25519 SHA256:Xk2bO1rZ6vQ",
    "sshd[1]: Connection closed by invalid user admin 203.0.113.50 port 4000 [preauth]",
    "sshd[1]: Connection reset by authenticating user root 203.0.113.50 port 4000",
    "sshd[1]: Connection closed by 203.0.113.50 port 4000 [preauth]",
    "sshd[1]: Connection reset by 203.0.113.50 port 4000",
    "sshd[1]: Connection closed by 203.0.113.50 [preauth]",
    "sshd[1]: Disconnected from invalid user admin 203.0.113.50 port 4000 [preauth]",
    "sshd[1]: Disconnected from user bob 10.0.0.5 port 22",
    "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.50",
    "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.50 user=root",
    "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.50 ",
    "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.50  user=root",
    "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=ec2-52-80-34-196.example.com ",
    "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scanner.example  user=admin",
    "sshd[1]: Received disconnect from 203.0.113.50 port 53146:11: Bye Bye [preauth]",
    "sshd[1]: Received disconnect from 203.0.113.50: 11: Bye Bye [preauth]",
    "sshd[1]: pam_unix(sshd:auth): check pass; user unknown",
    "sshd[1]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)",
    "sshd[1]: pam_unix(sshd:session): session closed for user deploy",
    "sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
    "CRON[7]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
    "su[8]: pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)",
    "systemd-logind[611]: New session 829 of user deploy.",
    "systemd-logind[611]: Removed session 829.",
    "systemd-logind[611]: Session 829 logged out. Waiting for processes to exit.",
    "sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/docker ps -a",
    "CRON[7]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
    "ntpd[5]: adjusting local clock by 0.003s",
]


def test_each_shape_is_built_as_columns_with_the_reference_rows() -> None:
    data = _lines(*SHAPED, "sshd[1]: the end")
    assert assert_same_rows(data) == len(SHAPED)


def test_lines_of_one_key_share_its_constants_and_keep_their_values() -> None:
    messages = [
        f"sshd[{i}]: Failed password for invalid user u{i} from 10.0.{i}.{i * 3} port {i * 977} ssh2"
        for i in range(1, 60)
    ]
    assert assert_same_rows(_lines(*messages, "x: end")) == len(messages)


def test_values_the_normalizer_reads_otherwise_are_left_to_it() -> None:
    # a port out of range (no port), addresses that are no IPv4 address (a host name, a
    # leading zero), `<invalid username>`, a command with `;` or none, a cron job with an
    # empty command, a PAM scope without a service, a message that starts with `error: `
    messages = [
        "sshd[1]: Invalid user admin from 203.0.113.50 port 99999",
        "sshd[1]: Invalid user admin from host.example port 22",
        "sshd[1]: Invalid user admin from 10.0.0.05 port 22",
        "sshd[1]: Invalid user admin from ::ffff:10.0.0.5 port 22",
        "sshd[1]: Failed none for <invalid username> from 10.0.0.5 port 22 ssh2",
        "sshd[1]: Failed password for invalid user  from 10.0.0.5 port 22 ssh2",
        "sshd[1]: Accepted password for bob from 10.0.0.5 port 22 ssh2: RSA SHA256:x",
        "sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh -c a;b",
        "sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=",
        "sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id ",
        "CRON[7]: (root) CMD (   )",
        "CRON[7]: (root) CMD (x) y)",
        "sshd[1]: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.5",
        "sshd[1]: error: PAM: Authentication failure for root from 10.0.0.5",
        "login[1]: pam_unix(login:session): session opened for user root by LOGIN(uid=0)",
        "systemd-logind[611]: New session c1 of user gdm",
        "systemd-logind[611]: New session 5 of user john.doe.",
        "sshd[1]: Connection closed by invalid user  10.0.0.5 port 22 [preauth]",
        "x: end",
    ]
    assert assert_same_rows(_lines(*messages)) > 0


def test_a_port_out_of_range_is_no_port_in_columns_too() -> None:
    data = _lines(
        "sshd[1]: Invalid user admin from 203.0.113.50 port 65536",
        "sshd[1]: Invalid user admin from 203.0.113.50 port 00022",
        "x: end",
    )
    assert assert_same_rows(data) == 2
    fast, _ = _parse(data, [], columns=True)
    assert [r.get("src_endpoint_port") for r in fast[0].all_events()[:2]] == [None, 22]


def test_a_normalizer_that_sets_a_transport_column_is_left_to_the_reference() -> None:
    def timed(app_name: str | None, message: str) -> Mapping[str, Any] | None:
        row = shared_program_row(app_name, message)
        return {**row, "time": REFERENCE_TIME} if row and message.endswith("9") else row

    data = _lines(
        "sshd[1]: Invalid user a from 10.0.0.1 port 9",
        "sshd-session[1]: Invalid user a from 10.0.0.1 port 1",  # a key of its own
        "x: end",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(syslog, "shared_program_row", timed)
        patch.setattr(shapes, "shared_program_row", timed)
        assert assert_same_rows(data) == 1


# Flawed shapes: sudo's line with the file path left out of the template (it is then
# read as a constant of each key), and sshd's with any word where the protocol is.
_PATHLESS = shapes.Shape(
    frozenset({"sudo"}),
    "{actor_user_name:NAME} : TTY={process_tty:PATH} ; PWD={process_cwd:PATH}"
    " ; USER={:NAME} ; COMMAND={process_cmd_line:SUDO_COMMAND}",
)
_ANY_PROTOCOL = shapes.Shape(
    frozenset({"sshd"}),
    "Failed {:WORD} for {user_name:NAME} from {src_endpoint_ip:IPV4}"
    " port {src_endpoint_port:PORT} {:WORD}",
)
_SUDO = "sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND="
_FAILED = "sshd[1]: Failed password for root from 10.0.0.5 port 22 "


@pytest.mark.parametrize(
    ("shape", "messages", "built"),
    [
        (_PATHLESS, [f"{_SUDO}/bin/id -u", f"{_SUDO}/bin/id -g"], 2),  # the probes agree
        (_PATHLESS, [f"{_SUDO}/bin/id", f"{_SUDO}/bin/ls", f"{_SUDO}/bin/ls"], 0),  # not
        (_PATHLESS, [f"{_SUDO}/bin/id", _SUDO, f"{_SUDO}/bin/id"], 3),  # empty: a key
        (_ANY_PROTOCOL, [f"{_FAILED}ssh2", f"{_FAILED}ssh2"], 2),
        (_ANY_PROTOCOL, [f"{_FAILED}0", f"{_FAILED}0"], 0),  # a Base Event: no user
    ],
)
def test_a_key_is_built_only_as_the_normalizer_reads_its_first_and_last_line(
    shape: shapes.Shape, messages: list[str], built: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shapes, "SHAPES", (shape,))
        assert assert_same_rows(_lines(*messages, "x: end")) == built


def test_a_host_name_word_never_takes_an_address() -> None:
    # The probes read the first and last line of a key only: the template's classes
    # must keep out what the normalizer reads otherwise (an address is no host name).
    rhost = "sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={} "
    hosts = ("a.example", "::1", "2001:db8::5", "010.0.0.1", "1.2.3.4", "b-2.example")
    lines = [rhost.format(h) for h in hosts]
    assert assert_same_rows(_lines(*lines, "x: end")) == 3  # the names and the address


@pytest.mark.parametrize(
    "template",
    [
        "CRON[7]: ({}) CMD (ls)",
        "sudo: {} : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id",
    ],
)
def test_a_message_the_normalizers_read_as_pams_takes_no_program_shape(template: str) -> None:
    # A user named `pam_x` starts the message: programs._normalize tries it as PAM's
    # first, whatever the program, so such lines are left to the reference rather
    # than trusted to a program shape whose probes (a key's first and last line) read
    # only the program's row.
    lines = [template.format(user) for user in ("root", "pam_x", "bob")]
    assert assert_same_rows(_lines(*lines, "x: end")) == 2


def test_a_line_followed_by_a_continuation_is_left_to_the_reference() -> None:
    data = (
        _lines("sshd[1]: Invalid user a from 10.0.0.1 port 1", "x: first")
        + b"  continued\n"
        + _lines("x: second")
        + b"\n\n"
        + _lines("x: third")
        + b"# comment\n"
        + _lines("x: fourth", "x: fifth")
    )
    # the first line, and the third and fourth's predecessors' successors
    assert assert_same_rows(data) == 2
    for cut in range(1, 9):
        assert_same_rows(data, [cut])


def test_last_message_repeated_after_a_plain_line_repeats_it() -> None:
    data = _lines(
        "sshd[1]: Invalid user a from 10.0.0.1 port 1",
        "ntpd[5]: clock stepped",
        "last message repeated 3 times",
        "sshd[1]: message repeated 2 times: [ Invalid user a from 10.0.0.1 port 1]",
        "ntpd[5]: clock stepped",
        "--- last message repeated 2 times ---",
        "sudo: [ID 702911 auth.notice] x",
        "y: end",
    )
    # the lines before `last message repeated` too: it repeats them
    assert assert_same_rows(data) == 3
    for cut in range(1, 8):
        assert_same_rows(data, [cut])


def test_audit_carriers_docker_and_other_headers_are_left_to_the_reference() -> None:
    data = (
        _lines(
            'audispd: node=web-1 type=USER_AUTH msg=audit(1795745400.000:9): pid=1 uid=0 auid=1001 ses=1 msg=\'op=PAM:authentication acct="root" exe="/usr/bin/su" hostname=? addr=? terminal=pts/0 res=success\'',
            "kernel: audit: type=1130 audit(1795745400.000:10): pid=1 uid=0 msg='unit=x res=success'",
            "kernel: [ 12.5] usb 1-1: new device",
            "audit[1]: SERVICE_START pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=x res=success'",
            'dockerd[9]: time="2026-11-27T02:10:00Z" level=info msg="ignoring event"',
            "docker[9]: x",
            "sshd(pam_unix)[1]: session opened for user root by (uid=0)",
            "sshd[]: x",
            "sshd[1]:",
            "sshd[1]:no space",
        )
        + b"<38>Nov 27 02:10:00 web-1 sshd[1]: Invalid user a from 10.0.0.1 port 1\n"
        + b"2026-11-27T02:10:00+00:00 web-1 sshd[1]: Invalid user a from 10.0.0.1 port 1\n"
        + b"<34>1 2026-11-27T02:10:00Z web-1 sshd 1 - - Invalid user a from 10.0.0.1 port 1\n"
        + b"Feb 29 02:10:00 web-1 sshd[1]: Invalid user a from 10.0.0.1 port 1\n"
        + b"Nov 31 02:10:00 web-1 sshd[1]: Invalid user a from 10.0.0.1 port 1\n"
        + b"Nov  7 02:10:00 web-1 sshd[1]: Invalid user a from 10.0.0.1 port 1\n"
        + _lines("x: end")
    )
    # the kernel line that is no audit record is still the reference's; the ISO line
    # and the one with a one-digit day are plain
    assert assert_same_rows(data) == 2


def test_lines_outside_printable_ascii_are_left_to_the_reference() -> None:
    data = _lines(
        "sshd[1]: Invalid user caf\u00e9 from 10.0.0.1 port 1",
        "sshd[1]: Invalid user a\tb from 10.0.0.1 port 1",
        "sshd[1]: Invalid user a from 10.0.0.1 port 1",
        "x: end",
    ).replace(b"\xc3\xa9 from", b"\xff from")
    assert assert_same_rows(data) == 1
    crlf = _lines("sshd[1]: Invalid user a from 10.0.0.1 port 1", "x: y", "x: z")
    crlf = crlf.replace(b"\n", b"\r\n").replace(b"y\r\n", b"y\r\r\n")
    assert assert_same_rows(crlf) == 1  # `y\r\r` is stripped of both, as the reference does


def test_rows_held_for_an_open_audit_event_are_held_in_columns_too() -> None:
    data = _lines(
        "sshd[1]: Invalid user a from 10.0.0.1 port 1",
        'audispd: node=web-1 type=SYSCALL msg=audit(1795745400.000:9): arch=c000003e syscall=59 success=yes exit=0 pid=5 uid=0 auid=1001 comm="id" exe="/usr/bin/id"',
        "sshd[1]: Invalid user b from 10.0.0.1 port 1",
        "sshd[1]: Invalid user c from 10.0.0.1 port 1",
        "x: y",
        "x: z",
    )
    for final in (True, False):
        for blocks in ([], [1], [2], [3], [2, 2]):
            assert_same_rows(data, blocks, final=final)
    fast, resume = _parse(data, [], columns=True, final=False)
    held = data.index(b"Nov 27 02:10:01")
    assert resume == held  # the audit event is open: it and every row after it wait
    assert [r["source_offset"] for out in fast for r in out.all_events()] == [0]


def test_not_final_finish_holds_back_the_last_record_whatever_the_path() -> None:
    data = _lines(*SHAPED)
    assert assert_same_rows(data, final=False) == len(SHAPED) - 1


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_files_give_the_reference_rows(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    assert assert_same_rows(data) > 0
    assert_same_rows(data, blocks=[7, 1, 100, 3])


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_files_give_the_reference_rows(corpus: Path, name: str) -> None:
    data = (corpus / name).read_bytes()
    assert_same_rows(data)
    assert_same_rows(data, blocks=[7, 1, 100, 3])


# Hypothesis: lines of every shape with values drawn from near the edges of each class,
# mixed with other lines, cut into blocks anywhere.
_VALUE = st.text(alphabet=st.sampled_from(list("ab0.-_:/()<>=;[] \u00e9\t")), max_size=5)
_NUMBER = st.sampled_from(["0", "1", "22", "65535", "65536", "99999", "00022", "", "1a"])
_OCTET = st.sampled_from(["0", "1", "01", "99", "199", "255", "256", "999"])
_ADDRESS = st.builds(".".join, st.lists(_OCTET, min_size=3, max_size=5)) | st.sampled_from(
    ["::1", "host.example", "10.0.0.5", "10.0.0.5 port", ""]
)


@st.composite
def _message(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(SHAPED))
    program, _, text = template.partition(": ")
    words = text.split(" ")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(words) - 1))
        word = words[i]
        if word.replace(".", "").isdigit() and word.count(".") == 3:
            words[i] = draw(_ADDRESS)
        elif word.isdigit():
            words[i] = draw(_NUMBER)
        else:
            words[i] = draw(st.sampled_from([word, word + draw(_VALUE), draw(_VALUE)]))
    program = draw(st.sampled_from([program, program, "sshd[2]", "sudo", "CRON[3]", "x"]))
    return f"{program}: {' '.join(words)}"


_LINE = st.one_of(
    st.builds(lambda m: _lines(m).decode(), _message()),
    st.builds(lambda m: _lines(m).decode(), _message()),
    st.sampled_from(
        [
            "continued\n",
            "\n",
            "# comment\n",
            "Nov 27 02:10:00 h last message repeated 2 times\n",
            "Nov 27 02:10:00 h x: message repeated 2 times: [ y]\n",
            "<13>Nov 27 02:10:00 h x: y\n",
            "Feb 29 02:10:00 h x: y\n",
            "Nov 27 02:10:00 h audispd: node=h type=EOE msg=audit(1795745400.000:9): \n",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_LINE, min_size=1, max_size=14),
    st.lists(st.integers(1, 5), max_size=4),
    st.booleans(),
)
def test_any_lines_give_the_reference_rows(
    lines: list[str], blocks: list[int], final: bool
) -> None:
    data = "".join(lines).encode("utf-8", "surrogateescape")
    assert_same_rows(data, blocks, final=final)
