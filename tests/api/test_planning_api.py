"""POST /api/v1/plan and /api/v1/matrix: real plans, field-level 400s, named 422 conflicts."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from geopy.distance import geodesic

BASE = {
    "region": "kanazawa",
    "start_date": "2026-04-07",
    "start": {"venue": "kanazawa-station"},
    "day_window": ["09:00", "17:30"],
}


def test_plan_with_venues_and_an_inline_place(client: FlaskClient) -> None:
    body = {
        **BASE,
        "candidates": [
            {"venue": "higashi-chaya-district", "priority": 9, "must_visit": True},
            {"venue": "kenroku-en", "priority": 7},
            {"venue": "omicho-market", "priority": 5},
            {"name": "Friend's studio", "lat": 36.5660, "lon": 136.6560, "priority": 3, "visit_minutes": 30},
        ],
        "lunch": {"window": ["11:30", "13:30"], "minutes": 45},
    }
    response = client.post("/api/v1/plan", json=body)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    (day,) = result["days"]
    kinds = [s["kind"] for s in day["stops"]]
    assert kinds[0] == "start" and kinds[-1] == "end" and "lunch" in kinds
    names = [s["name"] for s in day["stops"] if s["kind"] == "visit"]
    assert "Friend's studio" in names
    assert any(s["venue_slug"] == "higashi-chaya-district" for s in day["stops"])
    for stop in day["stops"][1:]:
        if stop["leg"]:
            assert stop["leg"]["mode"] in ("walk", "transfer") and stop["leg"]["minutes"] >= 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"day_window": ["18:00", "09:00"]}, "day_window"),
        ({"candidates": [{"venue": "no-such-venue"}]}, "candidates.0.venue"),
        ({"candidates": [{"venue": "kenroku-en", "priority": -1}]}, "candidates"),
        ({"start": {"lat": 200, "lon": 136.6}}, "start"),
        ({"region": "atlantis"}, "region"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client: FlaskClient, change: dict[str, object], field: str) -> None:
    response = client.post("/api/v1/plan", json={**BASE, **change})
    assert response.status_code == 400
    errors = response.get_json()["errors"]["json"]
    assert any(key.startswith(field) for key in errors), errors


def test_conflict_is_a_422_naming_it(client: FlaskClient) -> None:
    body = {
        **BASE,
        "appointments": [
            {
                "venue": "hokuriku-industrial-revitalization-center",
                "date": "2026-04-07",
                "start": "10:00",
                "end": "11:00",
            },
            {"venue": "kanazawa-monozukuri-kaikan", "date": "2026-04-07", "start": "11:05", "end": "12:00"},
        ],
    }
    response = client.post("/api/v1/plan", json=body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["errors"]["conflict"] == "appointments_too_close"
    assert "too close" in payload["message"]


def test_non_json_body_is_a_400_not_a_500(client: FlaskClient) -> None:
    response = client.post("/api/v1/plan", data="not json", content_type="application/json")
    assert response.status_code == 400


def test_matrix_walk_and_auto(client: FlaskClient) -> None:
    station, garden, gongju = [36.57827, 136.64776], [36.56194, 136.66250], [36.4619, 127.1272]
    walk = client.post("/api/v1/matrix", json={"points": [station, garden]}).get_json()
    metres = geodesic(station, garden).meters * 1.3
    assert walk["meters"][0][1] == pytest.approx(metres, rel=1e-3)
    assert walk["minutes"][0][1] == pytest.approx(metres / 80, rel=1e-3)
    auto = client.post("/api/v1/matrix", json={"points": [station, gongju], "mode": "auto"}).get_json()
    assert auto["modes"][0][1] == "transfer"
    bad = client.post("/api/v1/matrix", json={"points": [[136.6, 36.5]]})
    assert bad.status_code == 400
