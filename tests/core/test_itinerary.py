"""The itinerary engine: feasible plans on generated problems, named conflicts, drop reasons, locks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.hours import UNKNOWN_HOURS, OpeningHours, parse_hours
from planner.core.itinerary import (
    Appointment,
    Candidate,
    DaySpec,
    DropReason,
    Lunch,
    Place,
    PlanConflict,
    Problem,
    StopKind,
    plan_itinerary,
)
from planner.core.legs import Mode
from planner.core.validate import validate_plan

MONDAY = date(2026, 4, 6)
HOTEL = Place("hotel", "Hotel", 36.5700, 136.6500)
DAILY = parse_hours({"weekly": {"daily": ["09:00-17:00"]}})


def place(key: str, dlat: float, dlon: float, hours: OpeningHours = DAILY) -> Place:
    """A place near the hotel (0.001 deg lat ~ 111 m)."""
    return Place(key, key.title(), HOTEL.lat + dlat, HOTEL.lon + dlon, hours)


def day(n: int = 0, window: tuple[int, int] = (9 * 60, 18 * 60)) -> DaySpec:
    return DaySpec(MONDAY + timedelta(days=n), HOTEL, HOTEL, window)


def problem(*candidates: Candidate, days: int = 1, **kwargs: object) -> Problem:
    return Problem("Asia/Tokyo", tuple(day(n) for n in range(days)), tuple(candidates), **kwargs)  # type: ignore[arg-type]


def visited(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.place.key for d in plan.days for s in d.stops if s.kind is StopKind.VISIT]


def test_simple_day_is_feasible_and_keeps_opening_hours() -> None:
    late = place("late", 0.002, 0.0, parse_hours({"weekly": {"daily": ["14:00-17:00"]}}))
    p = problem(Candidate(place("a", 0.003, 0.001), 60), Candidate(late, 30), Candidate(place("b", -0.002, 0.002), 45))
    plan = plan_itinerary(p)
    assert validate_plan(p, plan) == []
    assert sorted(visited(plan)) == ["a", "b", "late"]
    late_stop = next(s for s in plan.days[0].stops if s.place.key == "late")
    assert late_stop.start >= 14 * 60
    assert all(s.leg is None or s.leg.mode is Mode.WALK for s in plan.days[0].stops)


def test_priority_decides_what_fits() -> None:
    # Two 4-hour visits in a 6-hour day: only one fits, the higher priority one.
    p = problem(
        Candidate(place("low", 0.002, 0), 240, priority=2),
        Candidate(place("high", -0.002, 0), 240, priority=9),
    )
    plan = plan_itinerary(p)
    assert visited(plan) == ["high"]
    assert [(d.place.key, d.reason) for d in plan.dropped] == [("low", DropReason.NO_TIME)]


def test_closed_venue_moves_to_the_day_it_opens() -> None:
    closed_monday = parse_hours({"weekly": {"daily": ["09:00-17:00"], "mon": "closed"}})
    p = problem(Candidate(place("museum", 0.002, 0.002, closed_monday), 60, must_visit=True), days=2)
    plan = plan_itinerary(p)
    assert validate_plan(p, plan) == []
    assert [s.place.key for s in plan.days[1].stops if s.kind is StopKind.VISIT] == ["museum"]


def test_drop_reasons_closed_and_unreachable() -> None:
    closed = parse_hours({"weekly": {"sun": ["09:00-17:00"]}})
    brief = parse_hours({"weekly": {"daily": ["09:00-09:20"]}})  # closes before a far walk can arrive
    p = problem(
        Candidate(place("closed", 0.001, 0, closed), 30),
        Candidate(place("far", 0.014, 0.0, brief), 10),
        Candidate(place("ok", 0.001, 0.001), 30),
    )
    plan = plan_itinerary(p)
    reasons = {d.place.key: d.reason for d in plan.dropped}
    assert reasons == {"closed": DropReason.CLOSED, "far": DropReason.UNREACHABLE}
    assert visited(plan) == ["ok"]


def test_appointments_are_kept_exactly_and_visits_fit_around_them() -> None:
    office = place("office", 0.004, 0.0)
    p = problem(
        Candidate(place("a", 0.002, 0.002), 60),
        Candidate(place("b", -0.002, 0.002), 60),
        appointments=(Appointment(office, MONDAY, 11 * 60, 12 * 60 + 30, "interview"),),
        lunch=Lunch((11 * 60 + 30, 14 * 60), 45),
    )
    plan = plan_itinerary(p)
    assert validate_plan(p, plan) == []
    meeting = next(s for s in plan.days[0].stops if s.kind is StopKind.APPOINTMENT)
    assert (meeting.start, meeting.end, meeting.title) == (660, 750, "interview")
    lunch = next(s for s in plan.days[0].stops if s.kind is StopKind.LUNCH)
    assert lunch.start >= 12 * 60 + 30  # the meeting takes the lunch window's first hour


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (
            lambda: problem(
                appointments=(
                    Appointment(place("x", 0.0, 0.0), MONDAY, 600, 660),
                    Appointment(place("y", 0.012, 0.0), MONDAY, 665, 700),
                )
            ),
            "appointments_too_close",
            "too close",
        ),
        (
            lambda: problem(
                Candidate(
                    place("shut", 0.001, 0, parse_hours({"weekly": {"sun": ["09:00-17:00"]}})), 30, must_visit=True
                )
            ),
            "must_visit_closed",
            "Shut",
        ),
        (
            lambda: problem(
                Candidate(place("a", 0.002, 0), 300, must_visit=True),
                Candidate(place("b", -0.002, 0), 300, must_visit=True),
            ),
            "must_visit_unfit",
            "cannot be fitted",
        ),
        (
            lambda: problem(appointments=(Appointment(place("x", 0.001, 0), MONDAY, 7 * 60, 8 * 60),)),
            "appointment_outside_day",
            "outside the day window",
        ),
        (
            lambda: problem(appointments=(Appointment(place("x", 0.001, 0), MONDAY + timedelta(days=5), 600, 660),)),
            "appointment_outside_trip",
            "outside the trip",
        ),
        (
            lambda: problem(Candidate(place("a", 0.001, 0), 30, day=MONDAY + timedelta(days=3))),
            "lock_outside_trip",
            "locked",
        ),
    ],
)
def test_conflicts_are_named(make, code: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlanConflict) as info:
        plan_itinerary(make())
    assert info.value.code == code
    assert words in info.value.message


def test_day_lock_and_order_lock_are_respected() -> None:
    a, b, c = place("a", 0.002, 0), place("b", 0.0, 0.002), place("c", -0.002, 0)
    p = problem(
        Candidate(a, 30),
        Candidate(b, 30, day=MONDAY + timedelta(days=1)),
        Candidate(c, 30),
        days=2,
        orders=(("c", "a"),),
    )
    plan = plan_itinerary(p)
    assert validate_plan(p, plan) == []
    assert "b" in [s.place.key for s in plan.days[1].stops]
    keys = [s.place.key for d in plan.days for s in d.stops]
    assert keys.index("c") < keys.index("a")


def test_long_legs_become_transfers() -> None:
    p = problem(Candidate(place("far", 0.05, 0.0), 60))  # ~5.5 km away
    plan = plan_itinerary(p)
    assert validate_plan(p, plan) == []
    modes = [s.leg.mode for s in plan.days[0].stops if s.leg]
    assert modes == [Mode.TRANSFER, Mode.TRANSFER]


def test_same_input_gives_the_same_plan() -> None:
    cands = tuple(
        Candidate(place(f"v{i}", 0.0011 * (i % 5), 0.0013 * (i // 5)), 30 + 5 * (i % 4), priority=1 + i % 7)
        for i in range(18)
    )
    p = problem(*cands, days=2, lunch=Lunch((690, 840), 60))
    assert plan_itinerary(p) == plan_itinerary(p)


# --- generated problems: every plan the engine returns passes the independent validator -------------

hours_strategy = st.one_of(
    st.just(UNKNOWN_HOURS),
    st.builds(
        lambda o, length, closed_day, split: parse_hours(
            {
                "weekly": {
                    "daily": [f"{o // 60:02d}:{o % 60:02d}-{(o + length) // 60:02d}:{(o + length) % 60:02d}"]
                    if not split
                    else [f"{o // 60:02d}:{o % 60:02d}-12:00", "13:00-17:30"],
                    closed_day: "closed",
                }
            }
        ),
        st.integers(7 * 60, 11 * 60).map(lambda m: m - m % 15),
        st.integers(60, 9 * 60),
        st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
        st.booleans(),
    ),
)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_days = draw(st.integers(1, 3))
    cands = []
    for i in range(draw(st.integers(0, 14))):
        spot = place(f"v{i}", draw(st.floats(-0.012, 0.012)), draw(st.floats(-0.015, 0.015)), draw(hours_strategy))
        cands.append(
            Candidate(
                spot,
                draw(st.integers(10, 120)),
                priority=draw(st.integers(1, 10)),
                must_visit=draw(st.booleans()) and i < 2,
                day=MONDAY + timedelta(days=draw(st.integers(0, n_days - 1))) if draw(st.integers(0, 5)) == 0 else None,
            )
        )
    appointments = []
    for n in range(n_days):
        if draw(st.booleans()):
            start = draw(st.integers(10 * 60, 15 * 60))
            office = place(f"office{n}", draw(st.floats(-0.01, 0.01)), draw(st.floats(-0.01, 0.01)))
            appointments.append(
                Appointment(office, MONDAY + timedelta(days=n), start, start + draw(st.integers(30, 120)))
            )
    lunch = Lunch((690, 840), draw(st.integers(30, 60))) if draw(st.booleans()) else None
    return Problem("Asia/Tokyo", tuple(day(n) for n in range(n_days)), tuple(cands), tuple(appointments), lunch)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_generated_plan_is_feasible(p: Problem) -> None:
    try:
        plan = plan_itinerary(p, iterations=60)
    except PlanConflict as conflict:
        assert conflict.code.startswith(("must_visit", "appointment")), conflict.code
        return
    assert validate_plan(p, plan) == []


def test_validator_catches_a_tampered_plan() -> None:
    from dataclasses import replace

    p = problem(Candidate(place("a", 0.003, 0.001), 60), Candidate(place("b", -0.002, 0.002), 45))
    plan = plan_itinerary(p)
    stops = list(plan.days[0].stops)
    stops[1] = replace(stops[1], start=stops[1].start - 1, end=stops[1].end - 1)  # leaves before arriving
    tampered = replace(plan, days=(replace(plan.days[0], stops=tuple(stops)),))
    assert validate_plan(p, tampered)
    dropped_must = replace(plan, days=(replace(plan.days[0], stops=(stops[0], stops[-1])),))
    assert any("either visited once or dropped" in e for e in validate_plan(p, dropped_must))
