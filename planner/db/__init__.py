"""Persistence: the SQLAlchemy session, models and Alembic migrations."""
