"""Create, change and delete venues from the app, judged by the same rules as the seed (records.venue_values).

Every edit marks the venue `edited_in_app`, so `planner seed` keeps it unless forced. Changes are guarded by the
venue's version: the caller passes the version it showed the person, and a venue saved by someone else since
then raises `StaleVenue` instead of being overwritten (checked up front, and by the database through the
mapper's version_id_col for a save that lands in between).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from planner.db.models import Region, Tour, Venue
from planner.io.records import FieldErrors, venue_values

# "new" is a path of its own under /regions/<slug>/venues/, so a venue cannot be called that.
RESERVED_SLUGS = frozenset({"new"})


class StaleVenue(Exception):
    """The venue was saved (or deleted) by someone else after the form was opened."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(f"the venue changed since it was opened (now version {current_version})")
        self.current_version = current_version


class VenueInUse(Exception):
    """Saved tours name the venue, so it is not deleted; `tours` lists them."""

    def __init__(self, tours: list[Tour]) -> None:
        super().__init__(", ".join(tour.slug for tour in tours))
        self.tours = tours


def slug_from_name(name: str) -> str:
    """A URL slug from an English name: 'Kaga Yuzen Kimono Center' → 'kaga-yuzen-kimono-center'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:100].strip("-")


def create_venue(session: Session, region: Region, record: Mapping[str, Any]) -> Venue:
    """Add a venue to the region from a record in the data/SCHEMA.md form (slug made from the English name if
    not given).

    :raise FieldErrors: for every invalid field, including a slug already used in the region.
    """
    record = dict(record)
    if not record.get("slug"):
        name = record.get("name")
        record["slug"] = slug_from_name(str(name.get("en") or "")) if isinstance(name, Mapping) else ""
    values = venue_values(record, region.currency)
    taken = FieldErrors()
    if values["slug"] in RESERVED_SLUGS:
        taken.add("slug", f"'{values['slug']}' is reserved; choose another")
    elif session.scalar(select(Venue.id).where(Venue.region_id == region.id, Venue.slug == values["slug"])):
        taken.add("slug", f"'{values['slug']}' is already used by another venue in {region.name_en}")
    if taken.errors:
        raise taken
    venue = Venue(region=region, edited_in_app=True, **values)
    session.add(venue)
    try:
        session.flush()
    except IntegrityError as exc:  # another person created the same slug between the check and this write
        raise FieldErrors([("slug", f"'{values['slug']}' was just taken by another venue; choose another")]) from exc
    return venue


def update_venue(session: Session, venue: Venue, record: Mapping[str, Any], version: int) -> Venue:
    """Replace the venue's facts with the record's (its slug stays: tours and links name it).

    :param version: the version the person edited.
    :raise FieldErrors: for every invalid field (nothing is changed then).
    :raise StaleVenue: when the venue was saved by someone else since `version`.
    """
    if venue.version != version:
        raise StaleVenue(venue.version)
    values = venue_values({**record, "slug": venue.slug}, venue.region.currency)
    for name, value in values.items():
        setattr(venue, name, value)
    venue.edited_in_app = True
    _flush_guarded(session)
    return venue


def delete_venue(session: Session, venue: Venue, version: int) -> None:
    """Delete a venue no saved tour names.

    Tours are not changed behind their owners' backs: a tour that names the venue could no longer be re-planned
    and its shared itinerary would link to a page that is gone, so the person removes it from those tours first.

    :raise VenueInUse: listing the tours that name it.
    :raise StaleVenue: when the venue was saved by someone else since `version`.
    """
    if venue.version != version:
        raise StaleVenue(venue.version)
    tours = tours_using_venue(session, venue)
    if tours:
        raise VenueInUse(tours)
    session.delete(venue)
    _flush_guarded(session)


def tours_using_venue(session: Session, venue: Venue) -> list[Tour]:
    """The region's saved tours whose problem names the venue (by slug or id) anywhere: start, end, days,
    candidates, appointments or orders."""
    tours = session.scalars(select(Tour).where(Tour.region_id == venue.region_id).order_by(Tour.title))
    return [tour for tour in tours if _names_venue(tour.problem, venue)]


def changed_fields(venue: Venue, values: Mapping[str, Any]) -> list[str]:
    """The column names whose value in `values` differs from the venue's (to show what a conflict is about)."""
    return [name for name, value in values.items() if getattr(venue, name) != value]


def _flush_guarded(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # saved or deleted by someone else between our read and this write
        raise StaleVenue(None) from exc


def _names_venue(problem: Mapping[str, Any], venue: Venue) -> bool:
    places = (item for item in _walk(problem) if isinstance(item, Mapping))
    if any(place.get("venue") == venue.slug or place.get("venue_id") == venue.id for place in places):
        return True
    orders = problem.get("orders") or []  # locked orders list bare slugs
    return any(isinstance(order, list) and venue.slug in order for order in orders)


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
