"""Rules for bringing a whole calendar in from a spreadsheet: no imported booking may overlap
another of the file or one already in the calendar, for the same staff member."""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

DATE_COLUMN = "Date"


@dataclass(frozen=True)
class ImportedVisit:
    row: int  # the spreadsheet's row number
    staff_member_id: int
    starts_at: datetime
    ends_at: datetime


def schedule_conflicts(
    visits: Sequence[ImportedVisit], calendar: Mapping[int, Sequence[tuple[datetime, datetime]]], tz: ZoneInfo
) -> list[dict]:
    """A problem {row, column, message} for each visit overlapping an earlier row of the file or a
    live booking of the calendar (`calendar`: each staff member's bookings, which never overlap)."""
    problems = []
    by_staff = defaultdict(list)
    for visit in visits:
        by_staff[visit.staff_member_id].append(visit)
    for staff_member_id, own in by_staff.items():
        booked = sorted(calendar.get(staff_member_id, ()))
        booked_starts = [start for start, _ in booked]
        latest = None  # the visit of the file reaching furthest so far
        for visit in sorted(own, key=lambda v: (v.starts_at, v.row)):
            if latest is not None and visit.starts_at < latest.ends_at:
                problems.append(_problem(visit, f"Overlaps row {latest.row} for the same employee."))
            index = bisect_left(booked_starts, visit.ends_at)
            if index and booked[index - 1][1] > visit.starts_at:
                start = booked[index - 1][0].astimezone(tz).strftime("%d.%m.%Y %H:%M")
                problems.append(_problem(visit, f"Overlaps a booking already in the calendar at {start}."))
            if latest is None or visit.ends_at > latest.ends_at:
                latest = visit
    return sorted(problems, key=lambda problem: problem["row"])


def _problem(visit: ImportedVisit, message: str) -> dict:
    return {"row": visit.row, "column": DATE_COLUMN, "message": message}
