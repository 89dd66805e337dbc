"""SLA compliance report per contract and month, from the stored tickets.

A ticket belongs to the month it was opened in (UTC). Its standing is judged as of ``now``: a target not
reached by a due time already past is breached, one not yet due is pending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from dispatch.domain.errors import RecordNotFound
from dispatch.domain.sla_compliance import (
    ComplianceFigures,
    TicketCompliance,
    compliance_figures,
    ticket_compliance,
)
from dispatch.domain.sla_pauses import PauseSpan
from dispatch.persistence.repositories import ContractRepository, SiteRepository, TicketRepository
from dispatch.persistence.repositories.ticket_pauses import pauses_of_tickets


@dataclass(frozen=True, slots=True)
class ContractMonth:
    """One contract's month: its figures and every ticket behind them."""

    contract_id: str
    contract_name: str
    tier: str
    month: date
    figures: ComplianceFigures
    tickets: tuple[TicketCompliance, ...]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month starting on ``month``'s first day, as UTC instants ``[start, end)``."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def sla_compliance(
    session: Session,
    month: date,
    now: datetime,
    *,
    contract_id: str | None = None,
    pauses: Mapping[str, Sequence[PauseSpan]] | None = None,
) -> list[ContractMonth]:
    """The month's report for one contract, or for every contract with tickets opened in it (by id).

    ``pauses`` are each ticket's waits on the customer, by ticket id (default: the pauses stored).
    """
    contracts = ContractRepository(session)
    if contract_id is not None and contracts.get(contract_id) is None:
        raise RecordNotFound(f"no contract {contract_id!r}")
    start, end = month_bounds(month)
    tickets = TicketRepository(session).list(contract_id=contract_id, opened_from=start, opened_before=end)
    wanted = {t.contract_id for t in tickets} | ({contract_id} if contract_id is not None else set())
    by_contract = {c.id: c for c in contracts.get_many(sorted(wanted))}
    sites = {s.id: s for s in SiteRepository(session).get_many(sorted({t.site_id for t in tickets}))}
    if pauses is None:
        stored = pauses_of_tickets(session, [t.id for t in tickets])
        pauses = {tid: [(p.paused_at, p.resumed_at) for p in spans] for tid, spans in stored.items()}
    reports = []
    for cid in sorted(by_contract):
        contract = by_contract[cid]
        standings = tuple(
            ticket_compliance(
                t,
                contract.sla.coverage,
                sites[t.site_id].timezone,
                sites[t.site_id].state,
                pauses.get(t.id, ()),
                now,
            )
            for t in tickets
            if t.contract_id == cid
        )
        reports.append(
            ContractMonth(
                contract_id=cid,
                contract_name=contract.name,
                tier=contract.sla.tier,
                month=start.date(),
                figures=compliance_figures(standings),
                tickets=standings,
            )
        )
    return reports
