"""The service as it runs in production: `nameko run` on the real broker and database, fed
appointment, group event and break events the way the bookings service's outbox relay
publishes them."""

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

from salon_infra.errors import InvalidInput, NotFound
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
    extra = {"client_id": 77, "source": "widget", "service_ids": [1], "group_event_id": None}
    publish_record(channel, event_type, company_id, "appointment", {**extra, **appointment})


def publish_record(channel, event_type: str, company_id: int, key: str, record: dict) -> None:
    """Publish as the outbox relay does; retry while the service's queues are not bound yet."""
    envelope = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "company_id": company_id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {key: {**record, "company_id": company_id}},
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


def appointment(appointment_id, staff_member_id, wall, version, state="booked", minutes=60):
    return {
        "id": appointment_id,
        "staff_member_id": staff_member_id,
        "starts_at": at(DAY, wall).isoformat(),
        "ends_at": (at(DAY, wall) + timedelta(minutes=minutes)).isoformat(),
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
    company = scheduling.create_company(
        {"name": "Salon", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"}
    )
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
        copy = uow.session.scalar(
            select(BusyTime).where(BusyTime.kind == "appointment", BusyTime.source_id == appointment_id)
        )
        assert (copy.version, copy.starts_at, copy.active) == (2, at(DAY, "12:00"), True)

    publish(
        bookings_events,
        "appointment_cancelled",
        company_id,
        appointment(appointment_id, anna["id"], "12:00", 3, "cancelled"),
    )
    wait_for(lambda: "12:00" in free())


def new_salon(scheduling, opens="10:00", closes="16:00"):
    company = scheduling.create_company(
        {"name": "Salon", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"}, uuid.uuid4().hex
    )
    anna = scheduling.create_staff_member(company["id"], {"name": "Anna"})
    scheduling.set_weekly_hours(
        company["id"], anna["id"], [{"weekday": DAY.weekday(), "shifts": [{"start": opens, "end": closes}]}]
    )
    cut = scheduling.create_service(
        company["id"],
        {"title": "Cut", "duration_minutes": 60, "price_min": 3000, "staff": [{"staff_member_id": anna["id"]}]},
    )
    query = {"service_ids": [cut["id"]], "date_from": DAY.isoformat(), "date_to": DAY.isoformat()}

    def free():
        return {slot["start"][11:16] for slot in scheduling.find_slots(company["id"], query)["days"][0]["slots"]}

    return company["id"], anna["id"], free


def stored(uow, kind, source_id):
    with uow:
        copy = uow.session.scalar(select(BusyTime).where(BusyTime.kind == kind, BusyTime.source_id == source_id))
        return None if copy is None else (copy.version, copy.starts_at, copy.ends_at, copy.active)


def test_group_event_and_break_events_keep_the_slots_in_step(scheduling_service, bookings_events, uow):
    scheduling, *_ = scheduling_service
    company_id, anna, free = new_salon(scheduling)
    assert {"10:00", "11:00", "12:00", "13:00", "14:00", "15:00"} <= free()
    shared_id = 890_000_000 + int(time.time()) % 1_000_000  # an event and a break with the same id

    def group_event(wall, version, state="booked"):
        return {**appointment(shared_id, anna, wall, version, state), "service_id": 1, "title": "Yoga", "capacity": 8}

    def break_(wall, version, state="active", break_id=shared_id):
        return appointment(break_id, anna, wall, version, state, minutes=30)

    publish_record(bookings_events, "group_event_created", company_id, "group_event", group_event("10:00", 1))
    wait_for(lambda: "10:00" not in free())
    publish_record(bookings_events, "group_event_changed", company_id, "group_event", group_event("11:00", 2))
    wait_for(lambda: "11:00" not in free())
    assert "10:00" in free()
    publish_record(bookings_events, "group_event_changed", company_id, "group_event", group_event("11:00", 2))
    publish_record(bookings_events, "group_event_created", company_id, "group_event", group_event("10:00", 1))

    publish_record(bookings_events, "break_added", company_id, "break", break_("13:00", 1))
    wait_for(lambda: "13:00" not in free())
    assert "12:30" not in free() and "13:30" in free() and "10:00" in free()  # the late event changed nothing
    assert stored(uow, "group_event", shared_id) == (2, at(DAY, "11:00"), at(DAY, "12:00"), True)

    publish_record(
        bookings_events, "group_event_cancelled", company_id, "group_event", group_event("11:00", 3, "cancelled")
    )
    wait_for(lambda: "11:00" in free())
    publish_record(bookings_events, "break_removed", company_id, "break", break_("13:00", 2, "removed"))
    wait_for(lambda: "13:00" in free())
    publish_record(bookings_events, "break_added", company_id, "break", break_("13:00", 1))  # late
    publish_record(bookings_events, "break_added", company_id, "break", break_("15:00", 1, break_id=shared_id + 1))
    wait_for(lambda: "15:00" not in free())
    assert "13:00" in free()
    assert stored(uow, "break", shared_id) == (2, at(DAY, "13:00"), at(DAY, "13:30"), False)
    assert stored(uow, "group_event", shared_id)[3] is False


def test_changed_appointments_and_seats(scheduling_service, bookings_events, uow):
    scheduling, *_ = scheduling_service
    company_id, anna, free = new_salon(scheduling)
    appointment_id = 895_000_000 + int(time.time()) % 1_000_000
    publish(bookings_events, "appointment_created", company_id, appointment(appointment_id, anna, "12:00", 1))
    wait_for(lambda: "12:00" not in free())
    assert "13:00" in free()
    longer = appointment(appointment_id, anna, "12:00", 2, minutes=120)
    publish(bookings_events, "appointment_changed", company_id, {**longer, "visit_status": "arrived"})
    wait_for(lambda: "13:00" not in free())
    assert "14:00" in free() and "11:00" in free()

    seat = {**appointment(appointment_id + 1, anna, "10:00", 1), "group_event_id": 31}
    publish(bookings_events, "appointment_created", company_id, seat)
    wait_for(lambda: stored(uow, "appointment", appointment_id + 1) is not None)
    assert stored(uow, "appointment", appointment_id + 1)[3] is False and "10:00" in free()


def test_a_malformed_event_is_logged_and_dropped_not_requeued(scheduling_service, bookings_events):
    scheduling, _, _, log = scheduling_service
    publish(bookings_events, "appointment_deleted", 1, {"id": "not a number"})
    wrong_state = {**appointment(1, 1, "10:00", 1), "state": "somewhere"}
    publish_record(bookings_events, "group_event_changed", 1, "group_event", wrong_state)
    publish_record(bookings_events, "break_removed", 1, "group_event", appointment(1, 1, "10:00", 1, "removed"))
    for kind in ("appointment", "group_event", "break"):
        wait_for(lambda kind=kind: f"dropping malformed {kind} event" in log.read_text())
    time.sleep(0.3)
    for kind in ("appointment", "group_event", "break"):
        assert log.read_text().count(f"dropping malformed {kind} event") == 1
    assert scheduling.ping() == "pong"


def test_errors_come_back_as_our_own_types(scheduling_service):
    scheduling, *_ = scheduling_service
    with pytest.raises(InvalidInput) as problem:
        scheduling.find_slots(1, {"service_ids": [], "date_from": "2030-01-01", "date_to": "2030-01-01"})
    assert list(problem.value.errors) == ["service_ids"]
    with pytest.raises(NotFound):
        scheduling.get_company(999_999_999)


def test_health_probes(scheduling_service):
    _, _, port, _ = scheduling_service
    assert requests.get(f"http://127.0.0.1:{port}/health/live", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200
