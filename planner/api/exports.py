"""GET /api/v1/tours/<ref>/export: a saved tour, or one day of it, as GPX, KML, GeoJSON, ICS or CSV."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from planner.api.errors import abort_with
from planner.api.tours import tour_or_404
from planner.core.itinerary import PlanConflict
from planner.db.session import db_session
from planner.io.exports import FORMATS, ExportError
from planner.io.handout import tour_data
from planner.io.records import FieldErrors
from planner.web.printing import export_response

blp = Blueprint("tour_exports_api", __name__, url_prefix="/api/v1", description="Tour exports")


class ExportArgsSchema(Schema):
    format = fields.String(
        required=True,
        validate=validate.OneOf(list(FORMATS)),
        metadata={"description": "gpx (GPX 1.1), kml (KML 2.2), geojson (RFC 7946), ics (RFC 5545) or csv"},
    )
    day = fields.Integer(
        load_default=None, validate=validate.Range(min=1), metadata={"description": "only this day (from 1)"}
    )


@blp.route("/tours/<ref>/export")
@blp.arguments(ExportArgsSchema, location="query", error_status_code=400)
@blp.response(
    200,
    description="The file as an attachment, with its format's media type ("
    + ", ".join(f"{name}: {fmt.media_type}" for name, fmt in FORMATS.items())
    + ")",
    content_type="application/octet-stream",
)
@blp.alt_response(400, description="Bad format or a day the tour does not have")
@blp.alt_response(404, description="No such tour")
@blp.alt_response(422, description="The tour was never planned and has no plan")
def get_tour_export(args: dict[str, Any], ref: str) -> Any:
    """Export a saved tour (id or slug); it is planned first if it never was."""
    tour = tour_or_404(ref)
    try:
        data = tour_data(db_session, tour)
    except (FieldErrors, PlanConflict) as exc:
        db_session.rollback()
        abort_with(exc)
    db_session.commit()
    try:
        return export_response(tour, FORMATS[args["format"]], data, args["day"])
    except ExportError as exc:
        abort(400, message=str(exc), errors={"query": {"day": [str(exc)]}})
