"""The day's Dataset as an optimizer Problem: time zones, windows, access hours, skills, parts and pins."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.domain.contracts import Priority
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement, TimeWindow
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar
from dispatch.domain.weekly_hours import WeeklyHours
from dispatch.services.planning import HORIZON_S, dataset_to_problem

DAY = date(2026, 3, 10)  # a Tuesday, after the US switched to daylight saving time
CHICAGO = "America/Chicago"  # UTC-5 in March after the switch
LA = "America/Los_Angeles"  # UTC-7


def _technician(tech_id: str, zone: str = CHICAGO, *, works_tuesday: bool = True) -> Technician:
    shift = Shift(time(8), time(17), LunchBreak(time(11, 30), time(13), timedelta(minutes=30)))
    weekly = (*(shift if works_tuesday or day != 1 else None for day in range(5)), None, None)
    return Technician(
        id=tech_id,
        name="Ada Lovelace",
        home=GeoPoint(41.88, -87.63),
        home_address="",
        timezone=zone,
        region="midwest",
        skills={"network": 3, "pos": 1},
        calendar=WorkingCalendar(weekly=weekly),
        van_stock={"SW-24": 2},
    )


def _site(site_id: str, hours: WeeklyHours | None = None) -> Site:
    return Site(
        id=site_id,
        customer_id="c1",
        name="Store",
        address="",
        city="Chicago",
        state="IL",
        postcode="60601",
        location=GeoPoint(41.9, -87.7),
        timezone=CHICAGO,
        access_hours=hours or WeeklyHours.always(),
    )


def _job(job_id: str, site_id: str = "s1", **changes: object) -> Job:
    job = Job(
        id=job_id,
        ticket_id=f"t-{job_id}",
        site_id=site_id,
        duration=timedelta(minutes=45),
        priority=Priority.P2,
        required_skills=(SkillRequirement("network", 2),),
        required_parts=(PartRequirement("SW-24", 1),),
    )
    return replace(job, **changes)


def _dataset(**changes: object) -> Dataset:
    data = Dataset(
        sites=[_site("s1"), _site("s2", WeeklyHours.weekdays(time(9), time(12)))],
        technicians=[
            _technician("tech-1"),
            _technician("tech-2", LA),
            _technician("off", works_tuesday=False),
        ],
        depots=[Depot("d1", "Stores", "", GeoPoint(41.8, -87.6), CHICAGO, stock={"SW-24": 10})],
        jobs=[_job("j1")],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_shifts_and_lunch_are_seconds_from_midnight_utc() -> None:
    """A Chicago shift 08:00-17:00 (UTC-5) is 13:00-22:00 UTC; Los Angeles (UTC-7) is two hours later."""
    problem = dataset_to_problem(_dataset(), DAY)
    assert [t.id for t in problem.technicians] == ["tech-1", "tech-2"]
    chicago, la = problem.technicians
    assert (chicago.shift.start_s, chicago.shift.end_s) == (13 * 3600, 22 * 3600)
    assert (la.shift.start_s, la.shift.end_s) == (15 * 3600, 24 * 3600)
    assert chicago.lunch is not None
    assert (chicago.lunch.earliest_start_s, chicago.lunch.latest_start_s) == (16.5 * 3600, 18 * 3600)
    assert chicago.lunch.duration_s == 1800
    assert dict(chicago.skills) == {"network": 3, "pos": 1} and dict(chicago.van_stock) == {"SW-24": 2}
    assert (problem.horizon.start_s, problem.horizon.end_s) == (0, HORIZON_S)


def test_job_carries_service_priority_skills_parts_and_sla() -> None:
    """Duration, priority rank, skill levels, part quantities and the SLA due time map one to one."""
    due = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    problem = dataset_to_problem(_dataset(jobs=[_job("j1", sla_due=due)]), DAY)
    [job] = problem.jobs
    assert (job.service_s, job.priority, job.sla_due_s) == (2700, 2, 20 * 3600)
    assert dict(job.required_skills) == {"network": 2}
    assert dict(job.required_parts) == {"SW-24": 1}
    assert job.windows == ()
    assert (job.location.lat, job.location.lon) == (41.9, -87.7)


def test_windows_are_clipped_to_the_site_access_hours() -> None:
    """A 08:00-11:00 Chicago window at a site open 09:00-12:00 leaves 09:00-11:00 local (14:00-16:00 UTC)."""
    chicago = ZoneInfo(CHICAGO)
    window = TimeWindow(datetime(2026, 3, 10, 8, tzinfo=chicago), datetime(2026, 3, 10, 11, tzinfo=chicago))
    problem = dataset_to_problem(_dataset(jobs=[_job("j1", site_id="s2", windows=(window,))]), DAY)
    [job] = problem.jobs
    assert [(w.start_s, w.end_s) for w in job.windows] == [(14 * 3600, 16 * 3600)]


def test_job_without_windows_takes_the_site_hours() -> None:
    """With no window of its own, a job at a site open 09:00-12:00 may start only then."""
    problem = dataset_to_problem(_dataset(jobs=[_job("j1", site_id="s2")]), DAY)
    assert [(w.start_s, w.end_s) for w in problem.jobs[0].windows] == [(14 * 3600, 17 * 3600)]


def test_jobs_of_other_days_and_done_jobs_stay_out() -> None:
    """A window on another day, a closed site or a completed job keeps the job out of the day's problem."""
    chicago = ZoneInfo(CHICAGO)
    tomorrow = TimeWindow(datetime(2026, 3, 12, 9, tzinfo=chicago), datetime(2026, 3, 12, 11, tzinfo=chicago))
    jobs = [
        _job("later", windows=(tomorrow,)),
        _job("done", status=JobStatus.COMPLETED),
        _job("planned", status=JobStatus.PLANNED),
    ]
    problem = dataset_to_problem(_dataset(jobs=jobs), DAY)
    assert [j.id for j in problem.jobs] == ["planned"]
    saturday = dataset_to_problem(_dataset(jobs=[_job("j1", site_id="s2")]), date(2026, 3, 14))
    assert saturday.jobs == ()


def test_pin_to_a_technician_off_that_day_is_dropped() -> None:
    """A pin to a working technician is kept; a pin to one who is off does not lose the job."""
    jobs = [_job("kept", pinned_technician_id="tech-2"), _job("unpinned", pinned_technician_id="off")]
    problem = dataset_to_problem(_dataset(jobs=jobs), DAY)
    assert [j.pinned_technician_id for j in problem.jobs] == ["tech-2", None]


def test_depots_open_in_their_local_hours() -> None:
    """A Chicago depot open 07:00-19:00 is open 12:00-24:00 UTC, with its stock."""
    [depot] = dataset_to_problem(_dataset(), DAY).depots
    assert depot.opening is not None
    assert (depot.opening.start_s, depot.opening.end_s) == (12 * 3600, 24 * 3600)
    assert dict(depot.stock) == {"SW-24": 10}
