"""Tour exports: a planned tour (its result JSON, plus its venues for addresses and phones) as GPX 1.1,
KML 2.2, GeoJSON (RFC 7946), iCalendar (RFC 5545) or CSV. Pure functions: data in, bytes out.

Stops carry the labels the printed handout uses: "S" for the day's start, "E" for its end, 1, 2, ... for
visits and appointments in visiting order; lunch is taken where the group is, so it is a timetable row
(CSV) but not a point of its own on a map or in a GPS file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import gpxpy.gpx
import icalendar
from lxml import etree
from lxml.builder import ElementMaker

from planner.core.hours import parse_clock
from planner.db.models import Venue

GENERATOR = "Craft Tour Planner"
KML_NS = "http://www.opengis.net/kml/2.2"
UID_DOMAIN = "craft-tour-planner"

Stop = Mapping[str, Any]


class ExportError(ValueError):
    """A format or a day the tour cannot be exported in (the message says which and what is possible)."""


@dataclass(frozen=True)
class TourData:
    """What an export needs: the tour's slug and title, its planned result and the venues the result names."""

    slug: str
    title: str
    result: Mapping[str, Any]
    venues: Mapping[int, Venue]

    def venue(self, stop: Stop) -> Venue | None:
        """The stored venue of a stop (None for an inline point)."""
        venue_id = stop.get("venue_id")
        return self.venues.get(venue_id) if venue_id is not None else None

    def address(self, stop: Stop) -> str:
        """The stop's address in the local script, for taxi drivers ("" when not known)."""
        venue = self.venue(stop)
        return (venue.address or "") if venue else ""

    def phone(self, stop: Stop) -> str:
        """The stop's phone number ("" when not known)."""
        venue = self.venue(stop)
        return (venue.phone or "") if venue else ""

    def days(self, day: int | None = None) -> list[tuple[int, Mapping[str, Any]]]:
        """The tour's days numbered from 1, or only day `day`.

        :raise ExportError: the tour has no day `day`.
        """
        days = self.result["days"]
        if day is None:
            return list(enumerate(days, 1))
        if not 1 <= day <= len(days):
            raise ExportError(f"day {day} is not in this tour: it has days 1 to {len(days)}")
        return [(day, days[day - 1])]


def stop_labels(stops: Sequence[Stop]) -> list[str]:
    """Label each stop of a day as the handout map does: S, 1, 2, ..., E, and "" for lunch."""
    labels, number = [], 0
    for stop in stops:
        kind = stop["kind"]
        if kind in ("visit", "appointment"):
            number += 1
            labels.append(str(number))
        else:
            labels.append({"start": "S", "end": "E"}.get(kind, ""))
    return labels


def placed_stops(stops: Sequence[Stop]) -> list[tuple[str, Stop]]:
    """The stops that are points on a map (every stop but lunch), with their labels."""
    return [(label, stop) for label, stop in zip(stop_labels(stops), stops, strict=True) if label]


def local_datetime(day: str, clock: str, timezone: str) -> datetime:
    """An aware datetime from a result's ISO date and HH:MM clock (24:00 is the next midnight)."""
    midnight = datetime.combine(date.fromisoformat(day), time(0), tzinfo=ZoneInfo(timezone))
    return midnight + timedelta(minutes=parse_clock(clock))


def _planned_at(tour: TourData) -> datetime:
    planned = tour.result.get("planned_at")
    return datetime.fromisoformat(planned) if planned else datetime(1970, 1, 1, tzinfo=UTC)


def _point_name(label: str, stop: Stop) -> str:
    return f"{label} {stop['name']}"


def _details(tour: TourData, stop: Stop) -> str:
    """Plain-text lines about a stop: local name, address, times, phone, appointment title."""
    lines = [stop.get("name_local") or "", tour.address(stop)]
    if stop["kind"] == "appointment" and stop.get("title"):
        lines.append(stop["title"])
    times = stop["start"] if stop["start"] == stop["end"] else f"{stop['start']}-{stop['end']}"
    lines.append(times)
    if tour.phone(stop):
        lines.append(tour.phone(stop))
    return "\n".join(line for line in lines if line)


# --- GPX 1.1 (gpxpy) ---------------------------------------------------------------------------------


def export_gpx(tour: TourData, day: int | None = None) -> bytes:
    """GPX 1.1: a waypoint per stop (named "day.label name") and a route per day through its stops."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = GENERATOR
    gpx.name = tour.title
    gpx.time = _planned_at(tour)
    timezone = tour.result["timezone"]
    for number, plan in tour.days(day):
        route = gpxpy.gpx.GPXRoute(name=f"Day {number} ({plan['date']})", number=number)
        for label, stop in placed_stops(plan["stops"]):
            when = local_datetime(plan["date"], stop["arrive"], timezone).astimezone(UTC)
            details = _details(tour, stop)
            gpx.waypoints.append(
                gpxpy.gpx.GPXWaypoint(
                    stop["lat"],
                    stop["lon"],
                    time=when,
                    name=f"{number}.{_point_name(label, stop)}",
                    description=details,
                    type=stop["kind"],
                )
            )
            route.points.append(
                gpxpy.gpx.GPXRoutePoint(stop["lat"], stop["lon"], time=when, name=_point_name(label, stop))
            )
        gpx.routes.append(route)
    return gpx.to_xml(version="1.1").encode("utf-8")


# --- KML 2.2 (lxml) ----------------------------------------------------------------------------------
# Written with lxml rather than simplekml: simplekml puts a container's <Style> before its <name>, which the
# KML 2.2 schema's element order does not allow; here every element comes in the schema's order.


def export_kml(tour: TourData, day: int | None = None) -> bytes:
    """KML 2.2: a folder per day with a placemark per stop and the day's route as a LineString."""
    k = ElementMaker(namespace=KML_NS, nsmap={None: KML_NS})
    timezone = tour.result["timezone"]
    folders = []
    for number, plan in tour.days(day):
        stops = placed_stops(plan["stops"])
        placemarks = []
        for label, stop in stops:
            children = [k.name(_point_name(label, stop))]
            if tour.address(stop):
                children.append(k.address(tour.address(stop)))
            if tour.phone(stop):
                children.append(k.phoneNumber(tour.phone(stop)))
            begin = local_datetime(plan["date"], stop["start"], timezone)
            end = local_datetime(plan["date"], stop["end"], timezone)
            children += [
                k.description(_details(tour, stop)),
                k.TimeSpan(k.begin(begin.isoformat()), k.end(end.isoformat())),
                k.styleUrl(f"#{stop['kind'] if stop['kind'] in ('start', 'end') else 'stop'}"),
                k.Point(k.coordinates(f"{stop['lon']},{stop['lat']}")),
            ]
            placemarks.append(k.Placemark(*children))
        if len(stops) >= 2:
            coordinates = " ".join(f"{stop['lon']},{stop['lat']}" for _, stop in stops)
            placemarks.append(
                k.Placemark(
                    k.name(f"Day {number} route"),
                    k.styleUrl("#route"),
                    k.LineString(k.tessellate("1"), k.coordinates(coordinates)),
                )
            )
        folders.append(k.Folder(k.name(f"Day {number} ({plan['date']})"), *placemarks))
    document = k.Document(
        k.name(tour.title),
        k.Style(k.LineStyle(k.color("ff2a37a4"), k.width("4")), id="route"),  # KML colours are aabbggrr
        k.Style(k.IconStyle(k.color("ff2a37a4")), id="stop"),
        k.Style(k.IconStyle(k.color("ff30231d")), id="start"),
        k.Style(k.IconStyle(k.color("ff30231d")), id="end"),
        *folders,
    )
    root = k.kml(document)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# --- GeoJSON (RFC 7946) ------------------------------------------------------------------------------


def _position(stop: Stop) -> list[float]:
    return [round(stop["lon"], 6), round(stop["lat"], 6)]  # RFC 7946: longitude first; 6 places is ~10 cm


def export_geojson(tour: TourData, day: int | None = None) -> bytes:
    """GeoJSON: a Point feature per stop with its timetable and venue facts, a LineString per day."""
    features: list[dict[str, Any]] = []
    for number, plan in tour.days(day):
        stops = placed_stops(plan["stops"])
        for label, stop in stops:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": _position(stop)},
                    "properties": {
                        "day": number,
                        "date": plan["date"],
                        "number": label,
                        "kind": stop["kind"],
                        "venue": stop.get("venue_slug"),
                        "name": stop["name"],
                        "name_local": stop.get("name_local"),
                        "name_ko": stop.get("name_ko"),
                        "title": stop.get("title") or None,
                        "arrive": stop["arrive"],
                        "start": stop["start"],
                        "end": stop["end"],
                        "wait_minutes": stop["wait_minutes"],
                        "leg": stop.get("leg"),
                        "address": tour.address(stop) or None,
                        "phone": tour.phone(stop) or None,
                    },
                }
            )
        if len(stops) >= 2:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [_position(stop) for _, stop in stops]},
                    "properties": {"day": number, "date": plan["date"], "kind": "route", **plan["totals"]},
                }
            )
    collection = {"type": "FeatureCollection", "name": tour.title, "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


# --- iCalendar (RFC 5545, icalendar) -----------------------------------------------------------------


def _uid(tour: TourData, plan: Mapping[str, Any], stop: Stop) -> str:
    """The same visit of the same tour keeps its UID when re-exported, so calendars update it in place."""
    place = stop.get("venue_slug") or stop["key"]
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"{tour.slug}.{plan['date']}.{stop['kind']}.{place}") + f"@{UID_DOMAIN}"


def export_ics(tour: TourData, day: int | None = None) -> bytes:
    """iCalendar: an event per visit and appointment in the region's timezone (TZID plus VTIMEZONE)."""
    timezone = tour.result["timezone"]
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{GENERATOR}//Tour export//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", tour.title)
    calendar.add("x-wr-timezone", timezone)
    stamp = _planned_at(tour).astimezone(UTC)
    for _number, plan in tour.days(day):
        for label, stop in placed_stops(plan["stops"]):
            if stop["kind"] not in ("visit", "appointment"):
                continue
            event = icalendar.Event()
            event.add("uid", _uid(tour, plan, stop))
            event.add("dtstamp", stamp)
            event.add("dtstart", local_datetime(plan["date"], stop["start"], timezone))
            event.add("dtend", local_datetime(plan["date"], stop["end"], timezone))
            title = stop.get("title") if stop["kind"] == "appointment" else ""
            event.add("summary", f"{label}. {title or stop['name']}")
            event.add("location", tour.address(stop) or stop.get("name_local") or stop["name"])
            event.add("geo", (stop["lat"], stop["lon"]))
            event.add("description", _details(tour, stop))
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


# --- CSV ---------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "day",
    "date",
    "number",
    "kind",
    "name",
    "name_local",
    "name_ko",
    "title",
    "arrive",
    "start",
    "end",
    "wait_minutes",
    "leg_mode",
    "leg_minutes",
    "leg_metres",
    "address",
    "phone",
    "lat",
    "lon",
)


def export_csv(tour: TourData, day: int | None = None) -> bytes:
    """CSV: one row per timetable stop (lunch included), UTF-8 with a byte-order mark so spreadsheet programs
    in Korea and Japan do not mistake it for CP949 or Shift_JIS."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for number, plan in tour.days(day):
        for label, stop in zip(stop_labels(plan["stops"]), plan["stops"], strict=True):
            leg = stop.get("leg") or {}
            writer.writerow(
                {
                    "day": number,
                    "date": plan["date"],
                    "number": label,
                    "kind": stop["kind"],
                    "name": stop["name"],
                    "name_local": stop.get("name_local") or "",
                    "name_ko": stop.get("name_ko") or "",
                    "title": stop.get("title") if stop["kind"] == "appointment" else "",
                    "arrive": stop["arrive"],
                    "start": stop["start"],
                    "end": stop["end"],
                    "wait_minutes": stop["wait_minutes"],
                    "leg_mode": leg.get("mode", ""),
                    "leg_minutes": leg.get("minutes", ""),
                    "leg_metres": leg.get("metres", ""),
                    "address": tour.address(stop),
                    "phone": tour.phone(stop),
                    "lat": stop["lat"],
                    "lon": stop["lon"],
                }
            )
    return out.getvalue().encode("utf-8-sig")


# --- formats -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """A file format: its extension, media type and writer."""

    extension: str
    media_type: str
    write: Callable[[TourData, int | None], bytes]


FORMATS: dict[str, ExportFormat] = {
    "gpx": ExportFormat("gpx", "application/gpx+xml", export_gpx),
    "kml": ExportFormat("kml", "application/vnd.google-earth.kml+xml", export_kml),
    "geojson": ExportFormat("geojson", "application/geo+json", export_geojson),
    "ics": ExportFormat("ics", "text/calendar; charset=utf-8", export_ics),
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", export_csv),
}


def export_format(name: str) -> ExportFormat:
    """The format called `name`.

    :raise ExportError: no such format.
    """
    if name not in FORMATS:
        raise ExportError(f"unknown format {name!r}: choose one of {', '.join(FORMATS)}")
    return FORMATS[name]


def export_tour(tour: TourData, fmt: str, day: int | None = None) -> bytes:
    """Write the tour (or one day) in format `fmt`.

    :raise ExportError: unknown format, or the tour has no day `day`.
    """
    return export_format(fmt).write(tour, day)


def export_filename(slug: str, extension: str, day: int | None = None) -> str:
    """The download name: ``<slug>.<ext>`` or ``<slug>-day<N>.<ext>``."""
    return f"{slug}{f'-day{day}' if day else ''}.{extension}"
