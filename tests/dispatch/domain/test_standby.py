"""Standby agreements refuse periods that end before they begin and response times that are not positive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.standby import StandbyAgreement

START = datetime(2026, 12, 12, 14, tzinfo=UTC)
NETWORK = (SkillRequirement("network", 3),)


def test_an_agreement_names_its_skills_and_checks_a_technician() -> None:
    agreement = StandbyAgreement(
        "SB1", "C1", "S1", START, START + timedelta(hours=36), NETWORK, timedelta(hours=2)
    )
    assert agreement.skills_text() == "network level 3"
    assert agreement.qualifies({"network": 4}) and not agreement.qualifies({"network": 2, "power": 5})


@pytest.mark.parametrize(
    ("ends", "response", "message"),
    [
        (START - timedelta(hours=1), timedelta(hours=2), "not after it starts"),
        (START + timedelta(hours=1), timedelta(0), "response time must be positive"),
    ],
)
def test_a_bad_agreement_is_refused_in_words(ends: datetime, response: timedelta, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        StandbyAgreement("SB1", "C1", "S1", START, ends, NETWORK, response)
