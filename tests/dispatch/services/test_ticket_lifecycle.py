"""Moving a ticket through its lifecycle records the SLA facts: response when a remote session starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.domain.tickets import TicketState
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.repositories import TicketRepository
from dispatch.services.ticket_lifecycle import move_ticket
from tests.dispatch.persistence.sample_data import small_dataset

NOW = datetime(2026, 11, 26, 15, tzinfo=UTC)


def test_a_remote_session_is_the_first_response_once(session: Session) -> None:
    """TK-3 (new, unanswered) taken remote is responded to then; sent onsite later, that time stays."""
    save_dataset(session, small_dataset())
    moved = move_ticket(session, "TK-3", TicketState.REMOTE, now=NOW)
    assert moved.responded_at == NOW
    onsite = move_ticket(session, "TK-3", TicketState.ONSITE_REQUIRED, now=NOW + timedelta(hours=1))
    assert onsite.responded_at == NOW
    assert TicketRepository(session).require("TK-3").responded_at == NOW
