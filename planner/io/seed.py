"""`planner seed`: load data/regions/*.yaml and data/tours/*.yaml into the database.

All files are read and validated first; only then is anything written, in one transaction, so a bad file
leaves the database as it was. Loading twice changes nothing (each row keeps a digest of what the seed
said), and a venue edited in the app is left alone unless `force` is given.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.core.geo import is_valid_latlon
from planner.core.legs import walking_overrides
from planner.db.models import Region, Tour, Venue
from planner.db.session import db_session, upgrade_database
from planner.io.records import SLUG, FieldErrors, venue_values


class SeedError(ValueError):
    """A seed file is invalid; `problems` lists each one as 'file: where: field: why'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class SeedReport:
    """What a seed run did, counted per kind of row."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept_edited)} edited in the app and kept (use --force to overwrite)"
        )


@dataclass
class _RegionFile:
    path: Path
    region: dict[str, Any]
    venues: list[dict[str, Any]]


def prepare_database(app: Flask) -> None:
    """Migrate the database to the latest schema, and seed it on first start when SEED_ON_START is set."""
    upgrade_database(app.extensions["planner_engine"])
    if app.config["SEED_ON_START"] and db_session.scalar(select(func.count(Region.id))) == 0:
        seed_database(db_session, Path(app.config["DATA_DIR"]))
        db_session.commit()


def seed_database(session: Session, data_dir: Path, *, force: bool = False) -> SeedReport:
    """Validate every seed file in `data_dir`, then upsert regions, venues and example tours (flushes only).

    :raise SeedError: naming every invalid file, venue and field; nothing is written then.
    """
    problems: list[str] = []
    regions = [_read_region_file(path, problems) for path in sorted((data_dir / "regions").glob("*.yaml"))]
    tours = [_read_yaml(path, problems) for path in sorted((data_dir / "tours").glob("*.yaml"))]
    if problems:
        raise SeedError(problems)
    report = SeedReport()
    known: dict[str, set[str]] = {}
    for item in regions:
        if item is not None:
            region = _upsert_region(session, item.region, report)
            known[region.slug] = {v["slug"] for v in item.venues}
            for values in item.venues:
                _upsert_venue(session, region, values, force, report)
    session.flush()
    for path, tour in zip(sorted((data_dir / "tours").glob("*.yaml")), tours, strict=True):
        _upsert_tour(session, path, tour, known, force, report, problems)
    if problems:
        session.rollback()
        raise SeedError(problems)
    session.flush()
    return report


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: cannot be read as UTF-8 YAML: {exc}")
        return None


def _read_region_file(path: Path, problems: list[str]) -> _RegionFile | None:
    doc = _read_yaml(path, problems)
    if doc is None:
        return None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("region"), Mapping):
        problems.append(f"{path.name}: must have a 'region' mapping and a 'venues' list")
        return None
    try:
        region = _region_values(doc["region"])
    except FieldErrors as exc:
        problems.extend(f"{path.name}: region: {name}: {message}" for name, message in exc.errors)
        return None
    venues: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, record in enumerate(doc.get("venues") or [], start=1):
        where = f"{path.name}: venue #{number}"
        if isinstance(record, Mapping) and isinstance(record.get("slug"), str):
            where += f" ({record['slug']})"
        if not isinstance(record, Mapping):
            problems.append(f"{where}: must be a mapping of fields")
            continue
        try:
            values = venue_values(record, region["currency"])
        except FieldErrors as exc:
            problems.extend(f"{where}: {name}: {message}" for name, message in exc.errors)
            continue
        if values["slug"] in seen:
            problems.append(f"{where}: slug: '{values['slug']}' is used by an earlier venue in this file")
        seen.add(values["slug"])
        venues.append(values)
    return _RegionFile(path, region, venues)


def _region_values(spec: Mapping[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    slug = spec.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        errors.add("slug", "required: lower-case letters, digits and hyphens")
    name: Mapping[str, Any] = spec["name"] if isinstance(spec.get("name"), Mapping) else {}
    for lang in ("en", "local"):
        if not name.get(lang):
            errors.add(f"name.{lang}", "required")
    try:
        ZoneInfo(str(spec.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        errors.add("timezone", f"{spec.get('timezone')!r} is not an IANA timezone like Asia/Tokyo")
    centre = spec.get("centre")
    if not (isinstance(centre, list) and len(centre) == 2 and is_valid_latlon(*centre)):
        errors.add("centre", f"{centre!r} must be [lat, lon]")
        centre = [0.0, 0.0]
    walking = spec.get("walking") or {}
    values: dict[str, Any] = {
        "slug": slug,
        "name_en": name.get("en"),
        "name_ko": name.get("ko"),
        "name_local": name.get("local"),
        "timezone": spec.get("timezone"),
        "currency": spec.get("currency", "JPY"),
        "centre_lat": float(centre[0]),
        "centre_lon": float(centre[1]),
    }
    overrides, problems = walking_overrides(walking)
    values.update(overrides)
    for key, message in problems:
        errors.add(f"walking.{key}", message)
    if errors.errors:
        raise errors
    return values


def _digest(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _upsert_region(session: Session, values: dict[str, Any], report: SeedReport) -> Region:
    digest = _digest(values)
    region = session.scalar(select(Region).where(Region.slug == values["slug"]))
    label = f"region {values['slug']}"
    if region is None:
        region = Region(**values, seed_digest=digest)
        session.add(region)
        report.created.append(label)
    elif region.seed_digest == digest:
        report.unchanged.append(label)
    else:
        for key, value in values.items():
            setattr(region, key, value)
        region.seed_digest = digest
        report.updated.append(label)
    return region


def _upsert_venue(session: Session, region: Region, values: dict[str, Any], force: bool, report: SeedReport) -> None:
    digest = _digest(values)
    label = f"venue {region.slug}/{values['slug']}"
    venue = None
    if region.id is not None:
        venue = session.scalar(select(Venue).where(Venue.region_id == region.id, Venue.slug == values["slug"]))
    if venue is None:
        session.add(Venue(region=region, seed_digest=digest, **values))
        report.created.append(label)
    elif venue.edited_in_app and not force:
        report.kept_edited.append(label)
    elif venue.seed_digest == digest and not venue.edited_in_app:
        report.unchanged.append(label)
    else:
        for key, value in values.items():
            setattr(venue, key, value)
        venue.seed_digest = digest
        venue.edited_in_app = False
        report.updated.append(label)


def _upsert_tour(
    session: Session,
    path: Path,
    doc: Any,
    known: dict[str, set[str]],
    force: bool,
    report: SeedReport,
    problems: list[str],
) -> None:
    from planner.services.tours import tour_problem_from_seed

    if not isinstance(doc, Mapping):
        problems.append(f"{path.name}: must be a mapping (see data/SCHEMA.md)")
        return
    region_slug = doc.get("region")
    if region_slug not in known:
        problems.append(f"{path.name}: region: {region_slug!r} is not a seeded region")
        return
    try:
        problem = tour_problem_from_seed(doc, known[region_slug])
    except FieldErrors as exc:
        problems.extend(f"{path.name}: {name}: {message}" for name, message in exc.errors)
        return
    slug = doc.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.append(f"{path.name}: slug: required: lower-case letters, digits and hyphens")
        return
    region = session.scalar(select(Region).where(Region.slug == region_slug))
    assert region is not None  # seeded just above
    title = doc.get("title") or {}
    title_text = title.get("en") if isinstance(title, Mapping) else str(title)
    tour = session.scalar(select(Tour).where(Tour.slug == slug))
    label = f"tour {slug}"
    if tour is None:
        session.add(Tour(slug=slug, region=region, title=title_text or slug, problem=problem))
        report.created.append(label)
    elif tour.problem == problem:
        report.unchanged.append(label)
    elif force:
        tour.problem, tour.result, tour.title = problem, None, title_text or slug
        report.updated.append(label)
    else:
        report.kept_edited.append(label)
