"""Shared fixtures: an app with a fresh database per test (SQLite, and PostgreSQL when
PLANNER_TEST_DATABASE_URL is set), its test client and CLI runner."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planner import create_app

PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A PostgreSQL database of this test worker's own (xdist workers run side by side)."""
    assert PG_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"planner_test_{re.sub(r'[^a-z0-9]', '', worker)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _fresh_postgres(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database for one test."""
    if request.param == "postgresql":
        return _fresh_postgres(request.getfixturevalue("pg_database_url"))
    return f"sqlite:///{tmp_path / 'planner.sqlite'}"


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[object]:
    """Build apps with test config; their engines are disposed after the test."""
    apps: list[Flask] = []

    def _make(database_url: str, **config: object) -> Flask:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "DATABASE_URL": database_url,
                "SEED_ON_START": True,
                "TILE_URL": "",
                "WTF_CSRF_ENABLED": False,
                **config,
            }
        )
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["planner_engine"].dispose()


@pytest.fixture
def app(make_app: object, database_url: str) -> Flask:
    """The app on a fresh database, seeded from data/."""
    return make_app(database_url)  # type: ignore[operator]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
