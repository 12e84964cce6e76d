"""The whole suite on one machine: every service, the outbox relays and the gateway.

`make run`, the end-to-end tests and the benchmarks start the system through this, each
process as production runs it (nameko run, salon-outbox-relay, gunicorn).
"""

import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from supervision import Supervisor

from gateway.errors import ServiceUnavailable
from gateway.rate_limits import LIMITS, env_name
from gateway.rpc import RpcClient
from salon_infra.migrations import upgrade
from salon_infra.processes import start_process, stop_process, stop_processes, wait_until_healthy
from salon_infra.testing import free_port

ROOT = Path(__file__).resolve().parents[2]

# The tests and benchmarks book, sign in and ask for codes hundreds of times from 127.0.0.1: by default a
# LocalCluster's gateway has every rate limit out of their reach (tests/test_rate_limits.py sets small ones).
OUT_OF_REACH_RATE_LIMITS = {name: "1000000 per minute" for name in LIMITS}


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    entrypoint: str
    relays_events: bool = False
    # nameko workers, when not the cluster's: accounts keeps logins waiting for a hashing thread
    # without stalling its token checks (its config.yml).
    max_workers: int | None = None


SERVICES = (
    ServiceSpec("accounts", "accounts.service:AccountsService", max_workers=40),
    # scheduling's outbox carries its users and roles to accounts once (its migration 0007).
    ServiceSpec("scheduling", "scheduling.service:SchedulingService", relays_events=True),
    ServiceSpec("clients", "clients.service:ClientsService"),
    ServiceSpec("bookings", "bookings.service:BookingsService", relays_events=True),
    ServiceSpec("payments", "payments.service:PaymentsService", relays_events=True),
    ServiceSpec("notifications", "notifications.service:NotificationsService"),
    ServiceSpec("imports", "imports.service:ImportsService"),
)


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict
    health_url: str
    log_path: Path
    liveness_url: str | None = None
    metrics_url: str | None = None  # Prometheus' /metrics, on a port of its own as in Kubernetes
    popen: object = None
    wanted: bool = False  # started and not stopped on purpose: the supervisor restarts it if it exits
    started_at: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def start(self) -> None:
        with self.lock:
            self.popen = start_process(self.command, self.env, self.log_path)
            self.wanted, self.started_at = True, time.monotonic()

    def wait_healthy(self, timeout: float = 60) -> None:
        wait_until_healthy(self.health_url, self.popen, self.log_path, timeout)

    def stop(self) -> None:
        with self.lock:
            self.wanted = False
            popen, self.popen = self.popen, None
        if popen is not None:
            stop_process(popen)

    def kill(self, signal_number: int = signal.SIGKILL) -> None:
        """Kill it as a crash would (the supervisor, if any, starts it again)."""
        with self.lock:
            if self.popen is not None and self.popen.poll() is None:
                self.popen.send_signal(signal_number)


@dataclass
class LocalCluster:
    amqp_uri: str
    database_urls: dict[str, str]
    log_dir: Path
    jwt_secret: str
    gateway_port: int = 0
    # The broker as each process reaches it, by process name (tests put a TcpProxy in front of it).
    amqp_uris: dict[str, str] = field(default_factory=dict)
    relay_amqp_uri: str | None = None  # every relay's way to the broker, unless amqp_uris names one
    gateway_workers: int = 2
    gateway_threads: int = 16
    max_workers: int = 10
    rpc_timeout: float = 5.0
    # How long the gateway trusts a user's token version before asking accounts (at most 60 s).
    token_check_seconds: float = 30.0
    link_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # Signs the proof of a confirmed phone: the gateway issues it, bookings checks it.
    phone_token_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Phone codes and their send limits live under this prefix: each cluster has its own.
    redis_prefix: str = field(default_factory=lambda: f"salon-{secrets.token_hex(4)}:")
    export_dir: Path | None = None  # where the imports service keeps finished exports
    # The gateway's rate limits by name (gateway/rate_limits.py); None: the gateway's own defaults.
    rate_limits: dict[str, str] | None = field(default_factory=lambda: dict(OUT_OF_REACH_RATE_LIMITS))
    # Proxies in front of the gateway whose X-Forwarded-For it trusts (TRUSTED_PROXY_HOPS).
    trusted_proxy_hops: int = 0
    extra_env: dict = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict, init=False)
    supervisor: Supervisor | None = field(default=None, init=False)

    def __post_init__(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.export_dir = self.export_dir or self.log_dir.parent / "exports"
        self.gateway_port = self.gateway_port or free_port()
        for spec in SERVICES:
            self.processes[spec.name] = self._service(spec)
            if spec.relays_events:
                self.processes[f"{spec.name}-relay"] = self._relay(spec)
        self.processes["gateway"] = self._gateway()

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def migrate(self) -> None:
        for spec in SERVICES:
            upgrade(spec.name, self.database_urls[spec.name])

    def start(self) -> None:
        for process in self.processes.values():
            process.start()
        try:
            for process in self.processes.values():
                process.wait_healthy()
            self._wait_until_consuming([spec.name for spec in SERVICES])
        except BaseException:
            self.stop()
            raise

    def supervise(self, say=print) -> Supervisor:
        """Restart any process that exits from now on, with backoff, telling `say` so."""
        self.supervisor = Supervisor(self.processes, say).start()
        return self.supervisor

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()
        running = []
        for process in self.processes.values():
            with process.lock:
                process.wanted = False
                if process.popen is not None:
                    running.append(process.popen)
                process.popen = None
        stop_processes(running)

    def stop_one(self, name: str) -> None:
        self.processes[name].stop()

    def start_one(self, name: str) -> None:
        process = self.processes[name]
        process.start()
        self.wait_healthy(name)

    def wait_all_healthy(self, timeout: float = 60) -> None:
        """Until every process answers its health probe and every service consumes its RPC queue."""
        for name in self.processes:
            self.wait_healthy(name, timeout)

    def wait_healthy(self, name: str, timeout: float = 60) -> None:
        """Until `name` answers its health probe and, for a service, consumes its RPC queue."""
        self.processes[name].wait_healthy(timeout)
        if name in self.database_urls:
            self._wait_until_consuming([name], timeout)

    def _wait_until_consuming(self, services: list[str], timeout: float = 30) -> None:
        rpc = RpcClient(self.amqp_uri, timeout=2)
        deadline = time.monotonic() + timeout
        for service in services:
            while True:
                try:
                    rpc.call(service, "ping")
                    break
                except ServiceUnavailable:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)

    def amqp_uri_for(self, name: str) -> str:
        relay_default = self.relay_amqp_uri if name.endswith("-relay") else None
        return self.amqp_uris.get(name) or relay_default or self.amqp_uri

    def _env(self, name: str, **more) -> dict:
        return {
            "AMQP_URI": self.amqp_uri_for(name),
            "JWT_SECRET": self.jwt_secret,
            "BOOKING_LINK_SECRET": self.link_secret,
            "PHONE_TOKEN_SECRET": self.phone_token_secret,
            "RPC_TIMEOUT_SECONDS": str(self.rpc_timeout),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            **self.extra_env,
            **more,
        }

    def _service(self, spec: ServiceSpec) -> Process:
        port, liveness_port, metrics_port = free_port(), free_port(), free_port()
        config = ROOT / "services" / spec.name / "config.yml"
        return Process(
            spec.name,
            [sys.executable, "-m", "nameko", "run", "--config", str(config), spec.entrypoint],
            self._env(
                spec.name,
                PUBLIC_BASE_URL=self.gateway_url,
                EXPORT_DIR=str(self.export_dir),
                DATABASE_URL=self.database_urls[spec.name],
                HEALTH_ADDRESS=f"127.0.0.1:{port}",
                LIVENESS_ADDRESS=f"127.0.0.1:{liveness_port}",
                METRICS_ADDRESS=f"127.0.0.1:{metrics_port}",
                MAX_WORKERS=str(spec.max_workers or self.max_workers),
            ),
            f"http://127.0.0.1:{port}/health/ready",
            self.log_dir / f"{spec.name}.log",
            liveness_url=f"http://127.0.0.1:{liveness_port}/health/live",
            metrics_url=f"http://127.0.0.1:{metrics_port}/metrics",
        )

    def _relay(self, spec: ServiceSpec) -> Process:
        port, metrics_port = free_port(), free_port()
        command = [
            sys.executable, "-m", "salon_infra.relay", "--service", spec.name,
            "--database-url", self.database_urls[spec.name],
            "--amqp-uri", self.amqp_uri_for(f"{spec.name}-relay"),
            "--health-port", str(port), "--metrics-port", str(metrics_port),
        ]  # fmt: skip
        return Process(
            f"{spec.name}-relay", command, self._env(f"{spec.name}-relay"), f"http://127.0.0.1:{port}/health/live",
            self.log_dir / f"{spec.name}-relay.log", liveness_url=f"http://127.0.0.1:{port}/health/live",
            metrics_url=f"http://127.0.0.1:{metrics_port}/metrics",
        )  # fmt: skip

    def _gateway(self) -> Process:
        return self.gateway_process(
            "gateway", self.gateway_port, redis_prefix=self.redis_prefix, rate_limits=self.rate_limits,
            trusted_proxy_hops=self.trusted_proxy_hops,
        )  # fmt: skip

    def gateway_process(
        self, name: str, port: int, *, redis_prefix: str, rate_limits: dict[str, str] | None,
        trusted_proxy_hops: int = 0,
    ) -> Process:  # fmt: skip
        """A gateway on this cluster's services. Besides its own, tests start another with other limits
        (and its own Redis prefix, so they count apart); the caller starts and stops it."""
        liveness_port, metrics_port = free_port(), free_port()
        gunicorn_conf = str(ROOT / "gateway" / "gunicorn.conf.py")
        command = [sys.executable, "-m", "gunicorn", "-c", gunicorn_conf, "gateway.app:create_app()"]
        url = f"http://127.0.0.1:{port}"
        env = self._env(
            "gateway",
            PUBLIC_BASE_URL=self.gateway_url,
            GATEWAY_BIND=f"127.0.0.1:{port}",
            GATEWAY_WORKERS=str(self.gateway_workers),
            GATEWAY_THREADS=str(self.gateway_threads),
            REDIS_URL=self.redis_url,
            REDIS_PREFIX=redis_prefix,
            TOKEN_CHECK_SECONDS=str(self.token_check_seconds),
            GATEWAY_LIVENESS_ADDRESS=f"127.0.0.1:{liveness_port}",
            GATEWAY_METRICS_ADDRESS=f"127.0.0.1:{metrics_port}",
            TRUSTED_PROXY_HOPS=str(trusted_proxy_hops),
            **{env_name(limit): rate for limit, rate in (rate_limits or {}).items()},
        )
        return Process(
            name, command, env, f"{url}/readyz", self.log_dir / f"{name}.log",
            liveness_url=f"http://127.0.0.1:{liveness_port}/healthz", metrics_url=f"http://127.0.0.1:{metrics_port}/metrics",
        )  # fmt: skip
