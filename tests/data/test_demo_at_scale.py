"""The generator builds nationwide days of thousands of jobs: names never run out, metros grow with the
workforce, and a big day keeps the small day's shape (regions, skills, SLA tiers)."""

from __future__ import annotations

import math
import random
from collections import Counter

from data.customers import SEGMENTS, _unique_name
from data.demo import MAX_METROS, METROS_AT_SCALE_1, DemoConfig, generate_demo, metros_for
from data.places import REGIONS, distance_m, metros, region_of
from tests.data.conftest import TUESDAY


def _names(seed: int, count: int) -> list[str]:
    clinic = next(s for s in SEGMENTS if s.code == "clinic")
    rng = random.Random(seed)
    taken: set[str] = set()
    names = []
    for _ in range(count):
        name = _unique_name(rng, clinic, taken)
        taken.add(name)
        names.append(name)
    return names


def test_customer_names_never_run_out_and_repeat_by_seed() -> None:
    """3,000 clinics (a segment with about a hundred one-word names) all get distinct names, the same ones
    for the same seed."""
    names = _names(5, 3000)
    assert len(set(names)) == 3000
    assert names == _names(5, 3000)
    assert names != _names(6, 3000)


def test_metros_grow_with_the_square_root_of_the_workforce() -> None:
    """40 technicians work in 12 metros, 4x as many in twice as many, and 2,000 in 85 (capped at 120)."""
    assert metros_for(40) == METROS_AT_SCALE_1
    assert metros_for(160) == 2 * METROS_AT_SCALE_1
    assert metros_for(2000) == 85
    assert metros_for(100_000) == MAX_METROS


def test_a_day_of_three_thousand_jobs_keeps_the_shape_of_a_small_one() -> None:
    """The size the field benchmark asks for 3,000 jobs: counts as asked, distinct customer names, all four
    time zones, technicians in as many metros as the workforce calls for, every SLA tier and priority."""
    jobs, technicians = 3000, 300
    dataset = generate_demo(
        DemoConfig(
            seed=7,
            day=TUESDAY,
            technicians=technicians,
            tickets=math.ceil(jobs / 0.8),
            sites=jobs,
            customers=jobs // 4,
            depots=technicians // 20,
        )
    )
    counts = dataset.counts()
    assert counts["technicians"] == technicians
    assert counts["sites"] == jobs
    assert counts["customers"] == jobs // 4
    assert counts["jobs"] >= jobs
    assert len({c.name for c in dataset.customers}) == len(dataset.customers)
    assert len({t.email.lower() for t in dataset.technicians}) == technicians
    assert {region_of(s.timezone) for s in dataset.sites} == set(REGIONS)
    assert {t.region for t in dataset.technicians} == set(REGIONS)
    places = metros(metros_for(technicians))
    based = Counter(min(places, key=lambda m: distance_m(t.home, m.centre)).name for t in dataset.technicians)
    assert len(based) == len(places) == metros_for(technicians)
    assert {c.sla.tier for c in dataset.contracts} == {"gold", "silver", "bronze"}
    assert {t.priority.rank for t in dataset.tickets} == {1, 2, 3, 4}
