"""Calls to the services over RabbitMQ, speaking nameko's RPC protocol with pika.

One broker connection per gateway thread, opened on first use and kept: never one per
request. Every call has a deadline; the request message carries the same TTL, so a
request nobody picked up in time is dropped by the broker instead of being run late.
A service with no queue fails at once (mandatory publish), and a service whose queue
has no consumers fails at once after its first timeout (a passive queue check).
"""

import logging
import threading
import time
import uuid

import orjson
import pika
import pika.exceptions

from gateway.errors import ServiceUnavailable, remote_error

log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"  # nameko's default rpc_exchange
BROKER_ERRORS = (pika.exceptions.AMQPError, OSError)
SUSPECT_FOR = 30.0  # seconds a timed-out service gets checked for consumers before each call


class RpcClient:
    def __init__(self, amqp_uri: str, timeout: float):
        self.parameters = pika.URLParameters(amqp_uri)
        self.parameters.connection_attempts = 1
        self.parameters.socket_timeout = 2
        self.parameters.blocked_connection_timeout = timeout
        self.timeout = timeout
        self._local = threading.local()
        self._suspects: dict[str, float] = {}

    def call(self, service: str, method: str, *args, **kwargs):
        """Call `service.method` and return its result, or raise the mapped remote error."""
        if self._is_suspect(service) and not self._has_consumers(service):
            raise ServiceUnavailable(f"the {service} service is not running")
        try:
            reply = self._call(service, method, args, kwargs)
        except _Timeout:
            self._suspects[service] = time.monotonic() + SUSPECT_FOR
            raise ServiceUnavailable(f"the {service} service did not answer in {self.timeout:g}s") from None
        self._suspects.pop(service, None)
        if reply.get("error"):
            raise remote_error(reply["error"])
        return reply["result"]

    def call_all(self, *calls: tuple) -> list:
        """Several independent calls at once, `(service, method, *args)` each: every request is
        published before any reply is awaited, so the services work side by side and the whole
        takes about as long as the slowest. The results in order; the first error is raised."""
        for service, *_ in calls:
            if self._is_suspect(service) and not self._has_consumers(service):
                raise ServiceUnavailable(f"the {service} service is not running")
        connection = self._connection()
        try:
            sent = [(call[0], connection.publish(call[0], call[1], call[2:], {}, self.timeout)) for call in calls]
        except BROKER_ERRORS as problem:
            self._reset()
            raise ServiceUnavailable("lost the message broker") from problem
        deadline = time.monotonic() + self.timeout
        replies, failure = [], None
        for service, correlation_id in sent:
            try:
                replies.append(connection.wait_for(correlation_id, deadline, service))
            except _Timeout:
                self._suspects[service] = time.monotonic() + SUSPECT_FOR
                failure = failure or ServiceUnavailable(f"the {service} service did not answer in {self.timeout:g}s")
            except BROKER_ERRORS as problem:
                self._reset()
                raise ServiceUnavailable(f"lost the message broker while calling {service}") from problem
            except ServiceUnavailable as problem:
                failure = failure or problem
        if failure:
            for _, correlation_id in sent:
                connection.pending.discard(correlation_id)
            raise failure
        for (service, _), reply in zip(sent, replies, strict=True):
            self._suspects.pop(service, None)
            if reply.get("error"):
                raise remote_error(reply["error"])
        return [reply["result"] for reply in replies]

    def _has_consumers(self, service: str) -> bool:
        try:
            return self._connection().has_consumers(service)
        except BROKER_ERRORS as problem:
            self._reset()
            raise ServiceUnavailable("lost the message broker") from problem

    def ping_broker(self) -> None:
        self._connection().ensure_open()

    def _call(self, service, method, args, kwargs) -> dict:
        connection = self._connection()
        try:
            correlation_id = connection.publish(service, method, args, kwargs, self.timeout)
        except BROKER_ERRORS:
            # Nothing reached the broker; a fresh connection may well work (e.g. after a restart).
            self._reset()
            connection = self._connection()
            correlation_id = connection.publish(service, method, args, kwargs, self.timeout)
        try:
            return connection.wait_for(correlation_id, time.monotonic() + self.timeout, service)
        except BROKER_ERRORS as problem:
            self._reset()
            raise ServiceUnavailable(f"lost the message broker while calling {service}") from problem

    def _connection(self) -> "_ThreadConnection":
        connection = getattr(self._local, "connection", None)
        if connection is None or not connection.is_open:
            try:
                connection = _ThreadConnection(self.parameters)
            except BROKER_ERRORS as problem:
                raise ServiceUnavailable("the message broker is unreachable") from problem
            self._local.connection = connection
        return connection

    def _reset(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()

    def _is_suspect(self, service: str) -> bool:
        return self._suspects.get(service, 0.0) > time.monotonic()


class _Timeout(Exception):
    pass


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

    def publish(self, service: str, method: str, args, kwargs, timeout: float) -> str:
        correlation_id = uuid.uuid4().hex
        properties = pika.BasicProperties(
            reply_to=self.reply_queue,
            correlation_id=correlation_id,
            content_type="application/json",
            expiration=str(int(timeout * 1000)),
            headers={
                "nameko.call_id_stack": [f"gateway.{method}.{correlation_id}"],
                # The service's unit of work will not commit after this, nor wait on others past it.
                "nameko.deadline": f"{time.time() + timeout:.3f}",
            },
        )
        body = orjson.dumps({"args": args, "kwargs": kwargs})
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

    def has_consumers(self, service: str) -> bool:
        try:
            declared = self.channel.queue_declare(f"rpc-{service}", passive=True)
        except pika.exceptions.ChannelClosedByBroker:  # no such queue; the channel must be reopened
            self.close()
            return False
        return declared.method.consumer_count > 0

    def close(self) -> None:
        try:
            if self.connection.is_open:
                self.connection.close()
        except BROKER_ERRORS:
            pass

    def _on_reply(self, _channel, _method, properties, body) -> None:
        if properties.correlation_id in self.pending:  # a late reply to a timed-out call is dropped
            self.replies[properties.correlation_id] = orjson.loads(body)

    def _on_return(self, _channel, _method, properties, _body) -> None:
        self.unroutable.add(properties.correlation_id)
