"""Detections as files: load them, and lint every one (collect all problems, fail once).

A detection is `detections/<family>/<name>.sql` whose id is `<family>.<name>`. Its
leading `--` comment is a TOML header (Sigma's vocabulary: id, title, description,
status, level, tags, falsepositives, references) with inline `[[tests]]`; the rest is
DuckDB SQL over the views, with `$since` and `$until` parameters, returning at least
`device_hostname`, `start_time`, `end_time` and `event_uids`.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from auditlake.queries.connection import connect
from auditlake.queries.policy import load_policy_tables

from auditlake.config import Policy
from auditlake.errors import DetectionFileError
from auditlake.lake import Lake

DETECTIONS_DIR = Path(__file__).parent / "detections"
LEVELS = ("low", "medium", "high", "critical")
STATUSES = ("experimental", "test", "stable", "deprecated")
HEADER_KEYS = (
    "id",
    "title",
    "description",
    "status",
    "level",
    "tags",
    "falsepositives",
    "references",
    "tests",
)
TEST_KEYS = ("name", "logs", "policy", "count", "expect")
PARAMETERS = ("since", "until")
REQUIRED_COLUMNS = ("device_hostname", "start_time", "end_time", "event_uids")
# Columns a detection may return; detect.py fills the rest of a finding.
FINDING_COLUMNS = (
    *REQUIRED_COLUMNS,
    "actor_user_name",
    "actor_user_uid",
    "user_name",
    "src_endpoint_ip",
    "process_pid",
    "process_cmd_line",
    "file_path",
    "container_name",
    "group_name",
    "message",
)
# `event_count` in an expected row compares len(event_uids).
EXPECT_KEYS = (*FINDING_COLUMNS, "event_count")
EVERYTHING = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))

_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_TAG = re.compile(r"^attack\.(t[0-9]{4}(\.[0-9]{3})?|[a-z_]+)$")
_TECHNIQUE = re.compile(r"^attack\.(t[0-9]{4}(\.[0-9]{3})?)$")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_]+)\s*=")


@dataclass(frozen=True, slots=True)
class DetectionTest:
    """One inline test: a log tree ingested with a policy, and the findings expected."""

    name: str
    logs: Path
    policy: Path | None
    count: int
    expect: tuple[dict[str, Any], ...]
    line: int


@dataclass(frozen=True, slots=True)
class Detection:
    """A detection file, parsed."""

    id: str
    title: str
    description: str
    status: str
    level: str
    tags: tuple[str, ...]
    falsepositives: tuple[str, ...]
    references: tuple[str, ...]
    tests: tuple[DetectionTest, ...]
    sql: str
    path: Path
    display_path: str
    sql_line: int  # the file line where the SQL body starts

    @property
    def attack_technique_uids(self) -> list[str]:
        """ATT&CK technique ids from the tags: attack.t1078.003 -> T1078.003."""
        return [t.removeprefix("attack.").upper() for t in self.tags if _TECHNIQUE.match(t)]

    def parameters(self) -> set[str]:
        return set(_PARAM.findall(self.sql))


def split_header(text: str) -> tuple[str, str, int]:
    """Split a detection into (header TOML, SQL body, number of header lines).

    The header's lines keep their numbers: line N of the TOML is line N of the file.
    """
    lines = text.split("\n")
    header: list[str] = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line[3:] if line.startswith("-- ") else line[2:])
    return "\n".join(header), "\n".join(lines[len(header) :]), len(header)


class _FileLint:
    """Problems found in one file, each as `path:line: message`."""

    def __init__(self, display_path: str, header: str) -> None:
        self.display_path = display_path
        self.header_lines = header.split("\n")
        self.problems: list[str] = []

    def line_of(self, key: str, occurrence: int = 0) -> int:
        seen = 0
        for number, line in enumerate(self.header_lines, 1):
            match = _ASSIGNMENT.match(line)
            if (match and match.group(1) == key) or line.strip() == f"[[{key}]]":
                if seen == occurrence:
                    return number
                seen += 1
        return 1

    def add(self, line: int, message: str) -> None:
        self.problems.append(f"{self.display_path}:{line}: {message}")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_header(doc: dict[str, Any], lint: _FileLint, expected_id: str) -> None:
    for key in HEADER_KEYS:
        if key not in doc:
            lint.add(1, f"missing header key {key!r} (DESIGN §6 lists the keys)")
    for key in doc:
        if key not in HEADER_KEYS:
            lint.add(
                lint.line_of(key), f"unknown header key {key!r} (expected {'|'.join(HEADER_KEYS)})"
            )
    if "id" in doc and doc["id"] != expected_id:
        lint.add(
            lint.line_of("id"),
            f"id {doc['id']!r} does not match the file name (expected {expected_id!r})",
        )
    if "id" in doc and not _ID.match(str(doc["id"])):
        lint.add(lint.line_of("id"), f"id {doc['id']!r} is not family.name in lower case")
    for key in ("title", "description"):
        if key in doc and (not isinstance(doc[key], str) or not doc[key].strip()):
            lint.add(lint.line_of(key), f"{key} must be a non-empty string")
    if "level" in doc and doc["level"] not in LEVELS:
        lint.add(
            lint.line_of("level"),
            f"unknown level {doc['level']!r} (expected {'|'.join(LEVELS)})".replace("'", '"'),
        )
    if "status" in doc and doc["status"] not in STATUSES:
        lint.add(
            lint.line_of("status"),
            f"unknown status {doc['status']!r} (expected {'|'.join(STATUSES)})".replace("'", '"'),
        )
    for key in ("tags", "falsepositives", "references"):
        if key in doc and not _strings(doc[key]):
            lint.add(lint.line_of(key), f"{key} must be a list of strings")
    if _strings(doc.get("tags")):
        for tag in doc["tags"]:
            if not _TAG.match(tag):
                lint.add(
                    lint.line_of("tags"),
                    f"tag {tag!r} is not ATT&CK (attack.t1078, attack.persistence)",
                )
        if not any(_TECHNIQUE.match(t) for t in doc["tags"]):
            lint.add(lint.line_of("tags"), "tags name no ATT&CK technique (add e.g. attack.t1078)")


def _check_tests(doc: dict[str, Any], lint: _FileLint, folder: Path) -> tuple[DetectionTest, ...]:
    raw = doc.get("tests")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        lint.add(lint.line_of("tests"), "tests must be one or more [[tests]] tables")
        return ()
    tests = []
    for index, case in enumerate(raw):
        line = lint.line_of("tests", index)
        if not isinstance(case, dict):
            lint.add(line, "each test must be a [[tests]] table")
            continue
        unknown = sorted(set(case) - set(TEST_KEYS))
        if unknown:
            lint.add(
                line, f"unknown test key(s) {', '.join(unknown)} (expected {'|'.join(TEST_KEYS)})"
            )
        name = case.get("name")
        if not isinstance(name, str) or not name:
            lint.add(line, "test needs a name")
        count = case.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            lint.add(line, "test needs count = N (the number of findings expected, >= 0)")
            count = -1
        logs = case.get("logs")
        logs_path = folder / logs if isinstance(logs, str) else None
        if logs_path is None or not logs_path.exists():
            lint.add(line, f"test logs {logs!r} not found (a path relative to {folder.name}/)")
        policy = case.get("policy")
        policy_path = folder / policy if isinstance(policy, str) else None
        if policy is not None and (policy_path is None or not policy_path.is_file()):
            lint.add(
                line, f"test policy {policy!r} not found (a TOML file relative to {folder.name}/)"
            )
        expect = case.get("expect", [])
        if not isinstance(expect, list) or not all(isinstance(e, dict) for e in expect):
            lint.add(line, "expect must be [[tests.expect]] tables")
            expect = []
        for row in expect:
            for key in sorted(set(row) - set(EXPECT_KEYS)):
                lint.add(line, f"expected column {key!r} is not a finding column")
        if isinstance(count, int) and count >= 0 and len(expect) > count:
            lint.add(line, f"{len(expect)} expected rows but count = {count}")
        if logs_path is not None and isinstance(name, str) and count >= 0:
            tests.append(DetectionTest(name, logs_path, policy_path, count, tuple(expect), line))
    if tests and not any(t.count > 0 for t in tests):
        lint.add(lint.line_of("tests"), "no positive test (add a [[tests]] with count >= 1)")
    if tests and not any(t.count == 0 for t in tests):
        lint.add(lint.line_of("tests"), "no negative test (add a [[tests]] with count = 0)")
    return tuple(tests)


def parse_detection(path: Path, root: Path) -> tuple[Detection | None, list[str]]:
    """Parse one detection file; return it (None if unusable) and its problems."""
    display = (
        path.relative_to(root.parent.parent).as_posix()
        if path.is_relative_to(root.parent.parent)
        else str(path)
    )
    text = path.read_text(encoding="utf-8")
    header, body, header_count = split_header(text)
    lint = _FileLint(display, header)
    if not header.strip():
        lint.add(1, 'no header (start the file with a `-- id = "family.name"` TOML comment)')
        return None, lint.problems
    try:
        doc = tomllib.loads(header)
    except tomllib.TOMLDecodeError as exc:
        position = _TOML_POSITION.search(str(exc))
        lint.add(
            int(position.group(1)) if position else 1,
            f"invalid TOML header: {_TOML_POSITION.sub('', str(exc)).strip()}",
        )
        return None, lint.problems
    expected_id = f"{path.parent.name}.{path.stem}"
    _check_header(doc, lint, expected_id)
    tests = _check_tests(doc, lint, path.parent)
    if not body.strip():
        lint.add(header_count + 1, "no SQL after the header")
    params = set(_PARAM.findall(body))
    for name in sorted(set(PARAMETERS) - params):
        lint.add(
            header_count + 1,
            f"the SQL never uses ${name} (filter the evidence by time with $since/$until)",
        )
    for name in sorted(params - set(PARAMETERS)):
        lint.add(header_count + 1, f"unknown parameter ${name} (expected $since, $until)")
    if lint.problems:
        return None, lint.problems
    detection = Detection(
        id=doc["id"],
        title=doc["title"].strip(),
        description=" ".join(doc["description"].split()),
        status=doc["status"],
        level=doc["level"],
        tags=tuple(doc["tags"]),
        falsepositives=tuple(doc["falsepositives"]),
        references=tuple(doc["references"]),
        tests=tests,
        sql=body,
        path=path,
        display_path=display,
        sql_line=header_count + 1,
    )
    return detection, []


def _check_sql(detections: list[Detection], policy: Policy) -> list[str]:
    """Bind every body against an empty lake; check the columns it returns."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="auditlake-lint-") as tmp:
        Lake(tmp).init()
        con = connect(tmp)
        load_policy_tables(con, policy)
        for detection in detections:
            start = detection.sql_line
            try:
                columns = [
                    d[0]
                    for d in con.execute(
                        detection.sql, dict(zip(PARAMETERS, EVERYTHING, strict=True))
                    ).description
                ]
            except duckdb.Error as exc:
                first = str(exc).strip().split("\n")[0]
                problems.append(f"{detection.display_path}:{start}: SQL does not run: {first}")
                continue
            for column in REQUIRED_COLUMNS:
                if column not in columns:
                    problems.append(
                        f"{detection.display_path}:{start}: the SQL returns no {column} column"
                    )
            for column in columns:
                if column not in FINDING_COLUMNS:
                    problems.append(
                        f"{detection.display_path}:{start}: returned column {column!r} is not a finding column "
                        f"(expected some of {', '.join(FINDING_COLUMNS)})"
                    )
        con.close()
    return problems


def lint_detections(
    directory: Path = DETECTIONS_DIR, check_sql: bool = True
) -> tuple[list[Detection], list[str]]:
    """Parse and check every detection under `directory`; return them and every problem.

    `check_sql` also binds each body against an empty lake (about a second for all).
    """
    detections: list[Detection] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*/*.sql")):
        detection, found = parse_detection(path, directory)
        problems.extend(found)
        if detection is not None:
            detections.append(detection)
    seen: dict[str, str] = {}
    for detection in detections:
        if detection.id in seen:
            problems.append(
                f"{detection.display_path}:1: id {detection.id!r} is also used by {seen[detection.id]}"
            )
        seen[detection.id] = detection.display_path
    if check_sql:
        problems.extend(_check_sql(detections, Policy()))
    return detections, problems


def load_detections(
    directory: Path = DETECTIONS_DIR, only: tuple[str, ...] | list[str] = ()
) -> list[Detection]:
    """Load every detection (or those named in `only`); raise once for all header problems."""
    detections, problems = lint_detections(directory, check_sql=False)
    if problems:
        raise DetectionFileError(
            f"{len(problems)} problem(s) in detection files:\n" + "\n".join(problems)
        )
    if only:
        known = {d.id for d in detections}
        unknown = [i for i in only if i not in known]
        if unknown:
            raise DetectionFileError(
                f"unknown detection id(s) {', '.join(unknown)} (run `auditlake rules list`)"
            )
        detections = [d for d in detections if d.id in only]
    return detections
