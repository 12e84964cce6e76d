"""Nameko pieces every service uses: its database, its health probes, and calls to others."""

import json
import logging
from datetime import timedelta

from nameko.exceptions import deserialize_to_instance
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http

from salon_infra import config, errors
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.nameko import DEADLINE, BrokerLiveness, TimedRpcProxy, WorkerObserver, deadline_of, rpc
from salon_infra.serialization import use_orjson_for_json

__all__ = ["DEADLINE", "Database", "HealthChecks", "Secret", "TimedRpcProxy", "deadline_of"]

# A service calling another gets our error types back as themselves, not as RemoteError.
for _error_type in errors.ALL:
    deserialize_to_instance(_error_type)
use_orjson_for_json()

log = logging.getLogger(__name__)


def ensure_green_psycopg() -> None:
    """psycopg2 blocks eventlet's hub unless it has a wait callback.

    `nameko run` monkey-patches with eventlet, which installs one; containers started
    another way (tests) get the same callback here.
    """
    import psycopg2.extensions

    if psycopg2.extensions.get_wait_callback() is None:
        from eventlet.support.psycopg2_patcher import make_psycopg_green

        make_psycopg_green()


class Database(DependencyProvider):
    """Gives each worker a fresh UnitOfWork on the service's own database."""

    def __init__(self, service_name: str):
        self.service_name = service_name
        self.engine = None
        self.sessions = None

    def setup(self):
        url = config.database_url(self.service_name, self.container.config.get("DATABASE_URL"))
        if not url.startswith("sqlite"):
            ensure_green_psycopg()
        self.engine = create_engine_for(url, pool_size=self.container.max_workers + 2)
        self.sessions = session_factory(self.engine)

    def stop(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx) -> UnitOfWork:
        return UnitOfWork(self.sessions, deadline=deadline_of(worker_ctx))


class Secret(DependencyProvider):
    """A secret from the service's config; the service refuses to start without a real one."""

    def __init__(self, name: str, min_length: int = 16):
        self.name, self.min_length = name, min_length
        self.value = None

    def setup(self):
        value = self.container.config.get(self.name)
        if not isinstance(value, str) or len(value) < self.min_length:
            raise RuntimeError(f"{self.name} must be set to a secret of at least {self.min_length} characters")
        self.value = value

    def get_dependency(self, worker_ctx) -> str:
        return self.value


class Days(DependencyProvider):
    """A number of days from the service's config, as a timedelta; the service refuses to start
    with one that is not a whole number from 1 to 3650."""

    def __init__(self, name: str, default: int):
        self.name, self.default = name, default
        self.value = None

    def setup(self):
        raw = self.container.config.get(self.name, self.default)
        try:
            days = int(str(raw).strip() or self.default)
        except ValueError:
            days = 0
        if not 1 <= days <= 3650:
            raise RuntimeError(f"{self.name} must be a whole number of days from 1 to 3650, not {raw!r}")
        self.value = timedelta(days=days)

    def get_dependency(self, worker_ctx) -> timedelta:
        return self.value


JSON = {"Content-Type": "application/json"}


class HealthChecks:
    """Kubernetes probes, metrics, and an RPC ping that shows the service is consuming its queue.
    Expects a `uow` Database.

    - liveness: `/health/live` on LIVENESS_ADDRESS, from a thread of its own (BrokerLiveness):
      fails when the broker consumer is stuck, or its connection is dead;
    - readiness: `/health/ready` on nameko's web server (WEB_SERVER_ADDRESS): the database
      answers. Its `/health/live` says only that the web server answers;
    - metrics: `/metrics` on LIVENESS_ADDRESS, and alone on METRICS_ADDRESS when set; every
      worker timed, its request id kept for its logs, calls and events (WorkerObserver)."""

    broker_liveness = BrokerLiveness()
    worker_observer = WorkerObserver()

    @rpc
    def ping(self):
        return "pong"

    @http("GET", "/health/live")
    def health_live(self, request):
        return 200, JSON, json.dumps({"status": "ok"})

    @http("GET", "/health/ready")
    def health_ready(self, request):
        try:
            self.uow.ping()
        except Exception as problem:  # any failure means not ready; the probe reports it
            return 503, JSON, json.dumps({"status": "failing", "database": str(problem)})
        return 200, JSON, json.dumps({"status": "ok"})
