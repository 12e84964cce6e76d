"""A salon set up through the API for one test: its own company, so tests never share data."""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from support.api import Api

_numbers = itertools.count(1)
OWNER_PASSWORD = "a-good-password"
FULL_WEEK = [{"weekday": day, "shifts": [{"start": "09:00", "end": "18:00"}], "breaks": []} for day in range(7)]


@dataclass
class Salon:
    api: Api  # signed in as the owner
    public: Api
    company_id: int
    timezone: str
    staff: dict[str, int] = field(default_factory=dict)
    services: dict[str, int] = field(default_factory=dict)
    owner_email: str = ""  # signs in with OWNER_PASSWORD

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone, fold=fold)

    def add_staff(self, name: str, weekly=FULL_WEEK, **fields) -> int:
        staff_member = self.api.ok("POST", "/api/v1/staff", {"name": name, **fields})
        self.api.ok("PUT", f"/api/v1/staff/{staff_member['id']}/working-hours", {"weekly": weekly})
        self.staff[name] = staff_member["id"]
        return staff_member["id"]

    def add_service(self, title: str, minutes: int, staff_names: list[str], price: int = 3000, **fields) -> int:
        body = {
            "title": title,
            "duration_minutes": minutes,
            "price_min": price,
            "price_max": price,
            "staff": [{"staff_member_id": self.staff[name]} for name in staff_names],
            **fields,
        }
        service = self.api.ok("POST", "/api/v1/services", body)
        self.services[title] = service["id"]
        return service["id"]

    def slots(self, service_titles: list[str], day: date, last_day: date | None = None, staff_name: str | None = None):
        params = {"service_id": [self.services[t] for t in service_titles], "date_from": day.isoformat()}
        params["date_to"] = (last_day or day).isoformat()
        if staff_name:
            params["staff_member_id"] = self.staff[staff_name]
        return self.public.ok("GET", f"/api/v1/companies/{self.company_id}/slots", params=params)

    def starts(self, service_titles, day, staff_name=None) -> list[str]:
        found = self.slots(service_titles, day, staff_name=staff_name)
        return [slot["start"] for slot in found["days"][0]["slots"]]

    def book_online(self, service_titles, starts_at: datetime, staff_name=None, client=None, key=None, **more):
        body = {
            "service_ids": [self.services[t] for t in service_titles],
            "staff_member_id": self.staff[staff_name] if staff_name else None,
            "starts_at": starts_at.isoformat(),
            "client": client or {"name": "Client", "phone": f"+49151{next(_numbers):08d}"},
            **more,
        }
        headers = {"Idempotency-Key": key} if key else {}
        return self.public.post(f"/api/v1/companies/{self.company_id}/bookings", body, headers=headers)

    def book_as_staff(self, service_titles, starts_at: datetime, staff_name: str, client=None, **more):
        body = {
            "service_ids": [self.services[t] for t in service_titles],
            "staff_member_id": self.staff[staff_name],
            "starts_at": starts_at.isoformat(),
            "client": client or {"name": "Walk-in", "phone": f"+49151{next(_numbers):08d}"},
            **more,
        }
        return self.api.post("/api/v1/appointments", body)


def open_salon(public: Api, timezone: str = "Europe/Berlin", name: str | None = None) -> Salon:
    number = next(_numbers)
    signup = {
        "company": {"name": name or f"Salon {number}", "timezone": timezone, "currency": "EUR", "country": "DE"},
        "owner": {"name": "Owner", "email": f"owner{number}@example.com", "password": OWNER_PASSWORD},
    }
    created = public.ok("POST", "/api/v1/signup", signup)
    owner = public.as_staff(created["access_token"])
    return Salon(owner, public, created["company"]["id"], timezone, owner_email=signup["owner"]["email"])


def next_weekday(weekday: int, after: date | None = None) -> date:
    day = (after or date.today()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day
