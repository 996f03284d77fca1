"""Venues as the domain core sees them, and the region's travel settings."""

from __future__ import annotations

from planner.core.hours import parse_hours
from planner.core.itinerary import Place
from planner.core.legs import TravelSettings
from planner.db.models import Region, Venue

CATEGORY_VISIT_MINUTES = {
    "tea_house": 30,
    "historic_district": 45,
    "museum": 60,
    "garden": 60,
    "market": 45,
    "heritage_site": 60,
    "shrine_temple": 20,
    "meeting_venue": 60,
    "lodging": 0,
    "transport_hub": 0,
}
"""Typical visit when a venue gives none: an estimate by kind of place (the seed's sourced figures win)."""
DEFAULT_VISIT_MINUTES = 30


def venue_place(venue: Venue) -> Place:
    """Return the venue as a core Place (key 'venue:<id>') with its opening hours."""
    return Place(
        key=f"venue:{venue.id}",
        name=venue.name_en,
        lat=venue.lat,
        lon=venue.lon,
        hours=parse_hours(venue.hours),
    )


def visit_minutes(venue: Venue) -> int:
    """The venue's typical visit, its hands-on experience if longer, else a category default."""
    minutes = venue.visit_minutes or CATEGORY_VISIT_MINUTES.get(venue.category, DEFAULT_VISIT_MINUTES)
    if venue.experience_offered and venue.experience_minutes:
        return max(minutes, venue.experience_minutes)
    return max(minutes, 5)


def region_travel(region: Region) -> TravelSettings:
    """The region's default walking settings."""
    return TravelSettings(
        walk_speed_m_per_min=region.walk_speed_m_per_min,
        detour_factor=region.detour_factor,
        per_leg_minutes=region.per_leg_minutes,
        max_walk_m=region.max_walk_m,
    )
