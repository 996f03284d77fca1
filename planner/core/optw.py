"""Reader of the (T)OPTW benchmark files (KU Leuven CIB format) into a ``toptw.Instance``.

Distances are truncated Euclidean (1 decimal for Solomon, 2 for Cordeau) and scaled by 10 / 100 so the
whole model is exact integers stored as floats; solutions are reported in the original vertex ids.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from planner.core.toptw import Instance, TourSpec, Visit, solve

_CORDEAU = re.compile(r"^pr\d\d$", re.IGNORECASE)


@dataclass(frozen=True)
class Vertex:
    """One line of a benchmark file (raw, unscaled)."""

    id: int
    x: float
    y: float
    service: float
    score: float
    open: float
    close: float


def read_vertices(path: str | Path) -> list[Vertex]:
    """Parse the raw vertex lines (vertex 0 = depot).

    The header is the first six tokens (k v N t / D Q) whatever the line breaks (c204 splits them);
    O and C are the last two tokens of a vertex line because the visit-day list has variable length.
    """
    text = Path(path).read_text().replace("\r", "")
    header = 0
    out: list[Vertex] = []
    for line in text.split("\n"):
        tok = line.split()
        if not tok:
            continue
        if header < 6:
            header += len(tok)
            continue
        out.append(
            Vertex(
                int(tok[0]), float(tok[1]), float(tok[2]), float(tok[3]), float(tok[4]), float(tok[-2]), float(tok[-1])
            )
        )
    return out


def scale_for(path: str | Path) -> int:
    """10 for Solomon instances, 100 for Cordeau (pr01-pr10 or a file under a cordeau folder)."""
    p = Path(path)
    return 100 if _CORDEAU.match(p.stem) or "cordeau" in (s.lower() for s in p.parts) else 10


def read_instance(path: str | Path, tours: int) -> tuple[Instance, list[int]]:
    """Scaled ``Instance`` with ``tours`` identical tours; also the vertex id of every visit index."""
    verts = read_vertices(path)
    scale = scale_for(path)
    xy = np.array([(v.x, v.y) for v in verts])
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    # truncation at the benchmark's precision: floor(scale * d); the tiny nudge keeps exact values
    # such as 5.0 from flooring to 4.9 through floating error
    travel = np.floor(d * scale + 1e-9)
    depot = verts[0]
    specs = tuple(TourSpec(0, 0, depot.open * scale, depot.close * scale) for _ in range(tours))
    visits = tuple(
        Visit(i, v.service * scale, v.score, (((v.open * scale, v.close * scale),),) * tours)
        for i, v in enumerate(verts)
        if i > 0
    )
    return Instance(travel, visits, specs), [v.id for v in verts[1:]]


def solve_optw_file(path: str | Path, tours: int, seconds: float, seed: int = 0) -> dict[str, object]:
    """Solve one benchmark row; tours are lists of vertex ids in visiting order (depot excluded)."""
    t0 = time.perf_counter()
    inst, ids = read_instance(path, tours)
    sol = solve(inst, seconds=max(0.0, seconds - (time.perf_counter() - t0)), seed=seed)
    return {
        "instance": Path(path).stem,
        "tours": [[ids[v] for v in r] for r in sol.tours],
        "score": int(round(sol.score)),
        "seconds": time.perf_counter() - t0,
    }
