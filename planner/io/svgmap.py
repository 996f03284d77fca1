"""A day's route map drawn as SVG by the app itself, so a handout prints without tiles or internet.

Points are projected with an azimuthal equidistant projection centred on the day's bounding box (pyproj), so
metres on the map are metres on the ground near the centre and the scale bar is true; north is up. Numbered
circles that would overlap are pushed apart and joined to their true position by a thin leader line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape
from pyproj import CRS, Transformer

WIDTH = 1000
HEIGHT = 500
MIN_SPAN_M = 400.0
"""The smallest ground distance a map shows, so a one-stop day is not zoomed to the pavement."""
LABEL_R = 13.0
NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class MapMarker:
    """A numbered stop: `label` is what the timetable shows ("S", "1", "2", ..., "E")."""

    label: str
    lat: float
    lon: float
    kind: str


@dataclass(frozen=True)
class MapLeg:
    """A straight line from one stop to the next; `mode` is "walk" or "transfer"."""

    start: tuple[float, float]
    end: tuple[float, float]
    mode: str


Point = tuple[float, float]


def route_map_svg(markers: Sequence[MapMarker], legs: Sequence[MapLeg], *, title: str = "") -> str:
    """Draw the stops and legs of one day as an SVG document fragment (an ``<svg>`` element)."""
    frame = _Frame.fit([(m.lat, m.lon) for m in markers] + [p for leg in legs for p in (leg.start, leg.end)])
    anchors = [frame.to_svg(m.lat, m.lon) for m in markers]
    labels = _spread_labels(anchors, frame)
    parts = [
        f'<svg class="route-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif">',
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="#f6f4ee" stroke="#8a8f99"/>',
    ]
    for leg in legs:
        (x1, y1), (x2, y2) = frame.to_svg(*leg.start), frame.to_svg(*leg.end)
        dash = ' stroke-dasharray="10 7"' if leg.mode == "transfer" else ""
        colour = "#3d5a80" if leg.mode == "transfer" else "#a4372a"
        parts.append(
            f'<path class="leg leg-{escape(leg.mode)}" d="M{x1:.1f},{y1:.1f} L{(x1 + x2) / 2:.1f},{(y1 + y2) / 2:.1f} '
            f'L{x2:.1f},{y2:.1f}" fill="none" stroke="{colour}" stroke-width="4" stroke-linecap="round"{dash}/>'
        )
        parts.append(_arrow_head((x1, y1), (x2, y2), colour))
    for (ax, ay), (lx, ly) in zip(anchors, labels, strict=True):
        if math.dist((ax, ay), (lx, ly)) > LABEL_R * 0.3:
            parts.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{lx:.1f}" y2="{ly:.1f}" stroke="#1d2330"/>')
        parts.append(f'<circle cx="{ax:.1f}" cy="{ay:.1f}" r="3.5" fill="#1d2330"/>')
    for marker, (lx, ly) in zip(markers, labels, strict=True):
        fill = "#1d2330" if marker.kind in ("start", "end") else "#a4372a"
        size = 15 if len(marker.label) < 2 else 13
        parts.append(
            f'<g class="stop" data-label="{escape(marker.label)}">'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="{LABEL_R}" fill="{fill}" stroke="#fff" stroke-width="2"/>'
            f'<text x="{lx:.1f}" y="{ly + size * 0.36:.1f}" font-size="{size}" font-weight="bold" fill="#fff" '
            f'text-anchor="middle">{escape(marker.label)}</text></g>'
        )
    parts.append(_scale_bar(frame.px_per_m))
    parts.append(_north_arrow())
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class _Frame:
    """The projection and the fit of the day's points into the drawing, leaving room for the decorations."""

    transformer: Transformer
    px_per_m: float
    offset: Point

    PAD_X = 40.0
    PAD_TOP = 60.0  # the north arrow sits top right
    PAD_BOTTOM = 60.0  # the scale bar sits bottom left

    @classmethod
    def fit(cls, points: Sequence[Point]) -> _Frame:
        lats = [p[0] for p in points] or [0.0]
        lons = [p[1] for p in points] or [0.0]
        lat0, lon0 = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
        aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
        transformer = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
        xs, ys = transformer.transform(lons, lats)
        span_x = max(max(xs) - min(xs), MIN_SPAN_M)
        span_y = max(max(ys) - min(ys), MIN_SPAN_M)
        inner_w, inner_h = WIDTH - 2 * cls.PAD_X, HEIGHT - cls.PAD_TOP - cls.PAD_BOTTOM
        px_per_m = min(inner_w / span_x, inner_h / span_y)
        mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        centre = (cls.PAD_X + inner_w / 2, cls.PAD_TOP + inner_h / 2)
        return cls(transformer, px_per_m, (centre[0] - mid_x * px_per_m, centre[1] + mid_y * px_per_m))

    def to_svg(self, lat: float, lon: float) -> Point:
        x, y = self.transformer.transform(lon, lat)
        return self.offset[0] + x * self.px_per_m, self.offset[1] - y * self.px_per_m  # SVG y grows downwards


def _spread_labels(anchors: Sequence[Point], frame: _Frame) -> list[Point]:
    """Push overlapping circles apart until none overlap (or the rounds run out); deterministic."""
    labels = [list(p) for p in anchors]
    gap = 2 * LABEL_R + 3
    golden = math.pi * (3 - math.sqrt(5))
    for _ in range(400):
        moved = False
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                dx, dy = labels[j][0] - labels[i][0], labels[j][1] - labels[i][1]
                dist = math.hypot(dx, dy)
                if dist >= gap:
                    continue
                if dist < 1e-6:  # same spot (start and end at one hotel): split along a fixed angle
                    dx, dy, dist = math.cos(golden * (i + j)), math.sin(golden * (i + j)), 1.0
                push = (gap - dist) / 2 + 0.1
                labels[i][0] -= dx / dist * push
                labels[i][1] -= dy / dist * push
                labels[j][0] += dx / dist * push
                labels[j][1] += dy / dist * push
                moved = True
        for label in labels:
            label[0] = min(max(label[0], LABEL_R + 4), WIDTH - LABEL_R - 4)
            label[1] = min(max(label[1], LABEL_R + 4), HEIGHT - frame.PAD_BOTTOM + LABEL_R)
        if not moved:
            break
    return [(x, y) for x, y in labels]


def _arrow_head(a: Point, b: Point, colour: str) -> str:
    """A small arrow at the middle of a leg, pointing the way the group walks."""
    length = math.dist(a, b)
    if length < 4 * LABEL_R:  # too short to show an arrow without it hiding under the circles
        return ""
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    mx, my = (a[0] + b[0]) / 2 + ux * 6, (a[1] + b[1]) / 2 + uy * 6
    back, side = 14, 7
    p1 = (mx - ux * back - uy * side, my - uy * back + ux * side)
    p2 = (mx - ux * back + uy * side, my - uy * back - ux * side)
    return (
        f'<polygon class="arrow" points="{mx:.1f},{my:.1f} {p1[0]:.1f},{p1[1]:.1f} {p2[0]:.1f},{p2[1]:.1f}" '
        f'fill="{colour}"/>'
    )


def nice_distance(max_metres: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most `max_metres` (at least 1 m)."""
    if max_metres < 1:
        return 1.0
    power = 10 ** math.floor(math.log10(max_metres))
    return float(max(step * power for step in NICE_STEPS if step * power <= max_metres))


def distance_text(metres: float) -> str:
    """'500 m', '1 km', '2.5 km'."""
    if metres < 1000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:g} km"


def _scale_bar(px_per_m: float) -> str:
    metres = nice_distance(0.25 * WIDTH / px_per_m)
    length = metres * px_per_m
    x, y = 20.0, HEIGHT - 22.0
    half = length / 2
    return (
        '<g class="scale-bar">'
        f'<rect x="{x - 6}" y="{y - 30}" width="{length + 12 + 60}" height="40" fill="#fff" fill-opacity="0.85"/>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{half:.1f}" height="6" fill="#1d2330"/>'
        f'<rect x="{x + half:.1f}" y="{y:.1f}" width="{half:.1f}" height="6" fill="#fff" stroke="#1d2330"/>'
        f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="15" fill="#1d2330">0</text>'
        f'<text x="{x + length:.1f}" y="{y - 6:.1f}" font-size="15" fill="#1d2330" text-anchor="middle">'
        f"{distance_text(metres)}</text></g>"
    )


def _north_arrow() -> str:
    x, y = WIDTH - 36.0, 22.0
    return (
        '<g class="north-arrow">'
        f'<text x="{x}" y="{y + 6}" font-size="17" font-weight="bold" text-anchor="middle" fill="#1d2330">N</text>'
        f'<polygon points="{x},{y + 12} {x + 11},{y + 42} {x},{y + 34}" fill="#1d2330"/>'
        f'<polygon points="{x},{y + 12} {x - 11},{y + 42} {x},{y + 34}" fill="#fff" stroke="#1d2330"/></g>'
    )
