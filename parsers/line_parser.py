"""A base for formats whose every line stands alone: one line in, one row out."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable

from auditlake.parsers.base import ParseOutput, Parser, SourceContext, parser_error, reject
from auditlake.parsers.rows import blank_reject, gc_paused, split_lines_merging_blanks

SNIFF_LINES = 50


def head_lines(head: bytes) -> list[str]:
    """Return the first SNIFF_LINES non-blank lines of a file's head, for sniffing."""
    lines = head.decode("utf-8", "replace").split("\n")
    return [line for line in lines if line.strip()][:SNIFF_LINES]


def mostly(head: bytes, looks_like: Callable[[str], bool]) -> bool:
    """Tell whether at least one and at least half of the head's lines look like a format."""
    lines = head_lines(head)
    hits = sum(map(looks_like, lines))
    return hits > 0 and hits * 2 >= len(lines)


class LineParser(Parser):
    """Feeds each line to `_line`; keeps nothing back, so finish() returns the end."""

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self._out = ParseOutput()
        self._end = 0

    @abstractmethod
    def _line(self, offset: int, line: bytes) -> None:
        """Turn one line (with its newline, if any) into a row or a reject."""

    def feed(self, block: bytes, offset: int) -> None:
        """Feed each line to `_line`; a run of blank lines becomes one reject."""
        with gc_paused():
            line_of = self._kept_line
            for line_offset, line in split_lines_merging_blanks(block, offset):
                if line.isspace():
                    blank = blank_reject(self.ctx, line_offset, line, self.source_type)
                    self._out.rejects.append(blank)
                else:
                    line_of(line_offset, line)
        self._end = offset + len(block)

    def _kept_line(self, offset: int, line: bytes) -> None:
        """`_line`; a line it fails on is a reject (base.parser_error), never a failed run."""
        try:
            self._line(offset, line)
        except Exception as exc:
            self._reject(offset, line, parser_error(exc))

    def _reject(self, offset: int, line: bytes, reason: str) -> None:
        self._out.rejects.append(reject(self.ctx, offset, line, reason, self.source_type))

    def drain(self) -> ParseOutput:
        out, self._out = self._out, ParseOutput()
        return out

    def finish(self, final: bool) -> int:
        return self._end
