"""Batched reads for the slot search, quotes and the calendar: one query per kind of record
(working hours, busy times), for all the staff members at once.

The statements are built once, with bound parameters: building a select() costs more than
running it on the hot path.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

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
from scheduling.domain.busy import APPOINTMENT, BREAK, GROUP_EVENT, LONGEST_APPOINTMENT, LONGEST_BREAK
from scheduling.domain.hours import PlanSpan
from scheduling.models import BusyTime, DateOverride, DateOverrideSpan, WeeklyHours

_COMPANY = bindparam("company_id")
_STAFF = bindparam("staff_member_ids", expanding=True)
_START, _END = bindparam("start"), bindparam("end")
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


def _weekly_spans(*criteria):
    return select(
        WeeklyHours.staff_member_id,
        WeeklyHours.weekday,
        cast(null(), Date),
        WeeklyHours.kind,
        WeeklyHours.start_time,
        WeeklyHours.end_time,
    ).where(WeeklyHours.company_id == _COMPANY, WeeklyHours.staff_member_id.in_(_STAFF), *criteria)


_PLAN_SPANS = union_all(_weekly_spans(), _override_spans())
_PLAN_SPANS_OF_WEEKDAYS = union_all(
    _weekly_spans(WeeklyHours.weekday.in_(bindparam("weekdays", expanding=True))), _override_spans()
)


def plan_spans(
    session: Session, company_id: int, staff_member_ids: list[int], first_day: date, last_day: date | None
) -> list[PlanSpan]:
    """The staff members' weekly spans, and their override spans dated first_day..last_day (None: no end)."""
    return _plan_spans(_PLAN_SPANS, session, company_id, staff_member_ids, first_day, last_day)


def plan_spans_of_days(
    session: Session, company_id: int, staff_member_ids: list[int], first_day: date, last_day: date
) -> list[PlanSpan]:
    """What the days first_day..last_day need: their weekdays' spans and their override spans."""
    days = (last_day - first_day).days + 1
    weekdays = sorted({(first_day.weekday() + n) % 7 for n in range(min(days, 7))})
    return _plan_spans(
        _PLAN_SPANS_OF_WEEKDAYS, session, company_id, staff_member_ids, first_day, last_day, weekdays=weekdays
    )


def _plan_spans(statement, session, company_id, staff_member_ids, first_day, last_day, **more) -> list[PlanSpan]:
    rows = session.execute(
        statement,
        {
            "company_id": company_id,
            "staff_member_ids": staff_member_ids,
            "first_day": first_day,
            "last_day": last_day or _NO_LAST_DAY,
            **more,
        },
    )
    return [PlanSpan(*row) for row in rows.all()]


_TIMED_KINDS = (APPOINTMENT, GROUP_EVENT)  # looked up from LONGEST_APPOINTMENT back, breaks from LONGEST_BREAK


def _overlapping(columns, kinds: tuple[str, ...], looked_up_from: str):
    """Active busy times of these kinds overlapping [start, end), found by start time."""
    return select(*columns).where(
        BusyTime.company_id == _COMPANY,
        BusyTime.staff_member_id.in_(_STAFF),
        BusyTime.kind.in_(kinds),
        BusyTime.active.is_(True),
        BusyTime.starts_at >= bindparam(looked_up_from),
        BusyTime.starts_at < _END,
        BusyTime.ends_at > _START,
    )


def _busy_statement(instant):
    """Busy times of every kind overlapping the window; `instant` says how a time column is read.

    One statement, in two parts so that each reads its own look-back window from the index
    (company, staff member, kind, start): appointments and group events a week, breaks a month.
    """
    columns = (BusyTime.staff_member_id, instant(BusyTime.starts_at), instant(BusyTime.ends_at))
    return union_all(
        _overlapping(columns, _TIMED_KINDS, "appointments_from"),
        _overlapping(columns, (BREAK,), "breaks_from"),
    )


def _as_utc(column):
    """SQLite keeps naive UTC text, which UtcDateTime makes aware."""
    return type_coerce(column, UtcDateTime())


def _as_micros(column):
    """Exact integer microseconds since the epoch, computed by PostgreSQL."""
    return cast(func.extract("epoch", column) * 1_000_000, BigInteger)


_BUSY_MICROS = {"postgresql": _busy_statement(_as_micros), "sqlite": _busy_statement(_as_utc)}
_BLOCKING_COLUMNS = (BusyTime.staff_member_id, BusyTime.kind, BusyTime.starts_at, BusyTime.ends_at)
_BLOCKING = union_all(
    _overlapping(_BLOCKING_COLUMNS, (GROUP_EVENT,), "appointments_from"),
    _overlapping(_BLOCKING_COLUMNS, (BREAK,), "breaks_from"),
)


class Blocking(NamedTuple):
    staff_member_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime


def breaks_and_group_events(
    session: Session, company_id: int, staff_member_ids: list[int], start: datetime, end: datetime
) -> list[Blocking]:
    """Active breaks and group events overlapping [start, end): what an enforced quote must miss."""
    rows = session.execute(_BLOCKING, _window(company_id, staff_member_ids, start, end))
    return [Blocking(*row) for row in rows.all()]


def _window(company_id: int, staff_member_ids: list[int], start: datetime, end: datetime) -> dict:
    return {
        "company_id": company_id,
        "staff_member_ids": staff_member_ids,
        "start": start,
        "end": end,
        "appointments_from": start - LONGEST_APPOINTMENT,
        "breaks_from": start - LONGEST_BREAK,
    }


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def busy_micros(
    session: Session, company_id: int, staff_member_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[int, int]]]:
    """Active busy times of every kind overlapping [start, end), by staff member, as (start, end)
    pairs of UTC microseconds since the epoch (PostgreSQL computes them)."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(_BUSY_MICROS[dialect], _window(company_id, staff_member_ids, start, end))
    busy = defaultdict(list)
    for staff_member_id, starts, ends in rows.all():
        if dialect != "postgresql":
            starts, ends = (starts - _EPOCH) // _MICROSECOND, (ends - _EPOCH) // _MICROSECOND
        busy[staff_member_id].append((starts, ends))
    return busy
