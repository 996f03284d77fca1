"""Craft Tour Planner: plan walking craft-tourism itineraries, print them, share them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from planner.resources import resource_dir

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then instance/config.py, then PLANNER_* environment variables (or test_config)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{instance / 'planner.sqlite'}",
        DATA_DIR=str(resource_dir("data")),
        SEED_ON_START=True,
        TILE_URL=DEFAULT_TILE_URL,
        TILE_ATTRIBUTION=DEFAULT_TILE_ATTRIBUTION,
        GEOCODER_DOMAIN="nominatim.openstreetmap.org",
        GEOCODER_SCHEME="https",
        GEOCODER_TIMEOUT=5,
        GEOCODER_USER_AGENT="craft-tour-planner/0.1",
        BABEL_DEFAULT_LOCALE="en",
        LANGUAGES=["en", "ko"],
        API_TITLE="Craft Tour Planner API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PLANNER")
    else:
        app.config.from_mapping(test_config)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)

    from planner import api, cli, db, web  # noqa: F401  (imported here to keep create_app free of cycles)
    from planner.db import session
    from planner.i18n import init_app as init_i18n
    from planner.io.seed import prepare_database

    session.init_app(app)
    init_i18n(app)
    web.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    with app.app_context():
        prepare_database(app)
    return app


def _instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, making one on first start (never committed to git)."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()
