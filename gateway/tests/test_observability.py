"""Request ids, metrics and JSON logs of the gateway: in process, and over the real broker."""

import io
import json
import logging
import threading

import pytest
import requests
from prometheus_client import REGISTRY

from gateway import logs, observability
from gateway.app import create_app
from gateway.rpc import serve_liveness
from gateway.settings import Settings
from salon_infra.testing import free_port

SECRET = "a-gateway-test-secret-of-at-least-32-bytes"


def sample(name: str, labels: dict) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def client(amqp_uri):
    app = create_app(Settings(amqp_uri=amqp_uri, jwt_secret=SECRET, rpc_timeout=1.0))
    return app.test_client()


@pytest.fixture
def log_lines():
    """What the gateway logs as JSON lines meanwhile."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("booking-7f3a.2:x_1", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("", False),
        ("two words", False),
        ('x"}\n{"level": "forged"', False),
        ("-leading-dash", False),
    ],
)
def test_a_sane_request_id_is_kept_and_anything_else_replaced(header, kept):
    request_id = logs.request_id_from(header)
    assert (request_id == header) is kept
    if not kept:
        assert len(request_id) == 32 and request_id.isalnum()


def test_every_answer_carries_the_request_id_it_was_given_or_a_new_one(client):
    given = client.get("/healthz", headers={"X-Request-Id": "from-the-ingress-1"})
    assert given.headers["X-Request-Id"] == "from-the-ingress-1"
    made = [client.get("/healthz").headers["X-Request-Id"] for _ in range(2)]
    assert made[0] != made[1] and all(len(request_id) == 32 for request_id in made)
    missing = client.get("/no/such/page", headers={"X-Request-Id": "lost-1"})
    assert missing.status_code == 404 and missing.headers["X-Request-Id"] == "lost-1"
    assert logs.current_request_id() is None  # nothing left behind in this thread


def test_requests_are_timed_by_route_template_and_status_class(client):
    route = {"method": "GET", "route": "/healthz", "status": "2xx"}
    unmatched = {"method": "GET", "route": observability.UNMATCHED, "status": "4xx"}
    before = sample("salon_http_request_duration_seconds_count", route)
    before_unmatched = sample("salon_http_request_duration_seconds_count", unmatched)
    for _ in range(3):
        client.get("/healthz")
    client.get("/widget/1/no/such/thing")
    assert sample("salon_http_request_duration_seconds_count", route) == before + 3
    assert sample("salon_http_request_duration_seconds_count", unmatched) == before_unmatched + 1
    assert sample("salon_http_request_duration_seconds_bucket", {**route, "le": "10.0"}) >= 3


def test_each_request_writes_a_json_line_with_its_id_route_and_status(client, log_lines):
    client.get("/widget/1", headers={"X-Request-Id": "json-line-1"})
    client.get("/healthz", headers={"X-Request-Id": "probe-1"})  # probes come every few seconds: not logged
    [line] = [line for line in log_lines() if line.get("request_id") == "json-line-1"]
    assert line["logger"] == "gateway.access" and line["level"] == "INFO"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/widget/<id:company_id>", 200)
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")
    assert not [line for line in log_lines() if line.get("request_id") == "probe-1"]


def test_an_rpc_carries_the_request_id_and_is_timed(client, echo_service):
    app = client.application
    rpc = app.extensions["salon.remote"].rpc
    ok = {"service": "echo", "method": "my_request_id", "outcome": "ok"}
    before = sample("salon_rpc_client_duration_seconds_count", ok)
    with app.test_request_context("/", headers={"X-Request-Id": "rpc-carries-1"}):
        app.preprocess_request()
        assert rpc.call("echo", "my_request_id") == "rpc-carries-1"
        assert rpc.call_all(("echo", "my_request_id"), ("echo", "echo", 1)) == ["rpc-carries-1", 1]
    assert sample("salon_rpc_client_duration_seconds_count", ok) == before + 2
    assert rpc.call("echo", "my_request_id") is None  # outside a request: no id is sent


def test_rpc_outcomes_name_how_a_call_ended(rpc, echo_service):
    def count(method, outcome):
        return sample("salon_rpc_client_duration_seconds_count", {"service": "echo", "method": method,
                                                                   "outcome": outcome})  # fmt: skip

    before = {(m, o): count(m, o) for m, o in [("refuse", "rejected"), ("crash", "failed"), ("slow", "unavailable")]}
    for method, args in (("refuse", ()), ("crash", ()), ("slow", (1.5,))):
        with pytest.raises(Exception):  # noqa: B017 - each its own error, tested in test_rpc
            rpc.call("echo", method, *args)
    assert {key: count(*key) - value for key, value in before.items()} == {key: 1 for key in before}


def test_metrics_are_served_beside_liveness_from_a_thread_of_its_own(client):
    client.get("/healthz")
    port = free_port()
    server = serve_liveness(("127.0.0.1", port), lambda: (True, {}))
    try:
        answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
        assert 'salon_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"}' in answer.text
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    finally:
        server.shutdown()


def test_metrics_alone_on_their_own_port_shared_by_every_worker():
    port = free_port()
    servers = [observability.serve_metrics(("127.0.0.1", port)) for _ in range(2)]
    try:
        assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 200
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 404
    finally:
        for server in servers:
            server.shutdown()


def test_threads_keep_their_own_request_ids(client):
    seen = {}

    def request(n):
        answer = client.get("/healthz", headers={"X-Request-Id": f"thread-{n}"})
        seen[n] = answer.headers["X-Request-Id"]

    threads = [threading.Thread(target=request, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {n: f"thread-{n}" for n in range(8)}
