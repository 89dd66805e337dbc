"""The OR-Tools routing model of one independent group of technicians and jobs.

Nodes: one start and one end node per technician, one node per job, and one optional depot-pickup node per
(technician, depot) pair where that technician's van could run short of a part the depot holds.

- Time: a dimension whose transit is the service time at the origin (scaled per technician when service
  depends on skill level, one transit matrix per distinct technician profile) plus the travel time. Job
  windows are the cumul's domain (gaps between windows removed); SLA lateness is a soft upper bound weighted
  by priority, or a hard bound in hard-SLA mode; overtime past the shift end is a soft upper bound on the end
  node. The one-off cost of breaking an SLA (``Job.sla_breach_s``) is not in the model, since a cumul takes
  one soft bound: the exact cost each plan is compared on after the search counts it. The lunch break is
  an OR-Tools break interval (exact), or, in slack mode, its length is taken off the shift and the exact
  scheduler places it afterwards.
- Parts: one dimension per SKU that can run out (some technician's allowed jobs need more than the van
  holds). The cumul is the stock left in the van: fixed to the van stock at the start, each job subtracts
  its quantity, and a pickup node adds its slack (the units collected; zero slack everywhere else). The
  units picked at one depot by all technicians are bounded by the depot's stock. The greedy construction
  inserts pickups with the jobs that need them; OR-Tools keeps, moves or removes them.
- Travel limits: a dimension of pure driving time, capped per technician; working time caps the time span.
- Every job is optional with its priority's drop penalty; locked prefixes are fixed with locks.
- A technician's fixed cost is OR-Tools' fixed cost of the vehicle, paid when its route is used.
The extracted plan is the order of stops only: the exact scheduler recomputes all times from it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from optimizer._progress import SearchControl
from optimizer._schedule import Compiled, depot_of, depot_stop
from optimizer.problem import BreakModel


@dataclass(frozen=True, slots=True)
class GroupResult:
    routes: dict[int, list[int]]
    found: bool
    first_solution_s: float | None
    objective_over_time: list[tuple[float, int]]
    solutions: int
    timed_out: bool


@dataclass(frozen=True, slots=True)
class _Nodes:
    """Anchor nodes (one per distinct start or end place, shared by the technicians there, so OR-Tools
    sees one vehicle class where it can), then jobs, then pickups."""

    vehicles: list[int]
    jobs: list[int]
    pickups: list[tuple[int, int]]  # (vehicle, depot)
    anchors: list[int]  # matrix rows
    start_node: list[int]
    end_node: list[int]

    @property
    def n_vehicles(self) -> int:
        return len(self.vehicles)

    @property
    def base(self) -> int:
        return len(self.anchors)

    def stop(self, node: int) -> int | None:
        """The stop of a node (job index or depot stop), None for start and end nodes."""
        base = self.base
        if node < base:
            return None
        if node < base + len(self.jobs):
            return self.jobs[node - base]
        return depot_stop(self.pickups[node - base - len(self.jobs)][1])


def short_skus(
    c: Compiled, vehicles: Sequence[int], jobs: Sequence[int], allowed: list[list[int]]
) -> list[str]:
    """SKUs that some technician's allowed jobs need more of than the van holds."""
    demand: dict[tuple[int, str], int] = {}
    members = set(vehicles)
    for j in jobs:
        for v in allowed[j]:
            if v in members:
                for sku, q in c.problem.jobs[j].required_parts.items():
                    demand[(v, sku)] = demand.get((v, sku), 0) + q
    skus = {sku for (v, sku), q in demand.items() if q > c.problem.technicians[v].van_stock.get(sku, 0)}
    return sorted(skus)


def solve_group(
    c: Compiled,
    vehicles: list[int],
    jobs: list[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
    initial: dict[int, list[int]] | None,
    time_limit_s: float,
    control: SearchControl | None = None,
) -> GroupResult:
    """Model one group, start from ``initial`` and OR-Tools' own first solutions, return the best routes."""
    entered = time.perf_counter()
    control = control or SearchControl(time_limit_s)
    if control.cancelled:
        return GroupResult({}, False, None, [], 0, False)
    params = c.params
    problem = c.problem
    skus = short_skus(c, vehicles, jobs, allowed)
    pickups = [
        (v, d)
        for v in vehicles
        for d, depot in enumerate(problem.depots)
        if any(available.get((d, s), 0) > 0 for s in skus) and c.depot_window[d][0] <= c.depot_window[d][1]
    ]
    if initial:
        used = {(v, depot_of(s)) for v, stops in initial.items() for s in stops if s < 0}
        pickups = [p for p in pickups if p in used] + [p for p in pickups if p not in used]
    anchors: dict[int, int] = {}
    for v in vehicles:
        anchors.setdefault(c.start_row[v], len(anchors))
        anchors.setdefault(c.end_row[v], len(anchors))
    nodes = _Nodes(
        vehicles,
        jobs,
        pickups,
        list(anchors),
        [anchors[c.start_row[v]] for v in vehicles],
        [anchors[c.end_row[v]] for v in vehicles],
    )
    n_v = len(vehicles)
    vehicle_of = {v: k for k, v in enumerate(vehicles)}
    base = nodes.base
    n_nodes = base + len(jobs) + len(pickups)
    rows = np.array(
        list(anchors) + [c.job_row[j] for j in jobs] + [c.depot_row[d] for _, d in pickups],
        dtype=np.int64,
    )
    travel = c.times[np.ix_(rows, rows)]
    dist = c.dists[np.ix_(rows, rows)]
    manager = pywrapcp.RoutingIndexManager(n_nodes, n_v, nodes.start_node, nodes.end_node)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()
    weights = params.weights

    # Matrices registered with OR-Tools are by node; break visit transits are by index.
    index_node = np.array([manager.IndexToNode(i) for i in range(routing.Size() + n_v)], dtype=np.int64)

    cost = weights.travel_cost_per_s * travel + weights.distance_cost_per_m * dist
    cost_cb = routing.RegisterTransitMatrix(cost.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)

    # Time: service at the origin + travel; one matrix per distinct service profile.
    service_by_vehicle: list[np.ndarray] = []
    for v in vehicles:
        service = np.zeros(n_nodes, dtype=np.int64)
        for i, j in enumerate(jobs):
            service[base + i] = c.service[v][j]
        for i, (_, d) in enumerate(pickups):
            service[base + len(jobs) + i] = problem.depots[d].pickup_s
        service_by_vehicle.append(service)
    profiles: dict[bytes, int] = {}
    time_callbacks = []
    for service in service_by_vehicle:
        key = service.tobytes()
        if key not in profiles:
            profiles[key] = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
        time_callbacks.append(profiles[key])
    horizon = problem.horizon
    techs = [problem.technicians[v] for v in vehicles]
    capacity = max([horizon.end_s] + [t.shift.end_s + t.max_overtime_s for t in techs])
    routing.AddDimensionWithVehicleTransits(time_callbacks, capacity, capacity, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    slack_model = params.break_model is BreakModel.SLACK
    for k, tech in enumerate(techs):
        start, end = routing.Start(k), routing.End(k)
        lunch_slack = tech.lunch.duration_s if (slack_model and tech.lunch is not None) else 0
        time_dim.CumulVar(start).SetRange(tech.shift.start_s, tech.shift.end_s)
        time_dim.CumulVar(end).SetRange(
            tech.shift.start_s, tech.shift.end_s + tech.max_overtime_s - lunch_slack
        )
        if tech.max_overtime_s > 0 and weights.overtime_cost_per_s > 0:
            time_dim.SetCumulVarSoftUpperBound(
                end, tech.shift.end_s - lunch_slack, weights.overtime_cost_per_s
            )
        if tech.max_work_s is not None:
            time_dim.SetSpanUpperBoundForVehicle(max(0, tech.max_work_s - lunch_slack), k)
        if tech.fixed_cost:
            routing.SetFixedCostOfVehicle(tech.fixed_cost, k)
        if tech.lunch is not None and not slack_model:
            lunch = tech.lunch
            interval = solver.FixedDurationIntervalVar(
                lunch.earliest_start_s, lunch.latest_start_s, lunch.duration_s, False, f"lunch {tech.id}"
            )
            visit = [int(service_by_vehicle[k][index_node[i]]) for i in range(routing.Size())]
            time_dim.SetBreakIntervalsOfVehicle([interval], k, visit)

    for i, j in enumerate(jobs):
        index = manager.NodeToIndex(base + i)
        windows = c.job_windows[j]
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(windows[0][0], windows[-1][1])
        for (_, hi), (lo, _) in itertools.pairwise(windows):
            if lo > hi + 1:
                cumul.RemoveInterval(hi + 1, lo - 1)
        job = problem.jobs[j]
        if (
            job.sla_due_s is not None
            and not params.hard_sla
            and job.sla_due_s < windows[-1][1]
            and j not in c.locked
        ):
            time_dim.SetCumulVarSoftUpperBound(
                index, job.sla_due_s, weights.lateness_cost_per_s(job.priority)
            )
        vehicles_ok = [vehicle_of[v] for v in allowed[j] if v in vehicle_of]
        if len(vehicles_ok) < n_v:
            _allow(routing, vehicles_ok, index)
        if j not in c.locked:
            routing.AddDisjunction([index], weights.leaving_out(job))
    for i, (v, d) in enumerate(pickups):
        index = manager.NodeToIndex(base + len(jobs) + i)
        lo, hi = c.depot_window[d]
        time_dim.CumulVar(index).SetRange(lo, hi)
        _allow(routing, [vehicle_of[v]], index)
        routing.AddDisjunction([index], 0)

    if any(t.max_travel_s is not None for t in techs):
        travel_cb = routing.RegisterTransitMatrix(travel.tolist())
        caps = [t.max_travel_s if t.max_travel_s is not None else capacity * 4 for t in techs]
        routing.AddDimensionWithVehicleCapacity(travel_cb, 0, caps, True, "travel")

    for sku in skus:
        _add_part_dimension(c, routing, manager, nodes, sku, available)

    # Building the model counts against the group's time.
    time_limit_s = max(0.01, time_limit_s - (time.perf_counter() - entered))
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, params.first_solution_strategy
    )
    search.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, params.local_search_metaheuristic
    )
    search.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if params.solution_limit is not None:
        search.solution_limit = params.solution_limit
    elif params.deterministic:
        search.solution_limit = 200
    routing.CloseModelWithParameters(search)

    job_node = {j: base + i for i, j in enumerate(jobs)}
    locks = [[manager.NodeToIndex(job_node[s]) for s in _locked(c, v, job_node)] for v in vehicles]
    if any(locks):
        routing.ApplyLocksToAllVehicles(locks, False)

    began = time.perf_counter()
    history: list[tuple[float, int]] = []
    # The callback must not hold the model: OR-Tools keeps the callback alive, so a callback that refers to
    # the model forms a cycle through C++ that Python never collects, and every group's model, with its
    # search's memory, would stay until the process ends (memory growing with the time limit).
    cost_var = routing.CostVar()

    def record() -> None:
        history.append((time.perf_counter() - began, int(cost_var.Value())))
        control.solution(history[-1][1])

    routing.AddAtSolutionCallback(record)
    control.attach(routing)
    # Start points: our construction and OR-Tools' own first solutions. Guided local search does better from
    # one or another depending on the instance (Solomon's clustered class prefers OR-Tools' insertion, wide
    # windows path-cheapest-arc, field-service days our greedy routes), so the time is shared between them.
    # Assignments are copied: OR-Tools reuses the objects it returns from one solve to the next.
    starts: list[pywrapcp.Assignment] = []
    if initial is not None:
        start_routes = [[_index_of(manager, nodes, v, s) for s in initial.get(v, [])] for v in vehicles]
        hint = routing.ReadAssignmentFromRoutes(start_routes, True)
        if hint is not None:
            history.append((time.perf_counter() - began, int(hint.ObjectiveValue())))
            starts.append(solver.Assignment(hint))
    for strategy in dict.fromkeys([params.first_solution_strategy, *_EXTRA_STARTS]):
        first_search = pywrapcp.DefaultRoutingSearchParameters()
        first_search.CopyFrom(search)
        first_search.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
        first_search.solution_limit = 1
        first_search.time_limit.FromMilliseconds(max(1, int(time_limit_s * 150)))
        own = routing.SolveWithParameters(first_search)
        if own is not None:
            starts.append(solver.Assignment(own))
    # The starts share 60% of the time; the best result then continues with the rest.
    best: pywrapcp.Assignment | None = None
    rounds = [(start, 0.6 / len(starts)) for start in starts] if len(starts) > 1 else []
    for start, fraction in [*rounds, (None, 1.0)]:
        origin = (
            start if start is not None else (best if best is not None else (starts[0] if starts else None))
        )
        if origin is None:
            break
        left = time_limit_s - (time.perf_counter() - began)
        if left <= 0.01:
            best = origin if best is None or origin.ObjectiveValue() < best.ObjectiveValue() else best
            break
        share = pywrapcp.DefaultRoutingSearchParameters()
        share.CopyFrom(search)
        share.time_limit.FromMilliseconds(max(1, int(1000 * min(left, time_limit_s * fraction))))
        improved = routing.SolveFromAssignmentWithParameters(origin, share)
        result = origin
        if improved is not None and improved.ObjectiveValue() <= origin.ObjectiveValue():
            result = solver.Assignment(improved)
        if best is None or result.ObjectiveValue() < best.ObjectiveValue():
            best = result
    control.detach()
    elapsed = time.perf_counter() - began
    found = best is not None
    routes: dict[int, list[int]] = {}
    if best is not None:
        index_routes = _index_routes(routing, best, n_v)
        for k, v in enumerate(vehicles):
            stops = [nodes.stop(manager.IndexToNode(i)) for i in index_routes[k]]
            routes[v] = [s for s in stops if s is not None]
    return GroupResult(
        routes=routes,
        found=found,
        first_solution_s=history[0][0] if history else None,
        objective_over_time=history,
        solutions=len(history),
        timed_out=elapsed >= 0.95 * time_limit_s,
    )


_EXTRA_STARTS = ("PATH_CHEAPEST_ARC", "PARALLEL_CHEAPEST_INSERTION", "SAVINGS")
"""OR-Tools strategies tried beside the configured one: path-cheapest-arc finds nothing on tight windows
but is the best start on wide ones (Solomon's R2/RC2), where insertion starts lead the search astray;
savings (Clarke-Wright, distance first) opens more, shorter routes than the insertion starts, the shape of
distance-optimal plans on wide windows (Solomon R203: 5.0% -> 1.0-1.4% above the best known at 30 s)."""


def _allow(routing: pywrapcp.RoutingModel, vehicles: list[int], index: int) -> None:
    """Restrict a node to some vehicles (-1 keeps it droppable); SetAllowedVehiclesForIndex's Python binding
    refuses every list in this OR-Tools release."""
    routing.VehicleVar(index).SetValues([-1, *vehicles])


def _index_routes(
    routing: pywrapcp.RoutingModel, assignment: pywrapcp.Assignment, n_v: int
) -> list[list[int]]:
    """The visited indices of each vehicle, copied out (OR-Tools reuses its assignment objects)."""
    routes = []
    for k in range(n_v):
        index = assignment.Value(routing.NextVar(routing.Start(k)))
        route = []
        while not routing.IsEnd(index):
            route.append(int(index))
            index = assignment.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def _locked(c: Compiled, v: int, job_node: dict[int, int]) -> list[int]:
    """The technician's locked jobs in their locked order (all of them are in the group)."""
    if not c.problem.technicians[v].locked_job_ids:
        return []
    index = {job.id: j for j, job in enumerate(c.problem.jobs)}
    return [index[job_id] for job_id in c.problem.technicians[v].locked_job_ids if index[job_id] in job_node]


def _index_of(manager: pywrapcp.RoutingIndexManager, nodes: _Nodes, v: int, stop: int) -> int:
    base = nodes.base
    if stop >= 0:
        return int(manager.NodeToIndex(base + nodes.jobs.index(stop)))
    k = nodes.pickups.index((v, depot_of(stop)))
    return int(manager.NodeToIndex(base + len(nodes.jobs) + k))


def _add_part_dimension(
    c: Compiled,
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    nodes: _Nodes,
    sku: str,
    available: dict[tuple[int, str], int],
) -> None:
    problem = c.problem
    n_v = nodes.n_vehicles
    base = nodes.base
    demand = [0] * (base + len(nodes.jobs) + len(nodes.pickups))
    for i, j in enumerate(nodes.jobs):
        demand[base + i] = -problem.jobs[j].required_parts.get(sku, 0)
    pickup_stock = [available.get((d, sku), 0) for _, d in nodes.pickups]
    vans = [problem.technicians[v].van_stock.get(sku, 0) for v in nodes.vehicles]
    name = f"part {sku}"
    if not any(pickup_stock):
        # Nothing to collect: the classic capacity dimension (units used so far, at most the van's stock).
        used = [-q for q in demand]
        routing.AddDimensionWithVehicleCapacity(routing.RegisterUnaryTransitVector(used), 0, vans, True, name)
        return
    slack_max = max(pickup_stock, default=0)
    capacity = max(vans) + sum({d: available.get((d, sku), 0) for _, d in nodes.pickups}.values())
    callback = routing.RegisterUnaryTransitVector(demand)
    routing.AddDimension(callback, slack_max, capacity, False, name)
    dim = routing.GetDimensionOrDie(name)
    for k, van in enumerate(vans):
        dim.CumulVar(routing.Start(k)).SetValue(van)
    pickup_base = base + len(nodes.jobs)
    for node in range(base, pickup_base):
        dim.SlackVar(manager.NodeToIndex(node)).SetValue(0)
    for k in range(n_v):
        dim.SlackVar(routing.Start(k)).SetValue(0)
    solver = routing.solver()
    by_depot: dict[int, list[pywrapcp.IntVar]] = {}
    for i, (_, d) in enumerate(nodes.pickups):
        index = manager.NodeToIndex(pickup_base + i)
        slack = dim.SlackVar(index)
        if pickup_stock[i] == 0:
            slack.SetValue(0)
            continue
        solver.Add(slack <= routing.ActiveVar(index) * pickup_stock[i])
        by_depot.setdefault(d, []).append(slack)
    for d, slacks in by_depot.items():
        if len(slacks) > 1:
            solver.Add(solver.Sum(slacks) <= available.get((d, sku), 0))
