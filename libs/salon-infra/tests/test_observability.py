"""Request ids, JSON logs and metrics of nameko services (salon_infra.logs, .metrics, .nameko),
under `nameko run` on the real broker; and the helpers on their own."""

import contextlib
import io
import json
import logging
import time
import urllib.request
import uuid
from pathlib import Path

import pika
import pytest
from prometheus_client import CollectorRegistry, Counter, generate_latest

from salon_infra import logs, metrics
from salon_infra.errors import InvalidInput, NotFound, ServiceError, ServiceUnavailable
from salon_infra.relay import EventPublisher, Unroutable
from salon_infra.testing import free_port, running_service, temporary_vhost

HERE = Path(__file__).parent
CONFIG = """\
AMQP_URI: ${AMQP_URI}
WEB_SERVER_ADDRESS: ${HEALTH_ADDRESS}
LIVENESS_ADDRESS: ${LIVENESS_ADDRESS}
METRICS_ADDRESS: ${METRICS_ADDRESS:}
RPC_TIMEOUT_SECONDS: 2
LOGGING:
  version: 1
  filters:
    request_id: {"()": salon_infra.logs.RequestIdFilter}
  formatters:
    json: {"()": salon_infra.logs.JsonFormatter}
  handlers:
    console: {class: logging.StreamHandler, formatter: json, filters: [request_id]}
  root: {level: INFO, handlers: [console]}
"""

# --- the helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kept"),
    [("abc", True), ("a.b_c:d-1", True), ("x" * 128, True), ("x" * 129, False), ("", False), (None, False),
     (42, False), ("a b", False), ('a"\n{', False), ("-a", False)],
)  # fmt: skip
def test_only_sane_request_ids_are_kept(value, kept):
    assert logs.valid_request_id(value) == (value if kept else None)


def test_log_lines_are_json_with_the_current_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("test.observability")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("outside")
        token = logs.REQUEST_ID.set("req-1")
        try:
            logger.info("inside %s", 1, extra={"duration_ms": 2.5})
            logger.info("given", extra={"request_id": "other-2"})
        finally:
            logs.REQUEST_ID.reset(token)
    finally:
        logger.removeHandler(handler)
    outside, inside, given = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert outside["request_id"] is None and outside["message"] == "outside"
    assert (inside["request_id"], inside["message"], inside["duration_ms"]) == ("req-1", "inside 1", 2.5)
    assert (inside["level"], inside["logger"]) == ("INFO", "test.observability") and inside["time"].endswith("+00:00")
    assert given["request_id"] == "other-2"


@pytest.mark.parametrize(
    ("problem", "outcome"),
    [(None, "ok"), (InvalidInput("bad"), "rejected"), (NotFound("gone"), "rejected"), (ServiceError("x"), "rejected"),
     (ServiceUnavailable("late"), "unavailable"), (KeyError("bug"), "failed")],
)  # fmt: skip
def test_outcomes(problem, outcome):
    assert metrics.outcome_of(problem) == outcome


def test_children_are_made_once_per_label_combination():
    registry = CollectorRegistry()
    counter = Counter("things", "things", ["kind"], registry=registry)
    children = metrics.Children(counter)
    assert children("a") is children("a") is not children("b")
    children("a").inc(2)
    assert b'things_total{kind="a"} 2.0' in generate_latest(registry)


def test_the_envelope_carries_the_request_id_it_was_recorded_in():
    from salon_infra.outbox import envelope

    assert "request_id" not in envelope("x", 1, {})
    token = logs.REQUEST_ID.set("req-9")
    try:
        assert envelope("x", 1, {"a": 1})["request_id"] == "req-9"
    finally:
        logs.REQUEST_ID.reset(token)


# --- under nameko run -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vhost():
    with temporary_vhost() as uri:
        yield uri


@pytest.fixture(scope="module")
def services(vhost, tmp_path_factory):
    folder = tmp_path_factory.mktemp("observed")
    config = folder / "config.yml"
    config.write_text(CONFIG)
    ports = {"traced_liveness": free_port(), "traced_metrics": free_port()}
    env = {"AMQP_URI": vhost, "PYTHONPATH": str(HERE)}
    with contextlib.ExitStack() as stack:
        for service, more in (
            ("HelperService", {}),
            ("TracedService", {"METRICS_ADDRESS": f"127.0.0.1:{ports['traced_metrics']}"}),
        ):
            stack.enter_context(running_service(
                f"observed_services:{service}", config, {**env, **more}, log_path=folder / f"{service}.log",
                health_port=free_port(), rpc_name=service.removesuffix("Service").lower(),
                liveness_port=ports["traced_liveness"] if service == "TracedService" else None,
            ))  # fmt: skip
        yield folder, ports


def call(amqp_uri: str, method: str, request_id: str | None = None) -> dict:
    """traced.<method>() as the gateway calls it, with a request id."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, "nameko-rpc", routing_key=queue)
        correlation_id = uuid.uuid4().hex
        headers = {"nameko.deadline": f"{time.time() + 5:.3f}"}
        if request_id:
            headers["nameko.request_id"] = request_id
        properties = pika.BasicProperties(reply_to=queue, correlation_id=correlation_id, headers=headers,
                                          content_type="application/json")  # fmt: skip
        channel.basic_publish("nameko-rpc", f"traced.{method}", json.dumps({"args": [], "kwargs": {}}), properties)
        for _method, reply_properties, body in channel.consume(queue, auto_ack=True, inactivity_timeout=10):
            assert reply_properties is not None, "no reply"
            if reply_properties.correlation_id == correlation_id:
                return json.loads(body)
    finally:
        connection.close()


def log_lines(folder: Path, service: str) -> list[dict]:
    return [json.loads(line) for line in (folder / f"{service}.log").read_text().splitlines() if line.startswith("{")]


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def eventually(check, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while True:
        if found := check():
            return found
        if time.monotonic() > deadline:
            raise AssertionError("not in time")
        time.sleep(0.1)


def test_a_worker_keeps_the_request_id_for_its_logs_its_calls_and_its_events(services, vhost):
    folder, _ = services
    reply = call(vhost, "trace", "req-from-gateway-1")
    assert reply["result"] == {key: "req-from-gateway-1" for key in ("context", "logging", "envelope", "helper")}
    traced = [line for line in log_lines(folder, "TracedService") if line["request_id"] == "req-from-gateway-1"]
    access = next(line for line in traced if line["logger"] == "salon.access")
    assert {line["message"] for line in traced} >= {"tracing", f"rpc traced.trace ok in {access['duration_ms']} ms"}
    assert (access["entrypoint"], access["method"], access["outcome"]) == ("rpc", "trace", "ok")
    helped = [line for line in log_lines(folder, "HelperService") if line["request_id"] == "req-from-gateway-1"]
    assert {line["message"] for line in helped} >= {"helping"}


def test_a_request_without_an_id_gets_one_that_travels_on(services, vhost):
    reply = call(vhost, "trace")["result"]
    assert len(reply["context"]) == 32 and reply == {key: reply["context"] for key in reply}


def test_an_event_consumer_logs_with_the_request_id_the_relay_sends(services, vhost):
    folder, _ = services
    publisher = EventPublisher(vhost, "somewhere.events")
    event_id = str(uuid.uuid4())
    body = json.dumps({"event_id": event_id, "event_type": "thing_happened", "request_id": "req-event-7", "data": {}})
    try:
        eventually(lambda: _published(publisher, body, event_id))
    finally:
        publisher.close()
    line = eventually(lambda: next((line for line in log_lines(folder, "TracedService")
                                    if line["message"] == f"handled {event_id}"), None))  # fmt: skip
    assert line["request_id"] == "req-event-7"
    access = eventually(lambda: next((line for line in log_lines(folder, "TracedService")
                                      if line["request_id"] == "req-event-7" and line["logger"] == "salon.access"),
                                     None))  # fmt: skip
    assert (access["entrypoint"], access["method"]) == ("event", "on_thing")


def _published(publisher, body, event_id) -> bool:
    try:
        publisher.publish("thing_happened", body, event_id)
    except Unroutable:  # the consumer's queue is not bound yet
        return False
    return True


def test_workers_and_calls_are_timed_and_served_from_a_thread_of_their_own(services, vhost):
    _, ports = services
    call(vhost, "trace", "timed-1")
    assert call(vhost, "fail", "timed-2")["error"]["exc_type"] == "RuntimeError"
    for port in (ports["traced_liveness"], ports["traced_metrics"]):
        text = scrape(port)
        for series in (
            'salon_entrypoint_duration_seconds_count{kind="rpc",method="trace",outcome="ok",service="traced"}',
            'salon_entrypoint_duration_seconds_count{kind="rpc",method="fail",outcome="failed",service="traced"}',
            'salon_rpc_client_duration_seconds_count{method="request_id",outcome="ok",service="helper"}',
            'salon_entrypoint_duration_seconds_count{kind="http",method="ready",outcome="ok",service="traced"}',
        ):
            assert series in text, series
        assert "process_cpu_seconds_total" in text


def test_prometheus_values_are_guarded_by_os_locks_under_eventlet(services, vhost):
    locks = call(vhost, "lock_types")["result"]
    assert locks == {"value": "_thread", "green": "eventlet.lock"}
