"""GET /api/v1/regions and the region venues as an RFC 7946 FeatureCollection."""

from __future__ import annotations

from flask.testing import FlaskClient

from planner.services.venues import VENUE_FIELDS


def test_regions_list(client: FlaskClient) -> None:
    response = client.get("/api/v1/regions")
    assert response.status_code == 200
    regions = {r["slug"]: r for r in response.get_json()}
    assert regions["kanazawa"]["timezone"] == "Asia/Tokyo"
    assert regions["kanazawa"]["name_local"] == "金沢"
    lat, lon = regions["chungnam"]["centre"]
    assert 35.9 < lat < 37.1 and 126.0 < lon < 127.7
    assert regions["chungnam"]["venue_count"] >= 25


def test_venues_are_geojson_in_lon_lat_order_with_every_field(client: FlaskClient) -> None:
    response = client.get("/api/v1/regions/kanazawa/venues")
    assert response.status_code == 200
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) >= 35
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 136.5 < lon < 136.8 and 36.5 < lat < 36.7  # Kanazawa, [lon, lat]
        assert set(VENUE_FIELDS) <= set(feature["properties"])
        assert feature["properties"]["lat"] == lat and feature["properties"]["lon"] == lon


def test_venue_filters_and_unknown_region(client: FlaskClient) -> None:
    gold = client.get("/api/v1/regions/kanazawa/venues?category=gold_leaf").get_json()["features"]
    assert gold and all(f["properties"]["category"] == "gold_leaf" for f in gold)
    found = client.get("/api/v1/regions/kanazawa/venues?q=兼六").get_json()["features"]
    assert "kenroku-en" in [f["properties"]["slug"] for f in found]
    for f in found:
        p = f["properties"]
        assert "兼六" in f"{p['name_local']} {p['address']}"
    assert client.get("/api/v1/regions/atlantis/venues").status_code == 404


def test_openapi_document_lists_the_endpoints(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/regions", "/api/v1/regions/{slug}/venues", "/api/v1/plan", "/api/v1/matrix"):
        assert path in spec["paths"]
