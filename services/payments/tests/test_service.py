"""The service migrates its own database and runs under nameko on the real broker: RPC answers,
and bookings' appointment events reach it through RabbitMQ."""

import json
import time
import uuid
from pathlib import Path

import pika
from nameko.standalone.rpc import ClusterRpcProxy

import salon_infra.dependencies  # noqa: F401  (our error types come back as themselves)
from payments.models import metadata
from salon_infra.errors import ServiceUnavailable
from salon_infra.migrations import upgrade
from salon_infra.testing import free_port, running_service, schema_drift, temporary_database, temporary_vhost

SERVICE_DIR = Path(__file__).resolve().parents[1]


def publish(amqp_uri: str, event_type: str, body: dict) -> None:
    """As bookings' relay publishes: to `bookings.events`, routed by the event's type."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        channel.exchange_declare("bookings.events", "topic", durable=True)
        properties = pika.BasicProperties(content_type="application/json", delivery_mode=2)
        channel.basic_publish("bookings.events", event_type, json.dumps(body), properties)
    finally:
        connection.close()


def test_migrates_answers_and_keeps_a_bill_from_bookings_events(tmp_path):
    with temporary_database("payments_test") as database_url, temporary_vhost() as amqp_uri:
        upgrade("payments", database_url)
        assert schema_drift(database_url, metadata) == []
        env = {"AMQP_URI": amqp_uri, "DATABASE_URL": database_url, "RPC_TIMEOUT_SECONDS": "1"}
        with (
            running_service(
                "payments.service:PaymentsService",
                SERVICE_DIR / "config.yml",
                env,
                log_path=tmp_path / "log",
                health_port=free_port(),
                rpc_name="payments",
            ),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster,
        ):
            assert cluster.payments.ping() == "pong"
            appointment = {"id": 41, "company_id": 7, "client_id": 3, "staff_member_id": 5,
                           "starts_at": "2027-06-07T10:00:00+00:00", "state": "booked", "version": 1,
                           "services": [{"id": 410, "service_id": 1, "title": "Cut", "category_id": None,
                                         "price": 3000, "quantity": 1, "discount": 0, "total": 3000}]}  # fmt: skip
            event = {"event_id": str(uuid.uuid4()), "event_type": "appointment_changed", "company_id": 7,
                     "occurred_at": "2027-06-01T10:00:00+00:00", "data": {"appointment": appointment}}  # fmt: skip
            deadline = time.monotonic() + 20
            while True:
                publish(amqp_uri, "appointment_changed", event)  # until the handler's queue is bound
                try:
                    bill = cluster.payments.get_bill(7, 41)
                    break
                except ServiceUnavailable:  # not copied yet, so it asked bookings, which is not running
                    assert time.monotonic() < deadline
                    time.sleep(0.5)
            assert (bill["total"], bill["due"], bill["lines"][0]["title"]) == (3000, 3000, "Cut")
