"""Plain logrus lines built as columns (parsers/dockerd_columns.py) give the reference's rows.

The reference is the per-line path of the same parser (`LineParser.feed`). Each test
feeds both the same bytes, in the same blocks, and compares the written form: every
`events` and `rejects` row as the lake would store it, in file order.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from auditlake.parsers.base import ParseOutput, SourceContext
from auditlake.parsers.dockerd import DockerdParser
from auditlake.parsers.line_parser import LineParser
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlake.schema import EVENTS, REJECTS, to_batch

DATA = Path(__file__).parent / "data"
CORPUS_FILES = ["aws-eb-amzn1-dockerd/docker", "yohab-image-classifier-dockerd/dockerd.log"]


def _parse(data: bytes, blocks: list[int], columns: bool) -> ParseOutput:
    """Feed `data` cut after the given line counts; `columns` False: the reference path."""
    parser = DockerdParser(SourceContext("d.log", file_id="d.log", host="h1"))
    feed = parser.feed if columns else lambda block, at: LineParser.feed(parser, block, at)
    lines = data.splitlines(keepends=True)
    offset = start = 0
    for size in [*blocks, len(lines)]:
        block = b"".join(lines[start : start + size])
        if block:
            feed(block, offset)
        offset, start = offset + len(block), start + size
    parser.finish(True)
    return parser.drain()


def _written(out: ParseOutput) -> tuple[pa.Table, pa.Table]:
    """Return the events and rejects as written, each in file order."""
    batches = [to_batch(out.events, EVENTS), *out.event_batches] if out.events else []
    events = pa.Table.from_batches(batches or out.event_batches, EVENTS)
    rejects = pa.Table.from_batches([to_batch(out.rejects, REJECTS)], REJECTS)
    return events.sort_by("source_offset"), rejects.sort_by("source_offset")


def assert_same_rows(data: bytes, blocks: list[int] | None = None) -> int:
    """Assert both paths give the same rows; return how many the column path built."""
    fast = _parse(data, blocks or [], columns=True)
    reference = _parse(data, blocks or [], columns=False)
    assert not reference.event_batches
    fast_events, fast_rejects = _written(fast)
    ref_events, ref_rejects = _written(reference)
    assert fast_events.to_pylist() == ref_events.to_pylist()
    assert fast_rejects.equals(ref_rejects)
    return sum(batch.num_rows for batch in fast.event_batches)


def test_plain_lines_are_built_as_columns_with_the_reference_rows():
    data = (
        b'time="2026-11-26T00:00:00.003299713Z" level=info msg="ignoring event" '
        b"container=bf2e module=libcontainerd namespace=moby topic=/tasks/delete "
        b'type="*events.TaskDelete"\n'
        b'time="2026-11-26T00:00:01Z" level=warning msg="cleaning up after shim disconnected" '
        b"id=3ce0 namespace=moby\n"
        b'time="2026-11-26T00:00:02.5Z" level=info msg="" container=\n'
    )
    assert assert_same_rows(data) == 3


def test_api_calls_without_form_data_are_built_as_columns():
    data = (
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling GET /v1.43/containers/json?all=1"\n'
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling HEAD /_ping"\n'
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling DELETE /v1.43/containers/ab?force=1"\n'
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling PUT /x/v1.2.3/v2/y trailing"\n'
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling POSTX /v1/q"\n'
    )
    assert assert_same_rows(data) == 5
    rows = _parse(data, [], columns=True).all_events()
    assert [(r["api_operation"], r["activity_name"]) for r in rows] == [
        ("GET /containers/json", "Read"),
        ("HEAD /_ping", "Read"),
        ("DELETE /containers/ab", "Delete"),
        ("PUT /x/v1.2.3/y", "Other"),
        ("POSTX /q", "Other"),
    ]


@pytest.mark.parametrize("name", ["debug-api.log", "tty.log", "json.log", "events.log"])
def test_sample_files_give_the_reference_rows(name):
    assert_same_rows((DATA / name).read_bytes())


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_files_give_the_reference_rows(corpus, path):
    data = (corpus / path).read_bytes()
    assert_same_rows(data)
    assert_same_rows(data, blocks=[7, 1, 100, 3])


@pytest.mark.parametrize("blocks", [[], [1], [2]])
def test_form_data_takes_the_name_and_operation_of_the_post_call_built_as_columns(blocks):
    data = (
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling POST /v1.43/containers/create?name=web%2D1"\n'
        b'time="2026-11-26T00:00:00Z" level=debug msg="form data: {\\"Image\\":\\"nginx\\",'
        b'\\"HostConfig\\":{\\"Privileged\\":true}}"\n'
        b'time="2026-11-26T00:00:01Z" level=debug msg="Calling POST /v1.43/containers/web-1/start"\n'
    )
    assert assert_same_rows(data, blocks) == 2
    call, form, start = _parse(data, blocks, columns=True).all_events()
    assert (call["api_operation"], call["activity_name"], call["container_name"]) == (
        "POST /containers/create",
        "Create",
        "web-1",
    )
    assert (form["api_operation"], form["container_name"], form["container_privileged"]) == (
        "POST /containers/create",
        "web-1",
        True,
    )
    assert (start["api_operation"], start["activity_name"]) == (
        "POST /containers/web-1/start",
        "Other",
    )


@pytest.mark.parametrize("body", [b"{}", b"null", b""])
@pytest.mark.parametrize("blocks", [[], [1]])
def test_form_data_without_quotes_is_paired_with_its_post_call(body, blocks):
    # A body with no `"` (an empty object, `null`, nothing) needs no escape, so the line
    # has the plain shape; it is still the call's form data (found by review).
    data = (
        b'time="2026-11-26T00:00:00Z" level=debug msg="Calling POST /v1.43/containers/create?name=web"\n'
        b'time="2026-11-26T00:00:00Z" level=debug msg="form data: ' + body + b'"\n'
    )
    assert assert_same_rows(data, blocks) == 1
    form = _parse(data, blocks, columns=True).all_events()[1]
    assert (form["class_uid"], form["api_operation"], form["container_name"]) == (
        6003,
        "POST /containers/create",
        "web",
    )


def test_lines_the_reference_treats_specially_are_left_to_it():
    # A form data line (not paired: a line comes between it and its call; calls the
    # reference does not read leave the pairing as it is), a lifecycle message, a
    # plain-text line that
    # takes the time of the plain line before it, escapes, a repeated and a reserved key,
    # times that do not exist, and a value past the unmapped cap.
    data = (
        b'time="2026-11-26T00:00:00Z" level=info msg="ignoring event" a=1\n'
        b"goroutine 1 [running]:\n"
        b'time="2026-11-26T00:00:01Z" level=debug msg="Calling POST /v1.43/containers/create?name=web"\n'
        b'time="2026-11-26T00:00:01Z" level=debug msg="Calling get /v1.43/info"\n'
        b'time="2026-11-26T00:00:01Z" level=debug msg="Calling GET  /v1.43/info"\n'
        b'time="2026-11-26T00:00:01Z" level=debug msg="ignoring event"\n'
        b'time="2026-11-26T00:00:01Z" level=debug msg="form data: {\\"Image\\":\\"nginx\\"}"\n'
        b'time="2026-11-26T00:00:02Z" level=info msg="Daemon has completed initialization"\n'
        b'time="2026-11-26T00:00:03Z" level=info msg="say \\"hi\\""\n'
        b'time="2026-11-26T00:00:04Z" level=info msg="x" a=1 a=2\n'
        b'time="2026-11-26T00:00:05Z" level=info msg="x" time="2026-11-26T00:00:09Z"\n'
        b'time="2026-02-30T00:00:06Z" level=info msg="no such day"\n'
        b'time="0000-01-01T00:00:06Z" level=info msg="no year zero"\n'
        b'time="2026-11-26T00:00:07Z" level=info msg="x" big=' + b"v" * 3000 + b"\n"
        b'time="2026-11-26T00:00:08Z" level=info msg="caf\xc3\xa9" k=v\n'
    )
    # the first line, the POST call and the line between it and its form data
    assert assert_same_rows(data) == 3


def test_a_block_with_bytes_that_are_not_utf8_is_left_to_the_reference():
    data = b'time="2026-11-26T00:00:00Z" level=info msg="x"\ntime="2026-11-26T00:00:01Z" level=info msg="\xff"\n'
    assert assert_same_rows(data) == 0


_KEY = st.sampled_from(["a", "container", "id", "time", "level", "msg", "k=v", 'q"', "x\u00a0y"])
_VALUE = st.text(alphabet=st.sampled_from(list('ab =/"\\*.\t\r\u00a0\u2028\x1c\xe9')), max_size=6)
_STAMP = st.builds(
    "{}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{}".format,
    st.sampled_from(["2026", "0000", "1970", "9999"]),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 24),
    st.integers(0, 60),
    st.integers(0, 61),
    st.sampled_from(["", ".5", ".123456", ".1234567891", ".", ",5"]),
    st.sampled_from(["Z", "", "+01:00", "z"]),
)


@st.composite
def _logrus_line(draw: st.DrawFn) -> bytes:
    stamp = draw(_STAMP)
    level = draw(st.sampled_from(["info", "debug", "", '"info"', "Info"]))
    msg = draw(
        st.sampled_from(
            [
                "ignoring event",
                "",
                "Calling GET /v1.43/info?x=1",
                "Calling GET  /v1.4/",
                "Calling POST /containers/create?name=a",
                "Calling PATCH /v1/v2/",
                "Calling DELETE",
                "form data: {}",
                'form data: {"Image": "x"}',
                "Starting up",
            ]
        )
        | _VALUE
    )
    fields = draw(st.lists(st.tuples(_KEY, _VALUE, st.booleans()), max_size=4))
    tail = "".join(f' {k}="{v}"' if quoted else f" {k}={v}" for k, v, quoted in fields)
    line = f'time="{stamp}" level={level} msg="{msg}"{tail}'
    return draw(st.sampled_from([line, line + " ", "  " + line, line + "\r"])).encode()


_LINE = _logrus_line() | st.sampled_from([b"plain text", b"", b"=== restart ===", b"\xff"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=12), st.lists(st.integers(1, 4), max_size=4))
def test_any_lines_give_the_reference_rows(lines, blocks):
    assert_same_rows(b"".join(line + b"\n" for line in lines), blocks)
