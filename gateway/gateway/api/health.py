"""Kubernetes probes; kept out of the API document.

- `/healthz` on the API port: Flask answers (the startup probe).
- `/healthz` on GATEWAY_LIVENESS_ADDRESS (e.g. 0.0.0.0:8081): the liveness probe, answered
  from a thread of its own by the process's BrokerWatch (gateway.rpc), not by gunicorn's
  workers; it fails when the process cannot reconnect to the broker although it answers.
- `/readyz`: this worker can reach the message broker.
- `/metrics` (gateway.observability) on GATEWAY_LIVENESS_ADDRESS, and alone on
  GATEWAY_METRICS_ADDRESS (e.g. 0.0.0.0:9100) when set: the port a scraper is let in on.
"""

import os

from flask import Blueprint, jsonify

from gateway import observability
from gateway.errors import ServiceUnavailable
from gateway.remote import remote
from gateway.rpc import BrokerWatch, serve_liveness

blp = Blueprint("health", __name__)


@blp.record_once
def _serve_metrics(state) -> None:
    """A metrics server per worker process, on a port they share; any of them answers for all."""
    address = os.environ.get("GATEWAY_METRICS_ADDRESS")
    if address:
        host, _, port = address.rpartition(":")
        state.app.extensions["salon.metrics"] = observability.serve_metrics((host or "0.0.0.0", int(port)))


@blp.record_once
def _watch_the_broker(state) -> None:
    """One BrokerWatch and liveness server per worker process (the app is built in each worker)."""
    address = os.environ.get("GATEWAY_LIVENESS_ADDRESS")
    if not address:
        return
    host, _, port = address.rpartition(":")
    watch = BrokerWatch(
        state.app.extensions["salon.remote"].rpc.amqp_uri,
        dead_after=float(os.environ.get("BROKER_DEAD_AFTER_SECONDS") or 60),
    ).start()
    state.app.extensions["salon.broker_watch"] = watch
    state.app.extensions["salon.liveness"] = serve_liveness((host or "0.0.0.0", int(port)), watch.check)


@blp.get("/healthz")
def live():
    return jsonify(status="ok")


@blp.get("/readyz")
def ready():
    """Ready when this worker can reach the message broker."""
    try:
        remote().rpc.ping_broker()
    except ServiceUnavailable as problem:
        return jsonify(status="failing", broker=problem.message), 503
    return jsonify(status="ok")
