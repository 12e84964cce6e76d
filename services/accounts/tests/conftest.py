import itertools
import random
import sys
from pathlib import Path

import pytest

from accounts.passwords import Passwords
from accounts.service import AccountsService
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database

sys.path.insert(0, str(Path(__file__).parent))

_company_ids = itertools.count(random.randint(100_000, 900_000) * 10, 10)
_staff_ids = itertools.count(random.randint(1_000, 9_000) * 1000)


@pytest.fixture(scope="session")
def database_url():
    with temporary_database("accounts_test") as url:
        upgrade("accounts", url)
        yield url


@pytest.fixture(scope="session")
def sessions(database_url):
    engine = create_engine_for(database_url, pool_size=20)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(sessions):
    return UnitOfWork(sessions)


class FakeScheduling:
    """Stands in for scheduling's RPC methods accounts calls: the company (made under a signup key,
    once per key, and discarded by it), staff members, and the ids scheduling once handed out."""

    def __init__(self):
        self.companies: dict[str, dict] = {}  # signup key -> company
        self.staff: set[tuple[int, int]] = set()
        self.high_water = {"roles": 0, "users": 0}
        self.lose_answer = False  # create the company, then fail as a lost answer would
        self.next_company_id = None  # the id the next company gets (default: a fresh one)

    def create_company(self, company, signup_key):
        if not company.get("name"):
            raise InvalidInput("invalid company", {"company": {"name": ["Missing data for required field."]}})
        if signup_key not in self.companies:
            company_id = self.next_company_id or next(_company_ids)
            self.next_company_id = None
            self.companies[signup_key] = {"id": company_id, "slot_step_minutes": 15, **company}
        if self.lose_answer:
            from salon_infra.errors import ServiceUnavailable

            raise ServiceUnavailable("scheduling did not answer in time")
        return self.companies[signup_key]

    def discard_company(self, signup_key):
        return {"discarded": self.companies.pop(signup_key, None) is not None}

    def identity_high_water(self):
        return dict(self.high_water)

    def add_staff_member(self, company_id: int) -> int:
        staff_member_id = next(_staff_ids)
        self.staff.add((company_id, staff_member_id))
        return staff_member_id

    def get_staff_member(self, company_id, staff_member_id):
        if (company_id, staff_member_id) not in self.staff:
            raise NotFound(f"staff member {staff_member_id} not found")
        return {"id": staff_member_id, "company_id": company_id}


@pytest.fixture(scope="session")
def passwords():
    return Passwords()


@pytest.fixture
def scheduling():
    return FakeScheduling()


@pytest.fixture
def api(uow, passwords, scheduling):
    """The service's RPC methods called in-process: validation, handlers and dumps on the real
    database, without the broker (test_service.py covers that)."""
    service = AccountsService()
    service.uow, service.passwords, service.scheduling = uow, passwords, scheduling
    return service
