"""rows.py: the shared row helpers give exactly what the slower originals give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from auditlake.parsers.base import event_uid
from auditlake.parsers.rows import (
    fast_event_uid,
    first_event_uids,
    parse_rfc3339,
    split_lines_merging_blanks,
    utc_from_micros,
)
from hypothesis import given
from hypothesis import strategies as st


@given(st.text(), st.integers(min_value=-(2**70), max_value=2**70), st.integers(0, 10**6))
def test_fast_event_uid_equals_event_uid(file_id: str, offset: int, index: int) -> None:
    assert fast_event_uid(file_id, offset, index) == event_uid(file_id, offset, index)


@given(st.text(), st.lists(st.integers(min_value=0, max_value=2**63)))
def test_first_event_uids_equal_event_uid(file_id: str, offsets: list[int]) -> None:
    assert first_event_uids(file_id, offsets) == [event_uid(file_id, o) for o in offsets]


def test_rfc3339_times_of_one_second_keep_their_own_fraction() -> None:
    first = parse_rfc3339("2026-11-27T02:10:00.250000+01:00")
    second = parse_rfc3339("2026-11-27T02:10:00.000001234+01:00")
    assert first == datetime(2026, 11, 27, 1, 10, 0, 250000, tzinfo=UTC)
    assert second == datetime(2026, 11, 27, 1, 10, 0, 1, tzinfo=UTC)


def test_rfc3339_same_second_in_other_zone_is_not_taken_from_the_cache() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_rfc3339("2026-07-01T12:00:00.5", UTC) == datetime(
        2026, 7, 1, 12, 0, 0, 500000, tzinfo=UTC
    )
    assert parse_rfc3339("2026-07-01T12:00:00.5", berlin) == datetime(
        2026, 7, 1, 10, 0, 0, 500000, tzinfo=UTC
    )
    assert parse_rfc3339("2026-07-01T12:00:00.5-02:00") == datetime(
        2026, 7, 1, 14, 0, 0, 500000, tzinfo=UTC
    )


def test_rfc3339_fraction_keeps_a_zone_offset_of_seconds() -> None:
    odd = timezone(timedelta(minutes=53, seconds=28))  # a local mean time, as old tz data has
    assert parse_rfc3339("1890-01-01T00:53:28.75", odd) == datetime(
        1890, 1, 1, 0, 0, 0, 750000, tzinfo=UTC
    )


def test_rfc3339_time_outside_years_1_to_9999_in_utc_is_none() -> None:
    assert parse_rfc3339("0001-01-01T00:00:00+01:00") is None
    assert parse_rfc3339("9999-12-31T23:59:59.5-01:00") is None


def test_micros_outside_years_1_to_9999_are_none() -> None:
    assert utc_from_micros(10**18) is None
    assert utc_from_micros(-(10**18)) is None
    assert utc_from_micros(0) == datetime(1970, 1, 1, tzinfo=UTC)


def test_rfc3339_zone_a_day_or_more_from_utc_is_none() -> None:
    assert parse_rfc3339("2026-01-01T00:00:00+99:00") is None
    assert parse_rfc3339("2026-01-01T00:00:00-24:00") is None
    assert parse_rfc3339("2026-01-01T00:00:00-23:59") == datetime(2026, 1, 1, 23, 59, tzinfo=UTC)


def split_lines(block: bytes, offset: int) -> list[tuple[int, bytes]]:
    """Split `block` on b"\\n" one line at a time: the oracle of the merging split."""
    parts = block.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    offsets = [offset + sum(map(len, lines[:i])) for i in range(len(lines))]
    return list(zip(offsets, lines, strict=True))


@given(st.lists(st.sampled_from([b"a\n", b"\n", b" \t\r\n", b"b", b" "]), max_size=30))
def test_merging_blanks_tiles_the_block_and_only_joins_runs_of_blank_lines(
    pieces: list[bytes],
) -> None:
    block = b"".join(pieces)
    merged = list(split_lines_merging_blanks(block, 7))
    assert b"".join(line for _, line in merged) == block
    assert [o for o, _ in merged] == [
        7 + sum(len(x) for _, x in merged[:i]) for i in range(len(merged))
    ]
    assert not any(a.isspace() and b.isspace() for (_, a), (_, b) in pairwise(merged))
    kept = [(o, line) for o, line in split_lines(block, 7) if not line.isspace()]
    assert [(o, line) for o, line in merged if not line.isspace()] == kept
