"""`planner seed`: loads real data, is idempotent, keeps app edits, and rejects bad files atomically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from planner.db.models import Region, Tour, Venue
from planner.db.session import db_session
from planner.io.seed import SeedError, seed_database
from planner.resources import resource_dir

DATA = resource_dir("data")


def _counts() -> tuple[int, int, int]:
    return (
        db_session.scalar(select(func.count(Region.id))) or 0,
        db_session.scalar(select(func.count(Venue.id))) or 0,
        db_session.scalar(select(func.count(Tour.id))) or 0,
    )


def test_first_start_seeds_both_regions_with_enough_real_venues(app: Flask) -> None:
    with app.app_context():
        regions = {r.slug: r for r in db_session.scalars(select(Region))}
        assert set(regions) == {"kanazawa", "chungnam"}
        assert len(regions["kanazawa"].venues) >= 35
        assert len(regions["chungnam"].venues) >= 25
        assert regions["kanazawa"].timezone == "Asia/Tokyo" and regions["chungnam"].timezone == "Asia/Seoul"
        for venue in regions["kanazawa"].venues + regions["chungnam"].venues:
            assert venue.sources, venue.slug
            assert venue.coordinates in ("cited", "approximate")
        slugs = {v.slug for v in regions["kanazawa"].venues}
        assert {"hokuriku-industrial-revitalization-center", "kanazawa-monozukuri-kaikan"} <= slugs
        assert db_session.scalar(select(Tour).where(Tour.slug == "kanazawa-study-tour-2018")) is not None


def test_seed_twice_changes_nothing(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        before = _counts()
        versions = dict(db_session.execute(select(Venue.slug, Venue.version)).all())
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated" in result.output
    with app.app_context():
        assert _counts() == before
        assert dict(db_session.execute(select(Venue.slug, Venue.version)).all()) == versions


def test_venue_edited_in_app_is_kept_unless_forced(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None
        venue.visit_minutes, venue.edited_in_app = 99, True
        db_session.commit()
    result = runner.invoke(args=["seed"])
    assert "kept (edited in the app): venue kanazawa/kenroku-en" in result.output
    with app.app_context():
        assert db_session.scalar(select(Venue.visit_minutes).where(Venue.slug == "kenroku-en")) == 99
    result = runner.invoke(args=["seed", "--force"])
    assert result.exit_code == 0
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None and venue.visit_minutes != 99 and not venue.edited_in_app


def _broken_copy(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / "regions" / "chungnam.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["venues"][2].update(lat=136.6, lon=36.5), "chungnam.yaml: venue #3 ({slug}): lat/lon:"),
        (
            lambda d: d["venues"][2].update(category="spa"),
            "chungnam.yaml: venue #3 ({slug}): category: 'spa' is not one of",
        ),
        (
            lambda d: d["venues"][2].update(hours={"weekly": {"mon": ["18:00-09:00"]}}),
            "chungnam.yaml: venue #3 ({slug}): hours: '18:00-09:00' ends before it starts",
        ),
        (lambda d: d["venues"][2].pop("sources"), "chungnam.yaml: venue #3 ({slug}): sources: required"),
        (
            lambda d: d["region"].update(walking={"speed_m_per_min": 500}),
            "chungnam.yaml: region: walking.speed_m_per_min: 500 must be a number from 20 to 150",
        ),
    ],
)
def test_bad_seed_file_names_file_venue_and_field_and_loads_nothing(
    make_app,
    tmp_path: Path,
    mutate,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    folder = _broken_copy(tmp_path, mutate)
    slug = yaml.safe_load((folder / "regions" / "chungnam.yaml").read_text(encoding="utf-8"))["venues"][2]["slug"]
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", SEED_ON_START=False)
    result = app.test_cli_runner().invoke(args=["seed", "--data", str(folder)])
    assert result.exit_code == 1
    assert "Nothing was loaded" in result.output
    assert expected.format(slug=slug) in result.output
    with app.app_context():
        assert _counts() == (0, 0, 0)  # the valid Kanazawa file was not half-loaded either


def test_unknown_venue_in_tour_file_is_named(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    tour_path = next((folder / "tours").glob("*.yaml"))
    doc = yaml.safe_load(tour_path.read_text(encoding="utf-8"))
    doc["candidates"].append({"venue": "no-such-place", "priority": 3})
    tour_path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", SEED_ON_START=False)
    with app.app_context():
        with pytest.raises(SeedError, match="no-such-place"):
            seed_database(db_session, folder)
        assert _counts() == (0, 0, 0)


def test_optimistic_version_counter_increments_on_update(app: Flask) -> None:
    with app.app_context():
        venue = db_session.scalar(select(Venue).where(Venue.slug == "kenroku-en"))
        assert venue is not None
        version = venue.version
        venue.phone = "+81 76-000-0000"
        db_session.commit()
        assert venue.version == version + 1
