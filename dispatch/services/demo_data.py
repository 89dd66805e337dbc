"""Load the nationwide demo provider into the configured database (the embedded default unless set)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.config import Settings
from dispatch.domain.errors import DomainError
from dispatch.domain.tickets import Ticket
from dispatch.domain.timezones import zone


def load_demo(
    settings: Settings, *, seed: int | None, day: date | None, scale: float, replace: bool
) -> dict[str, int]:
    """Migrate the database, generate the demo day, its past months of visits and its procedures, and save
    them in one transaction; return row counts.

    Refuses to mix the demo into existing data unless ``replace`` (which deletes it in the same transaction).
    """
    from data.demo import DemoConfig, generate_demo, generate_history
    from data.procedures import demo_procedures
    from dispatch.persistence.dataset_store import clear_dataset, is_empty, save_dataset, save_history
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database

    url = settings.effective_database_url
    upgrade_database(url)
    config = DemoConfig(
        seed=settings.demo_seed if seed is None else seed,
        day=day or provider_today(settings),
        scale=scale,
    )
    dataset = generate_demo(config)
    # Added here rather than by the generator: the day simulations, which do not work through
    # checklists, load the generator's data set as it was.
    dataset.procedures = demo_procedures(skill.code for skill in dataset.skills)
    history = generate_history(config, dataset)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if replace:
                clear_dataset(session)
            elif not is_empty(session):
                raise DomainError("the database already holds data: add --replace to start from the demo")
            save_dataset(session, dataset)
            save_history(session, history.tickets, history.jobs, history.reports)
            the_desk_before_planning(session, dataset.tickets)
            the_desk_closing(session, history.tickets, dataset.tickets)
    finally:
        engine.dispose()
    return {**dataset.counts(), "past_visits": len(history.jobs)}


DESK_MOVES = 2
"""Tickets of each kind the service desk has moved before the day is planned."""


def the_desk_before_planning(session: Session, tickets: Sequence[Ticket]) -> None:
    """The service desk's early work on the open tickets, through the same operations as the API, so the
    demo holds tickets in every state the desk can reach before any visit: a few remote tickets fixed
    remotely, a few waiting on the customer (their SLA clocks paused, with the reason), and a new ticket
    the customer withdrew. Each is done a minute after the last ticket was opened, and audited."""
    from dispatch.domain.tickets import RemoteOutcome, TicketState
    from dispatch.services.ticket_lifecycle import move_ticket, record_remote_attempt

    if not tickets:
        return
    at = max(t.opened_at for t in tickets) + timedelta(minutes=1)
    remote = sorted((t for t in tickets if t.state is TicketState.REMOTE), key=lambda t: t.id)
    new = sorted((t for t in tickets if t.state is TicketState.NEW), key=lambda t: t.id)
    for ticket in remote[:DESK_MOVES]:
        note = "restarted the service and checked it with the customer over a remote session"
        record_remote_attempt(session, ticket.id, RemoteOutcome.RESOLVED, note, now=at)
    for ticket in remote[DESK_MOVES : 2 * DESK_MOVES]:
        why = "waiting for the customer to agree a time to restart their system"
        move_ticket(session, ticket.id, TicketState.WAITING_CUSTOMER, now=at, why=why)
    for ticket in new[:1]:
        move_ticket(session, ticket.id, TicketState.CANCELLED, now=at, why="the customer fixed it themselves")


FOLLOW_UPS = (
    "Replace the ageing unit found during the repair before it fails",
    "Tidy and label the cabinet's patching, found unlabelled during the repair",
)
"""The follow-up work the desk's engineers left when closing repaired tickets."""


def the_desk_closing(session: Session, history: Sequence[Ticket], today: Sequence[Ticket]) -> None:
    """The desk closes repaired tickets the customer has confirmed, two of them with follow-up work left,
    which opens planned maintenance linked to them (the week plan books it)."""
    from dispatch.domain.tickets import TicketState
    from dispatch.services.follow_ups import FollowUp, close_ticket

    if not today:
        return
    at = max(t.opened_at for t in today) + timedelta(minutes=2)
    resolved = sorted((t for t in history if t.state is TicketState.RESOLVED), key=lambda t: t.id)
    for ticket, work in zip(resolved, FOLLOW_UPS, strict=False):
        why = "the customer confirmed the fix"
        close_ticket(session, ticket.id, now=at, why=why, follow_up=FollowUp(work))


def provider_today(settings: Settings) -> date:
    """Today's date where the provider works (``provider_timezone``), not the server's own."""
    return datetime.now(zone(settings.provider_timezone)).date()


def run_demo(settings: Settings, *, seed: int | None, day: date | None, scale: float) -> str:
    """What ``make run`` shows: a fresh demo day loaded, its workload, then its plan."""
    from dispatch.services.planning import plan_day_command
    from dispatch.services.summary import print_day_summary
    from dispatch.services.week_plan import plan_week_command

    the_day = day or provider_today(settings)
    counts = load_demo(settings, seed=seed, day=the_day, scale=scale, replace=True)
    loaded = ", ".join(f"{count} {name}" for name, count in counts.items())
    workload = print_day_summary(settings, the_day)
    plan = plan_day_command(settings, the_day, region=None, time_limit_s=settings.plan_time_limit_s)
    on_site = a_visit_under_way(settings, the_day, datetime.now(UTC))
    on_site += windows_told(settings, datetime.now(UTC))
    week = plan_week_command(
        settings, the_day + timedelta(days=1), time_limit_s=settings.plan_time_limit_s, now=datetime.now(UTC)
    )
    return (
        f"Loaded the demo provider: {loaded}.\n\n{workload}\n\n{plan}\n\n{week}\n\n{on_site}"
        f"{demo_logins(settings, the_day)}"
    )


UNDER_WAY_RANK = 3
"""The technician with this many busier ones (by visits) is the one already on site: the busiest few, whose
sheets ``demo_logins`` names, are left for a person to walk through the day from its start."""


def a_visit_under_way(settings: Settings, day: date, now: datetime) -> str:
    """During the working day, one technician has set off early and is on site at their first visit,
    reported through the same operation as the job sheet's buttons: the board shows a visit under way and
    its ticket is in progress. A line saying so, or nothing outside working hours."""
    from dispatch.domain.progress import ReportKind
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope
    from dispatch.persistence.repositories import PlanRepository
    from dispatch.services.progress import ReportRequest, report_progress

    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            plan = PlanRepository(session).published(day)
            routes = sorted(
                (r for r in (plan.routes if plan else ()) if r.job_ids),
                key=lambda r: (-len(r.job_ids), r.technician_id),
            )
            if len(routes) <= UNDER_WAY_RANK:
                return ""
            route = routes[UNDER_WAY_RANK]
            if not route.start - timedelta(hours=1) <= now <= route.end:
                return ""
            job_id = route.job_ids[0]
            for kind in (ReportKind.EN_ROUTE, ReportKind.ARRIVED):
                request = ReportRequest(f"demo-{kind.value}-{job_id}", job_id, kind)
                report_progress(session, technician_id=route.technician_id, request=request, now=now)
    finally:
        engine.dispose()
    return f"{route.technician_id} set off early and is on site at {job_id}: a visit under way.\n\n"


def windows_told(settings: Settings, now: datetime) -> str:
    """The service's first round of arrival promises, run now rather than a few minutes after it starts:
    a line naming how many customers were told their window, or nothing when no visit is that close."""
    from dispatch.persistence.db import make_engine, make_session_factory
    from dispatch.services.promise_rounds import promise_round

    engine = make_engine(settings.effective_database_url)
    try:
        told = promise_round(make_session_factory(engine), now)
    finally:
        engine.dispose()
    if told is None or not told.promised:
        return ""
    return (
        f"{told.promised} customers whose visit is expected within {settings.promise_minutes} minutes were "
        "told their arrival window: a promise the day now keeps.\n\n"
    )


def demo_logins(settings: Settings, day: date, *, technicians_shown: int = 3) -> str:
    """Create the demo logins and one customer tracking link; say where to open what."""
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope
    from dispatch.persistence.repositories import JobRepository, PlanRepository
    from dispatch.persistence.repositories.accounts import AccountRepository
    from dispatch.services.accounts import ensure_demo_accounts
    from dispatch.services.tracking import create_tracking_link

    base = f"http://{settings.api_host}:{settings.api_port}"
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            logins = ensure_demo_accounts(session)
            plan = PlanRepository(session).published(day)
            first_job = next((r.job_ids[0] for r in plan.routes if r.job_ids), None) if plan else None
            ticket_id = JobRepository(session).require(first_job).ticket_id if first_job else None
            token = None
            accounts = AccountRepository(session)
            dispatcher_account = accounts.by_email(logins[0][0])
            busiest = {r.technician_id: len(r.job_ids) for r in (plan.routes if plan else ())}
            visits_of = {
                email: busiest.get(found.technician_id or "", 0) if (found := accounts.by_email(email)) else 0
                for email, _, role in logins
                if role == "technician"
            }
            if ticket_id is not None and dispatcher_account is not None:
                token = create_tracking_link(
                    session, ticket_id=ticket_id, created_by=dispatcher_account.id, now=datetime.now(UTC)
                )
    finally:
        engine.dispose()
    dispatcher = next(login for login in logins if login[2] == "dispatcher")
    # The technicians with the most visits on the day first: a sheet to look at, whatever the weekday.
    technicians = sorted(
        (login for login in logins if login[2] == "technician"), key=lambda t: -visits_of[t[0]]
    )
    lines = [
        "Open in a browser:",
        f"  dispatch board   {base}/board  (log in as {dispatcher[0]} / {dispatcher[1]})",
        f"  dispatcher API   {base}/docs  (the same login)",
        f"  job sheets       {base}/tech/login  (on a phone; each technician's e-mail, password "
        f"{technicians[0][1] if technicians else '-'}), for example:",
        *(f"                     {email}" for email, _, _ in technicians[:technicians_shown]),
    ]
    if token is not None:
        lines.append(f"  customer view    {base}/track/{token}  (ticket {ticket_id})")
    customer = next((login for login in logins if login[2] == "customer"), None)
    if customer is not None:
        lines.append(
            f"  customer user    {base}/customer/login  (log in as {customer[0]} / {customer[1]}: "
            "their organisation's tickets, raise one online)"
        )
    return "\n".join(lines)
