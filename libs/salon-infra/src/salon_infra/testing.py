"""Real PostgreSQL databases and RabbitMQ vhosts for tests, created and dropped per test session."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from urllib.parse import quote, urlparse

from sqlalchemy import create_engine, make_url, text

from salon_infra.database import with_driver
from salon_infra.processes import start_process, stop_process, wait_until_healthy


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def amqp_base_uri() -> str:
    return os.environ.get("TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


@contextlib.contextmanager
def temporary_database(prefix: str):
    """Yield the URL of a fresh PostgreSQL database, dropped afterwards."""
    admin_url = make_url(postgres_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(with_driver(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def temporary_vhost():
    """Yield an AMQP URI on a fresh vhost, so tests never meet a running system's queues.

    Needs rabbitmqctl (the broker's own CLI, run as root here); without it the tests share
    the base URI's vhost and say so.
    """
    base = amqp_base_uri()
    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None:
        warnings.warn("rabbitmqctl not found: tests share the broker's default vhost", stacklevel=2)
        yield base
        return
    vhost = f"salon-test-{uuid.uuid4().hex[:10]}"
    user = make_url(base.replace("amqp://", "postgresql://", 1)).username or "guest"
    _rabbitmqctl(rabbitmqctl, "add_vhost", vhost)
    _rabbitmqctl(rabbitmqctl, "set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    try:
        yield base.rstrip("/") + "/" + quote(vhost, safe="")
    finally:
        _rabbitmqctl(rabbitmqctl, "delete_vhost", vhost)


def _rabbitmqctl(executable: str, *args: str) -> None:
    subprocess.run([executable, "-q", *args], check=True, capture_output=True, timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_service(
    module: str,
    config_file,
    env: dict,
    *,
    log_path,
    health_port: int,
    rpc_name: str | None = None,
    timeout: float = 60,
    liveness_port: int | None = None,
):
    """Run `nameko run` for a service in a subprocess, as production does; yield once it is
    healthy and, given its nameko name, consuming its RPC queue (health comes up first).
    Its liveness probe (LIVENESS_ADDRESS) listens on `liveness_port`, a free port by default."""
    liveness = f"127.0.0.1:{liveness_port or free_port()}"
    process = start_process(
        [sys.executable, "-m", "nameko", "run", "--config", str(config_file), module],
        {"LIVENESS_ADDRESS": liveness, **env, "HEALTH_ADDRESS": f"127.0.0.1:{health_port}"},
        log_path,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{health_port}/health/ready", process, log_path, timeout)
        if rpc_name:
            wait_until_consuming(env["AMQP_URI"], f"rpc-{rpc_name}", timeout)
        yield process
    finally:
        stop_process(process)


def wait_until_consuming(amqp_uri: str, queue: str, timeout: float) -> None:
    import pika
    import pika.exceptions

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        try:
            if connection.channel().queue_declare(queue, passive=True).method.consumer_count:
                return
        except pika.exceptions.ChannelClosedByBroker:
            pass  # not declared yet
        finally:
            if connection.is_open:
                connection.close()
        time.sleep(0.05)
    raise TimeoutError(f"nobody consumes {queue} after {timeout}s")


class TcpProxy:
    """A TCP forwarder in front of the broker that a test can break, for whoever connects through it:

    - `cut()`: every connection dropped, new ones refused (ECONNREFUSED) until `restore()`;
    - `stall()`: the connections open now go silent, kept open with nothing forwarded either
      way, as across a network partition; new connections work.
    """

    def __init__(self, upstream_host: str, upstream_port: int, port: int = 0):
        self.upstream = (upstream_host, upstream_port)
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._links: dict[socket.socket, threading.Event] = {}  # each socket, and whether it is stalled
        self._lock = threading.Lock()

    @classmethod
    def in_front_of(cls, amqp_uri: str) -> "TcpProxy":
        broker = urlparse(amqp_uri)
        return cls(broker.hostname or "127.0.0.1", broker.port or 5672)

    def uri_through(self, amqp_uri: str) -> str:
        """`amqp_uri`, reaching the broker through this proxy."""
        broker = urlparse(amqp_uri)
        credentials = broker.netloc.rpartition("@")[0]
        return broker._replace(
            netloc=f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        ).geturl()

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Drop every connection and refuse new ones until restore()."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)  # shutdown() wakes the thread blocked in accept(); close() alone would not
        with self._lock:
            links, self._links = list(self._links), {}
        for link in links:
            _close(link)

    def restore(self) -> None:
        if self._listener is None:
            self.start()

    def stall(self) -> None:
        """The connections open now stop carrying anything, and stay open."""
        with self._lock:
            for stalled in self._links.values():
                stalled.set()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            stalled = threading.Event()
            with self._lock:
                self._links.update({client: stalled, upstream: stalled})
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target, stalled), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, stalled: threading.Event) -> None:
        try:
            while chunk := source.recv(65536):
                if not stalled.is_set():
                    target.sendall(chunk)
        except OSError:
            pass
        finally:
            if not stalled.is_set():
                _close(source)
                _close(target)
            with self._lock:
                self._links.pop(source, None)


def _close(link: socket.socket) -> None:
    with contextlib.suppress(OSError):
        link.shutdown(socket.SHUT_RDWR)
    link.close()


def schema_drift(database_url: str, metadata) -> list:
    """Differences between a migrated database and the models; a test asserts there are none."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(with_driver(database_url))
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
