"""Any input to the Docker parsers parses or is rejected with a reason, never crashes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from auditlake.parsers.docker_events import DockerEventsParser
from auditlake.parsers.dockerd import (
    _GO_ESCAPE,
    _PAIR,
    ApiPairing,
    DockerdParser,
    _go_escape,
    go_unquote,
    logrus_fields,
    normalize_dockerd_message,
    pairs_from,
)
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
        (DockerdParser, b'time="2026-11-27T02:31:07Z" level=info msg="' + b"a\\" * 100_000),
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


# Values as logrus writes them (quoted, bare, empty) and as it never would.
_VALUE = st.one_of(
    st.text(alphabet=' ="\\ax\t', max_size=8).map(lambda v: f'"{v}"'),
    st.text(alphabet=' ="\\ax\t', max_size=8),
    st.sampled_from(['""', "", '"a\\"b"', '"\\x41\\n"']),
)


@settings(max_examples=500, deadline=None)
@given(
    stamp=_VALUE,
    level=_VALUE,
    msg=_VALUE,
    rest=st.lists(st.tuples(st.sampled_from(["time", "msg", "k", "a=b", ""]), _VALUE), max_size=3),
    glue=st.sampled_from([" ", "  ", ""]),
)
def test_logrus_head_reads_as_the_general_scan(stamp, level, msg, rest, glue):
    line = f"time={stamp} level={level} msg={msg}" + "".join(f"{glue}{k}={v}" for k, v in rest)
    fields = logrus_fields(line)
    assert list(fields.items()) == list(pairs_from(line, 0, {}).items())


def test_logrus_fast_paths_read_corpus_lines_as_the_general_scan(corpus: Path) -> None:
    paths = ["aws-eb-amzn1-dockerd/docker", "yohab-image-classifier-dockerd/dockerd.log"]
    lines = [ln for p in paths for ln in (corpus / p).read_text(errors="replace").splitlines()]
    assert sum(ln.startswith("time=") for ln in lines) > 100
    for line in lines:
        assert list(logrus_fields(line).items()) == list(pairs_from(line, 0, {}).items())
        for _, quoted, _ in _PAIR.findall(line):
            assert go_unquote(quoted) == _GO_ESCAPE.sub(_go_escape, quoted)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='\\"nxu0Aé', max_size=12))
def test_unquote_of_only_quote_escapes_equals_the_escape_scan(body):
    assert go_unquote(body) == _GO_ESCAPE.sub(_go_escape, body)


# Any JSON value, where a request body may hold it: a client chooses the body, and dockerd
# logs it before it decodes (and refuses) it.
_SCALAR = st.none() | st.booleans() | st.integers() | st.text(alphabet="/:ab,=", max_size=6)
_JSON = _SCALAR | st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner),
    max_leaves=6,
)
_MOUNT = st.fixed_dictionaries(
    {},
    optional={
        "Type": st.sampled_from(["bind", "volume"]) | _JSON,
        "Source": _JSON,
        "VolumeOptions": st.fixed_dictionaries(
            {}, optional={"DriverConfig": st.fixed_dictionaries({}, optional={"Options": _JSON})}
        )
        | _JSON,
    },
)
_ANY_FIELDS = ("Privileged", "CapAdd", "SecurityOpt", "VolumesFrom", "PidMode", "NetworkMode")
_HOST_CONFIG = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(_ANY_FIELDS, _JSON)
    | {
        "Binds": st.lists(_JSON, max_size=3) | _JSON,
        "Mounts": st.lists(_MOUNT | _JSON, max_size=3) | _JSON,
        "Devices": st.lists(st.fixed_dictionaries({"PathOnHost": _JSON}) | _JSON) | _JSON,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    body=st.fixed_dictionaries(
        {"Image": _JSON},
        optional={"HostConfig": _HOST_CONFIG | _JSON, "Cmd": _JSON, "DriverOpts": _JSON},
    )
)
def test_any_value_in_a_request_body_parses(body):
    message = json.dumps("form data: " + json.dumps(body))
    row = normalize_dockerd_message(
        f'time="2026-01-01T00:00:00Z" level=debug msg={message}', ApiPairing()
    )
    assert row is not None and row["class_uid"] == 6003
    assert all(isinstance(m, str) for m in row.get("container_mounts", []))


def test_a_body_dockerd_would_refuse_still_gives_its_row_and_the_next_line(run_parser):
    data = (
        b'time="2026-01-01T00:00:00Z" level=debug msg="Calling POST /v1.41/containers/create"\n'
        b'time="2026-01-01T00:00:00Z" level=debug msg="form data: '
        b'{\\"Image\\":\\"x\\",\\"HostConfig\\":{\\"Binds\\":5,\\"Mounts\\":7}}"\n'
        b'time="2026-01-01T00:00:01Z" level=info msg="ok"\n'
    )
    out, _ = run_parser(DockerdParser, data)
    assert not out.rejects
    assert [(e["message"][:9], e.get("container_mounts")) for e in out.events] == [
        ("Calling P", None),
        ("form data", []),
        ("ok", None),
    ]
