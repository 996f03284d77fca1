"""GET /api/v1/regions/<slug>/venues.csv and POST /api/v1/regions/<slug>/venues/import.

The import answers with the whole report (every row's action, fields and reasons): 200 for a dry run (the
default, so a POST never writes by accident) or a done import, 422 when rows are rejected and invalid rows
are not skipped (nothing written), 400 when the file as a whole cannot be read, 409 when the venues changed
meanwhile.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint, abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from planner.db.models import Region
from planner.db.session import db_session
from planner.io.readers import MAX_UPLOAD_BYTES, ImportFileError, read_upload
from planner.io.records import CATEGORIES
from planner.io.venue_export import MEDIA_TYPES, export_venues, region_venues
from planner.io.venue_import import FORMATS, format_from_filename
from planner.services.imports import ImportBlocked, ImportConflict, ImportOptions, import_venues
from planner.services.venues import region_by_slug

blp = Blueprint("venue_exchange_api", __name__, url_prefix="/api/v1", description="Venue export and import")


class ImportQuerySchema(Schema):
    dry_run = fields.Boolean(load_default=True, metadata={"description": "preview only (the default)"})
    skip_invalid = fields.Boolean(load_default=False, metadata={"description": "import the good rows only"})
    allow_duplicates = fields.Boolean(load_default=False, metadata={"description": "create probable duplicates"})
    format = fields.String(
        load_default=None, validate=validate.OneOf(FORMATS), metadata={"description": "default: from the file name"}
    )
    category = fields.String(
        load_default=None, validate=validate.OneOf(CATEGORIES), metadata={"description": "for rows without one"}
    )
    source = fields.Url(
        load_default=None,
        schemes={"http", "https"},
        require_tld=False,
        metadata={"description": "for rows without sources"},
    )


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "a CSV, GeoJSON, KML or GPX file"})


def _region(slug: str) -> Region:
    region = region_by_slug(db_session, slug)
    if region is None:
        abort(404, message=f"no region {slug!r}")
    assert region is not None  # abort raised
    return region


@blp.route("/regions/<slug>/venues.csv")
@blp.response(200, description="CSV (UTF-8 with BOM), one column per venue field", content_type="text/csv")
def get_region_venues_csv(slug: str) -> Any:
    """The region's venues as CSV: the same columns the import reads."""
    region = _region(slug)
    data = export_venues(region_venues(db_session, region), "csv")
    disposition = f'attachment; filename="{region.slug}-venues.csv"'
    return Response(data, content_type=MEDIA_TYPES["csv"], headers={"Content-Disposition": disposition})


@blp.route("/regions/<slug>/venues/import", methods=["POST"])
@blp.arguments(ImportQuerySchema, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, description="The import report: counts, warnings and every row's action and reasons")
@blp.alt_response(400, description="The file as a whole cannot be read")
@blp.alt_response(422, description="Rows were rejected; nothing was written (the report is in `report`)")
def post_region_venues_import(query: dict[str, Any], files: dict[str, Any], slug: str) -> Any:
    """Preview (dry_run, the default) or import venues from a file: all rows or none unless skip_invalid."""
    region = _region(slug)
    upload = files["file"]
    options = ImportOptions(query["skip_invalid"], query["allow_duplicates"], query["category"], query["source"])
    try:
        fmt = query["format"] or format_from_filename(upload.filename or "")
        data = read_upload(upload.stream, current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES))
        report = import_venues(db_session, region, data, fmt, options, dry_run=query["dry_run"])
    except ImportFileError as exc:
        abort(400, message=f"the file cannot be read: {exc}", errors={"file": [str(exc)]})
    except ImportBlocked as exc:
        db_session.rollback()
        return {"message": exc.report.summary(), "report": exc.report.to_dict()}, 422
    except ImportConflict as exc:
        db_session.rollback()
        abort(409, message=str(exc))
    if query["dry_run"]:
        db_session.rollback()
    else:
        db_session.commit()
    return report.to_dict()
