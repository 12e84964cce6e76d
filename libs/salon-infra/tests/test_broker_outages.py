"""salon_infra.nameko against the real broker, through a TCP proxy the tests break.

The service under test (broker_services.EchoService) reaches RabbitMQ through the proxy; the
test calls it as the gateway does (a deadline header and a TTL) on a direct connection."""

import contextlib
import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

import pika
import pytest

from salon_infra.testing import TcpProxy, free_port, running_service, temporary_vhost

HERE = Path(__file__).parent
CONFIG = """\
AMQP_URI: ${AMQP_URI}
WEB_SERVER_ADDRESS: ${HEALTH_ADDRESS}
LIVENESS_ADDRESS: ${LIVENESS_ADDRESS}
HEARTBEAT: ${HEARTBEAT:10}
LIVENESS_STALE_SECONDS: ${LIVENESS_STALE_SECONDS:30}
BROKER_DEAD_AFTER_SECONDS: ${BROKER_DEAD_AFTER_SECONDS:60}
RPC_TIMEOUT_SECONDS: 1
"""


class Running:
    def __init__(self, process, log: Path, records: Path, liveness_port: int):
        self.process, self.log, self.records = process, log, records
        self.liveness_url = f"http://127.0.0.1:{liveness_port}/health/live"

    def liveness(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.liveness_url, timeout=5) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as failing:
            return failing.code, json.load(failing)

    def records_of(self, kind: str) -> list[dict]:
        path = self.records / f"{kind}.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def logged(self, text: str) -> bool:
        return text in self.log.read_text()


@pytest.fixture(scope="module")
def vhost():
    with temporary_vhost() as uri:
        yield uri


@pytest.fixture(autouse=True)
def no_requests_left_over(vhost):
    """The module shares one vhost: a test starts with the echo service's queue empty."""
    connection = pika.BlockingConnection(pika.URLParameters(vhost))
    try:
        connection.channel().queue_purge("rpc-echo")
    except pika.exceptions.ChannelClosedByBroker:
        pass  # not declared yet
    finally:
        with contextlib.suppress(pika.exceptions.AMQPError):
            connection.close()


@pytest.fixture
def proxy(vhost):
    proxy = TcpProxy.in_front_of(vhost)
    proxy.start()
    yield proxy
    proxy.cut()


@pytest.fixture
def start(tmp_path, vhost, proxy):
    """start(service, **settings): run a service of broker_services, reaching the broker through the proxy."""
    config = tmp_path / "config.yml"
    config.write_text(CONFIG)
    with contextlib.ExitStack() as stack:

        def start_service(service: str = "EchoService", through_proxy: bool = True, **settings) -> Running:
            records = tmp_path / service
            records.mkdir()
            env = {
                "AMQP_URI": proxy.uri_through(vhost) if through_proxy else vhost,
                "PYTHONPATH": str(HERE),
                "RECORD_DIR": str(records),
                **{name: str(value) for name, value in settings.items()},
            }
            liveness_port = free_port()
            log = tmp_path / f"{service}.log"
            process = stack.enter_context(
                running_service(
                    f"broker_services:{service}", config, env, log_path=log, health_port=free_port(),
                    rpc_name=service.removesuffix("Service").lower(), liveness_port=liveness_port,
                )
            )  # fmt: skip
            return Running(process, log, records, liveness_port)

        yield start_service


class Caller:
    """Calls nameko RPC methods as the gateway does: its own reply queue, a deadline, a TTL."""

    def __init__(self, amqp_uri: str):
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        self.channel = self.connection.channel()
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, "nameko-rpc", routing_key=self.queue)
        self.replies = defaultdict(list)
        self.channel.basic_consume(self.queue, self._on_reply, auto_ack=True)

    def _on_reply(self, _channel, _method, properties, body):
        self.replies[properties.correlation_id].append(json.loads(body))

    def send(self, method: str, *args, timeout: float = 5.0, ttl: bool = True) -> str:
        """A request with a deadline `timeout` seconds from now, and the same TTL unless `ttl` is False."""
        correlation_id = uuid.uuid4().hex
        properties = pika.BasicProperties(
            reply_to=self.queue,
            correlation_id=correlation_id,
            content_type="application/json",
            expiration=str(int(timeout * 1000)) if ttl else None,
            headers={"nameko.call_id_stack": [f"test.{correlation_id}"], "nameko.deadline": f"{time.time() + timeout}"},
        )
        self.channel.basic_publish("nameko-rpc", f"echo.{method}", json.dumps({"args": args, "kwargs": {}}), properties)
        return correlation_id

    def wait(self, correlation_id: str, seconds: float) -> list[dict]:
        deadline = time.monotonic() + seconds
        while not self.replies[correlation_id] and time.monotonic() < deadline:
            self.connection.process_data_events(time_limit=0.1)
        return self.replies[correlation_id]

    def call(self, method: str, *args, timeout: float = 2.0):
        replies = self.wait(self.send(method, *args, timeout=timeout), timeout)
        return replies[0]["result"] if replies else None

    def close(self):
        with contextlib.suppress(pika.exceptions.AMQPError):
            self.connection.close()


@pytest.fixture
def caller(vhost):
    callers = []

    def make() -> Caller:
        callers.append(Caller(vhost))
        return callers[-1]

    yield make
    for each in callers:
        each.close()


def eventually(condition, within: float, every: float = 0.1):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    return condition()


def test_a_reply_that_cannot_be_sent_in_time_is_dropped_and_its_late_redelivery_is_not_run(start, proxy, caller):
    echo = start()
    rpc = caller()
    asked = rpc.send("slow", 1.0, "first", timeout=2.5, ttl=False)  # no TTL: the broker keeps it past its deadline
    assert eventually(lambda: echo.records_of("ran"), 2)
    proxy.cut()  # the reply cannot go out, and the broker takes the request back (it was not acknowledged)
    time.sleep(3.5)  # past the caller's deadline
    proxy.restore()

    assert eventually(lambda: rpc.call("echo", "after") == "after", 10), "the service did not come back"
    assert echo.process.poll() is None, "the container died"
    assert rpc.wait(asked, 0.5) == []  # never answered late
    assert [run["tag"] for run in echo.records_of("ran")] == ["first"]  # nor run again when redelivered late
    assert echo.logged("dropped the reply to echo.slow")
    assert echo.logged("dropping echo.slow unanswered: its caller stopped waiting")


def test_a_reply_is_retried_until_its_deadline_and_arrives_after_a_short_cut(start, proxy, caller):
    echo = start()
    rpc = caller()
    asked = rpc.send("slow", 0.5, "answered", timeout=8)
    assert eventually(lambda: echo.records_of("ran"), 2)
    proxy.cut()
    time.sleep(2)
    proxy.restore()
    replies = rpc.wait(asked, 6)
    assert replies and replies[0]["result"] == "answered"
    assert echo.process.poll() is None


def test_rpc_events_and_timers_come_back_after_a_cut_and_liveness_stays_up(start, proxy, caller, vhost):
    start("OtherService", through_proxy=False)
    echo = start()
    rpc = caller()
    assert rpc.call("echo", 1) == 1
    assert eventually(lambda: any(tick["ok"] for tick in echo.records_of("tick")), 5)

    proxy.cut()
    cut_at = time.time()
    publish_event(vhost, {"thing": 1})  # waits in the handler's queue meanwhile
    time.sleep(4)
    status, details = echo.liveness()
    assert status == 200, details  # the broker is away: a restart would not help
    assert details["consumers"][0]["connected"] is False
    proxy.restore()
    restored_at = time.time()

    assert eventually(lambda: rpc.call("echo", 2, timeout=1) == 2, 10)
    assert eventually(lambda: echo.records_of("event"), 10)[0]["payload"] == {"thing": 1}
    ticks = echo.records_of("tick")
    failed = [tick for tick in ticks if cut_at <= tick["at"] <= restored_at and not tick["ok"]]
    assert failed and all(tick["seconds"] < 1.5 for tick in failed), failed  # bounded by the proxy's 1 s timeout
    assert all("broker is unreachable" in tick["error"] for tick in failed), failed
    assert eventually(lambda: any(t["ok"] and t["at"] > restored_at for t in echo.records_of("tick")), 10)
    assert echo.process.poll() is None
    assert echo.liveness()[0] == 200


def test_the_broker_closing_every_connection_as_a_restart_does_is_ridden_out(start, vhost, caller):
    start("OtherService", through_proxy=False)
    echo = start()
    rpc = caller()
    assert rpc.call("echo", 1) == 1
    name = unquote(urlparse(vhost).path.lstrip("/"))
    rabbitmqctl("close_all_connections", "-p", name, "as a broker restart does")  # CONNECTION_FORCED to all
    rpc = caller()  # the caller's own connection went too
    assert eventually(lambda: rpc.call("echo", 2, timeout=1) == 2, 10)
    restarted_at = time.time()
    assert eventually(lambda: any(t["ok"] and t["at"] > restarted_at for t in echo.records_of("tick")), 10)
    assert echo.process.poll() is None and echo.liveness()[0] == 200


def test_a_request_redelivered_while_it_is_still_running_is_not_run_twice(start, vhost, caller):
    echo = start()
    rpc = caller()
    rpc.send("slow", 2.0, "once", timeout=10)
    assert eventually(lambda: echo.records_of("ran"), 2)
    name = unquote(urlparse(vhost).path.lstrip("/"))
    rabbitmqctl("close_all_connections", "-p", name, "mid-request")  # the request was not acknowledged yet
    rpc = caller()
    assert eventually(lambda: rpc.call("echo", "back", timeout=1) == "back", 10)
    time.sleep(2.5)  # the first run has finished by now
    assert [run["tag"] for run in echo.records_of("ran")] == ["once"]
    assert echo.logged("dropping a redelivery of echo.slow")


def test_a_connection_gone_silent_is_noticed_by_its_heartbeats_and_replaced(start, proxy, caller):
    echo = start(HEARTBEAT=1)
    rpc = caller()
    assert rpc.call("echo", 1) == 1
    proxy.stall()  # the consumer's connection stays open, and carries nothing
    stalled_at = time.monotonic()
    assert rpc.call("echo", 2, timeout=1) is None
    assert eventually(lambda: rpc.call("echo", 3, timeout=1) == 3, 15), "the dead connection was kept"
    assert time.monotonic() - stalled_at < 10
    assert eventually(lambda: echo.logged("consuming again"), 5)  # the log line may trail the reply
    assert echo.liveness()[0] == 200


def test_liveness_answers_from_its_own_thread_and_fails_while_the_hub_is_blocked(start, caller):
    echo = start(LIVENESS_STALE_SECONDS=1)
    rpc = caller()
    assert echo.liveness()[0] == 200
    asked = rpc.send("block", 3.5, timeout=10)
    time.sleep(2.5)
    started = time.monotonic()
    status, details = echo.liveness()
    assert time.monotonic() - started < 1  # answered although nothing else in the process runs
    assert status == 503 and "has not run" in details["consumers"][0]["problem"], details
    assert rpc.wait(asked, 5)[0]["result"] == "unblocked"
    assert eventually(lambda: echo.liveness()[0] == 200, 3)


def test_liveness_fails_when_it_cannot_reconnect_although_the_broker_answers(start, vhost, caller):
    echo = start(BROKER_DEAD_AFTER_SECONDS=2)
    assert echo.liveness()[0] == 200
    name = unquote(urlparse(vhost).path.lstrip("/"))
    rabbitmqctl("delete_vhost", name)  # closes its connections; reconnecting is refused while it is gone
    try:
        status, details = eventually(lambda: (lambda answer: answer if answer[0] == 503 else None)(echo.liveness()), 15)
        assert status == 503 and "cannot reconnect" in details["consumers"][0]["problem"], details
    finally:
        rabbitmqctl("add_vhost", name)
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    assert eventually(lambda: echo.liveness()[0] == 200, 15), "it did not reconnect once the vhost was back"
    assert eventually(lambda: caller().call("echo", "back", timeout=1) == "back", 10)


def test_mixing_namekos_own_consumers_with_ours_is_refused(vhost):
    from nameko.containers import ServiceContainer
    from nameko.rpc import rpc as namekos_rpc

    from salon_infra.nameko import rpc

    class Mixed:
        name = "mixed"

        @rpc
        def ours(self):
            pass

        @namekos_rpc
        def theirs(self):
            pass

    container = ServiceContainer(Mixed, {"AMQP_URI": vhost})
    with pytest.raises(RuntimeError, match="mixes nameko's own consumers"):
        container.start()
    container.kill()


def publish_event(amqp_uri: str, *payloads: dict) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        properties = pika.BasicProperties(content_type="application/json", delivery_mode=2)
        for payload in payloads:
            channel.basic_publish("source.events", "thing_happened", json.dumps(payload), properties, mandatory=True)
    finally:
        connection.close()


def test_a_database_that_cannot_be_reached_answers_service_unavailable_not_a_bug(start, caller):
    start(through_proxy=False)
    rpc = caller()
    [reply] = rpc.wait(rpc.send("read_database", f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/x"), 5)
    assert reply["error"]["exc_type"] == "ServiceUnavailable", reply["error"]
    assert "try again" in reply["error"]["value"]


def test_events_that_arrive_together_are_handled_in_batches_each_once(start, vhost):
    batch = start("BatchService", through_proxy=False)
    publish_event(vhost, *({"n": n} for n in range(12)))
    handled = eventually(lambda: sum(len(b["payloads"]) for b in batch.records_of("batch")) >= 12 and batch, 10)
    batches = [[p["n"] for p in b["payloads"]] for b in handled.records_of("batch")]
    assert sorted(n for numbers in batches for n in numbers) == list(range(12))  # each once
    assert len(batches) < 12 and max(map(len, batches)) <= 5, batches  # together, never over batch_size
    started = time.time()
    publish_event(vhost, {"n": 12})  # alone: handed over when its linger ends, not held for more
    assert eventually(lambda: any(p["n"] == 12 for b in batch.records_of("batch") for p in b["payloads"]), 5)
    assert time.time() - started < 2


def test_a_batch_that_fails_comes_back_whole_and_is_handled_again(start, vhost):
    batch = start("BatchService", through_proxy=False)
    publish_event(vhost, {"n": 1}, {"n": 2, "fail": True}, {"n": 3})
    assert eventually(lambda: sum(len(b["payloads"]) for b in batch.records_of("batch")) >= 3, 10)
    [failed] = batch.records_of("failed")
    handled = [p["n"] for b in batch.records_of("batch") for p in b["payloads"]]
    assert sorted(handled) == [1, 2, 3]  # the failed batch's events all came back, and went through once
    assert {p["n"] for p in failed["payloads"]} <= {1, 2, 3}


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)
