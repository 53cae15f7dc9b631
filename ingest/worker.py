"""Read planned files through their parsers into staged parts (runs in a worker process).

A worker reads its files one after another with one PartWriter, so parts hold the
rows of many small files rather than one tiny part per input. It returns the staged
parts and the new file states; only the parent publishes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NoReturn

import numpy as np
from auditlake.ingest.checkpoints import FileState, Gap
from auditlake.ingest.identity import HEAD, TAIL, digest
from auditlake.ingest.plan import Plan, zone_name
from auditlake.ingest.readers import (
    Block,
    ByteStream,
    Limits,
    LongLine,
    StreamStopped,
    blocks,
    open_stream,
)
from auditlake.ingest.writer import PartWriter
from auditlake.parsers import registry
from auditlake.parsers.base import ParseOutput, Parser, Row, SourceContext
from auditlake.parsers.rows import gc_paused

from auditlake.errors import AuditlakeError, ParseError
from auditlake.lake import Lake

Progress = Callable[[int, int], None]  # (bytes, files) read since the last call
# Lines a parser is fed at once. It holds a row per line until drained, so a block of
# tiny lines (4 MiB of `x\n`: two million rejects, ~1 GiB of rows) is fed in parts.
MAX_FEED_LINES = 1 << 16


@dataclass(slots=True)
class Counts:
    """What a run read and produced (summed over workers)."""

    files: int = 0
    bytes: int = 0
    lines: int = 0
    events: int = 0
    records: int = 0
    rejects: int = 0
    gaps: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class WorkerResult:
    """Parts staged, states advanced and gaps found by one worker."""

    staged: dict[str, list[str]]
    states: list[FileState] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    vanished: list[tuple[str, str]] = field(default_factory=list)  # path, why
    counts: Counts = field(default_factory=Counts)


def read_plans(
    lake_root: str,
    plans: list[Plan],
    limits: Limits,
    strict: bool = False,
    progress: Progress | None = None,
) -> WorkerResult:
    """Read every plan; stage the rows; return the new states (nothing is published)."""
    writer = PartWriter(Lake(lake_root))
    result = WorkerResult(writer.staged)
    # the cyclic GC stays paused for the whole read, collecting at each flush (see _keep)
    with gc_paused():
        for plan in plans:
            try:
                stream = open_stream(plan.path, limits)
            except OSError as exc:  # deleted since planning: read next run if it returns
                result.vanished.append((str(plan.path), f"vanished ({exc.strerror})"))
                continue
            with stream:
                state, gaps, counts = _read_one(plan, stream, writer, limits, strict, progress)
            if progress:
                progress(0, counts.files)
            if plan.end is None:  # only the last range of a split file carries its state
                result.states.append(state)
            result.gaps.extend(gaps)
            result.counts.add(counts)
        writer.flush()
    return result


def _read_one(
    plan: Plan,
    stream: ByteStream,
    writer: PartWriter,
    limits: Limits,
    strict: bool,
    progress: Progress | None,
) -> tuple[FileState, list[Gap], Counts]:
    assert plan.format is not None
    cls = registry.get(plan.format)
    source = plan.path.as_posix()
    ctx = SourceContext(
        source_file=source,
        file_id=plan.file_id,
        host=plan.host,
        tz=plan.tz,
        reference_time=plan.mtime,
    )
    parser = cls(ctx)
    counts = Counts(files=int(plan.end is None))
    gaps: list[Gap] = []
    long_rejects: list[Row] = []
    # the last block fed and TAIL bytes before it: the new offset's tail is usually in it
    # (kept apart, so that no block is copied to join them)
    before, last, window_end = b"", b"", 0
    fed_end: int | None = None  # end of the bytes fed to the parser
    items_end = plan.start  # end of the bytes read (fed or rejected as over-long)
    for item in blocks(stream, plan.start, plan.final, plan.end):
        if isinstance(item, Block):
            newlines = item.data.count(b"\n")
            counts.lines += newlines + (not item.data.endswith(b"\n"))
            for part in _bounded(item, newlines):
                _feed(parser, part, source)
                _keep(writer, parser.drain(), plan.file_id, counts, strict, source)
            before, last = _last_bytes(before, last, TAIL), item.data
            window_end = fed_end = items_end = item.offset + len(item.data)
            if progress:
                progress(len(item.data), 0)
        elif isinstance(item, LongLine):
            counts.lines += 1
            long_rejects.append(_long_reject(source, item, limits, cls.source_type))
            if strict:
                _strict_stop(long_rejects, source)
            before, last, window_end = b"", b"", item.offset + item.length
            items_end = window_end
        else:
            gaps.append(Gap(plan.file_id, source, item.offset, 0, item.reason))
    held = parser.finish(plan.final)
    # the parser accounts for what it was fed; over-long lines after that are ours
    offset = items_end if fed_end is None or held >= fed_end else held
    window = before + last
    # lines held back (e.g. an open auditd event) are read again next run: not counted
    counts.lines -= _lines_between(plan, offset, items_end, window, window_end, limits)
    counts.bytes = offset - plan.start
    out = parser.drain()
    out.rejects.extend(r for r in long_rejects if r["source_offset"] < offset)
    _keep(writer, out, plan.file_id, counts, strict, source)
    counts.gaps = len(gaps)
    return advance(plan, offset, window, window_end, limits), gaps, counts


def _lines_between(
    plan: Plan, start: int, end: int, window: bytes, window_end: int, limits: Limits
) -> int:
    """Return how many lines lie in [start, end), from the window or re-read from the file."""
    if start >= end:
        return 0
    if window_end == end and window_end - len(window) <= start:
        data = window[start - end :]
        return data.count(b"\n") + (not data.endswith(b"\n"))
    lines, last = 0, b"\n"
    try:
        with open_stream(plan.path, limits) as stream:
            stream.skip_to(start)
            while stream.pos < end and (
                data := stream.read(min(limits.max_line, end - stream.pos))
            ):
                lines, last = lines + data.count(b"\n"), data[-1:]
    except (OSError, StreamStopped):  # gone since: the count is only for the summary
        return 0
    return lines + (last != b"\n")


def _last_bytes(before: bytes, data: bytes, n: int) -> bytes:
    """Return the last `n` bytes of `before + data`, copying no more than `n` bytes."""
    return data[-n:] if len(data) >= n else (before + data)[-n:]


def _bounded(block: Block, newlines: int) -> Iterator[Block]:
    """Cut `block` (holding `newlines` newlines) into blocks of MAX_FEED_LINES lines or fewer."""
    if newlines <= MAX_FEED_LINES:
        yield block
        return
    data = block.data
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord("\n")) + 1
    start = 0
    for end in [*ends[MAX_FEED_LINES - 1 :: MAX_FEED_LINES].tolist(), len(data)]:
        if end > start:
            yield Block(block.offset + start, data[start:end])
        start = end


def _feed(parser: Parser, block: Block, source: str) -> None:
    try:
        parser.feed(block.data, block.offset)
    except AuditlakeError:
        raise
    except Exception as exc:
        raise ParseError(
            f"parser {type(parser).__name__} failed: {type(exc).__name__}: {exc} "
            "(a parser bug: please report it; --format can choose another parser)",
            f"{source}:{block.offset}",
        ) from exc


def _keep(
    writer: PartWriter, out: ParseOutput, file_id: str, counts: Counts, strict: bool, source: str
) -> None:
    if strict and out.rejects:
        _strict_stop(out.rejects, source)
    counts.events += out.event_count()
    counts.records += len(out.auditd_records)
    counts.rejects += len(out.rejects)
    if writer.add(out, file_id):
        # The cyclic GC is paused for the whole read (rows are acyclic; its scans of the
        # rows between parsing and Arrow cost ~5%); collecting once per flush still bounds
        # any garbage cycle by the writer's buffer.
        gc.collect()


def _strict_stop(rejects: list[Row], source: str) -> NoReturn:
    first = min(rejects, key=lambda r: r["source_offset"])
    raise ParseError(
        f"rejected ({first['reason']}); --strict stops at the first reject",
        f"{source}:{first['source_offset']}",
    )


def _long_reject(source: str, item: LongLine, limits: Limits, source_type: str) -> Row:
    return {
        "source_file": source,
        "source_offset": item.offset,
        "source_length": item.length,
        "source_type": source_type,
        "reason": f"line of {item.length} bytes is over the limit of {limits.max_line} bytes; not parsed",
        "raw": item.head,
        "raw_sha256": item.sha256,
    }


def advance(plan: Plan, offset: int, window: bytes, window_end: int, limits: Limits) -> FileState:
    """Return the file's state after the read: committed offset, head and tail hashes."""
    head = plan.head[:HEAD]
    tail = _tail_before(plan, offset, window, window_end, limits)
    prior = plan.prior
    paths = list(prior.paths) if prior else []
    if plan.path.as_posix() not in paths:
        paths.append(plan.path.as_posix())
    return FileState(
        file_id=plan.file_id,
        path=plan.path.as_posix(),
        format=plan.format or "",
        host=plan.host,
        head_len=len(head),
        head_hash=digest(head),
        offset=offset,
        tail_len=len(tail),
        tail_hash=digest(tail) if tail else "",
        stat=plan.stat,
        final=plan.final,
        paths=paths,
        tz=zone_name(plan.tz),
    )


def _tail_before(plan: Plan, offset: int, window: bytes, window_end: int, limits: Limits) -> bytes:
    """Return up to TAIL bytes before `offset`, re-reading them if the window lacks them."""
    want = min(TAIL, offset)
    if not want:
        return b""
    start = window_end - len(window)
    if start <= offset - want and offset <= window_end:
        return window[offset - want - start : offset - start]
    try:
        with open_stream(plan.path, limits) as stream:
            stream.skip_to(offset - want)
            return stream.read_exactly(want)
    except (OSError, StreamStopped):  # gone since: identify it next time by its head only
        return b""
