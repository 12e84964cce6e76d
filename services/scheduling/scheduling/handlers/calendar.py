"""The appointment calendar's day: who works when, and their breaks."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from salon_infra.database import UnitOfWork
from scheduling.domain.hours import NO_HOURS, plan_breaks, working_hours_by_staff
from scheduling.domain.slots import Interval, working_intervals
from scheduling.handlers import availability, lookups
from scheduling.models import StaffMember


@dataclass(frozen=True)
class CalendarBreak:
    start: datetime
    end: datetime
    id: int | None  # None for a break of the weekly pattern or a date override


@dataclass(frozen=True)
class CalendarColumn:
    staff_member: StaffMember
    working: list[Interval]
    breaks: list[CalendarBreak]


@dataclass(frozen=True)
class CalendarDay:
    date: date
    timezone: str
    staff: list[CalendarColumn]


def calendar_day(uow: UnitOfWork, company_id: int, day: date) -> CalendarDay:
    """Every active staff member, by name, with the day's working intervals and breaks in local time."""
    with uow:
        session = uow.session
        tz = lookups.zone_of(lookups.company(session, company_id))
        staff = list(
            session.scalars(
                select(StaffMember)
                .where(StaffMember.company_id == company_id, StaffMember.active.is_(True))
                .order_by(StaffMember.name, StaffMember.id)
            )
        )
        ids = [member.id for member in staff]
        hours, dated = {}, []
        if ids:
            hours = working_hours_by_staff(availability.plan_spans(session, company_id, ids, day, day))
            day_start = datetime.combine(day, time(), tzinfo=tz)
            day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
            dated = availability.dated_breaks(session, company_id, ids, day_start, day_end)
    columns = []
    for member in staff:
        working_hours = hours.get(member.id, NO_HOURS)
        breaks = [CalendarBreak(b.start, b.end, None) for b in plan_breaks(working_hours, day, tz)]
        breaks += [CalendarBreak(b.starts_at, b.ends_at, b.id) for b in dated if b.staff_member_id == member.id]
        columns.append(
            CalendarColumn(
                member,
                [_local(interval, tz) for interval in working_intervals(working_hours, day, tz)],
                sorted((_local(b, tz) for b in breaks), key=lambda b: b.start),
            )
        )
    return CalendarDay(day, tz.key, columns)


def _local(span, tz: ZoneInfo):
    """The same interval or break with its instants in the company's zone."""
    return replace(span, start=span.start.astimezone(tz), end=span.end.astimezone(tz))
