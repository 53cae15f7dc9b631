"""The sample lake the notebooks run on: the bundled fleet, ingested and detected once."""

from __future__ import annotations

from pathlib import Path

import pytest

import auditlake


@pytest.fixture(scope="session")
def sample_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = auditlake.open_samples(tmp_path_factory.mktemp("samples"))
    lake.close()
    return lake.root
