import pytest
from builders import Salon, new_company

from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database
from scheduling.service import SchedulingService


@pytest.fixture(scope="session")
def database_url():
    with temporary_database("scheduling_test") as url:
        upgrade("scheduling", url)
        yield url


@pytest.fixture(scope="session")
def sessions(database_url):
    engine = create_engine_for(database_url, pool_size=20)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(sessions):
    return UnitOfWork(sessions)


@pytest.fixture
def api(uow):
    """The service's RPC methods called in-process: validation, handlers and dumps on the real
    database, without the broker (tests/integration/test_service.py covers that)."""
    service = SchedulingService()
    service.uow = uow
    return service


@pytest.fixture
def company(api):
    """A company of the test's own: tenancy keeps tests apart without truncating tables."""
    return new_company(api)["company"]


@pytest.fixture
def salon(api, uow, company):
    return Salon(api, uow, company["id"])
