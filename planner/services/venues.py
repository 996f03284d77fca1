"""Venue queries and their GeoJSON form (RFC 7946: [lon, lat] order, every venue field in properties)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from planner.core.hours import format_intervals, parse_hours
from planner.db.models import Region, Venue

VENUE_FIELDS = (
    "id",
    "slug",
    "category",
    "name_en",
    "name_local",
    "name_ko",
    "address",
    "lat",
    "lon",
    "coordinates",
    "coordinates_note",
    "hours",
    "visit_minutes",
    "admission_price",
    "admission_currency",
    "experience_offered",
    "experience_name",
    "experience_minutes",
    "experience_price",
    "experience_currency",
    "experience_capacity",
    "experience_booking_required",
    "experience_contact",
    "website",
    "phone",
    "description_en",
    "description_ko",
    "access_notes",
    "sources",
    "version",
)


def region_by_slug(session: Session, slug: str) -> Region | None:
    """Find a region by its slug."""
    return session.scalar(select(Region).where(Region.slug == slug))


def list_regions(session: Session) -> list[Region]:
    """All regions, by English name."""
    return list(session.scalars(select(Region).order_by(Region.name_en)))


def venues_query(region: Region, *, category: str | None = None, text: str | None = None) -> Select[Venue]:
    """Select a region's venues, optionally of one category and matching text in any name or address."""
    query = select(Venue).where(Venue.region_id == region.id).order_by(Venue.name_en)
    if category:
        query = query.where(Venue.category == category)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(
            or_(
                Venue.name_en.ilike(like),
                Venue.name_local.ilike(like),
                Venue.name_ko.ilike(like),
                Venue.address.ilike(like),
                Venue.slug.ilike(like),
            )
        )
    return query


def venue_by_slug(session: Session, region: Region, slug: str) -> Venue | None:
    """Find a venue of a region by slug."""
    return session.scalar(select(Venue).where(Venue.region_id == region.id, Venue.slug == slug))


def venue_feature(venue: Venue) -> dict[str, Any]:
    """A GeoJSON Feature for the venue, with every field as a property (plus its region's slug)."""
    properties = {name: getattr(venue, name) for name in VENUE_FIELDS}
    properties["region"] = venue.region.slug
    properties["updated_at"] = venue.updated_at.isoformat() if venue.updated_at else None
    return {
        "type": "Feature",
        "id": venue.id,
        "geometry": {"type": "Point", "coordinates": [venue.lon, venue.lat]},
        "properties": properties,
    }


def feature_collection(venues: list[Venue]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of venues."""
    return {"type": "FeatureCollection", "features": [venue_feature(v) for v in venues]}


def hours_today_text(venue: Venue, day: Any) -> str:
    """The venue's hours on a date as text ('09:00–17:00', 'closed', or '' when not known)."""
    hours = parse_hours(venue.hours)
    if not hours.known:
        return ""
    return format_intervals(hours.intervals_on(day))
