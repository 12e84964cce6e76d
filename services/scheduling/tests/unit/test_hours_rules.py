from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from scheduling.domain.hours import (
    NO_HOURS,
    PlanSpan,
    day_plan_problems,
    format_local_time,
    parse_local_time,
    plan_breaks,
    working_hours_by_staff,
)
from scheduling.domain.slots import DayPlan, LocalSpan, WorkingHours

BERLIN = ZoneInfo("Europe/Berlin")


def span(start: str, end: str) -> LocalSpan:
    return LocalSpan(parse_local_time(start), parse_local_time(end))


@pytest.mark.parametrize(("text", "expected"), [("00:00", time(0, 0)), ("09:05", time(9, 5)), ("23:59", time(23, 59))])
def test_local_times_are_hh_mm(text, expected):
    assert parse_local_time(text) == expected
    assert format_local_time(expected) == text


@pytest.mark.parametrize("text", ["9:00", "24:00", "12:60", "12:00:00", " 12:00", "noon", "", None, 900])
def test_anything_else_is_not_a_local_time(text):
    with pytest.raises(ValueError):
        parse_local_time(text)


def test_a_sound_day_has_no_problems():
    shifts = [span("14:00", "18:00"), span("09:00", "12:00")]
    assert day_plan_problems(shifts, [span("10:00", "10:15"), span("15:00", "15:30")]) == {}
    assert day_plan_problems([span("09:00", "12:00"), span("12:00", "18:00")], [span("09:00", "12:00")]) == {}
    assert day_plan_problems([], []) == {}


def test_overlapping_shifts_and_breaks_and_stray_breaks_are_named():
    problems = day_plan_problems(
        [span("09:00", "13:00"), span("12:00", "18:00")],
        [span("10:00", "11:00"), span("10:30", "11:30"), span("18:30", "19:00")],
    )
    assert problems == {
        "shifts": ["09:00-13:00 and 12:00-18:00 overlap"],
        "breaks": ["10:00-11:00 and 10:30-11:30 overlap", "18:30-19:00 does not lie within a shift"],
    }
    assert day_plan_problems([], [span("10:00", "11:00")]) == {"breaks": ["10:00-11:00 does not lie within a shift"]}


def test_a_break_spanning_two_back_to_back_shifts_lies_within_neither():
    problems = day_plan_problems([span("09:00", "12:00"), span("12:00", "18:00")], [span("11:30", "12:30")])
    assert list(problems) == ["breaks"]


def test_stored_spans_become_working_hours_per_staff_member():
    monday = date(2030, 1, 7)
    spans = [
        PlanSpan(1, 0, None, "break", time(12), time(13)),
        PlanSpan(1, 0, None, "shift", time(14), time(18)),
        PlanSpan(1, 0, None, "shift", time(9), time(13)),
        PlanSpan(1, 2, None, "shift", time(10), time(16)),
        PlanSpan(1, None, monday, "shift", time(8), time(12)),
        PlanSpan(2, None, monday, None, None, None),  # a day off, and no weekly pattern
    ]
    hours = working_hours_by_staff(spans)
    assert hours[1] == WorkingHours(
        {
            0: DayPlan((span("09:00", "13:00"), span("14:00", "18:00")), (span("12:00", "13:00"),)),
            2: DayPlan((span("10:00", "16:00"),)),
        },
        {monday: DayPlan((span("08:00", "12:00"),))},
    )
    assert hours[2] == WorkingHours({}, {monday: DayPlan()})
    assert hours[2].plan_for(monday) == DayPlan() and 3 not in hours
    assert NO_HOURS.plan_for(monday) == DayPlan()


def test_planned_breaks_resolve_to_instants_in_the_company_zone():
    winter, summer = date(2030, 1, 7), date(2030, 7, 1)
    hours = WorkingHours({0: DayPlan((span("09:00", "18:00"),), (span("12:00", "12:30"), span("12:30", "13:00")))})
    (lunch,) = plan_breaks(hours, winter, BERLIN)
    assert (lunch.start, lunch.end) == (datetime(2030, 1, 7, 11, tzinfo=UTC), datetime(2030, 1, 7, 12, tzinfo=UTC))
    (lunch,) = plan_breaks(hours, summer, BERLIN)
    assert lunch.start == datetime(2030, 7, 1, 10, tzinfo=UTC)
    assert plan_breaks(hours, date(2030, 1, 8), BERLIN) == ()
