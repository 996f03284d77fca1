"""Marshmallow schemas of the problem JSON (what the plan API takes and a tour stores)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

CLOCK = validate.Regexp(r"^([01]?\d|2[0-4]):[0-5]\d$", error="must be a time like 09:30")


class PlaceSchema(Schema):
    """A place: a stored venue by slug or id, or an inline point."""

    class Meta:
        unknown = RAISE

    venue = fields.String(metadata={"description": "slug of a venue of the problem's region"})
    venue_id = fields.Integer()
    name = fields.String(validate=validate.Length(max=200))
    lat = fields.Float(validate=validate.Range(-90, 90))
    lon = fields.Float(validate=validate.Range(-180, 180))
    hours = fields.Dict(metadata={"description": "opening hours in the data/SCHEMA.md form"})

    @validates_schema
    def _one_kind(self, data: dict[str, object], **_: object) -> None:
        if "venue" not in data and "venue_id" not in data and ("lat" not in data or "lon" not in data):
            raise ValidationError("give venue (a slug), venue_id, or lat and lon", field_name="venue")


class CandidateSchema(PlaceSchema):
    priority = fields.Float(load_default=5, validate=validate.Range(min=0, max=100, min_inclusive=False))
    must_visit = fields.Boolean(load_default=False)
    visit_minutes = fields.Integer(allow_none=True, validate=validate.Range(1, 720))
    day = fields.Date(allow_none=True, metadata={"description": "lock the venue to this date"})


class AppointmentSchema(PlaceSchema):
    date = fields.Date(required=True)
    start = fields.String(required=True, validate=CLOCK)
    end = fields.String(required=True, validate=CLOCK)
    title = fields.Raw(metadata={"description": "text, or {en: ..., ko: ...}"})
    note = fields.String()
    example_time = fields.Boolean()


class WindowField(fields.List):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(fields.String(validate=CLOCK), validate=validate.Length(equal=2), **kwargs)  # type: ignore[arg-type]


class DaySchema(Schema):
    class Meta:
        unknown = RAISE

    date = fields.Date(required=True)
    start = fields.Nested(PlaceSchema)
    end = fields.Nested(PlaceSchema)
    day_window = WindowField()


class LunchSchema(Schema):
    window = WindowField(required=True)
    minutes = fields.Integer(load_default=60, validate=validate.Range(10, 180))


class WalkingSchema(Schema):
    speed_m_per_min = fields.Float(validate=validate.Range(20, 150))
    detour_factor = fields.Float(validate=validate.Range(1.0, 3.0))
    per_leg_minutes = fields.Float(validate=validate.Range(0, 30))
    max_walk_m = fields.Float(validate=validate.Range(100, 20000))


class ProblemSchema(Schema):
    """A planning problem: region, dates, start/end, day window, candidates, appointments."""

    class Meta:
        unknown = RAISE
        ordered = True

    region = fields.String(required=True)
    title = fields.Raw()
    travellers = fields.Integer(validate=validate.Range(1, 500))
    start_date = fields.Date(required=True)
    end_date = fields.Date()
    start = fields.Nested(PlaceSchema, required=True)
    end = fields.Nested(PlaceSchema)
    day_window = WindowField()
    lunch = fields.Nested(LunchSchema, allow_none=True)
    walking = fields.Nested(WalkingSchema)
    days = fields.List(fields.Nested(DaySchema))
    candidates = fields.List(fields.Nested(CandidateSchema), validate=validate.Length(max=300))
    appointments = fields.List(fields.Nested(AppointmentSchema))
    orders = fields.List(fields.List(fields.String(), validate=validate.Length(min=2)))


class MatrixSchema(Schema):
    class Meta:
        unknown = RAISE

    points = fields.List(
        fields.List(fields.Float(), validate=validate.Length(equal=2)),
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "[[lat, lon], ...]"},
    )
    mode = fields.String(load_default="walk", validate=validate.OneOf(["walk", "transfer", "auto"]))
    walking = fields.Nested(WalkingSchema)

    @validates_schema
    def _latlon(self, data: dict[str, list[list[float]]], **_: object) -> None:
        for i, (lat, lon) in enumerate(data.get("points", [])):
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValidationError(f"point {i} ({lat}, {lon}) is not [lat, lon] on Earth", field_name="points")


class MatrixResultSchema(Schema):
    meters = fields.List(fields.List(fields.Float()))
    minutes = fields.List(fields.List(fields.Float()))
    modes = fields.List(fields.List(fields.String()))
