import itertools
import random

import pytest
from local_servers import SmsGateway, SmtpInbox

from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database

_company_ids = itertools.count(random.randint(100_000, 900_000) * 10, 10)


@pytest.fixture(scope="session")
def database_url():
    with temporary_database("notifications_test") as url:
        upgrade("notifications", url)
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
def company_id():
    """A company of the test's own: tenancy keeps tests apart without truncating tables."""
    return next(_company_ids)


@pytest.fixture
def smtp_inbox():
    with SmtpInbox() as inbox:
        yield inbox


@pytest.fixture
def sms_gateway():
    with SmsGateway() as gateway:
        yield gateway
