"""The appointment calendar's days: who works when, and the breaks of their plan.

Appointments, group events and breaks added from the calendar belong to the bookings service,
which the calendar asks for them itself.

The day view (every staff member, one day) is on a benchmarked path: two reads whatever the
range and the staff (the company with its staff and their services, then their hours), from
statements built once.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from scheduling.domain.hours import NO_HOURS, plan_breaks, working_hours_by_staff
from scheduling.domain.slots import Interval, WorkingHours, working_intervals
from scheduling.handlers import availability
from scheduling.models import Company, StaffMember, StaffService


@dataclass(frozen=True)
class CalendarColumn:
    staff_member_id: int
    working: list[Interval]  # the shifts minus the breaks
    breaks: list[Interval]  # of the weekly pattern or a date override


@dataclass(frozen=True)
class CalendarDate:
    date: date
    columns: list[CalendarColumn]  # in the order of CalendarDays.staff


@dataclass(frozen=True)
class CalendarDays:
    timezone: str
    staff: list[dict]  # each staff member's columns and service_ids, as StaffMemberSchema dumps them
    days: list[CalendarDate]


_STAFF_COLUMNS = [column.name for column in StaffMember.__table__.c]


def _staff_of_company(which):
    """The company's time zone, with each of its staff members (`which`) and their services: a
    row per service, and one row without staff for a company without them."""
    same_company = StaffService.company_id == Company.id
    return (
        select(Company.timezone, *StaffMember.__table__.c, StaffService.service_id)
        .select_from(Company)
        .outerjoin(StaffMember, (StaffMember.company_id == Company.id) & which)
        .outerjoin(StaffService, (StaffService.staff_member_id == StaffMember.id) & same_company)
        .where(Company.id == bindparam("company_id"))
        .order_by(StaffMember.name, StaffMember.id, StaffService.service_id)
    )


_ACTIVE_STAFF = _staff_of_company(StaffMember.active.is_(True))
_CHOSEN_STAFF = _staff_of_company(StaffMember.id.in_(bindparam("staff_member_ids", expanding=True)))


def calendar_days(
    uow: UnitOfWork, company_id: int, date_from: date, date_to: date, staff_member_ids: list[int] | None = None
) -> CalendarDays:
    """Each day of date_from..date_to with a column per staff member, by name: every active
    one, or those chosen (active or not; InvalidInput on staff_member_ids for one not the
    company's). Instants are in the company's zone, resolved across DST as the slot engine does.
    """
    with uow:
        session = uow.session
        tz, staff = _company_staff(session, company_id, staff_member_ids)
        ids = [member["id"] for member in staff]
        hours = {}
        if ids:
            spans = availability.plan_spans_of_days(session, company_id, ids, date_from, date_to)
            hours = working_hours_by_staff(spans)
    days = [
        CalendarDate(
            day, [_column(staff_member_id, hours.get(staff_member_id, NO_HOURS), day, tz) for staff_member_id in ids]
        )
        for day in _days(date_from, date_to)
    ]
    return CalendarDays(tz.key, staff, days)


def _company_staff(session: Session, company_id: int, chosen: list[int] | None) -> tuple[ZoneInfo, list[dict]]:
    if chosen is None:
        rows = session.execute(_ACTIVE_STAFF, {"company_id": company_id}).all()
    else:
        rows = session.execute(_CHOSEN_STAFF, {"company_id": company_id, "staff_member_ids": chosen}).all()
    if not rows:
        raise NotFound(f"company {company_id} not found")
    staff: dict[int, dict] = {}
    for row in rows:
        if row.id is None:  # the company has nobody of those asked for
            continue
        member = staff.get(row.id)
        if member is None:
            member = staff[row.id] = {name: getattr(row, name) for name in _STAFF_COLUMNS} | {"service_ids": []}
        if row.service_id is not None:
            member["service_ids"].append(row.service_id)
    unknown = sorted(set(chosen or ()) - staff.keys())
    if unknown:
        raise InvalidInput.field("staff_member_ids", f"No staff member {', '.join(map(str, unknown))}.")
    return ZoneInfo(rows[0].timezone), list(staff.values())


def _column(staff_member_id: int, working_hours: WorkingHours, day: date, tz: ZoneInfo) -> CalendarColumn:
    return CalendarColumn(
        staff_member_id,
        [_local(interval, tz) for interval in working_intervals(working_hours, day, tz)],
        [_local(interval, tz) for interval in plan_breaks(working_hours, day, tz)],
    )


def _days(first: date, last: date) -> Iterator[date]:
    while first <= last:
        yield first
        first += timedelta(days=1)


def _local(interval: Interval, tz: ZoneInfo) -> Interval:
    """The same interval with its instants in the company's zone."""
    return Interval(interval.start.astimezone(tz), interval.end.astimezone(tz))
