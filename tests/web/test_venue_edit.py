"""Venue editing through the pages: create, edit with optimistic locking, delete with a confirmation step."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.services.venue_edits import StaleVenue, update_venue
from planner.web.venue_forms import form_data

NEW_VENUE = {
    "name_en": "Sakuda Gold Leaf Test Studio",
    "name_local": "試験金箔工房",
    "name_ko": "시험 금박 공방",
    "category": "gold_leaf",
    "address": "石川県金沢市東山1-3-27",
    "lat": "36.5721",
    "lon": "136.6669",
    "coordinates": "approximate",
    "coordinates_note": "shop door, placed on the map",
    "visit_minutes": "40",
    "hours": 'weekly: {daily: ["09:00-18:00"]}\nnote: last entry 17:30',
    "admission_price": "0",
    "admission_currency": "jpy",
    "experience_offered": "y",
    "experience_name": "Gold-leaf chopsticks",
    "experience_minutes": "60",
    "experience_price": "1500",
    "experience_currency": "JPY",
    "experience_capacity": "12",
    "experience_booking_required": "yes",
    "website": "https://example.org/studio",
    "sources": "https://example.org/studio\n\n  https://example.org/map  \n",
}


def _venue(app: Flask, region: str, slug: str) -> Venue | None:
    with app.app_context():
        return db_session.scalar(select(Venue).join(Region).where(Region.slug == region, Venue.slug == slug))


def _errors(html: str) -> dict[str, str]:
    """Field id → the error shown beside it."""
    return dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html))


def test_create_saves_every_field_and_marks_the_venue_edited(app: Flask, client: FlaskClient) -> None:
    response = client.post("/regions/kanazawa/venues/new", data=NEW_VENUE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/regions/kanazawa/venues/sakuda-gold-leaf-test-studio"
    venue = _venue(app, "kanazawa", "sakuda-gold-leaf-test-studio")
    assert venue is not None
    assert (venue.name_local, venue.name_ko, venue.category) == ("試験金箔工房", "시험 금박 공방", "gold_leaf")
    assert (venue.lat, venue.lon, venue.visit_minutes) == (36.5721, 136.6669, 40)
    assert venue.hours == {"weekly": {"daily": ["09:00-18:00"]}, "note": "last entry 17:30"}
    assert (venue.admission_price, venue.admission_currency) == (0.0, "JPY")
    assert venue.experience_offered and venue.experience_booking_required is True
    assert (venue.experience_minutes, venue.experience_price, venue.experience_capacity) == (60, 1500.0, 12)
    assert venue.sources == ["https://example.org/studio", "https://example.org/map"]
    assert venue.edited_in_app and venue.seed_digest is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sakuda Gold Leaf Test Studio" in page and "試験金箔工房" in page


def test_errors_show_beside_their_fields_and_typed_values_stay(app: Flask, client: FlaskClient) -> None:
    typed = {
        **NEW_VENUE,
        "name_en": "",
        "lat": "north",
        "visit_minutes": "2000",
        "website": "example.org",
        "hours": "weekly: {mon: [09:00-17:00",
        "sources": "",
    }
    response = client.post("/regions/kanazawa/venues/new", data=typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = _errors(html)
    assert errors["name_en"] == "required"
    assert "WGS84" in errors["lat"]
    assert "2000" in errors["visit_minutes"] and "1440" in errors["visit_minutes"]
    assert "http" in errors["website"]
    assert errors["hours"].startswith("cannot be read at line 1")
    assert errors["sources"] == "required"
    assert "lon" not in errors and "category" not in errors
    (lat_input,) = re.findall(r'<input[^>]*id="lat"[^>]*>', html)
    assert 'aria-describedby="lat-error"' in lat_input and 'aria-invalid="true"' in lat_input
    assert 'value="north"' in html and 'value="2000"' in html and "試験金箔工房" in html
    assert "weekly: {mon: [09:00-17:00</textarea>" in html
    assert _venue(app, "kanazawa", "sakuda-gold-leaf-test-studio") is None


@pytest.mark.parametrize(
    ("slug", "words"),
    [("kenroku-en", "already used"), ("new", "reserved"), ("Not A Slug", "lower-case")],
)
def test_a_taken_reserved_or_malformed_slug_is_refused(client: FlaskClient, slug: str, words: str) -> None:
    response = client.post("/regions/kanazawa/venues/new", data={**NEW_VENUE, "slug": slug})
    assert response.status_code == 400
    assert words in _errors(response.get_data(as_text=True))["slug"]


def test_every_seeded_venue_survives_the_form_unchanged(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        venues = list(db_session.scalars(select(Venue)))
        sent = {(v.region.slug, v.slug): form_data(v) for v in venues}
        before = {(v.region.slug, v.slug): _facts(v) for v in venues}
    for (region, slug), data in sent.items():
        data = {k: v for k, v in data.items() if v not in (None, False)}
        response = client.post(f"/regions/{region}/venues/{slug}/edit", data=data)
        assert response.status_code == 302, (slug, _errors(response.get_data(as_text=True)))
        venue = _venue(app, region, slug)
        assert venue is not None and venue.edited_in_app
        assert _facts(venue) == before[(region, slug)], slug


def _facts(venue: Venue) -> dict[str, Any]:
    skip = {"id", "version", "edited_in_app", "created_at", "updated_at", "seed_digest", "region_id"}
    return {c.key: getattr(venue, c.key) for c in Venue.__table__.columns if c.key not in skip}


def test_the_edit_form_shows_the_saved_values(client: FlaskClient) -> None:
    html = client.get("/regions/kanazawa/venues/kenroku-en/edit").get_data(as_text=True)
    assert 'value="Kenroku-en Garden"' in html and 'value="兼六園"' in html
    assert 'name="version" type="hidden" value="' in html
    assert "daily: [&#39;07:00-18:00&#39;]" in html  # the hours as YAML
    assert '<option selected value="garden">' in html


def test_saving_a_stale_form_shows_the_conflict_and_keeps_what_was_typed(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None
        opened = form_data(venue)
    other = client.post(
        "/regions/kanazawa/venues/kenroku-en/edit", data={**opened, "name_en": "Kenroku-en (other editor)"}
    )
    assert other.status_code == 302
    mine = {**opened, "name_en": "Kenroku-en (mine)", "visit_minutes": "75"}
    response = client.post("/regions/kanazawa/venues/kenroku-en/edit", data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this venue while you were editing" in html
    assert 'value="Kenroku-en (mine)"' in html and 'value="75"' in html
    assert "Name in English" in html.split('class="flash flash-error conflict"')[1].split("</div>")[0]
    saved = _venue(app, "kanazawa", "kenroku-en")
    assert saved is not None and saved.name_en == "Kenroku-en (other editor)"
    # The page now carries the current version: saving again is a deliberate choice, and it works
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version is not None and int(version.group(1)) == saved.version
    again = client.post("/regions/kanazawa/venues/kenroku-en/edit", data={**mine, "version": version.group(1)})
    assert again.status_code == 302
    saved = _venue(app, "kanazawa", "kenroku-en")
    assert saved is not None and saved.name_en == "Kenroku-en (mine)"


def test_a_save_landing_between_read_and_write_is_caught_by_the_database(app: Flask) -> None:
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None
        record = _record_of(venue)
        with app.extensions["planner_engine"].begin() as other:  # another request commits in between
            other.execute(update(Venue).where(Venue.id == venue.id).values(version=Venue.version + 1, phone="1"))
        with pytest.raises(StaleVenue):
            update_venue(db_session, venue, record, venue.version)
        db_session.rollback()
        fresh = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert fresh is not None and fresh.phone == "1"


def _record_of(venue: Venue) -> dict[str, Any]:
    return {
        "slug": venue.slug,
        "category": venue.category,
        "name": {"en": "Changed", "local": venue.name_local},
        "lat": venue.lat,
        "lon": venue.lon,
        "sources": venue.sources,
    }


def test_delete_asks_first_then_deletes(app: Flask, client: FlaskClient) -> None:
    page = client.get("/regions/chungnam/venues/gongsanseong/delete")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cannot be undone" in html
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version is not None
    assert _venue(app, "chungnam", "gongsanseong") is not None  # a GET changes nothing
    response = client.post("/regions/chungnam/venues/gongsanseong/delete", data={"version": version.group(1)})
    assert response.status_code == 302 and response.headers["Location"] == "/regions/chungnam"
    assert _venue(app, "chungnam", "gongsanseong") is None
    assert client.get("/regions/chungnam/venues/gongsanseong").status_code == 404


def test_a_venue_in_a_saved_tour_is_not_deleted_and_the_tours_are_named(app: Flask, client: FlaskClient) -> None:
    page = client.get("/regions/kanazawa/venues/kenroku-en/delete").get_data(as_text=True)
    assert '<a href="/tours/kanazawa-study-tour-2018">' in page
    assert 'type="submit" class="danger"' not in page
    venue = _venue(app, "kanazawa", "kenroku-en")
    assert venue is not None
    response = client.post("/regions/kanazawa/venues/kenroku-en/delete", data={"version": str(venue.version)})
    assert response.status_code == 409
    assert "kanazawa-study-tour-2018" in response.get_data(as_text=True)
    assert _venue(app, "kanazawa", "kenroku-en") is not None


def test_deleting_from_a_stale_page_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post("/regions/chungnam/venues/gongsanseong/delete", data={"version": "999"})
    assert response.status_code == 409
    assert "Someone changed this venue" in response.get_data(as_text=True)
    assert _venue(app, "chungnam", "gongsanseong") is not None


def test_forms_need_the_csrf_token(make_app: Callable[..., Flask], database_url: str) -> None:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/regions/kanazawa/venues/new", data=NEW_VENUE)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "did not come from this site" in html and 'value="Sakuda Gold Leaf Test Studio"' in html
    assert client.post("/regions/chungnam/venues/gongsanseong/delete", data={"version": "1"}).status_code == 400
    assert _venue(app, "chungnam", "gongsanseong") is not None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token is not None
    response = client.post("/regions/kanazawa/venues/new", data={**NEW_VENUE, "csrf_token": token.group(1)})
    assert response.status_code == 302


def test_seed_keeps_a_venue_edited_in_the_app(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None
        data = form_data(venue)
    client.post("/regions/kanazawa/venues/kenroku-en/edit", data={**data, "name_en": "Kenroku-en (edited)"})
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    venue = _venue(app, "kanazawa", "kenroku-en")
    assert venue is not None and venue.name_en == "Kenroku-en (edited)"


def test_pages_link_to_the_forms(client: FlaskClient) -> None:
    assert 'href="/regions/kanazawa/venues/new"' in client.get("/regions/kanazawa").get_data(as_text=True)
    page = client.get("/regions/kanazawa/venues/kenroku-en").get_data(as_text=True)
    assert 'href="/regions/kanazawa/venues/kenroku-en/edit"' in page
    assert 'href="/regions/kanazawa/venues/kenroku-en/delete"' in page


class _Controls(HTMLParser):
    """Collect form controls a person sees, and which ids have a <label for>."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()
        self.wrapped = 0  # controls inside their <label>
        self._in_label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self._in_label = True
            if a.get("for"):
                self.labelled.add(str(a["for"]))
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            if self._in_label:
                self.labelled.add(str(a.get("id")))
            self.controls.append(str(a.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label = False


@pytest.mark.parametrize("url", ["/regions/kanazawa/venues/new", "/regions/kanazawa/venues/kenroku-en/edit"])
def test_every_form_control_has_a_label_and_the_map_script_is_local(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    form = html.split('class="venue-form"')[1]
    parser = _Controls()
    parser.feed(form)
    assert len(parser.controls) >= 25
    assert [c for c in parser.controls if c not in parser.labelled] == []
    assert "/static/js/venue_form.js" in html and "/static/vendor/leaflet/leaflet.js" in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
