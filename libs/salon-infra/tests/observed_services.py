"""Services for tests/test_observability.py, run with `nameko run`."""

import logging
import threading

from nameko.extensions import DependencyProvider
from nameko.web.handlers import http

from salon_infra import outbox
from salon_infra.logs import current_request_id
from salon_infra.metrics import ENTRYPOINT_SECONDS
from salon_infra.nameko import BrokerLiveness, TimedRpcProxy, WorkerObserver, event_handler, rpc

log = logging.getLogger("observed")


class RequestId(DependencyProvider):
    """The worker's context data `request_id`, read when asked (dependencies are injected before
    worker_setup, where WorkerObserver makes one for a request that came without)."""

    def get_dependency(self, worker_ctx):
        return lambda: worker_ctx.data.get("request_id")


class TracedService:
    name = "traced"
    liveness = BrokerLiveness()
    observer = WorkerObserver()
    request_id = RequestId()
    other = TimedRpcProxy("helper")

    @rpc
    def trace(self):
        """What this worker knows of its request, and what the service it calls knows."""
        log.info("tracing")
        return {
            "context": self.request_id(),
            "logging": current_request_id(),
            "envelope": outbox.envelope("traced", 1, {}).get("request_id"),
            "helper": self.other.request_id(),
        }

    @rpc
    def fail(self):
        raise RuntimeError("a bug")

    @rpc
    def lock_types(self):
        """The kind of lock prometheus-client guards a value with here: an OS thread scrapes it."""
        child = ENTRYPOINT_SECONDS.labels("traced", "rpc", "lock_types", "ok")
        return {"value": type(child._sum._lock).__module__, "green": type(threading.Lock()).__module__}

    @event_handler("somewhere", "thing_happened")
    def on_thing(self, payload):
        log.info("handled %s", payload["event_id"])

    @http("GET", "/health/ready")
    def ready(self, request):
        return 200, "ok"


class HelperService:
    name = "helper"
    observer = WorkerObserver()
    request_id_ = RequestId()

    @rpc
    def request_id(self):
        log.info("helping")
        return self.request_id_()

    @http("GET", "/health/ready")
    def ready(self, request):
        return 200, "ok"
