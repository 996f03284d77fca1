"""Forms of the venue import pages: the upload (file, format, defaults, options) and the Apply button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField, URLField
from wtforms.validators import Optional, Regexp

from planner.io.records import CATEGORIES
from planner.web.labels import CATEGORY_LABELS


class ProblemRowsForm(FlaskForm):
    """What to do with rejected rows and probable duplicates."""

    skip_invalid = BooleanField(_l("Skip invalid rows (import the good ones)"))
    allow_duplicates = BooleanField(_l("Create probable duplicates anyway"))


class ImportForm(ProblemRowsForm):
    """A venue file to preview, how to read it, and what to do with problem rows."""

    file = FileField(_l("File (CSV, GeoJSON, KML or GPX)"), validators=[FileRequired(_l("Choose a file."))])
    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("", _l("From the file name")),
            SelectChoice("csv", "CSV"),
            SelectChoice("geojson", "GeoJSON"),
            SelectChoice("kml", "KML"),
            SelectChoice("gpx", _l("GPX waypoints")),
        ],
        default="",
    )
    category = SelectField(
        _l("Category of rows that give none"),
        choices=[SelectChoice("", _l("None: reject such rows"))]
        + [SelectChoice(code, CATEGORY_LABELS[code]) for code in CATEGORIES],
        default="",
    )
    source = URLField(
        _l("Source URL of rows that give none"),
        validators=[
            Optional(),
            Regexp(r"^https?://\S+$", message=_l("A web address starting with http:// or https://")),
        ],
    )
    submit = SubmitField(_l("Preview"))


class ApplyForm(ProblemRowsForm):
    """The Apply button under a preview, with the choices again now that the problems are known."""

    submit = SubmitField(_l("Apply"))
