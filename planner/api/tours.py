"""Saved tours: /api/v1/tours."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from planner.api.errors import abort_with, not_found
from planner.api.schemas import ProblemSchema
from planner.core.itinerary import PlanConflict
from planner.db.models import Tour
from planner.db.session import db_session
from planner.io.records import FieldErrors
from planner.services.tours import create_tour, replan_tour, tour_by_ref

blp = Blueprint("tours_api", __name__, url_prefix="/api/v1", description="Saved tours")


class TourSummarySchema(Schema):
    id = fields.Integer(dump_only=True)
    slug = fields.String(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    region = fields.Function(lambda t: t.region.slug, dump_only=True)
    share_token = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)


class TourSchema(TourSummarySchema):
    problem = fields.Nested(ProblemSchema, required=True)
    result = fields.Dict(dump_only=True, allow_none=True)


def tour_or_404(ref: str) -> Tour:
    """Load a tour by id or slug, or answer 404."""
    tour = tour_by_ref(db_session, ref)
    if tour is None:
        not_found(f"no tour {ref!r}")
    return tour


@blp.route("/tours")
@blp.response(200, TourSummarySchema(many=True))
def list_tours() -> Any:
    """List saved tours."""
    return db_session.scalars(select(Tour).order_by(Tour.updated_at.desc()))


@blp.route("/tours", methods=["POST"])
@blp.arguments(TourSchema, error_status_code=400)
@blp.response(201, TourSchema)
def post_tour(data: dict[str, Any]) -> Any:
    """Save a tour and plan it."""
    try:
        tour = create_tour(db_session, data["title"], ProblemSchema().dump(data["problem"]))
    except (FieldErrors, PlanConflict) as exc:
        db_session.rollback()
        abort_with(exc)
    db_session.commit()
    return tour


@blp.route("/tours/<ref>")
@blp.response(200, TourSchema)
def get_tour(ref: str) -> Any:
    """A saved tour (id or slug) with its problem and last result."""
    return tour_or_404(ref)


@blp.route("/tours/<ref>/plan", methods=["POST"])
@blp.response(200, TourSchema)
def post_tour_plan(ref: str) -> Any:
    """Plan a saved tour again and store the result."""
    tour = tour_or_404(ref)
    try:
        replan_tour(db_session, tour)
    except (FieldErrors, PlanConflict) as exc:
        db_session.rollback()
        abort_with(exc)
    db_session.commit()
    return tour
