"""The service as it runs in production: `nameko run` on the real broker and database, fed
appointment events the way the bookings service's outbox relay publishes them."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pika
import pika.exceptions
import pytest
import requests
from builders import a_future, at
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import select

from salon_infra.errors import AuthenticationFailed, InvalidInput
from salon_infra.testing import free_port, running_service, temporary_vhost
from scheduling.models import BusyTime

SERVICE_DIR = Path(__file__).resolve().parents[2]
DAY = a_future(3)


@pytest.fixture(scope="module")
def scheduling_service(database_url, tmp_path_factory):
    health_port = free_port()
    with temporary_vhost() as amqp_uri:
        env = {"AMQP_URI": amqp_uri, "DATABASE_URL": database_url}
        log = tmp_path_factory.mktemp("logs") / "scheduling.log"
        with (
            running_service(
                "scheduling.service:SchedulingService",
                SERVICE_DIR / "config.yml",
                env,
                log_path=log,
                health_port=health_port,
                rpc_name="scheduling",
            ),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster,
        ):
            yield cluster.scheduling, amqp_uri, health_port, log


@pytest.fixture(scope="module")
def bookings_events(scheduling_service):
    _, amqp_uri, *_ = scheduling_service
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    connection.close()


def publish(channel, event_type: str, company_id: int, appointment: dict) -> None:
    """Publish as the outbox relay does; retry while the service's queues are not bound yet."""
    envelope = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "company_id": company_id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {"appointment": {**appointment, "client_id": 77, "source": "widget", "service_ids": [1]}},
    }
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=2)
    deadline = time.monotonic() + 10
    while True:
        try:
            channel.basic_publish(
                "bookings.events", event_type, json.dumps(envelope).encode(), properties, mandatory=True
            )
            return
        except (pika.exceptions.UnroutableError, pika.exceptions.ChannelClosedByBroker):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def appointment(appointment_id, staff_member_id, wall, version, state="booked"):
    return {
        "id": appointment_id,
        "staff_member_id": staff_member_id,
        "starts_at": at(DAY, wall).isoformat(),
        "ends_at": (at(DAY, wall) + timedelta(hours=1)).isoformat(),
        "version": version,
        "state": state,
    }


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)


def test_booking_events_keep_the_slots_in_step(scheduling_service, bookings_events, uow):
    scheduling, *_ = scheduling_service
    owner = {"name": "Olga", "email": "olga@example.com", "password": "correct horse"}
    company = scheduling.create_company(
        {"name": "Salon", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"}, owner
    )["company"]
    company_id = company["id"]
    anna = scheduling.create_staff_member(company_id, {"name": "Anna"})
    scheduling.set_weekly_hours(
        company_id, anna["id"], [{"weekday": DAY.weekday(), "shifts": [{"start": "10:00", "end": "14:00"}]}]
    )
    cut = scheduling.create_service(
        company_id,
        {"title": "Cut", "duration_minutes": 60, "price_min": 3000, "staff": [{"staff_member_id": anna["id"]}]},
    )
    query = {"service_ids": [cut["id"]], "date_from": DAY.isoformat(), "date_to": DAY.isoformat()}

    def free():
        return {slot["start"][11:16] for slot in scheduling.find_slots(company_id, query)["days"][0]["slots"]}

    assert {"10:00", "11:00", "12:00", "13:00"} <= free()
    appointment_id = 880_000_000 + int(time.time()) % 1_000_000

    publish(bookings_events, "appointment_created", company_id, appointment(appointment_id, anna["id"], "11:00", 1))
    wait_for(lambda: "11:00" not in free())
    assert "10:00" in free() and "12:00" in free() and "10:15" not in free()

    publish(bookings_events, "appointment_created", company_id, appointment(appointment_id, anna["id"], "11:00", 1))
    moved = appointment(appointment_id, anna["id"], "12:00", 2)
    publish(bookings_events, "appointment_rescheduled", company_id, moved)
    wait_for(lambda: "12:00" not in free())
    publish(bookings_events, "appointment_rescheduled", company_id, moved)  # redelivered
    publish(bookings_events, "appointment_created", company_id, appointment(appointment_id, anna["id"], "11:00", 1))
    marker = appointment(appointment_id + 1, anna["id"], "13:00", 1)
    publish(bookings_events, "appointment_created", company_id, marker)  # queued behind the stale ones
    wait_for(lambda: "13:00" not in free())
    assert "11:00" in free() and "12:00" not in free()
    with uow:
        copy = uow.session.scalar(select(BusyTime).where(BusyTime.appointment_id == appointment_id))
        assert (copy.version, copy.starts_at, copy.active) == (2, at(DAY, "12:00"), True)

    publish(
        bookings_events,
        "appointment_cancelled",
        company_id,
        appointment(appointment_id, anna["id"], "12:00", 3, "cancelled"),
    )
    wait_for(lambda: "12:00" in free())


def test_a_malformed_event_is_logged_and_dropped_not_requeued(scheduling_service, bookings_events):
    scheduling, _, _, log = scheduling_service
    publish(bookings_events, "appointment_deleted", 1, {"id": "not a number"})
    wait_for(lambda: "dropping malformed appointment event" in log.read_text())
    time.sleep(0.3)
    assert log.read_text().count("dropping malformed appointment event") == 1
    assert scheduling.ping() == "pong"


def test_errors_come_back_as_our_own_types(scheduling_service):
    scheduling, *_ = scheduling_service
    with pytest.raises(InvalidInput) as problem:
        scheduling.find_slots(1, {"service_ids": [], "date_from": "2030-01-01", "date_to": "2030-01-01"})
    assert list(problem.value.errors) == ["service_ids"]
    with pytest.raises(AuthenticationFailed):
        scheduling.authenticate(999_999_999, "nobody@example.com", "whatever1")


def test_health_probes(scheduling_service):
    _, _, port, _ = scheduling_service
    assert requests.get(f"http://127.0.0.1:{port}/health/live", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200
