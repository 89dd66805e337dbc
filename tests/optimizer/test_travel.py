"""The default travel-time provider: geodesic accuracy, speed bands, matrix shape and speed."""

import numpy as np
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.problem import Location
from optimizer.travel import GeodesicTravelTimes, ellipsoidal_distance_m

latitudes = st.floats(min_value=18.0, max_value=72.0)
longitudes = st.floats(min_value=-170.0, max_value=-60.0)


@settings(max_examples=200, deadline=None)
@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_matches_geopy_geodesic(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    """Ellipsoidal distance is within 0.5% (or 1 m) of geopy's geodesic anywhere in North America."""
    ours = float(ellipsoidal_distance_m(np.array(lat1), np.array(lon1), np.array(lat2), np.array(lon2)))
    reference = geodesic((lat1, lon1), (lat2, lon2)).meters
    assert abs(ours - reference) <= max(1.0, 0.005 * reference)


def test_known_city_pair() -> None:
    """New York to Los Angeles is about 3,944 km along the ellipsoid."""
    d = float(
        ellipsoidal_distance_m(np.array(40.7128), np.array(-74.0060), np.array(34.0522), np.array(-118.2437))
    )
    assert abs(d - geodesic((40.7128, -74.0060), (34.0522, -118.2437)).meters) < 100.0


def test_speed_bands_make_short_hops_slower() -> None:
    """A 3 km hop runs at urban speed, a 300 km trip averages near highway speed."""
    provider = GeodesicTravelTimes(circuity=1.0)
    t = provider.drive_time_s(np.array([3_000.0, 300_000.0]))
    assert abs(t[0] - 3_000 / (30 / 3.6)) < 1e-6
    assert 300_000 / t[1] * 3.6 > 85.0


def test_matrix_is_square_integer_with_zero_diagonal() -> None:
    """Matrices are int64, square, zero on the diagonal and include the circuity factor."""
    points = [Location.at(40.0, -75.0), Location.at(40.1, -75.0), Location.at(41.0, -74.0)]
    times, dists = GeodesicTravelTimes().matrices(points)
    assert times.dtype == np.int64 and dists.shape == (3, 3)
    assert (np.diag(times) == 0).all() and (np.diag(dists) == 0).all()
    straight = geodesic((40.0, -75.0), (40.1, -75.0)).meters
    assert abs(dists[0, 1] - 1.3 * straight) < 0.005 * straight
