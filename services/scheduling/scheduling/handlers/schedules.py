"""Each company's schedule and busy times, kept in this process while they are unchanged.

A slot search or a quote asks the database for the company's schedule_version and
busy_version (with its time zone and grid). Its services, who performs them, their working
hours and the busy times (appointments, group events and breaks) of a search window come
from memory until a version moves. Database triggers bump the versions on every change to
those tables (migrations 0002, 0003 and 0006), so no write path can leave a copy stale;
every replica keeps its own copies.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from salon_infra.errors import InvalidInput, NotFound
from scheduling.domain.eligibility import BookableService, Performer
from scheduling.domain.hours import working_hours_by_staff
from scheduling.domain.online_booking import RULE_FIELDS, OnlineBookingRules, SlotTiming, TimingOverride
from scheduling.domain.slots import WorkingHours
from scheduling.handlers import availability
from scheduling.models import Company, OnlineBookingSettings, Service, StaffMember, StaffService

OVERRIDES_KEPT_FROM = timedelta(days=2)
"""Date overrides from this long before the load onwards are kept; searches and quotes look ahead."""

_COMPANY = bindparam("company_id")
_SETTINGS = OnlineBookingSettings
_RULE_COLUMNS = [getattr(_SETTINGS, name) for name in RULE_FIELDS]
_VERSIONS = (
    select(
        Company.schedule_version,
        Company.busy_version,
        Company.timezone,
        Company.slot_step_minutes,
        _SETTINGS.company_id,
        _SETTINGS.display_interval_minutes,
        _SETTINGS.search_from_minute,
        _SETTINGS.search_until_minute,
        *_RULE_COLUMNS,
    )
    .outerjoin(_SETTINGS, _SETTINGS.company_id == Company.id)
    .where(Company.id == _COMPANY)
)


def _timing_columns(table):
    return (
        table.search_interval_minutes,
        table.display_interval_minutes,
        table.search_from_minute,
        table.search_until_minute,
    )


_SERVICES = select(
    Service.id,
    Service.title,
    Service.duration_minutes,
    Service.price_min,
    Service.active,
    Service.bookable_online,
    Service.prepayment,
    *_timing_columns(Service),
    Service.category_id,
    Service.group_capacity,
).where(Service.company_id == _COMPANY)
_STAFF = (
    select(
        StaffMember.id,
        StaffMember.name,
        StaffMember.active,
        StaffMember.bookable_online,
        StaffMember.in_any_specialist_pool,
        StaffMember.prepayment,
        *_timing_columns(StaffMember),
        StaffService.service_id,
        StaffService.duration_minutes,
    )
    .outerjoin(StaffService, (StaffService.staff_member_id == StaffMember.id) & (StaffService.company_id == _COMPANY))
    .where(StaffMember.company_id == _COMPANY)
)


@dataclass(frozen=True)
class Schedule:
    version: int
    services: dict[int, BookableService]
    performers: dict[int, Performer]  # every staff member, with every service they perform
    working_hours: dict[int, WorkingHours]

    def services_for(self, service_ids: list[int]) -> list[BookableService]:
        """The services in the order asked for; InvalidInput on service_ids if one is unknown."""
        unknown = [str(service_id) for service_id in service_ids if service_id not in self.services]
        if unknown:
            raise InvalidInput.field("service_ids", f"No service {', '.join(unknown)}.")
        return [self.services[service_id] for service_id in service_ids]


class CompanyState(NamedTuple):
    tz: ZoneInfo
    step_minutes: int
    schedule: Schedule
    busy_version: int
    rules: OnlineBookingRules
    timing: SlotTiming  # the company's own; staff and services may override it


class ScheduleCache:
    def __init__(self, max_companies: int = 1000):
        self._schedules = _Lru(max_companies)

    def get(self, session: Session, company_id: int) -> CompanyState:
        """The company's time zone, slot step, current schedule and busy version; NotFound for no such company."""
        row = session.execute(_VERSIONS, {"company_id": company_id}).first()
        if row is None:
            raise NotFound(f"company {company_id} not found")
        schedule_version, busy_version, timezone, step, has_settings, display, search_from, search_until = row[:8]
        schedule = self._schedules.get(company_id)
        if schedule is None or schedule.version != schedule_version:
            schedule = load_schedule(session, company_id, schedule_version)
            self._schedules.put(company_id, schedule)
        if has_settings is None:
            rules, timing = OnlineBookingRules(), SlotTiming(step, step)
        else:
            rules = OnlineBookingRules(*row[8:])
            timing = SlotTiming(step, display or step, search_from, search_until)
        return CompanyState(ZoneInfo(timezone), step, schedule, busy_version, rules, timing)


class BusyCache:
    """Busy times of one search window (as UTC microsecond pairs), while busy_version is unchanged."""

    def __init__(self, max_windows: int = 4096):
        self._windows = _Lru(max_windows)

    def get(
        self, session: Session, company: int, busy_version: int, staff: list[int], start: datetime, end: datetime
    ) -> dict[int, list[tuple[int, int]]]:
        key = (company, tuple(staff), start, end)
        cached = self._windows.get(key)
        if cached is not None and cached[0] == busy_version:
            return cached[1]
        busy = availability.busy_micros(session, company, staff, start, end)
        self._windows.put(key, (busy_version, busy))
        return busy


class _Lru:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()

    def get(self, key):
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)


def load_schedule(session: Session, company_id: int, version: int) -> Schedule:
    parameters = {"company_id": company_id}
    services = {
        row[0]: BookableService(
            *row[:7], timing=TimingOverride(*row[7:11]), category_id=row[11], group_capacity=row[12]
        )
        for row in session.execute(_SERVICES, parameters)
    }
    staff: dict[int, dict] = {}
    durations: dict[int, dict[int, int | None]] = {}
    for row in session.execute(_STAFF, parameters):
        staff_member_id, name, active, bookable_online, in_pool, prepayment = row[:6]
        service_id, duration = row[10:]
        staff[staff_member_id] = {
            "staff_member_id": staff_member_id,
            "name": name,
            "active": active,
            "bookable_online": bookable_online,
            "in_any_specialist_pool": in_pool,
            "prepayment": prepayment,
            "timing": TimingOverride(*row[6:10]),
        }
        performed = durations.setdefault(staff_member_id, {})
        if service_id is not None:
            performed[service_id] = duration
    performers = {key: Performer(**staff[key], durations=durations[key]) for key in sorted(staff)}
    first_day = datetime.now(UTC).date() - OVERRIDES_KEPT_FROM
    spans = availability.plan_spans(session, company_id, list(performers), first_day, None) if performers else []
    return Schedule(version, services, performers, working_hours_by_staff(spans))


SCHEDULES = ScheduleCache()
BUSY = BusyCache()
