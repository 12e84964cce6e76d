"""Metrics and request ids for every request (prometheus-client, gateway.logs).

- `salon_http_request_duration_seconds{method, route, status}`: `route` is the URL rule's
  template (`/api/v1/companies/<id:company_id>/bookings`; `unmatched` for no route), `status`
  its class (`2xx`, `4xx`, ...), so the series stay few.
- `salon_rpc_client_duration_seconds{service, method, outcome}`: every RPC (gateway.rpc), outcome
  `ok`, `rejected` (the service returned one of its errors), `unavailable` (no answer in time),
  `failed` (an unexpected error: a bug), as salon_infra.metrics.outcome_of names them.
- A JSON line per request but the probes' (logger `gateway.access`; `GATEWAY_REQUEST_LOG=off` leaves
  them out).

Under gunicorn the workers are processes: prometheus-client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR, set up by gunicorn.conf.py) keeps each worker's values in a file
there, and `/metrics` (on GATEWAY_LIVENESS_ADDRESS and GATEWAY_METRICS_ADDRESS, gateway.api.health)
adds up every worker's. A label combination's child is made once and kept: an observation is a
dict lookup and a write to that file.
"""

import contextlib
import logging
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flask import Flask, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest

from gateway.logs import HEADER, REQUEST_ID, request_id_from

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "unmatched"
QUIET_ROUTES = frozenset({"/healthz", "/readyz"})  # probed every few seconds: timed, not logged

HTTP_SECONDS = Histogram(
    "salon_http_request_duration_seconds",
    "Time the gateway took to answer, by method, route template and status class",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
RPC_SECONDS = Histogram(
    "salon_rpc_client_duration_seconds",
    "Time an RPC took as its caller saw it, by the service and method called, and outcome",
    ["service", "method", "outcome"],
    buckets=LATENCY_BUCKETS,
)
access_log = logging.getLogger("gateway.access")


class Children:
    """A metric's children by label values, each made once."""

    def __init__(self, metric):
        self._metric = metric
        self._children: dict[tuple, object] = {}

    def __call__(self, *values: str):
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


http_timings = Children(HTTP_SECONDS)
rpc_timings = Children(RPC_SECONDS)
STATUS_CLASSES = {status: f"{status // 100}xx" for status in range(100, 600)}


def observe_rpc(service: str, method: str, outcome: str, seconds: float) -> None:
    rpc_timings(service, method, outcome).observe(seconds)


def install(app: Flask) -> None:
    """Request ids, timings and the request log, for every request of `app`."""
    log_requests = (os.environ.get("GATEWAY_REQUEST_LOG") or "on").lower() not in ("off", "0", "false", "no")

    @app.before_request
    def _start():
        g.salon_started = time.perf_counter()
        g.salon_request_id = request_id = request_id_from(request.headers.get(HEADER))
        g.salon_request_id_token = REQUEST_ID.set(request_id)

    @app.after_request
    def _finish(response):
        started = g.get("salon_started")
        if started is None:  # a before_request hook of ours never ran
            return response
        seconds = time.perf_counter() - started
        rule = request.url_rule
        route = rule.rule if rule is not None else UNMATCHED
        status = response.status_code
        http_timings(request.method, route, STATUS_CLASSES.get(status, "other")).observe(seconds)
        response.headers[HEADER] = g.salon_request_id
        if log_requests and route not in QUIET_ROUTES and access_log.isEnabledFor(logging.INFO):
            milliseconds = round(seconds * 1000, 1)
            access_log.info(
                "%s %s %s in %s ms", request.method, request.path, status, milliseconds,
                extra={"method": request.method, "route": route, "status": status, "duration_ms": milliseconds},
            )  # fmt: skip
        return response

    @app.teardown_request
    def _forget(_problem=None):
        token = g.pop("salon_request_id_token", None)
        if token is not None:
            with contextlib.suppress(ValueError, RuntimeError):  # set in another context: nothing to undo
                REQUEST_ID.reset(token)


def exposition() -> tuple[bytes, str]:
    """The metrics of every worker (multiprocess mode), or of this process alone."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def metrics_answer() -> tuple[int, str, bytes]:
    payload, content_type = exposition()
    return 200, content_type, payload


def serve(address: tuple[str, int], routes: dict, *, name: str) -> ThreadingHTTPServer:
    """GET `path` answered by `routes[path]()` -> (status, content type, body), from a thread of
    its own; the port is shared by every worker (SO_REUSEPORT)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            route = routes.get(self.path.split("?")[0])
            if route is None:
                self.send_error(404)
                return
            status, content_type, body = route()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        allow_reuse_port = True
        daemon_threads = True

    server = Server(address, Handler)
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    return server


def serve_metrics(address: tuple[str, int]) -> ThreadingHTTPServer:
    """`GET /metrics` alone (GATEWAY_METRICS_ADDRESS): the port a scraper is let in on."""
    return serve(address, {"/metrics": metrics_answer}, name="metrics")
