"""Web pages (server-rendered): blueprints registered here, plus template helpers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, redirect, request, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from planner.maps import Tiles
from planner.web.labels import category_label


def display_name(item: Any) -> str:
    """A venue's (or stop's) name in the chosen language: Korean when chosen and known, else English."""
    if str(get_locale()) == "ko" and getattr(item, "name_ko", None):
        return str(item.name_ko)
    return str(getattr(item, "name_en", None) or getattr(item, "name", ""))


def local_name(item: Any) -> str:
    """The local-script name to show beside `display_name`, or '' when it would repeat it (Korean venues in Korean)."""
    local = str(getattr(item, "name_local", None) or "")
    return "" if local == display_name(item) else local


def static_url(path: str) -> str:
    """URL of a file under static/ (what the map builders take as `asset_url`)."""
    return url_for("static", filename=path)


def tiles() -> Tiles:
    """The configured tile source."""
    return Tiles(current_app.config["TILE_URL"], current_app.config["TILE_ATTRIBUTION"])


def set_language(lang: str) -> Response:
    """Remember the chosen language and go back where the user was."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):  # only local paths: no open redirect
        target = url_for("regions.index")
    return redirect(target)


def init_app(app: Flask) -> None:
    """Register the page blueprints and template helpers."""
    from planner.web import imports, printing, regions, tours, venues

    app.register_blueprint(regions.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(tours.bp)
    app.register_blueprint(printing.bp)
    app.register_blueprint(venues.bp)
    app.add_url_rule("/lang/<lang>", "set_language", set_language)
    app.jinja_env.globals.update(display_name=display_name, local_name=local_name, category_label=category_label)
