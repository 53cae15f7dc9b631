"""Blocks of whole lines: every byte in exactly one item, long lines cut out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from auditlake.ingest.readers import Block, Limits, LongLine, Stopped, blocks, open_stream
from hypothesis import given, settings
from hypothesis import strategies as st

LINES = st.lists(
    st.tuples(st.integers(0, 40), st.booleans()).map(
        lambda t: b"a" * t[0] + (b"\n" if t[1] else b"")
    ),
    max_size=30,
)


def _items(path: Path, data: bytes, max_line: int, final: bool, start: int = 0) -> list[object]:
    path.write_bytes(data)
    with open_stream(path, Limits(max_line=max_line)) as stream:
        return list(blocks(stream, start, final))


@settings(max_examples=200, deadline=None)
@given(parts=LINES, max_line=st.integers(1, 50), final=st.booleans())
def test_items_tile_the_input_and_only_long_lines_are_cut_out(
    tmp_path_factory: object, parts: list[bytes], max_line: int, final: bool
) -> None:
    data = b"".join(parts)
    path = tmp_path_factory.mktemp("r") / "f"  # type: ignore[attr-defined]
    items = _items(path, data, max_line, final)
    pos = 0
    for item in items:
        assert isinstance(item, Block | LongLine)
        if isinstance(item, Block):
            assert item.offset == pos
            assert item.data == data[pos : pos + len(item.data)]
            lines = item.data.split(b"\n")
            assert all(len(x) + 1 <= max_line for x in lines[:-1])
            pos += len(item.data)
        else:
            line = data[item.offset : item.offset + item.length]
            assert item.offset == pos and len(line) > max_line
            assert item.sha256 == hashlib.sha256(line).hexdigest()
            pos += item.length
    # a partial last line is left for the next run unless the file is closed
    end = len(data) if final else data.rfind(b"\n") + 1
    assert pos == end


def test_reading_from_an_offset_yields_offsets_of_the_file(tmp_path: Path) -> None:
    items = _items(tmp_path / "f", b"one\ntwo\nthree\n", 1024, True, start=4)
    assert items == [Block(4, b"two\nthree\n")]


def test_stop_at_truncated_gzip_leaves_the_partial_line_to_the_gap(tmp_path: Path) -> None:
    import gzip

    packed = gzip.compress(b"".join(b"line %d\n" % i for i in range(5000)))
    items = _items(tmp_path / "f.gz", packed[:2000], 1 << 20, True)
    stop = items[-1]
    assert isinstance(stop, Stopped)
    fed = sum(len(i.data) for i in items if isinstance(i, Block))
    assert stop.offset == fed
    assert stop.reason.endswith("bytes was not read")
