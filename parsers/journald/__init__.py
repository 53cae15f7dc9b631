"""journald: `journalctl -o json`/`json-pretty`, `-o export`, short text."""

from auditlake.parsers.journald.entry import JournalEntry, JournalParser
from auditlake.parsers.journald.export_format import JournaldExportParser
from auditlake.parsers.journald.json_format import JournaldJsonParser
from auditlake.parsers.journald.text_format import JournaldTextParser

__all__ = [
    "JournalEntry",
    "JournalParser",
    "JournaldExportParser",
    "JournaldJsonParser",
    "JournaldTextParser",
]
