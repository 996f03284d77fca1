"""`planner print TOUR -o FILE.pdf` (the A4 handout) and `planner export tour TOUR --format ... -o FILE`."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from planner.core.itinerary import PlanConflict
from planner.db.models import Tour
from planner.db.session import db_session
from planner.io.exports import FORMATS, ExportError, TourData, export_tour
from planner.io.handout import build_handout, tour_data
from planner.io.records import FieldErrors
from planner.services.tours import tour_by_ref
from planner.web.printing import handout_pdf

OUTPUT_HELP = "File to write ('-' for standard output)."


def _planned(tour_ref: str, lang: str) -> tuple[Tour, TourData]:
    """The tour and its exportable data, planned first (and the plan kept) if it never was."""
    tour = tour_by_ref(db_session, tour_ref)
    if tour is None:
        raise click.ClickException(f"no tour {tour_ref!r} (give its id or slug)")
    try:
        data = tour_data(db_session, tour, lang)
    except FieldErrors as exc:
        db_session.rollback()
        raise click.ClickException(f"the saved problem is invalid: {exc}") from exc
    except PlanConflict as exc:
        db_session.rollback()
        raise click.ClickException(f"no plan: {exc.message}") from exc
    db_session.commit()
    return tour, data


def write_output(output: Path, data: bytes) -> None:
    """Write all of `data` or nothing: a temporary file beside the target, renamed over it when complete."""
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"cannot write {output}: folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _report(output: Path, size: int, what: str) -> None:
    if str(output) != "-":  # standard output carries the file itself
        click.echo(f"wrote {output} ({what}, {size} bytes)", err=True)


@click.command("print")
@click.argument("tour_ref", metavar="TOUR")
@click.option("--day", type=click.IntRange(min=1), help="Only this day (1 is the first); default every day.")
@click.option("--lang", type=click.Choice(["en", "ko"]), default="en", show_default=True, help="Handout language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help=OUTPUT_HELP)
@with_appcontext
def print_command(tour_ref: str, day: int | None, lang: str, output: Path) -> None:
    """Print a tour's A4 handout (map, timetable, addresses) to a PDF; TOUR is its id or slug."""
    tour, data = _planned(tour_ref, lang)
    try:
        handout = build_handout(tour, data, lang, day)
    except ExportError as exc:
        raise click.BadParameter(str(exc), param_hint="--day") from exc
    pdf = handout_pdf(handout)
    write_output(output, pdf)
    _report(output, len(pdf), f"{len(handout.days)} day(s), {lang}")


@click.command("tour")
@click.argument("tour_ref", metavar="TOUR")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="File format.")
@click.option("--day", type=click.IntRange(min=1), help="Only this day (1 is the first); default every day.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help=OUTPUT_HELP)
@with_appcontext
def export_tour_command(tour_ref: str, fmt: str, day: int | None, output: Path) -> None:
    """Export a tour (id or slug) as GPX, KML, GeoJSON, ICS or CSV."""
    _tour, data = _planned(tour_ref, "en")
    try:
        content = export_tour(data, fmt, day)
    except ExportError as exc:
        raise click.BadParameter(str(exc), param_hint="--day") from exc
    write_output(output, content)
    _report(output, len(content), fmt)
