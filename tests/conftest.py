"""The whole system for the system tests: every service, the outbox relay and the gateway,
on throwaway PostgreSQL databases and a throwaway RabbitMQ vhost."""

import contextlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(Path(__file__).parent))

from cluster import SERVICES, LocalCluster  # noqa: E402
from support.api import Api  # noqa: E402
from support.broker import BrokerProxies  # noqa: E402
from support.mail import SmtpServer  # noqa: E402
from support.salon import open_salon  # noqa: E402

from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402


@pytest.fixture(scope="session")
def broker_proxies(amqp_uri):
    """Every process (each service, the relay, the gateway) reaches the broker through a proxy
    of its own, so a test can make the broker unreachable for all of them, or for one."""
    proxies = BrokerProxies(amqp_uri).start()
    yield proxies
    proxies.cut()


@pytest.fixture(scope="session")
def broker_proxy(broker_proxies):
    """The relay's way to the broker."""
    return broker_proxies["bookings-relay"]


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
def cluster(amqp_uri, database_urls, broker_proxies, smtp_server, tmp_path_factory):
    cluster = LocalCluster(
        amqp_uri=amqp_uri,
        database_urls=database_urls,
        log_dir=tmp_path_factory.mktemp("logs"),
        jwt_secret="e2e-jwt-secret-of-at-least-thirty-two-bytes",
        amqp_uris=broker_proxies.uris(),
        rpc_timeout=3.0,
        # A revoked token fails within this: short, so the revocation tests need not wait (the default,
        # 30 s, is checked by gateway/tests/test_revocation.py).
        token_check_seconds=1.0,
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
    supervisor_log = cluster.log_dir / "supervisor.log"
    cluster.supervise(say=lambda line: _append(supervisor_log, line))  # a process that dies comes back
    yield cluster
    cluster.stop()


def _append(path: Path, line: str) -> None:
    with path.open("a") as log:
        log.write(line + "\n")


@pytest.fixture
def public(cluster):
    return Api(cluster.gateway_url)


@pytest.fixture
def salon(public):
    return open_salon(public)
