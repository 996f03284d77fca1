"""The JSON API (/api/v1), built on flask-smorest: validated input and an OpenAPI document at
/api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

api = Api()


def init_app(app: Flask) -> None:
    """Register the API blueprints."""
    from planner.api import exports, geocoding, planning, regions, tours, venue_exchange

    api.init_app(app)
    for module in (regions, planning, tours, geocoding, exports, venue_exchange):
        api.register_blueprint(module.blp)
