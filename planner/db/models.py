"""SQLAlchemy 2.0 models: regions, their venues, and saved tours."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every planner model."""


class Region(Base):
    """A destination: its names, timezone, map centre and default walking settings."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str | None] = mapped_column(String(200))
    name_local: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    centre_lat: Mapped[float] = mapped_column(Float)
    centre_lon: Mapped[float] = mapped_column(Float)
    walk_speed_m_per_min: Mapped[float] = mapped_column(Float, default=80.0)
    detour_factor: Mapped[float] = mapped_column(Float, default=1.3)
    per_leg_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    max_walk_m: Mapped[float] = mapped_column(Float, default=2500.0)
    seed_digest: Mapped[str | None] = mapped_column(String(64))

    venues: Mapped[list[Venue]] = relationship(back_populates="region", cascade="all, delete-orphan")
    tours: Mapped[list[Tour]] = relationship(back_populates="region", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class Venue(Base):
    """A place a tour can visit or start from, with every fact the planner and the handouts show."""

    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("region_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_local: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    coordinates: Mapped[str] = mapped_column(String(16), default="approximate")
    coordinates_note: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    visit_minutes: Mapped[int | None] = mapped_column(Integer)
    admission_price: Mapped[float | None] = mapped_column(Float)
    admission_currency: Mapped[str | None] = mapped_column(String(3))
    experience_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    experience_name: Mapped[str | None] = mapped_column(String(200))
    experience_minutes: Mapped[int | None] = mapped_column(Integer)
    experience_price: Mapped[float | None] = mapped_column(Float)
    experience_currency: Mapped[str | None] = mapped_column(String(3))
    experience_capacity: Mapped[int | None] = mapped_column(Integer)
    experience_booking_required: Mapped[bool | None] = mapped_column(Boolean)
    experience_contact: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(64))
    description_en: Mapped[str | None] = mapped_column(Text)
    description_ko: Mapped[str | None] = mapped_column(Text)
    access_notes: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    seed_digest: Mapped[str | None] = mapped_column(String(64))
    edited_in_app: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    region: Mapped[Region] = relationship(back_populates="venues")

    # Optimistic locking: an UPDATE carries "WHERE version = <read version>", so two people editing the same
    # venue cannot silently overwrite each other (StaleDataError for the second).
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Venue {self.slug}>"


class Tour(Base):
    """A saved planning problem (the same JSON the plan API takes) and its last result."""

    __tablename__ = "tour"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    share_token: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_urlsafe(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    region: Mapped[Region] = relationship(back_populates="tours")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Tour {self.slug}>"
