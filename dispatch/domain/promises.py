"""Arrival promises: the window a customer has been told, which the day then keeps.

A forecast window moves with every report and re-plan; a customer cannot plan around a window that moves.
So, a set time before a visit is expected (the setting ``promise_minutes``), the window forecast then is
told to the customer and becomes a promise. From then on:

- the tracking page and the job sheet show the promise, not the moving forecast;
- the technician does not begin before the promise opens (early, they wait or take their time);
- a re-plan keeps the visit where it is and starts it no earlier than the promise opens;
- only when the forecast says the technician will begin after the promise closes is the customer told a
  new window, and the promise counts as broken (``times_told`` above 1); past ``TOLD_BEFORE_SETTING_OFF``
  windows, the next is told only once the technician is on the way, and the live estimate is shown
  meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dispatch.domain.jobs import TimeWindow

TOLD_BEFORE_SETTING_OFF = 2
"""Windows a customer is told at most while their technician has not set off for them: the first promise
and one new window. A visit slipping further (a technician stuck on a long job, or whose day is over)
shows the live estimate instead, and the next window is told once the technician reports on the way, when
only the drive is left uncertain: a window told every quarter of an hour is no window at all."""
ANY_TIME_AFTER = timedelta(days=1)
"""A job open at any time, once promised, may begin from the promise's opening on: as a window, that far."""


@dataclass(frozen=True, slots=True)
class ArrivalPromise:
    """The window a visit's customer was last told, when, and how many windows they have been told."""

    job_id: str
    day: date
    opens_at: datetime
    closes_at: datetime
    promised_at: datetime
    times_told: int = 1

    def holds(self, start: datetime) -> bool:
        return self.opens_at <= start <= self.closes_at

    def broken_by(self, forecast_opens_at: datetime) -> bool:
        """Whether a visit whose forecast window now opens then breaks the promise: the whole forecast lies
        past the promise's close, so the visit will almost surely begin late (a forecast that still
        overlaps the promise leaves the customer's window as told). Beginning early never breaks it, since
        the technician waits for the promise to open."""
        return forecast_opens_at > self.closes_at

    def may_retell(self, *, on_the_way: bool) -> bool:
        """Whether the customer may be told a new window now (``TOLD_BEFORE_SETTING_OFF``)."""
        return on_the_way or self.times_told < TOLD_BEFORE_SETTING_OFF

    def retold(self, opens_at: datetime, closes_at: datetime, at: datetime) -> ArrivalPromise:
        """The promise after the customer is told a new window."""
        return ArrivalPromise(self.job_id, self.day, opens_at, closes_at, at, self.times_told + 1)


def windows_kept(windows: Sequence[TimeWindow], promise: ArrivalPromise | None) -> tuple[TimeWindow, ...]:
    """The job's windows, none of them opening before its promise does (the technician waits). A promise
    that opens after every window has closed leaves the windows as they are: the job's own windows are
    the customer's access hours, which a promise cannot widen."""
    if promise is None:
        return tuple(windows)
    if not windows:
        return (TimeWindow(promise.opens_at, promise.opens_at + ANY_TIME_AFTER),)
    kept = tuple(
        TimeWindow(max(w.start, promise.opens_at), w.end) for w in windows if w.end > promise.opens_at
    )
    return kept or tuple(windows)


def begins_at(arrival: datetime, promise: ArrivalPromise | None) -> datetime:
    """When a technician arriving then begins the visit: not before the promise opens."""
    if promise is None or arrival >= promise.opens_at:
        return arrival
    return promise.opens_at
