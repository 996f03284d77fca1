"""Venue exports: RFC 7946 GeoJSON and Excel-friendly CSV with every field, and a round trip through an empty
database that gives back the same bytes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import inspect, select

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.io.venue_export import VENUE_COLUMNS


def _export(runner: FlaskCliRunner, region: str, path: Path, *options: str) -> bytes:
    result = runner.invoke(args=["export", "venues", region, "-o", str(path), *options])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_geojson_export_is_rfc7946_with_every_field(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    collection = json.loads(_export(runner, "kanazawa", tmp_path / "k.geojson"))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    with app.app_context():
        venues = {v.slug: v for v in db_session.scalars(select(Venue).join(Region).where(Region.slug == "kanazawa"))}
    assert [f["properties"]["slug"] for f in features] == sorted(venues)
    for feature in features:
        props = feature["properties"]
        assert list(props) == list(VENUE_COLUMNS)
        assert feature["geometry"] == {"type": "Point", "coordinates": [props["lon"], props["lat"]]}  # [lon, lat]
        venue = venues[props["slug"]]
        assert props == {name: getattr(venue, name) for name in VENUE_COLUMNS}
    kenroku = next(f["properties"] for f in features if f["properties"]["slug"] == "kenroku-en")
    assert kenroku["name_local"] == "兼六園" and kenroku["hours"]["weekly"]


def test_csv_export_opens_in_excel_and_holds_every_field(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    data = _export(runner, "chungnam", tmp_path / "c.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(VENUE_COLUMNS)
    with app.app_context():
        museum = db_session.scalar(select(Venue).where(Venue.slug == "gongju-national-museum"))
        assert museum is not None
        row = next(r for r in rows if r["slug"] == "gongju-national-museum")
        assert row["name_local"] == "국립공주박물관"
        assert json.loads(row["hours"]) == museum.hours
        assert row["sources"].split(" | ") == museum.sources
        assert row["experience_offered"] == "false" and row["name_ko"] == (museum.name_ko or "")
        assert row["admission_price"] == "0" and row["admission_currency"] == "KRW"


def test_export_format_comes_from_the_file_name_or_must_be_given(runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert json.loads(_export(runner, "kanazawa", tmp_path / "k.json"))["type"] == "FeatureCollection"
    assert _export(runner, "kanazawa", tmp_path / "k.txt", "--format", "csv").startswith(b"\xef\xbb\xbfslug,")
    result = runner.invoke(args=["export", "venues", "kanazawa", "-o", str(tmp_path / "k.txt")])
    assert result.exit_code != 0 and "give --format geojson|csv" in result.output
    result = runner.invoke(args=["export", "venues", "atlantis", "-o", str(tmp_path / "a.csv")])
    assert result.exit_code != 0 and "no region 'atlantis'" in result.output
    stdout = runner.invoke(args=["export", "venues", "kanazawa", "--format", "csv"])
    assert stdout.exit_code == 0 and stdout.stdout_bytes.startswith(b"\xef\xbb\xbfslug,")


@pytest.fixture
def empty_app(make_app: Callable[..., Flask], app: Flask, tmp_path: Path) -> Flask:
    """A second app on a brand-new database holding only copies of the seeded region rows, no venues."""
    target = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", SEED_ON_START=False)
    with app.app_context():
        regions = [
            {c.key: getattr(r, c.key) for c in inspect(Region).column_attrs if c.key != "id"}
            for r in db_session.scalars(select(Region))
        ]
    with target.app_context():
        db_session.add_all(Region(**values) for values in regions)
        db_session.commit()
    return target


@pytest.mark.parametrize("via", ["csv", "geojson"])
def test_round_trip_through_an_empty_database_is_identical(
    app: Flask, runner: FlaskCliRunner, empty_app: Flask, tmp_path: Path, via: str
) -> None:
    """Export both regions, import one format into an empty database, export again: the same bytes, both formats."""
    target = empty_app.test_cli_runner()
    for region in ("kanazawa", "chungnam"):
        original = {fmt: _export(runner, region, tmp_path / f"{region}.{fmt}") for fmt in ("csv", "geojson")}
        result = target.invoke(args=["import", "venues", region, str(tmp_path / f"{region}.{via}")])
        assert result.exit_code == 0, result.output
        assert " 0 updated, 0 unchanged" in result.output
        for fmt in ("csv", "geojson"):
            again = _export(target, region, tmp_path / f"{region}-again.{fmt}")
            assert again == original[fmt], f"{region} {fmt} after importing {via}"
