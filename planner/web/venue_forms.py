"""The venue form: fields a person edits, turned into a data/SCHEMA.md record and back.

The form itself checks nothing but the CSRF token: the record it builds goes through records.venue_values (via
services.venue_edits), the same rules as the seed, and each FieldErrors entry is put back beside its field.
Numbers are sent on as typed when they do not parse, so that the shared rules say what is wrong with them.
"""

from __future__ import annotations

from typing import Any

import yaml
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)

from planner.db.models import Venue
from planner.io.records import CATEGORIES, FieldErrors
from planner.web.labels import category_label

HOURS_EXAMPLE = """weekly: {mon-fri: ["09:00-17:00"], sat: ["10:00-16:00"], sun: closed}
closures:
  - {weekday: tue, nth: 3}
note: last entry 16:30"""

REQUIRED = _l("required")
# A FieldErrors name whose field is not simply its dots turned into underscores.
_ERROR_FIELDS = {
    "name": "name_en",
    "lat/lon": "lat",
    "admission": "admission_price",
    "experience": "experience_name",
    "description": "description_en",
}


class VenueForm(FlaskForm):
    """Every venue fact a person edits; `version` carries the version the form was opened at."""

    slug = StringField(_l("Short name in the address (slug)"))
    name_en = StringField(_l("Name in English"))
    name_local = StringField(_l("Name in the local script"))
    name_ko = StringField(_l("Name in Korean"))
    category = SelectField(_l("Category"), validate_choice=False)
    address = StringField(_l("Address (local script)"))
    lat = StringField(_l("Latitude"))
    lon = StringField(_l("Longitude"))
    coordinates = SelectField(
        _l("Position is"),
        choices=[
            SelectChoice("approximate", _l("approximate (placed by hand)")),
            SelectChoice("cited", _l("cited (taken from a source)")),
        ],
        validate_choice=False,
    )
    coordinates_note = StringField(_l("Note on the position"))
    visit_minutes = StringField(_l("Typical visit (minutes)"))
    hours = TextAreaField(_l("Opening hours (YAML or JSON)"))
    admission_price = StringField(_l("Admission price"))
    admission_currency = StringField(_l("Currency"))
    experience_offered = BooleanField(_l("Offers a hands-on experience"))
    experience_name = StringField(_l("Experience name"))
    experience_minutes = StringField(_l("Experience length (minutes)"))
    experience_price = StringField(_l("Experience price per person"))
    experience_currency = StringField(_l("Currency"))
    experience_capacity = StringField(_l("Group size up to (people)"))
    experience_booking_required = SelectField(
        _l("Booking needed"),
        choices=[SelectChoice("", _l("not known")), SelectChoice("yes", _l("yes")), SelectChoice("no", _l("no"))],
        validate_choice=False,
    )
    experience_contact = StringField(_l("Booking contact (phone or web address)"))
    website = URLField(_l("Website"))
    phone = StringField(_l("Phone"))
    description_en = TextAreaField(_l("Description in English"))
    description_ko = TextAreaField(_l("Description in Korean"))
    access_notes = TextAreaField(_l("Step-free access notes"))
    sources = TextAreaField(_l("Sources (one web address per line)"))
    version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(code, category_label(code)) for code in CATEGORIES
        ]

    def to_record(self, errors: FieldErrors) -> dict[str, Any]:
        """The typed values as a data/SCHEMA.md venue record; hours that are not YAML are added to `errors`
        (and left out of the record)."""
        record: dict[str, Any] = {
            "slug": _blank_none(self.slug.data),
            "category": self.category.data or None,
            "name": {"en": self.name_en.data, "local": self.name_local.data, "ko": self.name_ko.data},
            "address": self.address.data,
            "lat": _number(self.lat.data),
            "lon": _number(self.lon.data),
            "coordinates": self.coordinates.data,
            "coordinates_note": self.coordinates_note.data,
            "visit_minutes": _number(self.visit_minutes.data),
            "hours": _hours(self.hours.data, errors),
            "website": self.website.data,
            "phone": self.phone.data,
            "description": {"en": self.description_en.data, "ko": self.description_ko.data},
            "access_notes": self.access_notes.data,
            "sources": [line.strip() for line in (self.sources.data or "").splitlines() if line.strip()],
        }
        if _filled(self.admission_price, self.admission_currency):
            record["admission"] = {
                "price": _number(self.admission_price.data),
                "currency": _currency(self.admission_currency.data),
            }
        experience_fields = (
            self.experience_name,
            self.experience_minutes,
            self.experience_price,
            self.experience_capacity,
            self.experience_booking_required,
            self.experience_contact,
        )
        if self.experience_offered.data or _filled(*experience_fields):
            record["experience"] = {
                "offered": bool(self.experience_offered.data),
                "name": self.experience_name.data,
                "minutes": _number(self.experience_minutes.data),
                "price": _number(self.experience_price.data),
                "currency": _currency(self.experience_currency.data),
                "capacity": _number(self.experience_capacity.data),
                "booking_required": {"yes": True, "no": False}.get(self.experience_booking_required.data or ""),
                "contact": self.experience_contact.data,
            }
        return record

    def show_errors(self, errors: FieldErrors) -> None:
        """Put each message beside its field (a message for no known field goes above the form).

        A message on a field left empty can only mean the field is required; it is said in the page's language
        instead of the rules' wording, which is written for seed files ("None is not one of: ...").
        """
        for name, message in errors.errors:
            key = name.split("[", 1)[0]  # sources[2] → sources
            field = getattr(self, _ERROR_FIELDS.get(key, key.replace(".", "_")), None)
            if not isinstance(field, Field) or field is self.version:
                self.form_errors.append(f"{name}: {message}")
            elif not str(field.data or "").strip():
                if str(REQUIRED) not in field.errors:
                    field.errors = [*field.errors, str(REQUIRED)]
            else:
                field.errors = [*field.errors, message]


def form_data(venue: Venue) -> dict[str, Any]:
    """The venue's values as the form shows them."""
    booking = venue.experience_booking_required
    return {
        "slug": venue.slug,
        "name_en": venue.name_en,
        "name_local": venue.name_local,
        "name_ko": venue.name_ko,
        "category": venue.category,
        "address": venue.address,
        "lat": _plain(venue.lat),
        "lon": _plain(venue.lon),
        "coordinates": venue.coordinates,
        "coordinates_note": venue.coordinates_note,
        "visit_minutes": _plain(venue.visit_minutes),
        "hours": hours_text(venue.hours),
        "admission_price": _plain(venue.admission_price),
        "admission_currency": venue.admission_currency,
        "experience_offered": venue.experience_offered,
        "experience_name": venue.experience_name,
        "experience_minutes": _plain(venue.experience_minutes),
        "experience_price": _plain(venue.experience_price),
        "experience_currency": venue.experience_currency,
        "experience_capacity": _plain(venue.experience_capacity),
        "experience_booking_required": "" if booking is None else ("yes" if booking else "no"),
        "experience_contact": venue.experience_contact,
        "website": venue.website,
        "phone": venue.phone,
        "description_en": venue.description_en,
        "description_ko": venue.description_ko,
        "access_notes": venue.access_notes,
        "sources": "\n".join(venue.sources or []),
        "version": str(venue.version),
    }


def hours_text(hours: dict[str, Any] | None) -> str:
    """Stored hours as the YAML a person edits (short lists inline, as in data/SCHEMA.md)."""
    if not hours:
        return ""
    return str(yaml.safe_dump(hours, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)).strip()


def _hours(text: str | None, errors: FieldErrors) -> Any:
    if not text or not text.strip():
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML or JSON"
        errors.add("hours", f"cannot be read{where}: {problem} (see the example below the box)")
        return None


def _number(text: str | None) -> int | float | str | None:
    """A typed number as int or float; text that is no number is passed on for the rules to reject by name."""
    text = (text or "").strip()
    if not text:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _currency(text: str | None) -> str | None:
    return (text or "").strip().upper() or None


def _blank_none(text: str | None) -> str | None:
    return (text or "").strip() or None


def _filled(*fields: Field) -> bool:
    return any(str(field.data or "").strip() for field in fields)


def _plain(value: float | int | None) -> str:
    """A number without a needless '.0' (320.0 → '320'; 36.5619 stays)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
