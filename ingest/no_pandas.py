"""Keep pandas out of the processes that only ingest.

pyarrow imports pandas on its first conversion of Python objects (`pa.array`,
`pa.scalar`), only to check whether the input is a pandas object. That import takes
about 0.15 s, a third of a small incremental run, once in the command's process and
once in every worker. Ingest never hands pyarrow a pandas object, so its processes let
that check fail once: pyarrow then remembers "no pandas" and skips the import. Only
for processes that are ingest alone (`auditlake ingest`, its workers), never inside a
notebook's process: there, pandas objects must keep converting as pandas.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import pyarrow as pa


class _Refuse(importlib.abc.MetaPathFinder):
    """An import hook that refuses pandas and its submodules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"no pandas in an ingest process: {fullname}")
        return None


def skip_pandas_check() -> None:
    """Make pyarrow settle its pandas check now, without importing pandas.

    Does nothing when pandas is imported already. A later explicit use (`to_pandas`)
    still imports it: pyarrow tries again then, and the hook is gone.
    """
    if "pandas" in sys.modules:
        return
    hook = _Refuse()
    sys.meta_path.insert(0, hook)
    try:
        pa.array([])  # the first conversion: pyarrow tries pandas once, here
    finally:
        sys.meta_path.remove(hook)
