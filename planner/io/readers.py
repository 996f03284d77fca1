"""Small readers for the files venues are imported from: CSV, GeoJSON, KML and GPX.

Each reader turns the bytes of one file into `SourceRow`s holding the file's own field names and values, each
with where it came from (line number, feature index). They know the formats, not venues: mapping fields to
venue columns is planner/io/venue_import.py's job. A problem with the file as a whole (not text, not the
format it claims, malformed) raises `ImportFileError` with a message that names the place and says why.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import etree

CSV_ENCODINGS = ("utf-8-sig", "cp949", "cp932")
"""What spreadsheets write: UTF-8 (Excel's "CSV UTF-8" adds a BOM), Korean Excel CP949, Japanese Excel CP932."""

ENCODING_LABELS = {"utf-8-sig": "UTF-8", "cp949": "CP949 (Korean)", "cp932": "Shift_JIS/CP932 (Japanese)"}
"""How encodings are named to people."""

# Parse untrusted XML without fetching or expanding anything: no external entities, DTDs or network.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""Largest upload over the web (IMPORT_MAX_BYTES overrides): thousands of venues fit; a photo archive does not."""


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says where and why."""


def read_upload(stream: BinaryIO, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """Read an uploaded file, refusing one larger than `limit` bytes without reading it all."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
        raise ImportFileError(f"the file is larger than {size}, the most an upload may be")
    return data


@dataclass
class SourceRow:
    """One record of a file: its fields as the file names them, and where it is."""

    position: str
    """Where, for people: "line 4", "feature 2", "placemark 3 (line 17)"."""
    index: int
    """1-based number of the record among the file's records."""
    line: int | None
    fields: dict[str, Any]
    """Field values: text for CSV, KML and GPX; JSON values for GeoJSON properties."""
    point: tuple[float, float] | None = None
    """(lat, lon) from the geometry, for formats that have one."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(field, reason) problems found while reading, e.g. a LineString where a Point is needed."""


@dataclass
class SourceFile:
    """The records of one file and the text encoding it was read with."""

    format: str
    encoding: str
    rows: list[SourceRow]


def decode_text(data: bytes, encodings: tuple[str, ...] = CSV_ENCODINGS) -> tuple[str, str]:
    """Decode a text file, trying `encodings`; return (text, the encoding's name for people).

    UTF-8 wins whenever it decodes, because other encodings' bytes almost never form valid UTF-8. CP949 and
    CP932 both decode much of each other's bytes without error, so among those that decode the one whose text
    has the fewest characters real Korean or Japanese text never has is chosen (see `_oddity`). A fixed, small
    candidate list was preferred to charset-normalizer's statistical guess: a short spreadsheet gives it little
    to go on and it may answer with an encoding no office software writes.

    :raise ImportFileError: naming the first undecodable byte's offset and line, or a binary file.
    """
    if not data.strip():
        raise ImportFileError("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("the file is UTF-16 text, which is not read here: save it as 'CSV UTF-8'")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ImportFileError(
            f"the file is not text (a NUL byte at byte offset {nul}, line {_line_at(data, nul)}); "
            "is it a spreadsheet (.xlsx) or an image? Save the sheet as 'CSV UTF-8'"
        )
    first_error: UnicodeDecodeError | None = None
    decoded: list[tuple[int, int, str, str]] = []
    for order, encoding in enumerate(encodings):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        if encoding.startswith("utf-8"):
            return text, "UTF-8 with BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
        decoded.append((_oddity(text, encoding), order, text, ENCODING_LABELS.get(encoding, encoding)))
    if not decoded:
        assert first_error is not None  # every candidate failed, so at least one error was kept
        offset = first_error.start
        names = ", ".join(ENCODING_LABELS.get(e, e) for e in encodings)
        raise ImportFileError(
            f"the file's encoding is not one of {names}: byte 0x{data[offset]:02x} at byte offset {offset} "
            f"(line {_line_at(data, offset)}) is not valid UTF-8; save it as 'CSV UTF-8'"
        )
    _, _, text, encoding = min(decoded)
    return text, encoding


def _oddity(text: str, encoding: str) -> int:
    """Count characters that text in the right encoding would hardly hold.

    Korean bytes read as CP932 turn into half-width katakana; Japanese bytes read as CP949 turn into Hangul
    syllables outside the 2,350 of KS X 1001 that Korean text uses; either may give control characters.
    Rare kanji can read as hanja in CP949, so Korean without a single Hangul syllable counts as odd too.
    """
    odd = int(encoding == "cp949" and not any("\uac00" <= char <= "\ud7a3" for char in text))
    for char in text:
        if char < "\x80":
            continue
        code = ord(char)
        if 0xFF61 <= code <= 0xFF9F:
            odd += 1
        elif 0xAC00 <= code <= 0xD7A3:
            raw = char.encode("cp949")
            odd += not (0xB0 <= raw[0] <= 0xC8 and raw[1] >= 0xA1)
        elif unicodedata.category(char) in ("Cc", "Co", "Cn"):
            odd += 1
    return odd


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_csv(data: bytes) -> SourceFile:
    """Read a CSV file with a header row; each later non-blank row becomes a record keyed by header name."""
    text, encoding = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[SourceRow] = []
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError("line 1: the first row must be a header naming the columns (slug, name_en, ...)")
        names = [cell.strip() or f"column {number}" for number, cell in enumerate(header, start=1)]
        for name in names:
            if names.count(name) > 1:
                raise ImportFileError(f"line 1: column {name!r} appears more than once in the header")
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue  # blank rows (spreadsheets often end with some) hold no venue
            row = SourceRow(f"line {line}", len(rows) + 1, line, dict(zip(names, cells, strict=False)))
            if len(cells) > len(names):
                row.errors.append(
                    (
                        "row",
                        f"has {len(cells)} cells but the header names {len(names)}: a value holding a comma "
                        "needs double quotes around it",
                    )
                )
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: not valid CSV: {exc}") from exc
    return SourceFile("csv", encoding, rows)


def read_geojson(data: bytes) -> SourceFile:
    """Read a GeoJSON FeatureCollection (or one Feature); each feature becomes a record of its properties."""
    text, encoding = decode_text(data, ("utf-8-sig",))  # RFC 8259: JSON exchanged between systems is UTF-8
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    except RecursionError as exc:
        raise ImportFileError("not usable JSON: nested too deeply") from exc
    kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    if kind == "Feature":
        features = [doc]
    elif kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    else:
        raise ImportFileError(f"GeoJSON must be a FeatureCollection or a Feature; this file holds a {kind!r}")
    rows = []
    for index, feature in enumerate(features, start=1):
        row = SourceRow(f"feature {index}", index, None, {})
        rows.append(row)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            row.errors.append(("feature", "is not a GeoJSON Feature object"))
            continue
        properties = feature.get("properties")
        if isinstance(properties, dict):
            row.fields = properties
        elif properties is not None:
            row.errors.append(("properties", "must be a JSON object"))
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            row.errors.append(("geometry", "missing: a venue needs a Point"))
        elif geometry.get("type") != "Point":
            row.errors.append(("geometry", f"is a {geometry.get('type')}; only Point features are venues"))
        else:
            row.point = _position(geometry.get("coordinates"), row)
    return SourceFile("geojson", encoding, rows)


def _position(coordinates: Any, row: SourceRow) -> tuple[float, float] | None:
    """(lat, lon) from a GeoJSON position [lon, lat(, altitude)]."""
    if (
        isinstance(coordinates, list)
        and len(coordinates) in (2, 3)
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
    ):
        return float(coordinates[1]), float(coordinates[0])
    row.errors.append(("geometry", f"coordinates {coordinates!r} are not a position [lon, lat]"))
    return None


def _parse_xml(data: bytes, root_name: str) -> Any:
    if not data.strip():
        raise ImportFileError("the file is empty")
    try:
        root = etree.fromstring(data, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ImportFileError(f"not well-formed XML: {exc.msg} (line {exc.lineno})") from exc
    name = etree.QName(root).localname
    if name != root_name:
        raise ImportFileError(f"the root element is <{name}>, not <{root_name}>: is this the right format?")
    return root


def _xml_encoding(root: Any) -> str:
    return str(root.getroottree().docinfo.encoding or "UTF-8")


def _text_of(element: Any) -> str:
    return "".join(element.itertext()).strip()


def read_kml(data: bytes) -> SourceFile:
    """Read a KML file's Placemarks (in any folder): name, description, ExtendedData and a Point."""
    root = _parse_xml(data, "kml")
    rows = []
    for index, placemark in enumerate(root.iter("{*}Placemark"), start=1):
        line = placemark.sourceline
        row = SourceRow(f"placemark {index} (line {line})", index, line, {})
        rows.append(row)
        for tag in ("name", "description"):
            child = placemark.find(f"{{*}}{tag}")
            if child is not None:
                row.fields[tag] = _text_of(child)
        for data_el in placemark.iterfind("{*}ExtendedData/{*}Data"):
            value = data_el.find("{*}value")
            row.fields[data_el.get("name", "")] = _text_of(value) if value is not None else ""
        for simple in placemark.iterfind("{*}ExtendedData/{*}SchemaData/{*}SimpleData"):
            row.fields[simple.get("name", "")] = _text_of(simple)
        point = placemark.find("{*}Point/{*}coordinates")
        if point is not None:
            row.point = _kml_point(_text_of(point), row)
            continue
        children = [etree.QName(el).localname for el in placemark if isinstance(el.tag, str)]
        shapes = [name for name in children if name in _KML_GEOMETRIES]
        reason = f"is a {shapes[0]}; only Point placemarks are venues" if shapes else "missing: a venue needs a Point"
        row.errors.append(("geometry", reason))
    return SourceFile("kml", _xml_encoding(root), rows)


_KML_GEOMETRIES = {"LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack", "Model"}


def _kml_point(text: str, row: SourceRow) -> tuple[float, float] | None:
    """(lat, lon) from KML coordinates "lon,lat[,alt]"."""
    parts = text.split(",")
    try:
        if len(parts) in (2, 3):
            return float(parts[1]), float(parts[0])
    except ValueError:
        pass
    row.errors.append(("geometry", f"Point coordinates {text!r} are not 'lon,lat' numbers"))
    return None


def read_gpx(data: bytes) -> SourceFile:
    """Read a GPX file's waypoints (<wpt>): lat/lon, name, desc, type and the first link (tracks are not venues)."""
    root = _parse_xml(data, "gpx")
    rows = []
    for index, waypoint in enumerate(root.iterfind("{*}wpt"), start=1):
        line = waypoint.sourceline
        row = SourceRow(f"waypoint {index} (line {line})", index, line, {})
        rows.append(row)
        for tag in ("name", "desc", "type"):
            child = waypoint.find(f"{{*}}{tag}")
            if child is not None:
                row.fields[tag] = _text_of(child)
        link = waypoint.find("{*}link")
        if link is not None and link.get("href"):
            row.fields["link"] = link.get("href")
        try:
            row.point = float(waypoint.get("lat", "")), float(waypoint.get("lon", ""))
        except ValueError:
            row.errors.append(("lat/lon", f"({waypoint.get('lat')!r}, {waypoint.get('lon')!r}) are not numbers"))
    return SourceFile("gpx", _xml_encoding(root), rows)


READERS = {"csv": read_csv, "geojson": read_geojson, "kml": read_kml, "gpx": read_gpx}
