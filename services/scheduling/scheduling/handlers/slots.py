"""Free start times, and quotes for a chosen start time."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput
from scheduling.domain import slots
from scheduling.domain.busy import BREAK, GROUP_EVENT, LONGEST_APPOINTMENT
from scheduling.domain.eligibility import (
    BookableService,
    Performer,
    QuotedService,
    offers_free_starts,
    performer_problem,
    quoted_services,
    total_duration,
)
from scheduling.domain.hours import NO_HOURS
from scheduling.domain.online_booking import (
    NO_OVERRIDE,
    OnlineBookingRules,
    SlotTiming,
    contact_problems,
    effective_timing,
    online_pool,
    prepayment_required,
)
from scheduling.domain.slots import WorkingHours
from scheduling.handlers import availability
from scheduling.handlers.schedules import BUSY, SCHEDULES, CompanyState, Schedule


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
    prepayment_required: bool = False


@dataclass(frozen=True)
class Quotes:
    quotes: list[Quote]
    problems: dict[str, str]
    rules: object = None  # the online booking rules, for an online quote


@dataclass(frozen=True)
class SlotSearch:
    """Everything the slot engine needs for one search, read from the database: the staff
    grouped by their slot timing (search interval and window), and the display interval."""

    groups: list[tuple[SlotTiming, list[slots.StaffAvailability]]]
    tz: ZoneInfo
    display_minutes: int
    date_from: date
    date_to: date
    not_before: datetime

    def run(self) -> FoundSlots:
        searches = [
            slots.find_slots(
                staff,
                self.tz,
                self.date_from,
                self.date_to,
                step_minutes=timing.search_interval,
                not_before=self.not_before,
                starts_between=(timing.search_from, timing.search_until),
            )
            for timing, staff in self.groups
        ]
        if not searches:
            days = tuple(slots.DaySlots(day, ()) for day in _days(self.date_from, self.date_to))
        else:
            days = searches[0] if len(searches) == 1 else slots.merge_days(*searches)
        if any(self.display_minutes > timing.search_interval for timing, _ in self.groups):
            days = slots.thin_to_display(days, self.display_minutes)
        return FoundSlots(self.tz, self.display_minutes, days)


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

    Online, the company's online booking settings apply: the buffer time, slot timing,
    the "employee for online booking" and the "any specialist" pool, and a group service
    offers no start at all (clients take a seat of one of its events).
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
        state = SCHEDULES.get(session, company_id)
        schedule, tz = state.schedule, state.tz
        services = schedule.services_for(service_ids)
        if online:
            ids = _online_staff_ids(state, [staff_member_id] if staff_member_id else None, new_booking=True)
            if ids is None:
                eligible = _any_specialist_pool(schedule, services)
            else:
                eligible = [_performer(schedule, staff_id, services) for staff_id in ids]
        else:
            eligible = _eligible(schedule, services, staff_member_id, online)
        if not offers_free_starts(services, online=online):
            eligible = []
        # The window does not move with `now` (the engine drops past slots), so repeated
        # searches share busy times read once.
        start = _local_midnight(date_from - timedelta(days=1), tz)
        end = _local_midnight(date_to + timedelta(days=2), tz)
        ids = [performer.staff_member_id for performer in eligible]
        busy = BUSY.get(session, company_id, state.busy_version, ids, start, end) if ids and now < end else {}
    offline = SlotTiming(state.step_minutes, state.step_minutes)  # staff book on the company's grid, all day
    groups: dict[SlotTiming, list[slots.StaffAvailability]] = {}
    for performer in eligible:
        timing = _timing(state, performer, services) if online else offline
        # Grouped by what the engine searches with; the display interval applies to the merged answer.
        groups.setdefault(replace(timing, display_interval=0), []).append(
            slots.StaffAvailability(
                performer.staff_member_id,
                total_duration(performer, services),
                schedule.working_hours.get(performer.staff_member_id, NO_HOURS),
                busy_us=busy.get(performer.staff_member_id, ()),
            )
        )
    chosen = schedule.performers.get(staff_member_id) if staff_member_id else None
    display = (
        effective_timing(state.timing, chosen.timing if chosen else NO_OVERRIDE, [s.timing for s in services])
        if online
        else offline
    ).display_interval
    not_before = state.rules.earliest_start(now) if online else now
    return SlotSearch(list(groups.items()), tz, display, date_from, date_to, not_before)


def _timing(state: CompanyState, performer: Performer, services: list[BookableService]) -> SlotTiming:
    return effective_timing(state.timing, performer.timing, [service.timing for service in services])


def _online_staff_ids(state: CompanyState, chosen: list[int] | None, new_booking: bool) -> list[int] | None:
    """Who may take an online booking: the salon's employee for online booking, the chosen
    staff members, or None for the "any specialist" pool (InvalidInput if the salon has none)."""
    if not new_booking:  # a booking being moved keeps its staff member
        return chosen
    if chosen is not None and state.rules.online_staff_member_id is None:
        return chosen
    pool, problem = online_pool(state.rules, None)
    if problem:
        raise InvalidInput.field("staff_member_id", problem)
    return pool


def _any_specialist_pool(schedule: Schedule, services: list[BookableService]) -> list[Performer]:
    """Everyone who can do the services online and is flagged "skip choosing specialist"."""
    return [p for p in _eligible(schedule, services, None, online=True) if p.in_any_specialist_pool]


def _performer(schedule: Schedule, staff_member_id: int, services: list[BookableService]) -> Performer:
    return _eligible(schedule, services, staff_member_id, online=True)[0]


def _days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


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
    new_booking: bool = True,
    contact: dict | None = None,
) -> Quotes:
    """What each staff member would do, for how long and at what price, starting at `starts_at`.

    No staff members named means everyone eligible. Those who cannot are listed in
    `problems`. Online, the company's online booking settings apply (see find_slots), and
    nobody can start in the past or within the buffer time. With `enforce_working_hours` the
    appointment fits the working hours and misses breaks and group events; other appointments
    are not checked: the bookings service enforces that they do not overlap.

    With `contact` (what a client typed in online), the salon's required and hidden contact fields
    are checked first (InvalidInput naming each), so one call both checks and quotes a booking.
    """
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        state = SCHEDULES.get(session, company_id)
        schedule, tz, rules = state.schedule, state.tz, state.rules
        if contact is not None and (problems := contact_problems(rules, contact)):
            raise InvalidInput("missing or unexpected contact details", problems)
        services = schedule.services_for(service_ids)
        any_specialist = staff_member_ids is None
        if online:
            staff_member_ids = _online_staff_ids(state, staff_member_ids, new_booking)
            if staff_member_ids is None:
                staff_member_ids = [p.staff_member_id for p in _any_specialist_pool(schedule, services)]
        elif staff_member_ids is None:  # "any specialist": everyone who can do the services
            staff_member_ids = [p.staff_member_id for p in _eligible(schedule, services, None, online)]
        blocking = defaultdict(list)
        known = [staff_member_id for staff_member_id in staff_member_ids if staff_member_id in schedule.performers]
        if enforce_working_hours and known:
            latest_end = starts_at + LONGEST_APPOINTMENT
            for busy in availability.breaks_and_group_events(session, company_id, known, starts_at, latest_end):
                blocking[busy.staff_member_id].append(busy)
    if online and (problem := _too_soon(starts_at, now, rules)):
        return Quotes([], {str(staff_member_id): problem for staff_member_id in staff_member_ids}, rules)
    quotes, problems = [], {}
    for staff_member_id in staff_member_ids:
        performer = schedule.performers.get(staff_member_id)
        if performer is None:
            problems[str(staff_member_id)] = f"No staff member {staff_member_id}."
            continue
        problem = performer_problem(performer, services, online=online)
        quote = _quote(performer, services, starts_at, tz) if problem is None else None
        if quote is not None and online:
            problem = _timing_problem(quote.starts_at, tz, _timing(state, performer, services))
        if quote is not None and problem is None and enforce_working_hours:
            working_hours = schedule.working_hours.get(staff_member_id, NO_HOURS)
            problem = _working_hours_problem(quote, working_hours, blocking[staff_member_id], tz)
        if problem is None:
            prepaid = prepayment_required(
                rules, [service.prepayment for service in services], performer.prepayment, any_specialist
            )
            quotes.append(replace(quote, prepayment_required=prepaid))
        else:
            problems[str(staff_member_id)] = problem
    return Quotes(quotes, problems, rules if online else None)


def _too_soon(starts_at: datetime, now: datetime, rules: OnlineBookingRules) -> str | None:
    if starts_at < now:
        return "That time has passed."
    if starts_at < rules.earliest_start(now):
        return f"Online bookings must start at least {rules.buffer_minutes} minutes from now."
    return None


def _timing_problem(starts_at: datetime, tz: ZoneInfo, timing: SlotTiming) -> str | None:
    """Online bookings start on the search grid, inside the search window."""
    local = starts_at.astimezone(tz)
    minute = local.hour * 60 + local.minute
    if local.second or local.microsecond or minute % timing.search_interval:
        return f"Online bookings start on the {timing.search_interval}-minute grid."
    if not timing.allows_start(minute):
        return f"Online bookings start between {_clock(timing.search_from)} and {_clock(timing.search_until)}."
    return None


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _quote(performer: Performer, services: list[BookableService], starts_at: datetime, tz: ZoneInfo) -> Quote:
    quoted = quoted_services(performer, services)
    duration = timedelta(minutes=sum(service.duration_minutes for service in quoted))
    # In UTC: adding to a zoned datetime adds wall-clock time, an hour off across a DST change.
    ends_at = (starts_at.astimezone(UTC) + duration).astimezone(tz)
    return Quote(performer.staff_member_id, starts_at.astimezone(tz), ends_at, quoted)


_OVERLAP_PROBLEMS = {BREAK: "Overlaps a break.", GROUP_EVENT: "Overlaps a group event."}


def _working_hours_problem(
    quote: Quote, working_hours: WorkingHours, blocking: list[availability.Blocking], tz: ZoneInfo
) -> str | None:
    """An enforced booking fits the working hours and misses the staff member's breaks and group
    events. Appointments are left to the bookings database, which refuses overlaps; a moved
    appointment would otherwise meet its own copy."""
    # Compared in UTC: Python compares two datetimes of one zone by wall clock, ignoring DST's fold.
    start, end = quote.starts_at.astimezone(UTC), quote.ends_at.astimezone(UTC)
    if not slots.fits_working_hours(working_hours, start, end, tz):
        return "Outside working hours."
    for kind in (BREAK, GROUP_EVENT):
        if any(b.kind == kind and b.starts_at < end and start < b.ends_at for b in blocking):
            return _OVERLAP_PROBLEMS[kind]
    return None


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
