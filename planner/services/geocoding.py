"""Addresses to positions through a Nominatim server (geopy's client), with every failure made plain.

The server is configured (GEOCODER_DOMAIN, GEOCODER_SCHEME, GEOCODER_TIMEOUT, GEOCODER_USER_AGENT) so an office
can use its own Nominatim, and tests a small HTTP server on 127.0.0.1. When the server cannot help (timeout,
refused connection, HTTP error, an answer that is not Nominatim JSON) the caller gets `GeocoderUnavailable` with
a short reason code; the page then asks the user to pick the place on the map instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Any

from geopy.adapters import RequestsAdapter
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeopyError,
)
from geopy.exc import GeocoderUnavailable as GeopyUnavailable
from geopy.geocoders import Nominatim

from planner.db.models import Region

MAX_RESULTS = 5
# Half the side of the box around a region's centre that results are biased towards (not limited to): about
# 30 km, wide enough for Kanazawa or a Chungnam county, so a street name shared with another city ranks lower.
BIAS_DEGREES = 0.3


class GeocoderUnavailable(Exception):
    """The address service could not answer; `reason` is one of REASONS, `detail` what geopy said."""

    REASONS = ("timeout", "unreachable", "refused", "rate_limited", "bad_answer", "error")

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class GeocoderSettings:
    """Where the Nominatim server is and how long to wait for it."""

    domain: str
    scheme: str
    timeout: float
    user_agent: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GeocoderSettings:
        """Read the GEOCODER_* keys of an app config."""
        return cls(
            domain=str(config["GEOCODER_DOMAIN"]),
            scheme=str(config["GEOCODER_SCHEME"]),
            timeout=float(config["GEOCODER_TIMEOUT"]),
            user_agent=str(config["GEOCODER_USER_AGENT"]),
        )


@dataclass(frozen=True)
class Bias:
    """Prefer results inside `viewbox` ((south, west), (north, east)) and in `country_codes` (ISO 3166 alpha-2)."""

    viewbox: tuple[tuple[float, float], tuple[float, float]] | None = None
    country_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GeocodeResult:
    """One place found: its display name and WGS84 position."""

    name: str
    lat: float
    lon: float


def region_bias(region: Region) -> Bias:
    """Bias towards the region: a box around its centre and the country its timezone belongs to."""
    lat, lon = region.centre_lat, region.centre_lon
    box = ((lat - BIAS_DEGREES, lon - BIAS_DEGREES), (lat + BIAS_DEGREES, lon + BIAS_DEGREES))
    country = _timezone_countries().get(region.timezone)
    return Bias(viewbox=box, country_codes=(country,) if country else ())


def geocode_address(
    settings: GeocoderSettings, query: str, *, bias: Bias | None = None, language: str | None = None
) -> list[GeocodeResult]:
    """Look up an address; an empty list means the server answered but knows no such place.

    :param language: preferred language of the names returned (an Accept-Language value such as "ko").
    :raise GeocoderUnavailable: when the server cannot be reached or its answer cannot be used.
    """
    client = Nominatim(
        domain=settings.domain,
        scheme=settings.scheme,
        timeout=settings.timeout,
        user_agent=settings.user_agent,
        # No retries: a person is waiting and the page offers the map instead; geopy's default of two retries
        # would triple the wait on a slow server (and knock twice more on a public one that asks for restraint).
        adapter_factory=partial(RequestsAdapter, max_retries=0),
    )
    bias = bias or Bias()
    try:
        found = client.geocode(
            query,
            exactly_one=False,
            limit=MAX_RESULTS,
            language=language or False,
            viewbox=bias.viewbox,
            bounded=False,
            country_codes=list(bias.country_codes) or None,
        )
        return [
            GeocodeResult(str(place.address), float(place.latitude), float(place.longitude)) for place in found or []
        ]
    except GeopyError as exc:
        raise GeocoderUnavailable(_reason(exc), str(exc)) from exc
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # JSON, but not a list of Nominatim places
        raise GeocoderUnavailable("bad_answer", str(exc)) from exc


def _reason(exc: GeopyError) -> str:
    """Sort geopy's exceptions into the few reasons a person can act on (most specific class first)."""
    kinds: tuple[tuple[type[GeopyError], str], ...] = (
        (GeocoderTimedOut, "timeout"),
        (GeocoderRateLimited, "rate_limited"),
        (GeocoderQuotaExceeded, "rate_limited"),
        (GeocoderAuthenticationFailure, "refused"),
        (GeocoderInsufficientPrivileges, "refused"),
        (GeocoderParseError, "bad_answer"),
        (GeopyUnavailable, "unreachable"),
        (GeocoderServiceError, "error"),
    )
    for cls, reason in kinds:
        if isinstance(exc, cls):
            return reason
    return "error"


@cache
def _timezone_countries() -> dict[str, str]:
    """Timezone name → country code, from the zone.tab shipped with tzdata (one country per zone there)."""
    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {cols[2]: cols[0].lower() for cols in pairs if len(cols) >= 3}
