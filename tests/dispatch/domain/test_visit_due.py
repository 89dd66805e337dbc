"""By when a visit should start, and when it is late: respond by arriving, end by the resolution due time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import Job
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.domain.visit_due import visit_dues, visit_start_aim, visit_start_due

OPENED = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TICKET = Ticket(
    id="TKT-1",
    site_id="SITE-1",
    contract_id="CON-1",
    channel=Channel.TELEPHONE,
    kind=TicketKind.SUPPORT,
    priority=Priority.P1,
    category="pos",
    summary="Tills down",
    opened_at=OPENED,
    state=TicketState.ONSITE_REQUIRED,
    response_due=OPENED + timedelta(hours=2),
    resolution_due=OPENED + timedelta(hours=6),
)
JOB = Job(
    id="JOB-1",
    ticket_id="TKT-1",
    site_id="SITE-1",
    duration=timedelta(minutes=90),
    priority=Priority.P1,
    sla_due=TICKET.resolution_due,
)


def test_a_ticket_awaiting_its_response_is_answered_by_the_technician_arriving() -> None:
    assert visit_start_due(JOB, TICKET) == OPENED + timedelta(hours=2)


def test_a_ticket_answered_already_needs_the_visit_to_end_by_the_resolution_due_time() -> None:
    answered = dataclasses.replace(TICKET, responded_at=OPENED + timedelta(minutes=20))
    assert visit_start_due(JOB, answered) == OPENED + timedelta(hours=6) - timedelta(minutes=90)


def test_a_long_visit_can_be_due_before_the_response() -> None:
    long_job = dataclasses.replace(JOB, duration=timedelta(hours=5))
    assert visit_start_due(long_job, TICKET) == OPENED + timedelta(hours=1)


def test_a_resolved_ticket_or_a_job_without_sla_has_no_due_start() -> None:
    done = dataclasses.replace(TICKET, responded_at=OPENED, resolved_at=OPENED + timedelta(hours=1))
    assert visit_start_due(JOB, done) is None
    assert visit_start_due(dataclasses.replace(JOB, sla_due=None), None) is None


def test_without_its_ticket_the_job_ends_by_its_own_due_time() -> None:
    assert visit_start_due(JOB, None) == TICKET.resolution_due - timedelta(minutes=90)


def test_a_visit_arriving_after_the_response_due_time_is_late_though_it_ends_before_resolution() -> None:
    """Arriving 30 minutes past the response due time, ending hours before the resolution due time."""
    dues = visit_dues(JOB, TICKET)
    arrival = TICKET.response_due + timedelta(minutes=30)
    end = arrival + JOB.duration
    assert end < TICKET.resolution_due
    assert dues.late_by(arrival, end) == (timedelta(minutes=30), None)
    assert dues.is_late(arrival, end)
    assert dues.slack(arrival, end) == -timedelta(minutes=30)


def test_once_answered_only_the_resolution_counts_and_the_slack_is_to_the_nearer_target() -> None:
    answered = dataclasses.replace(TICKET, responded_at=OPENED)
    late_arrival = TICKET.response_due + timedelta(hours=1)
    end = TICKET.resolution_due - timedelta(minutes=10)
    assert visit_dues(JOB, answered).late_by(late_arrival, end) == (None, None)
    assert visit_dues(JOB, answered).slack(late_arrival, end) == timedelta(minutes=10)
    early = OPENED + timedelta(minutes=30)
    assert visit_dues(JOB, TICKET).slack(early, early + JOB.duration) == timedelta(minutes=90)
    over = TICKET.resolution_due + timedelta(minutes=5)
    assert visit_dues(JOB, answered).late_by(late_arrival, over) == (None, timedelta(minutes=5))


def test_without_targets_open_nothing_is_late() -> None:
    done = dataclasses.replace(TICKET, responded_at=OPENED, resolved_at=OPENED + timedelta(hours=1))
    far = OPENED + timedelta(days=3)
    assert visit_dues(JOB, done).slack(far, far) is None
    assert not visit_dues(JOB, done).is_late(far, far)
    assert visit_dues(JOB, None).late_by(far, far) == (None, far - TICKET.resolution_due)


def test_a_plan_aims_to_arrive_for_an_open_response_with_part_of_its_time_in_hand() -> None:
    """A response given two hours from opening, a quarter kept in hand: aim 30 minutes before it is due,
    whenever the plan is made (the aim does not drift towards the due time with each re-plan)."""
    aim = OPENED + timedelta(hours=1, minutes=30)
    assert TICKET.response_due == OPENED + timedelta(hours=2)
    assert visit_start_aim(JOB, TICKET, OPENED - timedelta(hours=5), 0.25) == aim
    assert visit_start_aim(JOB, TICKET, OPENED, 0.25) == aim
    assert visit_start_aim(JOB, TICKET, OPENED, 0.0) == visit_start_due(JOB, TICKET)


def test_a_response_opened_before_work_begins_counts_its_time_from_the_first_shift() -> None:
    """Opened overnight, the time given runs from when the first shift begins."""
    begins = OPENED + timedelta(hours=1)
    assert visit_start_aim(JOB, TICKET, begins, 0.5) == begins + timedelta(minutes=30)


def test_no_reserve_is_kept_on_a_resolution_or_a_response_already_past_due() -> None:
    answered = dataclasses.replace(TICKET, responded_at=OPENED + timedelta(minutes=20))
    assert visit_start_aim(JOB, answered, OPENED, 0.5) == visit_start_due(JOB, answered)
    begins_late = OPENED + timedelta(hours=3)
    assert visit_start_aim(JOB, TICKET, begins_late, 0.5) == TICKET.response_due
    long_job = dataclasses.replace(JOB, duration=timedelta(hours=5))
    assert visit_start_aim(long_job, TICKET, OPENED, 0.25) == OPENED + timedelta(hours=1)
