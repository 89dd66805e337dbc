"""Repository of tickets."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.listings import Page, TicketFilter
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.persistence.models import SiteRow, TicketRow, table_of
from dispatch.persistence.repositories._base import ChildRows, Repository, RowsByTable


def follow_ups_last(tickets: Iterable[Ticket]) -> builtins.list[Ticket]:
    """Tickets ordered so that each comes after the ticket it follows up, as the foreign key needs."""
    pending = builtins.list(tickets)
    given = {ticket.id for ticket in pending}
    placed: set[str] = set()
    ordered: builtins.list[Ticket] = []
    while pending:
        waiting = []
        for ticket in pending:
            parent = ticket.follow_up_of
            if parent is None or parent in placed or parent not in given:
                ordered.append(ticket)
                placed.add(ticket.id)
            else:
                waiting.append(ticket)
        if len(waiting) == len(pending):
            ordered.extend(waiting)  # a cycle: let the foreign key refuse it with the database's message
            break
        pending = waiting
    return ordered


class TicketRepository(Repository[Ticket]):
    table = table_of(TicketRow)
    key = "id"

    def key_of(self, item: Ticket) -> str:
        return item.id

    def to_rows(self, item: Ticket) -> RowsByTable:
        row = {
            "id": item.id,
            "site_id": item.site_id,
            "contract_id": item.contract_id,
            "channel": item.channel.value,
            "kind": item.kind.value,
            "priority": item.priority.value,
            "category": item.category,
            "summary": item.summary,
            "opened_at": item.opened_at,
            "state": item.state.value,
            "response_due": item.response_due,
            "resolution_due": item.resolution_due,
            "responded_at": item.responded_at,
            "resolved_at": item.resolved_at,
            "follow_up_of": item.follow_up_of,
        }
        return {self.table: [row]}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Ticket:
        return Ticket(
            id=row["id"],
            site_id=row["site_id"],
            contract_id=row["contract_id"],
            channel=Channel(row["channel"]),
            kind=TicketKind(row["kind"]),
            priority=Priority(row["priority"]),
            category=row["category"],
            summary=row["summary"],
            opened_at=row["opened_at"],
            state=TicketState(row["state"]),
            response_due=row["response_due"],
            resolution_due=row["resolution_due"],
            responded_at=row["responded_at"],
            resolved_at=row["resolved_at"],
            follow_up_of=row["follow_up_of"],
        )

    def add_many(self, items: Iterable[Ticket]) -> None:
        super().add_many(follow_ups_last(items))

    def list(
        self,
        *,
        site_id: str | None = None,
        contract_id: str | None = None,
        state: TicketState | None = None,
        priority: Priority | None = None,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Ticket]:
        """Tickets by id, filtered by site, contract, state, priority or opening in [from, before)."""
        filters = TicketFilter(
            site_id=site_id,
            contract_id=contract_id,
            state=state,
            priority=priority,
            opened_from=opened_from,
            opened_before=opened_before,
        )
        return self._select(self._matching(filters), limit=limit, offset=offset)

    def find(self, filters: TicketFilter, *, limit: int, offset: int) -> Page[Ticket]:
        """A page of the tickets matching ``filters``, by id."""
        return self._page(self._matching(filters), limit=limit, offset=offset)

    def _matching(self, filters: TicketFilter) -> builtins.list[ColumnElement[bool]]:
        c = self.table.c
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.site_id is not None:
            conditions.append(c.site_id == filters.site_id)
        if filters.contract_id is not None:
            conditions.append(c.contract_id == filters.contract_id)
        if filters.customer_id is not None:
            sites = table_of(SiteRow)
            conditions.append(
                c.site_id.in_(select(sites.c.id).where(sites.c.customer_id == filters.customer_id))
            )
        if filters.state is not None:
            conditions.append(c.state == filters.state.value)
        if filters.priority is not None:
            conditions.append(c.priority == filters.priority.value)
        if filters.opened_from is not None:
            conditions.append(c.opened_at >= filters.opened_from)
        if filters.opened_before is not None:
            conditions.append(c.opened_at < filters.opened_before)
        return conditions


def lock_ticket(session: Session, ticket_id: str) -> Ticket:
    """The ticket, its row locked until the transaction ends (PostgreSQL): two technicians reporting on
    the ticket's visits at once move its state one after the other."""
    table = TicketRepository.table
    session.execute(select(table.c.id).where(table.c.id == ticket_id).with_for_update())
    return TicketRepository(session).require(ticket_id)


def set_ticket_progress(session: Session, ticket: Ticket) -> None:
    """Store the ticket's state and its response and resolution times, nothing else."""
    table = TicketRepository.table
    session.execute(
        update(table)
        .where(table.c.id == ticket.id)
        .values(state=ticket.state.value, responded_at=ticket.responded_at, resolved_at=ticket.resolved_at)
    )
