"""Each company's schedule and busy times, kept in this process while they are unchanged.

A slot search or a quote asks the database for the company's schedule_version and
busy_version (with its time zone and grid). Its services, who performs them, their working
hours and the busy times of a search window come from memory until a version moves.
Database triggers bump the versions on every change to those tables (migrations 0002 and
0003), so no write path can leave a copy stale; every replica keeps its own copies.
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
from scheduling.domain.slots import WorkingHours
from scheduling.handlers import availability
from scheduling.models import Company, Service, StaffMember, StaffService

OVERRIDES_KEPT_FROM = timedelta(days=2)
"""Date overrides from this long before the load onwards are kept; searches and quotes look ahead."""

_COMPANY = bindparam("company_id")
_VERSIONS = select(Company.schedule_version, Company.busy_version, Company.timezone, Company.slot_step_minutes).where(
    Company.id == _COMPANY
)
_SERVICES = select(
    Service.id, Service.title, Service.duration_minutes, Service.price_min, Service.active, Service.bookable_online
).where(Service.company_id == _COMPANY)
_STAFF = (
    select(
        StaffMember.id,
        StaffMember.name,
        StaffMember.active,
        StaffMember.bookable_online,
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


class ScheduleCache:
    def __init__(self, max_companies: int = 1000):
        self._schedules = _Lru(max_companies)

    def get(self, session: Session, company_id: int) -> CompanyState:
        """The company's time zone, slot step, current schedule and busy version; NotFound for no such company."""
        row = session.execute(_VERSIONS, {"company_id": company_id}).first()
        if row is None:
            raise NotFound(f"company {company_id} not found")
        schedule_version, busy_version, timezone, step = row
        schedule = self._schedules.get(company_id)
        if schedule is None or schedule.version != schedule_version:
            schedule = load_schedule(session, company_id, schedule_version)
            self._schedules.put(company_id, schedule)
        return CompanyState(ZoneInfo(timezone), step, schedule, busy_version)


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
    services = {row[0]: BookableService(*row) for row in session.execute(_SERVICES, parameters)}
    staff: dict[int, tuple] = {}
    durations: dict[int, dict[int, int | None]] = {}
    for staff_member_id, name, active, bookable_online, service_id, duration in session.execute(_STAFF, parameters):
        staff[staff_member_id] = (staff_member_id, name, active, bookable_online)
        performed = durations.setdefault(staff_member_id, {})
        if service_id is not None:
            performed[service_id] = duration
    performers = {key: Performer(*staff[key], durations[key]) for key in sorted(staff)}
    first_day = datetime.now(UTC).date() - OVERRIDES_KEPT_FROM
    spans = availability.plan_spans(session, company_id, list(performers), first_day, None) if performers else []
    return Schedule(version, services, performers, working_hours_by_staff(spans))


SCHEDULES = ScheduleCache()
BUSY = BusyCache()
