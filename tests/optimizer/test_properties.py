"""Property tests on random small problems: every plan the solver returns is valid and complete."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.problem import (
    BreakModel,
    Depot,
    Job,
    Location,
    LunchBreak,
    Problem,
    SolveParams,
    Technician,
    TimeWindow,
)
from optimizer.solve import solve
from optimizer.validate import validate

HOUR = 3_600
SKILLS = ("network", "server", "pos")
SKUS = ("X", "Y")


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_points = draw(st.integers(3, 9))
    xy = np.array(
        draw(
            st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=n_points, max_size=n_points)
        )
    )
    km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    dist = np.ceil(km * 1000).astype(np.int64)
    times = np.ceil(km * 90).astype(np.int64)  # 40 km/h
    techs = []
    for t in range(draw(st.integers(1, 3))):
        start = draw(st.integers(7, 10)) * HOUR
        lunch = None
        if draw(st.booleans()):
            lunch = LunchBreak(30 * 60, 12 * HOUR, 13 * HOUR)
        techs.append(
            Technician(
                id=f"T{t}",
                start=Location.at_index(draw(st.integers(0, n_points - 1))),
                shift=TimeWindow(start, start + draw(st.integers(4, 9)) * HOUR),
                lunch=lunch,
                skills={s: draw(st.integers(0, 3)) for s in SKILLS},
                van_stock={s: draw(st.integers(0, 2)) for s in SKUS},
                max_travel_s=draw(st.one_of(st.none(), st.integers(1, 4).map(lambda h: h * HOUR))),
            )
        )
    jobs = []
    for j in range(draw(st.integers(1, 7))):
        windows: tuple[TimeWindow, ...] = ()
        if draw(st.booleans()):
            a = draw(st.integers(7, 16))
            windows = (TimeWindow(a * HOUR, (a + draw(st.integers(1, 3))) * HOUR),)
        jobs.append(
            Job(
                id=f"J{j}",
                location=Location.at_index(draw(st.integers(0, n_points - 1))),
                service_s=draw(st.integers(10, 120)) * 60,
                priority=draw(st.integers(1, 4)),
                windows=windows,
                required_skills={
                    s: draw(st.integers(1, 3)) for s in draw(st.sets(st.sampled_from(SKILLS), max_size=1))
                },
                required_parts={
                    s: draw(st.integers(1, 2)) for s in draw(st.sets(st.sampled_from(SKUS), max_size=1))
                },
                sla_due_s=draw(st.one_of(st.none(), st.integers(8, 18).map(lambda h: h * HOUR))),
                pinned_technician_id=draw(st.one_of(st.none(), st.sampled_from([t.id for t in techs]))),
            )
        )
    depots = []
    if draw(st.booleans()):
        depots.append(
            Depot("D0", Location.at_index(draw(st.integers(0, n_points - 1))), stock={"X": 2, "Y": 1})
        )
    return Problem(tuple(techs), tuple(jobs), TimeWindow(0, 24 * HOUR), tuple(depots), times, dist)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from(list(BreakModel)), st.booleans())
def test_every_plan_is_valid_and_complete(problem: Problem, breaks: BreakModel, hard_sla: bool) -> None:
    """The validator accepts the plan; no job twice; every job routed or unassigned with a reason."""
    params = SolveParams(
        time_limit_s=1.0, deterministic=True, solution_limit=20, break_model=breaks, hard_sla=hard_sla
    )
    solution = solve(problem, params)
    report = validate(problem, solution, params)
    assert report.ok, report.violations
    routed = list(solution.assigned_job_ids)
    unassigned = [u.job_id for u in solution.unassigned]
    assert len(routed) == len(set(routed))
    assert sorted(routed + unassigned) == sorted(j.id for j in problem.jobs)
    assert all(u.detail for u in solution.unassigned)
