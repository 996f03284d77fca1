"""Validate one venue written in the seed/import form (data/SCHEMA.md) into model column values.

Every reader (YAML seed, CSV, GeoJSON, KML, GPX imports) ends here, so a venue is judged by one set of rules
and every message names the field and says why in words a person understands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.core.geo import as_latlon
from planner.core.hours import HoursError, parse_hours

CATEGORIES = (
    "tea_house",
    "historic_district",
    "pottery",
    "gold_leaf",
    "textile",
    "lacquer",
    "metal",
    "paper",
    "confectionery",
    "market",
    "museum",
    "gallery",
    "garden",
    "shrine_temple",
    "heritage_site",
    "workshop",
    "shop",
    "meeting_venue",
    "lodging",
    "transport_hub",
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
SLUG_LIMIT = 100  # Venue.slug is VARCHAR(100); PostgreSQL would refuse a longer one mid-transaction

VENUE_KEYS = {
    "slug",
    "category",
    "name",
    "address",
    "lat",
    "lon",
    "coordinates",
    "coordinates_note",
    "visit_minutes",
    "hours",
    "admission",
    "experience",
    "website",
    "phone",
    "description",
    "access_notes",
    "sources",
}


@dataclass
class FieldErrors(Exception):
    """Every problem found in one record: (field, message) pairs."""

    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        """Record a problem with field `name`."""
        self.errors.append((name, message))

    def __str__(self) -> str:
        return "; ".join(f"{name}: {message}" for name, message in self.errors)


def venue_values(record: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """Validate a venue record and return its Venue column values.

    :raise FieldErrors: listing every invalid field (not just the first).
    """
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for key in sorted(set(record) - VENUE_KEYS):
        errors.add(key, "unknown field (see data/SCHEMA.md)")

    slug = record.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        errors.add("slug", "required: lower-case letters, digits and single hyphens, e.g. kenroku-en")
    elif len(slug) > SLUG_LIMIT:
        errors.add("slug", f"is {len(slug)} characters long; at most {SLUG_LIMIT} are kept (nothing is cut silently)")
    values["slug"] = slug
    category = record.get("category")
    if category not in CATEGORIES:
        errors.add("category", f"{category!r} is not one of: {', '.join(CATEGORIES)}")
    values["category"] = category

    name = record.get("name")
    if not isinstance(name, Mapping):
        errors.add("name", "required: a mapping with en and local (and ko) names")
        name = {}
    for lang, required in (("en", True), ("local", True), ("ko", False)):
        text = _text(name.get(lang), f"name.{lang}", errors, required=required, limit=200)
        values[f"name_{lang}"] = text

    lat, lon = record.get("lat"), record.get("lon")
    position = as_latlon(lat, lon)
    if position is None:
        errors.add("lat/lon", f"({lat!r}, {lon!r}) is not a WGS84 position: lat in -90..90, lon in -180..180")
    else:
        values["lat"], values["lon"] = position
    coordinates = record.get("coordinates", "approximate")
    if coordinates not in ("cited", "approximate"):
        errors.add("coordinates", f"{coordinates!r} must be 'cited' or 'approximate'")
    values["coordinates"] = coordinates
    values["coordinates_note"] = _text(record.get("coordinates_note"), "coordinates_note", errors)
    values["address"] = _text(record.get("address"), "address", errors, limit=300)

    hours = record.get("hours")
    try:
        parse_hours(hours)
        values["hours"] = _jsonable(hours) if hours is not None else None
    except HoursError as exc:
        errors.add("hours", str(exc))
    values["visit_minutes"] = _minutes(record.get("visit_minutes"), "visit_minutes", errors)

    admission = record.get("admission")
    values["admission_price"], values["admission_currency"] = None, None
    if admission is not None:
        if not isinstance(admission, Mapping):
            errors.add("admission", "must be a mapping with price (and currency)")
        else:
            values["admission_price"] = _price(admission.get("price"), "admission.price", errors)
            values["admission_currency"] = _currency(admission.get("currency"), currency, "admission.currency", errors)

    values.update(_experience(record.get("experience"), currency, errors))
    values["website"] = _url(record.get("website"), "website", errors)
    values["phone"] = _text(record.get("phone"), "phone", errors, limit=64)
    description = record.get("description") or {}
    if not isinstance(description, Mapping):
        errors.add("description", "must be a mapping with en and/or ko text")
        description = {}
    values["description_en"] = _text(description.get("en"), "description.en", errors)
    values["description_ko"] = _text(description.get("ko"), "description.ko", errors)
    values["access_notes"] = _text(record.get("access_notes"), "access_notes", errors)

    sources = record.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.add("sources", "required: a list of the URLs the facts come from")
        sources = []
    values["sources"] = [_url(s, f"sources[{i}]", errors) for i, s in enumerate(sources)]
    if errors.errors:
        raise errors
    return values


def _experience(exp: object, currency: str, errors: FieldErrors) -> dict[str, Any]:
    out: dict[str, Any] = {
        "experience_offered": False,
        "experience_name": None,
        "experience_minutes": None,
        "experience_price": None,
        "experience_currency": None,
        "experience_capacity": None,
        "experience_booking_required": None,
        "experience_contact": None,
    }
    if exp is None:
        return out
    if not isinstance(exp, Mapping):
        errors.add("experience", "must be a mapping (offered, name, minutes, price, capacity, ...)")
        return out
    offered = exp.get("offered", True)
    if not isinstance(offered, bool):
        errors.add("experience.offered", "must be true or false")
    out["experience_offered"] = bool(offered)
    out["experience_name"] = _text(exp.get("name"), "experience.name", errors, limit=200)
    out["experience_minutes"] = _minutes(exp.get("minutes"), "experience.minutes", errors)
    out["experience_price"] = _price(exp.get("price"), "experience.price", errors)
    if exp.get("price") is not None:
        out["experience_currency"] = _currency(exp.get("currency"), currency, "experience.currency", errors)
    capacity = exp.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1):
        errors.add("experience.capacity", f"{capacity!r} must be a whole number of people, 1 or more")
    else:
        out["experience_capacity"] = capacity
    booking = exp.get("booking_required")
    if booking is not None and not isinstance(booking, bool):
        errors.add("experience.booking_required", "must be true or false")
    out["experience_booking_required"] = booking
    out["experience_contact"] = _text(exp.get("contact"), "experience.contact", errors, limit=300)
    return out


def _text(value: object, name: str, errors: FieldErrors, *, required: bool = False, limit: int = 10000) -> str | None:
    if value is None or value == "":
        if required:
            errors.add(name, "required")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        errors.add(name, f"must be text, got {value!r}")
        return None
    text = str(value).strip()
    if len(text) > limit:
        errors.add(name, f"is {len(text)} characters long; at most {limit} are kept (nothing is cut silently)")
    return text


def _minutes(value: object, name: str, errors: FieldErrors) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 24 * 60:
        errors.add(name, f"{value!r} must be a whole number of minutes from 1 to 1440")
        return None
    return value


def _price(value: object, name: str, errors: FieldErrors) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        errors.add(name, f"{value!r} must be a number, 0 or more")
        return None
    return float(value)


def _currency(value: object, default: str, name: str, errors: FieldErrors) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or not CURRENCY.match(value):
        errors.add(name, f"{value!r} must be a three-letter ISO 4217 code like JPY or KRW")
        return default
    return value


def _url(value: object, name: str, errors: FieldErrors) -> str | None:
    text = _text(value, name, errors, limit=500)
    if text is not None and not text.startswith(("http://", "https://")):
        errors.add(name, f"{text!r} is not a web address starting with http:// or https://")
    return text


def _jsonable(value: Any) -> Any:
    """Dates in YAML become ISO strings so the hours can be stored as JSON and read back the same."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
