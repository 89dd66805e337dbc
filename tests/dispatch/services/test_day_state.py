"""The facts of a day: visits done or under way, where each technician is free, what their van holds."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from dispatch.domain.jobs import JobStatus
from dispatch.domain.progress import NotCompletedReason, ReportKind, VisitReport
from dispatch.services.day_state import DayState, day_state
from tests.api.field_day import DAY, _job, local, plan
from tests.dispatch.persistence.sample_data import small_dataset


def _state(statuses: dict[str, JobStatus], reports: list[VisitReport]) -> DayState:
    data = small_dataset()
    jobs = {j.id: j for j in [*data.jobs, *(_job(n) for n in range(2, 6))]}
    jobs = {j: dataclasses.replace(job, status=statuses.get(j, JobStatus.PLANNED)) for j, job in jobs.items()}
    return day_state(
        DAY,
        local(12),
        plan(),
        jobs,
        reports,
        {s.id: s for s in data.sites},
        {d.id: d for d in data.depots},
    )


def _report(job_id: str, kind: ReportKind, minutes_after_nine: int, **extra: object) -> VisitReport:
    status = {
        ReportKind.EN_ROUTE: JobStatus.EN_ROUTE,
        ReportKind.ARRIVED: JobStatus.ON_SITE,
        ReportKind.COMPLETED: JobStatus.COMPLETED,
        ReportKind.NOT_COMPLETED: JobStatus.INCOMPLETE,
    }[kind]
    return VisitReport(
        id=f"{job_id}-{kind.value}",
        idempotency_key=f"{job_id}-{kind.value}",
        job_id=job_id,
        technician_id="T-MKE",
        kind=kind,
        reported_at=local(9) + timedelta(minutes=minutes_after_nine),
        status_after=status,
        **extra,  # type: ignore[arg-type]
    )


def test_a_morning_with_nothing_reported_has_no_facts() -> None:
    """Nothing reported: no route has started, every stop is still the plan's to change."""
    state = _state({}, [])
    assert state.started == {} and state.fixed_job_ids == frozenset()
    route = plan().routes[0]
    assert state.rest_stops(route) == ["depot:D-CHI", "J-1", "J-F2", "J-F3", "J-F4", "J-F5"]


def test_a_completed_visit_and_one_en_route_are_kept_with_their_pickup() -> None:
    """J-1 done at 10:40 and J-F2 en route at 11:00: both stay, with the pickup before them; T-MKE is
    free at J-F2's site when it ends; the switch picked up is on the van for J-F2, which will use it."""
    reports = [
        _report("J-1", ReportKind.EN_ROUTE, 0),
        _report("J-1", ReportKind.ARRIVED, 10),
        _report("J-1", ReportKind.COMPLETED, 100),
        _report("J-F2", ReportKind.EN_ROUTE, 120),
    ]
    state = _state({"J-1": JobStatus.COMPLETED, "J-F2": JobStatus.EN_ROUTE}, reports)
    started = state.started["T-MKE"]
    assert [v.job_id or v.depot_id for v in started.kept] == ["D-CHI", "J-1", "J-F2"]
    assert started.kept[1].end == local(10, 40)
    assert started.free.at >= local(12) and started.free.at == started.kept[-1].end
    assert started.van_stock({}) == {}
    assert state.rest_stops(plan().routes[0]) == ["J-F3", "J-F4", "J-F5"]
    assert state.fixed_job_ids == frozenset({"J-1", "J-F2"})
    assert state.technician_of("J-F2") == "T-MKE"


def test_a_visit_not_completed_used_no_parts() -> None:
    """J-F2 could not be completed (part missing): the switch collected for it is still on the van."""
    reports = [
        _report("J-F2", ReportKind.EN_ROUTE, 0),
        _report("J-F2", ReportKind.ARRIVED, 20),
        _report("J-F2", ReportKind.NOT_COMPLETED, 40, reason=NotCompletedReason.PART_MISSING),
    ]
    state = _state({"J-F2": JobStatus.INCOMPLETE}, reports)
    assert state.started["T-MKE"].van_stock({}) == {"SW-24P": 1}
    assert "J-1" in state.rest_stops(plan().routes[0])


def test_a_pickup_on_the_way_is_over_when_the_technician_is_reported_on_site() -> None:
    """Set off at 9:00 with the depot pickup planned on the way, T-MKE reports J-1 reached at 9:10, sooner
    than the pickup and the drives allow: the pickup is kept as done before that arrival, not across it."""
    reports = [_report("J-1", ReportKind.EN_ROUTE, 0), _report("J-1", ReportKind.ARRIVED, 10)]
    kept = _state({"J-1": JobStatus.ON_SITE}, reports).started["T-MKE"].kept
    assert [v.job_id or v.depot_id for v in kept] == ["D-CHI", "J-1"]
    assert kept[1].arrival == local(9, 10)
    assert kept[0].arrival <= kept[0].start <= kept[0].end <= kept[1].arrival


def test_a_visit_on_the_way_past_its_expected_arrival_is_reached_no_sooner_than_now() -> None:
    """Set off for J-1 at nine and not arrived by noon: it is overdue, so it begins at noon at the earliest
    and the technician is free only after a whole visit from then."""
    state = _state({"J-1": JobStatus.EN_ROUTE}, [_report("J-1", ReportKind.EN_ROUTE, 0)])
    planned = next(v for v in plan().routes[0].visits if v.job_id == "J-1")
    visit = state.started["T-MKE"].kept[-1]
    assert visit.job_id == "J-1" and visit.arrival == local(12) and visit.start >= local(12)
    assert visit.end - visit.start == planned.end - planned.start
    assert state.started["T-MKE"].free.at == visit.end
