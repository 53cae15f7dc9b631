"""Any input to the Docker parsers parses or is rejected with a reason, never crashes."""

from __future__ import annotations

import time

import pytest
from auditlake.parsers.docker_events import DockerEventsParser
from auditlake.parsers.dockerd import DockerdParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_SHAPES = [
    b'time="2026-11-27T02:31:07Z" level=debug msg="form data: {\\"HostConfig\\":1}"',
    b'time="2026-11-27T02:31:07Z" level=debug msg="Calling POST /v1.43/containers/create?name=%"',
    b'time="bad" level=info msg="x',
    b'INFO[0001] x  a="\\',
    b'{"level":"info","msg":{"a":1},"time":5}',
    b"\\nSun Aug 16 10:05:04 UTC 2020\\n",
    b"2026-11-27T02:31:08Z container start x (a=b, c)",
    b"2026-13-27T02:31:08Z container start x",
    b"2026-11-27T02:31:08Z image",
    b'{"Type":"container","Action":"x","Actor":[],"time":"1"}',
    b'{"Type":"container","Action":"x","Actor":{"Attributes":[1]},"timeNano":5}',
]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=60),
            st.text(max_size=60).map(str.encode),
            st.sampled_from(_SHAPES),
        ),
        max_size=12,
    ),
    parser=st.sampled_from([DockerdParser, DockerEventsParser]),
    block_lines=st.integers(min_value=1, max_value=4),
)
def test_any_input_parses_or_is_rejected_with_a_reason(
    lines, parser, block_lines, run_parser, check_accounting
):
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    out, resume = run_parser(parser, data, block_lines=block_lines)
    assert resume == len(data)
    check_accounting(out, data, resume)


@pytest.mark.parametrize(
    ("parser", "line"),
    [
        (DockerdParser, b'time="2026-11-27T02:31:07Z" msg=' + b"a" * 200_000),
        (DockerdParser, b"INFO[2026-11-27T02:31:07Z] " + b" " * 200_000 + b"x"),
        (DockerdParser, b"INFO[2026-11-27T02:31:07Z] " + b"a=b " * 50_000 + b"x"),
        (DockerEventsParser, b"2026-11-27T02:31:08Z container start " + b"x (" * 50_000 + b"a=b)"),
    ],
)
def test_a_long_line_takes_linear_time(parser, line, run_parser):
    # a regex that backtracks on these takes minutes; linear parsing takes milliseconds
    started = time.perf_counter()
    out, _ = run_parser(parser, line)
    assert time.perf_counter() - started < 2
    assert len(out.events) + len(out.rejects) == 1
