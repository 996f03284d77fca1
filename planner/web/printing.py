"""Printed handouts and tour exports over HTTP: the print view, the PDF and the GPX/KML/GeoJSON/ICS/CSV files
of a tour (by id or slug), and the same read-only under the tour's share token."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from planner.core.itinerary import PlanConflict
from planner.db.models import Tour
from planner.db.session import db_session
from planner.io.exports import FORMATS, ExportError, ExportFormat, TourData, export_filename, export_format
from planner.io.handout import Handout, build_handout, tour_data
from planner.io.pdf import html_to_pdf
from planner.io.records import FieldErrors
from planner.services.tours import tour_by_ref

bp = Blueprint("printing", __name__)


class Refusal(Exception):
    """A request these pages cannot answer, with the status and the reason shown to the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(Refusal)
def _refused(exc: Refusal) -> tuple[str, int]:
    # An HTML page with the reason: the app-wide API error handler would answer JSON without it.
    return render_template("printing/error.html", message=exc.message), exc.status


LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def render_handout(handout: Handout, *, pdf: bool = False, links: Mapping[str, Any] | None = None) -> str:
    """The handout as an HTML document in its own language (with `links`, the on-screen toolbar)."""
    with force_locale(handout.lang):
        return render_template("printing/handout.html", handout=handout, pdf=pdf, links=links)


def handout_pdf(handout: Handout) -> bytes:
    """The handout as PDF bytes, rendered offline with the print stylesheet."""
    static = Path(current_app.static_folder or "static")
    return html_to_pdf(render_handout(handout, pdf=True), static, [static / "css" / "print.css"])


def file_response(data: bytes, media_type: str, filename: str) -> Response:
    """A download: the bytes with their media type and an attachment file name."""
    response = Response(data, content_type=media_type)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def load_tour(ref: str | None, token: str | None) -> Tour:
    """The tour named by id/slug or by share token, or 404."""
    if token is not None:
        tour = db_session.scalar(select(Tour).where(Tour.share_token == token))
    else:
        tour = tour_by_ref(db_session, ref or "")
    if tour is None:
        raise Refusal(404, _("There is no such tour (or the share link is no longer valid)."))
    return tour


def _tour_data(tour: Tour, lang: str) -> TourData:
    """The tour's exportable data, planning it first if it was never planned (and keeping that plan)."""
    try:
        data = tour_data(db_session, tour, lang)
    except FieldErrors as exc:
        db_session.rollback()
        raise Refusal(422, _("The saved tour cannot be planned: %(errors)s", errors=str(exc))) from exc
    except PlanConflict as exc:
        db_session.rollback()
        raise Refusal(422, _("The saved tour has no plan: %(reason)s", reason=exc.message)) from exc
    db_session.commit()
    return data


def _day_arg() -> int | None:
    value = request.args.get("day", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise Refusal(400, _("day must be a day number from 1, not %(value)r", value=value))
    return int(value)


def _lang_arg() -> str:
    languages = current_app.config["LANGUAGES"]
    value = request.args.get("lang")
    if value is None:
        current = str(get_locale())
        return current if current in languages else languages[0]
    if value not in languages:
        raise Refusal(400, _("lang must be one of %(choices)s", choices=", ".join(languages)))
    return value


def _handout(tour: Tour, lang: str, day: int | None) -> Handout:
    try:
        return build_handout(tour, _tour_data(tour, lang), lang, day)
    except ExportError as exc:
        raise Refusal(400, str(exc)) from exc


def _url(kind: str, tour: Tour, token: str | None, **args: Any) -> str:
    """A link to another printing view, staying under the share token when the page was opened with it."""
    if token is not None:
        return url_for(f"printing.shared_{kind}", token=token, **args)
    return url_for(f"printing.{kind}", ref=tour.slug, **args)


def _links(tour: Tour, handout: Handout, token: str | None, day: int | None) -> dict[str, object]:
    days = [(_("All days"), _url("print_view", tour, token, lang=handout.lang), day is None)]
    days += [
        (_("Day %(num)d", num=n), _url("print_view", tour, token, day=n, lang=handout.lang), day == n)
        for n in range(1, handout.day_count + 1)
    ]
    return {
        "pdf": _url("handout_pdf", tour, token, day=day, lang=handout.lang),
        "days": days,
        "languages": [
            (code, LANGUAGE_NAMES.get(code, code), _url("print_view", tour, token, day=day, lang=code))
            for code in current_app.config["LANGUAGES"]
        ],
        "exports": [(name.upper(), _url("export", tour, token, fmt=name, day=day)) for name in FORMATS],
    }


@bp.route("/tours/<ref>/print", endpoint="print_view")
@bp.route("/share/<token>/print", endpoint="shared_print_view")
def print_view(ref: str | None = None, token: str | None = None) -> str:
    """The handout as a page: the browser's Print gives the A4 layout (?day=N, ?lang=en|ko)."""
    tour = load_tour(ref, token)
    day, lang = _day_arg(), _lang_arg()
    handout = _handout(tour, lang, day)
    return render_handout(handout, links=_links(tour, handout, token, day))


@bp.route("/tours/<ref>/handout.pdf", endpoint="handout_pdf")
@bp.route("/share/<token>/handout.pdf", endpoint="shared_handout_pdf")
def handout_pdf_view(ref: str | None = None, token: str | None = None) -> Response:
    """The handout as a PDF download (?day=N, ?lang=en|ko)."""
    tour = load_tour(ref, token)
    day, lang = _day_arg(), _lang_arg()
    pdf = handout_pdf(_handout(tour, lang, day))
    return file_response(pdf, "application/pdf", export_filename(f"{tour.slug}-{lang}", "pdf", day))


def export_response(tour: Tour, fmt: ExportFormat, data: TourData, day: int | None) -> Response:
    """The tour (or one day) as a download in `fmt`.

    :raise ExportError: the tour has no day `day`.
    """
    return file_response(fmt.write(data, day), fmt.media_type, export_filename(tour.slug, fmt.extension, day))


@bp.route("/tours/<ref>/export.<fmt>", endpoint="export")
@bp.route("/share/<token>/export.<fmt>", endpoint="shared_export")
def export_view(fmt: str, ref: str | None = None, token: str | None = None) -> Response:
    """The tour, or one day (?day=N), as GPX, KML, GeoJSON, ICS or CSV."""
    tour = load_tour(ref, token)
    day, lang = _day_arg(), _lang_arg()
    try:
        return export_response(tour, export_format(fmt), _tour_data(tour, lang), day)
    except ExportError as exc:
        raise Refusal(400, str(exc)) from exc
