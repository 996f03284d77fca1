"""Korean and English: the chosen language is remembered in the session, else taken from the browser."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale

babel = Babel()


def select_locale() -> str | None:
    """The language chosen with the switch, else the browser's best match among LANGUAGES."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the translations shipped in planner/translations."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).with_name("translations")))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
