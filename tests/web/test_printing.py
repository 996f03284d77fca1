"""The print view, the PDF handout and the tour exports over HTTP (owner and share-token URLs), the export
API and the `planner print` / `planner export tour` commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from lxml import etree, html
from werkzeug.serving import make_server

from planner.db.models import Tour
from planner.db.session import db_session
from planner.io.exports import stop_labels
from planner.services.tours import tour_by_ref

STUDY_TOUR = "kanazawa-study-tour-2018"
GPX_XSD = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "gpx-1.1.xsd"
CHROMIUM = "/usr/bin/chromium"
POPPLER = ("pdfinfo", "pdftotext", "pdffonts")
needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER), reason="poppler-utils (pdfinfo, pdftotext, pdffonts) not installed"
)


def _tour(app: Flask) -> Tour:
    with app.app_context():
        tour = tour_by_ref(db_session, STUDY_TOUR)
        assert tour is not None
        return tour


def _poppler(tool: str, pdf: Path, *args: str) -> str:
    return subprocess.run(
        [tool, *args, str(pdf), *(["-"] if tool == "pdftotext" else [])], check=True, capture_output=True, text=True
    ).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", pdf), re.M)[1])


def _days_per_page(pdf: Path) -> list[set[str]]:
    """The "Day N of M" (Korean "M일 중 N일차") headings on each page; pdftotext separates pages with form feeds."""
    heading = re.compile(r"Day\s+(\d+)\s+of\s+\d+|\d+일\s*중\s*(\d+)일차")
    return [{a or b for a, b in heading.findall(page)} for page in _poppler("pdftotext", pdf).split("\f")[:-1]]


def test_the_print_view_numbers_stops_in_timetable_order_and_loads_nothing_remote(client: FlaskClient) -> None:
    response = client.get(f"/tours/{STUDY_TOUR}/print?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert not re.search(r"https?://", page)  # every asset is ours; the map is inline SVG
    doc = html.fromstring(page)
    assert doc.get("lang") == "en"
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/css/print.css"]
    with client.application.app_context():
        result = tour_by_ref(db_session, STUDY_TOUR).result
    days = doc.xpath("//section[@class='day']")
    assert len(days) == len(result["days"]) == 4
    for section, plan in zip(days, result["days"], strict=True):
        rows = section.xpath(".//tr[contains(@class, 'stop ')]")
        assert [r.xpath("string(td[@class='no'])").strip() for r in rows] == stop_labels(plan["stops"])
        drawn = section.xpath(".//svg//g[@class='stop']/@data-label")
        assert drawn == [label for label in stop_labels(plan["stops"]) if label]
        assert section.xpath(".//svg//g[@class='scale-bar']") and section.xpath(".//svg//g[@class='north-arrow']")
    assert "石川県金沢市東山1丁目" in page and "ひがし茶屋街（東山ひがし）" in page
    assert page.count('lang="ja"') > 10


@pytest.mark.browser
@needs_poppler
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_chromium_prints_the_print_view_on_a4_with_a_page_break_per_day(app: Flask, tmp_path: Path) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pdf = tmp_path / "printed.pdf"
    try:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                f"http://127.0.0.1:{server.server_port}/tours/{STUDY_TOUR}/print?lang=en",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    info = _poppler("pdfinfo", pdf)
    assert re.search(r"Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)", info)
    pages = _days_per_page(pdf)
    assert all(len(days) <= 1 for days in pages)
    assert set().union(*pages) == {"1", "2", "3", "4"}
    assert "Print" not in _poppler("pdftotext", pdf).split("\f")[0].splitlines()[0]  # the toolbar does not print


def test_the_print_view_of_one_day_in_korean(client: FlaskClient) -> None:
    doc = html.fromstring(client.get(f"/tours/{STUDY_TOUR}/print?day=2&lang=ko").get_data(as_text=True))
    assert doc.get("lang") == "ko"
    assert [s.get("id") for s in doc.xpath("//section[@class='day']")] == ["day-2"]
    text = doc.text_content()
    assert "호쿠리쿠 라이프사이언스 클러스터 인터뷰" in text and "2018년 3월 26일" in text
    assert "一般財団法人 北陸産業活性化センター" in text


@needs_poppler
def test_the_pdf_handout_has_a_page_per_day_with_japanese_and_korean_in_embedded_cjk_fonts(
    client: FlaskClient, tmp_path: Path
) -> None:
    response = client.get(f"/tours/{STUDY_TOUR}/handout.pdf?lang=ko")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={STUDY_TOUR}-ko.pdf"
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(response.data)
    pages = _days_per_page(pdf)
    assert all(len(days) <= 1 for days in pages)  # a page break before every day
    assert set().union(*pages) == {"1", "2", "3", "4"}
    assert "A4" in _poppler("pdfinfo", pdf)
    text = _poppler("pdftotext", pdf)
    for name in ("ひがし茶屋街（東山ひがし）", "히가시 찻집 거리", "石川県金沢市東山1丁目", "호텔 닛코 가나자와"):
        assert name in text
    fonts = [line.split() for line in _poppler("pdffonts", pdf).splitlines()[2:]]
    cjk = [f for f in fonts if "CJK" in f[0]]
    assert cjk and all(f[-5] == "yes" for f in cjk)  # the "emb" column


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("gpx", "application/gpx+xml"),
        ("kml", "application/vnd.google-earth.kml+xml"),
        ("geojson", "application/geo+json"),
        ("ics", "text/calendar; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_exports_download_with_their_media_type_and_file_name(client: FlaskClient, fmt: str, media_type: str) -> None:
    response = client.get(f"/tours/{STUDY_TOUR}/export.{fmt}?day=3")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f"attachment; filename={STUDY_TOUR}-day3.{fmt}"
    assert "2018-03-27" in response.data.decode("utf-8-sig") or fmt == "ics"


def test_the_share_token_opens_the_same_print_view_pdf_and_exports(app: Flask, client: FlaskClient) -> None:
    token = _tour(app).share_token
    page = client.get(f"/share/{token}/print?lang=en")
    assert page.status_code == 200
    links = html.fromstring(page.get_data(as_text=True)).xpath("//nav[@class='toolbar']//a/@href")
    assert links and all(link.startswith(f"/share/{token}/") for link in links)  # never the owner's URLs
    assert client.get(f"/share/{token}/export.gpx").status_code == 200
    assert client.get(f"/share/{token}/handout.pdf?day=1").data.startswith(b"%PDF")
    assert client.get("/share/not-a-token/print").status_code == 404
    assert client.get("/share/not-a-token/export.csv").status_code == 404


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/tours/no-such-tour/print", 404, "no such tour"),
        ("/tours/no-such-tour/handout.pdf", 404, "no such tour"),
        ("/tours/no-such-tour/export.gpx", 404, "no such tour"),
        (f"/tours/{STUDY_TOUR}/export.shp", 400, "choose one of gpx, kml, geojson, ics, csv"),
        (f"/tours/{STUDY_TOUR}/export.gpx?day=9", 400, "it has days 1 to 4"),
        (f"/tours/{STUDY_TOUR}/print?day=0", 400, "day must be a day number from 1"),
        (f"/tours/{STUDY_TOUR}/handout.pdf?day=two", 400, "day must be a day number from 1"),
        (f"/tours/{STUDY_TOUR}/print?lang=fr", 400, "lang must be one of en, ko"),
    ],
)
def test_bad_requests_get_a_page_that_says_why(client: FlaskClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.content_type.startswith("text/html")
    assert message in response.get_data(as_text=True).lower().replace("&#39;", "'")


def test_a_tour_never_planned_is_planned_on_first_export_and_keeps_the_plan(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        tour = tour_by_ref(db_session, STUDY_TOUR)
        tour.result = None
        db_session.commit()
    response = client.get(f"/tours/{STUDY_TOUR}/export.geojson")
    assert response.status_code == 200 and response.json["type"] == "FeatureCollection"
    with app.app_context():
        assert tour_by_ref(db_session, STUDY_TOUR).result["days"]


def test_the_export_api_answers_files_and_clear_errors(client: FlaskClient) -> None:
    response = client.get(f"/api/v1/tours/{STUDY_TOUR}/export?format=gpx&day=2")
    assert response.status_code == 200 and response.content_type == "application/gpx+xml"
    assert response.headers["Content-Disposition"] == f"attachment; filename={STUDY_TOUR}-day2.gpx"
    if GPX_XSD.exists():
        assert etree.XMLSchema(etree.parse(str(GPX_XSD))).validate(etree.fromstring(response.data))
    bad_format = client.get(f"/api/v1/tours/{STUDY_TOUR}/export?format=shp")
    assert bad_format.status_code == 400 and "format" in bad_format.json["errors"]["query"]
    bad_day = client.get(f"/api/v1/tours/{STUDY_TOUR}/export?format=csv&day=7")
    assert bad_day.status_code == 400 and "it has days 1 to 4" in bad_day.json["message"]
    assert client.get(f"/api/v1/tours/{STUDY_TOUR}/export?format=csv&day=0").status_code == 400
    assert client.get("/api/v1/tours/no-such-tour/export?format=gpx").status_code == 404
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/tours/{ref}/export" in spec["paths"]


@needs_poppler
def test_planner_print_writes_one_days_korean_handout(runner: FlaskCliRunner, tmp_path: Path) -> None:
    pdf = tmp_path / "day2.pdf"
    result = runner.invoke(args=["print", STUDY_TOUR, "--day", "2", "--lang", "ko", "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    assert 1 <= _pages(pdf) <= 2
    text = _poppler("pdftotext", pdf)
    assert "2018년 3월 26일" in text and "2018년 3월 25일" not in text  # that day only
    assert "一般財団法人" in text


@pytest.mark.parametrize("fmt", ["gpx", "kml", "geojson", "ics", "csv"])
def test_planner_export_tour_writes_the_file(runner: FlaskCliRunner, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"tour.{fmt}"
    result = runner.invoke(args=["export", "tour", STUDY_TOUR, "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 200


def test_planner_export_tour_refuses_a_missing_day_or_tour_and_writes_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = runner.invoke(
        args=["export", "tour", STUDY_TOUR, "--format", "gpx", "--day", "5", "-o", str(folder / "t.gpx")]
    )
    assert result.exit_code != 0 and "it has days 1 to 4" in result.output
    result = runner.invoke(args=["print", "no-such-tour", "-o", str(folder / "x.pdf")])
    assert result.exit_code != 0 and "no tour 'no-such-tour'" in result.output
    assert list(folder.iterdir()) == []
