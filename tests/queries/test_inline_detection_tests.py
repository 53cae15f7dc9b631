"""Every detection's inline tests, end to end: raw logs -> real parsers -> lake -> SQL."""

from __future__ import annotations

import pytest
from auditlake.queries.rules import load_detections
from click.testing import CliRunner

from auditlake import pipeline
from auditlake.cli import cli

IDS = sorted(d.id for d in load_detections())


@pytest.mark.parametrize("detection_id", IDS)
def test_inline_tests_pass_end_to_end(detection_id: str) -> None:
    outcomes = pipeline.test_rules([detection_id])
    assert [(o.name, list(o.problems)) for o in outcomes if not o.passed] == []
    assert len(outcomes) >= 2


def test_a_failing_inline_test_is_reported_with_its_location(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    detection = load_detections(only=["login.root"])[0]
    broken = detection.path.read_text().replace('-- user_name = "root"', '-- user_name = "admin"')
    family = tmp_path / "queries" / "detections" / "login"
    family.mkdir(parents=True)
    (family / "root.sql").write_text(broken)
    (family / "tests").symlink_to(detection.path.parent / "tests")
    monkeypatch.setattr(
        pipeline, "load_detections", lambda only=(): load_detections(family.parent, only)
    )
    result = CliRunner().invoke(cli, ["rules", "test"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # the line of the failing test's [[tests]] table
    at = broken.splitlines().index("-- [[tests]]") + 1
    assert lines[0] == "FAIL login.root: root logs in with a password from the internet"
    assert lines[1].startswith(f"  queries/detections/login/root.sql:{at}: no finding matches {{")
    assert lines[2] == "PASS login.root: root cron sessions and su to root are not logins"
    assert "1 passed, 1 failed" in result.stderr
