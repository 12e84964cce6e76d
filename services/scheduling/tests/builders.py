"""Test data built through the service's own RPC methods."""

import itertools
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.domain import busy
from scheduling.handlers import busy_times

BERLIN = ZoneInfo("Europe/Berlin")
_record_ids = itertools.count(random.randint(1_000_000, 9_000_000))


def new_company(api, signup_key: str | None = None, **profile) -> dict:
    """{"company": ...}, as the accounts service's signup makes it."""
    company = {"name": "Salon Olga", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE", **profile}
    return {"company": api.create_company(company, signup_key or uuid.uuid4().hex)}


class Salon:
    """Builds a company's staff, services and hours through the service's RPC methods, and its
    appointments, group events and breaks as the bookings service's events would copy them."""

    def __init__(self, api, uow, company_id: int):
        self.api, self.uow, self.company_id = api, uow, company_id

    def staff_member(self, name: str = "Anna", **fields) -> dict:
        return self.api.create_staff_member(self.company_id, {"name": name, **fields})

    def service(self, title: str = "Haircut", duration_minutes: int = 60, staff=(), **fields) -> dict:
        performers = [
            member if isinstance(member, dict) else {"staff_member_id": member, "duration_minutes": None}
            for member in staff
        ]
        service = {"title": title, "duration_minutes": duration_minutes, "price_min": 3000, "staff": performers}
        return self.api.create_service(self.company_id, {**service, **fields})

    def works(self, staff_member_id: int, start="09:00", end="18:00", breaks=(), weekdays=range(7)) -> dict:
        spans = [{"start": b[0], "end": b[1]} for b in breaks]
        weekly = [{"weekday": d, "shifts": [{"start": start, "end": end}], "breaks": spans} for d in weekdays]
        return self.api.set_weekly_hours(self.company_id, staff_member_id, weekly)

    def appointment(self, staff_member_id: int, starts_at: datetime, minutes: int = 60, **fields) -> int:
        """An appointment copied as bookings' events would copy it; its id."""
        return self._busy(busy.appointment_copy, staff_member_id, starts_at, minutes, {"state": "booked", **fields})

    def group_event(self, staff_member_id: int, starts_at: datetime, minutes: int = 60, **fields) -> int:
        return self._busy(busy.group_event_copy, staff_member_id, starts_at, minutes, {"state": "booked", **fields})

    def break_(self, staff_member_id: int, starts_at: datetime, minutes: int = 30, **fields) -> int:
        return self._busy(busy.break_copy, staff_member_id, starts_at, minutes, {"state": "active", **fields})

    def _busy(self, copy_of, staff_member_id: int, starts_at: datetime, minutes: int, fields: dict) -> int:
        record = {
            "id": next(_record_ids),
            "staff_member_id": staff_member_id,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=minutes),
            "version": 1,
            **fields,
        }
        busy_times.record_busy_time(self.uow, self.company_id, copy_of(record))
        return record["id"]


def a_future(weekday: int, weeks_ahead: int = 1) -> date:
    """A date with this weekday (0 = Monday), at least a week from today in Berlin."""
    day = datetime.now(UTC).astimezone(BERLIN).date() + timedelta(days=7 * weeks_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day: date, wall: str, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{wall}").replace(tzinfo=tz)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def next_last_sunday(month: int) -> date:
    """The next last Sunday of `month` after today: a DST change day in the EU."""
    today = datetime.now(UTC).astimezone(BERLIN).date()
    day = _last_sunday(today.year, month)
    return day if day > today else _last_sunday(today.year + 1, month)
