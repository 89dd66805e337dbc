"""Breach prediction: the open tickets the published plan, as the day has gone so far, will deliver late.

Read on demand from the published plan and the reports so far, so it is current after every re-plan
and every status report: the same point estimates as the job sheet and the tracking page
(``forecast_stored_route``). The response target is met on arrival, the
resolution target on completion (``VisitDues``, the rule the planner and the board share): a ticket is
at risk when its estimated arrival is past its response due time (while not yet responded to) or its
estimated completion past its resolution due time. Open
tickets on no route whose due time falls by the end of the day at their site are listed too, with how
late they already are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.tickets import Ticket, TicketState
from dispatch.domain.visit_due import VisitDues, ticket_dues
from dispatch.persistence.repositories import JobRepository, PlanRepository, SiteRepository, TicketRepository
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.services.durations import learn_durations
from dispatch.services.tracking_estimates import forecast_stored_route


@dataclass(frozen=True, slots=True)
class TicketAtRisk:
    """One open ticket and how late the plan will be on it; late times are ``None`` when on time."""

    ticket_id: str
    priority: Priority
    contract_id: str
    site_id: str
    job_id: str | None
    technician_id: str | None
    response_due: datetime | None
    """``None`` once the ticket has had its response."""
    resolution_due: datetime
    expected_arrival: datetime | None
    expected_completion: datetime | None
    response_late_by: timedelta | None
    resolution_late_by: timedelta | None

    @property
    def planned(self) -> bool:
        return self.job_id is not None

    @property
    def late_by(self) -> timedelta:
        """The larger of the two lateness figures (what sorts the list)."""
        return max(self.response_late_by or timedelta(0), self.resolution_late_by or timedelta(0))


def tickets_at_risk(session: Session, day: date, now: datetime) -> list[TicketAtRisk]:
    """Open tickets planned past due on ``day``, then those due by the day's end yet planned nowhere;
    latest first within each group."""
    plan = PlanRepository(session).published(day)
    routes = plan.routes if plan is not None else ()
    jobs = {j.id: j for j in JobRepository(session).get_many([i for r in routes for i in r.job_ids])}
    tickets = {
        t.id: t for t in TicketRepository(session).get_many(sorted({j.ticket_id for j in jobs.values()}))
    }
    planned: list[TicketAtRisk] = []
    on_route: set[str] = set(tickets)
    durations = learn_durations(session, now) if routes else None
    promises = ArrivalPromiseRepository(session).on_day(day, list(jobs))
    for route in routes:
        outlooks = forecast_stored_route(
            session, route, jobs=jobs, tickets=tickets, durations=durations, day=day, promises=promises
        )
        for stop in (o.estimate for o in outlooks):
            if stop.job_id is None or stop.job_id not in jobs:
                continue
            ticket = tickets[jobs[stop.job_id].ticket_id]
            if not ticket.state.is_open:
                continue
            risk = _planned_risk(ticket, stop.job_id, route.technician_id, stop.arrival, stop.end)
            if risk is not None:
                planned.append(risk)
    return sorted(planned, key=_latest_first) + sorted(
        _unplanned(session, day, now, on_route), key=_latest_first
    )


def _planned_risk(
    ticket: Ticket, job_id: str, technician_id: str, arrival: datetime, completion: datetime
) -> TicketAtRisk | None:
    dues = ticket_dues(ticket)
    response_late, resolution_late = dues.late_by(arrival, completion)
    if response_late is None and resolution_late is None:
        return None
    return _at_risk(
        ticket,
        dues,
        (response_late, resolution_late),
        job_id=job_id,
        technician_id=technician_id,
        arrival=arrival,
        completion=completion,
    )


def _at_risk(
    ticket: Ticket,
    dues: VisitDues,
    late: tuple[timedelta | None, timedelta | None],
    *,
    job_id: str | None = None,
    technician_id: str | None = None,
    arrival: datetime | None = None,
    completion: datetime | None = None,
) -> TicketAtRisk:
    """The listing of a ticket late (``late``: by how much on response and on resolution), planned or not."""
    return TicketAtRisk(
        ticket_id=ticket.id,
        priority=ticket.priority,
        contract_id=ticket.contract_id,
        site_id=ticket.site_id,
        job_id=job_id,
        technician_id=technician_id,
        response_due=dues.response,
        resolution_due=ticket.resolution_due,
        expected_arrival=arrival,
        expected_completion=completion,
        response_late_by=late[0],
        resolution_late_by=late[1],
    )


def _unplanned(session: Session, day: date, now: datetime, on_route: set[str]) -> list[TicketAtRisk]:
    """Open tickets on no route of the plan whose response or resolution falls due by the day's end."""
    latest_end = datetime.combine(day + timedelta(days=2), time(0), ZoneInfo("UTC"))
    tickets = TicketRepository(session)
    candidates = [
        t
        for state in TicketState
        if state.is_open
        for t in tickets.list(state=state, opened_before=latest_end)
        if t.id not in on_route
    ]
    sites = {s.id: s for s in SiteRepository(session).get_many(sorted({t.site_id for t in candidates}))}
    found = []
    for ticket in candidates:
        day_end = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(sites[ticket.site_id].timezone))
        if ticket.opened_at >= day_end:
            continue
        dues = ticket_dues(ticket)
        if not any(d < day_end for d in (dues.response, ticket.resolution_due) if d is not None):
            continue
        found.append(_at_risk(ticket, dues, dues.late_by(now, now)))
    return found


def _latest_first(risk: TicketAtRisk) -> tuple[timedelta, str]:
    return (-risk.late_by, risk.ticket_id)
