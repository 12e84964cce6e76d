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
        return {"quotes": quotes, "problems": problems}

    def get_staff_member(self, company_id: int, staff_member_id: int) -> dict:
        from salon_infra.errors import NotFound

        if staff_member_id in self.unknown_staff:
            raise NotFound(f"staff member {staff_member_id} not found")
        return {"id": staff_member_id, "name": f"Staff {staff_member_id}"}


@pytest.fixture
def scheduling():
    return FakeScheduling()
