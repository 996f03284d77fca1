"""Weekly opening hours with seasons, nth-weekday closures and dated exceptions.

Times are local wall-clock minutes since midnight in the venue's region; `open_intervals` turns them into
aware datetimes in the region's IANA timezone, so a daylight-saving jump is handled by zoneinfo, not here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60

Interval = tuple[int, int]
"""An open interval in minutes since local midnight, end exclusive (0 <= start < end <= 1440)."""

WeeklyHours = tuple[tuple[Interval, ...], ...]
"""Seven entries, Monday first; an empty entry means closed that day."""


class HoursError(ValueError):
    """Opening hours written in a form that cannot be read."""


@dataclass(frozen=True)
class Season:
    """Weekly hours that apply between two month-days (inclusive, may wrap the new year)."""

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    weekly: WeeklyHours

    def holds(self, day: date) -> bool:
        """Tell whether `day` falls inside the season."""
        md = (day.month, day.day)
        if (day.month, day.day) == (2, 29) and self.end == (2, 28):
            return True
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


@dataclass(frozen=True)
class Closure:
    """Closed on the nth given weekday of the listed months (nth = -1 for the last one)."""

    weekday: int
    nth: int
    months: tuple[int, ...] = tuple(range(1, 13))

    def holds(self, day: date) -> bool:
        """Tell whether the closure falls on `day`."""
        if day.weekday() != self.weekday or day.month not in self.months:
            return False
        if self.nth > 0:
            return (day.day - 1) // 7 + 1 == self.nth
        return (day + timedelta(days=7)).month != day.month


@dataclass(frozen=True)
class OpeningHours:
    """A venue's opening hours; `known=False` means no source gave them."""

    weekly: WeeklyHours = ((),) * 7
    seasons: tuple[Season, ...] = ()
    closures: tuple[Closure, ...] = ()
    exceptions: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    note: str = ""
    known: bool = True

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """Return the local open intervals on `day`, in minutes since midnight."""
        if not self.known:
            return ((0, DAY_MINUTES),)
        if day in self.exceptions:
            return self.exceptions[day]
        if any(closure.holds(day) for closure in self.closures):
            return ()
        weekly = next((s.weekly for s in self.seasons if s.holds(day)), self.weekly)
        return weekly[day.weekday()]


UNKNOWN_HOURS = OpeningHours(known=False)


def open_intervals(hours: OpeningHours, day: date, tz: str) -> list[tuple[datetime, datetime]]:
    """Return the open intervals of `day` as aware datetimes in the timezone `tz`."""
    zone = ZoneInfo(tz)
    midnight = datetime.combine(day, time(0))
    return [
        (
            (midnight + timedelta(minutes=start)).replace(tzinfo=zone),
            (midnight + timedelta(minutes=end)).replace(tzinfo=zone),
        )
        for start, end in hours.intervals_on(day)
    ]


def is_open(hours: OpeningHours, moment: datetime, tz: str) -> bool:
    """Tell whether a venue is open at `moment` (an aware datetime, or naive local time in `tz`)."""
    local = moment.astimezone(ZoneInfo(tz)) if moment.tzinfo else moment
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in hours.intervals_on(local.date()))


# --- reading the seed/import text form ------------------------------------------------------------

_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def parse_clock(text: str) -> int:
    """Parse 'HH:MM' (00:00-24:00) into minutes since midnight."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match:
        raise HoursError(f"'{text}' is not a time of day like 09:30")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(f"'{text}' is not a time of day between 00:00 and 24:00")
    return hours * 60 + minutes


def parse_interval(text: str) -> Interval:
    """Parse 'HH:MM-HH:MM' into an interval; the end must come after the start."""
    match = _INTERVAL.match(str(text))
    if not match:
        raise HoursError(f"'{text}' is not an interval like 09:00-17:00")
    start = parse_clock(f"{match[1]}:{match[2]}")
    end = parse_clock(f"{match[3]}:{match[4]}")
    if end <= start:
        raise HoursError(f"'{text}' ends before it starts (hours past midnight are not supported)")
    return start, end


def _parse_intervals(value: object) -> tuple[Interval, ...]:
    if value == "closed" or value == []:
        return ()
    if not isinstance(value, list):
        raise HoursError(f"expected a list of intervals or 'closed', got {value!r}")
    intervals = sorted(parse_interval(item) for item in value)
    for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
        if start < end:
            raise HoursError(f"intervals {value} overlap")
    return tuple(intervals)


def _parse_days(key: str) -> list[int]:
    days: list[int] = []
    for part in str(key).lower().replace(" ", "").split(","):
        if part == "daily":
            days.extend(range(7))
        elif "-" in part:
            first, _, last = part.partition("-")
            if first not in WEEKDAYS or last not in WEEKDAYS:
                raise HoursError(f"'{key}' is not a day range like mon-fri")
            i, j = WEEKDAYS.index(first), WEEKDAYS.index(last)
            days.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
        elif part in WEEKDAYS:
            days.append(WEEKDAYS.index(part))
        else:
            raise HoursError(f"'{key}' is not a day name (mon..sun), a range (mon-fri) or 'daily'")
    return days


def parse_weekly(spec: object) -> WeeklyHours:
    """Parse a {days: intervals} mapping; later keys override earlier ones; unnamed days are closed."""
    if not isinstance(spec, Mapping):
        raise HoursError(f"weekly hours must be a mapping of days to intervals, got {spec!r}")
    week: list[tuple[Interval, ...]] = [()] * 7
    for key, value in spec.items():
        intervals = _parse_intervals(value)
        for day in _parse_days(key):
            week[day] = intervals
    return tuple(week)


def _parse_month_day(text: object) -> tuple[int, int]:
    match = _MONTH_DAY.match(str(text))
    if not match:
        raise HoursError(f"'{text}' is not a month-day like 03-01")
    month, day = int(match[1]), int(match[2])
    try:
        date(2000, month, day)  # a leap year, so 02-29 is accepted
    except ValueError as exc:
        raise HoursError(f"'{text}' is not a real month-day") from exc
    return month, day


def parse_hours(spec: Mapping[str, object] | None) -> OpeningHours:
    """Build OpeningHours from the documented text form (see data/SCHEMA.md); None means unknown."""
    if spec is None:
        return UNKNOWN_HOURS
    if not isinstance(spec, Mapping):
        raise HoursError(f"hours must be a mapping, got {spec!r}")
    unknown = set(spec) - {"weekly", "seasons", "closures", "exceptions", "note"}
    if unknown:
        raise HoursError(f"unknown key(s) {', '.join(sorted(unknown))}")
    seasons = tuple(
        Season(
            name=str(item.get("name", "")),
            start=_parse_month_day(item.get("from")),
            end=_parse_month_day(item.get("to")),
            weekly=parse_weekly(item.get("weekly")),
        )
        for item in _as_list(spec.get("seasons"), "seasons")
    )
    closures = tuple(_parse_closure(item) for item in _as_list(spec.get("closures"), "closures"))
    exceptions: dict[date, tuple[Interval, ...]] = {}
    for item in _as_list(spec.get("exceptions"), "exceptions"):
        day = _parse_date(item.get("date"))
        exceptions[day] = _parse_intervals(item.get("intervals", "closed"))
    weekly = spec.get("weekly")
    if weekly is None and not seasons:
        raise HoursError("give 'weekly' hours or at least one season")
    return OpeningHours(
        weekly=parse_weekly(weekly) if weekly is not None else ((),) * 7,
        seasons=seasons,
        closures=closures,
        exceptions=exceptions,
        note=str(spec.get("note") or ""),
    )


def _as_list(value: object, name: str) -> Sequence[Mapping[str, object]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise HoursError(f"'{name}' must be a list of mappings")
    return value


def _parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise HoursError(f"exception date {value!r} is not a date like 2026-01-01") from exc


def _parse_closure(item: Mapping[str, object]) -> Closure:
    weekday = str(item.get("weekday", "")).lower()
    if weekday not in WEEKDAYS:
        raise HoursError(f"closure weekday {weekday!r} is not one of {', '.join(WEEKDAYS)}")
    nth = item.get("nth")
    if not isinstance(nth, int) or nth not in (1, 2, 3, 4, 5, -1):
        raise HoursError(f"closure nth {nth!r} must be 1..5 or -1 (last)")
    months = item.get("months", list(range(1, 13)))
    if not isinstance(months, list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
        raise HoursError(f"closure months {months!r} must be a list of 1..12")
    return Closure(WEEKDAYS.index(weekday), nth, tuple(months))


def format_intervals(intervals: Sequence[Interval]) -> str:
    """Render intervals as '09:00–12:00, 13:00–17:00' (or 'closed')."""
    if not intervals:
        return "closed"
    return ", ".join(f"{clock(s)}–{clock(e)}" for s, e in intervals)


def clock(minutes: int) -> str:
    """Render minutes since midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
