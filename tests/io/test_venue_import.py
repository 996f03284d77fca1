"""Venue imports from real CSV (UTF-8, CP949, Shift_JIS), GeoJSON, KML and GPX files into a real database:
previews name line, field and reason; applying is all-or-nothing; duplicates are flagged, never doubled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.db.models import Region, Venue
from planner.db.session import db_session
from planner.io.readers import ImportFileError, decode_text
from planner.io.venue_import import format_from_filename, read_venue_file
from planner.services.imports import (
    ImportConflict,
    ImportOptions,
    apply_import,
    is_similar_name,
    normalise_name,
    preview_import,
)

FILES = Path(__file__).with_name("files")


def _import(runner: FlaskCliRunner, region: str, path: Path, *options: str) -> Result:
    return runner.invoke(args=["import", "venues", region, str(path), *options])


def _venue(slug: str) -> Venue | None:
    return db_session.scalar(select(Venue).where(Venue.slug == slug))


def _count(region: str) -> int:
    query = select(func.count(Venue.id)).join(Region).where(Region.slug == region)
    return db_session.scalar(query) or 0


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cp949_csv_from_korean_excel_is_decoded_and_stored(app: Flask, runner: FlaskCliRunner) -> None:
    result = _import(runner, "chungnam", FILES / "chungnam_cp949.csv")
    assert result.exit_code == 0, result.output
    assert "read as CP949 (Korean)" in result.output
    assert "slug: not given; made from the English name: hansan-ramie-weaving-studio" in result.output
    with app.app_context():
        venue = _venue("hansan-ramie-weaving-studio")
        assert venue is not None and venue.region.slug == "chungnam"
        assert venue.name_local == "한산모시 짜기 공방" and venue.name_ko == "한산모시 짜기 공방"
        assert venue.address == "충청남도 서천군 한산면 충절로 1089"
        assert (venue.admission_price, venue.admission_currency) == (5000.0, "KRW")  # "5,000" in the sheet
        assert venue.hours == {"weekly": {"daily": ["10:00-17:00"], "mon": "closed"}}
        assert venue.edited_in_app  # `planner seed` keeps imported venues unless --force
        bakery = _venue("gongju-chestnut-bakery")
        assert bakery is not None and bakery.name_local == "공주 밤빵집"
        assert bakery.sources == ["https://example.org/gongju-bakery", "https://example.org/gongju-bakery-2"]


def test_shift_jis_csv_from_japanese_excel_is_decoded_and_stored(app: Flask, runner: FlaskCliRunner) -> None:
    result = _import(runner, "kanazawa", FILES / "kanazawa_shift_jis.csv")
    assert result.exit_code == 0, result.output
    assert "read as Shift_JIS/CP932 (Japanese)" in result.output
    with app.app_context():
        venue = _venue("gold-leaf-chopsticks-workshop")
        assert venue is not None
        assert venue.name_local == "金箔はし工房\u3000ひがし" and venue.address == "石川県金沢市東山２丁目"
        assert venue.experience_offered and venue.experience_name == "金箔貼り体験"
        assert (venue.experience_price, venue.experience_currency, venue.experience_capacity) == (1500.0, "JPY", 10)
        assert venue.experience_booking_required is True
        lacquer = _venue("kanazawa-lacquer-studio")
        assert lacquer is not None and lacquer.name_local == "金沢漆芸工房"
        assert lacquer.experience_booking_required is False and lacquer.experience_minutes == 90


def test_utf8_csv_with_byte_order_mark_reads_its_first_column(app: Flask, runner: FlaskCliRunner) -> None:
    result = _import(runner, "kanazawa", FILES / "kanazawa_utf8_bom.csv")
    assert result.exit_code == 0, result.output
    assert "read as UTF-8 with BOM" in result.output and "not a venue field" not in result.output
    with app.app_context():
        venue = _venue("kutani-tile-gallery")
        assert venue is not None and (venue.name_local, venue.name_ko) == ("九谷タイル画廊", "구타니 타일 갤러리")


# Korean text is Hangul syllables of KS X 1001 (what Korean text and CP949's main block hold); Japanese text is
# kana and JIS level-1 kanji, as names and addresses are. About 9% of those syllables are also valid two-byte
# UTF-8, and UTF-8 rightly wins when a file decodes as UTF-8 ("Café" is valid CP949 too), so a Korean text of
# one or two syllables could read as UTF-8; from eight on the chance is below 1e-8, and real files hold more.
_KS_HANGUL = [chr(c) for c in range(0xAC00, 0xD7A4) if (b := chr(c).encode("cp949"))[0] >= 0xB0 and b[1] >= 0xA1]
_JAPANESE = (
    [chr(c) for c in range(0x3041, 0x3094)] + [chr(c) for c in range(0x30A1, 0x30F5)] + list("金沢市東山兼六園茶屋")
)
_ASCII = list("abc ,.-0123456789")


@given(st.lists(st.sampled_from(_KS_HANGUL), min_size=8, max_size=30), st.lists(st.sampled_from(_ASCII), max_size=5))
def test_any_korean_text_in_cp949_is_read_as_cp949(hangul: list[str], ascii_part: list[str]) -> None:
    text = "".join(ascii_part) + "".join(hangul)
    assert decode_text(text.encode("cp949")) == (text, "CP949 (Korean)")


@given(st.lists(st.sampled_from(_JAPANESE), min_size=1, max_size=20), st.lists(st.sampled_from(_ASCII), max_size=5))
def test_any_japanese_text_in_shift_jis_is_read_as_cp932(japanese: list[str], ascii_part: list[str]) -> None:
    text = "".join(ascii_part) + "".join(japanese)
    assert decode_text(text.encode("shift_jis")) == (text, "Shift_JIS/CP932 (Japanese)")


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "csv", "the file is empty"),
        (b"  \r\n", "csv", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "csv", "not text (a NUL byte at byte offset 8, line 3)"),
        (
            "slug,name_en\r\nx,Caf\xe9 \xc0 la cr\xe8me\r\n".encode("latin-1"),
            "csv",
            "byte 0xe9 at byte offset 19 (line 2)",
        ),
        ("slug\r\n".encode("utf-16"), "csv", "UTF-16"),
        (b"slug,slug\r\na,b\r\n", "csv", "column 'slug' appears more than once"),
        (b"slug,name_en\r\n\r\n", "csv", "no venues (no rows under the header)"),
        (b'{"type": "FeatureCollection", "features": [', "geojson", "not valid JSON"),
        (b'{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}', "geojson", "holds a 'LineString'"),
        (b"[1, 2]", "geojson", "holds a 'list'"),
        (b'{"type": "FeatureCollection", "features": []}', "geojson", "no venues (no features)"),
        (b"\xff\xfe{}", "geojson", "UTF-16"),
        (b"<kml><Placemark>", "kml", "not well-formed XML"),
        (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"/>', "kml", "root element is <gpx>, not <kml>"),
        (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk/></gpx>', "gpx", "no <wpt> waypoints"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "gpx", "not well-formed XML"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_reason(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_venue_file(data, fmt)
    assert message in str(caught.value)


def test_undecodable_csv_is_refused_naming_the_byte_and_nothing_is_written(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("slug,name_en,name_local\r\ncafe,Café,Café\r\n".encode("latin-1"))
    result = _import(runner, "kanazawa", path)
    assert result.exit_code != 0
    assert "latin1.csv: the file's encoding is not one of UTF-8, CP949 (Korean), Shift_JIS/CP932 (Japanese)" in (
        result.output
    )
    assert "line 2" in result.output
    with app.app_context():
        assert _venue("cafe") is None


def test_external_entities_in_xml_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    kml = (
        f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<kml><Placemark><name>&x;</name><Point><coordinates>136.6,36.5</coordinates></Point></Placemark></kml>"
    ).encode()
    rows = read_venue_file(kml, "kml").rows
    assert "TOP SECRET" not in json.dumps(rows[0].fields)


def test_one_bad_row_rejects_the_file_listing_every_line_field_and_reason(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        before = _count("kanazawa")
    result = _import(runner, "kanazawa", FILES / "kanazawa_bad_rows.csv")
    assert result.exit_code == 1
    lines = result.output.splitlines()

    def reasons(position: str) -> str:
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{position} "))
        return "\n".join(lines[start : start + 3])

    assert "create" in reasons("line 2")
    # good-one's description spans lines 2-3, so the next row starts on line 4
    assert "reject" in reasons("line 4") and "lat/lon: (95.5, 136.64) is not a WGS84 position" in reasons("line 4")
    assert "visit_minutes: 'sixty' must be a whole number" in reasons("line 4")
    assert "category: 'teahouse' is not one of" in reasons("line 5")
    assert "hours: is not valid JSON" in reasons("line 6")
    assert "name_local: required" in reasons("line 7")
    assert "slug: 'good-one' is also used by line 2" in reasons("line 8")
    assert "name_en: is 204 characters long; at most 200" in reasons("line 9")
    assert "create" in reasons("line 10")
    assert "Nothing can be imported as it is: 6 rejected" in result.output
    with app.app_context():
        assert _count("kanazawa") == before
        assert _venue("good-one") is None and _venue("good-two") is None


def test_skip_invalid_writes_only_the_good_rows(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        before = _count("kanazawa")
    result = _import(runner, "kanazawa", FILES / "kanazawa_bad_rows.csv", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged; skipped 6 rejected" in result.output
    with app.app_context():
        assert _count("kanazawa") == before + 2
        good = _venue("good-one")
        assert good is not None and good.description_en == "Two lines:\nthe second one"
        assert good.name_en == "Good One Museum"  # the later row with the same slug did not overwrite it
        assert _venue("good-two") is not None
        assert _venue("bad-lat") is None and _venue("long-name") is None


def test_dry_run_never_writes(app: Flask, runner: FlaskCliRunner) -> None:
    result = _import(runner, "kanazawa", FILES / "kanazawa_shift_jis.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "2 to create" in result.output
    result = _import(runner, "kanazawa", FILES / "kanazawa_bad_rows.csv", "--dry-run", "--skip-invalid")
    assert result.exit_code == 0
    with app.app_context():
        assert _venue("kanazawa-lacquer-studio") is None and _venue("good-one") is None


def test_dry_run_of_a_file_with_rejected_rows_exits_non_zero(runner: FlaskCliRunner) -> None:
    result = _import(runner, "kanazawa", FILES / "kanazawa_bad_rows.csv", "--dry-run")
    assert result.exit_code == 1


def test_row_with_a_known_slug_updates_only_the_fields_it_gives(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        venue = _venue("kenroku-en")
        assert venue is not None
        before = {c.key: getattr(venue, c.key) for c in Venue.__table__.columns}
    path = _write(tmp_path, "update.csv", "slug,visit_minutes,phone\nkenroku-en,95,+81 76-234-3800\n")
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 0, result.output
    assert "update" in result.output and "visit_minutes: 60 -> 95" in result.output
    assert "phone: " in result.output
    with app.app_context():
        venue = _venue("kenroku-en")
        assert venue is not None
        after = {c.key: getattr(venue, c.key) for c in Venue.__table__.columns}
        changed = {key for key in after if after[key] != before[key]}
        assert changed == {"visit_minutes", "phone", "edited_in_app", "version", "updated_at"}
        assert (venue.visit_minutes, venue.phone) == (95, "+81 76-234-3800")


def test_update_row_is_validated_as_a_whole(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "update.csv", "slug,name_local,admission_price\nkenroku-en,,-5\n")
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 1
    assert (
        "name_local: required" in result.output and "admission_price: -5 must be a number, 0 or more" in result.output
    )
    with app.app_context():
        venue = _venue("kenroku-en")
        assert venue is not None and venue.name_local == "兼六園"


def test_exported_file_imports_as_unchanged(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    exported = tmp_path / "kanazawa.csv"
    assert runner.invoke(args=["export", "venues", "kanazawa", "-o", str(exported)]).exit_code == 0
    with app.app_context():
        versions = dict(db_session.execute(select(Venue.slug, Venue.version)).all())
    result = _import(runner, "kanazawa", exported)
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated" in result.output
    with app.app_context():
        assert dict(db_session.execute(select(Venue.slug, Venue.version)).all()) == versions


def test_near_venue_with_a_similar_name_is_flagged_not_created(app: Flask, runner: FlaskCliRunner) -> None:
    defaults = ("--category", "shop", "--source", "https://example.org/kml")
    result = _import(runner, "kanazawa", FILES / "kanazawa.kml", *defaults, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "duplicate  kenroku-en-2" in result.output
    assert "probably the same place as venue kenroku-en (3 m away, similar name)" in result.output
    with app.app_context():
        assert _venue("kenroku-en-2") is None
        assert _venue("maki-e-lacquer-room") is not None and _venue("paper-lantern-shop") is not None


def test_probable_duplicate_alone_blocks_the_import_unless_allowed(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # 10 m from Kenroku-en's point, named in Japanese the way the seed names it in its local script
    path = _write(
        tmp_path,
        "dup.csv",
        "slug,category,name_en,name_local,lat,lon,sources\n"
        "kenroku-garden,garden,Kenrokuen,兼六園,36.56289,136.66070,https://example.org/k\n",
    )
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 1 and "duplicate" in result.output
    with app.app_context():
        assert _venue("kenroku-garden") is None
    result = _import(runner, "kanazawa", path, "--allow-duplicates")
    assert result.exit_code == 0, result.output
    assert "created anyway because duplicates are allowed" in result.output
    with app.app_context():
        assert _venue("kenroku-garden") is not None


def test_near_venue_with_another_name_is_not_a_duplicate(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    # Higashi Chaya holds many venues a few metres apart; a new neighbour is not one of them
    path = _write(
        tmp_path,
        "neighbour.csv",
        "slug,category,name_en,name_local,lat,lon,sources\n"
        "lantern-maker,paper,Lantern Maker,提灯屋,36.57250,136.66650,https://example.org/l\n",
    )
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _venue("lantern-maker") is not None


def test_duplicates_within_the_file_are_reported(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "twice.csv",
        "category,name_en,name_local,lat,lon,sources\n"
        "shop,Indigo Shop,藍の店,36.5500,136.6300,https://example.org/a\n"
        "shop,Indigo  SHOP,藍の店,36.55005,136.63005,https://example.org/a\n"
        "shop,Indigo Shop,藍の店,36.5600,136.6400,https://example.org/a\n",
    )
    result = _import(runner, "kanazawa", path, "--dry-run")
    assert result.exit_code == 1
    assert "line 3  duplicate  indigo-shop-2" in result.output
    assert "probably the same place as line 2 (7 m away, similar name)" in result.output
    # the same name far away is another shop: created, with a slug of its own
    assert "line 4  create     indigo-shop-3" in result.output


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Kenroku-en Garden", "KENROKU-EN", True),  # one holds the other, case and hyphens aside
        ("ＡＮＡ Ｃｒｏｗｎｅ", "ana crowne", True),  # full-width letters
        ("兼六園", "兼六 園", True),
        ("Omicho Market", "Omicho Markets", True),  # difflib ratio 0.96
        ("Shima Tea House", "Kaikaro Tea House", False),
        ("志摩", "懐華樓", False),
    ],
)
def test_name_similarity(a: str, b: str, similar: bool) -> None:
    assert is_similar_name(normalise_name(a), normalise_name(b)) is similar


def test_kml_placemarks_become_venues(app: Flask, runner: FlaskCliRunner) -> None:
    result = _import(runner, "kanazawa", FILES / "kanazawa.kml")
    assert result.exit_code == 1
    assert "warning: 'colour' is not a venue field and was ignored (1 row)" in result.output
    assert "placemark 3 (line 25)  reject" in result.output
    assert "geometry: is a LineString; only Point placemarks are venues" in result.output
    assert "category: not given: add it to the file, or give the import a default category" in result.output
    result = _import(runner, "kanazawa", FILES / "kanazawa.kml", "--skip-invalid")
    assert result.exit_code == 0, result.output
    with app.app_context():
        venue = _venue("maki-e-lacquer-room")
        assert venue is not None
        assert (venue.name_en, venue.name_local, venue.category) == ("Maki-e Lacquer Room", "蒔絵の間", "lacquer")
        assert venue.description_en == "Lacquer painting with <b>gold</b> powder"
        assert (venue.lat, venue.lon, venue.sources) == (36.5651, 136.6601, ["https://example.org/makie"])
        assert _venue("paper-lantern-shop") is None  # neither category nor source: rejected and skipped


def test_gpx_waypoints_become_venues_with_the_default_source(app: Flask, runner: FlaskCliRunner) -> None:
    result = _import(runner, "chungnam", FILES / "chungnam.gpx", "--source", "https://example.org/gpx")
    assert result.exit_code == 1
    assert "waypoint 3 (line 15)  reject" in result.output and "category: 'Flag, Blue' is not one of" in result.output
    assert "probably the same place as venue busosanseong (14 m away, similar name)" in result.output
    assert "note: name_local: not given; the file's one name is used for it too" in result.output
    result = _import(
        runner, "chungnam", FILES / "chungnam.gpx", "--source", "https://example.org/gpx", "--skip-invalid"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        venue = _venue("mosi-dyeing-room")
        assert venue is not None
        assert (venue.category, venue.website, venue.description_en) == (
            "textile",
            "https://example.org/mosi-dye",
            "Natural dyeing of ramie cloth",
        )
        assert (venue.name_local, venue.sources) == ("Mosi Dyeing Room", ["https://example.org/gpx"])
        assert _count("chungnam") == 29


def test_geojson_features_are_judged_one_by_one(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    point = {"type": "Point", "coordinates": [136.64, 36.551]}
    features: list[Any] = [
        {  # the seed's nested form works too
            "type": "Feature",
            "geometry": point,
            "properties": {
                "slug": "washi-room",
                "category": "paper",
                "name": {"en": "Washi Room", "local": "和紙の間"},
                "admission": {"price": 500},
                "sources": ["https://example.org/w"],
            },
        },
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[136.6, 36.5], [136.7, 36.6]]}},
        {"type": "Feature", "geometry": None, "properties": {"slug": "nowhere"}},
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [136.64, 36.552]},
            "properties": {"slug": "moved", "lat": 40.0, "lon": 136.64},
        },
        "not a feature",
    ]
    path = _write(tmp_path, "v.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 1
    assert "feature 1  create" in result.output
    assert "geometry: is a LineString; only Point features are venues" in result.output
    assert "geometry: missing: a venue needs a Point" in result.output
    assert "lat/lon: the fields say (40.0, 136.64) but the geometry says (36.552, 136.64)" in result.output
    assert "feature: is not a GeoJSON Feature object" in result.output
    result = _import(runner, "kanazawa", path, "--skip-invalid")
    assert result.exit_code == 0
    with app.app_context():
        venue = _venue("washi-room")
        assert venue is not None and (venue.lat, venue.lon) == (36.551, 136.64)
        assert (venue.admission_price, venue.admission_currency) == (500.0, "JPY")


def test_slug_too_long_is_an_error_not_cut(runner: FlaskCliRunner, tmp_path: Path) -> None:
    slug = "a" * 101
    path = _write(
        tmp_path,
        "long.csv",
        f"slug,category,name_en,name_local,lat,lon,sources\n{slug},shop,A,あ,36.5,136.6,https://e.org\n",
    )
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 1 and "slug: is 101 characters long; at most 100" in result.output


def test_row_without_slug_or_latin_name_is_rejected_naming_slug(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(
        tmp_path, "noslug.csv", "category,name_en,name_local,lat,lon,sources\nshop,金箔,金箔,36.5,136.6,https://e.org\n"
    )
    result = _import(runner, "kanazawa", path)
    assert result.exit_code == 1 and "slug: not given, and there is no English (Latin-letter) name" in result.output


def test_unknown_region_and_unknown_extension_are_usage_errors(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = _import(runner, "atlantis", FILES / "kanazawa_utf8_bom.csv")
    assert result.exit_code != 0 and "no region 'atlantis'" in result.output
    sheet = tmp_path / "venues.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    result = _import(runner, "kanazawa", sheet)
    assert result.exit_code != 0 and "save the sheet as 'CSV UTF-8'" in result.output
    with pytest.raises(ImportFileError, match="choose one of csv, geojson, kml, gpx"):
        format_from_filename("venues.ods")


def test_import_is_atomic_when_the_database_refuses_a_row(app: Flask) -> None:
    """A venue created meanwhile by someone else makes the flush fail: nothing of the import stays."""
    data = (FILES / "kanazawa_shift_jis.csv").read_bytes()
    with app.app_context():
        region = db_session.scalar(select(Region).where(Region.slug == "kanazawa"))
        assert region is not None
        report = preview_import(db_session, region, read_venue_file(data, "csv"), ImportOptions())
        assert [row.action for row in report.rows] == ["create", "create"]
        with Session(app.extensions["planner_engine"]) as other:  # another user, another connection
            other.add(
                Venue(
                    region_id=region.id,
                    slug="gold-leaf-chopsticks-workshop",
                    category="shop",
                    name_en="Taken",
                    name_local="取",
                    lat=36.0,
                    lon=136.0,
                    sources=[],
                )
            )
            other.commit()
        with pytest.raises(ImportConflict, match="nothing was imported"):
            apply_import(db_session, region, report)
        db_session.rollback()
        assert _venue("kanazawa-lacquer-studio") is None
        taken = _venue("gold-leaf-chopsticks-workshop")
        assert taken is not None and taken.name_en == "Taken"


def test_each_field_is_judged_once(app: Flask) -> None:
    csv_data = "category,name_en,name_local,lat,lon,sources\nshop,金箔,金箔,36.5,136.6,https://e.org\n".encode()
    geojson = b'{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {"slug": "p"}}'
    with app.app_context():
        region = db_session.scalar(select(Region).where(Region.slug == "kanazawa"))
        assert region is not None
        [row] = preview_import(db_session, region, read_venue_file(csv_data, "csv"), ImportOptions()).rows
        assert [name for name, _ in row.errors] == ["slug"]
        [row] = preview_import(db_session, region, read_venue_file(geojson, "geojson"), ImportOptions()).rows
        fields = [name for name, _ in row.errors]
        assert "geometry" in fields and "lat/lon" not in fields and fields.count("category") == 1
