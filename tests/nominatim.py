"""A stand-in for a Nominatim server on 127.0.0.1 (real HTTP, `/search?format=json`), for tests that wire the
geocoder to it through configuration: GEOCODER_DOMAIN=f"127.0.0.1:{server.port}", GEOCODER_SCHEME="http".

The query text picks the answer: "slow" answers after `slow_seconds`, "boom" is HTTP 500, "garbled" a cut-off
body, "not-a-list" JSON of the wrong shape, "nowhere" an empty list; anything else finds PLACES.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PLACES = [
    {"place_id": 1, "lat": "36.5621", "lon": "136.6627", "display_name": "Kenroku-en, Kanazawa, Ishikawa, Japan"},
    {"place_id": 2, "lat": "36.5650", "lon": "136.6600", "display_name": "Kenrokumachi, Kanazawa, Japan"},
]


@dataclass
class FakeNominatim:
    """The running stand-in: its port and what it was asked."""

    port: int
    slow_seconds: float
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        fake: FakeNominatim = self.server.fake
        fake.requests.append({"path": url.path, "params": params, "user_agent": self.headers.get("User-Agent")})
        q = params.get("q", "")
        if q == "slow":
            fake.release.wait(fake.slow_seconds)  # cut short when the server stops
            self._send(200, json.dumps(PLACES))
        elif q == "boom":
            self._send(500, "<html>Internal Server Error</html>", "text/html")
        elif q == "garbled":
            self._send(200, '[{"lat": "36.5", "lon"')
        elif q == "not-a-list":
            self._send(200, json.dumps({"unexpected": True}))
        elif q == "nowhere":
            self._send(200, "[]")
        else:
            self._send(200, json.dumps(PLACES))

    def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout case)
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
        pass


@contextmanager
def serve_nominatim(slow_seconds: float = 3.0) -> Iterator[FakeNominatim]:
    """Run the stand-in on a free port of 127.0.0.1 for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake = FakeNominatim(port=server.server_address[1], slow_seconds=slow_seconds)
    server.fake = fake  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
