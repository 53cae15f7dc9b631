"""Detection files: the shipped set lints clean; problems are collected, then reported once."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlake.queries.rules import DETECTIONS_DIR, lint_detections, load_detections
from click.testing import CliRunner

from auditlake.cli import cli
from auditlake.errors import DetectionFileError

REQUIRED_IDS = {
    "login.user_not_allowed",
    "login.untrusted_network",
    "login.password_auth",
    "login.root",
    "login.brute_force",
    "docker.socket_access",
    "docker.file_change",
    "docker.group_change",
    "docker.privileged_container",
    "docker.sensitive_mount",
    "audit.tampering",
}

GOOD = """\
-- id = "docker.socket_access"
-- title = "t"
-- description = "d"
-- status = "stable"
-- level = "high"
-- tags = ["attack.t1611"]
-- falsepositives = []
-- references = []
--
-- [[tests]]
-- name = "positive"
-- logs = "tests/case"
-- count = 1
--
-- [[tests]]
-- name = "negative"
-- logs = "tests/case"
-- count = 0
SELECT device_hostname, time AS start_time, time AS end_time, [event_uid] AS event_uids
FROM events
WHERE time >= $since
  AND time < $until
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / "queries" / "detections" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    (path.parent / "tests" / "case").mkdir(parents=True, exist_ok=True)
    return root / "queries" / "detections"


def test_shipped_detections_lint_clean() -> None:
    detections, problems = lint_detections()
    assert problems == []
    assert {d.id for d in detections} == REQUIRED_IDS


def test_file_name_mirrors_the_id() -> None:
    for detection in load_detections():
        family, name = detection.id.split(".")
        assert detection.path == DETECTIONS_DIR / family / f"{name}.sql"


def test_every_detection_has_positive_and_negative_tests() -> None:
    for detection in load_detections():
        counts = [t.count for t in detection.tests]
        assert any(c > 0 for c in counts) and 0 in counts, detection.id


def test_every_detection_names_an_attack_technique() -> None:
    for detection in load_detections():
        assert detection.attack_technique_uids, detection.id
        assert all(t.startswith("T") for t in detection.attack_technique_uids)


def test_a_clean_file_lints_clean(tmp_path: Path) -> None:
    root = _write(tmp_path, "docker/socket_access.sql", GOOD)
    detections, problems = lint_detections(root)
    assert problems == []
    assert detections[0].attack_technique_uids == ["T1611"]


def test_unknown_level_is_reported_at_its_line(tmp_path: Path) -> None:
    root = _write(
        tmp_path, "docker/socket_access.sql", GOOD.replace('level = "high"', 'level = "hi"')
    )
    assert lint_detections(root)[1] == [
        'queries/detections/docker/socket_access.sql:5: unknown level "hi" (expected low|medium|high|critical)'
    ]


def test_every_problem_in_every_file_is_collected(tmp_path: Path) -> None:
    _write(
        tmp_path, "docker/socket_access.sql", GOOD.replace('status = "stable"', 'status = "done"')
    )
    root = _write(
        tmp_path,
        "login/root.sql",
        GOOD.replace("docker.socket_access", "login.rooot").replace("$until", "$untill"),
    )
    assert lint_detections(root)[1] == [
        'queries/detections/docker/socket_access.sql:4: unknown status "done" '
        "(expected experimental|test|stable|deprecated)",
        "queries/detections/login/root.sql:1: id 'login.rooot' does not match the file name "
        "(expected 'login.root')",
        "queries/detections/login/root.sql:19: the SQL never uses $until "
        "(filter the evidence by time with $since/$until)",
        "queries/detections/login/root.sql:19: unknown parameter $untill (expected $since, $until)",
    ]


def test_sql_that_does_not_bind_is_a_problem(tmp_path: Path) -> None:
    root = _write(tmp_path, "docker/socket_access.sql", GOOD.replace("FROM events", "FROM evnts"))
    problems = lint_detections(root)[1]
    assert len(problems) == 1
    assert problems[0].startswith(
        "queries/detections/docker/socket_access.sql:19: SQL does not run: Catalog Error: Table with name evnts"
    )


def test_missing_test_logs_are_reported_at_their_test(tmp_path: Path) -> None:
    text = GOOD.replace('logs = "tests/case"\n-- count = 0', 'logs = "tests/nope"\n-- count = 0')
    root = _write(tmp_path, "docker/socket_access.sql", text)
    assert lint_detections(root)[1] == [
        "queries/detections/docker/socket_access.sql:15: test logs 'tests/nope' not found "
        "(a path relative to docker/)",
    ]


def test_a_detection_without_a_negative_test_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("-- count = 0", "-- count = 2")
    root = _write(tmp_path, "docker/socket_access.sql", text)
    assert lint_detections(root)[1] == [
        "queries/detections/docker/socket_access.sql:10: no negative test (add a [[tests]] with count = 0)",
    ]


def test_load_raises_once_with_every_problem(tmp_path: Path) -> None:
    root = _write(
        tmp_path, "docker/socket_access.sql", GOOD.replace('level = "high"', 'level = "hi"')
    )
    _write(tmp_path, "login/root.sql", "SELECT 1\n")
    with pytest.raises(DetectionFileError) as err:
        load_detections(root)
    assert str(err.value).splitlines() == [
        "2 problem(s) in detection files:",
        'queries/detections/docker/socket_access.sql:5: unknown level "hi" '
        "(expected low|medium|high|critical)",
        'queries/detections/login/root.sql:1: no header (start the file with a `-- id = "family.name"` TOML comment)',
    ]


def test_rules_lint_command_exits_zero_on_the_shipped_set() -> None:
    result = CliRunner().invoke(cli, ["rules", "lint"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "11 detection(s) checked, 0 problem(s)" in result.stderr


def test_rules_list_shows_ids_levels_and_techniques() -> None:
    result = CliRunner().invoke(cli, ["rules", "list", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "id,level,status,techniques,tests,title"
    assert any(
        line.startswith("audit.tampering,critical,stable,T1562 T1562.012 T1562.001,3,")
        for line in lines
    )
