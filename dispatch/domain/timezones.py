"""Time zones of places: IANA names checked against zoneinfo, and found from coordinates offline."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatch.domain.errors import DomainError
from dispatch.domain.geo import GeoPoint

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

# timezonefinder does not promise that one finder may serve several threads at once; a lookup takes
# microseconds, so one at a time keeps the shared finder safe under a threaded web server.
_finder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    """Built on first use, not at import: only code that places new sites pays for the boundary data."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder(in_memory=True)


def timezone_at(point: GeoPoint) -> str:
    """The IANA time zone name of a point on land, e.g. ``America/Chicago``.

    Points at sea have only nautical zones (``Etc/GMT+5``), which no site or technician lives in,
    so they are refused: a site placed at sea is a wrong coordinate, not a time zone.
    """
    with _finder_lock:
        name = _finder().timezone_at_land(lng=point.lon, lat=point.lat)
    if name is None:
        raise DomainError(
            f"no time zone on land at lat {point.lat}, lon {point.lon}: "
            "the point is at sea; check the coordinates"
        )
    return name


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The zoneinfo time zone for an IANA name, refusing names zoneinfo does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DomainError(
            f"unknown time zone {name!r}: expected an IANA name such as 'America/Chicago'"
        ) from error
