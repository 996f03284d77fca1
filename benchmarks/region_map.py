"""How fast and how big is a region page with 2,000 venues? Ours against one Folium Marker per venue.

    .venv/bin/python benchmarks/region_map.py [--venues 2000] [--runs 7]

Builds a synthetic region (venues with realistic names, hours, descriptions and sources) in a temporary SQLite
database through the app, then renders the region page through the Flask test client: our page (one GeoJSON
layer in a marker-cluster group, planner/maps.py build_region_map) and, in the same run on the same venues, a
baseline page that differs only in its map: one folium.Marker with a Popup per venue. Prints the median time of
several runs and the HTML size of each, against the goals (≤ 300 ms, ≤ 600 KiB). No assertion: figures only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402  (after the path set-up, so a checkout runs without installing)
from flask import Flask, render_template  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from markupsafe import escape  # noqa: E402

from planner import create_app  # noqa: E402
from planner.db.models import Region, Venue  # noqa: E402
from planner.db.session import db_session  # noqa: E402
from planner.io.records import CATEGORIES  # noqa: E402
from planner.maps import PlannerMap, split_map  # noqa: E402
from planner.services.venues import hours_today_text, region_by_slug, venues_query  # noqa: E402
from planner.web import display_name, static_url, tiles  # noqa: E402
from planner.web.labels import category_label  # noqa: E402
from planner.web.regions import LIST_PAGE_SIZE  # noqa: E402

GOAL_MS = 300.0
GOAL_KIB = 600.0
SLUG = "bench-city"


def synthetic_hours(n: int) -> dict[str, object] | None:
    """Hours about as varied as a real region's: some 300 weekly patterns (some with a lunch closing, a closing
    day), one in five unknown, a few always open (streets and districts)."""
    if n % 5 == 0:
        return None
    if n % 11 == 0:
        return {"weekly": {"daily": ["00:00-24:00"]}}
    opens, closes = 8 + n // 2 % 4, 16 + n // 3 % 6
    day = [f"{opens:02d}:00-12:00", f"13:00-{closes:02d}:00"] if n % 7 == 0 else [f"{opens:02d}:00-{closes:02d}:00"]
    weekly: dict[str, object] = {"daily": day}
    closed = ("mon", "tue", "wed", None)[n // 13 % 4]
    if closed:
        weekly[closed] = "closed"
    return {"weekly": weekly, "note": "last entry 30 minutes before closing"} if n % 3 == 0 else {"weekly": weekly}


def build_app(directory: Path) -> Flask:
    """An app on an empty SQLite database in `directory` (no seed: only the synthetic region)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark",
            "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite'}",
            "SEED_ON_START": False,
        }
    )


def add_region(count: int, rng: random.Random) -> None:
    """Store a region of `count` venues spread over about 10 km around a centre, with every field filled in
    the way the seed data fills it."""
    region = Region(
        slug=SLUG,
        name_en="Bench City",
        name_ko="벤치 시",
        name_local="ベンチ市",
        timezone="Asia/Tokyo",
        currency="JPY",
        centre_lat=36.5613,
        centre_lon=136.6562,
    )
    db_session.add(region)
    for n in range(count):
        category = CATEGORIES[n % len(CATEGORIES)]
        offered = n % 3 == 0
        db_session.add(
            Venue(
                region=region,
                slug=f"venue-{n:04d}",
                category=category,
                name_en=f"{category.replace('_', ' ').title()} Studio No. {n}",
                name_local=f"工房{n}号 金沢{category}",
                name_ko=f"공방 {n}호",
                address=f"石川県金沢市東山{n % 9 + 1}丁目{n % 30 + 1}-{n % 17 + 1}",
                lat=36.5613 + rng.uniform(-0.045, 0.045),
                lon=136.6562 + rng.uniform(-0.055, 0.055),
                coordinates="approximate",
                coordinates_note="placed by hand at the shop door",
                hours=synthetic_hours(n),
                visit_minutes=30 + n % 4 * 15,
                admission_price=float(n % 5 * 200),
                admission_currency="JPY",
                experience_offered=offered,
                experience_name="Gold-leaf chopsticks workshop" if offered else None,
                experience_minutes=60 if offered else None,
                experience_price=1500.0 if offered else None,
                experience_currency="JPY" if offered else None,
                experience_capacity=10 if offered else None,
                experience_booking_required=offered or None,
                website=f"https://example.org/venues/{n}",
                phone="+81 76-221-0000",
                description_en="A family workshop founded in the Meiji era; visitors watch the craft and try it. " * 3,
                description_ko="메이지 시대에 세워진 가족 공방으로, 방문객은 공예를 보고 직접 체험할 수 있다. " * 3,
                access_notes="Step-free entrance from the side street",
                sources=[f"https://example.org/venues/{n}", "https://www.kanazawa-kankoukyoukai.or.jp/"],
                version=1,
            )
        )
    db_session.commit()


def baseline_page(slug: str) -> str:
    """The region page with the naive map: one folium.Marker and Popup per venue (the same paged list beside)."""
    from datetime import date

    region = region_by_slug(db_session, slug)
    assert region is not None
    venues = list(db_session.scalars(venues_query(region)))
    m = PlannerMap(static_url, tiles(), location=[region.centre_lat, region.centre_lon], zoom_start=14)
    today = date.today()
    for venue in venues:
        lines = [display_name(venue), venue.name_local, category_label(venue.category), hours_today_text(venue, today)]
        folium.Marker(
            [venue.lat, venue.lon],
            tooltip=escape(display_name(venue)),
            popup=folium.Popup("<br>".join(str(escape(line)) for line in lines if line), max_width=300),
        ).add_to(m)
    return render_template(
        "regions/region.html",
        region=region,
        venues=venues[:LIST_PAGE_SIZE],
        total=len(venues),
        page=1,
        pages=-(-len(venues) // LIST_PAGE_SIZE),
        categories=CATEGORIES,
        category=None,
        q="",
        map=split_map(m),
    )


def measure(client: FlaskClient, url: str, runs: int) -> tuple[float, float, int]:
    """Median and fastest milliseconds over `runs` requests (after one warm-up), and the page size in bytes."""
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venues", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        app.add_url_rule("/benchmark/baseline/<slug>", "benchmark_baseline", baseline_page)
        with app.app_context():
            add_region(args.venues, random.Random(7))
        client = app.test_client()
        ours_ms, ours_best, ours_bytes = measure(client, f"/regions/{SLUG}", args.runs)
        base_ms, base_best, base_bytes = measure(client, f"/benchmark/baseline/{SLUG}", args.runs)
        app.extensions["planner_engine"].dispose()

    def verdict(ok: bool) -> str:
        return "meets the goal" if ok else "MISSES the goal"

    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(f"Region page with {args.venues} venues, {args.runs} runs each (Flask test client, SQLite);")
    print(f"machine load {load:.1f} per CPU (above ~0.5 other work is slowing the figures down)")
    print(f"{'':36}{'median':>10}{'fastest':>10}{'HTML':>11}")
    for name, median, best, size in (
        ("ours: one clustered GeoJSON layer", ours_ms, ours_best, ours_bytes),
        ("baseline: one Marker+Popup each", base_ms, base_best, base_bytes),
    ):
        print(f"{name:36}{median:>7.0f} ms{best:>7.0f} ms{size / 1024:>7.0f} KiB")
    print(f"ratio ours/baseline: time {ours_ms / base_ms:.2f}, size {ours_bytes / base_bytes:.2f}")
    print(f"goal ≤ {GOAL_MS:.0f} ms (median): {ours_ms:.0f} ms, {verdict(ours_ms <= GOAL_MS)}")
    print(f"goal ≤ {GOAL_KIB:.0f} KiB: {ours_bytes / 1024:.0f} KiB, {verdict(ours_bytes / 1024 <= GOAL_KIB)}")


if __name__ == "__main__":
    main()
