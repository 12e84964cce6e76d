"""Free start times, and quotes for a chosen start time."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
from scheduling.domain.hours import NO_HOURS
from scheduling.domain.slots import WorkingHours
from scheduling.handlers import availability
from scheduling.handlers.schedules import BUSY, SCHEDULES, Schedule


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


@dataclass(frozen=True)
class SlotSearch:
    """Everything the slot engine needs for one search, read from the database."""

    staff: list[slots.StaffAvailability]
    tz: ZoneInfo
    step_minutes: int
    date_from: date
    date_to: date
    not_before: datetime

    def run(self) -> FoundSlots:
        days = slots.find_slots(
            self.staff,
            self.tz,
            self.date_from,
            self.date_to,
            step_minutes=self.step_minutes,
            not_before=self.not_before,
        )
        return FoundSlots(self.tz, self.step_minutes, days)


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
    return prepare_slot_search(uow, company_id, service_ids, staff_member_id, date_from, date_to, online).run()


def prepare_slot_search(
    uow: UnitOfWork,
    company_id: int,
    service_ids: list[int],
    staff_member_id: int | None,
    date_from: date,
    date_to: date,
    online: bool,
) -> SlotSearch:
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        tz, step, schedule, busy_version = SCHEDULES.get(session, company_id)
        services = schedule.services_for(service_ids)
        eligible = _eligible(schedule, services, staff_member_id, online)
        # The window does not move with `now` (the engine drops past slots), so repeated
        # searches share busy times read once.
        start = _local_midnight(date_from - timedelta(days=1), tz)
        end = _local_midnight(date_to + timedelta(days=2), tz)
        ids = [performer.staff_member_id for performer in eligible]
        busy = BUSY.get(session, company_id, busy_version, ids, start, end) if ids and now < end else {}
    staff = [
        slots.StaffAvailability(
            performer.staff_member_id,
            total_duration(performer, services),
            schedule.working_hours.get(performer.staff_member_id, NO_HOURS),
            busy_us=busy.get(performer.staff_member_id, ()),
        )
        for performer in eligible
    ]
    return SlotSearch(staff, tz, step, date_from, date_to, now)


def _eligible(
    schedule: Schedule, services: list[BookableService], staff_member_id: int | None, online: bool
) -> list[Performer]:
    """Everyone who can do the services; or the chosen staff member, with InvalidInput if they cannot."""
    if staff_member_id is None:
        return [p for p in schedule.performers.values() if performer_problem(p, services, online=online) is None]
    performer = schedule.performers.get(staff_member_id)
    problem = f"No staff member {staff_member_id}." if performer is None else None
    problem = problem or performer_problem(performer, services, online=online)
    if problem:
        raise InvalidInput.field("staff_member_id", problem)
    return [performer]


def quote_appointment(
    uow: UnitOfWork,
    company_id: int,
    staff_member_ids: list[int] | None,
    service_ids: list[int],
    starts_at: datetime,
    enforce_working_hours: bool,
    online: bool,
) -> Quotes:
    """What each staff member would do, for how long and at what price, starting at `starts_at`.

    No staff members named means everyone eligible. Those who cannot are listed in
    `problems`; online, nobody can start in the past. Busy
    times are not checked: the bookings service enforces that appointments do not overlap.
    """
    with uow:
        session = uow.session
        tz, step, schedule, _ = SCHEDULES.get(session, company_id)
        services = schedule.services_for(service_ids)
        if staff_member_ids is None:  # "any specialist": everyone who can do the services
            staff_member_ids = [p.staff_member_id for p in _eligible(schedule, services, None, online)]
        breaks = defaultdict(list)
        known = [staff_member_id for staff_member_id in staff_member_ids if staff_member_id in schedule.performers]
        if enforce_working_hours and known:
            latest_end = starts_at + availability.LONGEST_APPOINTMENT
            for break_ in availability.dated_breaks(session, company_id, known, starts_at, latest_end):
                breaks[break_.staff_member_id].append(break_)
    if online and starts_at < datetime.now(UTC):
        return Quotes([], {str(staff_member_id): "That time has passed." for staff_member_id in staff_member_ids})
    quotes, problems = [], {}
    for staff_member_id in staff_member_ids:
        performer = schedule.performers.get(staff_member_id)
        if performer is None:
            problems[str(staff_member_id)] = f"No staff member {staff_member_id}."
            continue
        problem = performer_problem(performer, services, online=online)
        quote = _quote(performer, services, starts_at, tz) if problem is None else None
        if quote is not None and enforce_working_hours:
            working_hours = schedule.working_hours.get(staff_member_id, NO_HOURS)
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


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
