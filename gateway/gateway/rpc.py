"""Calls to the services over RabbitMQ, speaking nameko's RPC protocol with pika.

One broker connection per gateway thread, opened on first use and kept: never one per
request. Every call has a deadline, counted from the moment it starts (connecting and
publishing included); the request message carries the same TTL, so a request nobody
picked up in time is dropped by the broker instead of being run late. A service with no
queue fails at once (mandatory publish), and a service whose queue has no consumers fails
at once after its first timeout (a passive queue check). A connection that failed or timed
out is dropped, so a dead one is never used twice.

Each request carries the HTTP request's id (gateway.logs) as nameko context data, and each
call's time is observed by service, method and outcome (gateway.observability).

`BrokerWatch` is the process's liveness: a thread of its own keeps a connection to the
broker with heartbeats, and `/healthz` on GATEWAY_LIVENESS_ADDRESS (gateway.api.health)
fails when it cannot reconnect although the broker answers.
"""

import contextlib
import contextvars
import json
import logging
import socket
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from urllib.parse import urlparse

import orjson
import pika
import pika.exceptions

from gateway import observability
from gateway.errors import REMOTE_ERRORS, InvalidInput, ServiceUnavailable, remote_error
from gateway.logs import REQUEST_ID, RPC_HEADER
from salon_infra.validation import find_problem, nested_errors

log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"  # nameko's default rpc_exchange
BROKER_ERRORS = (pika.exceptions.AMQPError, OSError)
OK, REJECTED, UNAVAILABLE, FAILED = "ok", "rejected", "unavailable", "failed"  # how a call ended, for its timing
SUSPECT_FOR = 30.0  # seconds a timed-out service gets checked for consumers before each call
UNREACHABLE_FOR = 0.5  # seconds after a failed connect in which no thread tries again: a quick 503


_REQUEST_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("rpc_request_deadline", default=None)


@contextlib.contextmanager
def one_deadline(seconds: float):
    """Every call made inside shares one deadline, `seconds` from now: a request that makes
    several calls in a row answers within `seconds`, not within their sum."""
    token = _REQUEST_DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _REQUEST_DEADLINE.reset(token)


class RpcClient:
    def __init__(self, amqp_uri: str, timeout: float):
        self.amqp_uri = amqp_uri
        self.parameters = pika.URLParameters(amqp_uri)
        self.parameters.connection_attempts = 1
        self.parameters.socket_timeout = 2
        self.parameters.stack_timeout = min(timeout, 5.0)  # TCP, TLS and the AMQP handshake together
        self.parameters.blocked_connection_timeout = timeout
        self.timeout = timeout
        self._local = threading.local()
        self._suspects: dict[str, float] = {}
        self._unreachable_until = 0.0

    def _deadline(self, service: str) -> float:
        """This call's own deadline, or the request's (one_deadline) if that comes first."""
        deadline, shared = time.monotonic() + self.timeout, _REQUEST_DEADLINE.get()
        if shared is not None and shared < deadline:
            if shared <= time.monotonic():
                raise ServiceUnavailable(f"the {service} service was not called: the request ran out of time")
            return shared
        return deadline

    def call(self, service: str, method: str, *args, **kwargs):
        """Call `service.method` and return its result, or raise the mapped remote error."""
        body = encode_request(args, kwargs)
        started, outcome = time.perf_counter(), UNAVAILABLE
        try:
            reply = self._reply(service, method, body)
            outcome = _outcome(reply)
        finally:
            observability.observe_rpc(service, method, outcome, time.perf_counter() - started)
        if reply.get("error"):
            raise remote_error(reply["error"])
        return reply["result"]

    def _reply(self, service: str, method: str, body: bytes) -> dict:
        deadline = self._deadline(service)
        if self._is_suspect(service) and not self._has_consumers(service):
            raise ServiceUnavailable(f"the {service} service is not running")
        try:
            reply = self._call(service, method, body, deadline)
        except _Timeout:
            self._suspects[service] = time.monotonic() + SUSPECT_FOR
            self._reset()  # a connection that may be dead is not used again
            raise ServiceUnavailable(f"the {service} service did not answer in {self.timeout:g}s") from None
        self._suspects.pop(service, None)
        return reply

    def call_all(self, *calls: tuple) -> list:
        """Several independent calls at once, `(service, method, *args)` each: every request is
        published before any reply is awaited, so the services work side by side and the whole
        takes about as long as the slowest. The results in order; the first error is raised."""
        bodies = [encode_request(call[2:], {}) for call in calls]
        started, deadline = time.perf_counter(), min(self._deadline(service) for service, *_ in calls)
        for service, *_ in calls:
            if self._is_suspect(service) and not self._has_consumers(service):
                raise ServiceUnavailable(f"the {service} service is not running")
        connection = self._connection()
        try:
            sent = [
                (call[0], connection.publish(call[0], call[1], body, _left(deadline)))
                for call, body in zip(calls, bodies, strict=True)
            ]
        except BROKER_ERRORS as problem:
            self._reset()
            raise ServiceUnavailable("lost the message broker") from problem
        replies, failure, timed_out = [], None, False
        for (service, correlation_id), call in zip(sent, calls, strict=True):
            try:
                replies.append(connection.wait_for(correlation_id, deadline, service))
                observability.observe_rpc(service, call[1], _outcome(replies[-1]), time.perf_counter() - started)
            except _Timeout:
                observability.observe_rpc(service, call[1], UNAVAILABLE, time.perf_counter() - started)
                self._suspects[service] = time.monotonic() + SUSPECT_FOR
                timed_out = True
                failure = failure or ServiceUnavailable(f"the {service} service did not answer in {self.timeout:g}s")
            except BROKER_ERRORS as problem:
                observability.observe_rpc(service, call[1], UNAVAILABLE, time.perf_counter() - started)
                self._reset()
                raise ServiceUnavailable(f"lost the message broker while calling {service}") from problem
            except ServiceUnavailable as problem:
                observability.observe_rpc(service, call[1], UNAVAILABLE, time.perf_counter() - started)
                failure = failure or problem
        if failure:
            for _, correlation_id in sent:
                connection.pending.discard(correlation_id)
            if timed_out:
                self._reset()
            raise failure
        for (service, _), reply in zip(sent, replies, strict=True):
            self._suspects.pop(service, None)
            if reply.get("error"):
                raise remote_error(reply["error"])
        return [reply["result"] for reply in replies]

    def _has_consumers(self, service: str) -> bool:
        try:
            return self._connection().has_consumers(service, self.timeout)
        except BROKER_ERRORS as problem:
            self._reset()
            raise ServiceUnavailable("lost the message broker") from problem

    def ping_broker(self) -> None:
        self._connection().ensure_open()

    def _call(self, service, method, body: bytes, deadline: float) -> dict:
        connection = self._connection()
        try:
            correlation_id = connection.publish(service, method, body, _left(deadline))
        except BROKER_ERRORS:
            # Nothing reached the broker; a fresh connection may well work (e.g. after a restart).
            self._reset()
            connection = self._connection()
            try:
                correlation_id = connection.publish(service, method, body, _left(deadline))
            except BROKER_ERRORS as problem:
                self._reset()
                raise ServiceUnavailable(f"lost the message broker while calling {service}") from problem
        try:
            return connection.wait_for(correlation_id, deadline, service)
        except BROKER_ERRORS as problem:
            self._reset()
            raise ServiceUnavailable(f"lost the message broker while calling {service}") from problem

    def _connection(self) -> "_ThreadConnection":
        connection = getattr(self._local, "connection", None)
        if connection is None or not connection.is_open:
            if self._unreachable_until > time.monotonic():  # another thread just failed to connect
                raise ServiceUnavailable("the message broker is unreachable")
            try:
                connection = _ThreadConnection(self.parameters)
            except BROKER_ERRORS as problem:
                self._unreachable_until = time.monotonic() + UNREACHABLE_FOR
                raise ServiceUnavailable("the message broker is unreachable") from problem
            self._local.connection = connection
        return connection

    def _reset(self) -> None:
        """Forget this thread's connection; it is closed in the background, so that a dead one
        (whose close may take a second) does not hold up the answer."""
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            threading.Thread(target=connection.close, name="rpc-close", daemon=True).start()

    def _is_suspect(self, service: str) -> bool:
        return self._suspects.get(service, 0.0) > time.monotonic()


class _Timeout(Exception):
    pass


def _outcome(reply: dict) -> str:
    """ok; rejected (the service returned one of its errors); unavailable (it, or one it asked,
    did not answer); failed (anything else: a bug)."""
    error = reply.get("error")
    if not error:
        return OK
    exc_type = error.get("exc_type")
    if exc_type == "ServiceUnavailable":
        return UNAVAILABLE
    return REJECTED if exc_type in REMOTE_ERRORS else FAILED


def encode_request(args, kwargs: dict) -> bytes:
    """A request's body. Input that JSON cannot carry (a number beyond 64 bits, a lone surrogate)
    is refused as InvalidInput naming the field, should any reach here past the schemas."""
    try:
        return orjson.dumps({"args": args, "kwargs": kwargs})
    except orjson.JSONEncodeError:
        problem = find_problem([*args, kwargs])
        if problem is None:
            raise  # not the input: a bug
        path, message = problem
        field = path.split(".", 1)[1] if "." in path else "_schema"  # "1.client.name": the 2nd argument's client.name
        raise InvalidInput(f"invalid {field}", nested_errors(field, [message])) from None


def _left(deadline: float) -> float:
    """Seconds until `deadline` (monotonic), at least a millisecond: a request's TTL and deadline."""
    return max(deadline - time.monotonic(), 0.001)


class _ThreadConnection:
    """A connection, a channel and an exclusive reply queue owned by one thread."""

    def __init__(self, parameters: pika.URLParameters):
        self.connection = pika.BlockingConnection(parameters)
        self.channel = self.connection.channel()
        self.reply_queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.channel.queue_bind(self.reply_queue, RPC_EXCHANGE, routing_key=self.reply_queue)
        self.channel.basic_consume(self.reply_queue, self._on_reply, auto_ack=True)
        self.channel.add_on_return_callback(self._on_return)
        self.pending: set[str] = set()
        self.replies: dict[str, dict] = {}
        self.unroutable: set[str] = set()

    @property
    def is_open(self) -> bool:
        return self.connection.is_open and self.channel.is_open

    def ensure_open(self) -> None:
        self.connection.process_data_events(time_limit=0)

    def publish(self, service: str, method: str, body: bytes, timeout: float) -> str:
        correlation_id = uuid.uuid4().hex
        headers = {
            "nameko.call_id_stack": [f"gateway.{method}.{correlation_id}"],
            # The service's unit of work will not commit after this, nor wait on others past it.
            "nameko.deadline": f"{time.time() + timeout:.3f}",
        }
        if (request_id := REQUEST_ID.get()) is not None:
            headers[RPC_HEADER] = request_id  # the service's logs, calls and events carry it on
        properties = pika.BasicProperties(
            reply_to=self.reply_queue,
            correlation_id=correlation_id,
            content_type="application/json",
            expiration=str(max(int(timeout * 1000), 1)),
            headers=headers,
        )
        self.pending.add(correlation_id)
        self.channel.basic_publish(RPC_EXCHANGE, f"{service}.{method}", body, properties, mandatory=True)
        return correlation_id

    def wait_for(self, correlation_id: str, deadline: float, service: str) -> dict:
        try:
            while correlation_id not in self.replies:
                if correlation_id in self.unroutable:
                    raise ServiceUnavailable(f"the {service} service has never been started")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Timeout()
                self.connection.process_data_events(time_limit=min(remaining, 1.0))
            return self.replies.pop(correlation_id)
        finally:
            self.pending.discard(correlation_id)
            self.unroutable.discard(correlation_id)

    def has_consumers(self, service: str, timeout: float) -> bool:
        # pika waits for the answer with no timeout; on a dead connection, the watchdog ends the wait.
        watchdog = threading.Timer(timeout, _shut_socket, args=(self.connection,))
        watchdog.start()
        try:
            declared = self.channel.queue_declare(f"rpc-{service}", passive=True)
        except pika.exceptions.ChannelClosedByBroker:  # no such queue; the channel must be reopened
            self.close()
            return False
        finally:
            watchdog.cancel()
        return declared.method.consumer_count > 0

    def close(self) -> None:
        _abandon(self.connection)

    def _on_reply(self, _channel, _method, properties, body) -> None:
        if properties.correlation_id in self.pending:  # a late reply to a timed-out call is dropped
            self.replies[properties.correlation_id] = orjson.loads(body)

    def _on_return(self, _channel, _method, properties, _body) -> None:
        self.unroutable.add(properties.correlation_id)


class BrokerWatch:
    """The process's liveness, from a thread of its own (not from gunicorn's workers): a
    connection to the broker with heartbeats, serviced every second, replaced when it dies.

    `check()` fails when that thread has stopped running, or when it has been without a
    connection for `dead_after` seconds although the broker answers a fresh one: this process
    cannot reconnect by itself. While the broker does not answer anyone it stays alive, as a
    restart would not help (and every replica would restart at once)."""

    def __init__(self, amqp_uri: str, *, heartbeat: int = 10, dead_after: float = 60.0, stale_after: float = 30.0):
        self.amqp_uri, self.dead_after, self.stale_after = amqp_uri, dead_after, stale_after
        self.parameters = pika.URLParameters(amqp_uri)
        self.parameters.connection_attempts = 1
        self.parameters.socket_timeout = 2
        self.parameters.stack_timeout = 5
        self.parameters.heartbeat = heartbeat
        now = time.monotonic()
        self.connected, self.down_since, self.last_beat = False, now, now
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="broker-watch", daemon=True)

    def start(self) -> "BrokerWatch":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        connection = None
        while not self._stop.is_set():
            self.last_beat = time.monotonic()
            try:
                if connection is None:
                    connection = pika.BlockingConnection(self.parameters)
                    self.connected, self.down_since = True, None
                connection.process_data_events(time_limit=1)  # heartbeats; raises once the connection is dead
            except BROKER_ERRORS as problem:
                if self.connected:
                    log.warning("broker watch lost its connection: %s", problem or type(problem).__name__)
                    self.connected, self.down_since = False, time.monotonic()
                _close_quietly(connection)
                connection = None
                self._stop.wait(1)
        _close_quietly(connection)

    def check(self) -> tuple[bool, dict]:
        now = time.monotonic()
        details = {"connected": self.connected, "idle_s": round(now - self.last_beat, 1)}
        if now - self.last_beat > self.stale_after:
            return False, {**details, "problem": "the broker watch has stopped"}
        if not self.connected and self.down_since is not None:
            details["down_s"] = round(now - self.down_since, 1)
            if now - self.down_since > self.dead_after:
                if broker_answers(self.amqp_uri):
                    return False, {**details, "problem": "cannot reconnect, although the broker answers"}
                details["broker"] = "not answering: waiting for it (a restart would not help)"
        return True, details


def _close_quietly(connection) -> None:
    if connection is not None:
        _abandon(connection)


def _abandon(connection: pika.BlockingConnection, grace: float = 1.0) -> None:
    """Close a connection that may be dead: politely, but if the broker's close-ok (which pika
    waits for with no timeout) is not back within `grace` seconds, its socket is shut under it.
    (pika 1.4's internals: BlockingConnection._impl._transport._sock.)"""
    watchdog = threading.Timer(grace, _shut_socket, args=(connection,))
    watchdog.start()
    try:
        with contextlib.suppress(*BROKER_ERRORS, AssertionError):
            if connection.is_open:
                connection.close()
    finally:
        watchdog.cancel()


def _shut_socket(connection: pika.BlockingConnection) -> None:
    sock = getattr(getattr(getattr(connection, "_impl", None), "_transport", None), "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def broker_answers(amqp_uri: str, timeout: float = 2.0) -> bool:
    """A fresh TCP connection to the broker gets AMQP's first frame in reply to the protocol
    header (for amqps: the TCP connection opens)."""
    url = urlparse(amqp_uri)
    tls = url.scheme == "amqps"
    try:
        with socket.create_connection(
            (url.hostname or "localhost", url.port or (5671 if tls else 5672)), timeout
        ) as link:
            if tls:
                return True
            link.sendall(b"AMQP\x00\x00\x09\x01")
            return link.recv(1) == b"\x01"
    except OSError:
        return False


def serve_liveness(address: tuple[str, int], check, path: str = "/healthz") -> ThreadingHTTPServer:
    """`GET path` answered by `check()`, and `GET /metrics` (gateway.observability), from a thread
    of its own. Each gunicorn worker binds the same port (SO_REUSEPORT) and answers for itself
    (metrics: for every worker)."""

    def live():
        alive, details = check()
        body = json.dumps({"status": "ok" if alive else "failing", **details}).encode()
        return 200 if alive else 503, "application/json", body

    return observability.serve(address, {path: live, "/metrics": observability.metrics_answer}, name="liveness")
