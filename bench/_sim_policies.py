"""The three ways of running a day the simulator compares, each through the product's services.

- ``morning_plan``: the morning's plan executed as it is. Reports are recorded (customers still see
  estimates move) but nobody re-plans: delays push later visits, a new ticket waits for tomorrow's plan,
  a sick technician's visits are not done.
- ``greedy``: what many providers do by hand. Each new ticket, and each visit of a technician gone sick,
  goes to the nearest qualified technician of its region who is free now, or else to the first who
  becomes free, as their next visit (a dispatcher's assignment); when their day cannot take it, their
  last visits of the lowest priority are taken off for tomorrow to make room.
- ``ours``: the live day. Reports go through the product's re-planning (a late, early or incomplete visit
  searches for a better plan of its region from now, published only if better, with the freeze horizon
  and the cost of disruption); each new ticket is placed at once where it adds least, then its region
  improved; a sick technician is reported off sick and their visits placed, then their region improved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench._sim_engine import DaySimulation
from bench._sim_reach import qualified
from data.arrivals import Arrival
from data.places import distance_m
from dispatch.domain.jobs import Job
from dispatch.domain.technicians import Technician
from dispatch.services.day_events import report_off_sick
from dispatch.services.plan_edits import assign_job, unassign_job
from dispatch.services.urgent import place_urgent_job

MAX_BUMPED = 2
"""Visits a greedy dispatcher takes off a technician's day to make room for an urgent one."""


@dataclass
class MorningPlan:
    name: str = "morning plan"
    replans: bool = False

    def on_arrival(self, sim: DaySimulation, arrival: Arrival) -> None:
        return None

    def on_sick(self, sim: DaySimulation, technician_id: str) -> None:
        return None

    def before_leaving(self, sim: DaySimulation, technician_id: str) -> None:
        return None

    def on_cancelled(self, sim: DaySimulation, job_id: str) -> None:
        return None


@dataclass
class Greedy:
    name: str = "greedy"
    replans: bool = False
    waiting: list[str] = field(default_factory=list)

    def on_arrival(self, sim: DaySimulation, arrival: Arrival) -> None:
        self.waiting.append(arrival.job.id)
        self._send_free(sim)

    def on_sick(self, sim: DaySimulation, technician_id: str) -> None:
        for visit in sim.remaining(sim.view(), technician_id):
            assert visit.job_id is not None
            job_id = visit.job_id
            if sim.call(
                f"unassign {job_id}",
                lambda s, j=job_id: unassign_job(s, sim.day, job_id=j, now=sim.now),  # type: ignore[misc]
            ):
                self.waiting.append(job_id)
        self._send_free(sim)

    def before_leaving(self, sim: DaySimulation, technician_id: str) -> None:
        technician = sim.technicians[technician_id].technician
        for job_id in self._by_urgency(sim):
            if self._qualified(sim, technician, sim.jobs[job_id]) and self._send(sim, technician_id, job_id):
                return

    def on_cancelled(self, sim: DaySimulation, job_id: str) -> None:
        if job_id in self.waiting:
            self.waiting.remove(job_id)

    def _by_urgency(self, sim: DaySimulation) -> list[str]:
        return sorted(self.waiting, key=lambda j: (sim.jobs[j].priority.rank, j))

    def _send_free(self, sim: DaySimulation) -> None:
        """Each waiting job to the nearest qualified technician free now, if there is one."""
        for job_id in self._by_urgency(sim):
            job = sim.jobs[job_id]
            site = sim.sites[job.site_id].location
            free = [
                t for t in sim.free_technicians() if self._qualified(sim, sim.technicians[t].technician, job)
            ]
            for technician_id in sorted(free, key=lambda t: distance_m(sim.position_of(t), site)):
                if self._send(sim, technician_id, job_id):
                    sim.wake()
                    break

    def _qualified(self, sim: DaySimulation, technician: Technician, job: Job) -> bool:
        return qualified(technician, sim.sites[job.site_id].region, job)

    def _send(self, sim: DaySimulation, technician_id: str, job_id: str) -> bool:
        """Make ``job_id`` the technician's next visit, taking their last low-priority visits off if the
        day cannot take it otherwise."""
        for _ in range(MAX_BUMPED + 1):
            plan = sim.call(
                f"assign {job_id} to {technician_id}",
                lambda s: assign_job(
                    s,
                    sim.day,
                    job_id=job_id,
                    technician_id=technician_id,
                    next_up=True,
                    pin=False,
                    now=sim.now,
                ),
            )
            if plan is not None:
                self.waiting.remove(job_id)
                return True
            later = [v.job_id for v in sim.remaining(sim.view(), technician_id) if v.job_id is not None]
            lowest = sorted(later, key=lambda j: (-sim.jobs[j].priority.rank, -later.index(j)))
            if not lowest or sim.jobs[lowest[0]].priority.rank <= sim.jobs[job_id].priority.rank:
                return False
            self._bump(sim, lowest[0])
        return False

    def _bump(self, sim: DaySimulation, job_id: str) -> None:
        """Take a visit off for tomorrow."""
        sim.call(f"unassign {job_id}", lambda s: unassign_job(s, sim.day, job_id=job_id, now=sim.now))


@dataclass
class Ours:
    name: str = "ours"
    replans: bool = True

    def on_arrival(self, sim: DaySimulation, arrival: Arrival) -> None:
        placed = sim.call(
            f"place {arrival.job.id}",
            lambda s: place_urgent_job(s, sim.day, arrival.job.id, now=sim.now),
        )
        if placed is not None:
            sim.wake()
        sim.improve(sim.sites[arrival.job.site_id].region)

    def on_sick(self, sim: DaySimulation, technician_id: str) -> None:
        sim.call(
            f"{technician_id} off sick",
            lambda s: report_off_sick(s, sim.day, technician_id, now=sim.now),
        )
        sim.wake()
        sim.improve(sim.technicians[technician_id].technician.region)

    def before_leaving(self, sim: DaySimulation, technician_id: str) -> None:
        return None

    def on_cancelled(self, sim: DaySimulation, job_id: str) -> None:
        return None


POLICY_NAMES = ("morning", "greedy", "ours")


def policies(names: Sequence[str] = POLICY_NAMES) -> list[MorningPlan | Greedy | Ours]:
    """A fresh instance of each policy named (the greedy one keeps its waiting list for one day)."""
    made = {"morning": MorningPlan, "greedy": Greedy, "ours": Ours}
    return [made[name]() for name in names]
