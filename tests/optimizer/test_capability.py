"""Who could take each job alone: skills, parts (van or depot) and reach inside shift and window."""

from __future__ import annotations

from optimizer import capable_technicians
from optimizer.problem import Location
from tests.optimizer.builders import DAY, HOUR, Depot, job, problem, tech, window


def test_skills_parts_and_reach_decide_who_is_capable() -> None:
    techs = [
        tech("skilled", 0, skills={"net": 2}),
        tech("junior", 0, skills={"net": 1}),
        tech("far", 7, skills={"net": 2}, shift=window(8, 8.5)),
    ]
    jobs = [
        job("net-job", 3, required_skills={"net": 2}),
        job("anyone", 1),
        job("too-late", 6, windows=(window(3, 4),)),
    ]
    capable = capable_technicians(problem(techs, jobs))
    assert capable["net-job"] == ("skilled",)  # junior's level is too low; far's short shift cannot reach it
    assert capable["anyone"] == ("skilled", "junior")
    assert capable["too-late"] == ()  # nobody's shift has started by 04:00


def test_a_van_short_of_a_part_is_capable_through_a_depot_only_when_one_holds_it() -> None:
    techs = [tech("empty-van", 0)]
    jobs = [job("swap", 2, required_parts={"psu": 1})]
    without = capable_technicians(problem(techs, jobs))
    depot = Depot("D1", Location.at_index(1), stock={"psu": 1}, opening=DAY, pickup_s=HOUR // 6)
    with_depot = capable_technicians(problem(techs, jobs, depots=[depot]))
    assert without["swap"] == ()
    assert with_depot["swap"] == ("empty-van",)
