"""Turn an imported file into venue rows: flat venue columns with typed values, ready for `venue_values`.

Every format is mapped onto the flat columns the venue export writes (planner/io/venue_export.py
`VENUE_COLUMNS`), so an exported file imports unchanged. KML and GPX have few fields of their own: a
placemark's name and description, a waypoint's name, desc, type and link map onto name_en, description_en,
category and website; KML ExtendedData may carry any other column by name.

Text cells are converted by the column's kind. A cell that cannot be converted is passed on as written, so
`venue_values` (the one set of venue rules) rejects it with its own message; only JSON that does not parse is
reported here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from planner.io.readers import READERS, ImportFileError, SourceRow
from planner.io.records import CATEGORIES
from planner.io.venue_export import VENUE_COLUMNS, Kind

FORMATS = tuple(READERS)
EXTENSIONS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".gpx": "gpx"}
NESTED = ("name", "description", "admission", "experience")
"""Mappings of the seed form (data/SCHEMA.md) that GeoJSON properties may use instead of flat columns."""

ALIASES = {
    "kml": {"name": "name_en", "description": "description_en"},
    "gpx": {"name": "name_en", "desc": "description_en", "type": "category", "link": "website"},
}
BOOKKEEPING = {"id", "version", "region", "updated_at", "created_at"}
"""Properties of the API's GeoJSON that are not venue facts; ignored so that file imports too."""

HOURS_EXAMPLE = '{"weekly": {"daily": ["09:00-17:00"], "mon": "closed"}}'
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_URL_SEPARATOR = re.compile(r"\s+\|\s+|\s*[\r\n]+\s*")


@dataclass
class VenueRow:
    """One record of an import file as venue columns (only those the file gives), and where it is."""

    position: str
    index: int
    line: int | None
    fields: dict[str, Any]
    """Typed values of the columns the file gives; None means the file gives the column empty."""
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class VenueFile:
    """The rows of an import file, its format and encoding, and what was ignored in it."""

    format: str
    encoding: str
    rows: list[VenueRow]
    warnings: list[str] = field(default_factory=list)

    @property
    def names_one_language(self) -> bool:
        """KML and GPX name a place once: that name may stand for the local name too."""
        return self.format in ("kml", "gpx")


def format_from_filename(filename: str) -> str:
    """The import format an extension stands for.

    :raise ImportFileError: when the extension is not one of the known ones.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    hint = " (save the sheet as 'CSV UTF-8')" if suffix in (".xlsx", ".xls", ".ods") else ""
    raise ImportFileError(
        f"cannot tell the format of {PurePath(filename).name!r} from its extension{hint}: "
        f"choose one of {', '.join(FORMATS)}"
    )


def read_venue_file(data: bytes, fmt: str) -> VenueFile:
    """Read an import file of format `fmt` into venue rows.

    :raise ImportFileError: when the file as a whole cannot be read, or holds no records.
    """
    if fmt not in READERS:
        raise ImportFileError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    source = READERS[fmt](data)
    if not source.rows:
        raise ImportFileError(f"the file holds no venues (no {_RECORD_NAMES[fmt]})")
    ignored: dict[str, int] = {}
    rows = [_venue_row(row, ALIASES.get(fmt, {}), ignored) for row in source.rows]
    warnings = [
        f"{name!r} is not a venue field and was ignored ({count} row{'s' if count > 1 else ''})"
        for name, count in ignored.items()
    ]
    return VenueFile(fmt, source.encoding, rows, warnings)


_RECORD_NAMES = {"csv": "rows under the header", "geojson": "features", "kml": "Placemarks", "gpx": "<wpt> waypoints"}


def _venue_row(source: SourceRow, aliases: Mapping[str, str], ignored: dict[str, int]) -> VenueRow:
    row = VenueRow(source.position, source.index, source.line, {}, list(source.errors))
    for key, value in _flatten(source.fields).items():
        name = aliases.get(key, key)
        if name in VENUE_COLUMNS:
            _set(row, name, value)
        elif name not in BOOKKEEPING:
            ignored[key] = ignored.get(key, 0) + 1
    if source.point is not None:
        lat, lon = source.point
        given = row.fields.get("lat"), row.fields.get("lon")
        if given != (None, None) and given != (lat, lon):
            row.errors.append(("lat/lon", f"the fields say {given} but the geometry says ({lat}, {lon})"))
        row.fields["lat"], row.fields["lon"] = lat, lon
    return row


def _flatten(fields: Mapping[Any, Any]) -> dict[str, Any]:
    """Normalise field names (case, spaces) and spread seed-form mappings: name.en -> name_en."""
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        name = re.sub(r"[\s-]+", "_", str(key).strip().lower())
        if name in NESTED and isinstance(value, Mapping):
            for sub, sub_value in value.items():
                flat[f"{name}_{sub}"] = sub_value
        else:
            flat[name] = value
    return flat


def _set(row: VenueRow, name: str, value: Any) -> None:
    kind = VENUE_COLUMNS[name]
    if isinstance(value, str):
        text = value.strip()
        if not text:
            row.fields[name] = None
            return
        if kind is Kind.JSON:
            try:
                row.fields[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                row.errors.append(
                    (name, f"is not valid JSON ({exc.msg} at character {exc.pos + 1}); write it like {HOURS_EXAMPLE}")
                )
            return
        if kind is Kind.URLS and not text.startswith("["):
            row.fields[name] = [url for url in _URL_SEPARATOR.split(text) if url]
            return
        if kind is Kind.URLS:
            try:
                row.fields[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                row.errors.append((name, f"starts with '[' but is not a JSON list of URLs ({exc.msg})"))
            return
        if name == "category":  # "Shrine temple" in a GPX <type> means shrine_temple
            known = re.sub(r"[\s-]+", "_", text.lower())
            text = known if known in CATEGORIES else text
        value = _convert(text, kind) if kind is not Kind.TEXT else text
    row.fields[name] = value


def _convert(text: str, kind: Kind) -> Any:
    """Convert a cell to its kind's value, or give the text back for `venue_values` to reject."""
    if kind is Kind.INTEGER and _INTEGER.match(text):
        return int(float(text))
    if kind is Kind.NUMBER:
        plain = text.replace(",", "") if _THOUSANDS.match(text) else text
        try:
            number = float(plain)
        except ValueError:
            return text
        return int(number) if _INTEGER.match(plain) else number
    if kind is Kind.BOOLEAN and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    return text


def nested_record(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The seed-form record (data/SCHEMA.md) of flat venue columns, leaving out empty ones."""
    given = {name: value for name, value in flat.items() if value is not None and name in VENUE_COLUMNS}
    record: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    for name, value in given.items():
        group, _, sub = name.partition("_")
        if group in NESTED and sub:
            groups.setdefault(group, {})[sub] = value
        else:
            record[name] = value
    record.update(groups)
    return record


def column_of(field_name: str) -> str:
    """The flat column a `venue_values` field name stands for: name.en -> name_en, sources[2] -> sources."""
    return re.sub(r"\[\d+\]$", "", field_name).replace(".", "_")


def slugify(text: str) -> str:
    """An ASCII slug of a name: 'Kenroku-en Garden' -> 'kenroku-en-garden' (letters without ASCII are dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    # A made-up slug is ours to shorten (unlike a given one): cut at a word boundary, room left for "-2".
    if len(slug) > 80:
        slug = slug[:80].rsplit("-", 1)[0]
    return slug
