"""A plan's result JSON turned into what the itinerary page shows: timetable rows per day, and the route map's
days (maps.RouteDay). Both come from one numbering, so marker 3 on the map is row 3 of the timetable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_currency, get_locale
from flask_babel import gettext as _

from planner.db.models import Venue
from planner.maps import DAY_COLOURS, RouteDay, RouteStop
from planner.services.venues import hours_today_text

NUMBERED = ("visit", "appointment")
"""Stop kinds that get a number: the places the group goes to in order (not start, end or lunch)."""


@dataclass(frozen=True)
class TimetableStop:
    """One row of a day's timetable."""

    number: int | None
    kind: str
    name: str
    name_local: str
    venue: Venue | None
    stop: Mapping[str, Any]
    hours: str
    locked: bool

    @property
    def leg(self) -> Mapping[str, Any] | None:
        """The way here from the previous stop."""
        return self.stop.get("leg")


@dataclass(frozen=True)
class TimetableDay:
    """A day of the itinerary: its rows, totals, colour on the map, and its order lock."""

    number: int
    day: date
    colour: str
    stops: Sequence[TimetableStop]
    totals: Mapping[str, Any]
    visit_slugs: Sequence[str]
    order_fixed: bool


def stop_name(stop: Mapping[str, Any]) -> str:
    """A stop's name in the chosen language (Korean when chosen and known)."""
    if str(get_locale()) == "ko" and stop.get("name_ko"):
        return str(stop["name_ko"])
    return str(stop.get("name") or "")


def price_text(amount: float | None, currency: str) -> str:
    """An amount in the region's currency for the chosen language ('free' for 0)."""
    if amount is None:
        return ""
    if amount == 0:
        return _("free")
    return str(format_currency(amount, currency))


def itinerary_days(
    result: Mapping[str, Any], problem: Mapping[str, Any], venues: Mapping[int, Venue]
) -> list[TimetableDay]:
    """The timetable of a result, with the locks of its problem (candidate days, fixed orders)."""
    locks: dict[str, str] = {}
    for item in problem.get("candidates") or []:
        if item.get("day"):
            locks[f"slug:{item.get('venue')}"] = str(item["day"])
            locks[f"id:{item.get('venue_id')}"] = str(item["day"])
    orders = [list(order) for order in problem.get("orders") or []]
    days = []
    for n, day in enumerate(result.get("days") or []):
        rows = []
        number = 0
        for stop in day["stops"]:
            numbered = stop["kind"] in NUMBERED
            number += numbered
            venue = venues.get(stop.get("venue_id")) if stop.get("venue_id") is not None else None
            locked_day = locks.get(f"slug:{stop.get('venue_slug')}") or locks.get(f"id:{stop.get('venue_id')}")
            rows.append(
                TimetableStop(
                    number=number if numbered else None,
                    kind=stop["kind"],
                    name=stop_name(stop),
                    name_local=str(stop.get("name_local") or ""),
                    venue=venue,
                    stop=stop,
                    hours=hours_today_text(venue, date.fromisoformat(day["date"])) if venue else "",
                    locked=stop["kind"] == "visit" and locked_day == day["date"],
                )
            )
        slugs = [s["venue_slug"] for s in day["stops"] if s["kind"] == "visit" and s.get("venue_slug")]
        days.append(
            TimetableDay(
                number=n + 1,
                day=date.fromisoformat(day["date"]),
                colour=DAY_COLOURS[n % len(DAY_COLOURS)],
                stops=rows,
                totals=day["totals"],
                visit_slugs=slugs,
                order_fixed=len(slugs) > 1 and slugs in orders,
            )
        )
    return days


def route_days(days: Sequence[TimetableDay], currency: str) -> list[RouteDay]:
    """The map's days: numbered stops with popups (hours that day, hands-on experience, price), start and end
    as unnumbered squares, and the line through every place in order."""
    route = []
    for day in days:
        stops = []
        for row in day.stops:
            if row.kind == "lunch":
                continue  # lunch is taken where the group already is: no marker of its own
            label = row.name
            if row.kind == "start":
                label = _("Start: %(name)s", name=row.name)
            elif row.kind == "end":
                label = _("End: %(name)s", name=row.name)
            stop = row.stop
            stops.append(
                RouteStop(
                    number=row.number,
                    lat=float(stop["lat"]),
                    lon=float(stop["lon"]),
                    label=label,
                    popup=_popup_lines(row, label, currency),
                    kind=row.kind,
                )
            )
        name = _("Day %(num)d · %(date)s", num=day.number, date=day.day.isoformat())
        route.append(RouteDay(name=name, stops=stops, line=[(s.lat, s.lon) for s in stops]))
    return route


def _popup_lines(row: TimetableStop, label: str, currency: str) -> list[str]:
    stop = row.stop
    lines = [f"{row.number}. {label}" if row.number else label]
    if row.name_local and row.name_local != row.name:
        lines.append(row.name_local)
    if row.kind == "appointment":
        lines.append(_("Appointment: %(title)s", title=stop.get("title") or "—"))
    if row.kind in NUMBERED:
        lines.append(
            _("Arrive %(arrive)s · here %(start)s–%(end)s", **{k: stop[k] for k in ("arrive", "start", "end")})
        )
    elif row.kind == "start":
        lines.append(_("Leave %(time)s", time=stop["end"]))
    else:
        lines.append(_("Arrive %(time)s", time=stop["arrive"]))
    venue = row.venue
    if venue is None or row.kind not in NUMBERED:
        return lines
    if row.hours:
        lines.append(_("Hours that day: %(hours)s", hours=_("closed") if row.hours == "closed" else row.hours))
    if venue.experience_offered:
        text = venue.experience_name or _("offered")
        if venue.experience_minutes:
            text += " · " + _("%(num)d min", num=venue.experience_minutes)
        if venue.experience_price is not None:
            text += " · " + price_text(venue.experience_price, venue.experience_currency or currency)
        lines.append(_("Hands-on: %(text)s", text=text))
    else:
        lines.append(_("Hands-on: none recorded"))
    if venue.admission_price is not None:
        lines.append(
            _("Admission: %(price)s", price=price_text(venue.admission_price, venue.admission_currency or currency))
        )
    return lines
