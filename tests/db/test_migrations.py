"""The Alembic migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from planner.db.session import alembic_config, make_engine, upgrade_database


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
        assert {"region", "venue", "tour", "alembic_version"} <= set(inspect(engine).get_table_names())
        command.check(alembic_config(engine))  # raises if autogenerate would find a difference
        upgrade_database(engine)  # a second start changes nothing
    finally:
        engine.dispose()
