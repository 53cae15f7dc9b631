"""Find the log files under the roots given to ingest, and name each file's host.

Only regular files are read: FIFOs, sockets and devices are skipped with a message
(reading a FIFO would block forever). Symbolic links are followed only when they stay
inside the root they were found under, and each real file is listed once, so a link
loop or a link to `/` cannot make ingest wander.

The host given to a parser is a fallback: parsers prefer what the content names
(`node=`, the syslog HOSTNAME, `_HOSTNAME`). The fallback comes from `--host`, else a
path template (`--host-from '{host}/...'`), else the layout: `remote-<host>.journal`,
else the first directory under the root that is not a log folder (`audit`, `journal`,
...): `/var/log/remote/<host>/audit/audit.log`. When there is none (the root is one
host's directory, or a file), the nearest enclosing directory that is not a log folder
names the host: `<host>/audit/audit.log`, `<host>/var/log/auth.log`.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditlake.errors import InputError

# Files that are state or indexes of other tools, never logs.
_IGNORED_NAMES = re.compile(r"^\.|\.(?:swp|tmp|lock|pid)$")
_JOURNAL_HOST = re.compile(r"^remote-(?P<host>.+?)(?:@[^@]*)?\.journal~?$")
# Directories that hold logs by kind, never by host: a host name never comes from them.
LOG_FOLDERS = frozenset(
    {
        "apt",
        "audit",
        "auth",
        "containers",
        "docker",
        "hosts",
        "journal",
        "log",
        "logs",
        "remote",
        "rsyslog",
        "syslog",
        "syslog-ng",
        "var",
    }
)


@dataclass(frozen=True, slots=True)
class Found:
    """One file to consider: where it is, and its fallback host and why."""

    path: Path
    rel: str  # path relative to its root, "/"-separated
    host: str | None
    host_source: str  # --host | template | directory | journal name


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path that was not read, and why."""

    path: Path
    reason: str


def compile_template(template: str) -> re.Pattern[str]:
    """Turn `{host}/...`-style templates into a regex over root-relative paths.

    `{host}` is one path segment (or part of one), `*` any text within a segment, and
    `...` any number of segments.
    """
    if "{host}" not in template:
        raise InputError("a --host-from template must contain {host}", template)
    out = []
    for piece in re.split(r"(\{host\}|\.\.\.|\*)", template.strip("/")):
        if piece == "{host}":
            out.append(r"(?P<host>[^/]+?)")
        elif piece == "...":
            out.append(r".*")
        elif piece == "*":
            out.append(r"[^/]*")
        else:
            out.append(re.escape(piece))
    return re.compile("".join(out))


def _fallback_host(root: Path, rel: str) -> tuple[str | None, str]:
    *dirs, name = rel.split("/")
    journal = _JOURNAL_HOST.match(name)
    if journal:
        return journal["host"], "journal name"
    below = next((d for d in dirs if d.lower() not in LOG_FOLDERS), None)
    if below is not None:
        return below, "directory"
    # the root is one host's directory (or a file in it): name it by the root's path
    above = root.resolve() if root.is_dir() else root.parent.resolve()
    host = next(d.name for d in (above, *above.parents) if d.name.lower() not in LOG_FOLDERS)
    return host or None, "directory"


def check_roots(roots: list[Path]) -> None:
    """Raise InputError for the first root that does not exist."""
    for root in roots:
        if not root.exists() and not root.is_symlink():
            raise InputError("no such file or directory", str(root.absolute()))


def discover(
    roots: list[Path],
    host: str | None = None,
    template: re.Pattern[str] | None = None,
    exclude: Path | None = None,
) -> tuple[list[Found], list[Skipped]]:
    """Return the regular files under `roots` (sorted, each once) and what was skipped.

    Files under `exclude` (the lake itself, when it lies inside a root) are left out.
    """
    found: list[Found] = []
    skipped: list[Skipped] = []
    seen: set[tuple[int, int]] = set()
    if exclude is not None and exclude.exists():
        st = exclude.stat()
        seen_dirs = {(st.st_dev, st.st_ino)}
    else:
        seen_dirs = set()
    check_roots(roots)
    for root in (r.absolute() for r in roots):  # provenance paths are absolute
        for path, rel, why in _walk(root, seen_dirs):
            if why:
                skipped.append(Skipped(path, why))
                continue
            st = path.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            if host:
                found.append(Found(path, rel, host, "--host"))
                continue
            match = template.fullmatch(rel) if template else None
            if match:
                found.append(Found(path, rel, match["host"], "template"))
                continue
            fallback, source = _fallback_host(root, rel)
            found.append(Found(path, rel, fallback, source))
    return found, skipped


def _walk(root: Path, excluded: set[tuple[int, int]]) -> Iterator[tuple[Path, str, str]]:
    """Yield (path, rel, skip reason or "") for every file under `root`.

    Directories whose (device, inode) is in `excluded` are not entered.
    """
    if not root.is_dir():
        yield root, root.name, _not_regular(root, Path("/"))
        return
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames):
            sub = here / name
            if sub.is_symlink():
                dirnames.remove(name)
                yield sub, _rel(sub, root), "symlink to a directory is not followed"
            elif (sub.stat().st_dev, sub.stat().st_ino) in excluded:
                dirnames.remove(name)
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if _IGNORED_NAMES.search(name):
                continue
            yield path, _rel(path, root), _not_regular(path, real_root)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _not_regular(path: Path, real_root: Path) -> str:
    """Return why `path` is not read ("" if it is a regular file inside the root)."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return f"symlink leaves the root (-> {target})"
    if stat.S_ISFIFO(st.st_mode):
        return "a FIFO, not a regular file"
    if stat.S_ISSOCK(st.st_mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device, not a regular file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    return ""
