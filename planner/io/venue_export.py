"""Export a region's venues as GeoJSON (RFC 7946) or CSV, in the flat form the venue import reads back.

Both formats carry every venue fact under the flat column names of `VENUE_COLUMNS`, so an export imported into
another database and exported again gives the same bytes. Database bookkeeping (id, version, timestamps, seed
digest) is left out on purpose: it is not a fact about the venue and differs between databases.

CSV choices: UTF-8 with a byte-order mark, so Excel opens Korean and Japanese text correctly; `hours` is a JSON
text cell (its keys keep their order, which matters: a later key overrides an earlier one); `sources` are joined
by " | " (readable in a spreadsheet and unambiguous, since a URL never contains spaces); booleans are written
true/false; whole-number prices are written without ".0".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db.models import Region, Venue


class Kind(StrEnum):
    """How a column's value is written as text (CSV) and read back."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    JSON = "json"
    URLS = "urls"


VENUE_COLUMNS: dict[str, Kind] = {
    "slug": Kind.TEXT,
    "category": Kind.TEXT,
    "name_en": Kind.TEXT,
    "name_local": Kind.TEXT,
    "name_ko": Kind.TEXT,
    "address": Kind.TEXT,
    "lat": Kind.NUMBER,
    "lon": Kind.NUMBER,
    "coordinates": Kind.TEXT,
    "coordinates_note": Kind.TEXT,
    "visit_minutes": Kind.INTEGER,
    "hours": Kind.JSON,
    "admission_price": Kind.NUMBER,
    "admission_currency": Kind.TEXT,
    "experience_offered": Kind.BOOLEAN,
    "experience_name": Kind.TEXT,
    "experience_minutes": Kind.INTEGER,
    "experience_price": Kind.NUMBER,
    "experience_currency": Kind.TEXT,
    "experience_capacity": Kind.INTEGER,
    "experience_booking_required": Kind.BOOLEAN,
    "experience_contact": Kind.TEXT,
    "website": Kind.TEXT,
    "phone": Kind.TEXT,
    "description_en": Kind.TEXT,
    "description_ko": Kind.TEXT,
    "access_notes": Kind.TEXT,
    "sources": Kind.URLS,
}
"""Every venue fact, in export order: the CSV header and the GeoJSON property names."""

SOURCES_SEPARATOR = " | "
EXPORT_FORMATS = ("geojson", "csv")
MEDIA_TYPES = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8"}


def venue_row(venue: Venue) -> dict[str, Any]:
    """The venue's facts as a flat mapping of `VENUE_COLUMNS` to Python values."""
    row = {name: getattr(venue, name) for name in VENUE_COLUMNS}
    row["sources"] = list(venue.sources or [])
    return row


def venues_geojson(venues: Iterable[Venue]) -> str:
    """A GeoJSON FeatureCollection ([lon, lat] order) with every venue column as a property."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [venue.lon, venue.lat]},
            "properties": venue_row(venue),
        }
        for venue in venues
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


def venues_csv(venues: Iterable[Venue]) -> str:
    """A CSV text (starting with a byte-order mark) with one column per venue field and a header row."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(VENUE_COLUMNS)
    for venue in venues:
        row = venue_row(venue)
        writer.writerow(format_cell(row[name], kind) for name, kind in VENUE_COLUMNS.items())
    return out.getvalue()


def export_venues(venues: Iterable[Venue], fmt: str) -> bytes:
    """The venues as a file of format `fmt` ("geojson" or "csv"), UTF-8 encoded."""
    if fmt == "geojson":
        return venues_geojson(venues).encode("utf-8")
    if fmt == "csv":
        return venues_csv(venues).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")


def format_cell(value: Any, kind: Kind) -> str:
    """Write one value as CSV cell text (None is an empty cell)."""
    if value is None:
        return ""
    if kind is Kind.BOOLEAN:
        return "true" if value else "false"
    if kind is Kind.NUMBER and isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if kind is Kind.JSON:
        return json.dumps(value, ensure_ascii=False)
    if kind is Kind.URLS:
        return SOURCES_SEPARATOR.join(value)
    return str(value)


def export_format_of(filename: str) -> str | None:
    """The export format a file name's extension asks for, if any."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {"geojson": "geojson", "json": "geojson", "csv": "csv"}.get(suffix)


def region_venues(session: Session, region: Region) -> list[Venue]:
    """The region's venues in slug order, so exports are stable and diff well."""
    return list(session.scalars(select(Venue).where(Venue.region_id == region.id).order_by(Venue.slug)))
