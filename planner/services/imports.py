"""Import venues into a region: a preview of every row (create, update, unchanged, reject, duplicate), then an
all-or-nothing apply.

A row whose slug is a venue of the region updates that venue (only the fields the file gives; the result is
validated as a whole). A row with a new slug that lies within `DUPLICATE_METRES` of a venue (or of an earlier
row) with a similar name is a probable duplicate and is not created unless duplicates are allowed. Any
rejected row or probable duplicate stops the whole import unless invalid rows are skipped; the surfaces
commit only after `apply_import` returns.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from planner.core.geo import geodesic_m
from planner.db.models import Region, Venue
from planner.io.records import FieldErrors, venue_values
from planner.io.venue_export import venue_row
from planner.io.venue_import import VenueFile, VenueRow, column_of, nested_record, read_venue_file, slugify

DUPLICATE_METRES = 30.0
NAME_SIMILARITY = 0.8
ACTIONS = ("create", "update", "unchanged", "reject", "duplicate")


class ImportBlocked(Exception):
    """Rows were rejected (or are probable duplicates) and invalid rows are not to be skipped: nothing written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report


class ImportConflict(Exception):
    """The venues changed in the database while importing (another user or process); nothing written."""


@dataclass(frozen=True)
class ImportOptions:
    """How to treat problem rows, and defaults for fields a row leaves out (KML and GPX rarely carry them)."""

    skip_invalid: bool = False
    allow_duplicates: bool = False
    category: str | None = None
    source: str | None = None


@dataclass
class Change:
    """One field an update changes."""

    field: str
    old: Any
    new: Any


@dataclass
class RowResult:
    """What importing one row does, and why."""

    position: str
    index: int
    line: int | None
    action: str
    slug: str | None = None
    name: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(column, reason) pairs: why the row is rejected or flagged as a duplicate."""
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things done for the row that the file did not say, e.g. a slug made from the name."""
    values: dict[str, Any] | None = field(default=None, repr=False)
    venue_id: int | None = field(default=None, repr=False)

    @property
    def is_problem(self) -> bool:
        """Rejected or a probable duplicate: it stops the import unless invalid rows are skipped."""
        return self.action in ("reject", "duplicate")

    def to_dict(self) -> dict[str, Any]:
        """The row's outcome as JSON."""
        return {
            "position": self.position,
            "index": self.index,
            "line": self.line,
            "action": self.action,
            "slug": self.slug,
            "name": self.name,
            "errors": [{"field": name, "message": message} for name, message in self.errors],
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
            "notes": self.notes,
        }


@dataclass
class ImportReport:
    """The outcome of every row of one import file, and whether it was written."""

    region: str
    format: str
    encoding: str
    options: ImportOptions
    rows: list[RowResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    def count(self, action: str) -> int:
        """How many rows have `action`."""
        return sum(row.action == action for row in self.rows)

    @property
    def blocked(self) -> bool:
        """Some row is rejected or a probable duplicate and invalid rows are not to be skipped."""
        return not self.options.skip_invalid and any(row.is_problem for row in self.rows)

    def summary(self) -> str:
        """One line: what was (or would be) done."""
        problems = f"{self.count('reject')} rejected, {self.count('duplicate')} probable duplicates"
        if self.applied:
            skipped = f"; skipped {problems}" if any(row.is_problem for row in self.rows) else ""
            return (
                f"Imported into {self.region}: {self.count('create')} created, {self.count('update')} updated, "
                f"{self.count('unchanged')} unchanged{skipped}."
            )
        changes = (
            f"{self.count('create')} to create, {self.count('update')} to update, {self.count('unchanged')} unchanged"
        )
        if self.blocked:
            return (
                f"Nothing can be imported as it is: {problems} ({changes}). Fix those rows, or skip invalid rows "
                "(or allow probable duplicates)."
            )
        return f"Preview, nothing written yet: {changes}; {problems}."

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON (the API's answer)."""
        return {
            "region": self.region,
            "format": self.format,
            "encoding": self.encoding,
            "applied": self.applied,
            "blocked": self.blocked,
            "summary": self.summary(),
            "counts": {action: self.count(action) for action in ACTIONS},
            "warnings": self.warnings,
            "rows": [row.to_dict() for row in self.rows],
        }


def import_venues(
    session: Session, region: Region, data: bytes, fmt: str, options: ImportOptions, *, dry_run: bool
) -> ImportReport:
    """Read an import file, preview it against the region's venues and, unless `dry_run`, apply it (flushes).

    :raise ImportFileError: the file as a whole cannot be read.
    :raise ImportBlocked: rows were rejected and invalid rows are not to be skipped (nothing written).
    :raise ImportConflict: the venues changed in the database meanwhile (nothing written once rolled back).
    """
    report = preview_import(session, region, read_venue_file(data, fmt), options)
    if not dry_run:
        apply_import(session, region, report)
    return report


def preview_import(session: Session, region: Region, source: VenueFile, options: ImportOptions) -> ImportReport:
    """Judge every row of `source` against the region's venues without writing anything."""
    venues = list(session.scalars(select(Venue).where(Venue.region_id == region.id).order_by(Venue.id)))
    planner = _Preview(region, venues, source, options)
    report = ImportReport(region.slug, source.format, source.encoding, options, warnings=list(source.warnings))
    report.rows = [planner.judge(row) for row in source.rows]
    return report


def apply_import(session: Session, region: Region, report: ImportReport) -> None:
    """Write the rows a preview would create or update, all in the session's transaction (flushes only).

    :raise ImportBlocked: when the report is blocked; nothing is written.
    :raise ImportConflict: when a venue was created or changed meanwhile by someone else.
    """
    if report.blocked:
        raise ImportBlocked(report)
    for row in report.rows:
        if row.action == "create":
            assert row.values is not None  # every create row was validated
            session.add(Venue(region=region, edited_in_app=True, **row.values))
        elif row.action == "update":
            venue = session.get(Venue, row.venue_id)
            assert venue is not None and row.values is not None
            for change in row.changes:
                setattr(venue, change.field, row.values[change.field])
            venue.edited_in_app = True  # `planner seed` then keeps the imported facts unless --force
    try:
        session.flush()
    except (IntegrityError, StaleDataError) as exc:
        raise ImportConflict(
            "the region's venues changed while importing (someone else added or edited one); "
            "nothing was imported: preview the file again"
        ) from exc
    report.applied = True


@dataclass
class _Placed:
    """A venue or an earlier row, as the duplicate check sees it."""

    label: str
    lat: float
    lon: float
    names: list[str]


class _Preview:
    """The judging of one file's rows in order, remembering slugs and places seen so far."""

    def __init__(self, region: Region, venues: list[Venue], source: VenueFile, options: ImportOptions) -> None:
        self.region = region
        self.by_slug = {venue.slug: venue for venue in venues}
        self.options = options
        self.one_name = source.names_one_language
        self.places = [
            _Placed(f"venue {v.slug}", v.lat, v.lon, _names(v.name_en, v.name_local, v.name_ko)) for v in venues
        ]
        self.slug_rows: dict[str, str] = {}
        self.taken = set(self.by_slug) | {
            row.fields["slug"] for row in source.rows if isinstance(row.fields.get("slug"), str)
        }

    def judge(self, row: VenueRow) -> RowResult:
        result = RowResult(row.position, row.index, row.line, "reject", errors=list(row.errors))
        flat = dict(row.fields)
        slug = flat.get("slug")
        venue = self.by_slug.get(slug) if isinstance(slug, str) else None
        if venue is not None:
            flat = {**venue_row(venue), **flat}
        else:
            self._fill_defaults(flat, result)
        result.slug = flat.get("slug") if isinstance(flat.get("slug"), str) else None
        result.name = str(flat.get("name_en") or flat.get("name_local") or "") or None
        if result.slug in self.slug_rows:
            result.errors.append(
                ("slug", f"'{result.slug}' is also used by {self.slug_rows[result.slug]}: a venue may appear once")
            )
        elif result.slug:
            self.slug_rows[result.slug] = row.position
        if any(name == "feature" for name, _ in row.errors):
            return result  # not a Feature at all: its fields would only repeat that
        try:
            values = venue_values(nested_record(flat), self.region.currency)
        except FieldErrors as exc:
            # A field already judged while reading (or a geometry that gave no position) is not judged twice
            judged = {name for name, _ in result.errors}
            if "geometry" in judged:
                judged.add("lat/lon")
            for name, message in _column_errors(exc):
                if name in _DEFAULTABLE and not flat.get(name):
                    message = f"not given: add it to the file, or give the import a default {_DEFAULTABLE[name]}"
                if name not in judged:
                    result.errors.append((name, message))
            values = None
        if result.errors or values is None:
            return result
        result.values = values
        if venue is not None:
            result.venue_id = venue.id
            result.changes = [
                Change(name, getattr(venue, name), value)
                for name, value in values.items()
                if getattr(venue, name) != value
            ]
            result.action = "update" if result.changes else "unchanged"
            return result
        return self._judge_new(result, values)

    def _fill_defaults(self, flat: dict[str, Any], result: RowResult) -> None:
        """Fill what a new row leaves out and can be made up safely, noting each in the preview."""
        if not flat.get("slug"):
            name = flat.get("name_en")
            base = slugify(name) if isinstance(name, str) else ""
            if base:
                slug = base
                number = 2
                while slug in self.taken:
                    slug, number = f"{base}-{number}", number + 1
                self.taken.add(slug)
                flat["slug"] = slug
                result.notes.append(f"slug: not given; made from the English name: {slug}")
            else:
                result.errors.append(("slug", "not given, and there is no English (Latin-letter) name to make one"))
        if flat.get("category") is None and self.options.category:
            flat["category"] = self.options.category
            result.notes.append(f"category: not given; the import's default {self.options.category} is used")
        if not flat.get("sources") and self.options.source:
            flat["sources"] = [self.options.source]
            result.notes.append(f"sources: not given; the import's default {self.options.source} is used")
        if self.one_name and flat.get("name_local") is None and flat.get("name_en"):
            flat["name_local"] = flat["name_en"]
            result.notes.append("name_local: not given; the file's one name is used for it too")

    def _judge_new(self, result: RowResult, values: dict[str, Any]) -> RowResult:
        place = _Placed(
            result.position,
            values["lat"],
            values["lon"],
            _names(values["name_en"], values["name_local"], values["name_ko"]),
        )
        match = next((other for other in self.places if _is_same_place(place, other)), None)
        self.places.append(place)
        if match is None:
            result.action = "create"
            return result
        metres = geodesic_m((place.lat, place.lon), (match.lat, match.lon))
        reason = f"probably the same place as {match.label} ({metres:.0f} m away, similar name)"
        if self.options.allow_duplicates:
            result.action = "create"
            result.notes.append(f"{reason}; created anyway because duplicates are allowed")
        else:
            result.action = "duplicate"
            result.errors.append(("name", reason))
        return result


_DEFAULTABLE = {"category": "category", "sources": "source URL"}
"""Fields an import may give a default for (KML and GPX rarely carry them)."""


def _column_errors(exc: FieldErrors) -> list[tuple[str, str]]:
    """`venue_values` messages under the import's column names (name.en -> name_en)."""
    out = []
    for name, message in exc.errors:
        item = re.search(r"\[(\d+)\]$", name)
        out.append((column_of(name), f"item {int(item.group(1)) + 1}: {message}" if item else message))
    return out


def _names(*names: str | None) -> list[str]:
    return [n for n in (normalise_name(name) for name in names if name) if n]


def normalise_name(name: str) -> str:
    """A name for comparing: full/half width unified, case folded, spaces and punctuation dropped."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch).startswith("P")))


def is_similar_name(a: str, b: str) -> bool:
    """Normalised names alike: one holds the other, or difflib's ratio is at least `NAME_SIMILARITY`."""
    if min(len(a), len(b)) >= 2 and (a in b or b in a):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _is_same_place(a: _Placed, b: _Placed) -> bool:
    # A cheap box first: a degree of latitude is at least 110 km, so 0.001 degree is over 30 m everywhere.
    if abs(a.lat - b.lat) > 0.001 or abs(a.lon - b.lon) > 0.001 / max(math.cos(math.radians(a.lat)), 0.01):
        return False
    if geodesic_m((a.lat, a.lon), (b.lat, b.lon)) >= DUPLICATE_METRES:
        return False
    return any(is_similar_name(x, y) for x in a.names for y in b.names)
