"""Batched reads for the slot search, quotes and the calendar: one query per kind of record,
for all the staff members at once.

The statements are built once, with bound parameters: building a select() costs more than
running it on the hot path.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, SmallInteger, and_, bindparam, cast, null, select, type_coerce, union_all
from sqlalchemy.orm import Session

from salon_infra.errors import NotFound
from salon_infra.types import UtcDateTime
from scheduling.domain.eligibility import BookableService, Performer
from scheduling.domain.hours import LONGEST_DATED_BREAK, PlanSpan
from scheduling.domain.slots import Interval
from scheduling.models import (
    BusyTime,
    Company,
    DateOverride,
    DateOverrideSpan,
    Service,
    StaffBreak,
    StaffMember,
    StaffService,
    WeeklyHours,
)

LONGEST_APPOINTMENT = timedelta(days=7)
"""Appointments are looked up by start time; none lasts longer than this (10 services x 12 h is 5 days)."""

_COMPANY = bindparam("company_id")
_STAFF = bindparam("staff_member_ids", expanding=True)
_START, _END = bindparam("start"), bindparam("end")
_SERVICE_IDS = bindparam("service_ids", expanding=True)
_NO_LAST_DAY = date.max

_SETTINGS_AND_SERVICES = (
    select(
        Company.timezone,
        Company.slot_step_minutes,
        Service.id,
        Service.title,
        Service.duration_minutes,
        Service.price_min,
        Service.active,
        Service.bookable_online,
    )
    .outerjoin(Service, and_(Service.company_id == Company.id, Service.id.in_(_SERVICE_IDS)))
    .where(Company.id == _COMPANY)
)


def settings_and_services(
    session: Session, company_id: int, service_ids: list[int]
) -> tuple[ZoneInfo, int, dict[int, BookableService]]:
    """The company's zone and slot step, and those of `service_ids` it has, in one query."""
    rows = session.execute(_SETTINGS_AND_SERVICES, {"company_id": company_id, "service_ids": service_ids}).all()
    if not rows:
        raise NotFound(f"company {company_id} not found")
    services = {row[2]: BookableService(*row[2:]) for row in rows if row[2] is not None}
    return ZoneInfo(rows[0].timezone), rows[0].slot_step_minutes, services


_PERFORMER_COLUMNS = (
    StaffMember.id,
    StaffMember.name,
    StaffMember.active,
    StaffMember.bookable_online,
    StaffService.service_id,
    StaffService.duration_minutes,
)
_PERFORMS = and_(
    StaffService.staff_member_id == StaffMember.id,
    StaffService.company_id == _COMPANY,
    StaffService.service_id.in_(_SERVICE_IDS),
)
_PERFORMERS = select(*_PERFORMER_COLUMNS).join(StaffService, _PERFORMS).where(StaffMember.company_id == _COMPANY)
_CHOSEN_STAFF = (
    select(*_PERFORMER_COLUMNS)
    .outerjoin(StaffService, _PERFORMS)
    .where(StaffMember.company_id == _COMPANY, StaffMember.id.in_(_STAFF))
)


def performers(
    session: Session, company_id: int, service_ids: list[int], staff_member_ids: list[int] | None
) -> dict[int, Performer]:
    """Staff members with those of `service_ids` they perform, by id.

    With staff_member_ids: exactly those staff members of the company, performing any or
    none. Without: every staff member performing at least one of the services.
    """
    parameters = {"company_id": company_id, "service_ids": service_ids}
    if staff_member_ids is None:
        rows = session.execute(_PERFORMERS, parameters)
    else:
        rows = session.execute(_CHOSEN_STAFF, {**parameters, "staff_member_ids": staff_member_ids})
    staff: dict[int, tuple] = {}
    durations: dict[int, dict[int, int | None]] = defaultdict(dict)
    for staff_member_id, name, active, bookable_online, service_id, duration in rows.all():
        staff[staff_member_id] = (staff_member_id, name, active, bookable_online)
        if service_id is not None:
            durations[staff_member_id][service_id] = duration
    return {key: Performer(*staff[key], durations[key]) for key in sorted(staff)}


def _override_spans():
    return (
        select(
            DateOverride.staff_member_id,
            cast(null(), SmallInteger),
            DateOverride.on_date,
            DateOverrideSpan.kind,
            DateOverrideSpan.start_time,
            DateOverrideSpan.end_time,
        )
        .outerjoin(DateOverrideSpan, DateOverrideSpan.date_override_id == DateOverride.id)
        .where(
            DateOverride.company_id == _COMPANY,
            DateOverride.staff_member_id.in_(_STAFF),
            DateOverride.on_date.between(bindparam("first_day"), bindparam("last_day")),
        )
    )


_PLAN_SPANS = union_all(
    select(
        WeeklyHours.staff_member_id,
        WeeklyHours.weekday,
        cast(null(), Date),
        WeeklyHours.kind,
        WeeklyHours.start_time,
        WeeklyHours.end_time,
    ).where(WeeklyHours.company_id == _COMPANY, WeeklyHours.staff_member_id.in_(_STAFF)),
    _override_spans(),
)


def plan_spans(
    session: Session, company_id: int, staff_member_ids: list[int], first_day: date, last_day: date | None
) -> list[PlanSpan]:
    """The staff members' weekly spans, and their override spans dated first_day..last_day (None: no end)."""
    rows = session.execute(
        _PLAN_SPANS,
        {
            "company_id": company_id,
            "staff_member_ids": staff_member_ids,
            "first_day": first_day,
            "last_day": last_day or _NO_LAST_DAY,
        },
    )
    return [PlanSpan(*row) for row in rows.all()]


def _overlapping_breaks(*columns):
    return select(*columns).where(
        StaffBreak.company_id == _COMPANY,
        StaffBreak.staff_member_id.in_(_STAFF),
        StaffBreak.starts_at >= bindparam("breaks_from"),
        StaffBreak.starts_at < _END,
        StaffBreak.ends_at > _START,
    )


def _busy_statement(timestamp):
    return union_all(
        select(
            BusyTime.staff_member_id,
            type_coerce(BusyTime.starts_at, timestamp),
            type_coerce(BusyTime.ends_at, timestamp),
        ).where(
            BusyTime.company_id == _COMPANY,
            BusyTime.staff_member_id.in_(_STAFF),
            BusyTime.active.is_(True),
            BusyTime.starts_at >= bindparam("appointments_from"),
            BusyTime.starts_at < _END,
            BusyTime.ends_at > _START,
        ),
        _overlapping_breaks(
            StaffBreak.staff_member_id,
            type_coerce(StaffBreak.starts_at, timestamp),
            type_coerce(StaffBreak.ends_at, timestamp),
        ),
    )


# On PostgreSQL, plain timestamptz: the instants come back aware, and a UTC conversion per
# row would only cost time. SQLite keeps naive UTC text, which UtcDateTime makes aware.
_BUSY = {"postgresql": _busy_statement(DateTime(timezone=True)), "sqlite": _busy_statement(UtcDateTime())}
_BREAKS = _overlapping_breaks(StaffBreak).order_by(StaffBreak.starts_at, StaffBreak.id)


def busy_intervals(
    session: Session, company_id: int, staff_member_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """Booked appointments and dated breaks overlapping [start, end), by staff member."""
    rows = session.execute(
        _BUSY[session.get_bind().dialect.name],
        {
            **_window(company_id, staff_member_ids, start, end),
            "appointments_from": start - LONGEST_APPOINTMENT,
        },
    )
    busy = defaultdict(list)
    for staff_member_id, starts_at, ends_at in rows.all():
        busy[staff_member_id].append(Interval(starts_at, ends_at))
    return busy


def dated_breaks(
    session: Session, company_id: int, staff_member_ids: list[int], start: datetime, end: datetime
) -> list[StaffBreak]:
    """Dated breaks overlapping [start, end), by start time."""
    return list(session.scalars(_BREAKS, _window(company_id, staff_member_ids, start, end)))


def _window(company_id: int, staff_member_ids: list[int], start: datetime, end: datetime) -> dict:
    return {
        "company_id": company_id,
        "staff_member_ids": staff_member_ids,
        "start": start,
        "end": end,
        "breaks_from": start - LONGEST_DATED_BREAK,
    }
