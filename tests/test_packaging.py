"""A non-editable install (a built wheel) finds its templates, static files, seed data and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import sys
from planner import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite:///%s", "TILE_URL": ""})
assert app.template_folder.startswith(sys.argv[1]), app.template_folder
assert app.static_folder.startswith(sys.argv[1]), app.static_folder
client = app.test_client()
assert client.get("/regions/kanazawa").status_code == 200
assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
assert len(client.get("/api/v1/regions/chungnam/venues").get_json()["features"]) >= 25
print("ok")
"""


def test_wheel_install_is_self_contained(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "planner/templates/base.html",
        "planner/static/vendor/leaflet/leaflet.js",
        "planner/data/regions/kanazawa.yaml",
        "planner/db/migrations/env.py",
    ):
        assert expected in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True
    )
    package = str(target / "planner")
    result = subprocess.run(
        [sys.executable, "-c", CHECK % (tmp_path / "db.sqlite"), package],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    console = (target / "bin" / "planner").read_text()
    assert "planner.cli" in console
