"""Which files are read, and the fallback host each gets from its path."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlake.ingest.discover import compile_template, discover

from auditlake.errors import InputError


def _tree(root: Path, *rels: str) -> None:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x\n")


def _hosts(found: list[object]) -> list[tuple[str, str | None, str]]:
    return [(f.rel, f.host, f.host_source) for f in found]  # type: ignore[attr-defined]


def test_host_is_the_first_directory_under_the_root(tmp_path: Path) -> None:
    _tree(tmp_path / "fleet", "web-1/audit/audit.log", "web-2/auth.log", "flat.log")
    found, _ = discover([tmp_path / "fleet"])
    assert _hosts(found) == [
        ("flat.log", "fleet", "directory"),
        ("web-1/audit/audit.log", "web-1", "directory"),
        ("web-2/auth.log", "web-2", "directory"),
    ]


def test_host_directories_given_as_roots_are_named_by_the_root_not_by_log_folders(
    tmp_path: Path,
) -> None:
    _tree(tmp_path / "hosts", "web-1/audit/audit.log", "web-1/auth.log", "web-2/audit/audit.log")
    found, _ = discover([tmp_path / "hosts" / "web-1", tmp_path / "hosts" / "web-2"])
    assert _hosts(found) == [
        ("auth.log", "web-1", "directory"),
        ("audit/audit.log", "web-1", "directory"),
        ("audit/audit.log", "web-2", "directory"),
    ]


def test_fleet_directory_names_hosts_by_the_first_directory_that_is_not_a_log_folder(
    tmp_path: Path,
) -> None:
    _tree(
        tmp_path / "hosts", "web-1/audit/audit.log", "db-1/var/log/auth.log", "docker/web-2/d.log"
    )
    found, _ = discover([tmp_path / "hosts"])
    assert _hosts(found) == [
        ("db-1/var/log/auth.log", "db-1", "directory"),
        ("docker/web-2/d.log", "web-2", "directory"),
        ("web-1/audit/audit.log", "web-1", "directory"),
    ]


def test_a_file_in_a_log_folder_takes_the_host_directory_above_it(tmp_path: Path) -> None:
    _tree(tmp_path, "web-1/audit/audit.log")
    found, _ = discover([tmp_path / "web-1" / "audit" / "audit.log"])
    assert _hosts(found) == [("audit.log", "web-1", "directory")]


def test_a_copied_var_log_takes_the_host_directory_above_it(tmp_path: Path) -> None:
    _tree(tmp_path, "db-1/var/log/audit/audit.log", "db-1/var/log/syslog")
    found, _ = discover([tmp_path / "db-1" / "var" / "log"])
    assert _hosts(found) == [
        ("syslog", "db-1", "directory"),
        ("audit/audit.log", "db-1", "directory"),
    ]


def test_remote_journal_files_are_named_by_host(tmp_path: Path) -> None:
    _tree(tmp_path, "journal/remote-db-1.journal", "journal/remote-web-1@0005-1.journal~")
    found, _ = discover([tmp_path / "journal"])
    assert [(f.host, f.host_source) for f in found] == [
        ("db-1", "journal name"),
        ("web-1", "journal name"),
    ]


def test_template_names_the_host_and_host_option_overrides_all(tmp_path: Path) -> None:
    _tree(tmp_path, "logs/2026/web-9.example/syslog")
    template = compile_template("*/{host}/...")
    found, _ = discover([tmp_path / "logs"], template=template)
    assert _hosts(found) == [("2026/web-9.example/syslog", "web-9.example", "template")]
    found, _ = discover([tmp_path / "logs"], host="fixed", template=template)
    assert _hosts(found) == [("2026/web-9.example/syslog", "fixed", "--host")]


def test_a_file_given_directly_takes_its_directory_name(tmp_path: Path) -> None:
    _tree(tmp_path, "web-3/audit.log")
    found, _ = discover([tmp_path / "web-3" / "audit.log"])
    assert _hosts(found) == [("audit.log", "web-3", "directory")]


def test_a_file_reached_twice_is_listed_once(tmp_path: Path) -> None:
    _tree(tmp_path, "logs/a.log")
    (tmp_path / "logs" / "b.log").symlink_to(tmp_path / "logs" / "a.log")
    found, _ = discover([tmp_path / "logs", tmp_path / "logs" / "a.log"])
    assert [f.rel for f in found] == ["a.log"]


def test_template_without_host_is_refused() -> None:
    with pytest.raises(InputError) as err:
        compile_template("*/...")
    assert str(err.value) == "*/...: a --host-from template must contain {host}"


def test_missing_root_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        discover([tmp_path / "nope"])
    assert str(err.value) == f"{tmp_path / 'nope'}: no such file or directory"


def test_the_lake_inside_a_root_is_not_read(tmp_path: Path) -> None:
    _tree(tmp_path, "srv/web-1/auth.log", "srv/lake/_state/manifest.json")
    found, _ = discover([tmp_path / "srv"], exclude=tmp_path / "srv" / "lake")
    assert [f.rel for f in found] == ["web-1/auth.log"]
