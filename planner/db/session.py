"""One engine and a request-scoped session, built unbound at import and bound in `init_app`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker


class _AppBoundSession(Session):
    """A session that talks to the current app's engine, so several apps (tests, a live server thread) can
    live in one process without sharing a database."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        engine: Engine = current_app.extensions["planner_engine"]
        return engine


_scoped = scoped_session(sessionmaker(class_=_AppBoundSession, expire_on_commit=False))
# Typed as a Session so services can take `Session`: a scoped_session proxies every Session method.
db_session: Session = _scoped  # type: ignore[assignment]
"""The session views, services and the CLI use; one per thread, removed when the app context ends."""

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys switched on (off by default there)."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _enable_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return engine


def init_app(app: Flask) -> None:
    """Give the app its engine and remove the session after each app context."""
    app.extensions["planner_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_remove_session)


def _remove_session(exc: BaseException | None) -> None:
    if exc is not None:
        _scoped.rollback()
    _scoped.remove()


def alembic_config(engine: Engine) -> Config:
    """An Alembic config for the migrations shipped inside the package, bound to `engine`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine) -> None:
    """Apply every migration not yet applied (creates the schema on an empty database)."""
    command.upgrade(alembic_config(engine), "head")
