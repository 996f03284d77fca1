"""POST /api/v1/plan and POST /api/v1/matrix."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from flask_smorest import Blueprint

from planner.api.errors import abort_with
from planner.api.schemas import MatrixResultSchema, MatrixSchema, ProblemSchema
from planner.core.itinerary import PlanConflict
from planner.core.legs import WALKING_LIMITS, TravelSettings, travel_matrix
from planner.db.session import db_session
from planner.io.records import FieldErrors
from planner.services.tours import plan_problem

blp = Blueprint("planning_api", __name__, url_prefix="/api/v1", description="Plans and travel matrices")


@blp.route("/plan", methods=["POST"])
@blp.arguments(ProblemSchema, error_status_code=400)
@blp.response(200, description="The day-by-day plan")
@blp.alt_response(400, description="Invalid input, with a message per field")
@blp.alt_response(422, description="No plan keeps every appointment and must-visit; the message says why")
def post_plan(problem: dict[str, Any]) -> Any:
    """Plan a trip: keep appointments and must-visits, fit the best optional venues, walk the least."""
    try:
        return plan_problem(db_session, ProblemSchema().dump(problem))
    except (FieldErrors, PlanConflict) as exc:
        abort_with(exc)


@blp.route("/matrix", methods=["POST"])
@blp.arguments(MatrixSchema, error_status_code=400)
@blp.response(200, MatrixResultSchema)
def post_matrix(args: dict[str, Any]) -> Any:
    """Leg metres and minutes between points ([lat, lon]); mode walk, transfer, or auto (walk up to the limit)."""
    overrides = {WALKING_LIMITS[k][0]: v for k, v in (args.get("walking") or {}).items()}
    settings = replace(TravelSettings(), **overrides)
    if args["mode"] == "walk":
        settings = replace(settings, max_walk_m=float("inf"))
    elif args["mode"] == "transfer":
        settings = replace(settings, max_walk_m=-1.0)
    matrix = travel_matrix([tuple(p) for p in args["points"]], settings)
    modes = np.where(matrix.walk, "walk", "transfer").tolist()
    return {
        "meters": np.round(matrix.metres, 1).tolist(),
        "minutes": np.round(matrix.minutes, 2).tolist(),
        "modes": modes,
    }
