"""Time zones from coordinates and IANA names."""

from __future__ import annotations

import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from dispatch.domain.errors import DomainError
from dispatch.domain.geo import GeoPoint
from dispatch.domain.timezones import _finder, timezone_at, zone


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (GeoPoint(40.7128, -74.0060), "America/New_York"),
        (GeoPoint(41.8781, -87.6298), "America/Chicago"),
        (GeoPoint(39.7392, -104.9903), "America/Denver"),
        (GeoPoint(33.4484, -112.0740), "America/Phoenix"),
        (GeoPoint(34.0522, -118.2437), "America/Los_Angeles"),
        (GeoPoint(39.7684, -86.1581), "America/Indiana/Indianapolis"),
    ],
)
def test_city_coordinates_give_their_time_zone(point: GeoPoint, expected: str) -> None:
    """Cities in each mainland zone (and Indiana's own) map to their IANA zone."""
    assert timezone_at(point) == expected


def test_open_sea_is_refused() -> None:
    """A point in the mid-Atlantic has no time zone on land and raises a domain error naming it."""
    with pytest.raises(DomainError, match="at sea"):
        timezone_at(GeoPoint(30.0, -40.0))


def test_zone_returns_zoneinfo() -> None:
    """A known IANA name gives its zoneinfo zone."""
    assert zone("America/Chicago") == ZoneInfo("America/Chicago")


@pytest.mark.parametrize("name", ["", "Central Time", "Mars/Olympus_Mons", "../etc/passwd"])
def test_unknown_zone_name_is_refused(name: str) -> None:
    """Names zoneinfo does not know are domain errors, not lookups of odd files."""
    with pytest.raises(DomainError, match="unknown time zone"):
        zone(name)


def test_importing_builds_no_finder() -> None:
    """Importing the module neither loads timezonefinder nor builds a finder; the first lookup does."""
    probe = (
        "import sys; import dispatch.domain.timezones as tz; "
        "assert 'timezonefinder' not in sys.modules; "
        "assert tz._finder.cache_info().currsize == 0"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_finder_is_built_once() -> None:
    """Many lookups share one finder."""
    timezone_at(GeoPoint(47.6062, -122.3321))
    timezone_at(GeoPoint(29.7604, -95.3698))
    assert _finder.cache_info().currsize == 1
    assert _finder.cache_info().misses <= 1
