"""A solve takes at most ``DISPATCH_MAX_JOBS_PER_SOLVE`` jobs; past it the day is planned by region."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from dispatch.config import get_settings
from dispatch.domain.errors import DomainError
from dispatch.services.plan_day import check_solve_size

DAY = date(2026, 11, 26)


@pytest.fixture
def cap_of_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DISPATCH_MAX_JOBS_PER_SOLVE", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_default_cap_is_a_national_day_of_twenty_thousand_jobs() -> None:
    """Unset, a solve takes up to 20,000 jobs: the largest day the generator makes."""
    get_settings.cache_clear()
    assert get_settings().max_jobs_per_solve == 20_000
    check_solve_size(20_000, DAY, None)


@pytest.mark.usefixtures("cap_of_two")
def test_a_solve_over_the_cap_is_refused_in_words_and_one_at_it_passes() -> None:
    """With a cap of 2: 2 jobs pass; 3 are refused naming the day, the count, the cap and the way out."""
    check_solve_size(2, DAY, "east")
    with pytest.raises(DomainError) as refused:
        check_solve_size(3, DAY, None)
    assert str(refused.value) == (
        "2026-11-26 has 3 jobs to plan in all regions, more than the 2 one solve takes "
        "(DISPATCH_MAX_JOBS_PER_SOLVE): plan it region by region"
    )
