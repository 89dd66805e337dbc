"""The day's plan as a dispatcher reads it: names, addresses, coordinates, times, priorities, SLA outlook."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.plans import PlanChangesOut
from dispatch.domain.plans import VisitKind
from dispatch.domain.standby import StandbyCoverSegment
from dispatch.services.candidates import Candidate
from dispatch.services.eta import StopProgress
from dispatch.services.plan_view import (
    AtRiskView,
    DepotView,
    Kpis,
    LeftOutView,
    Place,
    PlanDayView,
    Position,
    ProposalView,
    RouteView,
    SlaOutlook,
    StopView,
    TechnicianView,
)


class SpanOut(BaseModel):
    start: datetime
    end: datetime

    @classmethod
    def of(cls, span: tuple[datetime, datetime] | None) -> SpanOut | None:
        return None if span is None else cls(start=span[0], end=span[1])


class PlaceOut(BaseModel):
    name: str
    address: str
    lat: float
    lon: float
    timezone: str = Field(description="IANA time zone of the place: local times are read in it.")

    @classmethod
    def of(cls, place: Place) -> PlaceOut:
        return cls(
            name=place.name, address=place.address, lat=place.lat, lon=place.lon, timezone=place.timezone
        )


class StopOut(BaseModel):
    sequence: int
    kind: VisitKind
    job_id: str | None
    depot_id: str | None
    place: PlaceOut
    arrival: datetime = Field(description="Estimated arrival: the plan moved by the reports so far.")
    start: datetime
    end: datetime
    planned_start: datetime = Field(description="The start the published plan gives.")
    planned_end: datetime
    travel_s: int = Field(description="Driving time from the previous stop.")
    distance_m: int
    progress: StopProgress
    priority: str | None
    ticket_id: str | None
    summary: str
    sla_due: datetime | None = Field(description="The resolution due time the job was given.")
    response_due: datetime | None = Field(
        description="The ticket's response due time while it awaits its response (arriving answers it)."
    )
    sla: SlaOutlook | None = Field(
        description="late when the estimated arrival is past the response due time (while the ticket awaits "
        "its response) or the estimated end past the resolution due time, the rule GET /tickets/at-risk "
        "applies; at_risk when in time with less than 2 h to spare on either; else on_time; none "
        "without an SLA target open."
    )
    window: SpanOut | None = Field(description="The customer's arrival window.")
    pinned: bool
    skills: dict[str, int] = Field(description="Skills the job needs, with the level asked.")
    parts_picked: dict[str, int]
    matches: bool = Field(description="Whether the filters select this stop's job.")

    @classmethod
    def of(cls, stop: StopView) -> StopOut:
        return cls(
            sequence=stop.sequence,
            kind=stop.kind,
            job_id=stop.job_id,
            depot_id=stop.depot_id,
            place=PlaceOut.of(stop.place),
            arrival=stop.arrival,
            start=stop.start,
            end=stop.end,
            planned_start=stop.planned_start,
            planned_end=stop.planned_end,
            travel_s=stop.travel_s,
            distance_m=stop.distance_m,
            progress=stop.progress,
            priority=None if stop.priority is None else stop.priority.value,
            ticket_id=stop.ticket_id,
            summary=stop.summary,
            sla_due=stop.sla_due,
            response_due=stop.response_due,
            sla=stop.sla,
            window=SpanOut.of(stop.window),
            pinned=stop.pinned,
            skills=dict(stop.skills),
            parts_picked=dict(stop.parts_picked),
            matches=stop.matches,
        )


class RouteViewOut(BaseModel):
    start: datetime = Field(description="Leaving home (estimated).")
    end: datetime = Field(description="Back home (estimated).")
    travel_s: int
    distance_m: int
    overtime_s: int
    lunch: SpanOut | None
    stops: list[StopOut]

    @classmethod
    def of(cls, route: RouteView) -> RouteViewOut:
        return cls(
            start=route.start,
            end=route.end,
            travel_s=route.travel_s,
            distance_m=route.distance_m,
            overtime_s=route.overtime_s,
            lunch=SpanOut.of(route.lunch),
            stops=[StopOut.of(s) for s in route.stops],
        )


class PositionOut(BaseModel):
    lat: float
    lon: float
    at: datetime
    label: str

    @classmethod
    def of(cls, position: Position | None) -> PositionOut | None:
        if position is None:
            return None
        return cls(lat=position.lat, lon=position.lon, at=position.at, label=position.label)


class TechnicianViewOut(BaseModel):
    id: str
    name: str
    region: str
    timezone: str
    home: PlaceOut
    skills: dict[str, int]
    shift: SpanOut | None = Field(
        description="Today's shift, or for a technician off today but on call, the on-call period the plan "
        "may use; none on a day off."
    )
    on_call: bool = Field(
        default=False, description="Off today but on call: ``shift`` is the on-call period."
    )
    lunch_window: SpanOut | None = Field(description="When the lunch break may fall.")
    locked: bool = Field(description="The day is kept as published through solves and edits.")
    position: PositionOut | None = Field(description="Last reported place (on site or done there).")
    route: RouteViewOut | None

    @classmethod
    def of(cls, technician: TechnicianView) -> TechnicianViewOut:
        return cls(
            id=technician.id,
            name=technician.name,
            region=technician.region,
            timezone=technician.timezone,
            home=PlaceOut.of(technician.home),
            skills=dict(technician.skills),
            shift=SpanOut.of(technician.shift),
            on_call=technician.on_call,
            lunch_window=SpanOut.of(technician.lunch_window),
            locked=technician.locked,
            position=PositionOut.of(technician.position),
            route=None if technician.route is None else RouteViewOut.of(technician.route),
        )


class CandidateOut(BaseModel):
    technician_id: str
    name: str
    distance_km: float = Field(description="From their home base, as the crow flies.")
    drive_min: int = Field(description="Driving time from their home base, by the plan's travel model.")
    lacks: str | None = Field(
        description="What stands between them and the job; none: only their other work."
    )

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateOut:
        return cls(
            technician_id=candidate.technician_id,
            name=candidate.name,
            distance_km=round(candidate.distance_m / 1000, 1),
            drive_min=round(candidate.drive_s / 60),
            lacks=candidate.lacks,
        )


class LeftOutOut(BaseModel):
    job_id: str
    ticket_id: str
    priority: str
    summary: str
    tier: str = Field(description="The SLA tier of the ticket's contract.")
    place: PlaceOut
    region: str
    duration_s: int
    skills: dict[str, int]
    parts: dict[str, int]
    sla_due: datetime | None = Field(description="The resolution due time the job was given.")
    response_due: datetime | None = Field(
        description="The ticket's response due time while it awaits its response."
    )
    sla: SlaOutlook = Field(
        description="late when the response or resolution due time is already past, else unplanned."
    )
    reason: str = Field(description="Machine-readable reason, such as no_skilled_technician.")
    reason_text: str = Field(description="The reason in plain words.")
    detail: str = Field(description="What the planner found, for this job.")
    candidates: list[CandidateOut] = Field(description="The nearest technicians and what each lacks.")

    @classmethod
    def of(cls, job: LeftOutView) -> LeftOutOut:
        return cls(
            job_id=job.job_id,
            ticket_id=job.ticket_id,
            priority=job.priority.value,
            summary=job.summary,
            tier=job.tier,
            place=PlaceOut.of(job.place),
            region=job.region,
            duration_s=job.duration_s,
            skills=dict(job.skills),
            parts=dict(job.parts),
            sla_due=job.sla_due,
            response_due=job.response_due,
            sla=job.sla,
            reason=job.reason,
            reason_text=job.reason_text,
            detail=job.detail,
            candidates=[CandidateOut.of(c) for c in job.candidates],
        )


class DepotOut(BaseModel):
    id: str
    place: PlaceOut

    @classmethod
    def of(cls, depot: DepotView) -> DepotOut:
        return cls(id=depot.id, place=PlaceOut.of(depot.place))


class KpisOut(BaseModel):
    planned_by_priority: dict[str, int]
    unassigned_by_priority: dict[str, int]
    sla_by_priority: dict[str, dict[str, int]] = Field(
        description="Per priority, jobs on_time, at_risk, late and unplanned."
    )
    travel_share: float = Field(description="Travel as a share of working time.")
    utilisation: float = Field(description="Time on site as a share of shift time.")
    overtime_s: int
    working_s: int
    travel_s: int

    @classmethod
    def of(cls, kpis: Kpis) -> KpisOut:
        return cls(
            planned_by_priority=dict(kpis.planned_by_priority),
            unassigned_by_priority=dict(kpis.unassigned_by_priority),
            sla_by_priority={p: dict(o) for p, o in kpis.sla_by_priority.items()},
            travel_share=round(kpis.travel_share, 4),
            utilisation=round(kpis.utilisation, 4),
            overtime_s=kpis.overtime_s,
            working_s=kpis.working_s,
            travel_s=kpis.travel_s,
        )


class FiltersOut(BaseModel):
    region: str | None
    skill: str | None
    priority: str | None
    tier: str | None


class ProposalOut(BaseModel):
    """A proposed re-plan the view shows in place of the plan in force."""

    id: str = Field(description="Accept it with POST /plans/{day}/proposals/{id}/accept, or DELETE it.")
    based_on: str | None = Field(description="The version of the plan in force it was made from.")
    stale: bool = Field(description="The plan in force changed since: accepting it would be refused.")
    solved_at: datetime
    in_force: KpisOut = Field(description="The plan in force's key figures, under the same filters.")

    @classmethod
    def of(cls, proposal: ProposalView) -> ProposalOut:
        return cls(
            id=proposal.id,
            based_on=proposal.based_on,
            stale=proposal.stale,
            solved_at=proposal.solved_at,
            in_force=KpisOut.of(proposal.in_force),
        )


class AtRiskOut(BaseModel):
    """A planned visit late for an SLA target, or with under two hours to spare on one."""

    job_id: str
    ticket_id: str
    priority: str
    place: PlaceOut
    technician_id: str
    technician_name: str
    arrival: datetime = Field(description="Estimated arrival.")
    end: datetime = Field(description="Estimated end of the visit.")
    response_due: datetime | None
    sla_due: datetime | None
    sla: SlaOutlook
    target: str = Field(description="The target nearest to breaking: response (arrive by) or resolution.")
    due: datetime
    spare_s: int = Field(description="Time to spare on that target; negative: how late.")
    candidates: list[CandidateOut] = Field(
        description="Other technicians nearest the site, with what each lacks."
    )

    @classmethod
    def of(cls, item: AtRiskView) -> AtRiskOut:
        return cls(
            job_id=item.job_id,
            ticket_id=item.ticket_id,
            priority=item.priority.value,
            place=PlaceOut.of(item.place),
            technician_id=item.technician_id,
            technician_name=item.technician_name,
            arrival=item.arrival,
            end=item.end,
            response_due=item.response_due,
            sla_due=item.sla_due,
            sla=item.sla,
            target=item.target,
            due=item.due,
            spare_s=item.spare_s,
            candidates=[CandidateOut.of(c) for c in item.candidates],
        )


class StandbyPartOut(BaseModel):
    agreement_id: str
    technician_id: str | None = Field(description="Who covers this part of the standby; null: nobody.")
    start: datetime
    end: datetime
    gap: bool
    caused_by_plan: bool = Field(description="A gap a technician on duty could have covered.")
    reason: str

    @classmethod
    def of(cls, segment: StandbyCoverSegment) -> StandbyPartOut:
        return cls(
            agreement_id=segment.agreement_id,
            technician_id=segment.technician_id,
            start=segment.start,
            end=segment.end,
            gap=segment.is_gap,
            caused_by_plan=segment.plan_caused,
            reason=segment.reason,
        )


class PlanDayViewOut(BaseModel):
    day: date
    version: str = Field(description="The plan's version (its ETag): send it as If-Match with an edit.")
    created_at: datetime
    now: datetime
    display_timezone: str = Field(
        description="The zone a board draws the day in: the region's or the provider's."
    )
    filters: FiltersOut
    regions: list[str]
    skills: list[str]
    tiers: list[str]
    technicians: list[TechnicianViewOut]
    left_out: list[LeftOutOut] = Field(description="Jobs the plan leaves out, most urgent first.")
    at_risk: list[AtRiskOut] = Field(
        default_factory=list,
        description="Planned visits late or at risk on an SLA target, by priority, then latest first.",
    )
    depots: list[DepotOut]
    kpis: KpisOut
    changes: PlanChangesOut | None = Field(description="What this plan changed from the one it replaced.")
    proposal: ProposalOut | None = Field(
        default=None,
        description="Set when the view shows a proposed re-plan (``?proposal=``) instead of the plan in "
        "force; ``changes`` are then what accepting it would change.",
    )
    standby: list[StandbyPartOut] = Field(
        default_factory=list,
        description="Standby agreements in the day's horizon: who covers which part, and the gaps.",
    )
    standby_terms: dict[str, str] = Field(
        default_factory=dict,
        description="Each standby agreement of ``standby`` in words (site, skills, response), by its id.",
    )

    @classmethod
    def of(cls, view: PlanDayView) -> PlanDayViewOut:
        f = view.filters
        return cls(
            day=view.day,
            version=view.version,
            created_at=view.created_at,
            now=view.now,
            display_timezone=view.display_timezone,
            filters=FiltersOut(
                region=f.region,
                skill=f.skill,
                priority=None if f.priority is None else f.priority.value,
                tier=f.tier,
            ),
            regions=list(view.regions),
            skills=list(view.skills),
            tiers=list(view.tiers),
            technicians=[TechnicianViewOut.of(t) for t in view.technicians],
            left_out=[LeftOutOut.of(j) for j in view.left_out],
            at_risk=[AtRiskOut.of(a) for a in view.at_risk],
            depots=[DepotOut.of(d) for d in view.depots],
            kpis=KpisOut.of(view.kpis),
            changes=None if view.changes is None else PlanChangesOut.of(view.changes),
            proposal=None if view.proposal is None else ProposalOut.of(view.proposal),
            standby=[StandbyPartOut.of(s) for s in view.standby],
            standby_terms=dict(view.standby_terms),
        )
