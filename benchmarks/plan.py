"""Plan times of tourist-sized problems with the product's deterministic search budget.

Goals: 30 candidates on one day, median <= 300 ms; 100 candidates over 4 days, median <= 3 s. Problems are
generated around central Kanazawa with varied opening hours, one appointment a day and a lunch break.
Also prints the score reached against a 10x longer search on the same problems (how much the budget leaves).

    python benchmarks/plan.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

import numpy as np

from planner.core.hours import parse_hours
from planner.core.itinerary import (
    DEFAULT_ITERATIONS,
    Appointment,
    Candidate,
    DaySpec,
    Lunch,
    Place,
    Problem,
    StopKind,
    plan_itinerary,
)
from planner.core.validate import validate_plan

HOURS = [
    parse_hours({"weekly": {"daily": ["09:00-17:00"]}}),
    parse_hours({"weekly": {"daily": ["10:00-18:00"], "mon": "closed"}}),
    parse_hours({"weekly": {"daily": ["09:30-12:00", "13:00-16:30"]}}),
    parse_hours({"weekly": {"daily": ["00:00-24:00"]}}),
    parse_hours({"weekly": {"daily": ["11:00-15:00"], "wed": "closed"}}),
]


def make_problem(n_candidates: int, n_days: int, seed: int) -> Problem:
    """A random but realistic problem: venues within ~3 km of a hotel in central Kanazawa."""
    rng = np.random.default_rng(seed)
    hotel = Place("hotel", "Hotel", 36.5705, 136.6530)
    first = date(2026, 4, 6)
    days = tuple(DaySpec(first + timedelta(days=n), hotel, hotel, (9 * 60, 18 * 60)) for n in range(n_days))
    candidates = tuple(
        Candidate(
            Place(
                f"v{i}",
                f"Venue {i}",
                36.5705 + rng.uniform(-0.018, 0.018),
                136.6530 + rng.uniform(-0.022, 0.022),
                HOURS[i % len(HOURS)],
            ),
            int(rng.integers(20, 91)),
            priority=float(rng.integers(1, 11)),
            must_visit=i in (0, 5),  # open every day (HOURS[0])
        )
        for i in range(n_candidates)
    )
    appointments = tuple(
        Appointment(Place(f"office{n}", f"Office {n}", 36.566, 136.650 + 0.004 * n), d.day, 14 * 60, 15 * 60)
        for n, d in enumerate(days)
    )
    return Problem("Asia/Tokyo", days, candidates, appointments, Lunch((11 * 60 + 30, 14 * 60), 60))


def score(problem: Problem, plan) -> float:  # type: ignore[no-untyped-def]
    priorities = {c.place.key: c.priority for c in problem.candidates}
    return sum(priorities[s.place.key] for d in plan.days for s in d.stops if s.kind is StopKind.VISIT)


def measure(n_candidates: int, n_days: int, runs: int, goal_ms: float) -> None:
    times, scores, long_scores = [], [], []
    for seed in range(runs):
        problem = make_problem(n_candidates, n_days, seed)
        t0 = time.perf_counter()
        plan = plan_itinerary(problem)
        times.append(time.perf_counter() - t0)
        assert validate_plan(problem, plan) == [], "infeasible plan"
        scores.append(score(problem, plan))
        long_scores.append(score(problem, plan_itinerary(problem, iterations=DEFAULT_ITERATIONS * 10)))
    median = statistics.median(times) * 1000
    ratio = sum(scores) / sum(long_scores)
    print(
        f"{n_candidates:>3} candidates, {n_days} day(s): median {median:7.1f} ms, max {max(times) * 1000:7.1f} ms "
        f"(goal <= {goal_ms:.0f} ms: {'met' if median <= goal_ms else 'MISSED'}); "
        f"score {ratio:.3f} of a 10x longer search"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    plan_itinerary(make_problem(10, 1, 99))  # warm-up: loads the compiled solver kernels
    measure(30, 1, args.runs, 300)
    measure(100, 4, args.runs, 3000)


if __name__ == "__main__":
    main()
