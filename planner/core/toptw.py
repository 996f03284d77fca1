"""Team Orienteering Problem with Time Windows: the engine behind multi-day itineraries.

A tourist's plan is a TOPTW: days are tours, venues are visits with a score (priority) and opening hours
(time windows, possibly several per day and different per day). ``solve`` maximises the total score,
then minimises the total cost, with an iterated local search in the style of Vansteenwegen et al. (2009):
greedy insertion by score^2 / added time with O(1) slack bookkeeping (a latest-arrival generalisation of
maxShift that stays exact with several windows per visit), a shake that removes runs of consecutive
(or scattered) visits, sometimes refilling without the removed visits, record-to-record acceptance
(a refilled solution far below the best is undone), restarts from the best solution and a final
intra-tour 2-opt / or-opt on the cost. The hot loops are numba kernels in ``planner.core.toptw_kernels``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.core import toptw_kernels as K

__all__ = [
    "DEFAULT_ITERATIONS",
    "Instance",
    "ScheduledVisit",
    "Solution",
    "TourSpec",
    "Visit",
    "schedule_tour",
    "solve",
    "warmup",
]

#: Iterations used when neither ``seconds`` nor ``iterations`` is given (deterministic).
DEFAULT_ITERATIONS = 500
_EPS = K.EPS
# search parameters (tuned on the benchmark; kept in one place so the benchmark can experiment)
_P = {
    "restart": 60,
    "noise": 2000,
    "rstart": 1,
    "ls": 0,
    "maxr": 10,
    "scatter": 300,
    "subset": 1,
    "accept": 25,
    "tabu": 300,
    "swap": 1,
}


@dataclass(frozen=True)
class TourSpec:
    """One tour (a day): where it starts and ends, and its time span."""

    start: int  # location index (row of the travel matrix) where the tour starts
    end: int  # location index where it ends (may differ from start)
    open: float  # earliest departure time from start
    close: float  # latest arrival time at end


@dataclass(frozen=True)
class Visit:
    """Something to do. ``windows[k]`` are sorted, disjoint (earliest, latest) service starts on tour k."""

    location: int | None  # None = a break taken where you are (lunch)
    service: float
    score: float
    windows: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class Instance:
    """Travel matrix, visits, tours, optional precedence pairs and secondary cost matrix."""

    travel: np.ndarray
    visits: tuple[Visit, ...]
    tours: tuple[TourSpec, ...]
    precedence: tuple[tuple[int, int], ...] = ()  # (a, b): b visited => a before b on the same tour
    cost: np.ndarray | None = None  # None = travel


@dataclass(frozen=True)
class Solution:
    """Visit indices in visiting order per tour, total score and total cost."""

    tours: tuple[tuple[int, ...], ...]
    score: float
    cost: float


@dataclass(frozen=True)
class ScheduledVisit:
    """Times of one visit in a schedule; wait = start - arrival."""

    visit: int
    arrival: float
    start: float
    end: float


def schedule_tour(instance: Instance, k: int, order: Sequence[int]) -> list[ScheduledVisit] | None:
    """Earliest-start schedule of ``order`` on tour ``k``; None if it breaks a window or the tour close.

    Precedence is not checked here (it involves the other tours); see ``solution_feasible``.
    """
    spec = instance.tours[k]
    travel = instance.travel
    t = float(spec.open)
    here = spec.start
    out: list[ScheduledVisit] = []
    for v in order:
        visit = instance.visits[v]
        if visit.location is None:
            arrival = t
        else:
            arrival = t + float(travel[here, visit.location])
            here = visit.location
        start = None
        for lo, hi in visit.windows[k]:
            if arrival <= hi + _EPS:
                start = max(arrival, float(lo))
                break
        if start is None:
            return None
        out.append(ScheduledVisit(v, arrival, start, start + float(visit.service)))
        t = start + float(visit.service)
    if t + float(travel[here, spec.end]) > spec.close + _EPS:
        return None
    return out


def solution_feasible(instance: Instance, tours: Sequence[Sequence[int]]) -> bool:
    """Every tour schedulable, every visit at most once, every precedence pair respected."""
    seen: dict[int, tuple[int, int]] = {}
    for k, order in enumerate(tours):
        if schedule_tour(instance, k, order) is None:
            return False
        for i, v in enumerate(order):
            if v in seen:
                return False
            seen[v] = (k, i)
    for a, b in instance.precedence:
        if b in seen and (a not in seen or seen[a][0] != seen[b][0] or seen[a][1] >= seen[b][1]):
            return False
    return True


def _tour_cost(instance: Instance, k: int, order: Sequence[int]) -> float:
    cost = instance.travel if instance.cost is None else instance.cost
    spec = instance.tours[k]
    here = spec.start
    total = 0.0
    for v in order:
        loc = instance.visits[v].location
        if loc is not None:
            total += float(cost[here, loc])
            here = loc
    return total + float(cost[here, spec.end])


def _kernel_instance(instance: Instance) -> K.KInst:
    n = len(instance.visits)
    m = len(instance.tours)
    travel = np.ascontiguousarray(instance.travel, dtype=np.float64)
    cost = travel if instance.cost is None else np.ascontiguousarray(instance.cost, dtype=np.float64)
    woff = np.zeros((m, n), np.int64)
    wcnt = np.zeros((m, n), np.int64)
    we: list[float] = []
    wl: list[float] = []
    for v, visit in enumerate(instance.visits):
        if len(visit.windows) != m:
            raise ValueError(f"visit {v}: {len(visit.windows)} window lists for {m} tours")
        for k, wins in enumerate(visit.windows):
            woff[k, v] = len(we)
            wcnt[k, v] = len(wins)
            for lo, hi in wins:
                we.append(float(lo))
                wl.append(float(hi))
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for a, b in instance.precedence:
        preds[b].append(a)
        succs[a].append(b)

    def csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        off = np.zeros(n + 1, np.int64)
        off[1:] = np.cumsum([len(x) for x in lists])
        flat = np.array([x for xs in lists for x in xs], dtype=np.int64)
        return off, flat

    pp_off, pp = csr(preds)
    sp_off, sp = csr(succs)
    hasprec = np.array([bool(preds[v] or succs[v]) for v in range(n)], dtype=np.bool_)
    return K.KInst(
        travel,
        cost,
        np.array([-1 if v.location is None else v.location for v in instance.visits], dtype=np.int64),
        np.array([v.service for v in instance.visits], dtype=np.float64),
        np.array([v.score for v in instance.visits], dtype=np.float64),
        woff,
        wcnt,
        np.array(we, dtype=np.float64),
        np.array(wl, dtype=np.float64),
        np.array([t.start for t in instance.tours], dtype=np.int64),
        np.array([t.end for t in instance.tours], dtype=np.int64),
        np.array([t.open for t in instance.tours], dtype=np.float64),
        np.array([t.close for t in instance.tours], dtype=np.float64),
        pp_off,
        pp,
        sp_off,
        sp,
        hasprec,
        bool(hasprec.any()),
    )


def solve(
    instance: Instance,
    *,
    seconds: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    initial: Sequence[Sequence[int]] | None = None,
) -> Solution:
    """Maximise total score, then minimise total cost.

    With ``iterations`` (and no ``seconds``) the result depends only on the input and ``seed``.
    With ``seconds`` the search runs until the wall-clock budget is spent (or ``iterations`` are done).
    Neither: ``DEFAULT_ITERATIONS``. ``initial`` routes are kept as far as they stay feasible.
    """
    n = len(instance.visits)
    m = len(instance.tours)
    if m == 0 or n == 0:
        return Solution(tuple(() for _ in range(m)), 0.0, sum(_tour_cost(instance, k, ()) for k in range(m)))
    t0 = time.perf_counter()
    ki = _kernel_instance(instance)
    cur = K.new_sol(n, m)
    best = K.new_sol(n, m)
    prev = K.new_sol(n, m)
    if initial is not None:
        routes = [list(initial[k]) if k < len(initial) else [] for k in range(m)]
        flat = np.array([v for r in routes for v in r], dtype=np.int64)
        off = np.zeros(m + 1, np.int64)
        off[1:] = np.cumsum([len(r) for r in routes])
        K.seed_routes(ki, cur, flat, off)
    bd = np.full((n, m), -1.0)
    bp = np.zeros((n, m), np.int64)
    max_r = max(2, min(n // (3 * m), _P["maxr"]))
    st = np.array(
        [
            0,
            1,
            0,
            0,
            0,
            max_r,
            _P["restart"],
            _P["noise"],
            _P["rstart"],
            _P["ls"],
            _P["scatter"],
            _P["subset"],
            1,
            _P["accept"],
            _P["tabu"],
            _P["swap"],
        ],
        dtype=np.int64,
    )
    fst = np.zeros(2)
    rng = np.array([(seed * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % 2**64 or 1], dtype=np.uint64)
    if seconds is None:
        K.ils(ki, cur, best, prev, bd, bp, st, fst, rng, DEFAULT_ITERATIONS if iterations is None else iterations)
    else:
        deadline = t0 + seconds
        limit = iterations if iterations is not None else 1 << 62
        chunk = 1
        done = 0
        while done < limit:
            c0 = time.perf_counter()
            step = min(chunk, limit - done)
            K.ils(ki, cur, best, prev, bd, bp, st, fst, rng, step)
            done += step
            now = time.perf_counter()
            per = (now - c0) / step
            if now + per >= deadline:
                break
            # size chunks to ~1/20 of the budget so the deadline is kept tightly
            chunk = max(1, min(int(seconds / 20 / max(per, 1e-7)), int((deadline - now) / max(per, 1e-7))))
    K.polish(ki, best, bd, bp, rng)
    tours = tuple(tuple(int(v) for v in best.R[k, : best.rl[k]]) for k in range(m))
    score = float(sum(instance.visits[v].score for r in tours for v in r))
    cost = float(sum(_tour_cost(instance, k, r) for k, r in enumerate(tours)))
    return Solution(tours, score, cost)


def warmup() -> None:
    """Compile (or load from cache) the numba kernels on a tiny instance."""
    travel = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]])
    visits = (
        Visit(1, 1.0, 1.0, (((0.0, 10.0),),)),
        Visit(2, 1.0, 2.0, (((0.0, 3.0), (5.0, 10.0)),)),
        Visit(None, 1.0, 1.0, (((0.0, 10.0),),)),
    )
    inst = Instance(travel, visits, (TourSpec(0, 0, 0.0, 20.0),), precedence=((0, 1),))
    solve(inst, iterations=3)
