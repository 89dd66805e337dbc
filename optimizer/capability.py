"""Who could take each job on their own: the solver's reach test, for dispatchers and benchmarks.

A technician is capable of a job when they hold its skills, can get its parts (from the van or a depot on
the way) and a route holding just that job fits their shift, its windows and the lunch break. A P1 that no
one is capable of is out of any plan's reach; one with capable technicians should be served.
"""

from __future__ import annotations

from optimizer._reach import compute_reach
from optimizer._schedule import Compiled
from optimizer.problem import Problem, SolveParams
from optimizer.travel import TravelTimes


def capable_technicians(
    problem: Problem, params: SolveParams | None = None, travel: TravelTimes | None = None
) -> dict[str, tuple[str, ...]]:
    """Job id -> ids of the technicians who could take it alone (empty when nobody can)."""
    c = Compiled.build(problem, params or SolveParams(), travel)
    reach = compute_reach(c)
    techs = problem.technicians
    return {job.id: tuple(techs[v].id for v in reach.allowed[j]) for j, job in enumerate(problem.jobs)}
