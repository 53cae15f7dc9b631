"""Generated lookup tables: contents from authoritative sources, reproducible by script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from auditlake.parsers.auditd.tables import (
    ARCH_NAMES,
    ERRNO_NAMES,
    TYPE_IDS,
    TYPE_NAMES,
    syscall_name,
)

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "parsers" / "data"


def test_syscall_numbers_depend_on_arch() -> None:
    assert [syscall_name("c000003e", n) for n in (59, 42, 257, 2)] == [
        "execve",
        "connect",
        "openat",
        "open",
    ]
    assert [syscall_name("c00000b7", n) for n in (221, 203, 56, 59)] == [
        "execve",
        "connect",
        "openat",
        "pipe2",
    ]
    assert [syscall_name("40000003", n) for n in (11, 102, 5, 295)] == [
        "execve",
        "socketcall",
        "open",
        "openat",
    ]
    assert syscall_name("x86_64", 59) == "execve"  # already-interpreted arch
    assert syscall_name("80000015", 11) is None  # ppc64: no table shipped
    assert syscall_name(None, 59) is None


def test_record_types_arches_and_errnos() -> None:
    assert (TYPE_NAMES[1100], TYPE_NAMES[1300], TYPE_NAMES[1130], TYPE_IDS["EXECVE"]) == (
        "USER_AUTH",
        "SYSCALL",
        "SERVICE_START",
        1309,
    )
    assert 1329 not in TYPE_NAMES  # logged as UNKNOWN[1329] by older auditd
    assert (ARCH_NAMES["c000003e"], ARCH_NAMES["40000003"], ARCH_NAMES["c00000b7"]) == (
        "x86_64",
        "i386",
        "aarch64",
    )
    assert (ERRNO_NAMES[13], ERRNO_NAMES[115]) == ("EACCES", "EINPROGRESS")


def test_each_table_names_its_source() -> None:
    for path in DATA.glob("*.json"):
        assert '"source": "' in path.read_text().splitlines()[1], path


def test_script_regenerates_the_shipped_tables(tmp_path: Path) -> None:
    """The machine's headers may be older than those the tables were made from (the
    script's docstring): what they name, the tables name alike, and they add nothing."""
    if not Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h").exists():
        pytest.skip("linux-libc-dev headers are absent")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_syscall_tables.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and "libaudit" in result.stderr:
        pytest.skip("libaudit.so.1 is absent")
    assert result.returncode == 0, result.stderr
    made = {p.name: json.loads(p.read_text()) for p in tmp_path.glob("*.json")}
    assert sorted(made) == sorted(p.name for p in DATA.glob("*.json"))
    for name, table in made.items():
        shipped = json.loads((DATA / name).read_text())
        if "syscalls" in table:
            assert table["syscalls"].items() <= shipped["syscalls"].items(), name
        else:
            assert {k: v for k, v in table.items() if k != "source"} == {
                k: v for k, v in shipped.items() if k != "source"
            }, name
