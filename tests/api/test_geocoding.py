"""The geocoder against a small Nominatim stand-in on 127.0.0.1 (real HTTP, wired through configuration)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from planner.services.geocoding import GeocoderSettings, GeocoderUnavailable, geocode_address
from tests.nominatim import FakeNominatim, serve_nominatim

TIMEOUT = 0.5


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    with serve_nominatim(slow_seconds=TIMEOUT * 6) as fake:  # "slow" answers long after the client gave up
        yield fake


def _free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def geo_app(make_app: Callable[..., Flask], database_url: str, nominatim: FakeNominatim) -> Flask:
    return make_app(
        database_url,
        GEOCODER_DOMAIN=f"127.0.0.1:{nominatim.port}",
        GEOCODER_SCHEME="http",
        GEOCODER_TIMEOUT=TIMEOUT,
        GEOCODER_USER_AGENT="planner-tests/1",
    )


@pytest.fixture
def geo_client(geo_app: Flask) -> FlaskClient:
    return geo_app.test_client()


def test_results_come_back_as_name_lat_lon(geo_client: FlaskClient, nominatim: FakeNominatim) -> None:
    response = geo_client.get("/api/v1/geocode", query_string={"q": "Kenroku-en", "region": "kanazawa"})
    assert response.status_code == 200
    assert response.json == {
        "results": [
            {"name": "Kenroku-en, Kanazawa, Ishikawa, Japan", "lat": 36.5621, "lon": 136.6627},
            {"name": "Kenrokumachi, Kanazawa, Japan", "lat": 36.565, "lon": 136.66},
        ]
    }
    (asked,) = nominatim.requests
    assert asked["path"] == "/search"
    assert asked["params"]["format"] == "json"
    assert asked["params"]["q"] == "Kenroku-en"
    assert asked["user_agent"] == "planner-tests/1"
    # biased towards Kanazawa (Japan), not limited to it
    assert asked["params"]["countrycodes"] == "jp"
    lon1, lat1, lon2, lat2 = (float(x) for x in asked["params"]["viewbox"].split(","))
    assert min(lon1, lon2) < 136.6562 < max(lon1, lon2) and min(lat1, lat2) < 36.5613 < max(lat1, lat2)
    assert asked["params"].get("bounded", "0") == "0"


def test_names_are_asked_for_in_the_chosen_language(geo_client: FlaskClient, nominatim: FakeNominatim) -> None:
    geo_client.get("/lang/ko")
    geo_client.get("/api/v1/geocode", query_string={"q": "공주 공산성", "region": "chungnam"})
    (asked,) = nominatim.requests
    assert asked["params"]["accept-language"] == "ko"
    assert asked["params"]["countrycodes"] == "kr"


def test_no_place_found_is_an_empty_list_with_a_message(geo_client: FlaskClient) -> None:
    response = geo_client.get("/api/v1/geocode", query_string={"q": "nowhere"})
    assert response.status_code == 200
    assert response.json["results"] == []
    assert "No place found for nowhere" in response.json["message"]


@pytest.mark.parametrize(
    ("query", "reason", "words"),
    [
        ("boom", "error", "the server answered with an error"),
        ("garbled", "bad_answer", "its answer could not be read"),
        ("not-a-list", "bad_answer", "its answer could not be read"),
        ("slow", "timeout", "no answer in time"),
    ],
)
def test_a_failing_server_gives_503_with_a_clear_message(
    geo_client: FlaskClient, query: str, reason: str, words: str
) -> None:
    response = geo_client.get("/api/v1/geocode", query_string={"q": query})
    assert response.status_code == 503
    assert response.json["message"] == (
        f"The address service cannot be reached ({words}); pick the place on the map instead."
    )
    assert response.json["errors"] == {"geocoder": {"reason": reason}}


def test_a_refused_connection_gives_503(make_app: Callable[..., Flask], database_url: str) -> None:
    app = make_app(database_url, GEOCODER_DOMAIN=f"127.0.0.1:{_free_port()}", GEOCODER_SCHEME="http")
    response = app.test_client().get("/api/v1/geocode", query_string={"q": "Kenroku-en"})
    assert response.status_code == 503
    assert "(no connection to the server)" in response.json["message"]


def test_the_503_message_is_translated(geo_client: FlaskClient) -> None:
    geo_client.get("/lang/ko")
    response = geo_client.get("/api/v1/geocode", query_string={"q": "boom"})
    assert response.status_code == 503
    assert "지도" in response.json["message"]  # "pick the place on the map", in Korean


@pytest.mark.parametrize("query", [None, "", "   "])
def test_an_empty_query_is_400(geo_client: FlaskClient, nominatim: FakeNominatim, query: str | None) -> None:
    response = geo_client.get("/api/v1/geocode", query_string={} if query is None else {"q": query})
    assert response.status_code == 400
    assert response.json["errors"] == {"query": {"q": ["required"]}}
    assert nominatim.requests == []


def test_an_unknown_region_is_404(geo_client: FlaskClient) -> None:
    response = geo_client.get("/api/v1/geocode", query_string={"q": "x", "region": "atlantis"})
    assert response.status_code == 404


def test_the_service_returns_positions_and_raises_with_a_reason(nominatim: FakeNominatim) -> None:
    settings = GeocoderSettings(f"127.0.0.1:{nominatim.port}", "http", TIMEOUT, "planner-tests/1")
    (first, _second) = geocode_address(settings, "Kenroku-en")
    assert (first.lat, first.lon) == (36.5621, 136.6627)
    assert geocode_address(settings, "nowhere") == []
    with pytest.raises(GeocoderUnavailable) as caught:
        geocode_address(settings, "slow")
    assert caught.value.reason == "timeout"
