"""Vectorized geodesic matrix (pyproj) against a geopy loop, side by side on the same points.

Prints both timings, the speed ratio and the largest relative difference. Goal: ratio >= 50 at 300 points and
agreement within 0.01 % (1e-4).

    python benchmarks/matrix.py [--points 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from geopy.distance import geodesic

from planner.core.geo import distance_matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    # A Kanazawa-sized cloud plus a few far points (Chungnam), so short and long geodesics both count.
    pts = np.column_stack([rng.uniform(36.52, 36.62, args.points), rng.uniform(136.60, 136.72, args.points)])
    pts[: args.points // 10] = np.column_stack(
        [rng.uniform(36.0, 36.8, args.points // 10), rng.uniform(126.5, 127.2, args.points // 10)]
    )
    points = [tuple(p) for p in pts]

    fast = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        matrix = distance_matrix(points)
        fast.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    reference = np.array([[geodesic(a, b).meters for b in points] for a in points])
    slow = time.perf_counter() - t0

    off = ~np.eye(args.points, dtype=bool)
    rel = np.abs(matrix[off] - reference[off]) / reference[off]
    best = min(fast)
    print(f"points: {args.points} ({args.points * args.points} pairs)")
    print(f"pyproj matrix: {best * 1000:.1f} ms (best of {args.repeat})")
    print(f"geopy loop:    {slow * 1000:.1f} ms")
    print(f"speed ratio:   {slow / best:.0f}x (goal >= 50x)")
    print(f"largest relative difference: {rel.max():.2e} (goal <= 1e-4)")


if __name__ == "__main__":
    main()
