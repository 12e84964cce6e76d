"""Nameko pieces every service uses: its database and its health probes."""

import json
import logging
import time

import eventlet
from nameko.exceptions import UnknownService, deserialize_to_instance
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http

from salon_infra import config, errors
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.serialization import use_orjson_for_json

# A service calling another gets our error types back as themselves, not as RemoteError.
for _error_type in errors.ALL:
    deserialize_to_instance(_error_type)
use_orjson_for_json()

log = logging.getLogger(__name__)

DEADLINE = "deadline"
"""Context data (header nameko.deadline): epoch seconds after which the original caller no
longer waits. The gateway sets it; nameko passes it on to nested calls."""


def deadline_of(worker_ctx) -> float | None:
    try:
        return float(worker_ctx.data[DEADLINE])
    except (KeyError, TypeError, ValueError):
        return None


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


JSON = {"Content-Type": "application/json"}


class HealthChecks:
    """Kubernetes probes on nameko's web server (WEB_SERVER_ADDRESS), and an RPC ping that
    shows the service is consuming its queue. Expects a `uow` Database."""

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


class TimedRpcProxy(RpcProxy):
    """nameko's RpcProxy with a deadline: a call raises ServiceUnavailable after `timeout`
    seconds (RPC_TIMEOUT_SECONDS), or sooner if the original caller's deadline comes first.
    The request carries the same TTL, so the broker drops it if nobody took it in time."""

    def __init__(
        self, target_service: str, timeout: float = 5.0, timeout_setting: str = "RPC_TIMEOUT_SECONDS", **options
    ):
        super().__init__(target_service, **options)
        self.timeout, self.timeout_setting = timeout, timeout_setting

    def setup(self):
        self.timeout = float(self.container.config.get(self.timeout_setting) or self.timeout)
        self.options["expiration"] = self.timeout
        super().setup()

    def get_dependency(self, worker_ctx):
        proxy = super().get_dependency(worker_ctx)
        return _TimedServiceProxy(proxy, self.target_service, self.timeout, deadline_of(worker_ctx))


class _TimedServiceProxy:
    def __init__(self, proxy, service_name: str, timeout: float, deadline: float | None):
        self._proxy, self._service_name = proxy, service_name
        self._timeout, self._deadline = timeout, deadline

    def __getattr__(self, method_name: str):
        method = getattr(self._proxy, method_name)
        name = f"{self._service_name}.{method_name}"

        def call(*args, **kwargs):
            timeout = self._timeout
            if self._deadline is not None:
                timeout = max(0.0, min(timeout, self._deadline - time.time()))
            try:
                reply = method.call_async(*args, **kwargs)
            except UnknownService:
                raise errors.ServiceUnavailable(f"{name}: the service has never been started") from None
            late = errors.ServiceUnavailable(f"{name} gave no answer in {timeout:.1f}s")
            try:
                with eventlet.Timeout(timeout, late):
                    return reply.result()
            except errors.ServiceUnavailable:
                self._forget(reply)
                raise

        return call

    def _forget(self, reply) -> None:
        # nameko 2.14.1 (the last release) keeps a reply event per call until its reply comes,
        # which for an expired request is never.
        events = getattr(self._proxy.reply_listener, "_reply_events", {})
        for correlation_id, event in list(events.items()):
            if event is reply.reply_event:
                events.pop(correlation_id, None)
