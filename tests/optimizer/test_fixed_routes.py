"""Plans with a given visit order: kept routes keep their times; a broken order is named by the validator."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer import travel
from optimizer.fixed_routes import DEPOT_PREFIX, best_position, cheapest_insertion, timed_solution
from optimizer.problem import CostWeights, Depot, Job, Location, SolveParams
from optimizer.solution import Solution, UnassignedJob, UnassignedReason
from optimizer.solve import solve
from optimizer.travel import whole_day_matrices_fit
from optimizer.validate import validate
from tests.optimizer.builders import HOUR, MINUTE, job, params, problem, tech, three_cities, window


def test_the_solvers_own_orders_come_back_with_the_same_times() -> None:
    """Re-timing a solved plan's orders gives the very routes the solver returned, and they validate."""
    p = problem([tech("T1"), tech("T2", at=7)], [job("A", 2), job("B", 3), job("C", 6)])
    solved = solve(p, params())
    orders = {r.technician_id: [v.stop_id for v in r.visits] for r in solved.routes}
    again = timed_solution(p, params(), orders, solved.unassigned)
    assert again.routes == solved.routes
    assert again.objective == solved.objective
    assert validate(p, again, params()).ok


def test_an_order_that_misses_a_window_is_timed_anyway_and_the_validator_names_it() -> None:
    """B must start by 9:00 but comes after a job 60 km away: the plan is built and fails on time_window."""
    late_b = job("B", 1, windows=(window(8, 9),))
    p = problem([tech("T1")], [job("A", 6, service_s=2 * HOUR), late_b])
    edited = timed_solution(p, params(), {"T1": ["A", "B"]})
    assert [v.job_id for v in edited.routes[0].visits] == ["A", "B"]
    assert "time_window" in validate(p, edited, params()).rules()


def test_unassigned_jobs_are_kept_with_their_reasons() -> None:
    """Jobs left out are passed through, so the edited plan still accounts for every job."""
    p = problem([tech("T1")], [job("A", 2), job("B", 3)])
    left = (UnassignedJob("B", UnassignedReason.MANUAL, "taken out by a dispatcher"),)
    edited = timed_solution(p, params(), {"T1": ["A"]}, left)
    assert edited.unassigned == left
    assert validate(p, edited, params()).ok


def test_best_position_inserts_where_the_route_costs_least() -> None:
    """A job at point 3 goes between the jobs at points 2 and 5, not at either end."""
    p = problem([tech("T1")], [job("A", 2), job("B", 5), job("N", 3)])
    assert best_position(p, params(), ["A", "B"], "T1", "N") == ["A", "N", "B"]


def test_best_position_adds_a_depot_pickup_when_the_van_is_short() -> None:
    """A job needing a part the van lacks goes in after a pickup at the depot that holds it."""
    depot = Depot("D1", Location.at_index(3), stock={"X": 1}, pickup_s=10 * MINUTE)
    p = problem([tech("T1")], [job("A", 2), job("N", 5, required_parts={"X": 1})], depots=[depot])
    order = best_position(p, params(), ["A"], "T1", "N")
    assert sorted(order) == ["A", "N", "depot:D1"] and order.index("depot:D1") < order.index("N")
    assert validate(p, timed_solution(p, params(), {"T1": order}), params()).ok


def test_best_position_at_a_fixed_place_still_adds_the_pickup_before_it() -> None:
    """Placed first by a dispatcher, the job gets its pickup just before it."""
    depot = Depot("D1", Location.at_index(1), stock={"X": 1}, pickup_s=10 * MINUTE)
    p = problem([tech("T1")], [job("A", 2), job("N", 5, required_parts={"X": 1})], depots=[depot])
    assert best_position(p, params(), ["A"], "T1", "N", at=0) == ["depot:D1", "N", "A"]


def test_an_urgent_job_goes_to_the_technician_it_adds_least_to() -> None:
    """Of two technicians, the one whose route passes by the urgent job's site takes it."""
    p = problem([tech("T1"), tech("T2", at=7)], [job("A", 2), job("B", 6), job("U", 6, priority=1)])
    found = cheapest_insertion(p, params(), {"T1": ["A"], "T2": ["B"]}, "U")
    assert found is not None and found.technician_id == "T2" and not found.bumped
    assert found.order in (["B", "U"], ["U", "B"])


def test_an_urgent_job_goes_only_to_a_technician_it_is_allowed_to() -> None:
    """T2 passes by, but the customer's contract allows only T1: T1 takes it."""
    jobs = [job("A", 2), job("B", 6), job("U", 6, priority=1, allowed_technician_ids=frozenset({"T1"}))]
    p = problem([tech("T1"), tech("T2", at=7)], jobs)
    found = cheapest_insertion(p, params(), {"T1": ["A"], "T2": ["B"]}, "U")
    assert found is not None and found.technician_id == "T1"


def test_nothing_is_inserted_before_or_among_the_head_a_technician_keeps() -> None:
    """U lies before A on the way, but A and B are the head T1 keeps: U goes after them."""
    p = problem([tech("T1")], [job("U", 1), job("A", 2), job("B", 4)])
    found = cheapest_insertion(p, params(), {"T1": ["A", "B"]}, "U", kept_heads={"T1": 2})
    assert found is not None and found.order == ["A", "B", "U"]
    free = cheapest_insertion(p, params(), {"T1": ["A", "B"]}, "U")
    assert free is not None and free.order == ["U", "A", "B"]


def test_on_a_full_day_a_lower_priority_job_makes_way_for_an_urgent_one() -> None:
    """Nobody has room for the P1 but a P4 on a full route steps aside; the P1 is placed, the P4 bumped."""
    full = tech("T1", shift=window(8, 10))
    jobs = [job("L", 1, service_s=HOUR, priority=4), job("U", 1, service_s=HOUR, priority=1)]
    p = problem([full], jobs)
    found = cheapest_insertion(p, params(), {"T1": ["L"]}, "U")
    assert found is not None and found.order == ["U"] and found.bumped == ("L",)


def test_a_job_that_can_wait_makes_way_rather_than_a_shift_run_over() -> None:
    """The P2 fits only with an hour's overtime, which costs more than doing a P4 that can wait another
    day: the P4 makes way, as a dispatcher would have it."""
    full = tech("T1", shift=window(8, 10), max_overtime_s=2 * HOUR)
    jobs = [
        job("L", 1, service_s=HOUR, priority=4, can_wait=True),
        job("U", 1, service_s=HOUR, priority=2),
    ]
    found = cheapest_insertion(problem([full], jobs), params(), {"T1": ["L"]}, "U")
    assert found is not None and found.order == ["U"] and found.bumped == ("L",)
    roomy = tech("T1", shift=window(8, 12))
    found = cheapest_insertion(problem([roomy], jobs), params(), {"T1": ["L"]}, "U")
    assert found is not None and sorted(found.order) == ["L", "U"] and not found.bumped


def test_an_urgent_job_never_bumps_one_as_urgent() -> None:
    """A P1 does not take the place of another P1: with no room, it is not placed."""
    full = tech("T1", shift=window(8, 10))
    jobs = [job("P", 1, service_s=HOUR, priority=1), job("U", 1, service_s=HOUR, priority=1)]
    assert cheapest_insertion(problem([full], jobs), params(), {"T1": ["P"]}, "U") is None


def test_a_job_stays_with_the_technician_it_was_given_to_unless_moving_it_pays() -> None:
    """T2 is nearer, but A was given to T1: with a reassignment cost above the extra drive it stays."""
    jobs = [job("A", 3, preferred_technician_id="T1")]
    p = problem([tech("T1", at=1), tech("T2", at=3)], jobs)
    sticky = params(weights=CostWeights(reassignment_cost=10 * HOUR))
    free = params()
    assert [r.technician_id for r in solve(p, free).routes if r.visits] == ["T2"]
    kept = solve(p, sticky)
    assert [r.technician_id for r in kept.routes if r.visits] == ["T1"]
    moved = timed_solution(p, sticky, {"T2": ["A"]})
    assert moved.objective.reassignment == 10 * HOUR and validate(p, moved, sticky).ok


def test_a_visit_starting_outside_the_window_its_customer_was_promised_is_charged() -> None:
    """B was promised 8:00-8:30 and A 11:00-11:30: going to A first breaks B's promise and A's (it
    starts at 8:10), the other way round only A's; the objective and the validator agree."""
    promised = {"A": window(11, 11.5), "B": window(8, 8.5)}
    jobs = [job(j, at, promised=promised[j]) for j, at in (("A", 1), ("B", 2))]
    p = problem([tech("T1")], jobs)
    charged = params(weights=CostWeights(broken_promise_cost=HOUR))
    a_first = timed_solution(p, charged, {"T1": ["A", "B"]})
    b_first = timed_solution(p, charged, {"T1": ["B", "A"]})
    assert a_first.objective.broken_promises == 2 * HOUR and b_first.objective.broken_promises == HOUR
    assert validate(p, a_first, charged).ok and validate(p, b_first, charged).ok
    assert [v.job_id for v in solve(p, charged).routes[0].visits] == ["B", "A"]


def _orders(solution: Solution) -> dict[str, list[str]]:
    return {
        r.technician_id: [
            v.job_id if v.job_id is not None else f"{DEPOT_PREFIX}{v.depot_id}" for v in r.visits
        ]
        for r in solution.routes
    }


def test_a_day_too_large_for_whole_matrices_is_timed_route_by_route_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above ``WHOLE_DAY_MAX_PLACES`` routes are compiled one by one (a small day each): the same times,
    the same objective, the same urgent placement and best position as on the whole day's matrices, depot
    stock still shared between routes."""
    day = three_cities()
    needing = {job.id for job in day.jobs[::5]}
    day = dataclasses.replace(
        day,
        jobs=tuple(
            dataclasses.replace(job, required_parts={"fan": 1}) if job.id in needing else job
            for job in day.jobs
        ),
    )
    p = SolveParams(time_limit_s=5, deterministic=True, solution_limit=10)
    solution = solve(day, p)
    orders = _orders(solution)
    assert any(stop.startswith(DEPOT_PREFIX) for order in orders.values() for stop in order)
    busiest = max(orders, key=lambda t: len(orders[t]))
    urgent = next(stop for stop in orders[busiest] if not stop.startswith(DEPOT_PREFIX))
    without = {t: [s for s in order if s != urgent] for t, order in orders.items()}

    def figures() -> tuple[object, ...]:
        timed = timed_solution(day, p, orders, solution.unassigned)
        return (
            timed.routes,
            timed.objective,
            cheapest_insertion(day, p, without, urgent),
            best_position(day, p, without[busiest], busiest, urgent),
        )

    whole = figures()
    monkeypatch.setattr(travel, "WHOLE_DAY_MAX_PLACES", 10)
    assert not whole_day_matrices_fit(day)
    assert figures() == whole
    assert whole[0] == solution.routes


def test_a_pickup_is_looked_for_at_the_five_depots_nearest_to_the_job() -> None:
    """Of eight depots holding the part, 10 to 80 km from the job, the five nearest are tried; a depot
    without it is not."""
    from optimizer.fixed_routes import PICKUP_DEPOTS, _pickup_depots

    kms = (80, 10, 50, 30, 70, 20, 60, 40)
    depots = [Depot(f"D{km}", Location.at(45.0, 5.0 + km / 78.7), stock={"fan": 1}) for km in kms]
    depots.append(Depot("D-belts", Location.at(45.0, 5.05), stock={"belt": 1}))
    job = Job("J", Location.at(45.0, 5.0), 1800, required_parts={"fan": 1})
    day = dataclasses.replace(three_cities(), jobs=(job,), depots=tuple(depots))
    assert PICKUP_DEPOTS == 5
    assert [d.id for d in _pickup_depots(day, job)] == ["D10", "D20", "D30", "D40", "D50"]
