"""Who can take each job: skills, parts and reach, with the reason when nobody can.

Reach decides more than skills or stock (see the team's notes): a technician can take a job only if a route
holding just that job (after a depot pickup when the van is short) is feasible: inside the shift, a window
of the job, the lunch break and the working limits. A cheap numpy bound discards most pairs before the
exact single-job schedule is tried. The same tests give the machine-readable reason for a job nobody can
take, and split technicians and jobs into independent groups that can be solved separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer._schedule import Compiled, depot_stop, schedule
from optimizer.problem import Job, Technician
from optimizer.solution import UnassignedReason


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: UnassignedReason
    detail: str


@dataclass(frozen=True, slots=True)
class Reach:
    """For each job, the technicians (vehicle indices) who can take it, or why none can."""

    allowed: list[list[int]]
    refusals: dict[int, Refusal]
    depot_stock: dict[tuple[int, str], int]


def _has_skills(tech: Technician, job: Job) -> bool:
    return all(tech.skills.get(skill, 0) >= level for skill, level in job.required_skills.items())


def _short_parts(tech: Technician, job: Job) -> dict[str, int]:
    return {
        sku: q - tech.van_stock.get(sku, 0)
        for sku, q in job.required_parts.items()
        if q > tech.van_stock.get(sku, 0)
    }


def depot_stock(c: Compiled) -> dict[tuple[int, str], int]:
    return {
        (d, sku): q for d, depot in enumerate(c.problem.depots) for sku, q in depot.stock.items() if q > 0
    }


def _depots_covering(c: Compiled, short: dict[str, int], stock: dict[tuple[int, str], int]) -> list[int]:
    return [
        d for d in range(len(c.problem.depots)) if all(stock.get((d, s), 0) >= q for s, q in short.items())
    ]


def compute_reach(c: Compiled) -> Reach:
    problem = c.problem
    techs, jobs = problem.technicians, problem.jobs
    stock = depot_stock(c)
    tech_index = {t.id: v for v, t in enumerate(techs)}
    times = c.times
    start_rows = np.array(c.start_row, dtype=np.int64)
    end_rows = np.array(c.end_row, dtype=np.int64)
    shift_start = np.array([t.shift.start_s for t in techs], dtype=np.int64)
    latest_end = np.array([t.shift.end_s + t.max_overtime_s for t in techs], dtype=np.int64)
    allowed: list[list[int]] = []
    refusals: dict[int, Refusal] = {}
    for j, job in enumerate(jobs):
        if j in c.locked:
            allowed.append([c.locked[j]])
            continue
        windows = c.job_windows[j]
        pinned = tech_index.get(job.pinned_technician_id) if job.pinned_technician_id else None
        candidates = [pinned] if pinned is not None else list(range(len(techs)))
        skilled = [v for v in candidates if _has_skills(techs[v], job)]
        stocked = [
            v
            for v in skilled
            if not _short_parts(techs[v], job) or _depots_covering(c, _short_parts(techs[v], job), stock)
        ]
        reachable: list[int] = []
        if windows and stocked:
            row = c.job_row[j]
            cand = np.array(stocked, dtype=np.int64)
            service = np.array([c.service[v][j] for v in stocked], dtype=np.int64)
            arrive = shift_start[cand] + times[start_rows[cand], row]
            start = np.maximum(arrive, windows[0][0])
            home = start + service + times[row, end_rows[cand]]
            plausible = (arrive <= windows[-1][1]) & (home <= latest_end[cand])
            for v, ok in zip(stocked, plausible.tolist(), strict=True):
                needs_pickup = bool(_short_parts(techs[v], job))
                if (ok or needs_pickup) and _single_job_feasible(c, v, j, stock):
                    reachable.append(v)
        allowed.append(reachable)
        if reachable:
            continue
        refusals[j] = _refusal(c, job, pinned, skilled, stocked, bool(windows))
    return Reach(allowed, refusals, stock)


def _single_job_feasible(c: Compiled, v: int, j: int, stock: dict[tuple[int, str], int]) -> bool:
    tech, job = c.problem.technicians[v], c.problem.jobs[j]
    short = _short_parts(tech, job)
    if not short:
        return schedule(c, v, [j], stock) is not None
    return any(
        schedule(c, v, [depot_stop(d), j], stock) is not None for d in _depots_covering(c, short, stock)
    )


def _refusal(
    c: Compiled, job: Job, pinned: int | None, skilled: list[int], stocked: list[int], has_window: bool
) -> Refusal:
    needs = ", ".join(f"{s}>={lv}" for s, lv in job.required_skills.items()) or "none"
    parts = ", ".join(f"{q} x {s}" for s, q in job.required_parts.items())
    if pinned is not None:
        name = c.problem.technicians[pinned].id
        if not skilled:
            return Refusal(
                UnassignedReason.PINNED_TECHNICIAN_UNABLE,
                f"pinned technician {name} lacks the skills ({needs})",
            )
        if not stocked:
            return Refusal(
                UnassignedReason.PINNED_TECHNICIAN_UNABLE, f"pinned technician {name} cannot get {parts}"
            )
        return Refusal(
            UnassignedReason.PINNED_TECHNICIAN_UNABLE,
            f"pinned technician {name} cannot reach it inside their shift and its windows",
        )
    if not skilled:
        return Refusal(UnassignedReason.NO_SKILLED_TECHNICIAN, f"no technician has the skills ({needs})")
    if not stocked:
        return Refusal(
            UnassignedReason.NO_PARTS,
            f"{len(skilled)} skilled technicians, but none carries {parts} and no depot holds what they lack",
        )
    if not has_window:
        if c.params.hard_sla and job.sla_due_s is not None and job.start_windows(c.problem.horizon):
            return Refusal(
                UnassignedReason.SLA_UNREACHABLE,
                f"its SLA due time {job.sla_due_s} is before every window it may start in",
            )
        return Refusal(
            UnassignedReason.OUT_OF_REACH, "none of its time windows lies inside the planning horizon"
        )
    return Refusal(
        UnassignedReason.OUT_OF_REACH,
        f"{len(stocked)} technicians have the skills and parts,"
        " but none can reach it inside their shift and its windows",
    )


def groups(allowed: list[list[int]], n_vehicles: int) -> list[tuple[list[int], list[int]]]:
    """Independent (vehicles, jobs) groups: vehicles are joined when some job may go to both."""
    parent = list(range(n_vehicles))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for vehicles in allowed:
        for v in vehicles[1:]:
            a, b = find(vehicles[0]), find(v)
            if a != b:
                parent[max(a, b)] = min(a, b)
    by_root: dict[int, tuple[list[int], list[int]]] = {}
    for j, vehicles in enumerate(allowed):
        if vehicles:
            by_root.setdefault(find(vehicles[0]), ([], []))[1].append(j)
    for v in range(n_vehicles):
        root = find(v)
        if root in by_root:
            by_root[root][0].append(v)
    return [by_root[r] for r in sorted(by_root)]
