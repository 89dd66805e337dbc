"""Points on the Earth, in WGS 84 degrees."""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A WGS 84 position (SRID 4326). Latitude first, as people say it."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise DomainError(f"latitude {self.lat} is outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise DomainError(f"longitude {self.lon} is outside -180..180")
