import json
import threading
import time
import urllib.error
import urllib.request

import pika.exceptions
import pytest
from conftest import bind_queue
from prometheus_client import REGISTRY, CollectorRegistry
from sqlalchemy import select

from salon_infra.database import UnitOfWork
from salon_infra.logs import REQUEST_ID
from salon_infra.outbox import outbox_table
from salon_infra.relay import (
    EventPublisher,
    NotifyWakeup,
    OutboxBacklog,
    OutboxRelay,
    PollingWakeup,
    RelayLoop,
    events_exchange,
    is_alive,
    serve_health,
)
from salon_infra.testing import free_port

EXCHANGE = events_exchange("testsvc")


def record(sessions, event_type="thing_happened", commit=True):
    with UnitOfWork(sessions) as uow:
        event_id = uow.record_event(event_type, 7, {"thing_id": 1})
        if commit:
            uow.commit()
    return event_id


def outbox_rows(engine):
    with engine.connect() as connection:
        return connection.execute(select(outbox_table).order_by(outbox_table.c.id)).all()


def wait_for_message(channel, queue, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method:
            return properties, json.loads(body)
        time.sleep(0.02)
    return None, None


def test_an_event_is_written_only_with_its_commit(engine, sessions):
    record(sessions, commit=False)
    assert outbox_rows(engine) == []
    event_id = record(sessions)
    [row] = outbox_rows(engine)
    assert row.event_id == event_id and row.published_at is None


def test_relay_publishes_the_envelope_and_marks_it(engine, sessions, amqp_uri, broker):
    queue = bind_queue(broker, EXCHANGE, "thing_happened")
    event_id = record(sessions)
    relay = OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE))

    assert relay.publish_pending() == 1
    properties, message = wait_for_message(broker, queue)
    assert message["event_id"] == event_id
    assert message["company_id"] == 7 and message["data"] == {"thing_id": 1}
    assert properties.message_id == event_id and properties.delivery_mode == 2
    assert outbox_rows(engine)[0].published_at is not None
    assert relay.publish_pending() == 0


def test_event_committed_while_broker_unreachable_is_delivered_later(engine, sessions, amqp_uri, broker):
    queue = bind_queue(broker, EXCHANGE, "thing_happened")
    unreachable = OutboxRelay(engine, EventPublisher(f"amqp://guest:guest@127.0.0.1:{free_port()}/", EXCHANGE))
    event_id = record(sessions)

    with pytest.raises((pika.exceptions.AMQPError, OSError)):
        unreachable.publish_pending()
    assert outbox_rows(engine)[0].published_at is None

    OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE)).publish_pending()
    _, message = wait_for_message(broker, queue)
    assert message["event_id"] == event_id


def test_unroutable_event_stays_and_is_retried_later(engine, sessions, amqp_uri, broker):
    record(sessions, event_type="nobody_listens")
    relay = OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE))
    relay.publish_pending()
    [row] = outbox_rows(engine)
    assert row.published_at is None and row.attempts == 1 and row.next_attempt_at is not None
    assert relay.publish_pending() == 0  # not due yet


def test_events_keep_commit_order(engine, sessions, amqp_uri, broker):
    queue = bind_queue(broker, EXCHANGE, "#")
    ids = [record(sessions, event_type=f"step_{n}") for n in range(5)]
    OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE)).publish_pending()
    received = [wait_for_message(broker, queue)[1]["event_id"] for _ in ids]
    assert received == ids


def test_loop_wakes_on_commit_through_notify(engine, sessions, amqp_uri, broker):
    queue = bind_queue(broker, EXCHANGE, "thing_happened")
    relay = OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE))
    loop = RelayLoop(relay, NotifyWakeup(engine.url.render_as_string(hide_password=False), fallback_interval=30))
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)  # the loop is now parked in LISTEN, 30 s from its next poll
        event_id = record(sessions)
        _, message = wait_for_message(broker, queue, timeout=3)
        assert message and message["event_id"] == event_id
    finally:
        loop.stop()
        thread.join(timeout=35)


def test_a_consumer_claims_an_event_once(sessions):
    with UnitOfWork(sessions) as uow:
        assert uow.claim_event("e-1", "scheduling.busy_times") is True
        uow.commit()
    with UnitOfWork(sessions) as uow:
        assert uow.claim_event("e-1", "scheduling.busy_times") is False
        assert uow.claim_event("e-1", "notifications.confirmations") is True


class FailingAfter(EventPublisher):
    """The real publisher, with the broker connection lost after `count` events."""

    def __init__(self, amqp_uri, exchange, count):
        super().__init__(amqp_uri, exchange)
        self.left = count

    def publish(self, routing_key, body, message_id):
        if self.left == 0:
            raise pika.exceptions.StreamLostError("connection lost")
        self.left -= 1
        super().publish(routing_key, body, message_id)


def test_a_broker_failure_mid_batch_keeps_what_was_published(engine, sessions, amqp_uri, broker):
    bind_queue(broker, EXCHANGE, "#")
    for n in range(5):
        record(sessions, event_type=f"step_{n}")
    with pytest.raises(pika.exceptions.StreamLostError):
        OutboxRelay(engine, FailingAfter(amqp_uri, EXCHANGE, 3)).publish_pending()
    assert [row.published_at is not None for row in outbox_rows(engine)] == [True, True, True, False, False]


def test_one_relay_drains_at_a_time_so_events_keep_commit_order(engine, sessions, amqp_uri, broker):
    record(sessions)
    relay = OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE))
    with engine.begin() as other_replica:
        assert relay._drain_lock(other_replica)
        assert relay.publish_pending() == 0  # the other replica holds the turn
    bind_queue(broker, EXCHANGE, "thing_happened")
    assert relay.publish_pending() == 1


def test_a_commit_after_the_callers_deadline_saves_nothing(engine, sessions):
    import time

    from salon_infra.errors import ServiceUnavailable

    with pytest.raises(ServiceUnavailable), UnitOfWork(sessions, deadline=time.time() - 1) as uow:
        uow.record_event("thing_happened", 7, {})
        uow.commit()
    assert outbox_rows(engine) == []


def run_loop_briefly(engine, amqp_uri: str, seconds: float) -> RelayLoop:
    loop = RelayLoop(OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE)), PollingWakeup(0.1))
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    time.sleep(seconds)
    return loop


def test_relay_stays_alive_while_the_broker_answers_nobody(engine):
    loop = run_loop_briefly(engine, f"amqp://guest:guest@127.0.0.1:{free_port()}/", 1.5)  # nothing listens
    try:
        assert not loop.healthy
        assert is_alive(loop, dead_after=0.5)  # a restart would not bring the broker back
    finally:
        loop.stop()


def test_relay_liveness_fails_when_it_cannot_connect_although_the_broker_answers(engine, amqp_uri):
    refused = amqp_uri.rstrip("/").rpartition("/")[0] + "/no-such-vhost"  # the broker answers, and refuses
    loop = run_loop_briefly(engine, refused, 1.5)
    try:
        assert not loop.healthy
        assert not is_alive(loop, dead_after=0.5)
        assert is_alive(loop, dead_after=60)  # not before the grace is over
    finally:
        loop.stop()


def test_relay_keeps_its_connection_alive_between_batches(engine, amqp_uri):
    loop = run_loop_briefly(engine, amqp_uri, 1.5)
    try:
        assert loop.healthy and is_alive(loop, dead_after=0.5)  # no events, and yet the broker was seen
        assert time.monotonic() - loop.relay.publisher.last_ok < 1.5
    finally:
        loop.stop()


# --- metrics and request ids ------------------------------------------------------------------


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_an_event_goes_with_the_request_id_it_was_recorded_in(engine, sessions, amqp_uri, broker):
    queue = bind_queue(broker, EXCHANGE, "thing_happened")
    token = REQUEST_ID.set("req-relayed-1")
    try:
        record(sessions)
    finally:
        REQUEST_ID.reset(token)
    record(sessions)  # recorded outside a request: no id
    OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE)).publish_pending()
    with_id, message = wait_for_message(broker, queue)
    assert message["request_id"] == "req-relayed-1" and with_id.headers == {"nameko.request_id": "req-relayed-1"}
    without, message = wait_for_message(broker, queue)
    assert "request_id" not in message and not without.headers


def test_the_relay_counts_what_it_published_and_what_failed(engine, sessions, amqp_uri, broker):
    relay = OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE))
    assert relay.service == "testsvc"
    before = {
        "published": sample("salon_outbox_events_published_total", service="testsvc"),
        "unroutable": sample("salon_outbox_events_failed_total", service="testsvc", reason="unroutable"),
        "broker": sample("salon_outbox_events_failed_total", service="testsvc", reason="broker"),
    }
    record(sessions, "nobody_listens")
    relay.publish_pending()
    bind_queue(broker, EXCHANGE, "thing_happened")
    record(sessions)
    record(sessions)
    relay.publish_pending()
    record(sessions)
    unreachable = OutboxRelay(engine, EventPublisher(f"amqp://guest:guest@127.0.0.1:{free_port()}/", EXCHANGE))
    with pytest.raises((pika.exceptions.AMQPError, OSError)):
        unreachable.publish_pending()
    after = {
        "published": sample("salon_outbox_events_published_total", service="testsvc"),
        "unroutable": sample("salon_outbox_events_failed_total", service="testsvc", reason="unroutable"),
        "broker": sample("salon_outbox_events_failed_total", service="testsvc", reason="broker"),
    }
    assert {key: after[key] - before[key] for key in before} == {"published": 2, "unroutable": 1, "broker": 1}


def test_the_backlog_is_the_age_of_the_oldest_unpublished_event(engine, sessions, amqp_uri, broker):
    registry = CollectorRegistry()
    registry.register(OutboxBacklog(engine, "testsvc"))

    def backlog() -> tuple[float, float]:
        labels = {"service": "testsvc"}
        return (registry.get_sample_value("salon_outbox_oldest_unpublished_age_seconds", labels),
                registry.get_sample_value("salon_outbox_unpublished_events", labels))  # fmt: skip

    assert backlog() == (0.0, 0.0)
    record(sessions)
    time.sleep(0.3)
    record(sessions)
    age, waiting = backlog()
    assert 0.3 <= age < 5 and waiting == 2
    bind_queue(broker, EXCHANGE, "thing_happened")
    OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE)).publish_pending()
    assert backlog() == (0.0, 0.0)


def test_the_backlog_is_not_a_number_while_the_database_is_away():
    from sqlalchemy import create_engine

    registry = CollectorRegistry()
    registry.register(OutboxBacklog(create_engine(f"postgresql+psycopg2://nobody@127.0.0.1:{free_port()}/x"), "x"))
    age = registry.get_sample_value("salon_outbox_oldest_unpublished_age_seconds", {"service": "x"})
    assert age != age  # NaN, and the scrape still answers


def test_the_relay_serves_its_metrics_beside_its_probes_and_alone(engine, amqp_uri):
    loop = RelayLoop(OutboxRelay(engine, EventPublisher(amqp_uri, EXCHANGE)), PollingWakeup(0.1))
    health_port, metrics_port = free_port(), free_port()
    servers = [serve_health(loop, health_port), serve_health(loop, metrics_port, probes=False)]
    try:
        for port in (health_port, metrics_port):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
                assert "salon_outbox_events_published_total" in answer.read().decode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/health/live", timeout=5)
    finally:
        for server in servers:
            server.shutdown()
