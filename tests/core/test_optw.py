"""Reader of the shared OPTW benchmark files and the one-row solve wrapper."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner.core.optw import read_instance, read_vertices, scale_for, solve_optw_file

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "optw"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark folder not present")


def test_c204_split_header() -> None:
    verts = read_vertices(DATA / "solomon" / "c204.txt")
    assert len(verts) == 101
    assert [v.id for v in verts] == list(range(101))
    assert verts[0].close == 3390
    assert (verts[4].open, verts[4].close) == (1261, 1421)


def test_pr01_crlf_and_variable_list() -> None:
    verts = read_vertices(DATA / "cordeau" / "pr01.txt")
    assert len(verts) == 49  # N = 48 customers + depot
    assert (verts[0].x, verts[0].y, verts[0].close) == (-10.442, 19.999, 1000)
    # "1 -29.730 64.136 2 12 4 1 15 354 509": the visit-day list has `a` entries; O, C are the last two
    assert (verts[1].service, verts[1].score, verts[1].open, verts[1].close) == (2, 12, 354, 509)


def test_pr10_last_two_tokens() -> None:
    verts = read_vertices(DATA / "cordeau" / "pr10.txt")
    assert len(verts) == 289
    assert (verts[1].service, verts[1].score, verts[1].open, verts[1].close) == (15, 10, 404, 527)


def test_scaling_and_truncation() -> None:
    assert scale_for(DATA / "cordeau" / "pr03.txt") == 100
    assert scale_for("/x/pr07.txt") == 100
    assert scale_for(DATA / "solomon" / "r101.txt") == 10
    inst, ids = read_instance(DATA / "solomon" / "c101.txt", 2)
    verts = read_vertices(DATA / "solomon" / "c101.txt")
    assert ids == list(range(1, 101))
    assert len(inst.tours) == 2 and inst.tours[1].close == verts[0].close * 10
    d = math.hypot(verts[0].x - verts[1].x, verts[0].y - verts[1].y)
    assert inst.travel[0, 1] == math.floor(d * 10)
    v1 = inst.visits[0]
    assert v1.location == 1 and v1.service == verts[1].service * 10
    assert v1.windows[1] == ((verts[1].open * 10, verts[1].close * 10),)


def test_solve_optw_file_shape() -> None:
    res = solve_optw_file(DATA / "solomon" / "c101.txt", 1, seconds=0.3)
    assert res["instance"] == "c101"
    tours = res["tours"]
    assert isinstance(tours, list) and len(tours) == 1
    assert all(0 not in t for t in tours)
    assert isinstance(res["score"], int) and res["score"] > 0
