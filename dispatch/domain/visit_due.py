"""By when an onsite visit should start to keep its ticket's SLA: the one rule the planner and the reports
share.

The response target is met when a technician arrives on site (for a ticket not yet answered any other
way), the resolution target when the visit is completed. So a visit should start by the ticket's response
due time while the ticket awaits its first response, and early enough to end by its resolution due time.
"""

from __future__ import annotations

from datetime import datetime

from dispatch.domain.jobs import Job
from dispatch.domain.tickets import Ticket


def visit_start_due(job: Job, ticket: Ticket | None) -> datetime | None:
    """The latest start that keeps every SLA target still open; ``None`` when the job has none.

    Without its ticket, the job's own ``sla_due`` (the resolution due time it was given) stands for it.
    """
    dues: list[datetime] = []
    if ticket is None:
        if job.sla_due is not None:
            dues.append(job.sla_due - job.duration)
        return min(dues, default=None)
    if ticket.resolved_at is None:
        dues.append(ticket.resolution_due - job.duration)
    if ticket.responded_at is None:
        dues.append(ticket.response_due)
    return min(dues, default=None)
