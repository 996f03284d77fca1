"""A large region's page: every venue on the map, a paged list, and only what the popups need in the page."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.maps import pack_points, script_json


def _add_region(app: Flask, count: int) -> None:
    with app.app_context():
        region = Region(
            slug="big",
            name_en="Big",
            name_local="大",
            timezone="Asia/Tokyo",
            currency="JPY",
            centre_lat=36.56,
            centre_lon=136.65,
        )
        for n in range(count):
            db_session.add(
                Venue(
                    region=region,
                    slug=f"v-{n:03d}",
                    category="pottery",
                    name_en=f"Kiln {n:03d}",
                    name_local=f"窯{n}",
                    lat=36.5 + n / 10000,
                    lon=136.6 + n / 10000,
                    description_en="LONG-DESCRIPTION " * 20,
                    sources=["https://example.org/"],
                    experience_offered=n % 2 == 0,
                    experience_name="Throwing a bowl" if n % 2 == 0 else None,
                    version=1,
                )
            )
        db_session.commit()


def _points(html: str) -> dict[str, object]:
    match = re.search(r"var packed = (\{.*?\});\n", html)
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_the_map_has_every_venue_and_the_list_is_paged(app: Flask, client: FlaskClient) -> None:
    _add_region(app, 250)
    html = client.get("/regions/big").get_data(as_text=True)
    packed = _points(html)
    assert len(packed["rows"]) == 250  # type: ignore[arg-type]
    assert packed["keys"] == ["category", "experience", "label", "local_lang", "name_local", "url"]
    assert "LONG-DESCRIPTION" not in html  # descriptions stay on the venue pages and in the API
    listed = re.findall(r'<a href="/regions/big/venues/(v-\d+)">', html)
    assert listed == [f"v-{n:03d}" for n in range(100)]
    assert "250 venues" in html and 'rel="next" href="/regions/big?page=2"' in html
    last = client.get("/regions/big?page=3").get_data(as_text=True)
    assert re.findall(r'<a href="/regions/big/venues/(v-\d+)">', last) == [f"v-{n:03d}" for n in range(200, 250)]
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get("/regions/big?page=99").status_code == 200  # out of range shows the last page


def test_packed_points_keep_every_property_and_stay_inside_the_script() -> None:
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [136.6, 36.5]},
                "properties": {"label": "</script><b>'x'</b>", "name_local": "兼六園"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [136.7, 36.6]},
                "properties": {"label": "B", "hours_text": "09:00\u201317:00"},
            },
        ],
    }
    packed = pack_points(features)
    assert packed == {
        "keys": ["hours_text", "label", "name_local"],
        "rows": [[136.6, 36.5, None, "</script><b>'x'</b>", "兼六園"], [136.7, 36.6, "09:00–17:00", "B", None]],
    }
    text = script_json(packed)
    assert "<" not in text and "'" not in text and "兼六園" in text  # UTF-8 kept, markup characters escaped
    assert json.loads(text) == packed
