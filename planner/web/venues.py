"""Venue editing pages: create, edit (guarded by the venue's version) and delete with a confirmation step."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.io.records import FieldErrors, venue_values
from planner.services.venue_edits import (
    StaleVenue,
    VenueInUse,
    changed_fields,
    create_venue,
    delete_venue,
    slug_from_name,
    tours_using_venue,
    update_venue,
)
from planner.services.venues import venue_by_slug
from planner.web import display_name
from planner.web.regions import get_region, get_venue
from planner.web.tours import tour_ref
from planner.web.venue_forms import HOURS_EXAMPLE, VenueForm, form_data

bp = Blueprint("venues", __name__)

Page = str | tuple[str, int] | Response

CSRF_FAILED = _l("This form had expired or did not come from this site. Your entries are kept: send it again.")


class DeleteForm(FlaskForm):
    """The confirmation step: a CSRF token and the version the person saw."""

    version = HiddenField()


@bp.route("/regions/<slug>/venues/new", methods=["GET", "POST"])
def create(slug: str) -> Page:
    """A form for a new venue of the region; saving goes to the venue's page."""
    region = get_region(slug)
    form = VenueForm(data={"admission_currency": region.currency, "experience_currency": region.currency})
    if not form.is_submitted():
        return _form_page(form, region)
    if not form.validate():  # the CSRF token: the form's only own check
        form.form_errors.append(str(CSRF_FAILED))
        return _form_page(form, region, status=400)
    try:
        record = _checked_record(form, region, None)
        venue = create_venue(db_session, region, record)
        db_session.commit()
    except FieldErrors as exc:
        db_session.rollback()
        form.show_errors(exc)
        return _form_page(form, region, status=400)
    flash(_("Venue “%(name)s” created.", name=display_name(venue)), "success")
    return redirect(url_for("regions.venue", slug=region.slug, venue_slug=venue.slug))


@bp.route("/regions/<slug>/venues/<venue_slug>/edit", methods=["GET", "POST"])
def edit(slug: str, venue_slug: str) -> Page:
    """A venue's form; saving a form opened before someone else's save shows the conflict, never overwrites."""
    region = get_region(slug)
    venue = get_venue(region, venue_slug)
    form = VenueForm(data=form_data(venue))
    if not form.is_submitted():
        return _form_page(form, region, venue)
    if not form.validate():
        form.form_errors.append(str(CSRF_FAILED))
        return _form_page(form, region, venue, status=400)
    try:
        record = _checked_record(form, region, venue.slug)
        update_venue(db_session, venue, record, _version(form.version.data))
        db_session.commit()
    except FieldErrors as exc:
        db_session.rollback()
        form.show_errors(exc)
        return _form_page(form, region, venue, status=400)
    except StaleVenue:
        db_session.rollback()
        return _conflict_page(form, region, venue_slug, record)
    flash(_("Venue “%(name)s” saved.", name=display_name(venue)), "success")
    return redirect(url_for("regions.venue", slug=region.slug, venue_slug=venue.slug))


@bp.route("/regions/<slug>/venues/<venue_slug>/delete", methods=["GET", "POST"])
def delete(slug: str, venue_slug: str) -> Page:
    """Ask before deleting; a venue that saved tours name is not deleted, and the page lists those tours."""
    region = get_region(slug)
    venue = get_venue(region, venue_slug)
    form = DeleteForm(data={"version": str(venue.version)})
    message = None
    status = 200
    if form.is_submitted():
        if not form.validate():
            message, status = str(CSRF_FAILED), 400
        else:
            name = display_name(venue)
            try:
                delete_venue(db_session, venue, _version(form.version.data))
                db_session.commit()
                flash(_("Venue “%(name)s” deleted.", name=name), "success")
                return redirect(url_for("regions.region", slug=region.slug))
            except VenueInUse:
                db_session.rollback()
                status = 409
            except StaleVenue:
                db_session.rollback()
                venue = get_venue(region, venue_slug)
                form.version.data = str(venue.version)
                message = _("Someone changed this venue after you opened this page. Look at it again before deleting.")
                status = 409
    tours = tours_using_venue(db_session, venue)
    page = render_template(
        "venues/delete.html", region=region, venue=venue, form=form, tours=tours, tour_ref=tour_ref, message=message
    )
    return page, status


def _checked_record(form: VenueForm, region: Region, slug: str | None) -> dict[str, Any]:
    """The form's record; when the hours cannot be read, every other field is still judged so that all
    messages show at once.

    :param slug: the venue's fixed slug when editing; None when creating (the typed one, or one from the name).
    """
    problems = FieldErrors()
    record = form.to_record(problems)
    if slug is not None:
        record["slug"] = slug
    if problems.errors:
        named = record.get("slug") or slug_from_name(form.name_en.data or "")
        try:
            venue_values({**record, "slug": named}, region.currency)
        except FieldErrors as exc:
            problems.errors.extend(exc.errors)
        raise problems
    return record


def _conflict_page(form: VenueForm, region: Region, venue_slug: str, record: dict[str, Any]) -> Page:
    """The form again, as typed, with what the other save changed; its version is now the current one, so
    saving again deliberately replaces the other save. A venue deleted meanwhile is offered as a new one."""
    current = venue_by_slug(db_session, region, venue_slug)
    if current is None:
        form.slug.data = venue_slug
        form.form_errors.append(
            _(
                "Someone deleted this venue while you were editing. Your entries are kept below: "
                "save to create it again."
            )
        )
        return _form_page(form, region, status=409)
    try:
        differing = changed_fields(current, venue_values(record, region.currency))
    except FieldErrors:
        differing = []
    names = [str(getattr(form, name).label.text) for name in differing if hasattr(form, name)]
    form.version.data = str(current.version)
    message = _(
        "Someone else saved this venue while you were editing (now version %(version)d). Nothing was saved; your "
        "entries are kept below. Check them against the saved venue, then save again to replace it with yours.",
        version=current.version,
    )
    return _form_page(form, region, current, status=409, conflict={"message": message, "fields": names})


def _form_page(
    form: VenueForm,
    region: Region,
    venue: Venue | None = None,
    *,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
) -> Page:
    tiles = {"url": current_app.config["TILE_URL"], "attribution": current_app.config["TILE_ATTRIBUTION"]}
    page = render_template(
        "venues/form.html",
        form=form,
        region=region,
        venue=venue,
        conflict=conflict,
        hours_example=HOURS_EXAMPLE,
        tiles=tiles,
    )
    return page, status


def _version(text: str | None) -> int:
    """The version a form was opened at; anything else (a tampered field) counts as stale."""
    try:
        return int(text or "")
    except ValueError:
        return -1
