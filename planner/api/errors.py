"""Turning service errors into API answers."""

from __future__ import annotations

from typing import NoReturn

from flask_smorest import abort

from planner.core.itinerary import PlanConflict
from planner.io.records import FieldErrors


def abort_with(exc: FieldErrors | PlanConflict) -> NoReturn:
    """400 with field messages for bad input; 422 naming the conflict when the problem has no plan."""
    if isinstance(exc, FieldErrors):
        abort(400, message="invalid problem", errors={"json": {name: [msg] for name, msg in exc.errors}})
    else:
        abort(422, message=exc.message, errors={"conflict": exc.code})
    raise AssertionError("abort() raises")  # for type checkers: flask_smorest.abort is not typed NoReturn


def not_found(message: str) -> NoReturn:
    """404 with a message."""
    abort(404, message=message)
    raise AssertionError("abort() raises")
