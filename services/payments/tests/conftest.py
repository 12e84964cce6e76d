import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.errors import NotFound
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database

_company_ids = itertools.count(random.randint(100_000, 900_000) * 10, 10)
_appointment_ids = itertools.count(random.randint(1_000, 9_000) * 1000)


@pytest.fixture(scope="session")
def database_url():
    with temporary_database("payments_test") as url:
        upgrade("payments", url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = create_engine_for(database_url, pool_size=40)
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


class FakeBookings:
    """Stands in for bookings' get_appointment (the read-through); `appointments` are bookings' own
    dumps, and `asked` counts the calls."""

    def __init__(self):
        self.appointments: dict[tuple[int, int], dict] = {}
        self.asked = 0

    def book(self, company_id: int, *prices: int, staff_member_id=5, client_id=11, service_ids=None, **more) -> dict:
        appointment_id = next(_appointment_ids)
        services = [
            {"id": appointment_id * 10 + index, "service_id": (service_ids or {}).get(index, index + 1),
             "title": f"Service {index + 1}", "category_id": None, "price": price, "quantity": 1, "discount": 0,
             "total": price}
            for index, price in enumerate(prices)
        ]  # fmt: skip
        appointment = {
            "id": appointment_id, "company_id": company_id, "client_id": client_id,
            "staff_member_id": staff_member_id,
            "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(), "services": services,
            "total_price": sum(prices), "state": "booked", "version": 1, **more,
        }  # fmt: skip
        self.appointments[(company_id, appointment_id)] = appointment
        return appointment

    def change(self, company_id: int, appointment_id: int, **changes) -> dict:
        appointment = self.appointments[(company_id, appointment_id)]
        appointment.update(changes, version=appointment["version"] + 1)
        return appointment

    def get_appointment(self, company_id: int, appointment_id: int) -> dict:
        self.asked += 1
        try:
            return self.appointments[(company_id, appointment_id)]
        except KeyError:
            raise NotFound(f"appointment {appointment_id} not found") from None


@pytest.fixture
def bookings():
    return FakeBookings()


class FakeScheduling:
    """Stands in for scheduling's get_staff_member: staff members 5 (every visit's here) and 6 of
    every company, and an inactive 7; `asked` counts the calls."""

    def __init__(self):
        self.asked = 0

    def get_staff_member(self, company_id: int, staff_member_id: int) -> dict:
        self.asked += 1
        if staff_member_id not in (5, 6, 7):
            raise NotFound(f"staff member {staff_member_id} not found")
        names = {5: "Anna", 6: "Ben", 7: "Former"}
        return {"id": staff_member_id, "company_id": company_id, "name": names[staff_member_id],
                "active": staff_member_id != 7}  # fmt: skip


@pytest.fixture
def scheduling():
    return FakeScheduling()
