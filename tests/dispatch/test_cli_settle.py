"""``dispatch settle DAY`` on both back ends: the day's parts reach the van and depot stock once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dispatch.cli import main
from dispatch.config import Settings
from dispatch.domain.progress import ReportKind
from dispatch.persistence.models import DepotStockRow, PartMovementRow, table_of
from dispatch.services.progress import ReportRequest, report_progress
from tests.api.field_day import DAY, seed_field_day


@pytest.fixture(scope="module")
def day_done(engine: Engine, database_url: str) -> str:
    """The field day with J-1 done: a switch picked up at the Chicago depot, J-1's parts used."""
    seed_field_day(database_url)
    at = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    with Session(engine) as session:
        for kind in (ReportKind.EN_ROUTE, ReportKind.ARRIVED, ReportKind.COMPLETED):
            at += timedelta(minutes=20)
            request = ReportRequest(str(uuid.uuid4()), "J-1", kind)
            report_progress(session, technician_id="T-MKE", request=request, now=at)
        session.commit()
    return database_url


def _depot_switches(engine: Engine) -> int:
    stock = table_of(DepotStockRow)
    with engine.connect() as connection:
        return int(
            connection.scalar(
                select(stock.c.quantity).where(stock.c.depot_id == "D-CHI", stock.c.sku == "SW-24P")
            )
            or 0
        )


def test_settle_applies_the_day_once(
    day_done: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first run settles the three movements and takes the pickup off the depot; the second finds none."""
    settings = Settings(database_url=day_done)
    assert main(["settle", DAY.isoformat()], settings) == 0
    out = capsys.readouterr().out
    assert f"{DAY}: settled 3 part movements" in out
    assert "depot D-CHI" in out and "SW-24P" in out and "-1" in out
    assert _depot_switches(engine) == 11
    with engine.connect() as connection:
        movements = table_of(PartMovementRow)
        assert connection.scalar(select(movements.c.id).where(movements.c.settled_at.is_(None))) is None

    assert main(["settle", DAY.isoformat()], settings) == 0
    assert "nothing to settle" in capsys.readouterr().out
    assert _depot_switches(engine) == 11


def test_settle_refuses_a_bad_date(day_done: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["settle", "26/11/2026"], Settings(database_url=day_done))
    assert "not a date" in capsys.readouterr().err
