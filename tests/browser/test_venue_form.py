"""The venue form in a real (headless) Chromium: position by clicking, dragging, typing or looking an address up
(against the Nominatim stand-in on 127.0.0.1), then saving; and the form at phone width."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PHONE
from tests.nominatim import serve_nominatim

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _position(page: Page) -> tuple[float, float]:
    return float(page.input_value("#lat")), float(page.input_value("#lon"))


def test_position_by_map_drag_keyboard_and_address_then_save(
    serve: Callable[..., str], new_context: Callable[..., BrowserContext]
) -> None:
    with serve_nominatim() as nominatim:
        base = serve(GEOCODER_DOMAIN=f"127.0.0.1:{nominatim.port}", GEOCODER_SCHEME="http")
        page = new_context().new_page()
        page.goto(f"{base}/regions/kanazawa/venues/new")
        page.get_by_label("Name in English").fill("Browser Test Kiln")
        page.get_by_label("Name in the local script").fill("ブラウザ窯")
        page.get_by_label("Category").select_option("pottery")
        page.get_by_label("Sources (one web address per line)").fill("https://example.org/kiln")

        # a click on the map places the marker and writes the position, marked approximate
        page.get_by_label("Position is").select_option("cited")
        page.locator("#venue-map").click(position={"x": 120, "y": 90})
        clicked = _position(page)
        assert 36.4 < clicked[0] < 36.7 and 136.5 < clicked[1] < 136.8
        expect(page.get_by_label("Position is")).to_have_value("approximate")

        # dragging the marker moves the position
        marker = page.locator(".leaflet-marker-icon")
        box = marker.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
        page.mouse.down()
        page.mouse.move(box["x"] + 80, box["y"] + 60, steps=8)
        page.mouse.up()
        dragged = _position(page)
        assert dragged != clicked and dragged[0] < clicked[0] and dragged[1] > clicked[1]

        # an address looked up on the stand-in fills the position when a result is chosen
        page.get_by_label("Address (local script)").fill("兼六園")
        page.get_by_role("button", name="Find this address on the map").click()
        page.get_by_role("button", name=re.compile(r"^Kenroku-en, Kanazawa")).click()
        assert _position(page) == (36.5621, 136.6627)
        assert nominatim.requests[-1]["params"]["q"] == "兼六園"

        # the inputs stay usable by keyboard
        page.get_by_label("Latitude").fill("36.57001")
        page.get_by_label("Longitude").fill("136.66702")
        page.get_by_role("button", name="Save venue").click()
        expect(page).to_have_url(f"{base}/regions/kanazawa/venues/browser-test-kiln")
        expect(page.locator("main")).to_contain_text("36.57001, 136.66702")
        expect(page.locator("main")).to_contain_text("ブラウザ窯")


def test_an_unreachable_address_service_says_to_use_the_map(
    serve: Callable[..., str], new_context: Callable[..., BrowserContext]
) -> None:
    with serve_nominatim() as nominatim:
        base = serve(GEOCODER_DOMAIN=f"127.0.0.1:{nominatim.port}", GEOCODER_SCHEME="http")
        page = new_context().new_page()
        page.goto(f"{base}/regions/kanazawa/venues/kenroku-en/edit")
        page.get_by_label("Address (local script)").fill("boom")
        page.get_by_role("button", name="Find this address on the map").click()
        expect(page.locator("#geocode-results .error")).to_contain_text(
            "The address service cannot be reached (the server answered with an error); pick the place on the map"
        )


def test_the_form_fits_a_phone_and_shows_errors_beside_fields(
    live_server: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server}/regions/chungnam/venues/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Latitude").fill("north")
    page.get_by_role("button", name="Save venue").click()
    expect(page.locator("#name_en-error")).to_have_text("required")
    expect(page.locator("#lat-error")).to_contain_text("WGS84")
    expect(page.get_by_label("Latitude")).to_have_value("north")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
