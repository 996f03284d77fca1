"""Travel legs between places: walking, or a road transfer when a walk would be too long.

Defaults and where they come from:
- 80 m/min walking: the pace Japanese property and tourist guides assume (the real-estate fair-trade code,
  不動産の表示に関する公正競争規約 施行規則 第9条); map-based walking times in Kanazawa imply 71-80 m/min.
- detour factor 1.3: street distance over straight-line distance ("circuity") is about 1.2-1.4 in old city
  centres (Giacomin & Levinson 2015, "Road network circuity in metropolitan areas"; Boeing 2019); central
  Kanazawa measures 1.1-1.5 (shared/reference/README.md).
- road transfers (taxi or bus) at 25 km/h with the same circuity plus a 10 min fixed overhead (waiting,
  boarding): a town-centre average speed, so a Chungnam day across towns is not planned as a walk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from planner.core.geo import LatLon, distance_matrix


class Mode(StrEnum):
    """How a leg is travelled."""

    WALK = "walk"
    TRANSFER = "transfer"


@dataclass(frozen=True)
class TravelSettings:
    """How a group moves: walking pace and circuity, and when and how it switches to a road transfer."""

    walk_speed_m_per_min: float = 80.0
    detour_factor: float = 1.3
    per_leg_minutes: float = 0.0
    max_walk_m: float = 2500.0
    transfer_speed_kmh: float = 25.0
    transfer_detour_factor: float = 1.3
    transfer_overhead_minutes: float = 10.0


WALKING_LIMITS: dict[str, tuple[str, float, float]] = {
    "speed_m_per_min": ("walk_speed_m_per_min", 20, 150),
    "detour_factor": ("detour_factor", 1.0, 3.0),
    "per_leg_minutes": ("per_leg_minutes", 0, 30),
    "max_walk_m": ("max_walk_m", 100, 20000),
}
"""Walking settings as written in seed files and problem JSON: key -> (TravelSettings field, min, max)."""


def walking_overrides(spec: Mapping[str, object]) -> tuple[dict[str, float], list[tuple[str, str]]]:
    """Validate walking settings given by their JSON keys.

    :return: the TravelSettings field values, and (key, message) for every value out of range.
    """
    values: dict[str, float] = {}
    errors: list[tuple[str, str]] = []
    for key, (field_name, low, high) in WALKING_LIMITS.items():
        if key not in spec:
            continue
        value = spec[key]
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            errors.append((key, f"{value!r} must be a number from {low:g} to {high:g}"))
        else:
            values[field_name] = float(value)
    return values, errors


@dataclass(frozen=True)
class TravelMatrix:
    """Leg metres (along the way, detour included), minutes and mode between every pair of places."""

    metres: NDArray[np.float64]
    minutes: NDArray[np.float64]
    walk: NDArray[np.bool_]

    def mode(self, i: int, j: int) -> Mode:
        """Return the mode of the leg from place i to place j."""
        return Mode.WALK if self.walk[i, j] else Mode.TRANSFER


def travel_matrix(points: Sequence[LatLon], settings: TravelSettings) -> TravelMatrix:
    """Compute leg metres, minutes and modes between all (lat, lon) points."""
    straight = distance_matrix(points)
    walk_m = straight * settings.detour_factor
    walk = walk_m <= settings.max_walk_m
    road_m = straight * settings.transfer_detour_factor
    walk_min = walk_m / settings.walk_speed_m_per_min + settings.per_leg_minutes
    road_min = road_m / (settings.transfer_speed_kmh * 1000 / 60) + settings.transfer_overhead_minutes
    metres = np.where(walk, walk_m, road_m)
    minutes = np.where(walk, walk_min, road_min)
    same = straight == 0  # same place (and the diagonal): no leg at all
    minutes[same] = 0.0
    walk[same] = True
    return TravelMatrix(metres=metres, minutes=minutes, walk=walk)
