"""Nameko pieces every service uses: its database and its health probes."""

import json

import eventlet
from nameko.exceptions import deserialize_to_instance
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
        return UnitOfWork(self.sessions)


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
    """nameko's RpcProxy, but a call that gets no answer within `timeout` seconds raises
    ServiceUnavailable instead of waiting forever. RPC_TIMEOUT_SECONDS overrides it."""

    def __init__(self, target_service: str, timeout: float = 5.0, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def setup(self):
        super().setup()
        self.timeout = float(self.container.config.get("RPC_TIMEOUT_SECONDS") or self.timeout)

    def get_dependency(self, worker_ctx):
        return _TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)


class _TimedServiceProxy:
    def __init__(self, proxy, service_name: str, timeout: float):
        self._proxy, self._service_name, self._timeout = proxy, service_name, timeout

    def __getattr__(self, method_name: str):
        method = getattr(self._proxy, method_name)

        def call(*args, **kwargs):
            reply = method.call_async(*args, **kwargs)
            late = errors.ServiceUnavailable(f"{self._service_name}.{method_name} gave no answer in {self._timeout}s")
            with eventlet.Timeout(self._timeout, late):
                return reply.result()

        return call
