"""Where templates/, static/ and data/ live: inside the package when installed from a wheel, at the top of
the repository when running from a checkout (the design card keeps them there)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` (templates, static or data) for this installation."""
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name
