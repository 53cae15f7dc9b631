import json

import pytest

from auditlake.schema import GOLDEN_DIR, SCHEMAS, describe


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_schema_matches_its_golden_copy(table: str) -> None:
    golden = json.loads((GOLDEN_DIR / f"{table}.json").read_text())
    assert describe(SCHEMAS[table]) == golden, (
        f"schema of {table} changed; if deliberate, run `make golden` and review the diff"
    )


def test_timestamps_are_utc_microseconds() -> None:
    for schema in SCHEMAS.values():
        for field in schema:
            if str(field.type).startswith("timestamp"):
                assert str(field.type) == "timestamp[us, tz=UTC]", field.name
