"""The tourist planning problem and its day-by-day result, solved as a Team Orienteering Problem with Time
Windows: days are tours, candidate venues are customers scored by priority, opening hours are time windows,
appointments are visits with a zero-width window on one day, and lunch is a break taken where the group is.

Everything here is plain data in and out; the web layer and the CLI build a `Problem` and render a `Plan`.
Times inside a day are whole minutes since that day's local midnight (walking minutes are rounded up), so
a timetable adds up exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np

from planner.core.hours import UNKNOWN_HOURS, Interval, OpeningHours, clock
from planner.core.legs import Mode, TravelMatrix, TravelSettings, travel_matrix
from planner.core.toptw import Instance, TourSpec, Visit, schedule_tour, solve

DEFAULT_ITERATIONS = 2000
"""Deterministic search budget for product plans (benchmarks/plan.py measures its speed)."""


@dataclass(frozen=True)
class Place:
    """A point the group can be at: a venue, a hotel, a station or a clicked point."""

    key: str
    name: str
    lat: float
    lon: float
    hours: OpeningHours = UNKNOWN_HOURS


@dataclass(frozen=True)
class Candidate:
    """A venue the group may visit, with how much they want to and for how long."""

    place: Place
    visit_minutes: int
    priority: float = 1.0
    must_visit: bool = False
    day: date | None = None
    hands_on_minutes: int = 0
    price: float = 0.0


@dataclass(frozen=True)
class Appointment:
    """A fixed meeting, kept exactly: this place, this date, from start to end (minutes since midnight)."""

    place: Place
    day: date
    start: int
    end: int
    title: str = ""


@dataclass(frozen=True)
class DaySpec:
    """One day of the trip: where it starts and ends, and the window the group is out."""

    day: date
    start: Place
    end: Place
    window: Interval


@dataclass(frozen=True)
class Lunch:
    """A lunch break of `minutes`, to start and end within `window`, taken wherever the group is."""

    window: Interval
    minutes: int


@dataclass(frozen=True)
class Problem:
    """Everything the planner needs; see `plan_itinerary`."""

    timezone: str
    days: tuple[DaySpec, ...]
    candidates: tuple[Candidate, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    lunch: Lunch | None = None
    travel: TravelSettings = field(default_factory=TravelSettings)
    orders: tuple[tuple[str, ...], ...] = ()
    """Candidate keys to visit in this order on one day (a locked order)."""


class StopKind(StrEnum):
    """What happens at a stop."""

    START = "start"
    VISIT = "visit"
    APPOINTMENT = "appointment"
    LUNCH = "lunch"
    END = "end"


@dataclass(frozen=True)
class Leg:
    """The way from the previous stop to this one."""

    metres: float
    minutes: int
    mode: Mode


@dataclass(frozen=True)
class Stop:
    """One line of the timetable; times are minutes since local midnight."""

    kind: StopKind
    place: Place
    arrive: int
    start: int
    end: int
    leg: Leg | None = None
    title: str = ""

    @property
    def wait(self) -> int:
        """Minutes spent waiting before the stop starts (e.g. for opening time)."""
        return self.start - self.arrive


@dataclass(frozen=True)
class DayPlan:
    """The ordered stops of one day, first and last being its start and end places."""

    day: date
    stops: tuple[Stop, ...]

    @property
    def walk_metres(self) -> float:
        """Metres walked over the day."""
        return sum(s.leg.metres for s in self.stops if s.leg and s.leg.mode is Mode.WALK)

    @property
    def walk_minutes(self) -> int:
        """Minutes walked over the day."""
        return sum(s.leg.minutes for s in self.stops if s.leg and s.leg.mode is Mode.WALK)

    @property
    def transfer_minutes(self) -> int:
        """Minutes spent in road transfers over the day."""
        return sum(s.leg.minutes for s in self.stops if s.leg and s.leg.mode is Mode.TRANSFER)

    @property
    def visits(self) -> tuple[Stop, ...]:
        """The venue visits of the day (not start, end, lunch or appointments)."""
        return tuple(s for s in self.stops if s.kind is StopKind.VISIT)


class DropReason(StrEnum):
    """Why an optional venue is not in the plan."""

    CLOSED = "closed"
    UNREACHABLE = "unreachable"
    NO_TIME = "no_time"


DROP_REASON_TEXT = {
    DropReason.CLOSED: "closed (or open too briefly for the visit) on every day of the trip",
    DropReason.UNREACHABLE: "cannot be reached before it closes on any day",
    DropReason.NO_TIME: "no time left: higher-priority visits and appointments fill the days",
}


@dataclass(frozen=True)
class Dropped:
    """A candidate left out of the plan, and why."""

    place: Place
    reason: DropReason

    @property
    def reason_text(self) -> str:
        """The reason in words."""
        return DROP_REASON_TEXT[self.reason]


@dataclass(frozen=True)
class Plan:
    """The solved itinerary: one DayPlan per day, the dropped venues, notes (e.g. a day without lunch)."""

    days: tuple[DayPlan, ...]
    dropped: tuple[Dropped, ...] = ()
    notes: tuple[str, ...] = ()


class PlanConflict(ValueError):
    """The problem has no plan; `code` names the kind of conflict and the message names the places."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def plan_itinerary(problem: Problem, *, iterations: int = DEFAULT_ITERATIONS) -> Plan:
    """Plan the trip: keep every appointment and must-visit, maximise the priority of the optional venues
    visited, then minimise the distance travelled.

    :raise PlanConflict: when no plan can keep every appointment and must-visit; the message says which.
    """
    _check_problem(problem)
    model = _Model(problem)
    model.check_appointments()
    model.check_must_visits_open()
    solution = solve(model.instance, iterations=iterations, seed=0)
    visited = {v for tour in solution.tours for v in tour}
    missing = [i for i in model.mandatory if i not in visited]
    if missing:
        names = ", ".join(model.visit_names[i] for i in missing)
        raise PlanConflict(
            "must_visit_unfit",
            f"{names} cannot be fitted around the appointments, opening hours and day windows; "
            "make it optional, add a day or move an appointment",
        )
    days = tuple(model.day_plan(k, order) for k, order in enumerate(solution.tours))
    notes = tuple(
        f"{problem.days[k].day.isoformat()}: no time for a lunch break in its window"
        for k, lunch in model.lunch_visits.items()
        if lunch not in visited
    )
    dropped = tuple(
        Dropped(c.place, model.drop_reason(i)) for i, c in enumerate(problem.candidates) if i not in visited
    )
    return Plan(days=days, dropped=dropped, notes=notes)


def _check_problem(problem: Problem) -> None:
    if not problem.days:
        raise PlanConflict("no_days", "the trip has no days")
    dates = [d.day for d in problem.days]
    if len(set(dates)) != len(dates):
        raise PlanConflict("duplicate_day", "a date appears twice in the trip")
    keys = [c.place.key for c in problem.candidates]
    if len(set(keys)) != len(keys):
        raise PlanConflict("duplicate_candidate", "a venue is listed twice among the candidates")
    for c in problem.candidates:
        if c.day is not None and c.day not in dates:
            raise PlanConflict("lock_outside_trip", f"{c.place.name} is locked to {c.day}, outside the trip")
    for a in problem.appointments:
        if a.day not in dates:
            raise PlanConflict(
                "appointment_outside_trip", f"appointment at {a.place.name} on {a.day} is outside the trip"
            )
        if a.end < a.start:
            raise PlanConflict("appointment_times", f"appointment at {a.place.name} ends before it starts")
    for order in problem.orders:
        unknown = [key for key in order if key not in keys]
        if unknown:
            raise PlanConflict("order_unknown", f"the locked order names {', '.join(unknown)}, not a candidate")


class _Model:
    """The problem turned into a TOPTW instance, with the bookkeeping to turn a solution back."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        places: dict[str, Place] = {}
        for d in problem.days:
            places.setdefault(d.start.key, d.start)
            places.setdefault(d.end.key, d.end)
        for c in problem.candidates:
            places.setdefault(c.place.key, c.place)
        for a in problem.appointments:
            places.setdefault(a.place.key, a.place)
        self.places = list(places.values())
        self.index = {key: i for i, key in enumerate(places)}
        self.matrix: TravelMatrix = travel_matrix([(p.lat, p.lon) for p in self.places], problem.travel)
        self.minutes = np.ceil(self.matrix.minutes - 1e-9)

        n_cand = len(problem.candidates)
        optional_total = sum(c.priority for c in problem.candidates if not c.must_visit)
        lunch_score = optional_total + 1.0
        mandatory_score = (optional_total + lunch_score * len(problem.days) + 1.0) * 2
        visits: list[Visit] = []
        self.visit_names: list[str] = []
        self.mandatory: list[int] = []
        for i, c in enumerate(problem.candidates):
            windows = tuple(
                self._venue_windows(c, k) if c.day in (None, d.day) else () for k, d in enumerate(problem.days)
            )
            score = mandatory_score if c.must_visit else c.priority
            if c.must_visit:
                self.mandatory.append(i)
            visits.append(Visit(self.index[c.place.key], float(c.visit_minutes), score, windows))
            self.visit_names.append(c.place.name)
        self.appointment_visits: dict[int, Appointment] = {}
        for a in problem.appointments:
            k = next(k for k, d in enumerate(problem.days) if d.day == a.day)
            windows = tuple((((float(a.start), float(a.start)),) if j == k else ()) for j in range(len(problem.days)))
            self.appointment_visits[len(visits)] = a
            self.mandatory.append(len(visits))
            visits.append(Visit(self.index[a.place.key], float(a.end - a.start), mandatory_score, windows))
            self.visit_names.append(f"the appointment at {a.place.name}")
        self.lunch_visits: dict[int, int] = {}
        if problem.lunch is not None:
            lunch = problem.lunch
            latest = lunch.window[1] - lunch.minutes
            for k in range(len(problem.days)):
                windows = tuple(
                    (((float(lunch.window[0]), float(latest)),) if j == k and latest >= lunch.window[0] else ())
                    for j in range(len(problem.days))
                )
                self.lunch_visits[k] = len(visits)
                visits.append(Visit(None, float(lunch.minutes), lunch_score, windows))
                self.visit_names.append("lunch")
        tours = tuple(
            TourSpec(self.index[d.start.key], self.index[d.end.key], float(d.window[0]), float(d.window[1]))
            for d in problem.days
        )
        key_to_visit = {c.place.key: i for i, c in enumerate(problem.candidates)}
        precedence = tuple(
            (key_to_visit[a], key_to_visit[b])
            for order in problem.orders
            for a, b in zip(order, order[1:], strict=False)
        )
        self.n_candidates = n_cand
        self.instance = Instance(
            travel=self.minutes, visits=tuple(visits), tours=tours, precedence=precedence, cost=self.matrix.metres
        )

    def _venue_windows(self, c: Candidate, k: int) -> tuple[tuple[float, float], ...]:
        """Allowed visit start times on day k: open intervals long enough for the visit, inside the day."""
        d = self.problem.days[k]
        windows = []
        for opens, closes in c.place.hours.intervals_on(d.day):
            earliest = max(opens, d.window[0])
            latest = min(closes, d.window[1]) - c.visit_minutes
            if latest >= earliest:
                windows.append((float(earliest), float(latest)))
        return tuple(windows)

    def travel(self, a: Place, b: Place) -> int:
        """Whole travel minutes from a to b."""
        return int(self.minutes[self.index[a.key], self.index[b.key]])

    def check_appointments(self) -> None:
        """Name appointments that cannot all be kept: outside the day, overlapping, or too close to reach."""
        for d in self.problem.days:
            todays = sorted((a for a in self.problem.appointments if a.day == d.day), key=lambda a: a.start)
            for a in todays:
                if a.start < d.window[0] or a.end > d.window[1]:
                    raise PlanConflict(
                        "appointment_outside_day",
                        f"the appointment at {a.place.name} on {d.day} is outside the day window",
                    )
            if todays:
                first, last = todays[0], todays[-1]
                if d.window[0] + self.travel(d.start, first.place) > first.start:
                    raise PlanConflict(
                        "appointment_unreachable",
                        f"the appointment at {first.place.name} on {d.day} starts before the group can get "
                        f"there from {d.start.name} ({self.travel(d.start, first.place)} min away)",
                    )
                if last.end + self.travel(last.place, d.end) > d.window[1]:
                    raise PlanConflict(
                        "appointment_unreachable",
                        f"after the appointment at {last.place.name} on {d.day} the group cannot reach "
                        f"{d.end.name} before the day ends",
                    )
            for a, b in zip(todays, todays[1:], strict=False):
                needed = self.travel(a.place, b.place)
                if a.end + needed > b.start:
                    raise PlanConflict(
                        "appointments_too_close",
                        f"the appointments at {a.place.name} (ends {clock(a.end)}) and {b.place.name} "
                        f"(starts {clock(b.start)}) on {d.day} are too close: the way takes {needed} min",
                    )

    def check_must_visits_open(self) -> None:
        """Name must-visit venues that are closed, or unreachable, on every allowed day."""
        for i in self.mandatory:
            if i >= self.n_candidates:
                continue
            reason = self.drop_reason(i)
            if reason is not DropReason.NO_TIME:
                c = self.problem.candidates[i]
                raise PlanConflict(
                    f"must_visit_{reason.value}", f"must-visit {c.place.name} is {DROP_REASON_TEXT[reason]}"
                )

    def drop_reason(self, i: int) -> DropReason:
        """Why candidate i could not be visited, judged on each day alone."""
        visit = self.instance.visits[i]
        open_days = [k for k, w in enumerate(visit.windows) if w]
        if not open_days:
            return DropReason.CLOSED
        if any(schedule_tour(self.instance, k, [i]) is not None for k in open_days):
            return DropReason.NO_TIME
        return DropReason.UNREACHABLE

    def day_plan(self, k: int, order: Sequence[int]) -> DayPlan:
        """Turn tour k of a solution into a timetable."""
        d = self.problem.days[k]
        scheduled = schedule_tour(self.instance, k, order)
        if scheduled is None:  # the solver only returns feasible tours; this guards the contract
            raise AssertionError(f"solver returned an infeasible tour for {d.day}")
        stops = [Stop(StopKind.START, d.start, d.window[0], d.window[0], d.window[0])]
        here = d.start
        for item in scheduled:
            i = item.visit
            if i in self.appointment_visits:
                a = self.appointment_visits[i]
                kind, place, title = StopKind.APPOINTMENT, a.place, a.title
            elif i < self.n_candidates:
                kind, place, title = StopKind.VISIT, self.problem.candidates[i].place, ""
            else:
                kind, place, title = StopKind.LUNCH, here, "lunch"
            leg = self._leg(here, place) if kind is not StopKind.LUNCH else None
            stops.append(
                Stop(kind, place, int(round(item.arrival)), int(round(item.start)), int(round(item.end)), leg, title)
            )
            here = place
        last_end = stops[-1].end
        arrive = last_end + self.travel(here, d.end)
        stops.append(Stop(StopKind.END, d.end, arrive, arrive, arrive, self._leg(here, d.end)))
        # The day starts when the group has to leave: push the start to the first stop's arrival minus the leg.
        first = stops[1]
        if first.leg is not None and first.kind is not StopKind.END:
            leave = first.start - first.leg.minutes
            stops[0] = Stop(StopKind.START, d.start, leave, leave, leave)
            stops[1] = Stop(first.kind, first.place, first.start, first.start, first.end, first.leg, first.title)
        return DayPlan(d.day, tuple(stops))

    def _leg(self, a: Place, b: Place) -> Leg:
        i, j = self.index[a.key], self.index[b.key]
        return Leg(float(self.matrix.metres[i, j]), int(self.minutes[i, j]), self.matrix.mode(i, j))


def hands_on_share(plan: Plan, problem: Problem) -> float:
    """Share of visit time spent on hands-on experiences (0..1): the Kanazawa model's 'experience' measure."""
    hands_on = {c.place.key: c.hands_on_minutes for c in problem.candidates}
    visit = [s for d in plan.days for s in d.visits]
    total = sum(s.end - s.start for s in visit)
    if total == 0:
        return 0.0
    return sum(min(hands_on.get(s.place.key, 0), s.end - s.start) for s in visit) / total
