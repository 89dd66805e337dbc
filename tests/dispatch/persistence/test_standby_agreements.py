"""Standby agreements are stored with the data set, read back by the period they overlap, and the
database refuses a period ending before it starts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.standby import StandbyAgreement
from dispatch.persistence.dataset_store import load_dataset, load_day_dataset, save_dataset
from dispatch.persistence.models import StandbyAgreementRow, table_of
from dispatch.persistence.repositories.standby import StandbyAgreementRepository
from tests.dispatch.persistence.sample_data import small_dataset

SATURDAY_8AM = datetime(2026, 11, 28, 8, tzinfo=ZoneInfo("America/Chicago"))
AGREEMENT = StandbyAgreement(
    "SB-1",
    "C-ACME",
    "S-CHI",
    SATURDAY_8AM,
    SATURDAY_8AM + timedelta(hours=36),
    (SkillRequirement("network", 3), SkillRequirement("pos", 1)),
    timedelta(hours=2),
)


def test_agreements_round_trip_with_the_dataset_and_the_day_they_touch(session: Session) -> None:
    save_dataset(session, dataclasses.replace(small_dataset(), standby_agreements=[AGREEMENT]))
    assert load_dataset(session).standby_agreements == [AGREEMENT]
    sunday = datetime(2026, 11, 29, tzinfo=UTC)
    day = load_day_dataset(session, None, (), (sunday, sunday + timedelta(hours=36)))
    assert day.standby_agreements == [AGREEMENT] and [s.id for s in day.sites] == ["S-CHI"]
    later = sunday + timedelta(days=7)
    assert StandbyAgreementRepository(session).overlapping(later, later + timedelta(hours=36)) == []


def test_the_database_refuses_a_period_ending_before_it_starts(session: Session) -> None:
    save_dataset(session, small_dataset())
    with pytest.raises(IntegrityError):
        session.execute(
            insert(table_of(StandbyAgreementRow)),
            {
                "id": "SB-BAD",
                "customer_id": "C-ACME",
                "site_id": "S-CHI",
                "starts_at": SATURDAY_8AM,
                "ends_at": SATURDAY_8AM - timedelta(hours=1),
                "required_skills": {"network": 3},
                "response_s": 7_200,
            },
        )
