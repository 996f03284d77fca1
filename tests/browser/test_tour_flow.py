"""A new user plans a tour in a real (headless) Chromium: build, plan, read the map and timetable, hit a
conflict and fix it, switch to Korean, find the saved tour, open its share link elsewhere."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import PHONE, OutsideRequests

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIX = [
    ("shima-tea-house", "list"),
    ("kaikaro-tea-house", "list"),
    ("hakuza-hikari-gura", "list"),
    ("yasue-gold-leaf-museum", "list"),
    ("ohi-museum", "list"),
    ("morihachi-main-store", "map"),
]
MONDAY = "2018-03-26"
CLOSED_MONDAYS = "kanazawa-21st-century-museum"
END_POINT = (36.5705, 136.6660)  # on the Asano river, between Higashiyama and Kazuemachi


def builder_map(page: Page) -> str:
    return page.locator("#builder").get_attribute("data-map") or ""


def click_map_at(page: Page, map_name: str, lat: float, lon: float) -> None:
    """Click the map at a position (really: the mouse, on the map's pixels)."""
    page.locator(f"#{map_name}").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([name, lat, lon]) => { const m = window[name]; m.setView([lat, lon], 16, {animate: false});
           const p = m.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [map_name, lat, lon],
    )
    box = page.locator(f"#{map_name}").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)


def click_venue_marker(page: Page, map_name: str, slug: str) -> None:
    """Zoom in until the venue's marker is out of its cluster, then click it."""
    page.locator(f"#{map_name}").scroll_into_view_if_needed()
    page.evaluate(
        """([name, slug]) => { const m = window[name]; let found = null;
           m.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) l.getLayers().forEach(x => {
             if (x.feature.properties.slug === slug) found = x; }); });
           window.__target = found; m.setView(found.getLatLng(), 18, {animate: false}); }""",
        [map_name, slug],
    )
    page.wait_for_function("() => window.__target && window.__target._map")
    x, y = page.evaluate(
        "(name) => { const p = window[name].latLngToContainerPoint(window.__target.getLatLng()); return [p.x, p.y]; }",
        map_name,
    )
    box = page.locator(f"#{map_name}").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)


def add_from_list(page: Page, slug: str) -> None:
    page.locator(f"[data-picker] li[data-venue='{slug}'] [data-add]").click()


def plan(page: Page) -> None:
    page.get_by_role("button", name="Plan and save", exact=True).last.click()
    page.wait_for_load_state()


def test_new_user_plans_shares_and_reads_a_tour(
    live_server: str,
    new_context: Callable[..., BrowserContext],
    outside_requests: OutsideRequests,
    screenshot: Callable[[Page, str], None],
) -> None:
    page = new_context().new_page()
    page.goto(f"{live_server}/tours")
    page.get_by_label("New tour in").select_option("kanazawa")
    page.get_by_role("button", name="Plan a new tour").click()
    expect(page.locator("h1")).to_contain_text("Plan a new tour")

    page.get_by_label("Title", exact=True).fill("Higashiyama craft walk")
    page.get_by_label("First day").fill(MONDAY)
    page.get_by_label("Last day").fill(MONDAY)
    page.get_by_label("Walking speed (metres per minute)").fill("75")
    start = page.locator("fieldset.place").filter(has=page.locator("legend", has_text=re.compile("^Start$")))
    start.get_by_label("Venue").select_option("hotel-nikko-kanazawa")

    # the end of the day: a point clicked on the map
    end = page.locator("fieldset.place").filter(has=page.locator("legend", has_text=re.compile("^End$")))
    end.locator("summary").click()
    end.get_by_role("button", name="Click the map to set this point").click()
    name = builder_map(page)
    click_map_at(page, name, *END_POINT)
    assert abs(float(end.get_by_label("Latitude").input_value()) - END_POINT[0]) < 1e-4
    assert abs(float(end.get_by_label("Longitude").input_value()) - END_POINT[1]) < 1e-4
    end.get_by_label("Name of the point").fill("Asano river bank")

    # five venues from the filtered list, one from its map marker
    page.get_by_label("Category").select_option("tea_house")
    expect(page.locator("[data-picker] li[data-venue='ohi-museum']")).to_be_hidden()
    page.get_by_label("Category").select_option("")
    page.get_by_label("Open on the chosen dates").check()
    expect(page.locator(f"[data-picker] li[data-venue='{CLOSED_MONDAYS}']")).to_be_hidden()
    page.get_by_label("Open on the chosen dates").uncheck()
    for slug, how in SIX:
        if how == "list":
            add_from_list(page, slug)
        else:
            click_venue_marker(page, name, slug)
            page.locator(f"[data-popup-add='{slug}']").click()
    expect(page.locator("[data-candidates] > li")).to_have_count(6)
    page.locator("[data-candidates] > li[data-slug='ohi-museum']").get_by_label("Priority").fill("9")

    page.get_by_role("button", name="Add an appointment").click()
    appointment = page.locator("[data-appointments] > li").first
    appointment.get_by_label("Title or note").fill("Tea ceremony with the district association")
    expect(appointment.get_by_label("Date")).to_have_value(MONDAY)
    appointment.get_by_label("Starts").fill("14:00")
    appointment.get_by_label("Ends").fill("15:00")
    appointment.get_by_label("Venue").select_option("ochaya-bunkakan")
    screenshot(page, "builder-desktop")
    plan(page)

    # the itinerary: six numbered visits and the appointment, in one sequence, on the map and in the timetable
    expect(page.locator(".flash")).to_contain_text("Planned and saved")
    expect(page.locator(".planner-pin-visit")).to_have_count(6)
    expect(page.locator(".planner-pin-appointment")).to_have_count(1)
    pins = sorted(int(t) for t in page.locator(".planner-pin-visit, .planner-pin-appointment").all_inner_texts())
    assert pins == list(range(1, 8))
    rows = [t.strip() for t in page.locator("table.timetable td.num").all_inner_texts() if t.strip()]
    assert rows == [str(n) for n in range(1, 8)]
    expect(page.locator(".leaflet-overlay-pane path.leaflet-interactive")).to_have_count(1)
    expect(page.locator("tr.stop-appointment")).to_contain_text("Tea ceremony")
    expect(page.locator("tr.stop-end")).to_contain_text("Asano river bank")
    screenshot(page, "itinerary-desktop")

    # a must-visit that cannot be: the museum is closed on Mondays
    page.get_by_role("link", name="Edit", exact=True).click()
    add_from_list(page, CLOSED_MONDAYS)
    museum = page.locator(f"[data-candidates] > li[data-slug='{CLOSED_MONDAYS}']")
    museum.get_by_label("Must visit").check()
    plan(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("No plan keeps every appointment and must-visit venue")
    expect(alert).to_contain_text("21st Century Museum")
    expect(alert).to_contain_text("closed")
    expect(museum.locator(".error")).to_contain_text("Named in the conflict")
    expect(page.locator("[data-candidates] > li")).to_have_count(7)  # nothing entered was lost
    expect(page.get_by_label("Title", exact=True)).to_have_value("Higashiyama craft walk")
    screenshot(page, "builder-conflict")

    page.locator(f"[data-candidates] > li[data-slug='{CLOSED_MONDAYS}']").get_by_label("Must visit").uncheck()
    plan(page)
    expect(page.locator(".planner-pin-visit")).to_have_count(6)
    expect(page.locator(".dropped")).to_contain_text("21st Century Museum")

    # fix the day's order: the button shows it (and the next plan keeps it)
    page.get_by_role("button", name="Fix this order").click()
    expect(page.locator(".day-head button.toggle")).to_have_attribute("aria-pressed", "true")

    # Korean, then the saved tour in the list
    page.locator("header.site .lang a[hreflang='ko']").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    share_url = page.locator("#share-url").input_value()
    page.locator("header.site nav a").nth(1).click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator(".tour-list")).to_contain_text("Higashiyama craft walk")
    screenshot(page, "tours-ko")

    # the share link, in a browser that never saw the tour: itinerary, no edit controls
    stranger = new_context().new_page()
    stranger.goto(share_url)
    expect(stranger.locator("h1")).to_have_text("Higashiyama craft walk")
    expect(stranger.locator(".planner-pin-visit")).to_have_count(6)
    expect(stranger.locator("table.timetable")).to_have_count(1)
    expect(stranger.locator("form[method='post']")).to_have_count(0)
    expect(stranger.locator("#builder")).to_have_count(0)
    expect(stranger.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    screenshot(stranger, "share-desktop")

    assert outside_requests.urls, "the map asked for tiles (and they were blocked)"
    assert outside_requests.not_tiles() == []


@pytest.mark.parametrize("path", ["/tours", "/tours/new?region=kanazawa", "/tours/kanazawa-study-tour-2018"])
def test_pages_fit_a_phone_and_label_every_field(
    live_server: str,
    new_context: Callable[..., BrowserContext],
    screenshot: Callable[[Page, str], None],
    path: str,
) -> None:
    page = new_context(viewport=PHONE).new_page()
    if "study-tour" in path:  # the seeded tour is not planned yet: plan it the way a user would
        page.goto(f"{live_server}{path}")
        page.get_by_role("button", name="Plan now").click()
        expect(page.locator(".planner-pin").first).to_be_attached()
    page.goto(f"{live_server}{path}")
    screenshot(page, "phone" + re.sub(r"[^a-z0-9]+", "-", path))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
    unlabelled = page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
             .filter(el => el.type !== 'hidden' && !el.closest('template'))
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
             .map(el => el.name || el.id)"""
    )
    assert unlabelled == []


def test_keyboard_alone_adds_a_venue_and_an_appointment(
    live_server: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context().new_page()
    page.goto(f"{live_server}/tours/new?region=kanazawa")
    page.locator("[data-picker] li[data-venue='ohi-museum'] [data-add]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-candidates] > li[data-slug='ohi-museum']")).to_have_count(1)
    page.get_by_role("button", name="Add an appointment").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-appointments] > li")).to_have_count(1)
    # the new row's first field has the focus, so typing goes there
    page.keyboard.type("Studio visit")
    expect(page.locator("[data-appointments] > li").first.get_by_label("Title or note")).to_have_value("Studio visit")


class _Nominatim(BaseHTTPRequestHandler):
    """Answers like Nominatim's /search: Kenroku-en for any query, nothing for "nowhere"."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        query = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        places = [] if query == "nowhere" else [KENROKUEN]
        body = json.dumps(places).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's signature)
        pass


KENROKUEN = {"place_id": 1, "lat": "36.5621", "lon": "136.6627", "display_name": "Kenroku-en, Kanazawa, Japan"}


@pytest.fixture
def nominatim() -> Iterator[str]:
    """A Nominatim stand-in on 127.0.0.1; yields its host:port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_place(page: Page) -> Locator:
    place = page.locator("fieldset.place").filter(has=page.locator("legend", has_text=re.compile("^Start$")))
    place.locator("summary").click()
    return place


def test_an_address_is_looked_up_and_becomes_the_start(
    serve: Callable[..., str], nominatim: str, new_context: Callable[..., BrowserContext]
) -> None:
    base = serve(GEOCODER_DOMAIN=nominatim, GEOCODER_SCHEME="http", GEOCODER_TIMEOUT=2)
    page = new_context().new_page()
    page.goto(f"{base}/tours/new?region=kanazawa")
    start = start_place(page)
    start.get_by_role("button", name="Find").click()
    expect(start.locator("[data-geocode-message]")).to_have_text("Type an address first.")
    start.get_by_label("Address or place name").fill("nowhere")
    start.get_by_label("Address or place name").press("Enter")  # looks up; does not submit the form
    expect(start.locator("[data-geocode-message]")).to_contain_text("No place found")
    assert page.url.endswith("/tours/new?region=kanazawa")
    start.get_by_label("Address or place name").fill("Kenroku-en")
    start.get_by_role("button", name="Find").click()
    start.get_by_role("button", name="Kenroku-en, Kanazawa, Japan").click()
    expect(start.get_by_label("Latitude")).to_have_value("36.562100")
    expect(start.get_by_label("Longitude")).to_have_value("136.662700")
    expect(start.get_by_label("Name of the point")).to_have_value("Kenroku-en, Kanazawa, Japan")
    expect(start.get_by_label("Venue")).to_have_value("")


def test_the_builder_says_when_the_address_service_cannot_be_reached(
    serve: Callable[..., str], new_context: Callable[..., BrowserContext]
) -> None:
    base = serve(GEOCODER_DOMAIN=f"127.0.0.1:{closed_port()}", GEOCODER_SCHEME="http", GEOCODER_TIMEOUT=2)
    page = new_context().new_page()
    page.goto(f"{base}/tours/new?region=kanazawa")
    start = start_place(page)
    start.get_by_label("Address or place name").fill("Kenroku-en")
    start.get_by_role("button", name="Find").click()
    message = start.locator("[data-geocode-message]")
    expect(message).to_contain_text("cannot be reached")
    expect(message).to_have_class(re.compile("bad"))


def test_the_dates_drive_day_rows_lock_choices_and_the_open_filter(
    live_server: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context().new_page()
    page.goto(f"{live_server}/tours/new?region=kanazawa")
    add_from_list(page, "ohi-museum")
    add_from_list(page, CLOSED_MONDAYS)
    page.get_by_label("First day").fill(MONDAY)
    page.get_by_label("Last day").fill("2018-03-27")
    expect(page.locator("[data-days] > li")).to_have_count(2)
    lock = page.locator(f"[data-candidates] > li[data-slug='{CLOSED_MONDAYS}']").get_by_label("Day")
    expect(lock.locator("option")).to_have_count(3)  # any day, Monday, Tuesday
    page.get_by_label("Open on the chosen dates").check()
    museum = page.locator(f"[data-picker] li[data-venue='{CLOSED_MONDAYS}']")
    expect(museum).to_be_visible()  # open on the Tuesday
    page.get_by_label("Last day").fill(MONDAY)
    expect(museum).to_be_hidden()  # Monday alone: closed
    expect(page.locator("[data-days] > li")).to_have_count(0)
    page.get_by_label("Last day").fill("2018-03-27")
    lock.select_option("2018-03-27")

    page.get_by_text("A different start, end or hours on some days").click()
    tuesday = page.locator("[data-days] > li[data-day='2018-03-27']")
    tuesday.locator("fieldset.place").first.get_by_label("Venue").select_option("kanazawa-station")
    page.get_by_label("Title", exact=True).fill("Two days")
    page.locator("fieldset.place").first.get_by_label("Venue").select_option("hotel-nikko-kanazawa")
    plan(page)
    expect(page.locator("section.day")).to_have_count(2)
    tuesday_rows = page.locator("#day-2018-03-27 table.timetable")
    expect(tuesday_rows.locator("tr.stop-start")).to_contain_text("Kanazawa Station")
    expect(tuesday_rows.locator("tr.stop-visit.locked")).to_contain_text("21st Century Museum")  # locked in the builder
