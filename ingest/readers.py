"""Read a log file as decompressed bytes, in blocks of whole lines, within limits.

Compression is recognised by magic bytes, not by name (`audit.log.2` may be gzip).
Two limits keep memory bounded whatever the input: a line longer than `max_line` is
reported (offset, length, head, hash) without being held in memory, and a compressed
stream that inflates beyond `max_ratio` times its compressed size (once past
`ratio_floor` bytes) or beyond `max_size` is stopped as a decompression bomb.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import zstandard
from auditlake.ingest.journal_file import export_from_journal_file

from auditlake.errors import InputError
from auditlake.schema import REJECT_RAW_CAP

MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"LPKSHHRH": "journal",  # systemd's binary journal, read via journalctl's export
}
MiB = 1 << 20
READ_SIZE = 4 * MiB


@dataclass(frozen=True, slots=True)
class Limits:
    """Guards on one input file; the defaults suit a central log server."""

    max_line: int = MiB
    max_ratio: int = 200  # real logs compress 5-30x; bombs of zeros ~1000x
    ratio_floor: int = 16 * MiB  # ratio is judged only after this much output
    max_size: int = 64 * 1024 * MiB  # decompressed bytes per file


def compression_of(path: Path) -> str | None:
    """Return the compression of `path` by its magic bytes (None: plain)."""
    with open(path, "rb") as f:
        head = f.read(8)
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return None


class StreamStopped(Exception):
    """The stream cannot be read further; `reason` says why (it becomes a gap)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Counting:
    """A raw file that counts the compressed bytes handed to the decompressor."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.count += len(data)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.f.close()


class _Chunks:
    """A file-like reader over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buf = b""

    def read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = next(self.chunks, b"")
            if not chunk:
                break
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close:
            close()


class ByteStream:
    """The decompressed bytes of a file, read forward, with the bomb guard applied."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.compression = compression_of(path)
        self._raw = _Counting(open(path, "rb"))  # noqa: SIM115 - closed in close()
        self._inner: Any  # every decompressor here reads like a binary file
        raw: Any = self._raw  # duck-typed file: the stubs want a real IO
        match self.compression:
            case "gzip":
                self._inner = gzip.GzipFile(fileobj=raw, mode="rb")
            case "bz2":
                self._inner = bz2.BZ2File(raw)
            case "xz":
                self._inner = lzma.LZMAFile(raw)  # noqa: SIM115
            case "zstd":
                self._inner = zstandard.ZstdDecompressor().stream_reader(raw)
            case "journal":
                self._inner = _Chunks(export_from_journal_file(path))
            case _:
                self._inner = self._raw
        self._read1 = self.compression in ("gzip", "bz2", "xz", "zstd")
        self.pos = 0  # decompressed bytes returned so far

    def read(self, n: int) -> bytes:
        """Return up to `n` bytes (b"" at the end); raise StreamStopped on corrupt input."""
        try:
            # read1: one decompression step, so bytes before a corrupt spot are returned
            data: bytes = self._inner.read1(n) if self._read1 else self._inner.read(n)
        except EOFError as exc:
            raise StreamStopped(f"{self.compression} stream is truncated ({exc})") from None
        except InputError as exc:
            raise StreamStopped(exc.message) from None
        except (OSError, zlib.error, lzma.LZMAError, zstandard.ZstdError, ValueError) as exc:
            raise StreamStopped(f"{self.compression or 'file'} is unreadable ({exc})") from None
        self.pos += len(data)
        if self.compression and self.compression != "journal":
            self._guard()
        return data

    def _guard(self) -> None:
        lim = self.limits
        if self.pos > lim.max_size:
            raise StreamStopped(
                f"decompression stopped at {self.pos} bytes: over the size limit "
                f"{lim.max_size} (a decompression bomb?)"
            )
        if self.pos > lim.ratio_floor and self.pos > lim.max_ratio * max(self._raw.count, 1):
            raise StreamStopped(
                f"decompression stopped at {self.pos} bytes from {self._raw.count} "
                f"compressed: ratio over {lim.max_ratio}:1 (a decompression bomb?)"
            )

    def skip_to(self, offset: int) -> None:
        """Advance to decompressed `offset` (seek for plain files)."""
        if not self.compression:
            self._raw.f.seek(offset)
            self.pos = offset
            return
        while self.pos < offset:
            if not self.read(min(READ_SIZE, offset - self.pos)):
                break

    def read_exactly(self, n: int) -> bytes:
        """Return the next `n` bytes (fewer only at the end of the stream)."""
        chunks: list[bytes] = []
        while n > 0:
            data = self.read(min(n, READ_SIZE))
            if not data:
                break
            chunks.append(data)
            n -= len(data)
        return b"".join(chunks)

    def close(self) -> None:
        if self._inner is not self._raw:
            self._inner.close()
        self._raw.close()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_stream(path: Path, limits: Limits) -> ByteStream:
    """Open `path` as a stream of decompressed bytes."""
    return ByteStream(path, limits)


def read_around(path: Path, pos: int, radius: int) -> tuple[int, bytes]:
    """Return (offset, bytes) of a plain file's bytes within `radius` of `pos`."""
    start = max(pos - radius, 0)
    with open(path, "rb") as f:
        f.seek(start)
        return start, f.read(pos + radius - start)


def stream_size(path: Path, limits: Limits) -> int:
    """Return how many decompressed bytes `path` yields (to a corrupt spot or a bomb stop)."""
    with open_stream(path, limits) as stream:
        try:
            while stream.read(READ_SIZE):
                pass
        except StreamStopped:
            pass
        return stream.pos


def read_head(path: Path, n: int, limits: Limits) -> bytes:
    """Return the first `n` decompressed bytes (fewer if the file is shorter or corrupt).

    Raises StreamStopped when not even one byte can be read.
    """
    chunks: list[bytes] = []
    with open_stream(path, limits) as stream:
        try:
            while n > 0 and (data := stream.read(n)):
                chunks.append(data)
                n -= len(data)
        except StreamStopped:
            if not chunks:
                raise
            # a head is what could be read; the stop is reported when the file is read
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class Block:
    """Whole lines starting at `offset` (the last may lack b"\\n" at the end of input)."""

    offset: int
    data: bytes


@dataclass(frozen=True, slots=True)
class LongLine:
    """A line over the limit: where it is and what it looked like, not its bytes."""

    offset: int
    length: int
    head: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class Stopped:
    """The stream ended early at `offset` for `reason` (truncated, corrupt, bomb)."""

    offset: int
    reason: str


Item = Block | LongLine | Stopped


def blocks(stream: ByteStream, start: int, final: bool, end: int | None = None) -> Iterator[Item]:
    """Yield blocks of whole lines from `start`; a partial last line only when `final`.

    `end`, if given, is a line boundary where reading stops (a range of the file).

    Reads at most `max_line` bytes at a time, so only the first line of the buffer can
    be over the limit; such a line is yielded as a LongLine and skipped while it is
    read. Memory stays under about three times `max_line`.
    """
    try:
        stream.skip_to(start)
    except StreamStopped as exc:
        yield Stopped(stream.pos, exc.reason)
        return
    max_line = stream.limits.max_line
    size = min(READ_SIZE, max_line)
    offset = start  # file offset of buf[0]
    buf = b""
    long: _Long | None = None
    while end is None or stream.pos < end:
        try:
            data = stream.read(size if end is None else min(size, end - stream.pos))
        except StreamStopped as exc:
            # the partial line at the cut is not parsed: when the file turns out to be
            # an unfinished copy, the next run reads the line whole from its start
            partial = long.length if long else len(buf)
            reason = exc.reason
            if partial:
                reason += f"; a partial last line of {partial} bytes was not read"
            yield Stopped(long.offset if long else offset, reason)
            return
        if not data:
            break
        if long is not None:
            nl = data.find(b"\n")
            long.add(data if nl < 0 else data[: nl + 1])
            if nl < 0:
                continue
            yield long.item()
            offset, long = long.end, None
            data = data[nl + 1 :]
        buf += data
        if len(buf) > max_line:
            nl = buf.find(b"\n")
            if nl < 0 or nl >= max_line:
                long = _Long(offset, buf[: nl + 1] if nl >= 0 else buf)
                if nl < 0:
                    buf = b""
                    continue
                yield long.item()
                offset, long = long.end, None
                buf = buf[nl + 1 :]
        cut = buf.rfind(b"\n") + 1
        if cut:
            yield Block(offset, buf[:cut])
            offset += cut
            buf = buf[cut:]
    yield from _tail(buf, offset, long, final)


class _Long:
    """An over-long line being skipped: its start, length, head and running hash."""

    def __init__(self, offset: int, first: bytes) -> None:
        self.offset = offset
        self.length = len(first)
        self.head = first[:REJECT_RAW_CAP]
        self.hash = hashlib.sha256(first)

    @property
    def end(self) -> int:
        return self.offset + self.length

    def add(self, data: bytes) -> None:
        self.length += len(data)
        self.hash.update(data)

    def item(self) -> LongLine:
        return LongLine(self.offset, self.length, self.head, self.hash.hexdigest())


def _tail(buf: bytes, offset: int, long: _Long | None, final: bool) -> Iterator[Item]:
    """Yield what is left at the end of input: a partial line only when `final`."""
    if not final:
        return
    if long is not None:
        yield long.item()
    elif buf:
        yield Block(offset, buf)
