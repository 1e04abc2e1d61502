"""Six-field NCRONTAB parsing and next occurrence, with given datetimes (no clock, no waiting)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from devhost.ncrontab import ScheduleError, parse, resolve


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 30 2 * * *", at(2026, 3, 2, 9, 0), at(2026, 3, 3, 2, 30)),
        ("0 30 2 * * *", at(2026, 3, 2, 2, 29, 59), at(2026, 3, 2, 2, 30)),
        ("*/15 * * * * *", at(2026, 3, 2, 9, 0, 59), at(2026, 3, 2, 9, 1, 0)),
        ("*/15 * * * * *", at(2026, 3, 2, 9, 0, 15), at(2026, 3, 2, 9, 0, 30)),
        ("0 */5 * * * *", at(2026, 3, 2, 9, 58), at(2026, 3, 2, 10, 0)),
        ("0 0 9 * * Mon-Fri", at(2026, 11, 27, 10, 0), at(2026, 11, 30, 9, 0)),  # Friday → Monday
        ("0 0 0 1 Jan *", at(2026, 12, 31, 23, 59, 59), at(2027, 1, 1)),
        ("0 0 0 29 Feb *", at(2026, 3, 1), at(2028, 2, 29)),
        ("5,10 0 12 * * *", at(2026, 3, 2, 12, 0, 5), at(2026, 3, 2, 12, 0, 10)),
        ("0 0 0 13 * 5", at(2026, 1, 1), at(2026, 2, 13)),  # Friday the 13th: day AND weekday
        ("* * * * * *", at(2026, 3, 2, 9, 0, 0, 500_000), at(2026, 3, 2, 9, 0, 1)),
    ],
)
def test_next_occurrence_is_strictly_after(expression: str, after: datetime, expected: datetime) -> None:
    found = parse(expression).next_after(after)
    assert found == expected
    assert parse(expression).matches(found)


def test_next_occurrence_is_answered_in_utc_for_other_offsets() -> None:
    zurich = timezone(timedelta(hours=1))
    found = parse("0 30 2 * * *").next_after(datetime(2026, 3, 2, 3, 0, tzinfo=zurich))  # 02:00 UTC
    assert found == at(2026, 3, 2, 2, 30)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse("0 * * * * *").next_after(datetime(2026, 3, 2))


def test_five_fields_are_rejected_like_the_real_host() -> None:
    with pytest.raises(ScheduleError, match="five fields"):
        parse("30 2 * * *")


@pytest.mark.parametrize(
    "expression",
    ["", "* * * *", "* * * * * * *", "60 * * * * *", "* * 24 * * *", "* * * 0 * *", "* * * * 13 *",
     "* * * * * 7", "*/0 * * * * *", "5-1 * * * * *", "a * * * * *", "1,,2 * * * * *", "* * * * Foo *",
     "٣ * * * * *"],
)
def test_malformed_expressions_name_their_problem(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse(expression)


def test_a_schedule_that_never_occurs_is_an_error_not_a_hang() -> None:
    with pytest.raises(ScheduleError, match="never occurs"):
        parse("0 0 0 31 Feb *").next_after(at(2026, 1, 1))


def test_names_and_steps_expand_to_the_right_sets() -> None:
    schedule = parse("0 0 0 * Jan,JUL sun,sat")
    assert schedule.months == {1, 7}
    assert schedule.weekdays == {0, 6}
    assert parse("10/20 * * * * *").seconds == {10, 30, 50}
    assert parse("0-10/5 * * * * *").seconds == {0, 5, 10}


def test_app_setting_references_are_resolved_and_missing_ones_refused() -> None:
    assert resolve("%PORTAL_RETENTION_SCHEDULE%", {"PORTAL_RETENTION_SCHEDULE": "0 30 2 * * *"}) == "0 30 2 * * *"
    with pytest.raises(ScheduleError, match="NOT_SET"):
        resolve("%NOT_SET%", {})


def test_a_timer_whose_schedule_never_occurs_is_reported_not_scheduled() -> None:
    import azure.functions as func

    from devhost.timers import timer_targets

    app = func.FunctionApp()

    @app.timer_trigger(schedule="0 0 0 31 Feb *", arg_name="timer")
    def never(timer: func.TimerRequest) -> None:
        return None

    @app.timer_trigger(schedule="%EVERY_MINUTE%", arg_name="timer")
    def minutely(timer: func.TimerRequest) -> None:
        return None

    targets, errors = timer_targets(list(app.get_functions()), {"EVERY_MINUTE": "0 * * * * *"}, at(2026, 1, 1))
    assert [t.name for t in targets] == ["minutely"]
    assert "never occurs" in errors["never"]
