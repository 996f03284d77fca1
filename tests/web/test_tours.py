"""Tour pages through the Flask client: the builder (validation, conflicts, no-JavaScript row buttons), the
itinerary with its locks, saved tours (rename, duplicate, delete), the read-only share page, and CSRF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from planner.db.models import Tour
from planner.db.session import db_session
from planner.services.tour_edits import fix_order
from planner.services.tours import tour_by_ref

SEEDED = "kanazawa-study-tour-2018"
NEW = "/tours/new?region=kanazawa"
MONDAY = "2018-03-26"


def page_form(html: bytes, form_id: str = "builder") -> MultiDict[str, str]:
    """What a browser would submit from the page's form (submit buttons left out)."""
    form = lxml.html.fromstring(html).get_element_by_id(form_id)
    return MultiDict(form.form_values())


def field_errors(html: bytes) -> dict[str, str]:
    """The error shown under each field, by the field's id."""
    doc = lxml.html.fromstring(html)
    return {
        p.get("id").removesuffix("-error"): p.text_content().strip() for p in doc.find_class("error") if p.get("id")
    }


def value_of(html: bytes, field_id: str) -> str | None:
    return lxml.html.fromstring(html).get_element_by_id(field_id).get("value")


def builder_post(**overrides: Any) -> MultiDict[str, str]:
    """A valid one-day Kanazawa tour as the builder posts it, with fields replaced or added."""
    data = MultiDict(
        {
            "title": "Higashiyama walk",
            "start_date": MONDAY,
            "end_date": MONDAY,
            "day_start": "09:00",
            "day_end": "18:00",
            "walk_speed": "75",
            "lunch": "y",
            "lunch_start": "11:30",
            "lunch_end": "14:00",
            "lunch_minutes": "60",
            "start-venue": "hotel-nikko-kanazawa",
            "candidates-0-venue": "shima-tea-house",
            "candidates-0-priority": "8",
            "candidates-1-venue": "ohi-museum",
            "candidates-1-priority": "5",
            "appointments-0-place-venue": "ochaya-bunkakan",
            "appointments-0-date": MONDAY,
            "appointments-0-start": "14:00",
            "appointments-0-end": "15:00",
            "appointments-0-title": "Tea ceremony",
            "action": "plan",
        }
    )
    for key, value in overrides.items():
        key = key.replace("__", "-")
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def tour_count(app: Flask) -> int:
    with app.app_context():
        return db_session.scalar(select(func.count(Tour.id))) or 0


def load(app: Flask, ref: str) -> Tour:
    with app.app_context():
        tour = tour_by_ref(db_session, ref)
        assert tour is not None
        return tour


def test_nav_and_pages_answer(client: FlaskClient) -> None:
    assert b'href="/tours"' in client.get("/").data
    for url in ("/tours", "/tours/new", NEW, f"/tours/{SEEDED}", f"/tours/{SEEDED}/edit", f"/tours/{SEEDED}/rename"):
        assert client.get(url).status_code == 200, url
    assert b"<select" in client.get("/tours/new").data  # no region yet: choose one first
    assert client.get("/tours/no-such-tour").status_code == 404
    assert client.get("/tours/no-such-tour/edit").status_code == 404


def test_builder_plans_saves_and_shows_the_itinerary(app: Flask, client: FlaskClient) -> None:
    before = tour_count(app)
    response = client.post(NEW, data=builder_post())
    assert response.status_code == 302
    assert response.headers["Location"] == "/tours/higashiyama-walk"
    assert tour_count(app) == before + 1
    tour = load(app, "higashiyama-walk")
    assert tour.title == "Higashiyama walk"
    assert [c["venue"] for c in tour.problem["candidates"]] == ["shima-tea-house", "ohi-museum"]
    assert tour.problem["appointments"][0] == {
        "venue": "ochaya-bunkakan",
        "date": MONDAY,
        "start": "14:00",
        "end": "15:00",
        "title": "Tea ceremony",
    }
    assert tour.result is not None
    page = client.get(response.headers["Location"])
    doc = lxml.html.fromstring(page.data)
    numbers = [
        td.text_content().strip()
        for td in doc.xpath("//table[contains(@class, 'timetable')]//td[@class='num']")
        if td.text_content().strip()
    ]
    assert numbers == ["1", "2", "3"]  # two visits and the appointment, one sequence
    assert page.data.count(b'planner-pin planner-pin-visit\\"') == 2  # the markers' HTML, inside the map script
    assert page.data.count(b'planner-pin planner-pin-appointment\\"') == 1
    assert b"Tea ceremony" in page.data
    assert f"/share/{tour.share_token}".encode() in page.data


def test_builder_shows_each_error_beside_its_field_and_keeps_the_input(app: Flask, client: FlaskClient) -> None:
    before = tour_count(app)
    response = client.post(
        NEW,
        data=builder_post(
            title="",
            end_date="2018-03-20",
            walk_speed="fast",
            day_end="08:00",
            candidates__0__priority="11",
            candidates__1__venue="no-such-venue",
            appointments__0__end="13:00",
            start__venue="",
        ),
    )
    assert response.status_code == 400
    errors = field_errors(response.data)
    assert set(errors) >= {
        "title",
        "end_date",
        "walk_speed",
        "day_end",
        "candidates-0-priority",
        "candidates-1-priority",
        "appointments-0-end",
        "start-venue",
    }
    assert "before the first day" in errors["end_date"]
    assert "not a venue of the region" in errors["candidates-1-priority"]
    assert value_of(response.data, "walk_speed") == "fast"  # what was typed stays, even when wrong
    assert value_of(response.data, "candidates-0-priority") == "11"
    assert value_of(response.data, "appointments-0-title") == "Tea ceremony"
    assert tour_count(app) == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_date": "2018-02-30"},
        {"start_date": "yesterday", "end_date": ""},
        {"end_date": "2018-05-30"},  # longer than a tour can be
        {"candidates__0__priority": "1" + "0" * 40},
        {"candidates__0__priority": "-3"},
        {"candidates__0__visit_minutes": "99999"},
        {"candidates__0__day": "2019-01-01"},
        {"candidates__0__venue": "../../etc/passwd"},
        {"start__venue": "", "start__lat": "nan", "start__lon": "136.6"},
        {"start__venue": "", "start__lat": "1e400", "start__lon": "136.6"},
        {"start__venue": "", "start__lat": "36.5"},
        {"appointments__0__start": "25:61"},
        {"appointments__0__date": "2018-04-01"},
        {"appointments__0__place__venue": "", "appointments__0__place__lat": "", "appointments__0__place__lon": ""},
        {"lunch_minutes": "500"},
        {"lunch_start": "", "lunch_end": ""},
        {"end_date": "2018-03-27", "days__0__date": "2018-03-27", "days__0__start__venue": "nowhere"},
        {"title": "x" * 500},
    ],
)
def test_builder_answers_garbage_with_messages_not_a_crash(
    app: Flask, client: FlaskClient, overrides: dict[str, str]
) -> None:
    response = client.post(NEW, data=builder_post(**overrides))
    assert response.status_code == 400
    assert field_errors(response.data) or b'role="alert"' in response.data
    assert tour_count(app) == 1  # only the seeded tour


def test_a_conflict_is_explained_on_the_builder_and_nothing_is_saved(app: Flask, client: FlaskClient) -> None:
    data = builder_post(candidates__2__venue="kanazawa-21st-century-museum", candidates__2__must_visit="y")
    data["candidates-2-priority"] = "5"
    response = client.post(NEW, data=data)
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.data)
    alert = doc.get_element_by_id("conflict").text_content()
    assert "21st Century Museum" in alert and "closed" in alert
    assert "conflict" in field_errors(response.data)["candidates-2-must_visit"]
    assert value_of(response.data, "title") == "Higashiyama walk"
    assert tour_count(app) == 1


def test_a_conflict_on_a_saved_tour_keeps_its_last_plan(app: Flask, client: FlaskClient) -> None:
    client.post(NEW, data=builder_post())
    saved = load(app, "higashiyama-walk")
    form = page_form(client.get("/tours/higashiyama-walk/edit").data)
    form["appointments-0-start"] = "09:00"  # too early to walk there from the hotel by 09:00
    form["appointments-0-end"] = "10:00"
    form["title"] = "Changed"
    response = client.post("/tours/higashiyama-walk/edit", data=form)
    assert response.status_code == 422
    assert b"starts before the group can get there" in response.data
    after = load(app, "higashiyama-walk")
    assert (after.title, after.problem, after.result) == (saved.title, saved.problem, saved.result)


def test_editing_a_saved_tour_round_trips_its_problem(app: Flask, client: FlaskClient) -> None:
    before = load(app, SEEDED).problem
    form = page_form(client.get(f"/tours/{SEEDED}/edit").data)
    response = client.post(f"/tours/{SEEDED}/edit", data=form)
    assert response.status_code == 302
    after = load(app, SEEDED).problem
    for key in ("start_date", "end_date", "start", "day_window", "lunch", "walking", "days", "travellers"):
        assert after[key] == before[key], key
    assert [(c["venue"], c["priority"], c["must_visit"]) for c in after["candidates"]] == [
        (c["venue"], c["priority"], c.get("must_visit", False)) for c in before["candidates"]
    ]
    assert [(a["venue"], a["date"], a["start"], a["end"]) for a in after["appointments"]] == [
        (a["venue"], a["date"], a["start"], a["end"]) for a in before["appointments"]
    ]


def test_row_buttons_work_without_javascript(client: FlaskClient) -> None:
    page = client.post(NEW, data=builder_post(add_venue="kenroku-en", action=None))
    assert page.status_code == 200
    form = page_form(page.data)
    assert form.getlist("candidates-2-venue") == ["kenroku-en"]
    assert field_errors(page.data) == {}  # a row button does not validate yet

    form["remove"] = "candidates-0"
    page = client.post(NEW, data=form)
    venues = [v for k, v in page_form(page.data).items(multi=True) if k.endswith("-venue") and k.startswith("cand")]
    assert venues == ["ohi-museum", "kenroku-en"]

    form = page_form(page.data)
    form["action"] = "add_appointment"
    page = client.post(NEW, data=form)
    form = page_form(page.data)
    assert form["appointments-1-date"] == MONDAY

    form["action"], form["filter_category"] = "filter", "tea_house"
    page = client.post(NEW, data=form)
    doc = lxml.html.fromstring(page.data)
    shown = {li.get("data-venue") for li in doc.xpath("//*[@data-picker]/li") if li.get("hidden") is None}
    assert "shima-tea-house" in shown and "ohi-museum" not in shown


def test_the_list_filters_venues_open_on_the_dates(client: FlaskClient) -> None:
    page = client.post(NEW, data=builder_post(action="filter", filter_open="y"))
    doc = lxml.html.fromstring(page.data)
    hidden = {li.get("data-venue") for li in doc.xpath("//*[@data-picker]/li") if li.get("hidden") is not None}
    assert "kanazawa-21st-century-museum" in hidden  # closed on Mondays
    answer = client.get(f"/tours/open-venues.json?region=kanazawa&start={MONDAY}&end=2018-03-27").get_json()
    assert answer["venues"]["kanazawa-21st-century-museum"] == ["2018-03-27"]
    assert client.get("/tours/open-venues.json?region=kanazawa&start=nonsense").status_code == 400
    assert client.get(f"/tours/open-venues.json?region=atlantis&start={MONDAY}&end={MONDAY}").status_code == 404


def test_saved_tours_rename_duplicate_and_delete(app: Flask, client: FlaskClient) -> None:
    assert b"Chungnam Research Institute study tour" in client.get("/tours").data

    assert client.post(f"/tours/{SEEDED}/rename", data={"title": "  "}).status_code == 400
    response = client.post(f"/tours/{SEEDED}/rename", data={"title": "Kanazawa 2018"})
    assert response.status_code == 302
    renamed = load(app, SEEDED)
    assert renamed.title == "Kanazawa 2018" and "title" not in renamed.problem
    assert b"Kanazawa 2018" in client.get("/tours", headers={"Accept-Language": "ko"}).data

    assert client.post(f"/tours/{SEEDED}/duplicate").status_code == 302
    copy = load(app, "copy-of-kanazawa-2018")
    assert copy.title == "Copy of Kanazawa 2018"
    assert copy.problem == renamed.problem and copy.share_token != renamed.share_token

    confirm = client.get(f"/tours/{SEEDED}/delete")
    assert confirm.status_code == 200 and b"Delete the tour" in confirm.data
    assert tour_count(app) == 2  # asking deletes nothing
    assert client.post(f"/tours/{SEEDED}/delete").status_code == 302
    assert client.get(f"/tours/{SEEDED}").status_code == 404
    assert client.get(f"/share/{renamed.share_token}").status_code == 404
    assert client.get("/tours/copy-of-kanazawa-2018").status_code == 200


def test_the_share_link_is_read_only(app: Flask, client: FlaskClient) -> None:
    client.post(f"/tours/{SEEDED}/replan")
    token = load(app, SEEDED).share_token
    page = client.get(f"/share/{token}")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.data)
    assert doc.xpath("//table[contains(@class, 'timetable')]") and b"planner-pin" in page.data
    assert doc.xpath("//form[@method='post']") == []
    assert not [a for a in doc.iterlinks() if "/edit" in a[2] or "/delete" in a[2] or "/rename" in a[2]]
    for path in ("", "/lock", "/order", "/replan", "/edit", "/delete", "/rename", "/duplicate"):
        assert client.post(f"/share/{token}{path}").status_code in (404, 405), path
        assert client.post(f"/tours/{token}{path}").status_code in (404, 405), path
    assert client.get("/share/not-a-token").status_code == 404


def test_locks_are_kept_and_respected_on_replan(app: Flask, client: FlaskClient) -> None:
    client.post(f"/tours/{SEEDED}/replan")
    tour = load(app, SEEDED)
    day_of = {s["venue_slug"]: d["date"] for d in tour.result["days"] for s in d["stops"] if s["kind"] == "visit"}
    # Lock the market to a day the plan did not choose (it is open every day of the trip).
    target = "2018-03-26" if day_of.get("omicho-market") != "2018-03-26" else "2018-03-27"
    assert b"Keep on this day" in client.get(f"/tours/{SEEDED}").data

    assert client.post(f"/tours/{SEEDED}/lock", data={"venue": "omicho-market", "day": target}).status_code == 302
    candidate = next(c for c in load(app, SEEDED).problem["candidates"] if c["venue"] == "omicho-market")
    assert candidate["day"] == target
    client.post(f"/tours/{SEEDED}/replan")
    result = load(app, SEEDED).result
    assert result is not None
    day_of = {s["venue_slug"]: d["date"] for d in result["days"] for s in d["stops"] if s["kind"] == "visit"}
    assert day_of["omicho-market"] == target
    page = client.get(f"/tours/{SEEDED}")
    assert b'aria-pressed="true"' in page.data  # the stop shows its lock

    client.post(f"/tours/{SEEDED}/lock", data={"venue": "omicho-market", "day": ""})
    assert "day" not in next(c for c in load(app, SEEDED).problem["candidates"] if c["venue"] == "omicho-market")

    for bad in ({"venue": "omicho-market", "day": "2019-01-01"}, {"venue": "no-such", "day": ""}, {"day": ""}):
        assert client.post(f"/tours/{SEEDED}/lock", data=bad).status_code == 400


def test_a_fixed_order_is_kept_and_respected_on_replan(app: Flask, client: FlaskClient) -> None:
    client.post(f"/tours/{SEEDED}/replan")
    day = next(d for d in load(app, SEEDED).result["days"] if d["totals"]["visits"] >= 2)  # type: ignore[index]
    slugs = [s["venue_slug"] for s in day["stops"] if s["kind"] == "visit"]
    assert client.post(f"/tours/{SEEDED}/order", data={"day": day["date"], "fixed": "y"}).status_code == 302
    assert load(app, SEEDED).problem["orders"] == [slugs]
    assert client.post(f"/tours/{SEEDED}/order", data={"day": day["date"]}).status_code == 302
    assert "orders" not in load(app, SEEDED).problem
    assert client.post(f"/tours/{SEEDED}/order", data={"day": "1999-01-01", "fixed": "y"}).status_code == 400

    # an order other than the planner's own choice: a short day with time to spare, its first and last visit swapped
    client.post(NEW, data=builder_post(candidates__2__venue="hakuza-hikari-gura", candidates__2__priority="5"))
    planned = load(app, "higashiyama-walk").result
    assert planned is not None
    visits = [s["venue_slug"] for s in planned["days"][0]["stops"] if s["kind"] == "visit"]
    assert len(visits) == 3
    with app.app_context():
        tour = tour_by_ref(db_session, "higashiyama-walk")
        assert tour is not None
        fix_order(db_session, tour, [visits[-1], visits[0]], True)
        db_session.commit()
    client.post("/tours/higashiyama-walk/replan")
    result = load(app, "higashiyama-walk").result
    assert result is not None
    replanned = [s["venue_slug"] for s in result["days"][0]["stops"] if s["kind"] == "visit"]
    assert sorted(replanned) == sorted(visits)
    assert replanned.index(visits[-1]) < replanned.index(visits[0])
    edit = page_form(client.get("/tours/higashiyama-walk/edit").data)
    assert edit["orders-0-venues"] == f"{visits[-1]},{visits[0]}"  # the builder keeps the order too


@pytest.fixture
def csrf_client(make_app: Callable[..., Flask], database_url: str) -> FlaskClient:
    return make_app(database_url, WTF_CSRF_ENABLED=True).test_client()


def test_posts_without_the_csrf_token_are_refused(csrf_client: FlaskClient) -> None:
    for path in ("replan", "duplicate", "delete", "lock", "order"):
        assert (
            csrf_client.post(f"/tours/{SEEDED}/{path}", data={"venue": "omicho-market", "day": ""}).status_code == 400
        )
    response = csrf_client.post(NEW, data=builder_post())
    assert response.status_code == 400
    assert b"The form expired" in response.data
    assert value_of(response.data, "title") == "Higashiyama walk"
    assert csrf_client.get(f"/tours/{SEEDED}").status_code == 200  # still there

    # with the token the page gave, the same post goes through
    form = page_form(csrf_client.get(NEW).data)
    data = builder_post()
    data["csrf_token"] = form["csrf_token"]
    assert csrf_client.post(NEW, data=data).status_code == 302
