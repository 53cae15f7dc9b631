"""A tiny parser for engine tests: one event per line, lines starting with '!' rejected.

It keeps the parser contract (parsers/base.py) exactly, like the real parsers, so the
engine can be tested without them: `--format lines` with this folder on PYTHONPATH
(its auditlake_test_parsers-0.dist-info declares the `auditlake.parsers` entry point).
With final=False it holds back a last line that starts with '+' (an event that may
continue), as the auditd parser holds back open events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from auditlake.parsers.base import ParseOutput, Parser, SourceContext, event_uid, reject

T0 = datetime(2026, 11, 27, 2, 10, tzinfo=UTC)


class LineParser(Parser):
    source_type: ClassVar[str] = "syslog"
    name: ClassVar[str] = "lines"
    splittable: ClassVar[bool] = True

    def __init__(self, ctx: SourceContext) -> None:
        super().__init__(ctx)
        self.out = ParseOutput()
        self.held: list[tuple[int, bytes]] = []
        self.end = 0

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return head.startswith(b"seq ")

    def feed(self, block: bytes, offset: int) -> None:
        pos = offset
        for line in block.split(b"\n"):
            if not line and pos == offset + len(block):
                break
            raw = line + b"\n" if pos + len(line) < offset + len(block) else line
            self._flush_held()
            if raw.startswith(b"!"):
                self.out.rejects.append(reject(self.ctx, pos, raw, "starts with !", "syslog"))
            elif raw.startswith(b"+"):
                self.held.append((pos, raw))
            else:
                self._emit(pos, raw)
            pos += len(raw)
        self.end = pos

    def _flush_held(self) -> None:
        for pos, raw in self.held:
            self._emit(pos, raw)
        self.held.clear()

    def _emit(self, pos: int, raw: bytes) -> None:
        self.out.events.append(
            {
                "event_uid": event_uid(self.ctx.file_id, pos),
                "time": T0,
                "event_date": T0.date(),
                "source_type": "syslog",
                "class_uid": 0,
                "class_name": "Base Event",
                "device_hostname": self.ctx.host,
                "message": raw.rstrip(b"\n").decode("utf-8", "backslashreplace"),
                "source_file": self.ctx.source_file,
                "source_offset": pos,
                "source_length": len(raw),
            }
        )

    def drain(self) -> ParseOutput:
        out, self.out = self.out, ParseOutput()
        return out

    def finish(self, final: bool) -> int:
        if final or not self.held:
            self._flush_held()
            return self.end
        return self.held[0][0]
