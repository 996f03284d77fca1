"""TOPTW solver: feasibility on generated instances (checked independently), optimality on tiny ones,
mandatory visits, several windows, per-tour windows, precedence, breaks, determinism."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.toptw import Instance, TourSpec, Visit, schedule_tour, solve

# ------------------------------------------------------------------ independent feasibility check


def check(inst: Instance, tours: Sequence[Sequence[int]]) -> list[str]:
    """Re-derive every rule from the API docs; deliberately shares no code with the solver."""
    errors: list[str] = []
    where: dict[int, tuple[int, int]] = {}
    for k, tour in enumerate(tours):
        spec = inst.tours[k]
        clock = spec.open
        last_loc = spec.start
        for pos, v in enumerate(tour):
            if v in where:
                errors.append(f"visit {v} twice")
            where[v] = (k, pos)
            vis = inst.visits[v]
            leg = 0.0 if vis.location is None else float(inst.travel[last_loc][vis.location])
            arrive = clock + leg
            if vis.location is not None:
                last_loc = vis.location
            starts = [max(arrive, lo) for lo, hi in vis.windows[k] if max(arrive, lo) <= hi + 1e-6]
            if not starts:
                errors.append(f"tour {k}: visit {v} misses its windows (arrival {arrive})")
                break
            clock = min(starts) + vis.service
        if clock + float(inst.travel[last_loc][spec.end]) > spec.close + 1e-6:
            errors.append(f"tour {k} ends late")
    for a, b in inst.precedence:
        if b in where and (a not in where or where[a][0] != where[b][0] or where[a][1] > where[b][1]):
            errors.append(f"precedence {a}->{b}")
    return errors


def score_of(inst: Instance, tours: Sequence[Sequence[int]]) -> float:
    return sum(inst.visits[v].score for t in tours for v in t)


# ------------------------------------------------------------------------------- generated data


@st.composite
def instances(draw: st.DrawFn, max_visits: int = 14, max_tours: int = 3) -> Instance:
    n_loc = draw(st.integers(2, 10))
    pts = np.array(
        draw(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=n_loc, max_size=n_loc)), dtype=float
    )
    travel = np.sqrt(((pts[:, None] - pts[None, :]) ** 2).sum(-1))
    if draw(st.booleans()):  # asymmetric / non-metric matrices must be handled too
        travel = travel * np.array(
            draw(st.lists(st.floats(0.5, 1.5), min_size=n_loc * n_loc, max_size=n_loc * n_loc))
        ).reshape(n_loc, n_loc)
        np.fill_diagonal(travel, 0.0)
    m = draw(st.integers(1, max_tours))
    tours = []
    for _ in range(m):
        o = float(draw(st.integers(0, 20)))
        a, b = draw(st.integers(0, n_loc - 1)), draw(st.integers(0, n_loc - 1))
        # an empty tour must be feasible, otherwise the instance itself is
        tours.append(TourSpec(a, b, o, o + float(travel[a, b]) + draw(st.integers(0, 200))))
    visits = []
    n = draw(st.integers(1, max_visits))
    for _ in range(n):
        loc = None if draw(st.integers(0, 9)) == 0 else draw(st.integers(0, n_loc - 1))
        wins = []
        for _ in range(m):
            cuts = sorted(set(draw(st.lists(st.integers(0, 220), max_size=6))))
            pairs = tuple((float(cuts[i]), float(cuts[i + 1])) for i in range(0, len(cuts) - 1, 2))
            wins.append(pairs)
        visits.append(Visit(loc, float(draw(st.integers(0, 30))), float(draw(st.integers(0, 20))), tuple(wins)))
    prec: list[tuple[int, int]] = []
    if n >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        prec.append((a, b))
    cost = None
    if draw(st.booleans()):
        cost = travel * 2.0 + 1.0
        np.fill_diagonal(cost, 0.0)
    return Instance(travel, tuple(visits), tuple(tours), tuple(prec), cost)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 3))
def test_generated_solutions_are_feasible(inst: Instance, seed: int) -> None:
    sol = solve(inst, iterations=30, seed=seed)
    assert len(sol.tours) == len(inst.tours)
    assert check(inst, sol.tours) == []
    assert sol.score == score_of(inst, sol.tours)
    for k, tour in enumerate(sol.tours):
        assert schedule_tour(inst, k, tour) is not None


def _best_by_enumeration(inst: Instance) -> float:
    """Exhaustive optimum: DFS over feasible partial tours, tour after tour."""
    n = len(inst.visits)
    best = 0.0

    def dfs(k: int, tours: list[list[int]], used: set[int]) -> None:
        nonlocal best
        best = max(best, score_of(inst, tours))
        for v in range(n):
            if v in used:
                continue
            cand = [list(t) for t in tours]
            cand[k].append(v)
            if not check(inst, cand[: k + 1] + [[] for _ in range(len(inst.tours) - k - 1)]):
                dfs(k, cand, used | {v})
        if k + 1 < len(inst.tours):
            dfs(k + 1, tours, used)

    dfs(0, [[] for _ in inst.tours], set())
    return best


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 2))
def test_small_instances_reach_exhaustive_optimum(seed: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    n = 8 if m == 1 else 6
    pts = rng.integers(0, 40, size=(n + 1, 2)).astype(float)
    travel = np.floor(np.sqrt(((pts[:, None] - pts[None, :]) ** 2).sum(-1)))
    visits = []
    for i in range(n):
        lo = float(rng.integers(0, 80))
        visits.append(
            Visit(
                i + 1,
                float(rng.integers(1, 10)),
                float(rng.integers(1, 10)),
                (((lo, lo + float(rng.integers(5, 60))),),) * m,
            )
        )
    inst = Instance(travel, tuple(visits), tuple(TourSpec(0, 0, 0.0, 110.0) for _ in range(m)))
    sol = solve(inst, iterations=200, seed=1)
    assert check(inst, sol.tours) == []
    assert sol.score == _best_by_enumeration(inst)


def _line(n_loc: int) -> np.ndarray:
    x = np.arange(n_loc, dtype=float)
    return np.abs(x[:, None] - x[None, :]) * 10.0


def test_mandatory_visit_kept_even_if_it_displaces_many() -> None:
    # 10 cheap visits near the depot fill the day; the mandatory one far away only fits alone.
    travel = _line(12)
    all_day = (((0.0, 1000.0),),)
    visits = [Visit(1, 10.0, 1.0, all_day) for _ in range(10)]
    visits.append(Visit(11, 0.0, 100.0, all_day))  # score > sum of the others
    inst = Instance(travel, tuple(visits), (TourSpec(0, 0, 0.0, 225.0),))
    sol = solve(inst, iterations=50)
    assert 10 in sol.tours[0]
    assert check(inst, sol.tours) == []


def test_multiple_windows_and_zero_length_appointment() -> None:
    travel = _line(4)
    museum = Visit(1, 30.0, 5.0, (((0.0, 5.0), (60.0, 120.0)),))  # arrive at 10: closed until 60
    appointment = Visit(2, 15.0, 5.0, (((40.0, 40.0),),))  # exactly at 40
    late = Visit(3, 10.0, 5.0, (((100.0, 200.0),),))
    inst = Instance(travel, (museum, appointment, late), (TourSpec(0, 0, 0.0, 300.0),))
    sol = solve(inst, iterations=50)
    assert sorted(sol.tours[0]) == [0, 1, 2]
    sched = schedule_tour(inst, 0, sol.tours[0])
    assert sched is not None
    starts = {s.visit: s.start for s in sched}
    assert starts[1] == 40.0 and starts[0] >= 60.0
    assert check(inst, sol.tours) == []


def test_per_tour_windows_restrict_days() -> None:
    travel = _line(3)
    only_day2 = Visit(1, 10.0, 5.0, ((), ((0.0, 100.0),)))
    closed_day2 = Visit(2, 10.0, 5.0, (((0.0, 100.0),), ()))
    day = TourSpec(0, 0, 0.0, 100.0)
    inst = Instance(travel, (only_day2, closed_day2), (day, day))
    sol = solve(inst, iterations=20)
    assert sol.tours == ((1,), (0,))


def test_appointment_on_one_day_only() -> None:
    travel = _line(3)
    day = TourSpec(0, 0, 0.0, 100.0)
    appt = Visit(2, 0.0, 3.0, ((), (), ((50.0, 50.0),)))
    filler = Visit(1, 10.0, 1.0, (((0.0, 100.0),),) * 3)
    inst = Instance(travel, (filler, appt), (day, day, day))
    sol = solve(inst, iterations=20)
    assert 1 in sol.tours[2]
    assert check(inst, sol.tours) == []


def test_precedence_pairs_kept() -> None:
    travel = _line(4)
    w = (((0.0, 200.0),), ((0.0, 200.0),))
    visits = (Visit(3, 5.0, 1.0, w), Visit(1, 5.0, 1.0, w), Visit(2, 5.0, 1.0, w))
    day = TourSpec(0, 0, 0.0, 200.0)
    # the travel-optimal order is 1, 2, 0 (locations 1, 2, 3); precedence forces 0 before 1
    inst = Instance(travel, visits, (day, day), precedence=((0, 1),))
    sol = solve(inst, iterations=50)
    assert check(inst, sol.tours) == []
    assert sol.score == 3.0
    tour = next(t for t in sol.tours if 1 in t)
    assert 0 in tour and tour.index(0) < tour.index(1)


def test_break_without_location_uses_previous_stop() -> None:
    travel = _line(3)
    lunch = Visit(None, 60.0, 50.0, (((120.0, 150.0),),))
    a = Visit(1, 30.0, 1.0, (((0.0, 300.0),),))
    b = Visit(2, 30.0, 1.0, (((0.0, 300.0),),))
    inst = Instance(travel, (lunch, a, b), (TourSpec(0, 0, 0.0, 300.0),))
    sol = solve(inst, iterations=50)
    assert sorted(sol.tours[0]) == [0, 1, 2]
    sched = schedule_tour(inst, 0, sol.tours[0])
    assert sched is not None
    s = {x.visit: x for x in sched}
    assert 120.0 <= s[0].start <= 150.0
    assert check(inst, sol.tours) == []
    # travel after the break is measured from the previous located stop
    sched2 = schedule_tour(inst, 0, [1, 0, 2])
    assert sched2 is not None
    assert sched2[2].arrival == sched2[1].end + travel[1, 2]


def test_secondary_cost_prefers_cheaper_order() -> None:
    travel = _line(4)
    cost = travel.copy()
    cost[0, 3] = cost[3, 0] = 1.0  # a cheap detour in "metres"
    w = (((0.0, 500.0),),)
    visits = (Visit(1, 1.0, 1.0, w), Visit(2, 1.0, 1.0, w), Visit(3, 1.0, 1.0, w))
    inst = Instance(travel, visits, (TourSpec(0, 0, 0.0, 500.0),), cost=cost)
    sol = solve(inst, iterations=50)
    assert sol.score == 3.0
    assert sol.tours[0] in ((2, 1, 0), (0, 1, 2))
    assert sol.cost == 1.0 + 10.0 + 10.0 + 10.0


def test_deterministic_for_iteration_budget() -> None:
    rng = np.random.default_rng(7)
    n_loc = 40
    pts = rng.uniform(0, 100, size=(n_loc, 2))
    travel = np.sqrt(((pts[:, None] - pts[None, :]) ** 2).sum(-1))
    visits = []
    for i in range(1, n_loc):
        lo = float(rng.uniform(0, 300))
        visits.append(Visit(i, 10.0, float(rng.integers(1, 20)), (((lo, lo + 120.0),),) * 2))
    inst = Instance(travel, tuple(visits), (TourSpec(0, 0, 0.0, 400.0),) * 2)
    a = solve(inst, iterations=100, seed=3)
    b = solve(inst, iterations=100, seed=3)
    assert a == b
    assert check(inst, a.tours) == []


def test_initial_routes_are_used_and_repaired() -> None:
    travel = _line(4)
    w = (((0.0, 100.0),),)
    visits = tuple(Visit(i, 5.0, 1.0, w) for i in (1, 2, 3))
    inst = Instance(travel, visits, (TourSpec(0, 0, 0.0, 100.0),))
    sol = solve(inst, iterations=10, initial=[[2, 0, 1, 1]])
    assert check(inst, sol.tours) == []
    assert sol.score == 3.0


def test_empty_inputs() -> None:
    travel = _line(2)
    inst = Instance(travel, (), (TourSpec(0, 1, 0.0, 100.0),))
    sol = solve(inst, iterations=5)
    assert sol.tours == ((),) and sol.score == 0.0 and sol.cost == 10.0
    assert list(itertools.chain(*sol.tours)) == []


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_longer_search_on_larger_instances_stays_feasible_and_deterministic(seed: int) -> None:
    # enough iterations for restarts, rejected shakes (record-to-record acceptance) and tabu refills
    rng = np.random.default_rng(seed)
    n_loc = 50
    pts = rng.uniform(0, 100, size=(n_loc, 2))
    travel = np.sqrt(((pts[:, None] - pts[None, :]) ** 2).sum(-1))
    visits = []
    for i in range(1, n_loc):
        wins = []
        for _ in range(3):
            lo = float(rng.uniform(0, 250))
            wins.append(((lo, lo + 40.0), (lo + 80.0, lo + 150.0)))
        visits.append(Visit(i, float(rng.integers(5, 20)), float(rng.integers(1, 20)), tuple(wins)))
    visits.append(Visit(None, 30.0, 5.0, (((100.0, 140.0),),) * 3))
    inst = Instance(travel, tuple(visits), (TourSpec(0, 0, 0.0, 400.0),) * 3, precedence=((0, 1), (2, 3)))
    a = solve(inst, iterations=400, seed=seed)
    assert check(inst, a.tours) == []
    assert a.score == score_of(inst, a.tours)
    assert solve(inst, iterations=400, seed=seed) == a
