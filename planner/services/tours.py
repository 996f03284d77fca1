"""Tours: the problem JSON (what the plan API takes and a Tour stores) turned into a core Problem, planned,
and the Plan turned back into JSON.

Problem JSON, in short (docs/api.md has it whole):
``{"region": "kanazawa", "start_date": "2018-03-25", "end_date": "2018-03-28",
"start": PLACE, "end": PLACE, "day_window": ["09:00", "18:00"], "lunch": {"window": [...], "minutes": 60},
"walking": {"speed_m_per_min": 70}, "days": [{"date": ..., "start": PLACE, "end": PLACE, "day_window": [...]}],
"candidates": [PLACE + {"priority": 5, "must_visit": false, "visit_minutes": 60, "day": "..."}],
"appointments": [PLACE + {"date": ..., "start": "10:00", "end": "11:30", "title": "..."}],
"orders": [[KEY, KEY, ...]]}`` where PLACE is ``{"venue": slug}``, ``{"venue_id": id}`` or an inline
``{"name": ..., "lat": ..., "lon": ...}`` and KEY is a venue slug.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.core.geo import as_latlon
from planner.core.hours import HoursError, clock, parse_clock, parse_hours
from planner.core.itinerary import (
    Appointment,
    Candidate,
    DayPlan,
    DaySpec,
    Lunch,
    Place,
    Plan,
    Problem,
    StopKind,
    hands_on_share,
    plan_itinerary,
)
from planner.core.legs import walking_overrides
from planner.db.models import Region, Tour, Venue
from planner.io.records import SLUG, FieldErrors
from planner.services.places import region_travel, venue_place, visit_minutes

MAX_DAYS = 14
MAX_CANDIDATES = 300


def tour_problem_from_seed(doc: Mapping[str, Any], venue_slugs: set[str]) -> dict[str, Any]:
    """Turn a data/tours/*.yaml document into problem JSON, checking that its venues exist."""
    errors = FieldErrors()

    def ref(slug: object, where: str) -> dict[str, Any]:
        if slug not in venue_slugs:
            errors.add(where, f"{slug!r} is not a venue of region {doc.get('region')}")
        return {"venue": slug}

    def window(text: object, where: str) -> list[str]:
        start, _, end = str(text).partition("-")
        if not end:
            errors.add(where, f"{text!r} must be like 09:00-18:00")
        return [start.strip(), end.strip()]

    problem: dict[str, Any] = {
        "region": doc.get("region"),
        "start_date": str(doc.get("start_date")),
        "end_date": str(doc.get("end_date")),
        "start": ref(doc.get("start"), "start"),
        "end": ref(doc.get("end", doc.get("start")), "end"),
        "day_window": window(doc.get("day_window", "09:00-18:00"), "day_window"),
        "travellers": doc.get("travellers", 1),
    }
    if isinstance(doc.get("title"), Mapping):
        problem["title"] = dict(doc["title"])
    if doc.get("lunch"):
        lunch = doc["lunch"]
        problem["lunch"] = {"window": window(lunch.get("window"), "lunch.window"), "minutes": lunch.get("minutes")}
    if doc.get("walking"):
        problem["walking"] = dict(doc["walking"])
    problem["days"] = []
    for i, day in enumerate(doc.get("days") or []):
        item: dict[str, Any] = {"date": str(day.get("date"))}
        for key in ("start", "end"):
            if key in day:
                item[key] = ref(day[key], f"days[{i}].{key}")
        if "day_window" in day:
            item["day_window"] = window(day["day_window"], f"days[{i}].day_window")
        problem["days"].append(item)
    problem["appointments"] = [
        {
            **ref(a.get("venue"), f"appointments[{i}].venue"),
            "date": str(a.get("date")),
            "start": str(a.get("start")),
            "end": str(a.get("end")),
            "title": dict(a["title"]) if isinstance(a.get("title"), Mapping) else str(a.get("title") or ""),
            "example_time": bool(a.get("example_time", False)),
        }
        for i, a in enumerate(doc.get("appointments") or [])
    ]
    problem["candidates"] = [
        {
            **ref(c.get("venue"), f"candidates[{i}].venue"),
            "priority": c.get("priority", 5),
            "must_visit": bool(c.get("must_visit", False)),
        }
        for i, c in enumerate(doc.get("candidates") or [])
    ]
    if errors.errors:
        raise errors
    return problem


class _Resolver:
    """Resolves PLACE objects of one problem against the store, collecting field errors."""

    def __init__(self, session: Session, region: Region, errors: FieldErrors) -> None:
        self.session = session
        self.region = region
        self.errors = errors
        self.venues: dict[str, Venue] = {}
        self._points = 0

    def venue(self, spec: Mapping[str, Any], where: str) -> Venue | None:
        venue = None
        if "venue_id" in spec:
            venue = self.session.get(Venue, spec["venue_id"])
            if venue is None or venue.region_id != self.region.id:
                self.errors.add(f"{where}.venue_id", f"no venue with id {spec['venue_id']!r} in {self.region.slug}")
                return None
        elif "venue" in spec:
            venue = self.session.scalar(
                select(Venue).where(Venue.region_id == self.region.id, Venue.slug == spec["venue"])
            )
            if venue is None:
                self.errors.add(f"{where}.venue", f"no venue {spec['venue']!r} in region {self.region.slug}")
                return None
        if venue is not None:
            self.venues[f"venue:{venue.id}"] = venue
        return venue

    def place(self, spec: object, where: str) -> Place | None:
        if not isinstance(spec, Mapping):
            self.errors.add(where, "must be a place: {venue: slug}, {venue_id: id} or {name, lat, lon}")
            return None
        if "venue" in spec or "venue_id" in spec:
            venue = self.venue(spec, where)
            return venue_place(venue) if venue else None
        name, lat, lon = spec.get("name"), spec.get("lat"), spec.get("lon")
        position = as_latlon(lat, lon)
        if position is None:
            self.errors.add(f"{where}.lat", f"({lat!r}, {lon!r}) is not a valid latitude/longitude")
            return None
        try:
            hours = parse_hours(spec.get("hours"))
        except HoursError as exc:
            self.errors.add(f"{where}.hours", str(exc))
            return None
        self._points += 1
        label = str(name or f"{position[0]:.5f}, {position[1]:.5f}")
        return Place(key=f"point:{self._points}", name=label, lat=position[0], lon=position[1], hours=hours)


def _date(value: object, where: str, errors: FieldErrors) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add(where, f"{value!r} is not a date like 2026-04-01")
        return None


def _clock(value: object, where: str, errors: FieldErrors) -> int | None:
    try:
        return parse_clock(str(value))
    except HoursError as exc:
        errors.add(where, str(exc))
        return None


def _window(value: object, where: str, errors: FieldErrors) -> tuple[int, int] | None:
    if not (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2):
        errors.add(where, f"{value!r} must be [start, end] like ['09:00', '18:00']")
        return None
    start, end = _clock(value[0], f"{where}[0]", errors), _clock(value[1], f"{where}[1]", errors)
    if start is None or end is None:
        return None
    if end <= start:
        errors.add(where, f"ends ({value[1]}) before it starts ({value[0]})")
        return None
    return start, end


def build_problem(session: Session, spec: Mapping[str, Any]) -> tuple[Problem, Region, dict[str, Venue]]:
    """Resolve problem JSON against the store into a core Problem.

    :return: the problem, its region and the venues it names by core place key.
    :raise FieldErrors: with a message per bad field (dotted paths like ``candidates.3.venue``).
    """
    errors = FieldErrors()
    region = session.scalar(select(Region).where(Region.slug == spec.get("region")))
    if region is None:
        errors.add("region", f"no region {spec.get('region')!r}")
        raise errors
    resolve = _Resolver(session, region, errors)
    first = _date(spec.get("start_date"), "start_date", errors)
    last = _date(spec.get("end_date", spec.get("start_date")), "end_date", errors)
    window = _window(spec.get("day_window", ["09:00", "18:00"]), "day_window", errors)
    start = resolve.place(spec.get("start"), "start")
    end = resolve.place(spec["end"], "end") if spec.get("end") else start
    if first and last and not 0 <= (last - first).days < MAX_DAYS:
        errors.add("end_date", f"the trip must run from start_date for 1 to {MAX_DAYS} days")
        first = None
    if errors.errors:
        raise errors
    assert first and last and window and start and end
    overrides = {}
    for i, item in enumerate(spec.get("days") or []):
        day = _date(item.get("date"), f"days.{i}.date", errors)
        if day is None:
            continue
        if not first <= day <= last:
            errors.add(f"days.{i}.date", f"{day} is outside the trip ({first} to {last})")
        overrides[day] = (
            resolve.place(item["start"], f"days.{i}.start") if item.get("start") else start,
            resolve.place(item["end"], f"days.{i}.end") if item.get("end") else end,
            _window(item["day_window"], f"days.{i}.day_window", errors) if item.get("day_window") else window,
        )
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        s, e, w = overrides.get(day, (start, end, window))
        if s and e and w:
            days.append(DaySpec(day, s, e, w))

    candidates = []
    raw_candidates = spec.get("candidates") or []
    if len(raw_candidates) > MAX_CANDIDATES:
        errors.add("candidates", f"{len(raw_candidates)} candidates; at most {MAX_CANDIDATES} can be planned at once")
        raw_candidates = []
    for i, item in enumerate(raw_candidates):
        where = f"candidates.{i}"
        place = resolve.place(item, where)
        if place is None:
            continue
        venue = resolve.venues.get(place.key)
        minutes = item.get("visit_minutes") or (visit_minutes(venue) if venue else 30)
        if not isinstance(minutes, int) or not 1 <= minutes <= 720:
            errors.add(f"{where}.visit_minutes", f"{minutes!r} must be whole minutes from 1 to 720")
            continue
        priority = item.get("priority", 5)
        if not isinstance(priority, int | float) or isinstance(priority, bool) or not 0 < priority <= 100:
            errors.add(f"{where}.priority", f"{priority!r} must be a number above 0 and at most 100")
            continue
        locked = _date(item["day"], f"{where}.day", errors) if item.get("day") else None
        hands_on = venue.experience_minutes or 0 if venue and venue.experience_offered else 0
        price = (
            (venue.admission_price or 0) + ((venue.experience_price or 0) if venue and hands_on else 0) if venue else 0
        )
        candidates.append(
            Candidate(
                place=place,
                visit_minutes=minutes,
                priority=float(priority),
                must_visit=bool(item.get("must_visit", False)),
                day=locked,
                hands_on_minutes=min(hands_on, minutes),
                price=float(price),
            )
        )
    appointments = []
    for i, item in enumerate(spec.get("appointments") or []):
        where = f"appointments.{i}"
        place = resolve.place(item, where)
        day = _date(item.get("date"), f"{where}.date", errors)
        a_start = _clock(item.get("start"), f"{where}.start", errors)
        a_end = _clock(item.get("end"), f"{where}.end", errors)
        if a_start is not None and a_end is not None and a_end <= a_start:
            errors.add(f"{where}.end", "the appointment must end after it starts")
        elif place and day and a_start is not None and a_end is not None:
            appointments.append(Appointment(place, day, a_start, a_end, _title(item.get("title"))))
    lunch = None
    if spec.get("lunch"):
        lunch_window = _window(spec["lunch"].get("window"), "lunch.window", errors)
        minutes = spec["lunch"].get("minutes", 60)
        if not isinstance(minutes, int) or not 10 <= minutes <= 180:
            errors.add("lunch.minutes", f"{minutes!r} must be whole minutes from 10 to 180")
        elif lunch_window:
            lunch = Lunch(lunch_window, minutes)
    travel = region_travel(region)
    walking, problems = walking_overrides(spec.get("walking") or {})
    travel = replace(travel, **walking)
    for key, message in problems:
        errors.add(f"walking.{key}", message)
    orders = []
    slug_key = {v.slug: key for key, v in resolve.venues.items()}
    candidate_keys = {c.place.key for c in candidates}
    for i, order in enumerate(spec.get("orders") or []):
        keys = [slug_key.get(slug) for slug in order if isinstance(slug, str)]
        if len(keys) != len(order) or any(k not in candidate_keys for k in keys):
            errors.add(f"orders.{i}", "a locked order must list venue slugs that are candidates")
        elif len(keys) > 1:
            orders.append(tuple(k for k in keys if k))
    if errors.errors:
        raise errors
    problem = Problem(
        timezone=region.timezone,
        days=tuple(days),
        candidates=tuple(candidates),
        appointments=tuple(appointments),
        lunch=lunch,
        travel=travel,
        orders=tuple(orders),
    )
    return problem, region, resolve.venues


def _title(value: object, lang: str = "en") -> str:
    if isinstance(value, Mapping):
        return str(value.get(lang) or next(iter(value.values()), ""))
    return str(value or "")


def plan_problem(session: Session, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Resolve, plan and serialise: problem JSON in, result JSON out.

    :raise FieldErrors: bad input; :raise PlanConflict: no plan keeps every appointment and must-visit.
    """
    problem, region, venues = build_problem(session, spec)
    plan = plan_itinerary(problem)
    return plan_to_dict(plan, problem, region, venues)


def plan_to_dict(plan: Plan, problem: Problem, region: Region, venues: Mapping[str, Venue]) -> dict[str, Any]:
    """Serialise a plan with everything a timetable, map or handout shows."""
    prices = {c.place.key: c.price for c in problem.candidates}
    hands_on = {c.place.key: c.hands_on_minutes for c in problem.candidates}
    days = [_day_dict(day, venues, prices, hands_on) for day in plan.days]
    visit_minutes_total = sum(d["totals"]["visit_minutes"] for d in days)
    return {
        "region": region.slug,
        "timezone": region.timezone,
        "currency": region.currency,
        "planned_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "days": days,
        "dropped": [
            {**_place_dict(d.place, venues), "reason": d.reason.value, "reason_text": d.reason_text}
            for d in plan.dropped
        ],
        "notes": list(plan.notes),
        "totals": {
            "visits": sum(d["totals"]["visits"] for d in days),
            "walk_metres": round(sum(d["totals"]["walk_metres"] for d in days)),
            "walk_minutes": sum(d["totals"]["walk_minutes"] for d in days),
            "transfer_minutes": sum(d["totals"]["transfer_minutes"] for d in days),
            "visit_minutes": visit_minutes_total,
            "hands_on_minutes": sum(d["totals"]["hands_on_minutes"] for d in days),
            "hands_on_share": round(hands_on_share(plan, problem), 3),
            "cost_per_person": sum(d["totals"]["cost_per_person"] for d in days),
        },
    }


def _place_dict(place: Place, venues: Mapping[str, Venue]) -> dict[str, Any]:
    venue = venues.get(place.key)
    return {
        "key": place.key,
        "venue_id": venue.id if venue else None,
        "venue_slug": venue.slug if venue else None,
        "name": place.name,
        "name_local": venue.name_local if venue else None,
        "name_ko": venue.name_ko if venue else None,
        "lat": place.lat,
        "lon": place.lon,
    }


def _day_dict(
    day: DayPlan, venues: Mapping[str, Venue], prices: Mapping[str, float], hands_on: Mapping[str, int]
) -> dict[str, Any]:
    stops = []
    for number, stop in enumerate(day.stops):
        stops.append(
            {
                **_place_dict(stop.place, venues),
                "index": number,
                "kind": stop.kind.value,
                "title": stop.title,
                "arrive": clock(stop.arrive),
                "start": clock(stop.start),
                "end": clock(stop.end),
                "wait_minutes": stop.wait,
                "leg": (
                    {"metres": round(stop.leg.metres), "minutes": stop.leg.minutes, "mode": stop.leg.mode.value}
                    if stop.leg
                    else None
                ),
            }
        )
    visits = day.visits
    return {
        "date": day.day.isoformat(),
        "stops": stops,
        "totals": {
            "visits": len(visits),
            "walk_metres": round(day.walk_metres),
            "walk_minutes": day.walk_minutes,
            "transfer_minutes": day.transfer_minutes,
            "visit_minutes": sum(s.end - s.start for s in visits),
            "hands_on_minutes": sum(hands_on.get(s.place.key, 0) for s in visits),
            "cost_per_person": sum(prices.get(s.place.key, 0.0) for s in visits),
            "appointments": sum(1 for s in day.stops if s.kind is StopKind.APPOINTMENT),
        },
    }


def tour_by_ref(session: Session, ref: str) -> Tour | None:
    """Find a tour by id or slug."""
    if re.fullmatch(r"\d+", ref):
        return session.get(Tour, int(ref))
    if SLUG.match(ref):
        return session.scalar(select(Tour).where(Tour.slug == ref))
    return None


def replan_tour(session: Session, tour: Tour) -> dict[str, Any]:
    """Plan a saved tour again and store the result (flushes)."""
    tour.result = plan_problem(session, tour.problem)
    session.flush()
    return tour.result


def unique_tour_slug(session: Session, title: str) -> str:
    """A slug made from the title, made unique with a number."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "tour"
    slug, n = base, 2
    while session.scalar(select(Tour.id).where(Tour.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_tour(session: Session, title: str, problem: Mapping[str, Any]) -> Tour:
    """Save a new tour with its problem, planned once (flushes).

    :raise FieldErrors: bad problem; :raise PlanConflict: the problem has no plan (then nothing is saved).
    """
    build_problem(session, problem)  # validate before saving
    region = session.scalar(select(Region).where(Region.slug == problem["region"]))
    assert region is not None
    tour = Tour(slug=unique_tour_slug(session, title), region=region, title=title, problem=dict(problem))
    session.add(tour)
    session.flush()
    replan_tour(session, tour)
    return tour
