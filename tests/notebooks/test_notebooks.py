"""The notebooks: stored without outputs, parameterised, and run top to bottom on the samples."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]
# What each notebook is run with on the sample lake (its subject in the planted story).
SUBJECTS: dict[str, dict[str, Any]] = {
    "triage.ipynb": {},
    "investigate_user.ipynb": {"USER": "bob"},
    "docker_activity.ipynb": {"HOST": "web-2"},
}


def test_the_three_notebooks_exist() -> None:
    assert sorted(SUBJECTS) == NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert (cell.outputs, cell.execution_count) == ([], None), (
                f"{path.name}: cell {cell.id} holds outputs; "
                "run scripts/clear_notebook_outputs.py notebooks/*.ipynb"
            )
    assert "image/png" not in path.read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_first_cell_holds_the_parameters_tagged_for_papermill(path: Path) -> None:
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "code"
    assert first.metadata.get("tags") == ["parameters"]
    names = {line.split("=", 1)[0].strip() for line in first.source.splitlines() if "=" in line}
    assert {"LAKE", *SUBJECTS[path.name]} <= names


@pytest.fixture(scope="session")
def python3_kernel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `python3` kernelspec that runs this interpreter (the venv), whatever is on PATH.

    The spec that ipykernel installs runs `python` from PATH, which on a fresh machine
    may be a Python without auditlake; this one names `sys.executable`.
    """
    data = tmp_path_factory.mktemp("jupyter")
    spec = Path(write_kernel_spec(data / "kernels" / "python3"))
    assert json.loads((spec / "kernel.json").read_text())["argv"][0] == sys.executable
    return data


def inject(book: nbformat.NotebookNode, params: dict[str, Any]) -> None:
    """Add a cell after the `parameters` cell that sets `params`, as papermill does."""
    index = next(i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", []))
    source = "\n".join(f"{name} = {value!r}" for name, value in params.items())
    cell = nbformat.v4.new_code_cell(source, id="injected-parameters")
    cell.metadata["tags"] = ["injected-parameters"]
    book.cells.insert(index + 1, cell)


def run_notebook(
    path: Path, params: dict[str, Any], kernel_dir: Path, cwd: Path
) -> nbformat.NotebookNode:
    """Execute a notebook with `params`; nbclient raises on the first cell that fails."""
    book = nbformat.read(path, as_version=4)
    inject(book, params)
    client = NotebookClient(
        book,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(cwd)}},
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(kernel_dir))
        mp.setenv("MPLBACKEND", "Agg")
        client.execute()
    return book


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_runs_top_to_bottom_on_the_sample_lake(
    path: Path, sample_lake: Path, python3_kernel: Path, tmp_path: Path
) -> None:
    book = run_notebook(
        path, {"LAKE": str(sample_lake), **SUBJECTS[path.name]}, python3_kernel, tmp_path
    )
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    # warnings (pandas deprecations, matplotlib complaints) go to stderr: none allowed
    assert [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"] == []
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "<table" in html


@pytest.fixture(scope="session")
def hostile_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API tests' hand-made lake, whose user name and command line are hostile."""
    spec = importlib.util.spec_from_file_location(
        "hand_lake", ROOT / "tests" / "auditlake" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through it
    spec.loader.exec_module(module)
    root: Path = module.build_hand_lake(tmp_path_factory.mktemp("hostile")).root
    return root


def test_investigating_a_hostile_user_renders_no_markup_from_the_logs(
    hostile_lake: Path, python3_kernel: Path, tmp_path: Path
) -> None:
    user = "<img src=x onerror=alert(1)>"
    path = ROOT / "notebooks" / "investigate_user.ipynb"
    book = run_notebook(path, {"LAKE": str(hostile_lake), "USER": user}, python3_kernel, tmp_path)
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    text = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in outputs)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
    assert "<script>" not in html
    assert "echo \\x1b[31mowned" in html  # the command line's ANSI escapes, shown inert
    assert "\x1b" not in html + text


@pytest.mark.parametrize("name", ["triage.ipynb", "investigate_user.ipynb"])
def test_notebook_goes_on_when_the_logs_it_reads_back_are_gone(
    name: str, tmp_path_factory: pytest.TempPathFactory, python3_kernel: Path, tmp_path: Path
) -> None:
    import shutil

    import auditlake

    into = tmp_path_factory.mktemp("rotated-away")
    lake = auditlake.open_samples(into)
    lake.close()
    shutil.rmtree(into / "logs")  # retention deleted the files that were ingested
    path = ROOT / "notebooks" / name
    params = {"LAKE": str(lake.root), **SUBJECTS[name]}
    book = run_notebook(path, params, python3_kernel, tmp_path)
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "could not be read back: lake.raw(event_uid) says why" in text
