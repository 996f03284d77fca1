"""Every foundation page renders, from local assets only."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from planner.db.models import Venue
from planner.db.session import db_session


def test_every_region_and_venue_page_renders(app: Flask, client: FlaskClient) -> None:
    assert client.get("/").status_code == 200
    with app.app_context():
        venues = [(v.region.slug, v.slug, v.name_local) for v in db_session.scalars(select(Venue))]
    for region in {r for r, _, _ in venues}:
        page = client.get(f"/regions/{region}")
        assert page.status_code == 200
    for region, slug, local in venues:
        page = client.get(f"/regions/{region}/venues/{slug}")
        assert page.status_code == 200, slug
        assert local in page.get_data(as_text=True)


def test_region_page_has_map_legend_and_no_cdn(client: FlaskClient) -> None:
    html = client.get("/regions/kanazawa").get_data(as_text=True)
    assert "planner-legend" in html
    assert "L.markerClusterGroup" in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    # Only venue websites and sources may be absolute links; no script or stylesheet comes from elsewhere
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)


def test_region_filter_by_category_and_text(client: FlaskClient) -> None:
    html = client.get("/regions/kanazawa?category=gold_leaf").get_data(as_text=True)
    assert "Yasue" in html and "Kenroku-en Garden" not in html.split('class="venues"')[1]
    html = client.get("/regions/kanazawa?q=Omicho").get_data(as_text=True)
    assert "Omicho" in html.split('class="venues"')[1]


@pytest.mark.parametrize("url", ["/regions/atlantis", "/regions/kanazawa/venues/nowhere", "/no-such-page"])
def test_unknown_pages_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_user_text_on_the_map_is_escaped(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None
        venue.name_en = "<img src=x onerror=alert(1)>"
        db_session.commit()
    html = client.get("/regions/kanazawa").get_data(as_text=True)
    assert "<img src=x" not in html  # JSON in the map script escapes <, and the list escapes HTML


def test_korean_names_are_not_repeated_as_their_own_local_name(client: FlaskClient) -> None:
    client.get("/lang/ko")
    html = client.get("/regions/chungnam/venues/gongsanseong").get_data(as_text=True)
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert heading.count("공산성") == 1
    html = client.get("/regions/kanazawa/venues/kenroku-en").get_data(as_text=True)
    assert '<span class="local">兼六園</span>' in html  # the Japanese name stays beside the Korean one
