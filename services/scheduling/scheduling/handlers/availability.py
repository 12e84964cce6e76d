"""Batched reads for the slot search, quotes and the calendar: one query per kind of record,
for all the staff members at once.

The statements are built once, with bound parameters: building a select() costs more than
running it on the hot path.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Date,
    SmallInteger,
    bindparam,
    cast,
    func,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from salon_infra.types import UtcDateTime
from scheduling.domain.hours import LONGEST_DATED_BREAK, PlanSpan
from scheduling.models import (
    BusyTime,
    DateOverride,
    DateOverrideSpan,
    StaffBreak,
    WeeklyHours,
)

LONGEST_APPOINTMENT = timedelta(days=7)
"""Appointments are looked up by start time; none lasts longer than this (10 services x 12 h is 5 days)."""

_COMPANY = bindparam("company_id")
_STAFF = bindparam("staff_member_ids", expanding=True)
_START, _END = bindparam("start"), bindparam("end")
_SERVICE_IDS = bindparam("service_ids", expanding=True)
_NO_LAST_DAY = date.max


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


def _busy_statement(instant):
    """Appointments and dated breaks overlapping the window; `instant` says how a time column is read."""
    return union_all(
        select(BusyTime.staff_member_id, instant(BusyTime.starts_at), instant(BusyTime.ends_at)).where(
            BusyTime.company_id == _COMPANY,
            BusyTime.staff_member_id.in_(_STAFF),
            BusyTime.active.is_(True),
            BusyTime.starts_at >= bindparam("appointments_from"),
            BusyTime.starts_at < _END,
            BusyTime.ends_at > _START,
        ),
        _overlapping_breaks(StaffBreak.staff_member_id, instant(StaffBreak.starts_at), instant(StaffBreak.ends_at)),
    )


def _as_utc(column):
    """SQLite keeps naive UTC text, which UtcDateTime makes aware."""
    return type_coerce(column, UtcDateTime())


def _as_micros(column):
    """Exact integer microseconds since the epoch, computed by PostgreSQL."""
    return cast(func.extract("epoch", column) * 1_000_000, BigInteger)


_BUSY_MICROS = {"postgresql": _busy_statement(_as_micros), "sqlite": _busy_statement(_as_utc)}
_BREAKS = _overlapping_breaks(StaffBreak).order_by(StaffBreak.starts_at, StaffBreak.id)


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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def busy_micros(
    session: Session, company_id: int, staff_member_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[int, int]]]:
    """Booked appointments and dated breaks overlapping [start, end), by staff member, as
    (start, end) pairs of UTC microseconds since the epoch (PostgreSQL computes them)."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        _BUSY_MICROS[dialect],
        {**_window(company_id, staff_member_ids, start, end), "appointments_from": start - LONGEST_APPOINTMENT},
    )
    busy = defaultdict(list)
    for staff_member_id, starts, ends in rows.all():
        if dialect != "postgresql":
            starts, ends = (starts - _EPOCH) // _MICROSECOND, (ends - _EPOCH) // _MICROSECOND
        busy[staff_member_id].append((starts, ends))
    return busy
