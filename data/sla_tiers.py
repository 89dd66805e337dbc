"""The three SLA tiers the demo provider sells.

Targets are counted in covered time only (the SLA clock pauses outside coverage):

=======  ======================================  =========  ==========  ==========  ==========
tier     coverage (clock runs)                   P1         P2          P3          P4
=======  ======================================  =========  ==========  ==========  ==========
Gold     24x7, no holiday pause                  1 h / 4 h  2 h / 8 h   4 h / 24 h  8 h / 72 h
Silver   Mon-Fri 08:00-18:00 local, US holidays  2 h / 8 h  4 h / 16 h  8 h / 30 h  10 h / 50 h
Bronze   Mon-Fri 08:00-18:00 local, US holidays  4 h / 10 h 8 h / 20 h  10 h / 30 h 20 h / 50 h
=======  ======================================  =========  ==========  ==========  ==========

Gold includes a preventive maintenance visit to every site each quarter (91 days), Silver each half year
(182 days), Bronze none.

Each cell is response / resolution. With 10 covered hours a business day, Silver and Bronze P3 are
three business days and P4 five; Bronze's P1 resolution of 10 h is the classic "next business day".
"""

from __future__ import annotations

from datetime import time, timedelta

from dispatch.domain.contracts import Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.weekly_hours import WeeklyHours

BUSINESS_HOURS = WeeklyHours.weekdays(time(8), time(18))


def _targets(*pairs: tuple[int, int]) -> dict[Priority, SlaTarget]:
    return {
        priority: SlaTarget(response=timedelta(hours=response), resolution=timedelta(hours=resolution))
        for priority, (response, resolution) in zip(Priority, pairs, strict=True)
    }


GOLD = SlaPolicy(
    tier="gold",
    targets=_targets((1, 4), (2, 8), (4, 24), (8, 72)),
    coverage=Coverage(hours=WeeklyHours.always(), holiday_country=None),
    maintenance_every_days=91,
)
SILVER = SlaPolicy(
    tier="silver",
    targets=_targets((2, 8), (4, 16), (8, 30), (10, 50)),
    coverage=Coverage(hours=BUSINESS_HOURS, holiday_country="US"),
    maintenance_every_days=182,
)
BRONZE = SlaPolicy(
    tier="bronze",
    targets=_targets((4, 10), (8, 20), (10, 30), (20, 50)),
    coverage=Coverage(hours=BUSINESS_HOURS, holiday_country="US"),
)
TIERS: tuple[SlaPolicy, ...] = (GOLD, SILVER, BRONZE)
