"""The service as it runs in production: `nameko run` on the real broker and database, fed
appointment events the way the bookings service's outbox relay publishes them, sending SMS to
the development inbox and email to a real SMTP server. The clients and scheduling services
are stand-ins (tests/fake_neighbours.py) running on the same vhost."""

import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pika
import pika.exceptions
import pytest
import requests
from local_servers import SmsGateway, SmtpInbox, wait_for
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import select

import salon_infra.dependencies  # noqa: F401 - our error types come back over RPC as themselves
from notifications.models import DevelopmentSms, SentMessage
from notifications.schemas import SEND_RESULT_FIELDS
from salon_infra.errors import InvalidInput
from salon_infra.testing import free_port, running_service, temporary_vhost, wait_until_consuming

SERVICE_DIR = Path(__file__).resolve().parents[2]
TESTS_DIR = SERVICE_DIR / "tests"


def fake_neighbours(amqp_uri, log_path):
    python_path = os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")]))
    return running_service(
        "fake_neighbours",
        SERVICE_DIR / "config.yml",
        {"AMQP_URI": amqp_uri, "PYTHONPATH": python_path},
        log_path=log_path,
        health_port=free_port(),
        rpc_name="clients",
    )


def notifications_service(env, log_path, health_port):
    return running_service(
        "notifications.service:NotificationsService",
        SERVICE_DIR / "config.yml",
        env,
        log_path=log_path,
        health_port=health_port,
        rpc_name="notifications",
    )


@pytest.fixture(scope="module")
def running(database_url, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    health_port = free_port()
    with temporary_vhost() as amqp_uri, SmtpInbox() as smtp_inbox:
        env = {
            "AMQP_URI": amqp_uri,
            "DATABASE_URL": database_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_inbox.port),
            "SMTP_FROM": "Studio Lumière <hello@lumiere.example>",
            "SMS_SENDER": "Lumiere",
            "PUBLIC_BASE_URL": "https://salon.example/",
        }
        with (
            fake_neighbours(amqp_uri, logs / "neighbours.log"),
            notifications_service(env, logs / "notifications.log", health_port),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster,
        ):
            wait_until_consuming(amqp_uri, "rpc-scheduling", 30)
            yield SimpleNamespace(
                notifications=cluster.notifications,
                amqp_uri=amqp_uri,
                smtp_inbox=smtp_inbox,
                log=logs / "notifications.log",
                health_port=health_port,
            )


@pytest.fixture(scope="module")
def bookings_events(running):
    connection = pika.BlockingConnection(pika.URLParameters(running.amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    connection.close()


def envelope(company_id, event_type="appointment_created", client_id=3, source="widget", link_token="tok-42"):
    appointment = {
        "id": 42, "client_id": client_id, "staff_member_id": 5, "starts_at": "2030-07-15T08:00:00+00:00",
        "ends_at": "2030-07-15T09:00:00+00:00", "service_ids": [1], "source": source,
        "created_by": {"kind": "client", "id": client_id}, "visit_status": "pending", "state": "booked", "version": 1,
    }  # fmt: skip
    data = {"appointment": appointment}
    if link_token:
        data["link_token"] = link_token
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "company_id": company_id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": data,
    }


def publish(channel, message: dict) -> None:
    """Publish as the outbox relay does; retry while the service's queues are not bound yet."""
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=2)
    deadline = time.monotonic() + 10
    while True:
        try:
            channel.basic_publish(
                "bookings.events", message["event_type"], json.dumps(message).encode(), properties, mandatory=True
            )
            return
        except (pika.exceptions.UnroutableError, pika.exceptions.ChannelClosedByBroker):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def messages_of_event(sessions, event_id):
    with sessions() as session:
        query = select(SentMessage).where(SentMessage.event_id == event_id).order_by(SentMessage.id)
        return list(session.scalars(query))


def dev_inbox(sessions, text):
    with sessions() as session:
        return list(session.scalars(select(DevelopmentSms).where(DevelopmentSms.text == text)))


def test_sms_email_and_the_log_over_rpc(running, sessions, company_id):
    notifications = running.notifications
    sms = notifications.send_sms(
        company_id, {"phone": "+4915177777777", "text": "Code 123456", "purpose": "phone_code"}
    )
    assert set(sms) == set(SEND_RESULT_FIELDS)
    assert (sms["status"], sms["channel"], sms["recipient"], sms["error"]) == ("sent", "sms", "+4915177777777", None)
    [delivered] = [row for row in dev_inbox(sessions, "Code 123456") if row.phone == "+4915177777777"]
    assert delivered.sender == "Lumiere"

    email = notifications.send_email(
        company_id,
        {"to": "owner@example.com", "subject": "Export ready", "text": "It is ready.", "purpose": "export_ready"},
    )
    assert (email["status"], email["channel"]) == ("sent", "email")
    [received] = running.smtp_inbox.to("owner@example.com")
    assert received["Subject"] == "Export ready" and received["From"] == "Studio Lumière <hello@lumiere.example>"

    listed = notifications.list_messages(company_id, {})
    assert [(m["id"], m["purpose"]) for m in listed] == [(email["id"], "export_ready"), (sms["id"], "phone_code")]
    assert (listed[0]["subject"], listed[0]["body"], listed[1]["body"]) == (
        "Export ready",
        "It is ready.",
        "Code 123456",
    )
    assert [m["id"] for m in notifications.list_messages(company_id, {"channel": "sms"})] == [sms["id"]]
    assert notifications.list_messages(company_id + 1) == []


def test_bad_input_comes_back_naming_the_field(running, company_id):
    with pytest.raises(InvalidInput) as problem:
        running.notifications.send_sms(company_id, {"phone": "0151 777", "text": "x", "purpose": "phone_code"})
    assert list(problem.value.errors) == ["phone"]
    with pytest.raises(InvalidInput) as problem:
        running.notifications.list_messages(company_id, {"limit": 500})
    assert list(problem.value.errors) == ["limit"]


def test_a_booking_brings_the_client_an_sms_and_an_email(running, bookings_events, sessions, company_id):
    event = envelope(company_id)
    publish(bookings_events, event)
    [email] = wait_for(
        lambda: [m for m in running.smtp_inbox.to("anna@example.com") if str(company_id) in m.get_content()]
    )
    link = f"https://salon.example/widget/{company_id}/bookings/tok-42"
    assert email["Subject"] == "Your appointment at Studio Lumière: Mon 15 Jul 2030, 10:00"
    assert link in email.get_content()
    sms, recorded_email = wait_for(
        lambda: [m for m in messages_of_event(sessions, event["event_id"]) if m.status == "sent"]
    )
    assert (sms.channel, sms.recipient, recorded_email.recipient) == ("sms", "+4915111111111", "anna@example.com")
    assert (
        sms.body
        == f"Studio Lumière: your appointment on Mon 15 Jul 2030, 10:00 is booked. Reschedule or cancel: {link}"
    )
    assert len(dev_inbox(sessions, sms.body)) == 1


def test_a_redelivered_event_sends_nothing_more(running, bookings_events, sessions, company_id):
    event = envelope(company_id, "appointment_rescheduled")
    publish(bookings_events, event)
    publish(bookings_events, event)  # at once: the two deliveries may run side by side
    wait_for(lambda: running.log.read_text().count(f"event {event['event_id']} already handled") == 1)
    publish(bookings_events, event)  # later
    wait_for(lambda: running.log.read_text().count(f"event {event['event_id']} already handled") == 2)
    sent = messages_of_event(sessions, event["event_id"])
    assert [(m.channel, m.status) for m in sent] == [("sms", "sent"), ("email", "sent")]
    assert len(dev_inbox(sessions, sent[0].body)) == 1
    assert len([m for m in running.smtp_inbox.to("anna@example.com") if m["Subject"] == sent[1].subject]) == 1


def test_an_imported_appointment_notifies_nobody(running, bookings_events, sessions, company_id):
    event = envelope(company_id, source="import")
    publish(bookings_events, event)
    wait_for(lambda: f"(event {event['event_id']})" in running.log.read_text())
    assert messages_of_event(sessions, event["event_id"]) == []
    assert running.notifications.list_messages(company_id) == []


def test_a_cancellation_reaches_a_client_without_email_by_sms(running, bookings_events, sessions, company_id):
    event = envelope(company_id, "appointment_cancelled", client_id=4, link_token=None)
    publish(bookings_events, event)
    [sms] = wait_for(lambda: [m for m in messages_of_event(sessions, event["event_id"]) if m.status == "sent"])
    assert (sms.recipient, sms.body) == (
        "+4915122222222",
        "Studio Lumière: your appointment on Mon 15 Jul 2030, 10:00 is cancelled.",
    )


def test_a_malformed_event_is_logged_and_dropped(running, bookings_events):
    publish(bookings_events, {"event_type": "appointment_created", "event_id": "broken", "data": {}})
    wait_for(lambda: "dropping malformed appointment event" in running.log.read_text())
    assert running.notifications.ping() == "pong"


def test_health_probes(running):
    port = running.health_port
    assert requests.get(f"http://127.0.0.1:{port}/health/live", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200


def test_sms_through_the_http_provider_configured_by_environment(database_url, tmp_path, company_id):
    with temporary_vhost() as amqp_uri, SmsGateway() as gateway:
        env = {
            "AMQP_URI": amqp_uri,
            "DATABASE_URL": database_url,
            "SMS_PROVIDER": "http",
            "SMS_HTTP_URL": gateway.url,
            "SMS_HTTP_TOKEN": "0123",
            "SMS_SENDER": "Lumiere",
        }
        with (
            notifications_service(env, tmp_path / "notifications.log", free_port()),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster,
        ):
            sms = cluster.notifications.send_sms(
                company_id, {"phone": "+4915188888888", "text": "Code 654321", "purpose": "phone_code"}
            )
    assert sms["status"] == "sent"
    [request] = gateway.requests
    assert request.body == {"to": "+4915188888888", "text": "Code 654321", "from": "Lumiere"}
    assert request.headers["Authorization"] == "Bearer 0123"
