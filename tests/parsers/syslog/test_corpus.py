"""Every syslog file of the real-world corpus: no crash, exact counts, every line accounted."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from auditlake.parsers.base import ParseOutput, SourceContext
from auditlake.parsers.syslog import SyslogParser

from auditlake.schema import EVENTS, REJECTS, to_batch

pytestmark = pytest.mark.corpus

COMMENT = "comment line (starts with #), not a syslog record"

# file, events rows, rejects by reason, events by class_uid. Rejects are only lines
# that are not log records: fail2ban's `# failJSON` annotations and blank lines.
EXPECTED: list[tuple[str, int, dict[str, int], dict[int, int]]] = [
    ("plaso/syslog_rsyslog", 80, {}, {0: 80}),  # `message repeated 76 times`
    ("plaso/syslog_rsyslog_ForwardFormat", 9, {}, {0: 9}),  # 9 records on 2 lines
    ("plaso/syslog_rsyslog_SysklogdFileFormat", 9, {}, {0: 9}),  # 1 continuation line
    ("plaso/syslog_rsyslog_SyslogProtocol23Format", 9, {}, {0: 9}),
    ("plaso/syslog_rsyslog_TraditionalForwardFormat", 9, {}, {0: 9}),
    ("plaso/syslog_rsyslog_traditional", 12, {}, {0: 11, 1007: 1}),  # last msg repeated 5
    ("plaso/syslog_ssh.log", 9, {}, {0: 1, 3002: 7, 4001: 1}),
    ("loghub/Linux_2k.log", 2000, {}, {0: 1264, 3002: 736}),
    ("loghub/OpenSSH_2k.log", 2008, {}, {0: 351, 3002: 1142, 4001: 515}),  # 2 x repeated 5
    ("elastic-beats/system-auth/test.log", 10, {}, {1007: 3, 3001: 2, 3002: 4, 4001: 1}),
    ("elastic-beats/system-auth/timestamp.log", 2, {}, {0: 1, 3002: 1}),
    ("fail2ban/sshd", 155, {COMMENT: 193, "blank line": 69}, {0: 20, 3002: 73, 4001: 62}),
    ("fail2ban/pam-generic", 9, {COMMENT: 10, "blank line": 2, "blank lines": 1}, {3002: 9}),
]


def _parse(path: Path) -> tuple[bytes, ParseOutput]:
    data = path.read_bytes()
    ctx = SourceContext(
        str(path), file_id=path.name, reference_time=datetime(2026, 11, 28, tzinfo=UTC)
    )
    parser = SyslogParser(ctx)
    parser.feed(data, 0)
    assert parser.finish(True) == len(data)
    return data, parser.drain()


@pytest.mark.parametrize(
    ("name", "events", "rejects", "classes"), EXPECTED, ids=[e[0] for e in EXPECTED]
)
def test_corpus_file_gives_expected_rows_and_rejects(
    corpus: Path, name: str, events: int, rejects: dict[str, int], classes: dict[int, int]
) -> None:
    _, out = _parse(corpus / name)
    assert len(out.events) == events
    assert dict(Counter(r["reason"] for r in out.rejects)) == rejects
    assert dict(Counter(r["class_uid"] for r in out.events)) == classes
    assert to_batch(out.events, EVENTS).num_rows == events
    assert to_batch(out.rejects, REJECTS).num_rows == sum(rejects.values())


@pytest.mark.parametrize("name", [e[0] for e in EXPECTED])
def test_corpus_file_every_line_lies_in_an_emitted_row(corpus: Path, name: str) -> None:
    data, out = _parse(corpus / name)
    spans = {
        (r["source_offset"], r["source_offset"] + r["source_length"])
        for r in [*out.events, *out.rejects]
    }
    offset = 0
    for line in data.split(b"\n"):
        end = min(offset + len(line) + 1, len(data))
        if end > offset:
            assert any(a <= offset and end <= b for a, b in spans), (offset, line[:80])
        offset = end
