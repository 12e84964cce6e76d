"""A staff member's working hours: the weekly pattern and dated overrides.

Breaks added from the calendar belong to the bookings service; they reach slot search as busy
times (handlers.busy_times).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict, NotFound
from scheduling.domain.hours import BREAK, NO_HOURS, SHIFT, working_hours_by_staff
from scheduling.domain.slots import DayPlan
from scheduling.handlers import availability, lookups
from scheduling.models import DateOverride, DateOverrideSpan, WeeklyHours


@dataclass(frozen=True)
class StaffHours:
    """What get_working_hours shows: the whole week, and overrides from today on."""

    staff_member_id: int
    weekly: list[dict]
    overrides: list[dict]


def get_working_hours(uow: UnitOfWork, company_id: int, staff_member_id: int) -> StaffHours:
    with uow:
        session = uow.session
        tz = lookups.zone_of(lookups.company(session, company_id))
        lookups.require_staff_member(session, company_id, staff_member_id)
        today = datetime.now(UTC).astimezone(tz).date()
        spans = availability.plan_spans(session, company_id, [staff_member_id], today, None)
        hours = working_hours_by_staff(spans).get(staff_member_id, NO_HOURS)
    empty = DayPlan()
    return StaffHours(
        staff_member_id,
        [_day(hours.weekly.get(weekday, empty), weekday=weekday) for weekday in range(7)],
        [_day(plan, date=day) for day, plan in sorted(hours.overrides.items())],
    )


def set_weekly_hours(uow: UnitOfWork, company_id: int, staff_member_id: int, weekly: list[dict]) -> StaffHours:
    """Replace the weekly pattern; weekdays not given become days off."""
    with uow:
        lookups.require_staff_member(uow.session, company_id, staff_member_id)
        uow.session.execute(
            delete(WeeklyHours).where(
                WeeklyHours.company_id == company_id, WeeklyHours.staff_member_id == staff_member_id
            )
        )
        uow.session.add_all(
            WeeklyHours(
                company_id=company_id,
                staff_member_id=staff_member_id,
                weekday=day["weekday"],
                kind=kind,
                start_time=span.start,
                end_time=span.end,
            )
            for day in weekly
            for kind, span in _spans_of(day["plan"])
        )
        uow.commit()
    return get_working_hours(uow, company_id, staff_member_id)


def set_date_override(uow: UnitOfWork, company_id: int, staff_member_id: int, day: date, plan: DayPlan) -> dict:
    """Replace the whole plan of one date; a plan without shifts makes it a day off."""
    with uow:
        lookups.require_staff_member(uow.session, company_id, staff_member_id)
        override = _override(uow, company_id, staff_member_id, day)
        if override is None:
            override = DateOverride(company_id=company_id, staff_member_id=staff_member_id, on_date=day, spans=[])
            uow.session.add(override)
        override.spans = [
            DateOverrideSpan(company_id=company_id, kind=kind, start_time=span.start, end_time=span.end)
            for kind, span in _spans_of(plan)
        ]
        try:
            uow.commit()
        except IntegrityError:  # the same date, set by a concurrent request
            raise Conflict(f"the hours of {day} were changed at the same time; try again") from None
    return _day(plan, date=day)


def delete_date_override(uow: UnitOfWork, company_id: int, staff_member_id: int, day: date) -> None:
    with uow:
        override = _override(uow, company_id, staff_member_id, day)
        if override is None:
            raise NotFound(f"no override of {day} for staff member {staff_member_id}")
        uow.session.delete(override)
        uow.commit()


def _override(uow: UnitOfWork, company_id: int, staff_member_id: int, day: date) -> DateOverride | None:
    return uow.session.scalar(
        select(DateOverride).where(
            DateOverride.company_id == company_id,
            DateOverride.staff_member_id == staff_member_id,
            DateOverride.on_date == day,
        )
    )


def _spans_of(plan: DayPlan):
    yield from ((SHIFT, span) for span in plan.shifts)
    yield from ((BREAK, span) for span in plan.breaks)


def _day(plan: DayPlan, **key) -> dict:
    return {**key, "shifts": plan.shifts, "breaks": plan.breaks}
