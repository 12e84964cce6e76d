"""Nameko's AMQP entrypoints and RPC proxy, made to ride out a broker outage.

Every service uses these instead of nameko's own:

    from salon_infra.nameko import event_handler, rpc

nameko 2.14.1 (the last release) already reconnects its consumer (kombu's ConsumerMixin
retries forever), but around it (README, "Versions pinned, and why"):

- An RPC reply that cannot be published kills the container: nameko's Responder publishes
  with kombu's retry policy (3 retries), the OperationalError escapes the worker thread, and
  the container dies. Here a reply is retried until the caller's deadline and then dropped,
  logged; the request is acknowledged if its channel still lives, and otherwise the broker
  redelivers it (at least once, nameko issue 387).
- A request whose caller has stopped waiting (header `nameko.deadline`) is dropped unanswered
  instead of being run late, e.g. when it is redelivered after a reconnect.
- Acknowledging a message whose connection has gone can raise (nameko issue 511); here it is
  logged, as the broker has taken the message back already.
- kombu's publish blocks until the connection gives up (kombu issue 1024); publishing here is
  bounded in time, and a connection that failed is dropped instead of going back to the pool.
- The consumer retries its connection every 0.5 to 2 s, not kombu's 2 to 30 s, so a process
  consumes again within seconds of the broker's return.

`BrokerLiveness` answers the liveness probe and /metrics from an OS thread of its own
(salon_infra.liveness). `WorkerObserver` times every worker and keeps its request id
(salon_infra.logs) for its log lines, the RPCs it makes and the events it records.
"""

import functools
import logging
import time
from contextlib import contextmanager, suppress

import eventlet
from amqp.exceptions import AMQPError
from kombu import Connection
from kombu.exceptions import KombuError
from kombu.pools import producers
from nameko import events, messaging
from nameko import rpc as nameko_rpc
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    HEADER_PREFIX,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import ContainerBeingKilled, UnknownService
from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler

from salon_infra import errors
from salon_infra.database import is_transient
from salon_infra.liveness import LivenessServer, MetricsServer, broker_answers, parse_address, seconds_since
from salon_infra.logs import REQUEST_ID, REQUEST_ID_KEY, new_request_id, valid_request_id
from salon_infra.metrics import ENTRYPOINT_SECONDS, RPC_CLIENT_SECONDS, Children, outcome_of

log = logging.getLogger("salon_infra.nameko")
access_log = logging.getLogger("salon.access")

DEADLINE = "deadline"
"""Context data (header nameko.deadline): epoch seconds after which the original caller no
longer waits. The gateway sets it; TimedRpcProxy passes it on, or sets its own."""

RECONNECT_EVERY = (0.5, 0.5, 2.0)  # first pause, step, longest pause between reconnect attempts
REPLY_WITHIN = 10.0  # seconds a reply is retried when its request carries no deadline
BROKER_ERRORS = (OSError, AMQPError, KombuError)


def deadline_of(worker_ctx) -> float | None:
    return _as_deadline(worker_ctx.data.get(DEADLINE))


def _as_deadline(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class BrokerUnreachable(errors.ServiceUnavailable):
    """A message could not be handed to the broker in time."""


class BoundedPublisher(Publisher):
    """nameko's Publisher, bounded in time: publishes with confirms, retries a failed publish on
    a fresh connection for at most `within` seconds, then raises BrokerUnreachable. A connection
    that failed, or that a timeout interrupted, is dropped, never reused."""

    def __init__(self, amqp_uri, *, within: float = REPLY_WITHIN, **options):
        super().__init__(amqp_uri, **options)
        self.within = within
        transport_options = {"confirm_publish": True, "max_retries": 0}
        self._connection = Connection(
            amqp_uri, ssl=self.ssl, login_method=self.login_method, transport_options=transport_options,
            connect_timeout=2,
        )  # fmt: skip

    def publish(self, payload, **kwargs):
        message = self._message_options(kwargs)
        deadline = time.monotonic() + self.within
        pause = 0.1
        while True:
            try:
                return self._publish_once(payload, message, max(deadline - time.monotonic(), 0.05))
            except UndeliverableMessage:
                raise
            except BROKER_ERRORS as problem:
                if deadline - time.monotonic() <= pause:
                    raise BrokerUnreachable(
                        f"could not publish to the broker in {self.within:.1f}s: {problem}"
                    ) from None
                log.debug("publish failed (%s), retrying in %.1fs", problem, pause)
                eventlet.sleep(pause)
                pause = min(pause * 2, 1.0)

    def _message_options(self, kwargs: dict) -> dict:
        for ignored in ("use_confirms", "transport_options", "retry", "retry_policy"):
            kwargs.pop(ignored, None)  # confirms always; retrying is ours
        defaults = dict(self.publish_kwargs)
        headers = {**defaults.pop("headers", {}), **kwargs.pop("headers", {}), **kwargs.pop("extra_headers", {})}
        return {
            **defaults,
            "headers": headers,
            "delivery_mode": kwargs.pop("delivery_mode", self.delivery_mode),
            "mandatory": kwargs.pop("mandatory", self.mandatory),
            "priority": kwargs.pop("priority", self.priority),
            "expiration": kwargs.pop("expiration", self.expiration),
            "serializer": kwargs.pop("serializer", self.serializer),
            "compression": kwargs.pop("compression", self.compression),
            "declare": [*self.declare, *kwargs.pop("declare", ())],
            **kwargs,
        }

    def _publish_once(self, payload, message: dict, timeout: float) -> None:
        with producers[self._connection].acquire(block=True, timeout=timeout) as producer:
            try:
                producer.publish(payload, retry=False, timeout=timeout, confirm_timeout=timeout, **message)
            except BaseException as problem:  # also the caller's eventlet.Timeout, mid-frame
                # py-amqp raises on basic.return before the confirm that follows it arrives:
                # that stray confirm must not answer the next publish on this channel.
                _drop_connection(producer)
                if "NO_ROUTE" in str(problem):  # mandatory, and no queue is bound
                    raise UndeliverableMessage() from None
                raise


def _drop_connection(producer) -> None:
    connection = producer.__connection__
    if connection is not None:
        with suppress(Exception):
            connection.collect()  # no I/O: the pool opens a new one on next use


class BrokerLink:
    """What a consumer knows of its broker connection, for the liveness probe."""

    def __init__(self):
        now = time.monotonic()
        self.connected = False
        self.down_since: float | None = now  # not connected yet
        self.last_sign_of_life = now
        self.last_received: float | None = None
        self.heartbeat = 0.0
        self._transport = None
        self._bytes_received = None

    def alive(self) -> None:
        self.last_sign_of_life = time.monotonic()

    def up(self, connection) -> float | None:
        """Connected (again); returns how long it was down."""
        down_for = seconds_since(self.down_since)
        self.connected, self.down_since = True, None
        self._transport = getattr(connection, "connection", None)  # py-amqp's connection
        self.heartbeat = float(getattr(self._transport, "heartbeat", 0) or 0)
        self._bytes_received = None
        self.note_traffic()
        return down_for

    def down(self) -> None:
        if self.connected:
            self.connected, self.down_since, self._transport = False, time.monotonic(), None

    def note_traffic(self) -> None:
        received = getattr(self._transport, "bytes_recv", None)
        if received != self._bytes_received:
            self._bytes_received, self.last_received = received, time.monotonic()


class QueueConsumer(messaging.QueueConsumer):
    """nameko's consumer (one connection per container), reconnecting every 0.5 to 2 s, keeping
    a BrokerLink, and never letting an ack or a requeue kill the container."""

    def __init__(self):
        super().__init__()
        self.link = BrokerLink()
        self.held_in_batches = 0  # messages batch handlers hold back, of the prefetch every entrypoint shares

    def setup(self):
        super().setup()
        others = [
            type(extension).__qualname__
            for extension in self.container.shared_extensions.values()
            if isinstance(extension, messaging.QueueConsumer) and not isinstance(extension, QueueConsumer)
        ]
        if others:
            raise RuntimeError(
                f"{self.container.service_name} mixes nameko's own consumers with salon_infra's ({others}): "
                "import rpc and event_handler from salon_infra.nameko, and use TimedRpcProxy"
            )

    @contextmanager
    def establish_connection(self):
        first, step, longest = RECONNECT_EVERY
        connection = self.create_connection()
        try:
            connection.ensure_connection(
                self.on_connection_error, None, first, step, longest, callback=self.link.alive
            )  # fmt: skip
            yield connection
        except BaseException:
            # kombu would close politely and wait for close-ok, which a dead connection never
            # sends: the consumer hung there for good (see kombu issue 670 for the cancel case).
            connection.collect()
            raise
        connection.release()

    def consume(self, *args, **kwargs):
        try:
            yield from super().consume(*args, **kwargs)
        finally:
            self.link.down()

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        down_for = self.link.up(connection)
        if self._consumers_ready.ready():
            log.warning("consuming again, after %ss without the broker", down_for)
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    def on_connection_error(self, exc, interval):
        self.link.down()
        self.link.alive()
        super().on_connection_error(exc, interval)

    def on_iteration(self):
        self.link.alive()
        self.link.note_traffic()
        super().on_iteration()

    def ack_message(self, message):
        self._settle(message, "ack")

    def requeue_message(self, message):
        self._settle(message, "requeue")

    def _settle(self, message, action: str) -> None:
        if not message.channel.connection:
            log.info("cannot %s message %s: its connection has gone, and the broker has taken it back",
                     action, message.delivery_tag)  # fmt: skip
            return
        try:
            getattr(message, action)()
        except Exception as problem:  # the broker takes the message back when the connection closes
            log.warning("could not %s message %s: %s", action, message.delivery_tag, problem)


class RpcConsumer(nameko_rpc.RpcConsumer):
    """Drops a request whose caller stopped waiting, and a redelivery of one this process has
    already taken (its connection dropped before the acknowledgement): running it twice at once
    could answer the second run's "slot taken" to a booking the first run made."""

    queue_consumer = QueueConsumer()

    def __init__(self):
        super().__init__()
        self._taken = RecentlySeen(seconds=300)

    def handle_message(self, body, message):
        routing_key = message.delivery_info.get("routing_key")
        late_by = _late_by(message)
        if late_by is not None:
            log.warning("dropping %s unanswered: its caller stopped waiting %.1fs ago", routing_key, late_by)
            self.queue_consumer.ack_message(message)
            return
        correlation_id = message.properties.get("correlation_id")
        if message.delivery_info.get("redelivered") and correlation_id in self._taken:
            log.warning("dropping a redelivery of %s (%s): this process has taken it already", routing_key,
                        correlation_id)  # fmt: skip
            self.queue_consumer.ack_message(message)
            return
        self._taken.add(correlation_id)
        super().handle_message(body, message)

    def handle_result(self, message, result, exc_info):
        if exc_info is not None and is_transient(exc_info[1]):
            log.warning("%s: the database is not available (%s)", message.delivery_info.get("routing_key"),
                        exc_info[1])  # fmt: skip
            exc_info = _exc_info_of(errors.ServiceUnavailable("the database is not available; try again shortly"))
        config = self.container.config
        within = _seconds_left(message)
        if within is not None and within <= 0:
            log.warning("not answering %s: its caller stopped waiting", message.delivery_info.get("routing_key"))
        else:
            responder = _Responder(
                config[AMQP_URI_CONFIG_KEY], nameko_rpc.get_rpc_exchange(config),
                config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
                ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
                within=REPLY_WITHIN if within is None else within,
            )  # fmt: skip
            try:
                result, exc_info = responder.send_response(result, exc_info)
            except Exception as problem:  # the caller times out; the container lives on
                log.warning("dropped the reply to %s: %s", message.delivery_info.get("routing_key"), problem)
        self.queue_consumer.ack_message(message)
        return result, exc_info


def _exc_info_of(problem: BaseException) -> tuple:
    try:
        raise problem
    except BaseException as raised:
        return (type(raised), raised, raised.__traceback__)


class RecentlySeen:
    """Keys seen in the last `seconds` (None is never seen)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._seen: dict[str, float] = {}  # in the order they were added

    def add(self, key: str | None) -> None:
        if key is None:
            return
        now = time.monotonic()
        self._seen.pop(key, None)
        self._seen[key] = now  # the newest last
        while True:  # drop the expired ones, oldest first; the newest (just added) always stays
            oldest = next(iter(self._seen))
            if now - self._seen[oldest] <= self.seconds:
                break
            del self._seen[oldest]

    def __contains__(self, key) -> bool:
        added = self._seen.get(key)
        return added is not None and time.monotonic() - added <= self.seconds


class _Responder(nameko_rpc.Responder):
    def __init__(self, *args, within: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.publisher_cls = functools.partial(BoundedPublisher, within=within)


def _seconds_left(message) -> float | None:
    deadline = _as_deadline((message.headers or {}).get(f"{HEADER_PREFIX}.{DEADLINE}"))
    return None if deadline is None else deadline - time.time()


def _late_by(message) -> float | None:
    left = _seconds_left(message)
    return -left if left is not None and left < 0 else None


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()


rpc = Rpc.decorator


class EventHandler(events.EventHandler):
    queue_consumer = QueueConsumer()


event_handler = EventHandler.decorator


class BatchEventHandler(EventHandler):
    """An event handler whose service method takes a list of payloads: the events that arrived
    within `linger` seconds of the first, at most `batch_size`, so one worker and one transaction
    handle many events under load. Quiet, an event waits `linger` at most.

    Held events count against the container's prefetch (max_workers), which its RPC requests
    share: all batch handlers of a container together hold at most half of it, so requests are
    never starved of deliveries.

    The batch is acknowledged when the method returns; if it raises and `requeue_on_error` is
    set, every event of the batch comes back (consumers are idempotent), else all are dropped.
    Events held back when the container stops are never acknowledged: the broker redelivers them."""

    def __init__(self, source_service, event_type, *, batch_size: int = 20, linger: float = 0.05, **kwargs):
        super().__init__(source_service, event_type, **kwargs)
        self.batch_size, self.linger = batch_size, linger
        self._held: list = []  # (body, message), in arrival order
        self._timer = None

    def setup(self):
        super().setup()
        self.most_held = max(1, int(self.container.max_workers) // 2)  # by every batch handler together

    def handle_message(self, body, message):
        self._held.append((body, message))
        self.queue_consumer.held_in_batches += 1
        full = len(self._held) >= self.batch_size or self.queue_consumer.held_in_batches >= self.most_held
        if full:
            self._hand_over()
        elif self._timer is None:
            self._timer = eventlet.spawn_after(self.linger, self._hand_over)

    def _hand_over(self) -> None:
        if self._timer is not None:
            self._timer.cancel()  # no effect when it is the timer running this
            self._timer = None
        batch, self._held = self._held, []
        self.queue_consumer.held_in_batches -= len(batch)
        if not batch:
            return
        messages = [message for _, message in batch]
        try:
            self.container.spawn_worker(
                self, ([body for body, _ in batch],), {}, context_data=self.unpack_message_headers(messages[0]),
                handle_result=functools.partial(self._handle_batch_result, messages),
            )  # fmt: skip
        except ContainerBeingKilled:
            for message in messages:
                self.queue_consumer.requeue_message(message)

    def _handle_batch_result(self, messages, worker_ctx, result=None, exc_info=None):
        for message in messages:
            self.handle_message_processed(message, result, exc_info)
        return result, exc_info

    def stop(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.queue_consumer.held_in_batches -= len(self._held)
        self._held = []  # unacknowledged: redelivered to whoever consumes next
        super().stop()


batch_event_handler = BatchEventHandler.decorator


class ReplyListener(nameko_rpc.ReplyListener):
    queue_consumer = QueueConsumer()


class TimedRpcProxy(nameko_rpc.RpcProxy):
    """An RPC proxy with a deadline: a call raises ServiceUnavailable after `timeout` seconds
    (RPC_TIMEOUT_SECONDS), or sooner if the original caller's deadline comes first, and also
    when the broker cannot be reached in that time. The request carries the same TTL and
    deadline, so it is not run once nobody waits for it."""

    rpc_reply_listener = ReplyListener()

    def __init__(
        self, target_service: str, timeout: float = 5.0, timeout_setting: str = "RPC_TIMEOUT_SECONDS", **options
    ):
        super().__init__(target_service, **options)
        self.timeout, self.timeout_setting = timeout, timeout_setting

    def setup(self):
        self.timeout = float(self.container.config.get(self.timeout_setting) or self.timeout)
        self.timings = Children(RPC_CLIENT_SECONDS)
        super().setup()

    def get_dependency(self, worker_ctx):
        return _TimedServiceProxy(
            worker_ctx, self.target_service, self.rpc_reply_listener, self.timeout, self.options, self.timings
        )


class _TimedServiceProxy:
    def __init__(self, worker_ctx, service_name: str, reply_listener, timeout: float, options: dict, timings):
        self._worker_ctx, self._service_name, self._reply_listener = worker_ctx, service_name, reply_listener
        self._timeout, self._options, self._timings = timeout, options, timings

    def __getattr__(self, method_name: str):
        untimed = self._call(method_name)
        timings, service = self._timings, self._service_name

        def call(*args, **kwargs):
            started, problem = time.perf_counter(), None
            try:
                return untimed(*args, **kwargs)
            except BaseException as raised:
                problem = raised
                raise
            finally:
                timings(service, method_name, outcome_of(problem)).observe(time.perf_counter() - started)

        return call

    def _call(self, method_name: str):
        name = f"{self._service_name}.{method_name}"

        def call(*args, **kwargs):
            timeout = self._timeout
            if (caller_deadline := deadline_of(self._worker_ctx)) is not None:
                timeout = min(timeout, caller_deadline - time.time())
                if timeout <= 0:
                    raise errors.ServiceUnavailable(f"{name}: not called, the caller stopped waiting")
            ticket = _ReplyTicket(self._reply_listener)
            method = _TimedMethodProxy(
                self._worker_ctx, self._service_name, method_name, ticket,
                deadline=time.time() + timeout, **{**self._options, "expiration": timeout, "within": timeout},
            )  # fmt: skip
            late = errors.ServiceUnavailable(f"{name} gave no answer in {timeout:.1f}s")
            try:
                with eventlet.Timeout(timeout, late):
                    reply = method.call_async(*args, **kwargs)
                    ticket.sent = True
                    return reply.result()
            except UnknownService:
                ticket.forget()
                raise errors.ServiceUnavailable(f"{name}: the service has never been started") from None
            except errors.ServiceUnavailable as problem:
                ticket.forget()
                if (problem is late and not ticket.sent) or isinstance(problem, BrokerUnreachable):
                    raise errors.ServiceUnavailable(f"{name}: the message broker is unreachable") from None
                raise

        return call


class _ReplyTicket:
    """The reply listener as one call sees it: it remembers the call's correlation id, so a call
    that gives up leaves no reply event behind (nameko keeps one until a reply comes)."""

    def __init__(self, listener):
        self._listener = listener
        self.correlation_id = None
        self.sent = False

    @property
    def routing_key(self):
        return self._listener.routing_key

    def get_reply_event(self, correlation_id):
        self.correlation_id = correlation_id
        return self._listener.get_reply_event(correlation_id)

    def forget(self) -> None:
        self._listener._reply_events.pop(self.correlation_id, None)


class _TimedMethodProxy(nameko_rpc.MethodProxy):
    publisher_cls = BoundedPublisher

    def __init__(self, worker_ctx, service_name, method_name, reply_listener, *, deadline: float, **options):
        self._deadline = deadline
        super().__init__(worker_ctx, service_name, method_name, reply_listener, **options)

    def get_message_headers(self, worker_ctx):
        # The earlier of the caller's deadline and this call's own: the callee commits nothing after it.
        return {**super().get_message_headers(worker_ctx), self._get_header_name(DEADLINE): f"{self._deadline:.3f}"}


class BrokerLiveness(DependencyProvider):
    """GET /health/live on LIVENESS_ADDRESS, from an OS thread of its own: not from nameko's
    worker pool, and answered even while eventlet's hub is blocked. It fails when

    - the consumer has shown no sign of life for LIVENESS_STALE_SECONDS (default 30): the hub
      or the consumer's greenthread is stuck, e.g. on a write to a dead socket;
    - it is connected and heartbeats are on, yet nothing has come from the broker for three
      heartbeat intervals: a dead connection that looks alive;
    - it has been disconnected for BROKER_DEAD_AFTER_SECONDS (default 60) although the broker
      answers a fresh connection: it cannot reconnect by itself.

    While the broker itself does not answer, it stays alive: a restart would not help.

    The same server answers GET /metrics (salon_infra.metrics); METRICS_ADDRESS, when set, opens
    a port for /metrics alone, from a thread of its own too: the one a scraper is let in on, so
    that a slow scrape never holds up the liveness probe."""

    def setup(self):
        config = self.container.config
        self.amqp_uri = config[AMQP_URI_CONFIG_KEY]
        self.stale_after = float(config.get("LIVENESS_STALE_SECONDS") or 30)
        self.dead_after = float(config.get("BROKER_DEAD_AFTER_SECONDS") or 60)
        address = config.get("LIVENESS_ADDRESS")
        self.server = LivenessServer(parse_address(address, 8002), self.check) if address else None
        metrics_address = config.get("METRICS_ADDRESS")
        self.metrics_server = MetricsServer(parse_address(metrics_address, 9100)) if metrics_address else None

    def start(self):
        if self.server is not None:
            self.server.start()
            log.info("liveness on port %s", self.server.port)
        if self.metrics_server is not None:
            self.metrics_server.start()
            log.info("metrics on port %s", self.metrics_server.port)

    def stop(self):
        for server in (self.server, self.metrics_server):
            if server is not None:
                server.stop()

    kill = stop

    def get_dependency(self, worker_ctx):
        return None

    def check(self) -> tuple[bool, dict]:
        consumers = [e for e in self.container.shared_extensions.values() if isinstance(e, QueueConsumer)]
        verdicts = [
            judge(consumer.link, self.stale_after, self.dead_after, self._broker_answers) for consumer in consumers
        ]
        alive = all(ok for ok, _ in verdicts)
        return alive, {"consumers": [details for _, details in verdicts]}

    def _broker_answers(self) -> bool:
        return broker_answers(self.amqp_uri)


def judge(link: BrokerLink, stale_after: float, dead_after: float, broker_answers) -> tuple[bool, dict]:
    """Whether a consumer's connection is alive, and why not."""
    now = time.monotonic()
    details = {"connected": link.connected, "idle_s": seconds_since(link.last_sign_of_life)}
    if not link.connected:
        details["down_s"] = seconds_since(link.down_since)
    if now - link.last_sign_of_life > stale_after:
        return False, {**details, "problem": f"the consumer has not run for {details['idle_s']}s"}
    silent = seconds_since(link.last_received)
    if link.connected and link.heartbeat and silent is not None and silent > 3 * link.heartbeat:
        return False, {
            **details,
            "problem": f"nothing from the broker for {silent}s, with {link.heartbeat:g}s heartbeats",
        }
    if not link.connected and link.down_since is not None and now - link.down_since > dead_after:
        if broker_answers():
            return False, {**details, "problem": "cannot reconnect, although the broker answers"}
        details["broker"] = "not answering: waiting for it (a restart would not help)"
    return True, details


ENTRYPOINT_KINDS = ((Rpc, "rpc"), (events.EventHandler, "event"), (Timer, "timer"), (HttpRequestHandler, "http"))
LOGGED_KINDS = frozenset({"rpc", "event"})  # timers run every second, and probes every few


class WorkerObserver(DependencyProvider):
    """Every worker's request id, duration and outcome.

    - The request id comes with the request (context data `request_id`, header
      `nameko.request_id`; for an event, also its envelope's `request_id`), or is made here. It
      is kept in salon_infra.logs.REQUEST_ID for the worker's greenthread, so its log lines carry
      it, and in the worker's context data, so every RPC it makes passes it on.
    - `salon_entrypoint_duration_seconds{service, kind, method, outcome}` (kind: rpc, event, timer,
      http; outcome as salon_infra.metrics.outcome_of), the reply's publishing included.
    - A JSON log line per RPC and event worker (logger `salon.access`, INFO; set it to WARNING in
      config.yml's LOGGING to leave them out)."""

    def setup(self):
        self.service = self.container.service_name
        self._entrypoints: dict = {}  # entrypoint -> (kind, method)
        self._timings = Children(ENTRYPOINT_SECONDS)

    def get_dependency(self, worker_ctx):
        return None

    def worker_setup(self, worker_ctx):
        data = worker_ctx.data
        request_id = valid_request_id(data.get(REQUEST_ID_KEY))
        if request_id is None:
            request_id = _request_id_of_event(worker_ctx) or new_request_id()
            data[REQUEST_ID_KEY] = request_id
        worker_ctx.salon_observed = (REQUEST_ID.set(request_id), time.perf_counter())

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        observed = getattr(worker_ctx, "salon_observed", None)
        if observed is None:
            return
        seconds = time.perf_counter() - observed[1]
        kind, method = self._entrypoint(worker_ctx.entrypoint)
        outcome = outcome_of(exc_info[1] if exc_info else None)
        self._timings(self.service, kind, method, outcome).observe(seconds)
        if kind in LOGGED_KINDS and access_log.isEnabledFor(logging.INFO):
            milliseconds = round(seconds * 1000, 1)
            access_log.info(
                "%s %s.%s %s in %s ms", kind, self.service, method, outcome, milliseconds,
                extra={"entrypoint": kind, "method": method, "outcome": outcome, "duration_ms": milliseconds},
            )  # fmt: skip

    def worker_teardown(self, worker_ctx):
        observed = getattr(worker_ctx, "salon_observed", None)
        if observed is not None:
            worker_ctx.salon_observed = None
            with suppress(ValueError, RuntimeError):  # set in another context: nothing to undo here
                REQUEST_ID.reset(observed[0])

    def _entrypoint(self, entrypoint) -> tuple[str, str]:
        known = self._entrypoints.get(entrypoint)
        if known is None:
            kind = next((kind for cls, kind in ENTRYPOINT_KINDS if isinstance(entrypoint, cls)), None)
            known = self._entrypoints[entrypoint] = (kind or type(entrypoint).__name__.lower(), entrypoint.method_name)
        return known


def _request_id_of_event(worker_ctx) -> str | None:
    """An event's envelope carries the request id it was recorded in (salon_infra.outbox)."""
    if isinstance(worker_ctx.entrypoint, events.EventHandler) and worker_ctx.args:
        payload = worker_ctx.args[0]
        if isinstance(payload, dict):
            return valid_request_id(payload.get(REQUEST_ID_KEY))
    return None
