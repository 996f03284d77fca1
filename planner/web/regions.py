"""Region pages: the list of regions, a region's map and venue list, a venue's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import load_only

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.io.records import CATEGORIES
from planner.maps import build_region_map, split_map
from planner.services.venues import (
    hours_today_text,
    list_regions,
    region_by_slug,
    venue_by_slug,
    venues_query,
)
from planner.web import display_name, static_url, tiles
from planner.web.labels import category_labels

bp = Blueprint("regions", __name__)

LIST_PAGE_SIZE = 100
# What the region page shows of each venue; the long texts (descriptions, sources) stay in the database.
_LISTED_COLUMNS = (
    Venue.slug,
    Venue.category,
    Venue.name_en,
    Venue.name_local,
    Venue.name_ko,
    Venue.lat,
    Venue.lon,
    Venue.hours,
    Venue.experience_offered,
    Venue.experience_name,
)


def get_region(slug: str) -> Region:
    """Load a region or answer 404."""
    region = region_by_slug(db_session, slug)
    if region is None:
        abort(404)
    return region


def get_venue(region: Region, slug: str) -> Venue:
    """Load a venue of the region or answer 404."""
    venue = venue_by_slug(db_session, region, slug)
    if venue is None:
        abort(404)
    return venue


@bp.route("/")
def index() -> str:
    """The regions, each with its venue count."""
    return render_template("regions/index.html", regions=list_regions(db_session))


@bp.route("/regions/<slug>")
def region(slug: str) -> str:
    """A region: map of all its venues by category, and a filterable list."""
    region = get_region(slug)
    category = request.args.get("category") or None
    if category not in CATEGORIES:
        category = None
    text = (request.args.get("q") or "").strip()[:100] or None
    query = venues_query(region, category=category, text=text).options(load_only(*_LISTED_COLUMNS))
    venues: list[Venue] = list(db_session.scalars(query))
    features = _map_features(region, venues)
    labels = {**category_labels(), "_details": _("Details"), "_legend": _("Categories")}
    m = build_region_map(features, (region.centre_lat, region.centre_lon), labels, static_url, tiles())
    # The map shows every venue; the list beside it is paged, as a list of 2,000 would weigh 500 KiB.
    pages = max(1, -(-len(venues) // LIST_PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    return render_template(
        "regions/region.html",
        region=region,
        venues=venues[(page - 1) * LIST_PAGE_SIZE : page * LIST_PAGE_SIZE],
        total=len(venues),
        page=page,
        pages=pages,
        categories=CATEGORIES,
        category=category,
        q=text or "",
        map=split_map(m),
    )


def _map_features(region: Region, venues: list[Venue]) -> dict[str, Any]:
    """The venues as GeoJSON with only what the map's popup shows (the API serves every field): at 2,000 venues
    the full properties would make a page of about 5 MB (benchmarks/region_map.py)."""
    today = date.today()
    local_lang = "ja" if region.timezone == "Asia/Tokyo" else "ko"
    # One url_for and a replace instead of 2,000 url_for calls (a slug is only [a-z0-9-], nothing to quote)
    url = url_for("regions.venue", slug=region.slug, venue_slug="__venue__")
    features = []
    for venue in venues:
        props = {
            "label": display_name(venue),
            "name_local": venue.name_local,
            "local_lang": local_lang,
            "category": venue.category,
            "url": url.replace("__venue__", venue.slug),
        }
        hours = hours_today_text(venue, today)
        if hours:
            props["hours_text"] = hours
        if venue.experience_offered:
            props["experience"] = venue.experience_name or _("Hands-on")
        # ~1 m of precision is plenty for a marker and trims every coordinate to a few digits
        point = [round(venue.lon, 5), round(venue.lat, 5)]
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": point}, "properties": props})
    return {"type": "FeatureCollection", "features": features}


@bp.route("/regions/<slug>/venues/<venue_slug>")
def venue(slug: str, venue_slug: str) -> str:
    """A venue: names, hours by weekday, experience, price, sources."""
    region = get_region(slug)
    venue = get_venue(region, venue_slug)
    return render_template("regions/venue.html", region=region, venue=venue, week=_week_hours(venue))


def _week_hours(venue: Venue) -> list[tuple[str, str]]:
    """This week's hours, Monday first, as (day name, text)."""
    from datetime import timedelta

    from planner.core.hours import format_intervals, parse_hours

    hours = parse_hours(venue.hours)
    if not hours.known:
        return []
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    return [
        (
            f"{names[i]} {(monday + timedelta(days=i)).strftime('%m-%d')}",
            format_intervals(hours.intervals_on(monday + timedelta(days=i))),
        )
        for i in range(7)
    ]
