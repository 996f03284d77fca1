"""The printed handout's data: per day, the timetable stops with everything a group on foot needs (names in
the reader's language and the local script, the local address for taxi drivers, hours that day, hands-on
experience and price, phone, appointment titles and notes), the day's totals and its route map as SVG.

Built from a tour, its planned result and its venues; no Flask here, so the web page, the PDF and the CLI
share it. Labels ("Arrive", "closed", ...) are the templates' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.core.hours import DAY_MINUTES, HoursError, format_intervals, parse_clock, parse_hours
from planner.db.models import Tour, Venue
from planner.io.exports import Stop, TourData, placed_stops, stop_labels
from planner.io.svgmap import MapLeg, MapMarker, route_map_svg
from planner.services.tours import replan_tour

LOCAL_LANGUAGES = {"Asia/Tokyo": "ja", "Asia/Seoul": "ko"}
"""The language of a region's local-script names and addresses, by timezone (for lang= and the CJK font)."""


@dataclass(frozen=True)
class Experience:
    """A hands-on experience offered at a venue."""

    name: str
    minutes: int | None
    price: float | None
    currency: str
    booking_required: bool
    contact: str


@dataclass(frozen=True)
class HandoutStop:
    """One timetable row with the facts printed beside it."""

    label: str
    kind: str
    name: str
    name_other: str
    other_lang: str
    name_local: str
    arrive: str
    start: str
    end: str
    wait_minutes: int
    leg: Mapping[str, Any] | None
    address: str = ""
    hours: str = ""
    closed: bool = False
    all_day: bool = False
    admission: float | None = None
    currency: str = ""
    experience: Experience | None = None
    phone: str = ""
    title: str = ""
    note: str = ""
    example_time: bool = False


@dataclass(frozen=True)
class HandoutDay:
    """One day: its number in the tour, date, stops, totals and route map."""

    number: int
    date: date
    stops: tuple[HandoutStop, ...]
    totals: Mapping[str, Any]
    map_svg: Markup


@dataclass(frozen=True)
class Handout:
    """The whole handout (every day, or the one chosen)."""

    slug: str
    title: str
    lang: str
    local_lang: str
    region_name: str
    region_name_local: str
    currency: str
    day_count: int
    days: tuple[HandoutDay, ...]


def planned_result(session: Session, tour: Tour) -> dict[str, Any]:
    """The tour's result, planning it first when it has none (flushes; the caller commits).

    :raise FieldErrors: the saved problem is invalid; :raise PlanConflict: it has no plan.
    """
    return tour.result if tour.result is not None else replan_tour(session, tour)


def tour_venues(session: Session, result: Mapping[str, Any]) -> dict[int, Venue]:
    """The venues a result names, by id."""
    ids = {stop["venue_id"] for day in result["days"] for stop in day["stops"] if stop.get("venue_id") is not None}
    return {venue.id: venue for venue in session.scalars(select(Venue).where(Venue.id.in_(ids)))} if ids else {}


def localized(value: object, lang: str) -> str:
    """A text that may be given per language ({en: ..., ko: ...}): the `lang` one, else English, else any."""
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("en") or next(iter(value.values()), ""))
    return str(value or "")


def tour_title(tour: Tour, lang: str) -> str:
    """The tour's title in `lang` when its problem gives one, else its saved title."""
    return localized(tour.problem.get("title"), lang) or tour.title


def tour_data(session: Session, tour: Tour, lang: str = "en") -> TourData:
    """What the exports need for a tour, planning it first when it has no result."""
    result = planned_result(session, tour)
    return TourData(tour.slug, tour_title(tour, lang), result, tour_venues(session, result))


def build_handout(tour: Tour, data: TourData, lang: str, day: int | None = None) -> Handout:
    """Assemble the handout of a planned tour in `lang` ("en" or "ko"), for every day or day `day`.

    :raise ExportError: the tour has no day `day`.
    """
    region = tour.region
    local_lang = LOCAL_LANGUAGES.get(region.timezone, "")
    days = tuple(_day(number, plan, data, tour.problem, lang, region.currency) for number, plan in data.days(day))
    return Handout(
        slug=tour.slug,
        title=tour_title(tour, lang),
        lang=lang,
        local_lang=local_lang,
        region_name=(region.name_ko if lang == "ko" and region.name_ko else region.name_en),
        region_name_local=region.name_local,
        currency=data.result.get("currency") or region.currency,
        day_count=len(data.result["days"]),
        days=days,
    )


def _day(
    number: int, plan: Mapping[str, Any], data: TourData, problem: Mapping[str, Any], lang: str, currency: str
) -> HandoutDay:
    day = date.fromisoformat(plan["date"])
    stops = tuple(
        _stop(label, stop, day, data, problem, lang, currency)
        for label, stop in zip(stop_labels(plan["stops"]), plan["stops"], strict=True)
    )
    placed = placed_stops(plan["stops"])
    markers = [MapMarker(label, stop["lat"], stop["lon"], stop["kind"]) for label, stop in placed]
    legs = [
        MapLeg((before["lat"], before["lon"]), (stop["lat"], stop["lon"]), stop["leg"]["mode"])
        for (_, before), (_, stop) in zip(placed, placed[1:], strict=False)
        if stop.get("leg")
    ]
    svg = route_map_svg(markers, legs, title=f"{plan['date']}")
    # Markup: the SVG is ours and escapes every value it prints, so the template may print it as it is
    return HandoutDay(number, day, stops, plan["totals"], Markup(svg))


def _stop(
    label: str, stop: Stop, day: date, data: TourData, problem: Mapping[str, Any], lang: str, currency: str
) -> HandoutStop:
    english, korean = stop["name"], stop.get("name_ko") or ""
    if lang == "ko" and korean:
        name, other, other_lang = korean, english, "en"
    else:
        name, other, other_lang = english, korean, "ko"
    fields: dict[str, Any] = {}
    venue = data.venue(stop)
    if venue is not None:
        fields.update(_venue_facts(venue, day, currency))
    if stop["kind"] == "appointment":
        fields.update(_appointment(problem, stop, day, lang))
    return HandoutStop(
        label=label,
        kind=stop["kind"],
        name=name,
        name_other=other if other != name else "",
        other_lang=other_lang,
        name_local=stop.get("name_local") or "",
        arrive=stop["arrive"],
        start=stop["start"],
        end=stop["end"],
        wait_minutes=stop["wait_minutes"],
        leg=stop.get("leg"),
        **fields,
    )


def _venue_facts(venue: Venue, day: date, currency: str) -> dict[str, Any]:
    try:
        hours = parse_hours(venue.hours)
    except HoursError:  # stored hours are validated on the way in; a bad row must not break a printout
        hours = None
    intervals = hours.intervals_on(day) if hours is not None and hours.known else None
    experience = None
    if venue.experience_offered:
        experience = Experience(
            name=venue.experience_name or "",
            minutes=venue.experience_minutes,
            price=venue.experience_price,
            currency=venue.experience_currency or currency,
            booking_required=bool(venue.experience_booking_required),
            contact=venue.experience_contact or "",
        )
    return {
        "address": venue.address or "",
        "hours": format_intervals(intervals) if intervals else "",
        "closed": intervals == (),
        "all_day": intervals == ((0, DAY_MINUTES),),
        "admission": venue.admission_price,
        "currency": venue.admission_currency or currency,
        "experience": experience,
        "phone": venue.phone or "",
    }


def _appointment(problem: Mapping[str, Any], stop: Stop, day: date, lang: str) -> dict[str, Any]:
    """The appointment's title in `lang`, its note and whether its time is only an example.

    The result keeps only the English title, so the appointment is found again in the problem by date and
    start time (a group cannot be at two appointments that start together).
    """
    start = parse_clock(stop["start"])
    for item in problem.get("appointments") or []:
        try:
            same = str(item.get("date")) == day.isoformat() and parse_clock(str(item.get("start"))) == start
        except HoursError:
            continue
        if same:
            return {
                "title": localized(item.get("title"), lang) or stop.get("title") or "",
                "note": localized(item.get("note"), lang),
                "example_time": bool(item.get("example_time")),
            }
    return {"title": stop.get("title") or ""}
