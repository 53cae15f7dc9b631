"""Generate the auditd lookup tables in parsers/data/ from authoritative sources.

Run on a Debian/Ubuntu machine:

    apt-get install -y linux-libc-dev libaudit1   # usually already installed
    .venv/bin/python scripts/gen_syscall_tables.py [--include /usr/include] [--out parsers/data]

The kernel's tables only grow, so take the newest headers Debian has rather than the
machine's: the tables in parsers/data come from trixie's linux-libc-dev 6.12, which
names the calls since 6.1 (fchmodat2, 452, what glibc's fchmodat now calls):

    apt-get download linux-libc-dev/trixie    # with trixie in a sources list
    dpkg-deb -x linux-libc-dev_*.deb headers
    .venv/bin/python scripts/gen_syscall_tables.py --include headers/usr/include \
        --headers "Debian linux-libc-dev 6.12.117-1 (trixie)"

Sources, each named inside the file it produces:
- syscalls_x86_64.json, syscalls_i386.json: the kernel UAPI headers
  `asm/unistd_64.h` and `asm/unistd_32.h` as shipped by Debian's linux-libc-dev.
- syscalls_aarch64.json: `asm-generic/unistd.h` (arm64 uses the generic table),
  evaluated with the macros arm64's `asm/unistd.h` defines (__ARCH_WANT_RENAMEAT,
  __ARCH_WANT_NEW_STAT, __ARCH_WANT_SET_GET_RLIMIT, __ARCH_WANT_SYS_CLONE3,
  __ARCH_WANT_MEMFD_SECRET) and __BITS_PER_LONG == 64.
- audit_tables.json: record type numbers -> names from libaudit's own table
  (lib/msg_typetab.h, read at run time through `audit_msg_type_to_name` of
  libaudit.so.1, the table ausearch uses); AUDIT_ARCH_* values from `linux/audit.h`
  and `linux/elf-em.h`; errno numbers from `asm-generic/errno-base.h` and `errno.h`.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFINE = re.compile(r"^#define\s+(\w+)\s+(.+?)\s*(?:/\*.*)?$")
ARM64_WANTS = {
    "__ARCH_WANT_RENAMEAT",
    "__ARCH_WANT_NEW_STAT",
    "__ARCH_WANT_SET_GET_RLIMIT",
    "__ARCH_WANT_SYS_CLONE3",
    "__ARCH_WANT_MEMFD_SECRET",
}


def read_defines(path: Path) -> dict[str, str]:
    """Return every `#define NAME VALUE` of a header (no conditionals evaluated)."""
    out: dict[str, str] = {}
    for line in path.read_text().replace("\\\n", " ").splitlines():
        m = DEFINE.match(line.strip())
        if m:
            out[m.group(1)] = m.group(2)
    return out


def syscalls_from_flat_header(path: Path) -> dict[int, str]:
    """Read `#define __NR_name N` lines of a generated unistd_NN.h."""
    table: dict[int, str] = {}
    for name, value in read_defines(path).items():
        if name.startswith("__NR_") and value.isdigit():
            table[int(value)] = name[len("__NR_") :]
    return table


def _condition(expr: str, defined: set[str]) -> bool:
    """Evaluate the few #if forms asm-generic/unistd.h uses."""
    expr = re.sub(r"defined\((\w+)\)", lambda m: str(m.group(1) in defined), expr)
    expr = expr.replace("__BITS_PER_LONG", "64").replace("||", " or ").replace("&&", " and ")
    expr = re.sub(r"!(?!=)", " not ", expr)
    if not re.fullmatch(r"[\w\s=!<>()]*", expr):
        raise ValueError(f"unsupported #if expression: {expr}")
    return bool(eval(expr, {"__builtins__": {}}, {}))


def syscalls_from_generic_header(path: Path, defined: set[str]) -> dict[int, str]:
    """Evaluate asm-generic/unistd.h for a 64-bit architecture that defines `defined`."""
    stack: list[bool] = []
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#ifdef"):
            stack.append(line.split()[1] in defined)
        elif line.startswith("#ifndef"):
            stack.append(line.split()[1] not in defined)
        elif line.startswith("#if"):
            stack.append(_condition(line[3:].split("/*")[0], defined))
        elif line.startswith("#else"):
            stack[-1] = not stack[-1]
        elif line.startswith("#endif"):
            stack.pop()
        elif all(stack):
            m = DEFINE.match(line)
            if m:
                values[m.group(1)] = m.group(2)
    table: dict[int, str] = {}
    for name, value in values.items():
        if not name.startswith("__NR_") or name in ("__NR_syscalls", "__NR_arch_specific_syscall"):
            continue
        while value in values:  # __NR_fcntl -> __NR3264_fcntl -> 25
            value = values[value]
        if value.isdigit():
            table[int(value)] = name[len("__NR_") :]
    return table


def arches(include: Path) -> dict[str, str]:
    """Map AUDIT_ARCH_* hex values (as auditd writes `arch=`) to lower-case names."""
    em = {k: v for k, v in read_defines(include / "linux/elf-em.h").items() if k.startswith("EM_")}
    audit = read_defines(include / "linux/audit.h")
    consts = {k: v for k, v in audit.items() if k.startswith("__AUDIT_ARCH_")}
    out: dict[str, str] = {}
    for name, expr in audit.items():
        if not name.startswith("AUDIT_ARCH_"):
            continue
        for sym, val in {**em, **consts}.items():
            expr = re.sub(rf"\b{sym}\b", val, expr)
        if not re.fullmatch(r"[\w\s|()]*", expr):
            continue
        value = eval(expr, {"__builtins__": {}}, {})
        out[f"{value:x}"] = name[len("AUDIT_ARCH_") :].lower()
    return out


def errnos(include: Path) -> dict[str, str]:
    """Map errno numbers to their symbolic names (first name wins for aliases)."""
    out: dict[str, str] = {}
    for header in ("asm-generic/errno-base.h", "asm-generic/errno.h"):
        for name, value in read_defines(include / header).items():
            if value.isdigit():
                out.setdefault(value, name)
    return out


def record_types() -> dict[str, str]:
    """Read libaudit's record type table (msg_typetab.h) through libaudit.so.1."""
    lib = ctypes.CDLL(ctypes.util.find_library("audit") or "libaudit.so.1")
    lib.audit_msg_type_to_name.restype = ctypes.c_char_p
    out: dict[str, str] = {}
    for number in range(1000, 3000):
        name = lib.audit_msg_type_to_name(number)
        if name:
            out[str(number)] = name.decode()
    return out


def write(path: Path, source: str, key: str, table: dict[str, str]) -> None:
    """Write one table as JSON with its source named inside."""
    ordered = dict(sorted(table.items(), key=lambda kv: int(kv[0])))
    path.write_text(json.dumps({"source": source, key: ordered}, indent=0) + "\n")


def main() -> None:
    """Generate every table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--include", type=Path, default=Path("/usr/include"))
    ap.add_argument("--multiarch", default="x86_64-linux-gnu")
    ap.add_argument("--out", type=Path, default=ROOT / "parsers" / "data")
    ap.add_argument(
        "--headers", default="Debian linux-libc-dev", help="the headers' package, for the record"
    )
    args = ap.parse_args()
    inc: Path = args.include
    asm = inc / args.multiarch / "asm"
    args.out.mkdir(parents=True, exist_ok=True)
    deb = f"{args.headers} UAPI headers"
    sources = {
        "x86_64": (f"{deb}: asm/unistd_64.h", syscalls_from_flat_header(asm / "unistd_64.h")),
        "i386": (f"{deb}: asm/unistd_32.h", syscalls_from_flat_header(asm / "unistd_32.h")),
        "aarch64": (
            f"{deb}: asm-generic/unistd.h with arm64's {', '.join(sorted(ARM64_WANTS))}",
            syscalls_from_generic_header(inc / "asm-generic/unistd.h", ARM64_WANTS),
        ),
    }
    for arch, (source, table) in sources.items():
        write(
            args.out / f"syscalls_{arch}.json",
            source,
            "syscalls",
            {str(k): v for k, v in table.items()},
        )
    tables = {
        "source": (
            "record types: libaudit.so.1 audit_msg_type_to_name (lib/msg_typetab.h); "
            f"arches: {deb} linux/audit.h + linux/elf-em.h; errnos: {deb} asm-generic/errno*.h"
        ),
        "types": record_types(),
        "arches": arches(inc),
        "errnos": dict(sorted(errnos(inc).items(), key=lambda kv: int(kv[0]))),
    }
    (args.out / "audit_tables.json").write_text(json.dumps(tables, indent=0) + "\n")


if __name__ == "__main__":
    main()
