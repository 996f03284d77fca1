"""GET /api/v1/regions and /api/v1/regions/<slug>/venues."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from planner.api.errors import not_found
from planner.db.session import db_session
from planner.services.venues import feature_collection, list_regions, region_by_slug, venues_query

blp = Blueprint("regions_api", __name__, url_prefix="/api/v1", description="Regions and their venues")


class RegionSchema(Schema):
    slug = fields.String()
    name_en = fields.String()
    name_ko = fields.String(allow_none=True)
    name_local = fields.String()
    timezone = fields.String()
    currency = fields.String()
    centre = fields.Method("_centre", metadata={"description": "[lat, lon]"})
    walking = fields.Method("_walking")
    venue_count = fields.Method("_venue_count")

    def _centre(self, region: Any) -> list[float]:
        return [region.centre_lat, region.centre_lon]

    def _walking(self, region: Any) -> dict[str, float]:
        return {
            "speed_m_per_min": region.walk_speed_m_per_min,
            "detour_factor": region.detour_factor,
            "per_leg_minutes": region.per_leg_minutes,
            "max_walk_m": region.max_walk_m,
        }

    def _venue_count(self, region: Any) -> int:
        return len(region.venues)


class VenueQuerySchema(Schema):
    category = fields.String(load_default=None)
    q = fields.String(load_default=None, metadata={"description": "text to find in names or address"})


@blp.route("/regions")
@blp.response(200, RegionSchema(many=True))
def get_regions() -> Any:
    """List the regions."""
    return list_regions(db_session)


@blp.route("/regions/<slug>/venues")
@blp.arguments(VenueQuerySchema, location="query")
@blp.response(200, description="A GeoJSON FeatureCollection (RFC 7946, [lon, lat]) of the region's venues")
def get_region_venues(args: dict[str, Any], slug: str) -> Any:
    """The region's venues as GeoJSON; every venue field is a property."""
    region = region_by_slug(db_session, slug)
    if region is None:
        not_found(f"no region {slug!r}")
    venues = list(db_session.scalars(venues_query(region, category=args["category"], text=args["q"])))
    return feature_collection(venues)
