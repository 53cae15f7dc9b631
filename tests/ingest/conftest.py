"""Ingest tests run the engine with `lineparser.LineParser` (see seqlog.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture(autouse=True)
def _parser_importable_in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker and child processes find the test parser's entry point through PYTHONPATH."""
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", f"{HERE}{os.pathsep}{path}" if path else str(HERE))
