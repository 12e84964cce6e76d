"""The gateway's RPC client on the real broker, against a real nameko service."""

import threading
import time
from pathlib import Path

import pytest
import requests

from gateway.errors import InvalidInput, RemoteBug, ServiceUnavailable
from gateway.rpc import UNREACHABLE_FOR, BrokerWatch, RpcClient, one_deadline, serve_liveness
from salon_infra.testing import TcpProxy, free_port, running_service, temporary_vhost


def test_a_call_returns_the_result(rpc, echo_service):
    assert rpc.call("echo", "echo", {"a": [1, "b"]}) == {"a": [1, "b"]}


def test_a_services_invalid_input_keeps_its_field_errors(rpc, echo_service):
    with pytest.raises(InvalidInput) as problem:
        rpc.call("echo", "refuse")
    assert problem.value.field_errors == {"phone": ["is not a phone number"]}


def test_an_unexpected_remote_failure_is_a_bug_not_a_leak(rpc, echo_service):
    with pytest.raises(RemoteBug) as problem:
        rpc.call("echo", "crash")
    assert "bug" not in problem.value.message


def test_a_slow_answer_times_out(rpc, echo_service):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        rpc.call("echo", "slow", 3)
    assert time.monotonic() - started < 1.5
    assert rpc.call("echo", "echo", 1) == 1  # the late reply does not confuse the next call


def test_calls_in_a_row_under_one_deadline_answer_within_it_not_within_their_sum(rpc, echo_service):
    started = time.monotonic()
    with one_deadline(rpc.timeout), pytest.raises(ServiceUnavailable):  # rpc.timeout is 1 s
        rpc.call("echo", "slow", 0.6)
        rpc.call("echo", "slow", 0.6)  # alone it would answer in time; after the first, the request is late
    assert time.monotonic() - started < rpc.timeout + 0.3
    with one_deadline(0.0), pytest.raises(ServiceUnavailable, match="ran out of time"):
        rpc.call("echo", "echo", 1)  # nothing is sent once the request's time is up
    assert rpc.call("echo", "echo", 2) == 2  # outside, each call has its own deadline again


def test_a_service_never_started_fails_at_once(rpc, echo_service):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="never been started"):
        rpc.call("nobody", "anything")
    assert time.monotonic() - started < 0.5


def test_a_stopped_service_fails_in_the_timeout_then_at_once(echo_config, tmp_path):
    with temporary_vhost() as amqp_uri:  # its own vhost: the session's echo service must not answer
        env = {"AMQP_URI": amqp_uri, "PYTHONPATH": str(Path(__file__).parent)}
        with running_service(
            "echo_service:EchoService",
            echo_config,
            env,
            log_path=tmp_path / "e.log",
            health_port=free_port(),
            rpc_name="echo",
        ):
            pass  # running_service returns once it consumes its queue, which outlives it
        # Stopped now; its durable queue stays behind with nobody consuming it.
        _assert_fails_in_timeout_then_at_once(RpcClient(amqp_uri, timeout=1.0))


def _assert_fails_in_timeout_then_at_once(rpc):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        rpc.call("echo", "echo", 1)
    assert 0.9 < time.monotonic() - started < 2
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="not running"):
        rpc.call("echo", "echo", 1)
    assert time.monotonic() - started < 0.5


def test_an_unreachable_broker_fails_quickly():
    rpc = RpcClient(f"amqp://guest:guest@127.0.0.1:{free_port()}/", timeout=5.0)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="broker"):
        rpc.call("echo", "echo", 1)
    assert time.monotonic() - started < 3


def test_each_thread_reuses_one_connection(rpc, echo_service):
    connections = []

    def work():
        for n in range(20):
            assert rpc.call("echo", "echo", n) == n
        connections.append(rpc._local.connection)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(connection) for connection in connections}) == 8


def test_calls_made_at_once_run_side_by_side_and_answer_in_order(rpc, echo_service):
    started = time.monotonic()
    assert rpc.call_all(("echo", "slow", 0.4), ("echo", "echo", 7), ("echo", "slow", 0.4)) == ["late", 7, "late"]
    assert time.monotonic() - started < 0.75  # not 0.8: both slow ones at the same time
    with pytest.raises(InvalidInput):
        rpc.call_all(("echo", "echo", 1), ("echo", "refuse"))
    with pytest.raises(ServiceUnavailable, match="never been started"):
        rpc.call_all(("echo", "echo", 1), ("nobody", "anything"))
    assert rpc.call("echo", "echo", 2) == 2  # nothing left behind confuses the next call


# --- the broker going away, and the process's liveness ---------------------------------------


@pytest.fixture
def proxy(amqp_uri):
    """The broker, through a TCP proxy the test can break (the echo service reaches it directly)."""
    proxy = TcpProxy.in_front_of(amqp_uri)
    proxy.start()
    yield proxy
    proxy.cut()


def test_a_cut_broker_fails_fast_and_the_next_call_after_it_returns_works(proxy, amqp_uri, echo_service):
    rpc = RpcClient(proxy.uri_through(amqp_uri), timeout=2.0)
    assert rpc.call("echo", "echo", 1) == 1
    proxy.cut()
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="broker"):
        rpc.call("echo", "echo", 2)
    assert time.monotonic() - started < 2.0
    proxy.restore()
    time.sleep(UNREACHABLE_FOR)  # after a failed connect, threads answer 503 at once for this long
    assert rpc.call("echo", "echo", 3) == 3


def test_a_connection_gone_silent_costs_one_timeout_then_a_fresh_one_is_used(proxy, amqp_uri, echo_service):
    rpc = RpcClient(proxy.uri_through(amqp_uri), timeout=1.0)
    assert rpc.call("echo", "echo", 1) == 1
    proxy.stall()  # the thread's connection stays open and carries nothing, as across a partition
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="did not answer"):
        rpc.call("echo", "echo", 2)
    assert time.monotonic() - started < 1.5  # the deadline counts from the call's start
    assert rpc.call("echo", "echo", 3) == 3  # not the dead connection again


def _liveness(port: int) -> tuple[int, dict]:
    response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    return response.status_code, response.json()


def _eventually(condition, within: float):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    return condition()


def test_liveness_stays_up_while_the_broker_is_away_and_sees_it_come_back(proxy, amqp_uri):
    watch = BrokerWatch(proxy.uri_through(amqp_uri), heartbeat=2, dead_after=1.0).start()
    port = free_port()
    server = serve_liveness(("127.0.0.1", port), watch.check)
    try:
        assert _eventually(lambda: _liveness(port)[1]["connected"], 10)
        proxy.cut()
        assert _eventually(lambda: _liveness(port)[1].get("down_s", 0) > 1.5, 10)
        status, details = _liveness(port)
        assert status == 200 and "restart would not help" in details["broker"], details
        proxy.restore()
        assert _eventually(lambda: _liveness(port)[1]["connected"], 10)
    finally:
        server.shutdown()
        watch.stop()


def test_liveness_fails_when_it_cannot_connect_although_the_broker_answers(amqp_uri):
    refused = amqp_uri.rstrip("/").rpartition("/")[0] + "/no-such-vhost"  # the broker answers, and refuses
    watch = BrokerWatch(refused, dead_after=1.0).start()
    port = free_port()
    server = serve_liveness(("127.0.0.1", port), watch.check)
    try:
        status, details = _eventually(
            lambda: (lambda answer: answer if answer[0] == 503 else None)(_liveness(port)), 10
        )
        assert status == 503 and "cannot reconnect" in details["problem"], details
    finally:
        server.shutdown()
        watch.stop()


def test_every_gunicorn_worker_can_answer_liveness_on_the_same_port():
    port = free_port()
    servers = [serve_liveness(("127.0.0.1", port), lambda n=n: (True, {"worker": n})) for n in range(2)]
    try:
        assert {_liveness(port)[1]["worker"] for _ in range(40)} <= {0, 1}
    finally:
        for server in servers:
            server.shutdown()
