"""The seeded 2018 study tour plans to a sensible four-day itinerary around its two appointments."""

from __future__ import annotations

from flask import Flask

from planner.core.itinerary import StopKind, plan_itinerary
from planner.core.validate import validate_plan
from planner.db.session import db_session
from planner.services.tours import build_problem, replan_tour, tour_by_ref


def test_study_tour_keeps_appointments_and_is_feasible(app: Flask) -> None:
    with app.app_context():
        tour = tour_by_ref(db_session, "kanazawa-study-tour-2018")
        assert tour is not None
        problem, _, _ = build_problem(db_session, tour.problem)
        plan = plan_itinerary(problem)
        assert validate_plan(problem, plan) == []
        assert [d.day.isoformat() for d in plan.days] == ["2018-03-25", "2018-03-26", "2018-03-27", "2018-03-28"]
        appointments = [
            (d.day.isoformat(), s.start) for d in plan.days for s in d.stops if s.kind is StopKind.APPOINTMENT
        ]
        assert len(appointments) == len(problem.appointments) == 2
        for a in problem.appointments:
            assert (a.day.isoformat(), a.start) in appointments
        visits = [s.place.name for d in plan.days for s in d.stops if s.kind is StopKind.VISIT]
        must = [c.place.name for c in problem.candidates if c.must_visit]
        assert set(must) <= set(visits)
        assert len(visits) >= 10  # four days of craft visits, not a near-empty plan
        assert all(any(s.kind is StopKind.LUNCH for s in d.stops) for d in plan.days[1:3])


def test_replan_stores_the_result_and_cli_prints_it(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["plan", "kanazawa-study-tour-2018"])
    assert result.exit_code == 0, result.output
    assert "2018-03-26" in result.output and "appointment" in result.output
    with app.app_context():
        tour = tour_by_ref(db_session, "kanazawa-study-tour-2018")
        assert tour is not None and tour.result is not None
        assert len(tour.result["days"]) == 4
        again = replan_tour(db_session, tour)
        assert [d["stops"] for d in again["days"]] == [d["stops"] for d in tour.result["days"]]
    missing = app.test_cli_runner().invoke(args=["plan", "no-such-tour"])
    assert missing.exit_code != 0 and "no tour" in missing.output
