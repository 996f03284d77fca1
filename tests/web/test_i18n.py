"""Korean and English: the switch is remembered, Korean pages keep the Japanese names, the catalogue is complete."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

import planner

TRANSLATIONS = Path(planner.__file__).with_name("translations")
PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def _nav(html: str) -> str:
    match = re.search(r"<nav aria-label=\"[^\"]*\">(.*?)</nav>", html, re.S)
    assert match is not None
    return match.group(1)


def test_the_chosen_language_is_remembered(client: FlaskClient) -> None:
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    switch = client.get("/lang/ko?next=/regions/kanazawa")
    assert switch.status_code == 302 and switch.headers["Location"] == "/regions/kanazawa"
    with client.session_transaction() as session:
        assert session["lang"] == "ko"
    for url in ("/", "/regions/chungnam", "/regions/kanazawa/venues/kenroku-en"):
        html = client.get(url).get_data(as_text=True)
        assert '<html lang="ko">' in html, url
        assert "지역" in _nav(html) and "Regions" not in _nav(html), url
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Regions" in _nav(html)


def test_the_browser_language_is_used_until_one_is_chosen(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ko">' in html
    client.get("/lang/en")
    html = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_the_switch_only_goes_back_to_our_own_pages(client: FlaskClient, target: str) -> None:
    response = client.get("/lang/ko", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client: FlaskClient) -> None:
    client.get("/lang/xx")
    with client.session_transaction() as session:
        assert "lang" not in session


def test_korean_pages_show_korean_names_with_the_japanese_beside(client: FlaskClient) -> None:
    client.get("/lang/ko")
    venue = client.get("/regions/kanazawa/venues/kenroku-en").get_data(as_text=True)
    assert '<h1>겐로쿠엔 <span class="local">兼六園</span></h1>' in venue
    assert "Kenroku-en Garden" in venue  # the English name stays findable
    assert "운영 시간" in venue and "Opening hours" not in venue
    region = client.get("/regions/kanazawa").get_data(as_text=True)
    assert ">겐로쿠엔</a>" in region and "兼六園" in region
    assert "정원" in region  # the category label, translated
    form = client.get("/regions/kanazawa/venues/kenroku-en/edit").get_data(as_text=True)
    assert "영어 이름" in form and 'value="兼六園"' in form


def test_form_errors_and_messages_come_in_korean(client: FlaskClient) -> None:
    client.get("/lang/ko")
    html = client.post("/regions/kanazawa/venues/new", data={"lat": "36.5", "lon": "136.6"}).get_data(as_text=True)
    assert "아무것도 저장하지 않았습니다" in html
    assert re.search(r'id="name_en-error">필수 항목입니다</p>', html)


def test_every_message_has_a_korean_translation() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ko")
    messages = [m for m in catalog if m.id]
    assert len(messages) > 300
    untranslated = [m.id for m in messages if not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert untranslated == []
    assert [m.id for m in messages if m.fuzzy] == []
    for m in messages:
        source = m.id[-1] if isinstance(m.id, tuple) else m.id
        target = m.string[0] if isinstance(m.string, tuple) else m.string
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), m.id


def test_the_shipped_mo_is_the_compiled_po() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ko")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert MO.read_bytes() == compiled.getvalue(), "run: pybabel compile -d planner/translations"
