"""The priority a new ticket is suggested at, from what it is about and what the contract covers.

A dispatcher confirms it (or changes it) when triaging; the suggestion only saves them the first guess.
A business stopped is P1; a fault in what a business runs on (tills, network, servers, storage) that only
degrades it is P2, any other degraded service P3, and one user or a question P4. A contract whose SLA
covers only business hours cannot promise a P1 around the clock, so it is suggested at P2 there.
"""

from __future__ import annotations

from enum import StrEnum

from dispatch.domain.contracts import Contract, Priority

BUSINESS_CRITICAL_CATEGORIES = frozenset({"pos", "network", "server", "storage"})
"""Categories whose fault stops or slows a whole site's business."""


class Impact(StrEnum):
    """What the customer says the fault does to them."""

    STOPPED = "stopped"
    """The business (or a whole site) cannot work."""
    DEGRADED = "degraded"
    """Work goes on, slower or with a workaround."""
    ONE_USER = "one_user"
    """One person or one device, or a question."""


def suggest_priority(category: str, impact: Impact, contract: Contract) -> Priority:
    """The priority to suggest for a new ticket (see the module's rules)."""
    if impact is Impact.STOPPED:
        return Priority.P1 if contract.sla.coverage.is_24x7 else Priority.P2
    if impact is Impact.DEGRADED:
        return Priority.P2 if category.strip().lower() in BUSINESS_CRITICAL_CATEGORIES else Priority.P3
    return Priority.P4
