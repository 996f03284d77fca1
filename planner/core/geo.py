"""Geodesic distances on the WGS84 ellipsoid.

`geopy.distance.geodesic` (Karney's algorithm) is the reference; the matrix here uses pyproj's `Geod`, which
wraps the same algorithm in PROJ's C code and takes whole numpy arrays, so a 300-point matrix is one call
instead of 90,000 Python calls (benchmarks/matrix.py measures both).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod

LatLon = tuple[float, float]

_WGS84 = Geod(ellps="WGS84")


def geodesic_m(a: LatLon, b: LatLon) -> float:
    """Return the geodesic distance in metres between two (lat, lon) points."""
    _, _, metres = _WGS84.inv(a[1], a[0], b[1], b[0])
    return float(metres)


def distance_matrix(points: Sequence[LatLon]) -> NDArray[np.float64]:
    """Return the symmetric matrix of geodesic distances in metres between (lat, lon) points."""
    coords = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    n = len(coords)
    matrix = np.zeros((n, n), dtype=np.float64)
    if n < 2:
        return matrix
    i, j = np.triu_indices(n, k=1)  # the upper triangle only: distance is symmetric
    _, _, metres = _WGS84.inv(coords[i, 1], coords[i, 0], coords[j, 1], coords[j, 0])
    matrix[i, j] = metres
    matrix[j, i] = metres
    return matrix


def as_latlon(lat: object, lon: object) -> LatLon | None:
    """Return (lat, lon) as floats if they are finite numbers inside [-90, 90] x [-180, 180], else None."""
    if isinstance(lat, bool) or isinstance(lon, bool) or not isinstance(lat, int | float | str):
        return None
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]  # numbers and numeric text are accepted
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(lat_f) and np.isfinite(lon_f) and -90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return None
    return lat_f, lon_f


def is_valid_latlon(lat: object, lon: object) -> bool:
    """Tell whether lat/lon are finite numbers inside [-90, 90] x [-180, 180]."""
    return as_latlon(lat, lon) is not None
