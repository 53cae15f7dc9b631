"""journald: `journalctl -o json`/`json-pretty`, `-o export`, short text, binary files."""

from auditlake.parsers.journald.entry import JournalEntry, JournalParser
from auditlake.parsers.journald.export_format import JournaldExportParser
from auditlake.parsers.journald.journal_file import export_from_journal_file
from auditlake.parsers.journald.json_format import JournaldJsonParser
from auditlake.parsers.journald.text_format import JournaldTextParser

__all__ = [
    "JournalEntry",
    "JournalParser",
    "JournaldExportParser",
    "JournaldJsonParser",
    "JournaldTextParser",
    "export_from_journal_file",
]
