"""Clear the outputs of notebooks in place, so they are stored reviewable as text.

Usage: .venv/bin/python scripts/clear_notebook_outputs.py notebooks/*.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def clear(path: Path) -> bool:
    """Remove outputs and execution counts; return True if the file changed."""
    book = nbformat.read(path, as_version=4)
    changed = False
    for cell in book.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count = [], None
            changed = True
    if changed:
        nbformat.write(book, path)
    return changed


if __name__ == "__main__":
    for name in sys.argv[1:]:
        if clear(Path(name)):
            print(f"cleared {name}", file=sys.stderr)
