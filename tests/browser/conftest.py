"""Browser fixtures: the app served on 127.0.0.1 by werkzeug in a thread, and Debian's Chromium driven by
Playwright, with every request to another host blocked and recorded.

Set PLANNER_SCREENSHOT_DIR to keep screenshots of the pages the tests pass through (desktop and phone width).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_PREFIX = "https://tile.openstreetmap.org/"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 740}

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)


@pytest.fixture
def serve(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Serve an app on a free port of 127.0.0.1 (fresh SQLite, CSRF on, real tile URLs whose requests the
    browser fixtures block); config overrides as keyword arguments. Returns its base URL."""
    servers: list[tuple[BaseWSGIServer, threading.Thread]] = []

    def _serve(**config: object) -> str:
        database = tmp_path / f"live{len(servers)}.sqlite"
        app = make_app(f"sqlite:///{database}", TILE_URL=TILE_URL, WTF_CSRF_ENABLED=True, **config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield _serve
    for server, thread in servers:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def live_server(serve: Callable[..., str]) -> str:
    """The app served with the default test config; its base URL."""
    return serve()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's; never a downloaded one)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class OutsideRequests:
    """Requests to hosts other than 127.0.0.1 (each one aborted and recorded here), and JavaScript errors."""

    urls: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def not_tiles(self) -> list[str]:
        """The recorded requests that are not map tiles (the test fails on any)."""
        return [url for url in self.urls if not url.startswith(TILE_PREFIX)]


@pytest.fixture
def outside_requests() -> OutsideRequests:
    return OutsideRequests()


@pytest.fixture
def new_context(browser: Browser, outside_requests: OutsideRequests) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts that let only 127.0.0.1 through; fails the test on any other request but tiles."""
    contexts: list[BrowserContext] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside_requests.urls.append(route.request.url)
            route.abort()

    def _make(viewport: ViewportSize = DESKTOP, locale: str = "en-GB") -> BrowserContext:
        context = browser.new_context(viewport=viewport, locale=locale)
        context.route("**/*", guard)
        context.on("weberror", lambda error: outside_requests.script_errors.append(str(error.error)))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield _make
    for context in contexts:
        context.close()
    assert outside_requests.not_tiles() == [], "requests left this machine"
    assert outside_requests.script_errors == [], "a page's JavaScript failed"


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Save a full-page screenshot when PLANNER_SCREENSHOT_DIR is set (for looking at the pages)."""
    target = os.environ.get("PLANNER_SCREENSHOT_DIR")

    def _shot(page: Page, name: str) -> None:
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)

    return _shot
