"""Kubernetes probes; kept out of the API document."""

from flask import Blueprint, jsonify

from gateway.errors import ServiceUnavailable
from gateway.remote import remote

blp = Blueprint("health", __name__)


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
