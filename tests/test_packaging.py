import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
MAPPING = {
    "auditlake.parsers": "parsers",
    "auditlake.ingest": "ingest",
    "auditlake.queries": "queries",
}


def _package_of(init: Path) -> str:
    rel = init.parent.relative_to(ROOT).parts
    top = rel[0]
    prefix = next((pkg for pkg, folder in MAPPING.items() if folder == top), top)
    return ".".join([prefix, *rel[1:]])


def test_every_code_package_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        _package_of(init)
        for folder in ("auditlake", *MAPPING.values())
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages"
