"""The whole system for the system tests: every service, the outbox relay and the gateway,
on throwaway PostgreSQL databases and a throwaway RabbitMQ vhost."""

import contextlib
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(Path(__file__).parent))

from cluster import SERVICES, LocalCluster  # noqa: E402
from support.api import Api  # noqa: E402
from support.mail import SmtpServer  # noqa: E402
from support.salon import open_salon  # noqa: E402
from support.tcp_proxy import TcpProxy  # noqa: E402

from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402


@pytest.fixture(scope="session")
def broker_proxy(amqp_uri):
    """The relay reaches the broker through this, so a test can make it unreachable."""
    broker = urlparse(amqp_uri)
    proxy = TcpProxy(broker.hostname, broker.port or 5672)
    proxy.start()
    yield proxy
    proxy.cut()


@pytest.fixture(scope="session")
def amqp_uri():
    with temporary_vhost() as uri:
        yield uri


@pytest.fixture(scope="session")
def database_urls():
    with contextlib.ExitStack() as stack:
        yield {spec.name: stack.enter_context(temporary_database(f"e2e_{spec.name}")) for spec in SERVICES}


@pytest.fixture(scope="session")
def smtp_server():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def inbox(smtp_server):
    return smtp_server.inbox


@pytest.fixture(scope="session")
def cluster(amqp_uri, database_urls, broker_proxy, smtp_server, tmp_path_factory):
    proxied = urlparse(amqp_uri)._replace(netloc=f"guest:guest@127.0.0.1:{broker_proxy.port}").geturl()
    cluster = LocalCluster(
        amqp_uri=amqp_uri,
        database_urls=database_urls,
        log_dir=tmp_path_factory.mktemp("logs"),
        jwt_secret="e2e-jwt-secret-of-at-least-thirty-two-bytes",
        relay_amqp_uri=proxied,
        rpc_timeout=3.0,
        extra_env={
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_server.port),
            "SMTP_FROM": "salon@example.com",
            "SMS_PROVIDER": "development",
        },
    )
    cluster.migrate()
    cluster.start()
    print(f"\nsystem logs: {cluster.log_dir}")
    yield cluster
    cluster.stop()


@pytest.fixture
def public(cluster):
    return Api(cluster.gateway_url)


@pytest.fixture
def salon(public):
    return open_salon(public)
