"""Six-field NCRONTAB schedules (`{second} {minute} {hour} {day} {month} {day-of-week}`), as the
Functions host reads them, and their next occurrence after a given instant.

Five-field (classic cron) expressions are refused, as the real host refuses them, so a schedule that
works here works in Azure. Day-of-month and day-of-week must both match (NCrontab's rule, unlike
Vixie cron's "either"). Times are UTC, the host's default without WEBSITE_TIME_ZONE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MONTHS = {n: i for i, n in enumerate(_MONTH_NAMES, start=1)}
DAYS = {n: i for i, n in enumerate(_DAY_NAMES)}
_SETTING = re.compile(r"%([A-Za-z0-9_.:-]+)%")
_MAX_DAYS_SEARCHED = 366 * 5


class ScheduleError(ValueError):
    """The expression is not a valid six-field NCRONTAB schedule."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None


_FIELDS = (
    _Field("second", 0, 59),
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day", 1, 31),
    _Field("month", 1, 12, MONTHS),
    _Field("day-of-week", 0, 6, DAYS),
)


@dataclass(frozen=True)
class Schedule:
    expression: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday, as in NCRONTAB

    def matches(self, when: datetime) -> bool:
        return (
            when.second in self.seconds
            and when.minute in self.minutes
            and when.hour in self.hours
            and self._day_matches(when)
        )

    def _day_matches(self, when: datetime) -> bool:
        return (
            when.month in self.months
            and when.day in self.days
            and (when.isoweekday() % 7) in self.weekdays
        )

    def next_after(self, when: datetime) -> datetime:
        """The first occurrence strictly after `when` (aware; answered in UTC)."""
        if when.tzinfo is None:
            raise ValueError("give an aware datetime")
        start = when.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
        day = start.replace(hour=0, minute=0, second=0)
        for _ in range(_MAX_DAYS_SEARCHED):
            if self._day_matches(day):
                found = self._time_on(day, start if day.date() == start.date() else day)
                if found is not None:
                    return found
            day += timedelta(days=1)
        raise ScheduleError(f"{self.expression!r} never occurs")

    def _time_on(self, day: datetime, earliest: datetime) -> datetime | None:
        """The first matching time of `day` at or after `earliest` (same day or its midnight)."""
        floor = (earliest.hour, earliest.minute, earliest.second)
        for hour in sorted(h for h in self.hours if h >= floor[0]):
            for minute in sorted(self.minutes):
                if (hour, minute) < floor[:2]:
                    continue
                for second in sorted(self.seconds):
                    if (hour, minute, second) >= floor:
                        return day.replace(hour=hour, minute=minute, second=second)
        return None


def parse(expression: str) -> Schedule:
    """Parse a six-field expression; anything else raises ScheduleError naming the problem."""
    fields = expression.split()
    if len(fields) == 5:
        raise ScheduleError(f"{expression!r} has five fields; the Functions host needs six (seconds first)")
    if len(fields) != 6:
        raise ScheduleError(f"{expression!r} must have six fields, has {len(fields)}")
    values = [_parse_field(text, spec) for text, spec in zip(fields, _FIELDS, strict=True)]
    return Schedule(expression, *values)


def resolve(expression: str, settings: dict[str, str]) -> str:
    """`%NAME%` refers to an app setting, as in the Functions host."""

    def lookup(found: re.Match[str]) -> str:
        key = found.group(1)
        if key not in settings:
            raise ScheduleError(f"schedule refers to app setting {key!r}, which is not set")
        return settings[key]

    return _SETTING.sub(lookup, expression)


def _parse_field(text: str, spec: _Field) -> frozenset[int]:
    result: set[int] = set()
    for part in text.split(","):
        if not part:
            raise ScheduleError(f"empty list item in the {spec.name} field")
        body, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"bad step {step_text!r} in the {spec.name} field")
            step = int(step_text)
        if body == "*":
            low, high = spec.low, spec.high
        elif "-" in body:
            first, _, last = body.partition("-")
            low, high = _value(first, spec), _value(last, spec)
            if low > high:
                raise ScheduleError(f"range {body!r} runs backwards in the {spec.name} field")
        else:
            low = _value(body, spec)
            high = spec.high if step_text else low
        result.update(range(low, high + 1, step))
    return frozenset(result)


def _value(text: str, spec: _Field) -> int:
    lowered = text.lower()
    if spec.names and lowered in spec.names:
        return spec.names[lowered]
    if not text.isascii() or not text.isdigit():
        raise ScheduleError(f"{text!r} is not a value of the {spec.name} field")
    number = int(text)
    if not spec.low <= number <= spec.high:
        raise ScheduleError(f"{number} is outside {spec.low}-{spec.high} in the {spec.name} field")
    return number
