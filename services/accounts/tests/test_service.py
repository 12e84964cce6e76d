"""The service migrates its own database and runs under nameko on the real broker: a signup reaches
scheduling (a stand-in) by RPC, logins hash off the event loop, and scheduling's carry-over event
reaches it through RabbitMQ."""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

import salon_infra.dependencies  # noqa: F401  (our error types come back as themselves)
from accounts.models import Base
from salon_infra.errors import AuthenticationFailed, InvalidInput
from salon_infra.migrations import upgrade
from salon_infra.testing import free_port, running_service, schema_drift, temporary_database, temporary_vhost

HERE = Path(__file__).resolve().parent
SERVICE_DIR = HERE.parent
COMPANY = {"name": "Salon Olga", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"}
OWNER = {"name": "Olga", "email": "olga@example.com", "password": "correct horse"}


def publish(amqp_uri: str, event_type: str, body: dict) -> None:
    """As scheduling's relay publishes: to `scheduling.events`, routed by the event's type."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        channel.exchange_declare("scheduling.events", "topic", durable=True)
        properties = pika.BasicProperties(content_type="application/json", delivery_mode=2)
        channel.basic_publish("scheduling.events", event_type, json.dumps(body), properties)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    with temporary_database("accounts_test") as database_url, temporary_vhost() as amqp_uri:
        upgrade("accounts", database_url)
        assert schema_drift(database_url, Base.metadata) == []
        fake_config = logs / "fake.yml"
        fake_config.write_text("AMQP_URI: ${AMQP_URI}\nWEB_SERVER_ADDRESS: ${HEALTH_ADDRESS}\n")
        env = {"AMQP_URI": amqp_uri, "DATABASE_URL": database_url, "RPC_TIMEOUT_SECONDS": "5",
               "PASSWORD_HASH_THREADS": "1"}  # fmt: skip
        with (
            running_service(
                "fake_scheduling:FakeScheduling", fake_config, {"AMQP_URI": amqp_uri, "PYTHONPATH": str(HERE)},
                log_path=logs / "scheduling.log", health_port=free_port(), rpc_name="scheduling",
            ),
            running_service(
                "accounts.service:AccountsService", SERVICE_DIR / "config.yml", env,
                log_path=logs / "accounts.log", health_port=free_port(), rpc_name="accounts",
            ),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as proxy,
        ):  # fmt: skip
            yield proxy, amqp_uri


def test_signup_and_sign_in_over_the_broker(cluster):
    proxy, _ = cluster
    assert proxy.accounts.ping() == "pong"
    created = proxy.accounts.signup(COMPANY, OWNER)
    company_id, user = created["company"]["id"], created["user"]
    assert created["company"]["name"] == "Salon Olga" and user["role"] == "owner"
    assert proxy.accounts.authenticate(company_id, "OLGA@example.com", "correct horse") == user
    with pytest.raises(AuthenticationFailed):
        proxy.accounts.authenticate(company_id, "olga@example.com", "wrong horse")
    assert proxy.accounts.token_state(company_id, user["id"]) == {"user_id": user["id"], "token_version": 1}
    with pytest.raises(InvalidInput) as problem:
        proxy.accounts.update_user(company_id, user["id"], {"active": False})
    assert list(problem.value.errors) == ["active"]


def test_a_flood_of_logins_waits_for_hashing_threads_while_other_calls_are_answered(cluster):
    proxy, _ = cluster
    created = proxy.accounts.signup(COMPANY, {**OWNER, "email": "flood@example.com"})
    company_id = created["company"]["id"]
    with ThreadPoolExecutor(16) as pool:
        logins = [
            pool.submit(_wrong_login, cluster[1], company_id) for _ in range(32)
        ]  # one hashing thread: they queue there
        time.sleep(0.2)
        answered = proxy.accounts.list_rights()
        still_hashing = sum(not login.done() for login in logins)
        outcomes = [login.result() for login in logins]
    assert answered and still_hashing > 0
    assert outcomes == ["refused"] * 32


def _wrong_login(amqp_uri: str, company_id: int) -> str:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as proxy:
        try:
            proxy.accounts.authenticate(company_id, "flood@example.com", "wrong horse")
        except AuthenticationFailed:
            return "refused"
    return "signed in"


def test_users_moved_from_scheduling_arrive_through_the_broker(cluster):
    proxy, amqp_uri = cluster
    old_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"
    role = {"id": 31, "name": "owner", "built_in": True, "rights": None}
    user = {"id": 41, "email": "moved@example.com", "name": "Moved", "role_id": 31, "staff_member_id": None,
            "active": True, "created_at": "2026-01-05T10:00:00+00:00",
            "password_hash": old_hash}  # fmt: skip
    event = {"event_id": str(uuid.uuid4()), "event_type": "identity_carried_over", "company_id": 8001,
             "occurred_at": "2026-03-01T10:00:00+00:00", "data": {"roles": [role], "users": [user]}}  # fmt: skip
    deadline = time.monotonic() + 20
    while not proxy.accounts.list_users(8001):
        assert time.monotonic() < deadline
        publish(amqp_uri, "identity_carried_over", event)  # until the handler's queue is bound; once is kept
        time.sleep(0.3)
    assert [(found["id"], found["role"]) for found in proxy.accounts.list_users(8001)] == [(41, "owner")]
