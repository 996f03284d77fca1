"""Tour pages: the builder, the itinerary (and its read-only share page), the saved tours and their edits."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from planner.core.itinerary import PlanConflict
from planner.db.models import Region, Tour, Venue
from planner.db.session import db_session
from planner.io.records import CATEGORIES, FieldErrors
from planner.maps import build_region_map, build_route_map, split_map
from planner.services.places import visit_minutes
from planner.services.tour_edits import (
    delete_tour,
    duplicate_tour,
    fix_order,
    last_planned,
    list_tours,
    lock_stop,
    open_dates,
    region_venues,
    rename_tour,
    tour_by_share_token,
    tour_dates,
    tour_title,
    update_tour,
    venues_by_id,
)
from planner.services.tours import create_tour, replan_tour, tour_by_ref
from planner.services.venues import hours_today_text, list_regions, region_by_slug, venue_by_slug
from planner.web import display_name, static_url, tiles
from planner.web.itinerary_map import itinerary_days, price_text, route_days, stop_name
from planner.web.labels import category_labels
from planner.web.tour_forms import (
    BuilderForm,
    ConfirmForm,
    FixOrderForm,
    LockForm,
    RenameForm,
    builder_data,
    row_prototypes,
)

bp = Blueprint("tours", __name__)

RESERVED_REFS = {"new"}
"""Paths under /tours/ that are pages, not tours: a tour with such a slug is linked by its id."""

LINKED_PAGES = (
    ("/print", _l("Print")),
    ("/handout.pdf", _l("Handout (PDF)")),
)
EXPORT_FORMATS = (
    ("gpx", _l("GPX (GPS devices)")),
    ("kml", _l("KML (Google Earth, My Maps)")),
    ("geojson", "GeoJSON"),
    ("ics", _l("Calendar (ICS)")),
    ("csv", _l("Spreadsheet (CSV)")),
)


def tour_ref(tour: Tour) -> str:
    """The tour's reference in URLs: its slug, or its id when the slug is also a page's name."""
    return str(tour.id) if tour.slug in RESERVED_REFS else tour.slug


@bp.context_processor
def _helpers() -> dict[str, Any]:
    lang = str(get_locale())
    return {
        "tour_ref": tour_ref,
        "tour_title": lambda tour: tour_title(tour, lang),
        "stop_name": stop_name,
        "price_text": price_text,
        "csrf_token": generate_csrf,
        "last_planned": last_planned,
        "region_name": lambda region: region.name_ko if lang == "ko" and region.name_ko else region.name_en,
        "venue_minutes": visit_minutes,
        "day_label": lambda text: format_date(date.fromisoformat(text), "EEEE d MMMM") if _parse_date(text) else text,
    }


def get_tour(ref: str) -> Tour:
    """Load a tour by id or slug, or answer 404."""
    tour = tour_by_ref(db_session, ref)
    if tour is None:
        abort(404)
    return tour


def _check_posted(form: Any) -> None:
    """Answer 400 when a posted button form fails (a missing or stale CSRF token, or a missing field)."""
    if not form.validate_on_submit():
        abort(
            400, description=_("The form could not be accepted (it may have expired). Reload the page and try again.")
        )


@bp.route("/tours")
def index() -> str:
    """The saved tours: open, edit, rename, duplicate, delete, share."""
    return render_template("tours/index.html", tours=list_tours(db_session), regions=list_regions(db_session))


@bp.route("/tours/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """The builder for a new tour of a region (the region is chosen first)."""
    region = region_by_slug(db_session, request.args.get("region", ""))
    if region is None:
        return render_template("tours/choose_region.html", regions=list_regions(db_session))
    return _builder(region, None)


@bp.route("/tours/<ref>/edit", methods=["GET", "POST"])
def edit(ref: str) -> ResponseReturnValue:
    """The builder for a saved tour: change anything, plan again."""
    tour = get_tour(ref)
    return _builder(tour.region, tour)


def _builder(region: Region, tour: Tour | None) -> ResponseReturnValue:
    venues = region_venues(db_session, region)
    if request.method == "POST":
        form = BuilderForm()
    else:
        form = BuilderForm(data=_initial_data(region, tour, venues))
    form.venues = {v.slug: v for v in venues}
    form.sync_days()
    status, conflict, messages = 200, None, []
    if request.method == "POST" and not _apply_row_action(form):
        if form.validate():
            problem = form.to_problem(region)
            try:
                if tour is None:
                    tour = create_tour(db_session, form.title.data, problem)
                else:
                    update_tour(db_session, tour, form.title.data, problem)
            except FieldErrors as exc:
                db_session.rollback()
                messages, status = form.add_problem_errors(exc.errors), 400
            except PlanConflict as exc:
                db_session.rollback()
                conflict, status = exc.message, 422
                form.mark_conflict(exc.message)
            else:
                db_session.commit()
                flash(_("Planned and saved."), "success")
                return redirect(url_for("tours.show", ref=tour_ref(tour)))
        else:
            status = 400
    builder_map = _builder_map(region, venues, form)
    return (
        render_template(
            "tours/builder.html",
            form=form,
            region=region,
            tour=tour,
            venues=venues,
            venue_rows=_venue_rows(venues, form),
            venue_groups=_venue_groups(venues),
            dates=form.trip_dates(),
            categories=CATEGORIES,
            conflict=conflict,
            messages=messages,
            map=split_map(builder_map),
            map_name=builder_map.get_name(),
            prototypes=row_prototypes(),
            geocode_url=_geocode_url(),
        ),
        status,
    )


def _geocode_url() -> str:
    """The geocode API's URL (another part of the app provides it; the builder shows whatever it answers)."""
    if "geocoding_api.get_geocode" in current_app.view_functions:
        return url_for("geocoding_api.get_geocode")
    return "/api/v1/geocode"


def _initial_data(region: Region, tour: Tour | None, venues: list[Venue]) -> dict[str, Any]:
    if tour is not None:
        data = builder_data(tour.problem, tour_title(tour, str(get_locale())), {v.id: v.slug for v in venues})
        data["walk_speed"] = data["walk_speed"] or round(region.walk_speed_m_per_min)
        return data
    return {"walk_speed": round(region.walk_speed_m_per_min)}


def _apply_row_action(form: BuilderForm) -> bool:
    """Apply a no-JavaScript row button (add a venue or an appointment, remove a row, filter the list);
    return whether one was pressed (then the form is shown again, nothing saved)."""
    if request.form.get("add_venue"):
        form.add_candidate(request.form["add_venue"])
        return True
    if request.form.get("remove"):
        form.remove_row(request.form["remove"])
        return True
    action = request.form.get("action", "plan")
    if action == "add_appointment":
        dates = form.trip_dates()
        form.appointments.append_entry({"date": dates[0] if dates else None})
        return True
    return action == "filter"


def _venue_rows(venues: list[Venue], form: BuilderForm) -> list[dict[str, Any]]:
    """The pickable venue list: each venue with what the filters look at and whether they hide it now."""
    dates = form.trip_dates()
    chosen = set(form.candidate_slugs())
    category = form.filter_category.data if form.filter_category.data in CATEGORIES else ""
    text = (form.filter_text.data or "").lower()
    rows = []
    for venue in venues:
        open_on = [d.isoformat() for d in open_dates(venue, dates)]
        hidden = (
            (
                text
                and text
                not in " ".join(filter(None, (venue.name_en, venue.name_local, venue.name_ko, venue.address))).lower()
            )
            or (category and venue.category != category)
            or (form.filter_hands_on.data and not venue.experience_offered)
            or (form.filter_open.data and dates and not open_on)
        )
        rows.append({"venue": venue, "open_on": open_on, "hidden": bool(hidden), "chosen": venue.slug in chosen})
    return rows


def _venue_groups(venues: list[Venue]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Venues for the place selects, grouped by category: hotels, stations and meeting venues first."""
    first = ["lodging", "transport_hub", "meeting_venue"]
    order = first + [c for c in CATEGORIES if c not in first]
    labels = category_labels()
    groups = []
    for category in order:
        items = sorted((display_name(v), v.slug) for v in venues if v.category == category)
        if items:
            groups.append((labels.get(category, category), [(slug, name) for name, slug in items]))
    return groups


def _builder_map(region: Region, venues: list[Venue], form: BuilderForm) -> Any:
    """The region map of the builder: every venue with what its popup shows (hours on the trip's first day) and
    its slug, which builder.js needs to add it to the tour."""
    dates = form.trip_dates()
    first = dates[0] if dates else date.today()
    when = format_date(first, "EEE d MMM") if dates else _("today")
    local_lang = "ja" if region.timezone == "Asia/Tokyo" else "ko"
    features = []
    for venue in venues:
        hours = hours_today_text(venue, first)
        props = {
            "slug": venue.slug,
            "label": display_name(venue),
            "name_local": venue.name_local,
            "local_lang": local_lang,
            "category": venue.category,
            "url": url_for("regions.venue", slug=region.slug, venue_slug=venue.slug),
            "hours_text": f"{when}: {_('closed') if hours == 'closed' else hours}" if hours else "",
            "experience": (venue.experience_name or _("Hands-on experience")) if venue.experience_offered else "",
        }
        point = [venue.lon, venue.lat]
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": point}, "properties": props})
    labels = {**category_labels(), "_details": _("Details"), "_legend": _("Categories")}
    collection = {"type": "FeatureCollection", "features": features}
    return build_region_map(collection, (region.centre_lat, region.centre_lon), labels, static_url, tiles())


@bp.route("/tours/open-venues.json")
def open_venues() -> ResponseReturnValue:
    """The dates each venue of a region is open within a date range (the builder's "open on" filter)."""
    region = region_by_slug(db_session, request.args.get("region", ""))
    if region is None:
        return jsonify(message=_("No such region.")), 404
    dates = tour_dates({"start_date": request.args.get("start"), "end_date": request.args.get("end")})
    if not 0 < len(dates) <= 31:
        return jsonify(message=_("Give start and end dates at most 31 days apart.")), 400
    return jsonify(
        {
            "dates": [d.isoformat() for d in dates],
            "venues": {
                v.slug: [d.isoformat() for d in open_dates(v, dates)] for v in region_venues(db_session, region)
            },
        }
    )


@bp.route("/tours/<ref>")
def show(ref: str) -> str:
    """A tour's itinerary: timetable and map per day, dropped venues, totals; locks and re-plan."""
    tour = get_tour(ref)
    return _itinerary(tour, readonly=False)


@bp.route("/share/<token>")
def shared(token: str) -> str:
    """A tour's itinerary, read-only, for whoever has the link."""
    tour = tour_by_share_token(db_session, token)
    if tour is None:
        abort(404)
    return _itinerary(tour, readonly=True)


LUNCH_NOTE = re.compile(r"^(\d{4}-\d{2}-\d{2}): no time for a lunch break in its window$")


def _itinerary(tour: Tour, readonly: bool) -> str:
    result = tour.result or {}
    ids = [s.get("venue_id") for d in result.get("days") or [] for s in d["stops"]]
    ids += [d.get("venue_id") for d in result.get("dropped") or []]
    venues = venues_by_id(db_session, ids)
    days = itinerary_days(result, tour.problem, venues) if result else []
    currency = result.get("currency") or tour.region.currency
    route_map = None
    if days:
        route_map = split_map(build_route_map(route_days(days, currency), static_url, tiles(), _("Days")))
    reasons = {
        "closed": _("closed (or open too briefly for the visit) on every day of the tour"),
        "unreachable": _("cannot be reached before it closes on any day"),
        "no_time": _("no time left: higher priorities and appointments fill the days"),
    }
    notes = []
    for note in result.get("notes") or []:
        match = LUNCH_NOTE.match(note)
        notes.append(_("%(date)s: no lunch break fits in its window", date=match[1]) if match else note)
    dates = tour_dates(tour.problem)
    return render_template(
        "tours/itinerary.html",
        tour=tour,
        result=result,
        days=days,
        dates=dates,
        currency=currency,
        map=route_map,
        dropped=[
            {**d, "reason_label": reasons.get(d.get("reason"), d.get("reason_text", ""))}
            for d in result.get("dropped") or []
        ],
        notes=notes,
        readonly=readonly,
        share_url=url_for("tours.shared", token=tour.share_token, _external=True),
        links=_linked_pages(tour, readonly),
    )


def _linked_pages(tour: Tour, readonly: bool) -> dict[str, list[tuple[str, str]]]:
    """Links to the print and handout pages and the exports that exist in this app (another part adds them);
    the share page links to their read-only twins under the same token."""
    values: dict[str, Any] = {"token": tour.share_token} if readonly else {"ref": tour_ref(tour)}
    prefix = "/share/<token>" if readonly else "/tours/<ref>"
    endpoints = {rule.rule: rule.endpoint for rule in current_app.url_map.iter_rules()}
    pages = [
        (str(label), url_for(endpoints[prefix + suffix], **values))
        for suffix, label in LINKED_PAGES
        if prefix + suffix in endpoints
    ]
    export = endpoints.get(prefix + "/export.<fmt>")
    exports = [(name, url_for(export, fmt=fmt, **values)) for fmt, name in EXPORT_FORMATS] if export else []
    return {"pages": pages, "exports": exports}


@bp.route("/tours/<ref>/replan", methods=["POST"])
def replan(ref: str) -> Response:
    """Plan the saved tour again (with its locks) and show the new itinerary."""
    tour = get_tour(ref)
    _check_posted(ConfirmForm())
    try:
        replan_tour(db_session, tour)
    except (FieldErrors, PlanConflict) as exc:
        db_session.rollback()
        flash(
            _("Could not plan the tour: %(why)s", why=exc.message if isinstance(exc, PlanConflict) else str(exc)),
            "error",
        )
    else:
        db_session.commit()
        flash(_("Planned again."), "success")
    return redirect(url_for("tours.show", ref=ref))


@bp.route("/tours/<ref>/lock", methods=["POST"])
def lock(ref: str) -> Response:
    """Lock a stop to its day (or release it); the next plan keeps it there."""
    tour = get_tour(ref)
    form = LockForm()
    _check_posted(form)
    venue = venue_by_slug(db_session, tour.region, form.venue.data)
    day = _parse_date(form.day.data) if form.day.data else None
    if venue is None or (form.day.data and day is None):
        abort(400, description=_("No such stop or day."))
    try:
        lock_stop(db_session, tour, venue, day)
    except FieldErrors as exc:
        db_session.rollback()
        abort(400, description=str(exc))
    db_session.commit()
    name = display_name(venue)
    flash(
        _("%(name)s is locked to %(day)s.", name=name, day=day)
        if day
        else _("%(name)s may move to any day.", name=name),
        "success",
    )
    return redirect(url_for("tours.show", ref=ref, _anchor=f"day-{form.day.data}" if day else None))


@bp.route("/tours/<ref>/order", methods=["POST"])
def order(ref: str) -> Response:
    """Fix (or release) the order of a day's visits as planned now; the next plan keeps that order."""
    tour = get_tour(ref)
    form = FixOrderForm()
    _check_posted(form)
    day = next((d for d in (tour.result or {}).get("days") or [] if d["date"] == form.day.data), None)
    if day is None:
        abort(400, description=_("No such day in the plan."))
    slugs = [s["venue_slug"] for s in day["stops"] if s["kind"] == "visit" and s.get("venue_slug")]
    try:
        fix_order(db_session, tour, slugs, form.fixed.data)
    except FieldErrors as exc:
        db_session.rollback()
        abort(400, description=str(exc))
    db_session.commit()
    flash(
        _("The order of %(day)s is fixed.", day=day["date"])
        if form.fixed.data
        else _("The order of %(day)s is free again.", day=day["date"]),
        "success",
    )
    return redirect(url_for("tours.show", ref=ref, _anchor=f"day-{day['date']}"))


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


@bp.route("/tours/<ref>/rename", methods=["GET", "POST"])
def rename(ref: str) -> ResponseReturnValue:
    """Rename a tour."""
    tour = get_tour(ref)
    form = RenameForm(data={"title": tour_title(tour, str(get_locale()))})
    if form.validate_on_submit():
        try:
            rename_tour(db_session, tour, form.title.data)
        except FieldErrors as exc:
            db_session.rollback()
            form.title.errors = [message for _name, message in exc.errors]
        else:
            db_session.commit()
            flash(_("Renamed."), "success")
            return redirect(url_for("tours.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("tours/rename.html", tour=tour, form=form), status


@bp.route("/tours/<ref>/duplicate", methods=["POST"])
def duplicate(ref: str) -> Response:
    """Save a copy of a tour, to try a variant without losing the original."""
    tour = get_tour(ref)
    _check_posted(ConfirmForm())
    title = _("Copy of %(title)s", title=tour_title(tour, str(get_locale())))[:200]
    twin = duplicate_tour(db_session, tour, title)
    db_session.commit()
    flash(_("Saved a copy: %(title)s.", title=twin.title), "success")
    return redirect(url_for("tours.index"))


@bp.route("/tours/<ref>/delete", methods=["GET", "POST"])
def delete(ref: str) -> ResponseReturnValue:
    """Ask, then delete a tour."""
    tour = get_tour(ref)
    form = ConfirmForm()
    if request.method == "POST":
        _check_posted(form)
        title = tour_title(tour, str(get_locale()))
        delete_tour(db_session, tour)
        db_session.commit()
        flash(_("Deleted %(title)s.", title=title), "success")
        return redirect(url_for("tours.index"))
    return render_template("tours/delete.html", tour=tour, form=form)
