"""A whole data set of the provider as plain domain objects: generated, imported, exported, stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch.domain.catalogue import Part, Skill
from dispatch.domain.contracts import Contract
from dispatch.domain.customers import Customer, Site
from dispatch.domain.jobs import Job
from dispatch.domain.on_call import OnCallDuty
from dispatch.domain.procedures import Procedure
from dispatch.domain.standby import StandbyAgreement
from dispatch.domain.technicians import Depot, Technician
from dispatch.domain.tickets import Ticket, TicketPause


@dataclass(slots=True)
class Dataset:
    """Every entity, in dependency order (catalogue first, jobs last)."""

    skills: list[Skill] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    depots: list[Depot] = field(default_factory=list)
    technicians: list[Technician] = field(default_factory=list)
    on_call_duties: list[OnCallDuty] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    ticket_pauses: list[TicketPause] = field(default_factory=list)
    """Stretches tickets waited on the customer (their SLA clocks stood still)."""
    jobs: list[Job] = field(default_factory=list)
    procedures: list[Procedure] = field(default_factory=list)
    standby_agreements: list[StandbyAgreement] = field(default_factory=list)
    """Periods a customer site is guaranteed a skilled technician within a response time."""

    def counts(self) -> dict[str, int]:
        """Rows per entity, for summaries and closing notes."""
        return {
            "skills": len(self.skills),
            "parts": len(self.parts),
            "customers": len(self.customers),
            "sites": len(self.sites),
            "contracts": len(self.contracts),
            "depots": len(self.depots),
            "technicians": len(self.technicians),
            "on_call_duties": len(self.on_call_duties),
            "tickets": len(self.tickets),
            "jobs": len(self.jobs),
            "procedures": len(self.procedures),
            "standby_agreements": len(self.standby_agreements),
        }
