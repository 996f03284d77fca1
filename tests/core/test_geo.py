"""Geodesic distances and travel legs agree with geopy, the reference."""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.geo import distance_matrix, geodesic_m, is_valid_latlon
from planner.core.legs import Mode, TravelSettings, travel_matrix

points = st.lists(
    st.tuples(st.floats(-85, 85, allow_nan=False), st.floats(-179.9, 179.9, allow_nan=False)), min_size=2, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(points)
def test_matrix_agrees_with_geopy_within_a_hundredth_of_a_percent(pts: list[tuple[float, float]]) -> None:
    matrix = distance_matrix(pts)
    for i, a in enumerate(pts):
        for j, b in enumerate(pts):
            reference = geodesic(a, b).meters
            assert matrix[i, j] == pytest.approx(reference, rel=1e-4, abs=1e-3)


def test_matrix_is_symmetric_with_zero_diagonal() -> None:
    pts = [(36.5781, 136.6478), (36.5621, 136.6625), (36.4619, 127.1272)]
    m = distance_matrix(pts)
    assert np.allclose(m, m.T)
    assert np.all(np.diag(m) == 0)
    assert m[0, 2] > 800_000  # Kanazawa to Gongju


def test_single_geodesic_kanazawa_station_to_kenrokuen() -> None:
    metres = geodesic_m((36.57827, 136.64776), (36.56194, 136.66250))
    assert metres == pytest.approx(geodesic((36.57827, 136.64776), (36.56194, 136.66250)).meters, rel=1e-6)
    assert 2100 < metres < 2300


@pytest.mark.parametrize(
    ("lat", "lon", "ok"),
    [(36.5, 136.6, True), (91, 0, False), (0, 181, False), ("x", 0, False), (float("nan"), 0, False)],
)
def test_latlon_validation(lat: object, lon: object, ok: bool) -> None:
    assert is_valid_latlon(lat, lon) is ok


def test_legs_walk_short_and_transfer_long() -> None:
    settings_ = TravelSettings(walk_speed_m_per_min=80, detour_factor=1.25, per_leg_minutes=2, max_walk_m=2500)
    near, far = (36.5700, 136.6500), (36.5710, 136.6500)  # ~111 m apart
    gongju = (36.4619, 127.1272)
    legs = travel_matrix([near, far, gongju], settings_)
    straight = geodesic(near, far).meters
    assert legs.mode(0, 1) is Mode.WALK
    assert legs.metres[0, 1] == pytest.approx(straight * 1.25, rel=1e-6)
    assert legs.minutes[0, 1] == pytest.approx(straight * 1.25 / 80 + 2, rel=1e-6)
    assert legs.mode(0, 2) is Mode.TRANSFER
    road_minutes = geodesic(near, gongju).meters * 1.3 / (25_000 / 60) + 10
    assert legs.minutes[0, 2] == pytest.approx(road_minutes, rel=1e-6)
    assert legs.minutes[1, 1] == 0 and legs.mode(1, 1) is Mode.WALK
