"""The on-call rota is stored with the data set, read back by period and region, checked by the database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.domain.on_call import DEFAULT_CALL_OUT_COST, OnCallDuty
from dispatch.persistence.dataset_store import load_dataset, save_dataset
from dispatch.persistence.models import OnCallDutyRow, table_of
from dispatch.persistence.repositories import OnCallDutyRepository
from tests.dispatch.persistence.sample_data import small_dataset

CHICAGO_TIME = ZoneInfo("America/Chicago")
SATURDAY_8AM = datetime(2026, 11, 28, 8, tzinfo=CHICAGO_TIME)
DUTIES = [
    OnCallDuty("T-MKE", "midwest", SATURDAY_8AM, SATURDAY_8AM + timedelta(days=1)),
    OnCallDuty("T-STL", "midwest", SATURDAY_8AM + timedelta(days=1), SATURDAY_8AM + timedelta(days=2), 3_600),
    OnCallDuty("T-DEN", "mountain", SATURDAY_8AM, SATURDAY_8AM + timedelta(days=1), 0),
]


def _with_duties(session: Session) -> None:
    save_dataset(session, dataclasses.replace(small_dataset(), on_call_duties=list(DUTIES)))


def test_duties_round_trip_with_the_dataset(session: Session) -> None:
    """Saved and loaded with the data set: same duties, instants back in UTC, ordered by technician."""
    _with_duties(session)
    loaded = load_dataset(session).on_call_duties
    assert loaded == sorted(DUTIES, key=lambda d: (d.technician_id, d.starts_at))
    assert all(d.starts_at.tzinfo is UTC for d in loaded)
    assert loaded[0].call_out_cost == 0 and loaded[1].call_out_cost == DEFAULT_CALL_OUT_COST


def test_duties_overlapping_a_period_and_a_region(session: Session) -> None:
    """Sunday morning in Chicago: the Saturday duties (to 08:00) and the Sunday one overlap, by region."""
    _with_duties(session)
    repository = OnCallDutyRepository(session)
    sunday = datetime(2026, 11, 29, 6, tzinfo=CHICAGO_TIME)
    found = repository.overlapping(sunday, sunday + timedelta(hours=4), region="midwest")
    assert [d.technician_id for d in found] == ["T-MKE", "T-STL"]
    assert [d.technician_id for d in repository.overlapping(sunday, sunday + timedelta(hours=1))] == [
        "T-DEN",
        "T-MKE",
    ]
    assert repository.overlapping(SATURDAY_8AM - timedelta(hours=1), SATURDAY_8AM) == []


@pytest.mark.parametrize(
    "values",
    [
        {"technician_id": "T-NOBODY", "call_out_cost": 0},
        {"technician_id": "T-MKE", "call_out_cost": -1},
        {"technician_id": "T-MKE", "call_out_cost": 0, "ends_at": SATURDAY_8AM},
    ],
    ids=["unknown-technician", "negative-cost", "ends-at-its-start"],
)
def test_database_refuses_a_broken_duty(session: Session, values: dict[str, object]) -> None:
    """Only the database stands between a raw write and a broken duty: it refuses it."""
    save_dataset(session, small_dataset())
    row = {"region": "midwest", "starts_at": SATURDAY_8AM, "ends_at": SATURDAY_8AM + timedelta(hours=8)}
    with pytest.raises(IntegrityError):
        session.execute(insert(table_of(OnCallDutyRow)).values(**{**row, **values}))
        session.flush()
