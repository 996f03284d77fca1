"""Venue exchange over the web and the API: downloads, the upload → preview → apply flow, and no 500 on garbage."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from planner.db.models import Region, Venue
from planner.db.session import db_session

FILES = Path(__file__).parents[1] / "io" / "files"
LINESTRING = b'{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[136.6, 36.5], [136.7, 36.6]]}}'


@pytest.fixture
def app(make_app: Callable[..., Flask], database_url: str, tmp_path: Path) -> Flask:
    """The seeded app, keeping uploads between preview and apply in this test's own folder."""
    return make_app(database_url, IMPORT_FOLDER=str(tmp_path / "imports"))


def _upload(client: FlaskClient, region: str, data: bytes, filename: str, **fields: Any) -> Any:
    form = {"file": (io.BytesIO(data), filename), **fields}
    return client.post(f"/regions/{region}/import", data=form, content_type="multipart/form-data")


def _count(app: Flask, region: str = "kanazawa") -> int:
    with app.app_context():
        return db_session.scalar(select(func.count(Venue.id)).join(Region).where(Region.slug == region)) or 0


def _venue(app: Flask, slug: str) -> Venue | None:
    with app.app_context():
        return db_session.scalar(select(Venue).where(Venue.slug == slug))


def _kept(app: Flask) -> list[Path]:
    folder = Path(app.config["IMPORT_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_region_page_links_to_import_and_both_exports(client: FlaskClient) -> None:
    html = client.get("/regions/kanazawa").get_data(as_text=True)
    for href in ("/regions/kanazawa/import", "/regions/kanazawa/venues.geojson", "/regions/kanazawa/venues.csv"):
        assert f'href="{href}"' in html


@pytest.mark.parametrize(
    ("url", "media_type", "start"),
    [
        ("/regions/chungnam/venues.csv", "text/csv; charset=utf-8", b"\xef\xbb\xbfslug,category,name_en"),
        ("/regions/chungnam/venues.geojson", "application/geo+json", b'{\n  "type": "FeatureCollection"'),
        ("/api/v1/regions/chungnam/venues.csv", "text/csv; charset=utf-8", b"\xef\xbb\xbfslug,category,name_en"),
    ],
)
def test_exports_download_as_files(client: FlaskClient, url: str, media_type: str, start: bytes) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"].startswith('attachment; filename="chungnam-venues.')
    assert response.data.startswith(start) and "국립공주박물관".encode() in response.data


@pytest.mark.parametrize(
    "url", ["/regions/atlantis/venues.csv", "/regions/atlantis/import", "/api/v1/regions/atlantis/venues.csv"]
)
def test_unknown_region_is_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_upload_preview_then_apply(app: Flask, client: FlaskClient) -> None:
    before = _count(app)
    response = _upload(client, "kanazawa", (FILES / "kanazawa_shift_jis.csv").read_bytes(), "工房.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert re.fullmatch(r"/regions/kanazawa/import/[A-Za-z0-9_-]{20,64}", preview_url)
    page = client.get(preview_url).get_data(as_text=True)
    assert "Shift_JIS/CP932 (Japanese)" in page and "工房.csv" in page
    assert page.count('class="row-create') == 2 and "gold-leaf-chopsticks-workshop" in page
    assert _count(app) == before  # a preview writes nothing
    response = client.post(preview_url)
    assert response.status_code == 302 and response.headers["Location"] == "/regions/kanazawa"
    assert _count(app) == before + 2
    venue = _venue(app, "gold-leaf-chopsticks-workshop")
    assert venue is not None and venue.name_local == "金箔はし工房\u3000ひがし"
    assert "Imported into kanazawa: 2 created" in client.get("/regions/kanazawa").get_data(as_text=True)
    assert _kept(app) == []  # the kept upload is gone once applied
    assert client.get(preview_url).status_code == 302  # and its preview with it


def test_bad_rows_block_apply_until_the_user_skips_them(app: Flask, client: FlaskClient) -> None:
    before = _count(app)
    response = _upload(client, "kanazawa", (FILES / "kanazawa_bad_rows.csv").read_bytes(), "bad.csv")
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert page.count('class="row-reject problem"') == 6
    assert "<td>line 9</td>" in page and "<strong>name_en</strong>: is 204 characters long" in page
    assert "<strong>hours</strong>: is not valid JSON" in page
    assert "Nothing can be imported as it is" in page
    response = client.post(preview_url, data={})
    assert response.status_code == 422
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert _count(app) == before
    response = client.post(preview_url, data={"skip_invalid": "y"})
    assert response.status_code == 302
    assert _count(app) == before + 2
    assert _venue(app, "good-one") is not None and _venue(app, "bad-lat") is None


def test_update_preview_lists_the_changed_fields(app: Flask, client: FlaskClient) -> None:
    csv = 'slug,visit_minutes,hours\nkenroku-en,95,"{""weekly"": {""daily"": [""08:00-17:00""]}}"\n'
    response = _upload(client, "kanazawa", csv.encode(), "update.csv")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="row-update' in page
    assert "<strong>visit_minutes</strong>: 60 → 95" in page
    assert "<strong>hours</strong>: {&#34;weekly&#34;" in page and "08:00-17:00" in page
    client.post(response.headers["Location"])
    venue = _venue(app, "kenroku-en")
    assert venue is not None and venue.visit_minutes == 95 and venue.hours == {"weekly": {"daily": ["08:00-17:00"]}}


def test_defaults_and_duplicates_from_the_form(app: Flask, client: FlaskClient) -> None:
    fields = {"category": "shop", "source": "https://example.org/kml", "skip_invalid": "y"}
    response = _upload(client, "kanazawa", (FILES / "kanazawa.kml").read_bytes(), "crafts.kml", **fields)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "probably the same place as venue kenroku-en" in page
    assert '<input checked id="skip_invalid"' in page  # the choice made at upload is kept
    client.post(response.headers["Location"], data={"skip_invalid": "y"})
    shop = _venue(app, "paper-lantern-shop")
    assert shop is not None and shop.category == "shop" and shop.sources == ["https://example.org/kml"]
    assert _venue(app, "kenroku-en-2") is None


@pytest.mark.parametrize(
    ("data", "filename", "fields", "message"),
    [
        (b"", "empty.csv", {}, "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", {}, "the file is not text"),
        (b'{"type": "FeatureCollection", "features": [}', "broken.geojson", {}, "not valid JSON"),
        (b"PK\x03\x04\x14\x00", "venues.xlsx", {}, "save the sheet as"),
        (b"<html><body>hello</body></html>", "page.kml", {}, "the root element is &lt;html&gt;"),
        (b"slug\nx\n", "x.csv", {"format": "pdf"}, "Not a valid choice"),
        (b"slug\nx\n", "x.csv", {"source": "ftp://example.org"}, "A web address starting with http"),
    ],
)
def test_garbage_uploads_get_a_message_not_a_500(
    app: Flask, client: FlaskClient, data: bytes, filename: str, fields: dict[str, str], message: str
) -> None:
    response = _upload(client, "kanazawa", data, filename, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _kept(app) == []


def test_a_linestring_is_previewed_as_a_rejected_row(client: FlaskClient) -> None:
    response = _upload(client, "kanazawa", LINESTRING, "route.geojson")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "feature 1" in page and "is a LineString; only Point features are venues" in page


def test_upload_size_is_limited(make_app: Callable[..., Flask], database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, IMPORT_MAX_BYTES=100, IMPORT_FOLDER=str(tmp_path))
    response = _upload(app.test_client(), "kanazawa", b"slug\n" + b"x" * 200, "big.csv")
    assert response.status_code == 400 and "larger than 100 bytes" in response.get_data(as_text=True)


def test_kept_uploads_belong_to_their_region(client: FlaskClient) -> None:
    response = _upload(client, "kanazawa", (FILES / "kanazawa_utf8_bom.csv").read_bytes(), "k.csv")
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/regions/chungnam/import/{token}").status_code == 404
    assert client.get("/regions/kanazawa/import/..%2F..%2Fsecret_key").status_code == 404
    assert client.get("/regions/kanazawa/import/" + "a" * 30).status_code == 302  # unknown: upload again


def test_upload_and_apply_need_the_csrf_token(
    make_app: Callable[..., Flask], database_url: str, tmp_path: Path
) -> None:
    app = make_app(database_url, WTF_CSRF_ENABLED=True, IMPORT_FOLDER=str(tmp_path / "imports"))
    client = app.test_client()
    data = (FILES / "kanazawa_utf8_bom.csv").read_bytes()
    response = _upload(client, "kanazawa", data, "k.csv")
    assert response.status_code == 400 and _kept(app) == []
    page = client.get("/regions/kanazawa/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    response = _upload(client, "kanazawa", data, "k.csv", csrf_token=token.group(1))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert client.post(preview_url).status_code == 400  # Apply without the token
    assert _venue(app, "kutani-tile-gallery") is None
    assert client.post(preview_url, data={"csrf_token": token.group(1)}).status_code == 302
    assert _venue(app, "kutani-tile-gallery") is not None


# --- API --------------------------------------------------------------------------------------------------------


def _api_import(client: FlaskClient, query: str, data: bytes, filename: str) -> Any:
    return client.post(
        f"/api/v1/regions/kanazawa/venues/import{query}",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_api_import_is_a_dry_run_by_default(app: Flask, client: FlaskClient) -> None:
    response = _api_import(client, "", (FILES / "kanazawa_bad_rows.csv").read_bytes(), "bad.csv")
    assert response.status_code == 200
    report = response.get_json()
    assert report["applied"] is False and report["blocked"] is True
    assert report["counts"] == {"create": 2, "update": 0, "unchanged": 0, "reject": 6, "duplicate": 0}
    row = next(r for r in report["rows"] if r["line"] == 5)
    assert row["action"] == "reject" and row["errors"][0]["field"] == "category"
    assert _venue(app, "good-one") is None


def test_api_import_applies_all_or_nothing(app: Flask, client: FlaskClient) -> None:
    before = _count(app)
    data = (FILES / "kanazawa_bad_rows.csv").read_bytes()
    response = _api_import(client, "?dry_run=false", data, "bad.csv")
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"].startswith("Nothing can be imported") and len(body["report"]["rows"]) == 8
    assert _count(app) == before
    response = _api_import(client, "?dry_run=false&skip_invalid=true", data, "bad.csv")
    assert response.status_code == 200 and response.get_json()["applied"] is True
    assert _count(app) == before + 2


@pytest.mark.parametrize(
    ("query", "data", "filename", "status"),
    [
        ("?dry_run=false", b"", "empty.csv", 400),
        ("?dry_run=false", b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv", 400),
        ("?dry_run=false", b"{not json", "x.geojson", 400),
        ("?dry_run=false&format=kml", b"slug\nx\n", "x.csv", 400),
        ("?format=pdf", b"slug\nx\n", "x.csv", 422),
        ("?dry_run=false", LINESTRING, "route.geojson", 422),
    ],
)
def test_api_import_of_garbage_is_a_client_error(
    app: Flask, client: FlaskClient, query: str, data: bytes, filename: str, status: int
) -> None:
    before = _count(app)
    response = _api_import(client, query, data, filename)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["message"] if status == 400 else True
    assert _count(app) == before


def test_api_documents_the_exchange_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/regions/{slug}/venues.csv" in paths
    upload = paths["/api/v1/regions/{slug}/venues/import"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {p["name"] for p in upload["parameters"]} >= {"dry_run", "skip_invalid", "format", "category"}
