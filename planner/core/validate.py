"""An independent feasibility check of a Plan against its Problem.

It shares no code with the solver: it recomputes every leg from the coordinates and reads opening hours
itself, so a solver bug cannot hide behind its own bookkeeping. Used by the tests on many generated
problems, and available to anyone who edits a plan by hand.
"""

from __future__ import annotations

import math
from datetime import date

from planner.core.geo import geodesic_m
from planner.core.itinerary import Candidate, Plan, Problem, Stop, StopKind
from planner.core.legs import Mode


def _expected_leg(problem: Problem, a: Stop, b: Stop) -> tuple[float, int, Mode]:
    """Metres, whole minutes and mode of the leg a→b, from first principles."""
    t = problem.travel
    straight = geodesic_m((a.place.lat, a.place.lon), (b.place.lat, b.place.lon))
    if straight == 0:
        return 0.0, 0, Mode.WALK
    walk_m = straight * t.detour_factor
    if walk_m <= t.max_walk_m:
        return walk_m, math.ceil(walk_m / t.walk_speed_m_per_min + t.per_leg_minutes - 1e-9), Mode.WALK
    road_m = straight * t.transfer_detour_factor
    minutes = road_m / (t.transfer_speed_kmh * 1000 / 60) + t.transfer_overhead_minutes
    return road_m, math.ceil(minutes - 1e-9), Mode.TRANSFER


def validate_plan(problem: Problem, plan: Plan) -> list[str]:
    """Return every way the plan breaks the problem's rules (an empty list means feasible)."""
    errors: list[str] = []
    if [d.day for d in plan.days] != [d.day for d in problem.days]:
        return ["the plan's days are not the problem's days"]
    candidates = {c.place.key: c for c in problem.candidates}
    seen: dict[str, int] = {}
    appointments_kept = 0
    for spec, day in zip(problem.days, plan.days, strict=True):
        where = day.day.isoformat()
        stops = day.stops
        if len(stops) < 2 or stops[0].kind is not StopKind.START or stops[-1].kind is not StopKind.END:
            errors.append(f"{where}: a day must begin with its start and finish with its end")
            continue
        if stops[0].place.key != spec.start.key or stops[-1].place.key != spec.end.key:
            errors.append(f"{where}: the day does not start at {spec.start.name} or end at {spec.end.name}")
        if stops[0].end < spec.window[0] or stops[-1].arrive > spec.window[1]:
            errors.append(f"{where}: the day leaves before {spec.window[0]} or returns after {spec.window[1]} min")
        located = stops[0]
        lunches = 0
        for prev, stop in zip(stops, stops[1:], strict=False):
            label = f"{where} {stop.place.name} ({stop.kind.value})"
            if stop.kind is StopKind.LUNCH:
                lunches += 1
                if stop.leg is not None or stop.arrive != prev.end:
                    errors.append(f"{label}: lunch is taken where the group is, right after the previous stop")
            else:
                metres, minutes, mode = _expected_leg(problem, located, stop)
                if stop.leg is None:
                    errors.append(f"{label}: no leg")
                else:
                    if stop.leg.minutes != minutes or stop.leg.mode is not mode or abs(stop.leg.metres - metres) > 0.5:
                        errors.append(f"{label}: leg {stop.leg} should be {metres:.0f} m, {minutes} min, {mode}")
                    if stop.arrive != prev.end + stop.leg.minutes:
                        errors.append(f"{label}: arrives at {stop.arrive}, not {prev.end} + {stop.leg.minutes}")
                located = stop
            if stop.start < stop.arrive or stop.end < stop.start:
                errors.append(f"{label}: starts before arriving or ends before starting")
            if stop.kind is StopKind.VISIT:
                errors.extend(_check_visit(problem, candidates, stop, day.day, label, seen))
            elif stop.kind is StopKind.APPOINTMENT:
                match = [
                    a
                    for a in problem.appointments
                    if a.place.key == stop.place.key and a.day == day.day and (a.start, a.end) == (stop.start, stop.end)
                ]
                if not match:
                    errors.append(f"{label}: not one of the appointments, at its exact time")
                appointments_kept += 1
            elif stop.kind is StopKind.LUNCH:
                lunch = problem.lunch
                if lunch is None or stop.end - stop.start != lunch.minutes:
                    errors.append(f"{label}: lunch of the wrong length")
                elif stop.start < lunch.window[0] or stop.end > lunch.window[1]:
                    errors.append(f"{label}: lunch outside its window")
        if lunches > 1:
            errors.append(f"{where}: more than one lunch")
        errors.extend(_check_orders(problem, day.stops, where))
    if appointments_kept != len(problem.appointments):
        errors.append(f"{appointments_kept} of {len(problem.appointments)} appointments are in the plan")
    for c in problem.candidates:
        if c.must_visit and c.place.key not in seen:
            errors.append(f"must-visit {c.place.name} is missing")
    dropped = {d.place.key for d in plan.dropped}
    if dropped & set(seen) or dropped | set(seen) != set(candidates):
        errors.append("every candidate must be either visited once or dropped")
    return errors


def _check_visit(
    problem: Problem, candidates: dict[str, Candidate], stop: Stop, day: date, label: str, seen: dict[str, int]
) -> list[str]:
    errors = []
    candidate = candidates.get(stop.place.key)
    if candidate is None:
        return [f"{label}: not a candidate"]
    seen[stop.place.key] = seen.get(stop.place.key, 0) + 1
    if seen[stop.place.key] > 1:
        errors.append(f"{label}: visited twice")
    if stop.end - stop.start != candidate.visit_minutes:
        errors.append(f"{label}: visit of {stop.end - stop.start} min, not {candidate.visit_minutes}")
    if candidate.day is not None and candidate.day != day:
        errors.append(f"{label}: locked to {candidate.day}")
    if not any(opens <= stop.start and stop.end <= closes for opens, closes in candidate.place.hours.intervals_on(day)):
        errors.append(f"{label}: {stop.start}-{stop.end} is not inside its opening hours that day")
    return errors


def _check_orders(problem: Problem, stops: tuple[Stop, ...], where: str) -> list[str]:
    position = {s.place.key: i for i, s in enumerate(stops) if s.kind is StopKind.VISIT}
    errors = []
    for order in problem.orders:
        for a, b in zip(order, order[1:], strict=False):
            if b in position and (a not in position or position[a] > position[b]):
                errors.append(f"{where}: locked order broken ({a} must come before {b} on the same day)")
    return errors
