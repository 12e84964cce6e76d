"""Liveness probes and metrics answered from an OS thread of their own, and a check that the broker answers.

A nameko service runs everything on eventlet's hub in one OS thread. Its liveness must not
wait for a free worker, nor for the hub: `LivenessServer` serves `GET /health/live` from a
real thread (eventlet's original `threading` and `socket`), so it still answers, and says
"failing", when the hub is blocked or the consumer has stopped.

`broker_answers` tells a dead connection from a dead broker: restarting a process helps
when it cannot reconnect although the broker answers a fresh connection, and only hurts
when the broker itself is away (every pod would restart at once, then come back only as
fast as its restart backoff allows).
"""

import importlib
import json
import sys
import time
from collections.abc import Callable
from urllib.parse import urlparse

AMQP_PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"
FRAME_METHOD = 1


def _original(name: str):
    """The module as it was before eventlet's monkey patching (the module itself otherwise)."""
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is None or not patcher.already_patched:
        return importlib.import_module(name)
    return patcher.original(name)


def broker_answers(amqp_uri: str, timeout: float = 2.0) -> bool:
    """True if a fresh TCP connection to the broker gets AMQP's first frame (connection.start)
    in reply to the protocol header; for amqps, if the TCP connection opens."""
    socket = _original("socket")
    url = urlparse(amqp_uri)
    tls = url.scheme == "amqps"
    address = (url.hostname or "localhost", url.port or (5671 if tls else 5672))
    try:
        with socket.create_connection(address, timeout=timeout) as connection:
            if tls:
                return True
            connection.sendall(AMQP_PROTOCOL_HEADER)
            first = connection.recv(1)
    except OSError:
        return False
    return first == bytes([FRAME_METHOD])


Check = Callable[[], tuple[bool, dict]]
Answer = tuple[str, str, bytes]  # status line ("200 OK"), content type, body
Route = Callable[[], Answer]


class ThreadServer:
    """GET `path` answered by `routes[path]()` from an OS thread of its own (eventlet's original
    `threading` and `socket`), one connection at a time: for probes and metrics, which must not
    wait for a worker nor for eventlet's hub."""

    def __init__(self, address: tuple[str, int], routes: dict[str, Route], *, reuse_port: bool = False,
                 name: str = "probes"):  # fmt: skip
        self._address, self._routes, self._reuse_port, self._name = address, routes, reuse_port, name
        self._listener = None
        self._thread = None
        self._stopping = False

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    def start(self) -> None:
        socket, threading = _original("socket"), _original("threading")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self._reuse_port:  # several processes (gunicorn workers) each answer for themselves
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(self._address)
        listener.listen(16)
        listener.settimeout(0.5)
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._listener is not None:
            self._listener.close()

    def _serve(self) -> None:
        socket = _original("socket")
        while not self._stopping:
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                try:
                    connection.settimeout(2)
                    self._answer(connection)
                except (OSError, socket.timeout):
                    pass

    def _answer(self, connection) -> None:
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 8192:
            chunk = connection.recv(4096)
            if not chunk:
                return
            request += chunk
        method, path, *_ = [*request.split(b"\r\n", 1)[0].decode("latin-1").split(" "), "", ""]
        route = self._routes.get(path.split("?")[0]) if method == "GET" else None
        if route is None:
            status, content_type, payload = "404 Not Found", "application/json", b'{"status": "not found"}'
        else:
            status, content_type, payload = route()
        head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
        connection.sendall(head.encode() + b"Connection: close\r\n\r\n" + payload)


def metrics_answer() -> Answer:
    """This process's Prometheus metrics (salon_infra.metrics)."""
    from salon_infra.metrics import exposition

    try:
        payload, content_type = exposition()
    except Exception as problem:  # a collector that breaks must not take the server with it
        return "500 Internal Server Error", "text/plain", f"{type(problem).__name__}: {problem}".encode()
    return "200 OK", content_type, payload


class LivenessServer(ThreadServer):
    """`GET /health/live` on `address`, answered by `check()` -> (alive, details) from its own
    OS thread: 200 when alive, 503 when not, with the details as JSON; and `GET /metrics`."""

    path = "/health/live"

    def __init__(self, address: tuple[str, int], check: Check, *, reuse_port: bool = False):
        self._check = check
        super().__init__(address, {self.path: self._live, "/metrics": metrics_answer}, reuse_port=reuse_port,
                         name="liveness")  # fmt: skip

    def _live(self) -> Answer:
        alive, details = self._safe_check()
        body = {"status": "ok" if alive else "failing", **details}
        return "200 OK" if alive else "503 Service Unavailable", "application/json", json.dumps(body).encode()

    def _safe_check(self) -> tuple[bool, dict]:
        try:
            return self._check()
        except Exception as problem:  # a check that breaks must not take the probe server with it
            return False, {"error": f"{type(problem).__name__}: {problem}"}


class MetricsServer(ThreadServer):
    """`GET /metrics` alone, on a port of its own (METRICS_ADDRESS): the one a scraper is let in on."""

    def __init__(self, address: tuple[str, int], *, reuse_port: bool = False):
        super().__init__(address, {"/metrics": metrics_answer}, reuse_port=reuse_port, name="metrics")


def parse_address(address: str, default_port: int) -> tuple[str, int]:
    """'host:port', ':port' or 'host' -> (host, port)."""
    host, _, port = str(address).rpartition(":") if ":" in str(address) else (str(address), "", "")
    return host or "0.0.0.0", int(port) if port else default_port


def seconds_since(moment: float | None) -> float | None:
    return None if moment is None else round(time.monotonic() - moment, 1)
