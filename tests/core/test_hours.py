"""Opening hours: weekly rules, seasons, nth-weekday closures, exceptions and timezones."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from planner.core.hours import HoursError, format_intervals, is_open, open_intervals, parse_hours

KENROKUEN = {
    "weekly": {"daily": ["07:00-18:00"]},
    "seasons": [{"name": "winter", "from": "10-16", "to": "02-28", "weekly": {"daily": ["08:00-17:00"]}}],
}
CRAFTS_MUSEUM = {
    "weekly": {"daily": ["09:00-17:00"]},
    "seasons": [
        {"name": "winter", "from": "12-01", "to": "03-31", "weekly": {"daily": ["09:00-17:00"], "thu": "closed"}}
    ],
    "closures": [{"weekday": "thu", "nth": 3, "months": [4, 5, 6, 7, 8, 9, 10, 11]}],
    "exceptions": [{"date": "2026-05-05", "intervals": ["10:00-12:00"]}],
}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 7, 1), ((420, 1080),)),  # summer
        (date(2026, 10, 15), ((420, 1080),)),  # last summer day
        (date(2026, 10, 16), ((480, 1020),)),  # first winter day
        (date(2027, 1, 10), ((480, 1020),)),  # winter wraps the new year
        (date(2028, 2, 29), ((480, 1020),)),  # leap day belongs to a season ending 02-28
        (date(2027, 3, 1), ((420, 1080),)),
    ],
)
def test_seasons_switch_hours(day: date, expected: tuple[tuple[int, int], ...]) -> None:
    assert parse_hours(KENROKUEN).intervals_on(day) == expected


@pytest.mark.parametrize(
    ("day", "is_closed"),
    [
        (date(2026, 4, 16), True),  # 3rd Thursday of April
        (date(2026, 4, 9), False),  # 2nd Thursday
        (date(2026, 12, 3), True),  # every Thursday in winter
        (date(2026, 12, 4), False),
    ],
)
def test_closures_and_closed_days(day: date, is_closed: bool) -> None:
    assert (parse_hours(CRAFTS_MUSEUM).intervals_on(day) == ()) is is_closed


def test_dated_exception_overrides_rules() -> None:
    assert parse_hours(CRAFTS_MUSEUM).intervals_on(date(2026, 5, 5)) == ((600, 720),)


def test_last_weekday_of_month_closure() -> None:
    hours = parse_hours({"weekly": {"daily": ["09:00-17:00"]}, "closures": [{"weekday": "mon", "nth": -1}]})
    assert hours.intervals_on(date(2026, 11, 30)) == ()  # last Monday of November
    assert hours.intervals_on(date(2026, 11, 23)) != ()


def test_several_intervals_a_day_and_later_keys_override() -> None:
    hours = parse_hours(
        {"weekly": {"daily": ["09:00-12:00", "13:00-17:00"], "mon": "closed", "sat,sun": ["10:00-16:00"]}}
    )
    assert hours.intervals_on(date(2026, 11, 24)) == ((540, 720), (780, 1020))  # Tuesday
    assert hours.intervals_on(date(2026, 11, 23)) == ()  # Monday
    assert hours.intervals_on(date(2026, 11, 28)) == ((600, 960),)  # Saturday
    assert format_intervals(hours.intervals_on(date(2026, 11, 24))) == "09:00–12:00, 13:00–17:00"


def test_unknown_hours_are_open_all_day_and_flagged() -> None:
    hours = parse_hours(None)
    assert not hours.known
    assert hours.intervals_on(date(2026, 1, 1)) == ((0, 1440),)


def test_is_open_uses_the_region_timezone() -> None:
    hours = parse_hours({"weekly": {"daily": ["09:00-17:00"]}})
    tokyo_morning = datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert is_open(hours, tokyo_morning, "Asia/Tokyo")
    # 09:30 in Tokyo is 00:30 UTC: the same instant given in UTC must still be open
    assert is_open(hours, tokyo_morning.astimezone(ZoneInfo("UTC")), "Asia/Tokyo")
    assert not is_open(hours, datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("UTC")), "Asia/Tokyo")  # 18:30 there
    assert not is_open(hours, datetime(2026, 7, 1, 17, 0), "Asia/Tokyo")  # closing minute is closed


def test_open_intervals_are_aware_datetimes() -> None:
    ((start, end),) = open_intervals(
        parse_hours({"weekly": {"daily": ["09:00-17:00"]}}), date(2026, 7, 1), "Asia/Seoul"
    )
    assert start.isoformat() == "2026-07-01T09:00:00+09:00"
    assert (end - start).total_seconds() == 8 * 3600


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"weekly": {"daily": ["9-17"]}}, "not an interval"),
        ({"weekly": {"daily": ["17:00-09:00"]}}, "ends before it starts"),
        ({"weekly": {"daily": ["09:00-12:00", "11:00-13:00"]}}, "overlap"),
        ({"weekly": {"funday": ["09:00-12:00"]}}, "not a day name"),
        ({"weekly": {"daily": ["09:00-25:00"]}}, "between 00:00 and 24:00"),
        ({"seasons": [{"from": "02-30", "to": "03-01", "weekly": {}}]}, "not a real month-day"),
        ({"weekly": {}, "closures": [{"weekday": "thu", "nth": 7}]}, "nth"),
        ({"weekly": {}, "exceptions": [{"date": "someday"}]}, "not a date"),
        ({"opening": {}}, "unknown key"),
        ({"note": "only a note"}, "give 'weekly'"),
    ],
)
def test_bad_hours_say_why(spec: dict[str, object], message: str) -> None:
    with pytest.raises(HoursError, match=message):
        parse_hours(spec)
