"""Where a non-return request applies (toolkit: the 24-hour request covers the location of the
arrest): a place asked about is either coordinates with a radius, at most 5 km, or words of the
location's description. Pure geometry: no I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.errors import InvalidInput

MAX_RADIUS_M = 5000
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Place:
    """Coordinates and a radius, or text found in the request's location description."""

    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None
    text: str | None = None

    @property
    def by_coordinates(self) -> bool:
        return self.latitude is not None


def check_place(place: Place) -> None:
    """A place is coordinates with a radius (≤ 5 km) or a location text, not both, not none."""
    coordinates = (place.latitude, place.longitude, place.radius_m)
    given = [value is not None for value in coordinates]
    if place.text is not None and any(given):
        raise InvalidInput("ask by coordinates or by location, not both", field="location")
    if place.text is not None:
        if not place.text.strip():
            raise InvalidInput("location must not be blank", field="location")
        return
    if not all(given):
        names = ("latitude", "longitude", "radius_m")
        field = names[given.index(False)] if any(given) else "location"
        raise InvalidInput(
            "a place is latitude, longitude and radius_m, or location text", field=field
        )
    assert place.radius_m is not None
    if not 0 < place.radius_m <= MAX_RADIUS_M:
        raise InvalidInput(f"radius_m is more than 0 and at most {MAX_RADIUS_M}", field="radius_m")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def bounding_box(place: Place) -> tuple[float, float, float, float]:
    """(south, north, west, east) degrees enclosing the circle: a cheap index filter first."""
    assert place.latitude is not None and place.longitude is not None
    assert place.radius_m is not None
    dlat = math.degrees(place.radius_m / EARTH_RADIUS_M)
    cos = max(math.cos(math.radians(place.latitude)), 1e-6)
    dlon = min(180.0, dlat / cos)
    return (
        place.latitude - dlat,
        place.latitude + dlat,
        place.longitude - dlon,
        place.longitude + dlon,
    )


def within(place: Place, latitude: float | None, longitude: float | None) -> bool:
    if latitude is None or longitude is None:
        return False
    assert place.latitude is not None and place.longitude is not None
    assert place.radius_m is not None
    return distance_m(place.latitude, place.longitude, latitude, longitude) <= place.radius_m
