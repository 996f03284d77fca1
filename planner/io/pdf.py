"""HTML to PDF with WeasyPrint, offline: the only files it may read are the stylesheets we hand it and files
under static/; any other URL (http, https, file elsewhere) is refused, so a handout never waits on the network.
Fonts come from fontconfig (Debian's fonts-noto-cjk for Japanese and Korean) and are embedded as subsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class OfflineFetcher(URLFetcher):
    """A URL fetcher that only reads files inside one folder."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=["file"])
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Read `url` if it is a file inside the root folder, else refuse it."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(url2pathname(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        raise ValueError(f"offline rendering: {url} is not a file under {self.root}")


def html_to_pdf(html: str, static_dir: Path, stylesheets: Sequence[Path] = ()) -> bytes:
    """Render an HTML document to PDF bytes; relative URLs resolve inside `static_dir`."""
    fetcher = OfflineFetcher(static_dir)
    document = HTML(string=html, base_url=f"{static_dir.resolve().as_uri()}/", url_fetcher=fetcher)
    sheets = [CSS(filename=str(path), url_fetcher=fetcher) for path in stylesheets]
    return bytes(document.write_pdf(stylesheets=sheets))
