"""Edits of saved tours (rename, duplicate, delete, locks) and the read helpers the tour pages need.

Plain functions over the session: they flush, the request boundary commits. A lock changes the saved problem
only; the stored result stays as it is (it already honours the lock) until the tour is planned again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.core.hours import parse_hours
from planner.db.models import Region, Tour, Venue
from planner.io.records import FieldErrors
from planner.services.tours import build_problem, replan_tour, unique_tour_slug

TITLE_MAX = 200


def clean_title(title: str) -> str:
    """Return the title stripped, or raise FieldErrors when it is empty or too long."""
    title = " ".join(title.split())
    if not title:
        raise FieldErrors([("title", "a tour needs a title")])
    if len(title) > TITLE_MAX:
        raise FieldErrors([("title", f"at most {TITLE_MAX} characters ({len(title)} given)")])
    return title


def tour_title(tour: Tour, lang: str) -> str:
    """The tour's title in `lang` when its problem carries titles per language (seeded tours), else its title."""
    titles = tour.problem.get("title")
    if isinstance(titles, Mapping) and titles.get(lang):
        return str(titles[lang])
    return tour.title


def list_tours(session: Session) -> list[Tour]:
    """Every saved tour, most recently changed first."""
    return list(session.scalars(select(Tour).order_by(Tour.updated_at.desc(), Tour.id.desc())))


def tour_by_share_token(session: Session, token: str) -> Tour | None:
    """Find a tour by its share token."""
    return session.scalar(select(Tour).where(Tour.share_token == token))


def tour_dates(problem: Mapping[str, Any]) -> list[date]:
    """The dates of a problem's trip, first to last (empty when its dates do not parse)."""
    try:
        first = date.fromisoformat(str(problem.get("start_date")))
        last = date.fromisoformat(str(problem.get("end_date") or first.isoformat()))
    except ValueError:
        return []
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def last_planned(tour: Tour) -> datetime | None:
    """When the tour was last planned (None if never)."""
    if not tour.result or not tour.result.get("planned_at"):
        return None
    try:
        return datetime.fromisoformat(tour.result["planned_at"])
    except ValueError:
        return None


def rename_tour(session: Session, tour: Tour, title: str) -> Tour:
    """Give the tour a new title (flushes).

    The per-language titles a seeded problem may carry are dropped, so the new title shows in every language
    rather than an old one surviving in the other.
    """
    tour.title = clean_title(title)
    tour.problem = {key: value for key, value in tour.problem.items() if key != "title"}
    session.flush()
    return tour


def update_tour(session: Session, tour: Tour, title: str, problem: Mapping[str, Any]) -> Tour:
    """Give a saved tour a new title and problem and plan it again (flushes).

    :raise FieldErrors: bad problem; :raise PlanConflict: the problem has no plan (the caller rolls back, so
        the saved tour keeps its last problem and plan).
    """
    build_problem(session, problem)  # validate before touching the tour
    tour.title = clean_title(title)
    tour.problem = dict(problem)
    replan_tour(session, tour)
    return tour


def duplicate_tour(session: Session, tour: Tour, title: str) -> Tour:
    """Save a copy of the tour (problem and last result) under a new title, slug and share token (flushes)."""
    title = clean_title(title)
    problem = {key: value for key, value in copy.deepcopy(tour.problem).items() if key != "title"}
    twin = Tour(
        slug=unique_tour_slug(session, title),
        region=tour.region,
        title=title,
        problem=problem,
        result=copy.deepcopy(tour.result),
    )
    session.add(twin)
    session.flush()
    return twin


def delete_tour(session: Session, tour: Tour) -> None:
    """Delete the tour (flushes)."""
    session.delete(tour)
    session.flush()


def _is_candidate_of(item: Mapping[str, Any], venue: Venue) -> bool:
    return item.get("venue") == venue.slug or item.get("venue_id") == venue.id


def lock_stop(session: Session, tour: Tour, venue: Venue, day: date | None) -> Tour:
    """Lock a candidate venue to a day of the trip, or release it with ``day=None`` (flushes).

    :raise FieldErrors: the venue is not a candidate of the tour, or the day is outside the trip.
    """
    if day is not None and day not in tour_dates(tour.problem):
        raise FieldErrors([("day", f"{day} is not a day of this tour")])
    problem = copy.deepcopy(tour.problem)
    candidates = problem.get("candidates") or []
    matches = [item for item in candidates if _is_candidate_of(item, venue)]
    if not matches:
        raise FieldErrors([("venue", f"{venue.name_en} is not a candidate of this tour")])
    for item in matches:
        if day is None:
            item.pop("day", None)
        else:
            item["day"] = day.isoformat()
    tour.problem = problem
    session.flush()
    return tour


def fixed_orders(problem: Mapping[str, Any]) -> list[list[str]]:
    """The locked visiting orders of a problem, as lists of venue slugs."""
    return [list(order) for order in problem.get("orders") or [] if isinstance(order, list)]


def fix_order(session: Session, tour: Tour, slugs: Sequence[str], fixed: bool) -> Tour:
    """Fix (or release) the visiting order of a day's stops, given as venue slugs in order (flushes).

    Any earlier fixed order that shares a venue with this one is replaced: a venue sits in one order only.

    :raise FieldErrors: fewer than two stops, or a stop that is not a candidate venue of the tour.
    """
    if fixed and len(slugs) < 2:
        raise FieldErrors([("orders", "an order needs at least two stops")])
    candidates = {item.get("venue") for item in tour.problem.get("candidates") or []}
    candidates |= _slugs_of_ids(
        session, [item["venue_id"] for item in tour.problem.get("candidates") or [] if "venue_id" in item]
    )
    unknown = [slug for slug in slugs if slug not in candidates]
    if unknown:
        raise FieldErrors([("orders", f"{', '.join(unknown)} is not a candidate of this tour")])
    wanted = set(slugs)
    orders = [order for order in fixed_orders(tour.problem) if not wanted & set(order)]
    if fixed:
        orders.append(list(slugs))
    problem = dict(tour.problem)
    if orders:
        problem["orders"] = orders
    else:
        problem.pop("orders", None)
    tour.problem = problem
    session.flush()
    return tour


def _slugs_of_ids(session: Session, ids: Iterable[object]) -> set[str]:
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return set()
    return set(session.scalars(select(Venue.slug).where(Venue.id.in_(ids))))


def venues_by_id(session: Session, ids: Iterable[int]) -> dict[int, Venue]:
    """Load the venues with these ids."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    return {v.id: v for v in session.scalars(select(Venue).where(Venue.id.in_(wanted)))}


def region_venues(session: Session, region: Region) -> list[Venue]:
    """A region's venues by English name."""
    return list(session.scalars(select(Venue).where(Venue.region_id == region.id).order_by(Venue.name_en)))


def open_dates(venue: Venue, dates: Sequence[date]) -> list[date]:
    """The dates on which the venue is open at all (every date when its hours are not known)."""
    hours = parse_hours(venue.hours)
    return [day for day in dates if hours.intervals_on(day)]
