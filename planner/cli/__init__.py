"""The `planner` command: Flask's own commands (run, routes, shell) plus seed, plan and optw."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from planner.core.itinerary import PlanConflict
from planner.db.session import db_session
from planner.io.records import FieldErrors
from planner.io.seed import SeedError, seed_database
from planner.services.tours import replan_tour, tour_by_ref


def _create_app() -> Flask:
    from planner import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="Craft Tour Planner: venues, itineraries, maps.")
def main() -> None:
    """Entry point of the `planner` console script."""


@click.command("seed")
@click.option("--force", is_flag=True, help="Overwrite venues and tours edited in the app with the seed files.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), help="Seed folder.")
@with_appcontext
def seed_command(force: bool, data_dir: Path | None) -> None:
    """Load data/ (regions, venues, example tours) into the database; running it twice changes nothing."""
    folder = data_dir or Path(current_app.config["DATA_DIR"])
    try:
        report = seed_database(db_session, folder, force=force)
    except SeedError as exc:
        db_session.rollback()
        click.echo(f"Nothing was loaded: {len(exc.problems)} problem(s) in {folder}:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    db_session.commit()
    click.echo(report.summary())
    for label in report.kept_edited:
        click.echo(f"  kept (edited in the app): {label}")


@click.command("plan")
@click.argument("tour_ref", metavar="TOUR")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def plan_command(tour_ref: str, as_json: bool) -> None:
    """Plan a saved tour (id or slug) again and store the result."""
    tour = tour_by_ref(db_session, tour_ref)
    if tour is None:
        raise click.ClickException(f"no tour {tour_ref!r} (give its id or slug)")
    try:
        result = replan_tour(db_session, tour)
    except FieldErrors as exc:
        raise click.ClickException(f"the saved problem is invalid: {exc}") from exc
    except PlanConflict as exc:
        raise click.ClickException(f"no plan: {exc.message}") from exc
    db_session.commit()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"{tour.title} ({tour.slug})")
    for day in result["days"]:
        totals = day["totals"]
        click.echo(f"\n{day['date']}: {totals['visits']} visits, {totals['walk_metres']} m walked")
        for stop in day["stops"]:
            leg = stop["leg"]
            way = f"  ({leg['mode']} {leg['minutes']} min, {leg['metres']} m)" if leg else ""
            click.echo(f"  {stop['start']}-{stop['end']}  {stop['kind']:<11} {stop['name']}{way}")
    for dropped in result["dropped"]:
        click.echo(f"dropped: {dropped['name']}: {dropped['reason_text']}")
    for note in result["notes"]:
        click.echo(f"note: {note}")


@main.command("optw")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tours", default=1, show_default=True, type=click.IntRange(1, 20), help="Number of tours (m).")
@click.option("--seconds", default=1.0, show_default=True, type=click.FloatRange(0.01, 3600), help="Time limit.")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
def optw_command(file: Path, tours: int, seconds: float, seed: int) -> None:
    """Solve one OPTW/TOPTW benchmark instance and print JSON {instance, tours, score, seconds}."""
    from planner.core.optw import solve_optw_file

    click.echo(json.dumps(solve_optw_file(file, tours, seconds, seed=seed)))


@click.group("export")
def export_group() -> None:
    """Export tours and venues to files."""


@click.group("import")
def import_group() -> None:
    """Import venues from files."""


def init_app(app: Flask) -> None:
    """Register the planner commands on the app's CLI."""
    from planner.cli import exchange

    export_group.add_command(exchange.export_venues_command)
    import_group.add_command(exchange.import_venues_command)
    for command in (seed_command, plan_command, export_group, import_group):
        app.cli.add_command(command)
    from planner.cli.printing import export_tour_command, print_command

    export_group.add_command(export_tour_command)
    app.cli.add_command(print_command)
