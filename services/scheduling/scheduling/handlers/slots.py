"""Free start times, and quotes for a chosen start time."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput
from scheduling.domain import slots
from scheduling.domain.eligibility import (
    BookableService,
    Performer,
    QuotedService,
    performer_problem,
    quoted_services,
    total_duration,
)
from scheduling.domain.hours import NO_HOURS, working_hours_by_staff
from scheduling.domain.slots import WorkingHours
from scheduling.handlers import availability


@dataclass(frozen=True)
class FoundSlots:
    tz: ZoneInfo
    step_minutes: int
    days: tuple[slots.DaySlots, ...]


@dataclass(frozen=True)
class Quote:
    staff_member_id: int
    starts_at: datetime
    ends_at: datetime
    services: list[QuotedService]


@dataclass(frozen=True)
class Quotes:
    quotes: list[Quote]
    problems: dict[str, str]


def find_slots(
    uow: UnitOfWork,
    company_id: int,
    service_ids: list[int],
    staff_member_id: int | None,
    date_from: date,
    date_to: date,
    online: bool,
) -> FoundSlots:
    """Free start times for the services, with one staff member or any eligible one.

    Unknown services are InvalidInput on service_ids; a chosen staff member who cannot do
    them (see performer_problem), InvalidInput on staff_member_id.
    """
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        tz, step, services = _settings_and_services(session, company_id, service_ids)
        chosen = None if staff_member_id is None else [staff_member_id]
        eligible = []
        for performer in availability.performers(session, company_id, service_ids, chosen).values():
            problem = performer_problem(performer, services, online=online)
            if problem is None:
                eligible.append(performer)
            elif staff_member_id is not None:
                raise InvalidInput.field("staff_member_id", problem)
        if staff_member_id is not None and not eligible:
            raise InvalidInput.field("staff_member_id", f"No staff member {staff_member_id}.")
        ids = [performer.staff_member_id for performer in eligible]
        start = max(now, _local_midnight(date_from - timedelta(days=1), tz))
        end = _local_midnight(date_to + timedelta(days=2), tz)
        hours, busy = {}, {}
        if ids:
            hours = working_hours_by_staff(availability.plan_spans(session, company_id, ids, date_from, date_to))
            busy = availability.busy_intervals(session, company_id, ids, start, end) if start < end else {}
    staff = [
        slots.StaffAvailability(
            performer.staff_member_id,
            total_duration(performer, services),
            hours.get(performer.staff_member_id, NO_HOURS),
            busy.get(performer.staff_member_id, ()),
        )
        for performer in eligible
    ]
    return FoundSlots(tz, step, slots.find_slots(staff, tz, date_from, date_to, step_minutes=step, not_before=now))


def quote_appointment(
    uow: UnitOfWork,
    company_id: int,
    staff_member_ids: list[int],
    service_ids: list[int],
    starts_at: datetime,
    enforce_working_hours: bool,
    online: bool,
) -> Quotes:
    """What each staff member would do, for how long and at what price, starting at `starts_at`.

    Those who cannot are listed in `problems`; online, nobody can start in the past. Busy
    times are not checked: the bookings service enforces that appointments do not overlap.
    """
    with uow:
        session = uow.session
        tz, step, services = _settings_and_services(session, company_id, service_ids)
        performers = availability.performers(session, company_id, service_ids, staff_member_ids)
        hours, breaks = {}, defaultdict(list)
        if enforce_working_hours and performers:
            ids, day = list(performers), starts_at.astimezone(tz).date()
            hours = working_hours_by_staff(availability.plan_spans(session, company_id, ids, day, day))
            latest_end = starts_at + availability.LONGEST_APPOINTMENT
            for break_ in availability.dated_breaks(session, company_id, ids, starts_at, latest_end):
                breaks[break_.staff_member_id].append(break_)
    if online and starts_at < datetime.now(UTC):
        return Quotes([], {str(staff_member_id): "That time has passed." for staff_member_id in staff_member_ids})
    quotes, problems = [], {}
    for staff_member_id in staff_member_ids:
        performer = performers.get(staff_member_id)
        if performer is None:
            problems[str(staff_member_id)] = f"No staff member {staff_member_id}."
            continue
        problem = performer_problem(performer, services, online=online)
        quote = _quote(performer, services, starts_at, tz) if problem is None else None
        if quote is not None and enforce_working_hours:
            working_hours = hours.get(staff_member_id, NO_HOURS)
            problem = _working_hours_problem(quote, working_hours, breaks[staff_member_id], tz, step, online)
        if problem is None:
            quotes.append(quote)
        else:
            problems[str(staff_member_id)] = problem
    return Quotes(quotes, problems)


def _quote(performer: Performer, services: list[BookableService], starts_at: datetime, tz: ZoneInfo) -> Quote:
    quoted = quoted_services(performer, services)
    duration = timedelta(minutes=sum(service.duration_minutes for service in quoted))
    # In UTC: adding to a zoned datetime adds wall-clock time, an hour off across a DST change.
    ends_at = (starts_at.astimezone(UTC) + duration).astimezone(tz)
    return Quote(performer.staff_member_id, starts_at.astimezone(tz), ends_at, quoted)


def _working_hours_problem(
    quote: Quote, working_hours: WorkingHours, breaks: list, tz: ZoneInfo, step_minutes: int, online: bool
) -> str | None:
    """Online bookings start on the grid; any enforced booking fits the hours and misses the dated breaks."""
    if online and not slots.on_grid(quote.starts_at, tz, step_minutes):
        return f"Online bookings start on the {step_minutes}-minute grid."
    # Compared in UTC: Python compares two datetimes of one zone by wall clock, ignoring DST's fold.
    start, end = quote.starts_at.astimezone(UTC), quote.ends_at.astimezone(UTC)
    if not slots.fits_working_hours(working_hours, start, end, tz):
        return "Outside working hours."
    if any(b.starts_at < end and start < b.ends_at for b in breaks):
        return "Overlaps a break."
    return None


def _settings_and_services(
    session: Session, company_id: int, service_ids: list[int]
) -> tuple[ZoneInfo, int, list[BookableService]]:
    """The company's zone and grid, and the services in the order asked for; InvalidInput on
    service_ids if one is unknown."""
    tz, step, found = availability.settings_and_services(session, company_id, service_ids)
    unknown = [str(service_id) for service_id in service_ids if service_id not in found]
    if unknown:
        raise InvalidInput.field("service_ids", f"No service {', '.join(unknown)}.")
    return tz, step, [found[service_id] for service_id in service_ids]


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
