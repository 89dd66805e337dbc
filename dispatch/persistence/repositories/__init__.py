"""Repositories: one per aggregate, each taking a Session, returning domain objects, never committing."""

from dispatch.domain.errors import RecordNotFound
from dispatch.persistence.repositories._base import Repository
from dispatch.persistence.repositories.catalogue import PartRepository, SkillRepository
from dispatch.persistence.repositories.contracts import ContractRepository, SlaPolicyRepository
from dispatch.persistence.repositories.customers import CustomerRepository, SiteRepository
from dispatch.persistence.repositories.jobs import JobRepository
from dispatch.persistence.repositories.on_call import OnCallDutyRepository
from dispatch.persistence.repositories.plans import PlanRepository
from dispatch.persistence.repositories.technicians import DepotRepository, TechnicianRepository
from dispatch.persistence.repositories.tickets import TicketRepository

__all__ = [
    "ContractRepository",
    "CustomerRepository",
    "DepotRepository",
    "JobRepository",
    "OnCallDutyRepository",
    "PartRepository",
    "PlanRepository",
    "RecordNotFound",
    "Repository",
    "SiteRepository",
    "SkillRepository",
    "SlaPolicyRepository",
    "TechnicianRepository",
    "TicketRepository",
]
