"""Flask-WTF forms of the tour pages, and the tour builder form's two-way mapping to problem JSON.

The builder is one server-rendered form: rows (days, candidates, appointments) are FieldLists that the server
can add to and remove from when a browser runs no JavaScript, and that static/js/builder.js extends in place.
Venue selects are rendered by a template macro from one list per page (a region can hold thousands of venues),
so the venue fields here are plain strings checked against the region's slugs in `BuilderForm.validate`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from planner.db.models import Region, Venue
from planner.services.tours import MAX_CANDIDATES, MAX_DAYS

MAX_APPOINTMENTS = 50


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _time(text: object) -> time | None:
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        return None


def _finite(_form: Form, field: Field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_("Not a number."))


class PlaceForm(Form):
    """A place: a venue of the region, or a point (clicked on the map, typed, or found by address)."""

    venue = StringField(_l("Venue"), filters=[_strip])
    name = StringField(_l("Name of the point"), [Optional(), Length(max=200)], filters=[_strip])
    lat = FloatField(_l("Latitude"), [Optional(), _finite, NumberRange(-90, 90)])
    lon = FloatField(_l("Longitude"), [Optional(), _finite, NumberRange(-180, 180)])

    def is_empty(self) -> bool:
        """Neither a venue nor any part of a point was given."""
        return not self.venue.data and self.lat.raw_data in (None, [], [""]) and self.lon.raw_data in (None, [], [""])

    def check(self, slugs: Mapping[str, Venue], required: str | None) -> bool:
        """Check the venue against the region and that a point has both coordinates; `required` is the message
        for an empty place (None: empty is allowed)."""
        if self.venue.data:
            if self.venue.data not in slugs:
                self.venue.errors.append(_("This is not a venue of the region."))
                return False
            return True
        if self.is_empty():
            if required:
                self.venue.errors.append(required)
                return False
            return True
        ok = True
        for field in (self.lat, self.lon):
            if field.data is None and not field.errors:
                field.errors.append(_("Give both latitude and longitude, or click the map."))
                ok = False
        return ok and not (self.lat.errors or self.lon.errors)

    def to_place(self) -> dict[str, Any] | None:
        """The place as problem JSON (None when empty)."""
        if self.venue.data:
            return {"venue": self.venue.data}
        if self.lat.data is None or self.lon.data is None:
            return None
        place: dict[str, Any] = {"lat": self.lat.data, "lon": self.lon.data}
        if self.name.data:
            place["name"] = self.name.data
        return place


def place_data(place: object, slugs_by_id: Mapping[int, str]) -> dict[str, Any]:
    """Form data of a problem PLACE ({venue}, {venue_id} or {name, lat, lon})."""
    if not isinstance(place, Mapping):
        return {}
    if place.get("venue"):
        return {"venue": place["venue"]}
    if place.get("venue_id") in slugs_by_id:
        return {"venue": slugs_by_id[place["venue_id"]]}
    return {"name": place.get("name") or "", "lat": place.get("lat"), "lon": place.get("lon")}


class DayForm(Form):
    """One day's own start, end and hours, when they differ from the trip's."""

    date = HiddenField()
    start = FormField(PlaceForm)
    end = FormField(PlaceForm)
    window_start = TimeField(_l("Day starts"), [Optional()])
    window_end = TimeField(_l("Day ends"), [Optional()])


class CandidateForm(Form):
    """A venue the group may visit."""

    venue = HiddenField(filters=[_strip])
    priority = IntegerField(_l("Priority"), [InputRequired(), NumberRange(1, 10)], default=5)
    must_visit = BooleanField(_l("Must visit"))
    day = StringField(_l("Day"), filters=[_strip])
    visit_minutes = IntegerField(_l("Visit (min)"), [Optional(), NumberRange(5, 720)])


class AppointmentForm(Form):
    """A fixed appointment: place, date, start and end, and what it is."""

    place = FormField(PlaceForm)
    date = DateField(_l("Date"), [InputRequired()])
    start = TimeField(_l("Starts"), [InputRequired()])
    end = TimeField(_l("Ends"), [InputRequired()])
    title = StringField(_l("Title or note"), [Optional(), Length(max=200)], filters=[_strip])


class OrderForm(Form):
    """A visiting order fixed on the itinerary page, kept unless unticked."""

    venues = HiddenField()
    keep = BooleanField(_l("Keep this order"), default=True)


class BuilderForm(FlaskForm):
    """The tour builder: everything a planning problem holds, plus the venue list's filters."""

    title = StringField(_l("Title"), [InputRequired(), Length(max=200)], filters=[_strip])
    start_date = DateField(_l("First day"), [InputRequired()])
    end_date = DateField(_l("Last day"), [InputRequired()])
    travellers = IntegerField(_l("Group size"), [Optional(), NumberRange(1, 500)])
    day_start = TimeField(_l("Day starts"), [InputRequired()], default=time(9))
    day_end = TimeField(_l("Day ends"), [InputRequired()], default=time(18))
    walk_speed = IntegerField(_l("Walking speed (metres per minute)"), [InputRequired(), NumberRange(20, 150)])
    lunch = BooleanField(_l("Take a lunch break"), default=True)
    lunch_start = TimeField(_l("Lunch from"), [Optional()], default=time(11, 30))
    lunch_end = TimeField(_l("Lunch until"), [Optional()], default=time(14))
    lunch_minutes = IntegerField(_l("Lunch (min)"), [Optional(), NumberRange(10, 180)], default=60)
    start = FormField(PlaceForm)
    end = FormField(PlaceForm)
    days = FieldList(FormField(DayForm), max_entries=MAX_DAYS)
    candidates = FieldList(FormField(CandidateForm), max_entries=MAX_CANDIDATES)
    appointments = FieldList(FormField(AppointmentForm), max_entries=MAX_APPOINTMENTS)
    orders = FieldList(FormField(OrderForm), max_entries=MAX_CANDIDATES)
    filter_text = StringField(_l("Search"), [Length(max=100)], filters=[_strip])
    filter_category = StringField(_l("Category"), filters=[_strip])
    filter_hands_on = BooleanField(_l("Hands-on experience only"))
    filter_open = BooleanField(_l("Open on the chosen dates"))

    venues: Mapping[str, Venue] = {}
    """The region's venues by slug; set by the view before validating or rendering."""

    def trip_dates(self) -> list[date]:
        """The dates of the trip as entered (empty while they are missing, reversed or too many)."""
        first, last = self.start_date.data, self.end_date.data
        if not isinstance(first, date) or not isinstance(last, date) or not 0 <= (last - first).days < MAX_DAYS:
            return []
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def sync_days(self) -> None:
        """Make the day rows match the trip's dates: keep what was entered for a date, add empty rows for new
        dates, drop rows of dates no longer in the trip (a one-day trip needs no day rows)."""
        dates = self.trip_dates()
        if len(dates) < 2:
            dates = []
        kept = {entry.form.date.data: entry for entry in self.days.entries}
        self.days.entries = []
        self.days.last_index = -1
        for day in dates:
            entry = kept.get(day.isoformat())
            if entry is None:
                self.days.append_entry({"date": day.isoformat()})
            else:
                self.days.entries.append(entry)
                self.days.last_index += 1
        self.days._compact_indices()  # FieldList's own renumbering, so the rows' names run 0..n-1

    def add_candidate(self, slug: str) -> bool:
        """Add a venue to the candidates unless it is there already or unknown."""
        if slug not in self.venues or slug in self.candidate_slugs():
            return False
        if len(self.candidates.entries) >= MAX_CANDIDATES:
            return False
        self.candidates.append_entry({"venue": slug, "priority": 5})
        return True

    def candidate_slugs(self) -> list[str]:
        """The slugs of the candidate venues, in order."""
        return [entry.form.venue.data for entry in self.candidates.entries]

    def remove_row(self, name: str) -> bool:
        """Remove the row named like ``candidates-3`` (a no-JavaScript "Remove" button)."""
        kind, _sep, index = name.rpartition("-")
        rows = {"candidates": self.candidates, "appointments": self.appointments}.get(kind)
        if rows is None or not index.isdigit():
            return False
        before = len(rows.entries)
        rows.entries = [entry for entry in rows.entries if entry.name != name]
        return len(rows.entries) < before

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Validate every field, then the rules that tie fields together (dates, windows, places, rows)."""
        ok = super().validate(extra_validators)
        dates = self.trip_dates()
        if isinstance(self.start_date.data, date) and isinstance(self.end_date.data, date) and not dates:
            if self.end_date.data < self.start_date.data:
                self.end_date.errors.append(_("The last day comes before the first day."))
            else:
                self.end_date.errors.append(_("A tour can last at most %(num)d days.", num=MAX_DAYS))
            ok = False
        ok &= _check_window(self.day_start, self.day_end)
        if self.lunch.data:
            if self.lunch_start.data is None or self.lunch_end.data is None or self.lunch_minutes.data is None:
                for field in (self.lunch_start, self.lunch_end, self.lunch_minutes):
                    if field.data is None and not field.errors:
                        field.errors.append(_("Needed for the lunch break (or untick it)."))
                ok = False
            elif _check_window(self.lunch_start, self.lunch_end):
                span = _minutes(self.lunch_end.data) - _minutes(self.lunch_start.data)
                if self.lunch_minutes.data > span:
                    self.lunch_minutes.errors.append(_("Longer than the lunch window (%(num)d min).", num=span))
                    ok = False
            else:
                ok = False
        ok &= self.start.form.check(self.venues, _("Choose where the tour starts: a venue, a point or an address."))
        ok &= self.end.form.check(self.venues, None)
        iso = {d.isoformat() for d in dates}
        for entry in self.days.entries:
            if entry.form.date.data in iso:
                ok &= entry.form.start.form.check(self.venues, None)
                ok &= entry.form.end.form.check(self.venues, None)
                if entry.form.window_start.data or entry.form.window_end.data:
                    ok &= _check_window(entry.form.window_start, entry.form.window_end)
        seen: set[str] = set()
        for entry in self.candidates.entries:
            form = entry.form
            if form.venue.data not in self.venues:
                form.priority.errors.append(_("This is not a venue of the region; remove it."))
                ok = False
            elif form.venue.data in seen:
                form.priority.errors.append(_("This venue is listed twice; remove one."))
                ok = False
            seen.add(form.venue.data)
            if form.day.data and dates and form.day.data not in iso:
                form.day.errors.append(_("Not a day of the tour."))
                ok = False
        for entry in self.appointments.entries:
            form = entry.form
            ok &= form.place.form.check(self.venues, _("Choose where the appointment is."))
            if form.date.data and dates and form.date.data not in dates:
                form.date.errors.append(_("Not a day of the tour."))
                ok = False
            if form.start.data and form.end.data and form.end.data <= form.start.data:
                form.end.errors.append(_("Ends before it starts."))
                ok = False
        return bool(ok)

    def to_problem(self, region: Region) -> dict[str, Any]:
        """The validated form as problem JSON (see planner.services.tours)."""
        dates = {d.isoformat() for d in self.trip_dates()}
        problem: dict[str, Any] = {
            "region": region.slug,
            "start_date": self.start_date.data.isoformat(),
            "end_date": self.end_date.data.isoformat(),
            "start": self.start.form.to_place(),
            "day_window": [_clock(self.day_start.data), _clock(self.day_end.data)],
            "walking": {"speed_m_per_min": self.walk_speed.data},
        }
        if not self.end.form.is_empty():
            problem["end"] = self.end.form.to_place()
        if self.travellers.data:
            problem["travellers"] = self.travellers.data
        if self.lunch.data:
            problem["lunch"] = {
                "window": [_clock(self.lunch_start.data), _clock(self.lunch_end.data)],
                "minutes": self.lunch_minutes.data,
            }
        days = []
        for entry in self.days.entries:
            form = entry.form
            if form.date.data not in dates:
                continue
            day: dict[str, Any] = {"date": form.date.data}
            for key in ("start", "end"):
                place = form[key].form.to_place()
                if place:
                    day[key] = place
            if form.window_start.data and form.window_end.data:
                day["day_window"] = [_clock(form.window_start.data), _clock(form.window_end.data)]
            if len(day) > 1:
                days.append(day)
        problem["days"] = days
        problem["candidates"] = [_candidate(entry.form) for entry in self.candidates.entries]
        problem["appointments"] = [
            {
                **entry.form.place.form.to_place(),
                "date": entry.form.date.data.isoformat(),
                "start": _clock(entry.form.start.data),
                "end": _clock(entry.form.end.data),
                "title": entry.form.title.data or "",
            }
            for entry in self.appointments.entries
        ]
        slugs = set(self.candidate_slugs())
        orders = []
        for entry in self.orders.entries:
            order = [slug for slug in entry.form.venues.data.split(",") if slug]
            if entry.form.keep.data and len(order) > 1 and set(order) <= slugs:
                orders.append(order)
        if orders:
            problem["orders"] = orders
        return problem

    def mark_conflict(self, message: str) -> None:
        """Flag the must-visit venues and appointments a planning conflict names, beside their fields, so the
        person sees which rows to change (the conflict's message names places by their English names)."""
        for entry in self.candidates.entries:
            venue = self.venues.get(entry.form.venue.data)
            if entry.form.must_visit.data and venue is not None and venue.name_en in message:
                entry.form.must_visit.errors = [*entry.form.must_visit.errors, _("Named in the conflict above.")]
        for entry in self.appointments.entries:
            venue = self.venues.get(entry.form.place.form.venue.data)
            if venue is not None and venue.name_en in message:
                entry.form.start.errors = [*entry.form.start.errors, _("Named in the conflict above.")]

    def add_problem_errors(self, errors: Iterable[tuple[str, str]]) -> list[str]:
        """Show the planner's field errors (dotted problem paths) beside the matching fields; return those that
        match no field, for the top of the form."""
        unplaced = []
        for path, message in errors:
            field = self._field_for(path)
            if field is None:
                unplaced.append(f"{path}: {message}")
            else:
                field.errors = [*field.errors, message]
        return unplaced

    def _field_for(self, path: str) -> Field | None:
        top = {
            "start_date": self.start_date,
            "end_date": self.end_date,
            "day_window": self.day_start,
            "lunch": self.lunch_start,
            "walking": self.walk_speed,
            "travellers": self.travellers,
        }
        parts = path.replace("[", ".").replace("]", "").split(".")
        if parts[0] in top:
            return top[parts[0]]
        if parts[0] in ("start", "end"):
            return self._place_field(self[parts[0]].form, parts[1:])
        if parts[0] in ("candidates", "appointments") and len(parts) > 1 and parts[1].isdigit():
            rows = self[parts[0]].entries
            index = int(parts[1])
            if index >= len(rows):
                return None
            form = rows[index].form
            if parts[0] == "appointments":
                return (
                    form[parts[2]] if len(parts) > 2 and parts[2] in ("date", "start", "end") else form.place.form.venue
                )
            return (
                form[parts[2]] if len(parts) > 2 and parts[2] in ("priority", "day", "visit_minutes") else form.priority
            )
        return None

    @staticmethod
    def _place_field(form: PlaceForm, rest: Sequence[str]) -> Field:
        return form[rest[0]] if rest and rest[0] in ("lat", "lon", "name") else form.venue


def _candidate(form: CandidateForm) -> dict[str, Any]:
    item: dict[str, Any] = {
        "venue": form.venue.data,
        "priority": form.priority.data,
        "must_visit": form.must_visit.data,
    }
    if form.day.data:
        item["day"] = form.day.data
    if form.visit_minutes.data:
        item["visit_minutes"] = form.visit_minutes.data
    return item


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _check_window(start: Field, end: Field) -> bool:
    if start.data is None or end.data is None:
        for field in (start, end):
            if field.data is None and not field.errors:
                field.errors.append(_("Give both times."))
        return False
    if end.data <= start.data:
        end.errors.append(_("Must be after %(time)s.", time=_clock(start.data)))
        return False
    return True


def builder_data(problem: Mapping[str, Any], title: str, slugs_by_id: Mapping[int, str]) -> dict[str, Any]:
    """Form data for the builder from a saved problem (the inverse of `BuilderForm.to_problem`)."""
    window = problem.get("day_window") or ["09:00", "18:00"]
    lunch = problem.get("lunch") or {}
    lunch_window = lunch.get("window") or ["11:30", "14:00"]

    def when(text: object) -> date | None:
        try:
            return date.fromisoformat(str(text))
        except ValueError:
            return None

    def candidate(item: Mapping[str, Any]) -> dict[str, Any]:
        slug = item.get("venue") or slugs_by_id.get(item.get("venue_id"), "")  # type: ignore[arg-type]
        priority = item.get("priority", 5)
        return {
            "venue": slug,
            "priority": round(priority) if isinstance(priority, int | float) else 5,
            "must_visit": bool(item.get("must_visit")),
            "day": str(item.get("day") or ""),
            "visit_minutes": item.get("visit_minutes"),
        }

    days = []
    for item in problem.get("days") or []:
        day_window = item.get("day_window") or [None, None]
        days.append(
            {
                "date": str(item.get("date")),
                "start": place_data(item.get("start"), slugs_by_id),
                "end": place_data(item.get("end"), slugs_by_id),
                "window_start": _time(day_window[0]),
                "window_end": _time(day_window[1]),
            }
        )
    appointments = []
    for item in problem.get("appointments") or []:
        text = item.get("title")
        if isinstance(text, Mapping):
            text = text.get("en") or next(iter(text.values()), "")
        appointments.append(
            {
                "place": place_data(item, slugs_by_id),
                "date": when(item.get("date")),
                "start": _time(item.get("start")),
                "end": _time(item.get("end")),
                "title": str(text or ""),
            }
        )
    return {
        "title": title,
        "start_date": when(problem.get("start_date")),
        "end_date": when(problem.get("end_date") or problem.get("start_date")),
        "travellers": problem.get("travellers"),
        "day_start": _time(window[0]),
        "day_end": _time(window[1]),
        "walk_speed": round((problem.get("walking") or {}).get("speed_m_per_min") or 0) or None,
        "lunch": bool(problem.get("lunch")),
        "lunch_start": _time(lunch_window[0]),
        "lunch_end": _time(lunch_window[1]),
        "lunch_minutes": lunch.get("minutes", 60),
        "start": place_data(problem.get("start"), slugs_by_id),
        "end": place_data(problem.get("end"), slugs_by_id) if problem.get("end") != problem.get("start") else {},
        "days": days,
        "candidates": [
            candidate(item) for item in problem.get("candidates") or [] if item.get("venue") or item.get("venue_id")
        ],
        "appointments": appointments,
        "orders": [{"venues": ",".join(order), "keep": True} for order in problem.get("orders") or []],
    }


def row_prototypes() -> dict[str, Form]:
    """Empty rows named with an ``__index__`` placeholder, which builder.js copies to add rows in place."""
    return {
        "candidate": CandidateForm(prefix="candidates-__index__-"),
        "appointment": AppointmentForm(prefix="appointments-__index__-"),
        "day": DayForm(prefix="days-__index__-"),
    }


class ConfirmForm(FlaskForm):
    """A button that changes something (re-plan, duplicate, delete): nothing but the CSRF token."""


class RenameForm(FlaskForm):
    """A tour's new title."""

    title = StringField(_l("New title"), [InputRequired(), Length(max=200)], filters=[_strip])


class LockForm(FlaskForm):
    """Lock a stop to a day of the itinerary, or release it (empty day)."""

    venue = HiddenField(validators=[InputRequired()])
    day = HiddenField()


class FixOrderForm(FlaskForm):
    """Fix or release the visiting order of one day."""

    day = HiddenField(validators=[InputRequired()])
    fixed = BooleanField()
