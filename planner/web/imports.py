"""Venue exchange pages: export a region's venues (GeoJSON, CSV), and import a file in two steps.

Upload → preview (every row: create, update, unchanged, reject, duplicate, with reasons) → Apply. Between
the two steps the uploaded file is kept in instance/imports (IMPORT_FOLDER overrides) under a random token,
with a small JSON note of its region, format and options. Re-posting the file instead is not possible from a
page (a browser never fills a file input for the user), and carrying the content in a hidden field would make
the preview page as large as the file. Apply reads the kept file again and judges it against the venues as
they are then, so what is written is what the rules say at that moment; the file is deleted once applied,
and files older than `KEEP_SECONDS` are swept at each upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from planner.db.models import Region
from planner.db.session import db_session
from planner.io.readers import MAX_UPLOAD_BYTES, ImportFileError, read_upload
from planner.io.venue_export import MEDIA_TYPES, export_venues, region_venues
from planner.io.venue_import import format_from_filename, read_venue_file
from planner.services.imports import (
    ImportBlocked,
    ImportConflict,
    ImportOptions,
    ImportReport,
    apply_import,
    preview_import,
)
from planner.web.forms import ApplyForm, ImportForm
from planner.web.regions import get_region

bp = Blueprint("imports", __name__)

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@bp.route("/regions/<slug>/venues.<any(geojson, csv):fmt>")
def export(slug: str, fmt: str) -> Response:
    """Download the region's venues as a GeoJSON or CSV file (every field; the import reads it back)."""
    region = get_region(slug)
    data = export_venues(region_venues(db_session, region), fmt)
    disposition = f'attachment; filename="{region.slug}-venues.{fmt}"'
    return Response(data, content_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})


@bp.route("/regions/<slug>/import", methods=["GET", "POST"])
def upload(slug: str) -> str | BaseResponse | tuple[str, int]:
    """The upload form; a readable file is kept and its preview shown."""
    region = get_region(slug)
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("imports/upload.html", region=region, form=form), 400 if form.errors else 200
    filename = form.file.data.filename or ""
    options = ImportOptions(
        form.skip_invalid.data, form.allow_duplicates.data, form.category.data or None, form.source.data or None
    )
    try:
        data = read_upload(form.file.data.stream, current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES))
        fmt = form.format.data or format_from_filename(filename)
        read_venue_file(data, fmt)
    except ImportFileError as exc:
        form.file.errors = [f"{filename}: {exc}"]
        return render_template("imports/upload.html", region=region, form=form), 400
    token = _keep_upload(region, data, {"filename": filename, "format": fmt, "options": asdict(options)})
    return redirect(url_for("imports.preview", slug=region.slug, token=token))


@bp.route("/regions/<slug>/import/<token>", methods=["GET", "POST"])
def preview(slug: str, token: str) -> str | BaseResponse | tuple[str, int]:
    """The preview of a kept upload (GET), and its all-or-nothing apply (POST from the Apply button)."""
    region = get_region(slug)
    kept = _kept_upload(region, token)
    if kept is None:
        flash(_("That upload is no longer kept; choose the file again."), "error")
        return redirect(url_for("imports.upload", slug=region.slug))
    data, note = kept
    form = ApplyForm(data=note["options"])
    options = ImportOptions(**note["options"])
    submitted = form.is_submitted()
    valid = submitted and form.validate()
    if valid:  # the choices under the preview win over those made at upload
        options = replace(options, skip_invalid=form.skip_invalid.data, allow_duplicates=form.allow_duplicates.data)
    report = preview_import(db_session, region, read_venue_file(data, note["format"]), options)
    if not valid:
        return _render_preview(region, report, form, note, 400 if submitted else 200)
    try:
        apply_import(db_session, region, report)
    except ImportBlocked:
        db_session.rollback()
        flash(_("Nothing was imported: some rows are rejected or probable duplicates."), "error")
        return _render_preview(region, report, form, note, 422)
    except ImportConflict as exc:
        db_session.rollback()
        flash(str(exc), "error")
        return _render_preview(region, report, form, note, 409)
    db_session.commit()
    _upload_path(token).unlink(missing_ok=True)
    _upload_path(token, ".json").unlink(missing_ok=True)
    flash(report.summary(), "success")
    return redirect(url_for("regions.region", slug=region.slug))


@bp.app_template_filter("import_value")
def import_value(value: Any) -> str:
    """A value in the preview's list of changes: JSON for hours and sources, a dash for empty."""
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _render_preview(
    region: Region, report: ImportReport, form: ApplyForm, note: dict[str, Any], status: int = 200
) -> tuple[str, int]:
    page = render_template("imports/preview.html", region=region, report=report, form=form, filename=note["filename"])
    return page, status


def _upload_path(token: str, suffix: str = ".upload") -> Path:
    folder = current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    return Path(folder) / f"{token}{suffix}"


def _keep_upload(region: Region, data: bytes, note: dict[str, Any]) -> str:
    """Keep an uploaded file and its note under a new random token; sweep old ones."""
    folder = _upload_path("x").parent
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    _upload_path(token).write_bytes(data)
    _upload_path(token, ".json").write_text(json.dumps({**note, "region": region.slug}), encoding="utf-8")
    return token


def _kept_upload(region: Region, token: str) -> tuple[bytes, dict[str, Any]] | None:
    """The kept file and its note; None once swept. 404 for a malformed token or another region's upload."""
    if not _TOKEN.match(token):
        abort(404)
    try:
        note = json.loads(_upload_path(token, ".json").read_text(encoding="utf-8"))
        data = _upload_path(token).read_bytes()
    except FileNotFoundError:
        return None
    if note.get("region") != region.slug:
        abort(404)
    return data, note
