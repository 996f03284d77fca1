"""The handout's data, its SVG route map and the offline PDF renderer."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from lxml import etree
from pyproj import Geod

from planner.db.models import Tour
from planner.db.session import db_session
from planner.io.exports import ExportError
from planner.io.handout import Handout, build_handout, tour_data
from planner.io.pdf import OfflineFetcher, html_to_pdf
from planner.io.svgmap import LABEL_R, MapLeg, MapMarker, distance_text, nice_distance, route_map_svg
from planner.services.tours import tour_by_ref

SVG = "{http://www.w3.org/2000/svg}"
STUDY_TOUR = "kanazawa-study-tour-2018"


def _svg(markup: str) -> etree._Element:
    # the map is inline SVG in HTML (no xmlns, so the page names no http URL); give it one to parse it as XML
    return etree.fromstring(str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


@pytest.mark.parametrize(
    ("longest", "nice"),
    [(0.4, 1), (7, 5), (180, 100), (260, 200), (999, 500), (1000, 1000), (2600, 2000), (74000, 50000)],
)
def test_the_scale_bar_takes_the_largest_round_distance_that_fits(longest: float, nice: float) -> None:
    assert nice_distance(longest) == nice


@pytest.mark.parametrize(("metres", "text"), [(200, "200 m"), (1000, "1 km"), (2500, "2.5 km")])
def test_distances_read_in_metres_or_kilometres(metres: float, text: str) -> None:
    assert distance_text(metres) == text


def test_the_scale_bar_is_true_to_the_drawn_distances() -> None:
    geod = Geod(ellps="WGS84")
    lon2, lat2, _ = geod.fwd(136.65, 36.57, 90, 1500)  # 1.5 km due east
    svg = _svg(route_map_svg([MapMarker("S", 36.57, 136.65, "start"), MapMarker("E", lat2, lon2, "end")], []))
    dots = [c for c in svg.iter(f"{SVG}circle") if c.get("r") == "3.5"]
    (x1, y1), (x2, y2) = [(float(c.get("cx")), float(c.get("cy"))) for c in dots]
    assert abs(y1 - y2) < 0.5  # east is to the right: north is up
    px_per_m = math.dist((x1, y1), (x2, y2)) / 1500
    bar = svg.find(f"{SVG}g[@class='scale-bar']")
    halves = [float(r.get("width")) for r in bar.findall(f"{SVG}rect")[1:]]
    label = bar.findall(f"{SVG}text")[-1].text
    metres = float(label.split()[0]) * (1000 if label.endswith("km") else 1)
    assert sum(halves) / px_per_m == pytest.approx(metres, rel=0.01)
    assert svg.find(f"{SVG}g[@class='north-arrow']/{SVG}text").text == "N"


def test_numbered_circles_never_overlap_even_at_one_spot() -> None:
    markers = [
        MapMarker("S", 36.5768, 136.6492, "start"),
        *(MapMarker(str(n), 36.5725 + n * 0.00002, 136.6663, "visit") for n in range(1, 7)),  # a 2 m cluster
        MapMarker("E", 36.5768, 136.6492, "end"),  # back at the start's hotel
    ]
    legs = [MapLeg((a.lat, a.lon), (b.lat, b.lon), "walk") for a, b in itertools.pairwise(markers)]
    svg = _svg(route_map_svg(markers, legs))
    stops = svg.findall(f"{SVG}g[@class='stop']")
    assert [g.get("data-label") for g in stops] == ["S", "1", "2", "3", "4", "5", "6", "E"]
    centres = [(float(g[0].get("cx")), float(g[0].get("cy"))) for g in stops]
    for a, b in itertools.combinations(centres, 2):
        assert math.dist(a, b) >= 2 * LABEL_R
    assert len(svg.findall(f"{SVG}path")) == len(legs)
    # displaced circles point back at their true place
    assert len(svg.findall(f"{SVG}line")) >= 6


@pytest.fixture
def study_tour(app: Flask) -> Iterator[Tour]:
    with app.app_context():
        tour = tour_by_ref(db_session, STUDY_TOUR)
        assert tour is not None
        yield tour


def _handout(tour: Tour, lang: str, day: int | None = None) -> Handout:
    data = tour_data(db_session, tour, lang)
    return build_handout(tour, data, lang, day)


def test_the_handout_numbers_stops_like_the_map_with_local_addresses_and_that_days_hours(study_tour: Tour) -> None:
    handout = _handout(study_tour, "en")
    assert study_tour.result is not None  # planned on the way
    assert [d.number for d in handout.days] == [1, 2, 3, 4]
    assert handout.local_lang == "ja"
    for day, plan in zip(handout.days, study_tour.result["days"], strict=True):
        labels = [s.label for s in day.stops]
        assert labels[0] == "S" and labels[-1] == "E"
        numbers = [label for label in labels if label not in ("S", "E", "")]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
        assert len(numbers) == plan["totals"]["visits"] + plan["totals"]["appointments"]
        drawn = [g.get("data-label") for g in _svg(day.map_svg).findall(f"{SVG}g[@class='stop']")]
        assert drawn == [label for label in labels if label]
    stops = {s.name: s for day in handout.days for s in day.stops}
    higashi = stops["Higashi Chaya District"]
    assert higashi.name_local == "ひがし茶屋街（東山ひがし）" and higashi.address == "石川県金沢市東山1丁目"
    assert higashi.name_other == "히가시 찻집 거리" and higashi.other_lang == "ko"
    assert stops["Hotel Nikko Kanazawa"].phone == "+81 76-234-1111"
    assert any(s.hours and not s.closed for s in stops.values() if s.kind == "visit")


def test_the_korean_handout_names_stops_and_appointments_in_korean(study_tour: Tour) -> None:
    handout = _handout(study_tour, "ko", day=2)
    assert len(handout.days) == 1 and handout.days[0].number == 2 and handout.day_count == 4
    assert handout.title.startswith("충남연구원 국외연수")
    appointment = next(s for s in handout.days[0].stops if s.kind == "appointment")
    assert appointment.title.startswith("호쿠리쿠 라이프사이언스 클러스터 인터뷰")
    assert appointment.example_time  # the report gives no time: the handout says so
    assert appointment.name_other == "Hokuriku Industrial Advancement Center (HIAC)"
    assert appointment.name_local == "一般財団法人 北陸産業活性化センター"


def test_a_day_the_tour_does_not_have_is_refused(study_tour: Tour) -> None:
    with pytest.raises(ExportError, match="it has days 1 to 4"):
        _handout(study_tour, "en", day=5)


class _Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        self.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


def test_the_pdf_renderer_reads_static_files_only_and_never_the_network(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "ok.css").write_text("p { color: green }")
    (tmp_path / "secret.css").write_text("p { color: blue }")
    url = f"http://127.0.0.1:{server.server_port}"
    html = (
        f'<link rel="stylesheet" href="{url}/remote.css"><link rel="stylesheet" href="../secret.css">'
        f'<link rel="stylesheet" href="ok.css"><img src="{url}/tile.png"><p>金沢 가나자와</p>'
    )
    try:
        pdf = html_to_pdf(html, tmp_path / "static")
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF")
    assert _Recorder.paths == []


def test_the_offline_fetcher_reads_inside_its_folder_and_refuses_the_rest(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "ok.css").write_text("p { color: green }")
    (tmp_path / "secret.css").write_text("p { color: blue }")
    fetcher = OfflineFetcher(tmp_path / "static")
    assert fetcher.fetch((tmp_path / "static" / "ok.css").as_uri()).read() == b"p { color: green }"
    for url in [(tmp_path / "static" / ".." / "secret.css").as_uri(), "http://127.0.0.1:9/x.css", "data:text/css,p{}"]:
        with pytest.raises(ValueError, match="offline rendering"):
            fetcher.fetch(url)
