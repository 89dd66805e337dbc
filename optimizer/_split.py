"""A large day split geographically into parts that are solved as days of their own.

The whole day's travel matrices grow with the square of its places (a demo day of 10,000 jobs has some 7,300
distinct places: 430 MB per matrix, and building the day's compiled form peaked at 4.5 GB), so a large day is
split before anything whole-day is built. Who could take each job is first over-estimated cheaply
(``coarse_reach``: skills, the technicians allowed or pinned, and a drive straight from home inside the shift
and the job's windows, times from the straight-line road estimate, without lunch or parts): jobs that no two
technicians could share are independent, as in ``_reach.groups``. A set of technicians and jobs still too
large is split by clustering the technicians' homes (k-means on latitude and longitude), and each job goes to
the part of the nearest technician who might take it (a part is the area around its technicians' homes); a
part still too large is split again. Small sets are then packed together up to the part size, so that no part
is tiny. Each depot's stock goes to the part of the technician living nearest to it. A job a part's
technicians cannot take after all is offered to the neighbouring parts afterwards (``_split_solve``), so the
estimate only has to be generous, never exact.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer._reach import groups
from optimizer.problem import Job, Location, Problem, SolveParams, Technician
from optimizer.travel import GeodesicTravelTimes, TravelTimes, ellipsoidal_distance_m

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

JOBS_PER_CHUNK = 500
"""Jobs whose reach is estimated at once (technicians x jobs arrays of this width stay a few megabytes)."""
KMEANS_ITERATIONS = 30


@dataclass(frozen=True, slots=True)
class Part:
    """Technicians and jobs of the day (indices into the whole problem's tuples) solved together."""

    technicians: list[int]
    jobs: list[int]


@dataclass(frozen=True, slots=True)
class CoarseReach:
    """Per job, the technicians who might take it (an over-estimate) nearest first, and each job's nearest
    skilled technician (who might still be too far to take it)."""

    candidates: list[list[int]]
    nearest: list[int]


def too_large(problem: Problem, params: SolveParams) -> bool:
    """Whether the day exceeds the part size (and so is split)."""
    jobs, techs = params.max_part_jobs, params.max_part_technicians
    return (jobs is not None and len(problem.jobs) > jobs) or (
        techs is not None and len(problem.technicians) > techs
    )


def _coords(locations: Sequence[Location]) -> tuple[FloatArray, FloatArray]:
    lat = np.array([loc.lat if loc.lat is not None else 0.0 for loc in locations], dtype=np.float64)
    lon = np.array([loc.lon if loc.lon is not None else 0.0 for loc in locations], dtype=np.float64)
    return lat, lon


class _Estimator:
    """Drive times between technicians' homes or ends and jobs, from the problem's own matrices when it
    carries them, else from the geodesic estimate (the default provider's, or a generic one for others)."""

    def __init__(self, problem: Problem, travel: TravelTimes | None) -> None:
        self.problem = problem
        self.geodesic = travel if isinstance(travel, GeodesicTravelTimes) else GeodesicTravelTimes()
        self.has_matrix = problem.travel_time_s is not None

    def times(self, places: Sequence[Location], jobs: Sequence[Job]) -> FloatArray:
        """Seconds from each place to each job (places x jobs)."""
        if self.has_matrix:
            matrix = self.problem.travel_time_s
            assert matrix is not None
            rows = np.array([loc.index or 0 for loc in places], dtype=np.int64)
            cols = np.array([job.location.index or 0 for job in jobs], dtype=np.int64)
            result: FloatArray = matrix[np.ix_(rows, cols)].astype(np.float64)
            return result
        lat_p, lon_p = _coords(places)
        lat_j, lon_j = _coords([job.location for job in jobs])
        road_m = ellipsoidal_distance_m(lat_p[:, None], lon_p[:, None], lat_j[None, :], lon_j[None, :])
        road_m *= self.geodesic.circuity
        return self.geodesic.drive_time_s(road_m)


def _last_start(job: Job, problem: Problem, params: SolveParams) -> tuple[int, int] | None:
    """The first opening and the last start of the job's windows, or None when it has none."""
    windows = job.start_windows(problem.horizon)
    if not windows:
        return None
    last = windows[-1].end_s
    if params.hard_sla and job.sla_due_s is not None:
        last = min(last, job.sla_due_s)
    return (windows[0].start_s, last) if windows[0].start_s <= last else None


def _fastest_service(job: Job, problem: Problem) -> int:
    """The shortest the job's service could take, whoever does it."""
    if not problem.service_pct_by_level or not job.required_skills:
        return job.service_s
    return math.ceil(job.service_s * min(100, *problem.service_pct_by_level.values()) / 100)


def coarse_reach(problem: Problem, params: SolveParams, travel: TravelTimes | None) -> CoarseReach:
    """Who might take each job: a generous estimate, computed a chunk of jobs at a time."""
    techs, jobs = problem.technicians, problem.jobs
    estimate = _Estimator(problem, travel)
    skills = sorted({s for job in jobs for s in job.required_skills})
    levels = np.array([[t.skills.get(s, 0) for s in skills] for t in techs], dtype=np.int64)
    levels = levels.reshape(len(techs), len(skills))
    shift_start = np.array([t.shift.start_s for t in techs], dtype=np.float64)
    latest_end = np.array([t.shift.end_s + t.max_overtime_s for t in techs], dtype=np.float64)
    homes = [t.start for t in techs]
    ends = [t.end_location for t in techs]
    candidates: list[list[int]] = []
    nearest: list[int] = []
    for first in range(0, len(jobs), JOBS_PER_CHUNK):
        chunk = jobs[first : first + JOBS_PER_CHUNK]
        out = estimate.times(homes, chunk)
        back = out if ends == homes else estimate.times(ends, chunk)
        need = np.array([[job.required_skills.get(s, 0) for s in skills] for job in chunk], dtype=np.int64)
        skilled = np.all(levels[:, None, :] >= need.reshape(len(chunk), len(skills))[None, :, :], axis=2)
        nearest.extend(int(v) for v in np.argmin(np.where(skilled, out, out + 1e9), axis=0))
        for k, job in enumerate(chunk):
            candidates.append(
                _capable(problem, params, job, out[:, k], back[:, k], skilled[:, k], shift_start, latest_end)
            )
    index = {job.id: j for j, job in enumerate(jobs)}
    for v, tech in enumerate(techs):  # a locked job stays with its technician, a pinned one goes to theirs
        for job_id in tech.locked_job_ids:
            candidates[index[job_id]] = [v]
            nearest[index[job_id]] = v
    by_id = {t.id: v for v, t in enumerate(techs)}
    for j, job in enumerate(jobs):
        if job.pinned_technician_id is not None:
            nearest[j] = by_id[job.pinned_technician_id]
    return CoarseReach(candidates, nearest)


def _capable(
    problem: Problem,
    params: SolveParams,
    job: Job,
    out: FloatArray,
    back: FloatArray,
    skilled: npt.NDArray[np.bool_],
    shift_start: FloatArray,
    latest_end: FloatArray,
) -> list[int]:
    """The technicians who might take ``job``: skilled, allowed, and able to drive there and home in time."""
    window = _last_start(job, problem, params)
    if window is None:
        return []
    first_open, last_start = window
    arrive = shift_start + out
    ok = skilled & (arrive <= last_start)
    ok &= np.maximum(arrive, first_open) + _fastest_service(job, problem) + back <= latest_end
    capable = np.nonzero(ok)[0]
    found: list[int] = capable[np.argsort(out[capable], kind="stable")].tolist()
    return [v for v in found if job.may_go_to(problem.technicians[v].id)]


def kmeans(points: FloatArray, k: int, seed: int) -> IntArray:
    """Cluster labels of ``points`` (n x dimensions) into ``k`` clusters: k-means++ seeding, then Lloyd's
    steps (a few dozen points per cluster: numpy by hand is enough, no new dependency)."""
    rng = np.random.default_rng(seed)
    n = len(points)
    k = max(1, min(k, n))
    centres = [points[int(rng.integers(n))]]
    for _ in range(1, k):
        d2 = np.min(((points[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(axis=2), axis=1)
        total = float(d2.sum())
        pick = int(rng.choice(n, p=d2 / total)) if total > 0 else int(rng.integers(n))
        centres.append(points[pick])
    centre = np.array(centres)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(KMEANS_ITERATIONS):
        labels = np.argmin(((points[:, None, :] - centre[None, :, :]) ** 2).sum(axis=2), axis=1)
        moved = np.array(
            [points[labels == c].mean(axis=0) if np.any(labels == c) else centre[c] for c in range(k)]
        )
        if np.allclose(moved, centre):
            break
        centre = moved
    return labels


def _plane(problem: Problem, technicians: Sequence[Technician]) -> FloatArray:
    """Homes as points where a degree of longitude is as long as one of latitude at their mean latitude;
    on a day of matrices without coordinates, each home's drive times to the others (hours) instead."""
    if any(t.start.lat is None or t.start.lon is None for t in technicians):
        assert problem.travel_time_s is not None
        rows = np.array([t.start.index or 0 for t in technicians], dtype=np.int64)
        result: FloatArray = problem.travel_time_s[np.ix_(rows, rows)].astype(np.float64) / 3_600
        return result
    lat, lon = _coords([t.start for t in technicians])
    scale = math.cos(math.radians(float(lat.mean()))) if len(lat) else 1.0
    return np.stack([lon * scale, lat], axis=1)


def _pieces_needed(techs: int, jobs: int, params: SolveParams) -> int:
    by_jobs = math.ceil(jobs / params.max_part_jobs) if params.max_part_jobs else 1
    by_techs = math.ceil(techs / params.max_part_technicians) if params.max_part_technicians else 1
    return max(1, by_jobs, by_techs)


def _split_group(
    problem: Problem, params: SolveParams, coarse: CoarseReach, techs: list[int], jobs: list[int]
) -> list[Part]:
    """One set of technicians and jobs split by clustering the homes; each job to the part of the nearest
    technician of the set who might take it (so a part is the area around its technicians' homes, and a
    dense core keeps the technicians around it). A part still too large (clusters of homes are rarely
    even) is split again."""
    k = _pieces_needed(len(techs), len(jobs), params)
    if k == 1:
        return [Part(techs, jobs)]
    labels = kmeans(_plane(problem, [problem.technicians[v] for v in techs]), k, params.seed)
    label_of = dict(zip(techs, labels.tolist(), strict=True))
    parts: list[Part] = [Part([v for v in techs if label_of[v] == c], []) for c in range(k)]
    for j in jobs:
        nearest = next((v for v in coarse.candidates[j] if v in label_of), coarse.nearest[j])
        parts[label_of.get(nearest, 0)].jobs.append(j)
    parts = [p for p in parts if p.technicians]
    if len(parts) < 2:  # the homes would not separate (all in one place): one part it is
        return [Part(techs, jobs)]
    return [piece for p in parts for piece in _split_group(problem, params, coarse, p.technicians, p.jobs)]


def _packed(pieces: list[Part], params: SolveParams) -> list[Part]:
    """Pieces packed together (largest first, each into the first part with room) up to the part size."""
    limit_jobs = params.max_part_jobs or 10**9
    limit_techs = params.max_part_technicians or 10**9
    parts: list[Part] = []
    for piece in sorted(pieces, key=lambda p: (-len(p.jobs), -len(p.technicians), p.technicians)):
        home = next(
            (
                p
                for p in parts
                if len(p.jobs) + len(piece.jobs) <= limit_jobs
                and len(p.technicians) + len(piece.technicians) <= limit_techs
            ),
            None,
        )
        if home is None:
            parts.append(Part(list(piece.technicians), list(piece.jobs)))
        else:
            home.technicians.extend(piece.technicians)
            home.jobs.extend(piece.jobs)
    return [Part(sorted(p.technicians), sorted(p.jobs)) for p in parts]


def split_day(problem: Problem, params: SolveParams, coarse: CoarseReach) -> list[Part]:
    """The day's parts: independent sets split by the technicians' homes where too large, then packed;
    every job in exactly one part (one nobody might take goes with its nearest skilled technician)."""
    pieces: list[Part] = []
    for techs, jobs in groups(coarse.candidates, len(problem.technicians)):
        pieces.extend(_split_group(problem, params, coarse, techs, jobs))
    placed = {v for p in pieces for v in p.technicians}
    idle = [v for v in range(len(problem.technicians)) if v not in placed]
    pieces.extend(Part([v], []) for v in idle)
    part_of: dict[int, int] = {}
    parts = _packed(pieces, params)
    for k, part in enumerate(parts):
        part_of.update(dict.fromkeys(part.technicians, k))
    for j, capable in enumerate(coarse.candidates):
        if not capable:
            parts[part_of[coarse.nearest[j]]].jobs.append(j)
    return [Part(p.technicians, sorted(p.jobs)) for p in parts if p.technicians or p.jobs]


def depot_shares(problem: Problem, parts: list[Part]) -> list[dict[int, dict[str, int]]]:
    """Each depot's stock given whole to the part of the technician whose home is nearest to it."""
    shares: list[dict[int, dict[str, int]]] = [{} for _ in parts]
    if not problem.depots or not parts:
        return shares
    owner = {v: k for k, part in enumerate(parts) for v in part.technicians}
    techs = sorted(owner)
    lat_t, lon_t = _coords([problem.technicians[v].start for v in techs])
    lat_d, lon_d = _coords([d.location for d in problem.depots])
    apart = ellipsoidal_distance_m(lat_d[:, None], lon_d[:, None], lat_t[None, :], lon_t[None, :])
    for d, depot in enumerate(problem.depots):
        shares[owner[techs[int(np.argmin(apart[d]))]]][d] = dict(depot.stock)
    return shares


def sub_problem(problem: Problem, part: Part, share: dict[int, dict[str, int]], name: str) -> Problem:
    """The part as a day of its own: its technicians and jobs, every depot (same order) with the part's
    share of its stock, and, when the day carries matrices, just the rows of the part's places."""
    techs = [problem.technicians[v] for v in part.technicians]
    jobs = [problem.jobs[j] for j in part.jobs]
    depots = [dataclasses.replace(d, stock=share.get(k, {})) for k, d in enumerate(problem.depots)]
    if problem.travel_time_s is None or problem.distance_m is None:
        return Problem(
            tuple(techs),
            tuple(jobs),
            problem.horizon,
            tuple(depots),
            service_pct_by_level=problem.service_pct_by_level,
            name=name,
        )
    places = [
        *(t.start for t in techs),
        *(t.end_location for t in techs),
        *(d.location for d in depots),
        *(j.location for j in jobs),
    ]
    rows = list(dict.fromkeys(loc.index or 0 for loc in places))
    new_row = {row: k for k, row in enumerate(rows)}

    def at(loc: Location) -> Location:
        return Location(loc.lat, loc.lon, new_row[loc.index or 0])

    picked = np.array(rows, dtype=np.int64)
    return Problem(
        technicians=tuple(dataclasses.replace(t, start=at(t.start), end=at(t.end_location)) for t in techs),
        jobs=tuple(dataclasses.replace(j, location=at(j.location)) for j in jobs),
        horizon=problem.horizon,
        depots=tuple(dataclasses.replace(d, location=at(d.location)) for d in depots),
        travel_time_s=problem.travel_time_s[np.ix_(picked, picked)],
        distance_m=problem.distance_m[np.ix_(picked, picked)],
        service_pct_by_level=problem.service_pct_by_level,
        name=name,
    )
