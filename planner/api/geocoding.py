"""GET /api/v1/geocode: an address to candidate positions, biased towards a region."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from planner.db.session import db_session
from planner.services.geocoding import (
    GeocoderSettings,
    GeocoderUnavailable,
    geocode_address,
    region_bias,
)
from planner.services.venues import region_by_slug

blp = Blueprint("geocoding_api", __name__, url_prefix="/api/v1", description="Addresses to positions")

REASON_TEXT = {
    "timeout": _l("no answer in time"),
    "unreachable": _l("no connection to the server"),
    "refused": _l("the server refused the request"),
    "rate_limited": _l("too many requests just now"),
    "bad_answer": _l("its answer could not be read"),
    "error": _l("the server answered with an error"),
}


class GeocodeQuerySchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=300), metadata={"description": "an address"})
    region = fields.String(load_default=None, metadata={"description": "region slug to prefer results near"})


class GeocodeResultSchema(Schema):
    name = fields.String()
    lat = fields.Float()
    lon = fields.Float()


class GeocodeAnswerSchema(Schema):
    results = fields.List(fields.Nested(GeocodeResultSchema))
    message = fields.String(metadata={"description": "present when nothing was found"})


@blp.route("/geocode")
@blp.arguments(GeocodeQuerySchema, location="query", error_status_code=400)
@blp.response(200, GeocodeAnswerSchema)
@blp.alt_response(400, description="No address given")
@blp.alt_response(404, description="No such region")
@blp.alt_response(503, description="The address service cannot be reached; the message says why")
def get_geocode(args: dict[str, Any]) -> Any:
    """Find positions for an address (at most five, best first), preferring places in the region."""
    query = args["q"].strip()
    if not query:
        abort(400, message=_("Type an address to look up."), errors={"query": {"q": [_("required")]}})
    bias = None
    if args["region"]:
        region = region_by_slug(db_session, args["region"])
        if region is None:
            abort(404, message=_("No region %(slug)s.", slug=args["region"]))
        else:
            bias = region_bias(region)
    settings = GeocoderSettings.from_config(current_app.config)
    try:
        results = geocode_address(settings, query, bias=bias, language=str(get_locale() or "en"))
    except GeocoderUnavailable as exc:
        message = _(
            "The address service cannot be reached (%(reason)s); pick the place on the map instead.",
            reason=REASON_TEXT.get(exc.reason, REASON_TEXT["error"]),
        )
        current_app.logger.warning("geocoder %s: %s", exc.reason, exc.detail)
        abort(503, message=message, errors={"geocoder": {"reason": exc.reason}})
    answer: dict[str, Any] = {"results": results}
    if not results:
        answer["message"] = _(
            "No place found for %(query)s; check the address or pick the place on the map.", query=query
        )
    return answer
