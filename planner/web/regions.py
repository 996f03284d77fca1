"""Region pages: the list of regions, a region's map and venue list, a venue's page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.io.records import CATEGORIES
from planner.maps import build_region_map, split_map
from planner.services.venues import (
    feature_collection,
    hours_today_text,
    list_regions,
    region_by_slug,
    venue_by_slug,
    venues_query,
)
from planner.web import display_name, static_url, tiles
from planner.web.labels import category_labels

bp = Blueprint("regions", __name__)


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
    venues: list[Venue] = list(db_session.scalars(venues_query(region, category=category, text=text)))
    features = feature_collection(venues)
    today = date.today()
    for feature, venue in zip(features["features"], venues, strict=True):
        props = feature["properties"]
        props.update(
            label=display_name(venue),
            local_lang="ja" if region.timezone == "Asia/Tokyo" else "ko",
            url=url_for("regions.venue", slug=region.slug, venue_slug=venue.slug),
            hours_text=hours_today_text(venue, today),
        )
    labels = {**category_labels(), "_details": _("Details"), "_legend": _("Categories")}
    m = build_region_map(features, (region.centre_lat, region.centre_lon), labels, static_url, tiles())
    return render_template(
        "regions/region.html",
        region=region,
        venues=venues,
        categories=CATEGORIES,
        category=category,
        q=text or "",
        map=split_map(m),
    )


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
