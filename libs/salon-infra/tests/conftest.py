import pika
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations

from salon_infra import outbox
from salon_infra.database import create_engine_for, session_factory
from salon_infra.testing import temporary_database, temporary_vhost


@pytest.fixture(scope="session")
def amqp_uri():
    with temporary_vhost() as uri:
        yield uri


@pytest.fixture
def engine():
    with temporary_database("infra_test") as url:
        engine = create_engine_for(url, pool_size=2)
        with engine.begin() as connection:
            outbox.create_tables_v1(Operations(MigrationContext.configure(connection)))
        yield engine
        engine.dispose()


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


@pytest.fixture
def broker(amqp_uri):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    yield channel
    connection.close()


def bind_queue(channel, exchange: str, routing_key: str) -> str:
    channel.exchange_declare(exchange, "topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, exchange, routing_key=routing_key)
    return queue
