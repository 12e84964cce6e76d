import itertools
import random
from datetime import timedelta

import pytest

from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database

_company_ids = itertools.count(random.randint(100_000, 900_000) * 10, 10)


@pytest.fixture(scope="session")
def database_url():
    with temporary_database("bookings_test") as url:
        upgrade("bookings", url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = create_engine_for(database_url, pool_size=60)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sessions(engine):
    return session_factory(engine)


@pytest.fixture
def uow(sessions):
    return UnitOfWork(sessions)


@pytest.fixture
def company_id():
    return next(_company_ids)


class FakeScheduling:
    """Stands in for scheduling's RPCs: service 1 takes 60 min, 2 takes 30, 3 takes 90, 4 (a group
    class) 60; 1 is in category 100, 2 in category 200, the others in none; each costs 2500."""

    durations = {1: 60, 2: 30, 3: 90, 4: 60}
    categories = {1: 100, 2: 200, 3: None, 4: None}

    def __init__(self):
        self.unknown_staff: set[int] = set()
        self.off_duty: set[int] = set()
        self.not_performing: dict[int, set[int]] = {}  # staff member -> services they do not perform
        self.staff = [5, 6]  # everyone, when a query names nobody
        self.prepaid: set[int] = set()  # staff members whose bookings must be prepaid
        self.queries: list[dict] = []

    def quote_appointment(self, company_id: int, query: dict) -> dict:
        from datetime import datetime

        self.queries.append(query)
        self._check_contact(query.get("contact"))
        starts_at = datetime.fromisoformat(query["starts_at"])
        if unknown := [s for s in query["service_ids"] if s not in self.durations]:
            from salon_infra.errors import InvalidInput

            raise InvalidInput.field("service_ids", f"No service {unknown[0]}.")
        minutes = sum(self.durations[service_id] for service_id in query["service_ids"])
        quotes, problems = [], {}
        for staff_member_id in query["staff_member_ids"] or self.staff:
            if set(query["service_ids"]) & self.not_performing.get(staff_member_id, set()):
                problems[str(staff_member_id)] = "does not perform these services"
                continue
            if staff_member_id in self.off_duty:
                problems[str(staff_member_id)] = "outside working hours"
                continue
            quotes.append(
                {
                    "staff_member_id": staff_member_id,
                    "starts_at": starts_at.isoformat(),
                    "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
                    "services": [
                        {
                            "service_id": s,
                            "title": f"Service {s}",
                            "duration_minutes": self.durations[s],
                            "price": 2500,
                            "category_id": self.categories[s],
                        }
                        for s in query["service_ids"]
                    ],
                    "prepayment_required": staff_member_id in self.prepaid,
                }
            )
        answer = {"quotes": quotes, "problems": problems}
        return {**answer, "rules": dict(self.rules)} if query["online"] else answer

    rules = {"sms_confirmation": False, "remember_device": False}
    required_contact: set[str] = set()  # contact fields the salon requires of online clients

    def check_online_contact(self, company_id: int, contact: dict) -> dict:
        self._check_contact(contact)
        return dict(self.rules)

    def _check_contact(self, contact: dict | None) -> None:
        if contact is None:
            return
        missing = {name: ["This field is required."] for name in self.required_contact if not contact.get(name)}
        if missing:
            from salon_infra.errors import InvalidInput

            raise InvalidInput("missing or unexpected contact details", missing)

    def get_staff_member(self, company_id: int, staff_member_id: int) -> dict:
        from salon_infra.errors import NotFound

        if staff_member_id in self.unknown_staff:
            raise NotFound(f"staff member {staff_member_id} not found")
        return {"id": staff_member_id, "name": f"Staff {staff_member_id}"}


@pytest.fixture
def scheduling():
    return FakeScheduling()


class FakeClients:
    """Stands in for the clients service: cards by phone, and what was asked of it."""

    def __init__(self):
        self.cards: dict[str, dict] = {}
        self.calls: list[tuple] = []
        self.devices: list[tuple] = []

    def find_or_create_client(self, company_id: int, client: dict, default_region=None, fill_in=True) -> dict:
        self.calls.append((company_id, dict(client), default_region, fill_in))
        card = self.cards.get(client["phone"])
        if card is None:
            card = {"id": 7000 + len(self.cards), "company_id": company_id, **client}
            self.cards[client["phone"]] = card
        return card

    def remember_device(self, company_id: int, client_id: int, device_token: str) -> dict:
        self.devices.append((company_id, client_id, device_token))
        return {"client_id": client_id, "device_token": device_token}


@pytest.fixture
def clients():
    return FakeClients()
