"""Working hours as stored (rows of local wall-clock spans) turned into the slot engine's plans,
and the rules a day's plan must follow."""

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo

from scheduling.domain.slots import DayPlan, Interval, LocalSpan, WorkingHours, working_intervals

SHIFT, BREAK = "shift", "break"
NO_HOURS = WorkingHours({})
_LOCAL_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def parse_local_time(text: str) -> time:
    """A time of day as "HH:MM" on a 24-hour clock, 00:00 to 23:59."""
    match = _LOCAL_TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a time of day as HH:MM")
    return time(int(match[1]), int(match[2]))


def format_local_time(moment: time) -> str:
    return moment.strftime("%H:%M")


def day_plan_problems(shifts: Iterable[LocalSpan], breaks: Iterable[LocalSpan]) -> dict[str, list[str]]:
    """What is wrong with a day's plan, by field: overlapping shifts or breaks, breaks outside a shift."""
    shifts, breaks = sorted(shifts, key=_start), sorted(breaks, key=_start)
    problems: dict[str, list[str]] = {}
    for name, spans in (("shifts", shifts), ("breaks", breaks)):
        for earlier, later in pairwise(spans):
            if later.start < earlier.end:
                problems.setdefault(name, []).append(f"{_text(earlier)} and {_text(later)} overlap")
    for break_ in breaks:
        if not any(shift.start <= break_.start and break_.end <= shift.end for shift in shifts):
            problems.setdefault("breaks", []).append(f"{_text(break_)} does not lie within a shift")
    return problems


class PlanSpan(NamedTuple):
    """One stored span: of a weekday (weekly pattern) or of a date (override).

    An override without spans (a day off) is one PlanSpan with kind None.
    """

    staff_member_id: int
    weekday: int | None
    on_date: date | None
    kind: str | None
    start: time | None
    end: time | None


def working_hours_by_staff(spans: Iterable[PlanSpan]) -> dict[int, WorkingHours]:
    """Each staff member's WorkingHours from their stored spans, in any order."""
    weekly: dict[int, dict[int, tuple[list, list]]] = defaultdict(dict)
    overrides: dict[int, dict[date, tuple[list, list]]] = defaultdict(dict)
    for span in spans:
        if span.on_date is not None:
            plan = overrides[span.staff_member_id].setdefault(span.on_date, ([], []))
        else:
            plan = weekly[span.staff_member_id].setdefault(span.weekday, ([], []))
        if span.kind is not None:
            plan[0 if span.kind == SHIFT else 1].append(LocalSpan(span.start, span.end))
    return {
        staff_member_id: WorkingHours(
            {weekday: _day_plan(*plan) for weekday, plan in weekly[staff_member_id].items()},
            {day: _day_plan(*plan) for day, plan in overrides[staff_member_id].items()},
        )
        for staff_member_id in weekly.keys() | overrides.keys()
    }


def plan_breaks(working_hours: WorkingHours, day: date, tz: ZoneInfo) -> tuple[Interval, ...]:
    """The day's planned (weekly or override) breaks as UTC intervals, resolved across DST
    exactly as the slot engine resolves them."""
    breaks = working_hours.plan_for(day).breaks
    if not breaks:
        return ()
    return working_intervals(WorkingHours({}, {day: DayPlan(breaks)}), day, tz)


def _day_plan(shifts: list[LocalSpan], breaks: list[LocalSpan]) -> DayPlan:
    return DayPlan(tuple(sorted(shifts, key=_start)), tuple(sorted(breaks, key=_start)))


def _start(span: LocalSpan) -> time:
    return span.start


def _text(span: LocalSpan) -> str:
    return f"{format_local_time(span.start)}-{format_local_time(span.end)}"
