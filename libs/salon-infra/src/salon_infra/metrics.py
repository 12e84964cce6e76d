"""Prometheus metrics (prometheus-client), exposed at `/metrics` from an OS thread of its own.

A nameko service runs on eventlet, which monkey-patches `threading.Lock` into a green lock.
prometheus-client guards every value with a lock made at the metric's creation, and the scrape
reads them from a real OS thread (salon_infra.liveness), where waiting on a green lock held by a
greenthread would never wake. So this module makes prometheus-client create its locks from the
original `threading` (a lock held only for an addition, never across a switch of greenthreads):
it sets the module-level name `Lock` that prometheus_client's `values`, `metrics` and
`registry` look up when they make one (README, "Versions pinned").

Metrics are cheap on the hot path: a label combination's child is looked up once and kept
(`Children`), so an observation is a dict lookup and an addition under a lock.
"""

import os
import sys

import prometheus_client
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client import metrics as _metrics
from prometheus_client import registry as _registry
from prometheus_client import values as _values

from salon_infra import errors

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _use_os_locks() -> None:
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is None or not patcher.already_patched:
        return
    lock = patcher.original("threading").Lock
    for module in (_values, _metrics, _registry):
        module.Lock = lock
    prometheus_client.REGISTRY._lock = lock()


_use_os_locks()


class Children:
    """A metric's children by label values, each made once: `children("bookings", "ok").observe(x)`."""

    def __init__(self, metric):
        self._metric = metric
        self._children: dict[tuple, object] = {}

    def __call__(self, *values: str):
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


def outcome_of(problem: BaseException | None) -> str:
    """How an entrypoint or a call ended: ok; rejected (an error the service returns, such as
    InvalidInput or NotFound); unavailable (a neighbour or the broker did not answer); failed
    (anything else: a bug)."""
    if problem is None:
        return "ok"
    if isinstance(problem, errors.ServiceUnavailable):
        return "unavailable"
    if isinstance(problem, errors.ServiceError):
        return "rejected"
    return "failed"


ENTRYPOINT_SECONDS = Histogram(
    "salon_entrypoint_duration_seconds",
    "Time a service's worker took, its reply included, by entrypoint (rpc, event, timer, http) and outcome",
    ["service", "kind", "method", "outcome"],
    buckets=LATENCY_BUCKETS,
)
RPC_CLIENT_SECONDS = Histogram(
    "salon_rpc_client_duration_seconds",
    "Time an RPC took as its caller saw it, by the service and method called, and outcome",
    ["service", "method", "outcome"],
    buckets=LATENCY_BUCKETS,
)


def exposition() -> tuple[bytes, str]:
    """This process's metrics in Prometheus' text format, and its content type. Under
    PROMETHEUS_MULTIPROC_DIR (several processes, e.g. gunicorn's workers), all of theirs."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
