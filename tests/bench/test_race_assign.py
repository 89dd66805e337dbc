"""A few rounds of the assignment race (``bench/race_assign.py``) on real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import URL

from bench.race_assign import prepare, run_races

pytestmark = [pytest.mark.postgis, pytest.mark.slow]


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database="dispatch_race_test")


def test_concurrent_assigners_one_winner_and_no_violating_row(empty_database_url: str) -> None:
    """5 rounds of 8 assigners: exactly one published edit of a version, exactly one of 8 overlapping
    plans committed each round, no unexpected error, no published row breaking a rule."""
    prepare(empty_database_url)
    result = run_races(empty_database_url, rounds=5, assigners=8)
    assert result.assign.rounds == 5 and result.overlap.rounds == 5
    assert dict(result.assign.winners) == {1: 5}, result.assign.outcomes
    assert result.assign.outcomes["stale"] >= 5 * 3  # the other half at least lost on the version
    assert dict(result.overlap.winners) == {1: 5}
    assert result.overlap.outcomes["constraint:ex_plan_visits_no_overlap"] == 5 * 7
    errors = result.assign.errors + result.overlap.errors
    assert not errors, errors
    assert result.violating_rows == 0
