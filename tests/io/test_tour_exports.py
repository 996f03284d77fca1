"""Tour exports: GPX against the official schema, KML, GeoJSON, ICS and CSV read back by real parsers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import icalendar
import pytest
from flask import Flask
from lxml import etree

from planner.db.models import Venue
from planner.db.session import db_session
from planner.io.exports import (
    FORMATS,
    ExportError,
    TourData,
    export_csv,
    export_filename,
    export_geojson,
    export_gpx,
    export_ics,
    export_kml,
    export_tour,
    stop_labels,
)
from planner.io.handout import tour_data
from planner.services.tours import tour_by_ref

GPX_XSD = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "gpx-1.1.xsd"
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"
STUDY_TOUR = "kanazawa-study-tour-2018"


def _stop(index: int, kind: str, name: str, lat: float, lon: float, times: tuple[str, str], **extra: Any) -> dict:
    return {
        "index": index,
        "kind": kind,
        "key": extra.pop("key", f"venue:{extra.get('venue_id', 0)}"),
        "venue_id": extra.pop("venue_id", None),
        "venue_slug": extra.pop("venue_slug", None),
        "name": name,
        "name_local": extra.pop("name_local", None),
        "name_ko": extra.pop("name_ko", None),
        "lat": lat,
        "lon": lon,
        "title": extra.pop("title", ""),
        "arrive": times[0],
        "start": times[0],
        "end": times[1],
        "wait_minutes": extra.pop("wait_minutes", 0),
        "leg": extra.pop("leg", None),
    }


HOTEL = {"venue_id": 1, "venue_slug": "hotel", "name_local": "ホテル日航金沢", "name_ko": "호텔 닛코"}
MUSEUM = {"venue_id": 2, "venue_slug": "museum", "name_local": "金沢21世紀美術館", "name_ko": "21세기 미술관"}
WALK = {"metres": 1200, "minutes": 18, "mode": "walk"}
RESULT: dict[str, Any] = {
    "region": "kanazawa",
    "timezone": "Asia/Tokyo",
    "currency": "JPY",
    "planned_at": "2026-01-02T03:04:05+00:00",
    "days": [
        {
            "date": "2018-03-26",
            "stops": [
                _stop(0, "start", "Hotel Nikko", 36.5768, 136.6492, ("09:00", "09:00"), **HOTEL),
                _stop(1, "visit", "Museum & <Garden>", 36.5609, 136.6582, ("09:18", "10:48"), leg=WALK, **MUSEUM),
                _stop(2, "lunch", "Museum & <Garden>", 36.5609, 136.6582, ("10:48", "11:48"), title="lunch", **MUSEUM),
                _stop(
                    3,
                    "appointment",
                    "Workshop",
                    36.5722,
                    136.6661,
                    ("12:10", "13:30"),
                    key="point:1",
                    title="Meeting with the guild",
                    wait_minutes=5,
                    leg={"metres": 2500, "minutes": 17, "mode": "transfer"},
                ),
                _stop(4, "end", "Hotel Nikko", 36.5768, 136.6492, ("13:58", "13:58"), leg=WALK, **HOTEL),
            ],
            "totals": {"visits": 1, "walk_metres": 2400, "walk_minutes": 36, "appointments": 1},
        },
        {
            "date": "2018-03-27",
            "stops": [
                _stop(0, "start", "Hotel Nikko", 36.5768, 136.6492, ("09:00", "09:00"), **HOTEL),
                _stop(1, "visit", "Museum & <Garden>", 36.5609, 136.6582, ("09:18", "10:00"), leg=WALK, **MUSEUM),
                _stop(2, "end", "Hotel Nikko", 36.5768, 136.6492, ("10:18", "10:18"), leg=WALK, **HOTEL),
            ],
            "totals": {"visits": 1, "walk_metres": 2400, "walk_minutes": 36, "appointments": 0},
        },
    ],
}
VENUES = {
    1: Venue(id=1, slug="hotel", address="石川県金沢市本町2-15-1", phone="+81 76-234-1111"),
    2: Venue(id=2, slug="museum", address="石川県金沢市広坂1-2-1", phone=None),
}


@pytest.fixture
def tour() -> TourData:
    return TourData("study-2018", "Study tour & friends", RESULT, VENUES)


def _gpx_schema() -> etree.XMLSchema:
    if not GPX_XSD.exists():
        pytest.skip(f"the GPX 1.1 schema is not at {GPX_XSD} (../shared/schemas/ beside the repository)")
    return etree.XMLSchema(etree.parse(str(GPX_XSD)))


def test_labels_number_visits_and_appointments_and_leave_lunch_unnumbered() -> None:
    assert stop_labels(RESULT["days"][0]["stops"]) == ["S", "1", "", "2", "E"]


def test_gpx_is_valid_gpx_1_1_with_a_waypoint_per_stop_and_a_route_per_day(tour: TourData) -> None:
    doc = etree.fromstring(export_gpx(tour))
    schema = _gpx_schema()
    assert schema.validate(doc), schema.error_log
    waypoints = doc.findall(f"{GPX}wpt")
    assert [w.findtext(f"{GPX}name") for w in waypoints] == [
        "1.S Hotel Nikko",
        "1.1 Museum & <Garden>",
        "1.2 Workshop",
        "1.E Hotel Nikko",
        "2.S Hotel Nikko",
        "2.1 Museum & <Garden>",
        "2.E Hotel Nikko",
    ]
    assert waypoints[1].get("lat") == "36.5609" and waypoints[1].get("lon") == "136.6582"
    assert waypoints[1].findtext(f"{GPX}time") == "2018-03-26T00:18:00Z"  # 09:18 in Tokyo
    assert "石川県金沢市広坂1-2-1" in waypoints[1].findtext(f"{GPX}desc")
    routes = doc.findall(f"{GPX}rte")
    assert [len(r.findall(f"{GPX}rtept")) for r in routes] == [4, 3]
    assert routes[1].findtext(f"{GPX}name") == "Day 2 (2018-03-27)"


def test_gpx_of_one_day_has_one_route(tour: TourData) -> None:
    doc = etree.fromstring(export_gpx(tour, day=2))
    assert _gpx_schema().validate(doc)
    assert len(doc.findall(f"{GPX}rte")) == 1
    assert len(doc.findall(f"{GPX}wpt")) == 3


def test_kml_has_a_folder_and_a_line_string_per_day_in_schema_order(tour: TourData) -> None:
    root = etree.fromstring(export_kml(tour))
    assert root.tag == f"{KML}kml"
    folders = root.findall(f"{KML}Document/{KML}Folder")
    assert [f.findtext(f"{KML}name") for f in folders] == ["Day 1 (2018-03-26)", "Day 2 (2018-03-27)"]
    for folder in folders:
        assert len(folder.findall(f".//{KML}LineString")) == 1
    # name comes first in a container (simplekml puts Style first, which the KML 2.2 schema rejects)
    for container in [root.find(f"{KML}Document"), *folders]:
        assert container[0].tag == f"{KML}name"
    points = folders[0].findall(f"{KML}Placemark/{KML}Point/{KML}coordinates")
    assert points[1].text == "136.6582,36.5609"
    museum = folders[0].findall(f"{KML}Placemark")[1]
    assert museum.findtext(f"{KML}name") == "1 Museum & <Garden>"
    assert museum.findtext(f"{KML}address") == "石川県金沢市広坂1-2-1"
    assert museum.findtext(f"{KML}TimeSpan/{KML}begin") == "2018-03-26T09:18:00+09:00"
    line = folders[0].find(f".//{KML}LineString/{KML}coordinates")
    assert line.text.split() == ["136.6492,36.5768", "136.6582,36.5609", "136.6661,36.5722", "136.6492,36.5768"]


def test_geojson_has_lon_lat_points_per_stop_and_a_line_per_day(tour: TourData) -> None:
    collection = json.loads(export_geojson(tour))
    assert collection["type"] == "FeatureCollection"
    points = [f for f in collection["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in collection["features"] if f["geometry"]["type"] == "LineString"]
    assert len(points) == 7 and len(lines) == 2  # lunch is taken at the museum: no point of its own
    museum = points[1]
    assert museum["geometry"]["coordinates"] == [136.6582, 36.5609]  # RFC 7946: longitude first
    assert (
        museum["properties"].items()
        >= {
            "day": 1,
            "number": "1",
            "kind": "visit",
            "name_local": "金沢21世紀美術館",
            "address": "石川県金沢市広坂1-2-1",
            "start": "09:18",
            "end": "10:48",
        }.items()
    )
    assert lines[0]["geometry"]["coordinates"][1] == [136.6582, 36.5609]
    assert lines[1]["properties"]["day"] == 2


def test_ics_has_an_event_per_visit_and_appointment_in_the_region_timezone(tour: TourData) -> None:
    calendar = icalendar.Calendar.from_ical(export_ics(tour))
    events = calendar.walk("VEVENT")
    assert len(events) == 3  # two visits and one appointment; start, end and lunch are not events
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    first = events[0]
    assert first["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert first.decoded("DTSTART").isoformat() == "2018-03-26T09:18:00+09:00"
    assert first.decoded("DTEND").isoformat() == "2018-03-26T10:48:00+09:00"
    assert str(first["LOCATION"]) == "石川県金沢市広坂1-2-1"
    assert (first["GEO"].latitude, first["GEO"].longitude) == (36.5609, 136.6582)
    assert str(events[1]["SUMMARY"]) == "2. Meeting with the guild"
    assert str(events[1]["LOCATION"]) == "Workshop"  # an inline point has no address: its name stands in
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 3
    again = icalendar.Calendar.from_ical(export_ics(tour)).walk("VEVENT")
    assert [str(e["UID"]) for e in again] == uids


def test_csv_round_trips_one_row_per_stop(tour: TourData) -> None:
    data = export_csv(tour)
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheet programs read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 8
    assert [(r["day"], r["number"], r["kind"]) for r in rows[:5]] == [
        ("1", "S", "start"),
        ("1", "1", "visit"),
        ("1", "", "lunch"),
        ("1", "2", "appointment"),
        ("1", "E", "end"),
    ]
    museum = rows[1]
    assert museum["name"] == "Museum & <Garden>" and museum["name_local"] == "金沢21世紀美術館"
    assert (museum["leg_mode"], museum["leg_minutes"], museum["leg_metres"]) == ("walk", "18", "1200")
    assert (float(museum["lat"]), float(museum["lon"])) == (36.5609, 136.6582)
    assert museum["address"] == "石川県金沢市広坂1-2-1"
    assert rows[3]["title"] == "Meeting with the guild" and rows[3]["wait_minutes"] == "5"


@pytest.mark.parametrize("day", [0, 3, -1])
def test_a_day_the_tour_does_not_have_is_refused_with_the_days_it_has(tour: TourData, day: int) -> None:
    with pytest.raises(ExportError, match="it has days 1 to 2"):
        export_tour(tour, "gpx", day)


def test_an_unknown_format_is_refused_naming_the_formats(tour: TourData) -> None:
    with pytest.raises(ExportError, match="gpx, kml, geojson, ics, csv"):
        export_tour(tour, "shp")


def test_file_names_carry_the_day() -> None:
    assert export_filename("study", "gpx") == "study.gpx"
    assert export_filename("study", "ics", 3) == "study-day3.ics"


def test_the_planned_study_tour_exports_in_every_format(app: Flask) -> None:
    with app.app_context():
        data = tour_data(db_session, tour_by_ref(db_session, STUDY_TOUR))
        db_session.commit()
    files = {name: export_tour(data, name) for name in FORMATS}
    assert _gpx_schema().validate(etree.fromstring(files["gpx"]))
    totals = data.result["totals"]
    appointments = sum(day["totals"]["appointments"] for day in data.result["days"])
    assert len(icalendar.Calendar.from_ical(files["ics"]).walk("VEVENT")) == totals["visits"] + appointments
    kml = etree.fromstring(files["kml"])
    assert len(kml.findall(f".//{KML}LineString")) == len(data.result["days"])
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert len(rows) == sum(len(day["stops"]) for day in data.result["days"])
    assert any(r["name_local"] == "ひがし茶屋街（東山ひがし）" for r in rows)
    features = json.loads(files["geojson"])["features"]
    for feature in features:
        if feature["geometry"]["type"] == "Point":
            lon, lat = feature["geometry"]["coordinates"]
            assert 136 < lon < 137 and 36 < lat < 37  # Kanazawa, longitude first
