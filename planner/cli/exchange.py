"""`planner export venues` and `planner import venues`: a region's venues to and from GeoJSON, CSV, KML, GPX."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from planner.db.models import Region
from planner.db.session import db_session
from planner.io.readers import ImportFileError
from planner.io.records import CATEGORIES
from planner.io.venue_export import EXPORT_FORMATS, export_format_of, export_venues, region_venues
from planner.io.venue_import import FORMATS, format_from_filename
from planner.services.imports import ImportBlocked, ImportConflict, ImportOptions, ImportReport, import_venues
from planner.services.venues import region_by_slug


def _region(slug: str) -> Region:
    region = region_by_slug(db_session, slug)
    if region is None:
        raise click.ClickException(f"no region {slug!r} (see `planner seed` and the region list)")
    return region


@click.command("venues")
@click.argument("region_slug", metavar="REGION")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), help="Default: from the output file's extension.")
@click.option(
    "-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True), help="File to write; - is stdout."
)
@with_appcontext
def export_venues_command(region_slug: str, fmt: str | None, output: str) -> None:
    """Export a region's venues as GeoJSON or CSV (every field; `planner import venues` reads them back)."""
    region = _region(region_slug)
    fmt = fmt or export_format_of(output)
    if fmt is None:
        raise click.UsageError(f"give --format {'|'.join(EXPORT_FORMATS)} (the output name does not tell)")
    venues = region_venues(db_session, region)
    data = export_venues(venues, fmt)
    if output == "-":
        click.echo(data, nl=False)  # bytes go to the binary stdout as they are (BOM included)
    else:
        Path(output).write_bytes(data)
        click.echo(f"{len(venues)} venues of {region.slug} written to {output} ({fmt})", err=True)


@click.command("venues")
@click.argument("region_slug", metavar="REGION")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file's extension.")
@click.option("--dry-run", is_flag=True, help="Show what would be done; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows and skip rejected ones and duplicates.")
@click.option("--allow-duplicates", is_flag=True, help="Create rows that look like an existing venue nearby.")
@click.option("--category", type=click.Choice(CATEGORIES), help="Category of new rows that give none (KML, GPX).")
@click.option("--source", metavar="URL", help="Source URL of new rows that give none (KML, GPX).")
@with_appcontext
def import_venues_command(
    region_slug: str,
    file: Path,
    fmt: str | None,
    dry_run: bool,
    skip_invalid: bool,
    allow_duplicates: bool,
    category: str | None,
    source: str | None,
) -> None:
    """Import venues into REGION from a CSV, GeoJSON, KML or GPX file: all rows or none.

    Prints every row with what it would do (create, update, unchanged, reject, duplicate) and why. The exit
    status is 1 and nothing is written when a row is rejected or is a probable duplicate, unless
    --skip-invalid (or --allow-duplicates) is given; with --dry-run the status says whether it would import.
    """
    region = _region(region_slug)
    if source is not None and not source.startswith(("http://", "https://")):
        raise click.BadParameter("must be a web address starting with http:// or https://", param_hint="--source")
    options = ImportOptions(skip_invalid, allow_duplicates, category, source)
    try:
        report = import_venues(
            db_session, region, file.read_bytes(), fmt or format_from_filename(file.name), options, dry_run=dry_run
        )
    except ImportFileError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from exc
    except ImportBlocked as exc:
        db_session.rollback()
        _echo_report(exc.report)
        click.echo(exc.report.summary(), err=True)
        sys.exit(1)
    except ImportConflict as exc:
        db_session.rollback()
        raise click.ClickException(str(exc)) from exc
    _echo_report(report)
    if dry_run:
        db_session.rollback()
        click.echo(f"Dry run: {report.summary()}")
        if report.blocked:
            sys.exit(1)
        return
    db_session.commit()
    click.echo(report.summary())


def _echo_report(report: ImportReport) -> None:
    """Print the preview table: one line per row, then its reasons, changes and notes indented."""
    click.echo(f"{report.format.upper()} file read as {report.encoding}; region {report.region}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    width = max(len(row.position) for row in report.rows)
    for row in report.rows:
        click.echo(f"{row.position:<{width}}  {row.action:<9}  {row.slug or '-'}  {row.name or ''}".rstrip())
        for name, message in row.errors:
            click.echo(f"{'':<{width}}    {name}: {message}")
        for change in row.changes:
            click.echo(f"{'':<{width}}    {change.field}: {change.old!r} -> {change.new!r}")
        for note in row.notes:
            click.echo(f"{'':<{width}}    note: {note}")
