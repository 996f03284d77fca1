"""Translated display labels for stored codes (categories, stop kinds, drop reasons)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "tea_house": _l("Tea house"),
    "historic_district": _l("Historic district"),
    "pottery": _l("Pottery"),
    "gold_leaf": _l("Gold leaf"),
    "textile": _l("Textile & dyeing"),
    "lacquer": _l("Lacquer"),
    "metal": _l("Metalwork"),
    "paper": _l("Paper"),
    "confectionery": _l("Confectionery"),
    "market": _l("Market"),
    "museum": _l("Museum"),
    "gallery": _l("Gallery"),
    "garden": _l("Garden"),
    "shrine_temple": _l("Shrine / temple"),
    "heritage_site": _l("Heritage site"),
    "workshop": _l("Workshop"),
    "shop": _l("Craft shop"),
    "meeting_venue": _l("Meeting venue"),
    "lodging": _l("Lodging"),
    "transport_hub": _l("Station / terminal"),
}


def category_label(code: str) -> str:
    """The category's name in the current language."""
    return str(CATEGORY_LABELS.get(code, code))


def category_labels() -> dict[str, str]:
    """All category names in the current language (for map legends and popups)."""
    return {code: str(label) for code, label in CATEGORY_LABELS.items()}
