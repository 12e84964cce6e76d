"""The outbox relay: publishes a service's committed events to RabbitMQ, at least once.

It runs as its own process beside the service (a second container in the pod) and reads
only that service's database. Events go to the service's nameko events exchange,
`<service>.events`, routed by event type, with publisher confirms and `mandatory`, so an
event is marked published only once the broker has routed it to at least one queue.
An event no queue is bound for yet stays in the outbox and is retried with backoff.

Each event goes with the request id its envelope carries, as the header `nameko.request_id`:
the consumer's worker takes it as its own (salon_infra.nameko.WorkerObserver), so the request
can be followed into every consumer's log lines. The relay's own metrics (`/metrics`) say how
far behind it is: the age of the oldest unpublished event, and the events published and failed.
"""

import argparse
import contextlib
import json
import logging
import logging.config
import os
import select
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pika
import pika.exceptions
import psycopg2
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import Engine, func, make_url, or_, text, update
from sqlalchemy import select as sql_select
from sqlalchemy.exc import OperationalError

from salon_infra import config
from salon_infra.database import create_engine_for
from salon_infra.liveness import broker_answers
from salon_infra.logs import REQUEST_ID_KEY, json_logging_config, valid_request_id
from salon_infra.metrics import exposition
from salon_infra.outbox import NOTIFY_CHANNEL
from salon_infra.outbox import outbox_table as outbox

log = logging.getLogger("salon_infra.relay")

PUBLISHED = Counter("salon_outbox_events_published_total", "Events the relay handed to the broker", ["service"])
FAILED = Counter(
    "salon_outbox_events_failed_total",
    "Events the relay could not publish: unroutable (no queue bound yet; retried with backoff) or broker "
    "(the broker failed; the batch is retried)",
    ["service", "reason"],
)
REQUEST_ID_HEADER = f"nameko.{REQUEST_ID_KEY}"

BROKER_ERRORS = (pika.exceptions.AMQPError, OSError)
DRAIN_LOCK = 0x0B0C5  # the advisory lock key relay replicas of one database take turns on
MAX_RETRY_DELAY = timedelta(seconds=60)


class Unroutable(Exception):
    """No queue is bound for the event yet."""


def events_exchange(service_name: str) -> str:
    """The exchange nameko's @event_handler(service_name, ...) consumers bind to."""
    return f"{service_name}.events"


class EventPublisher:
    """One broker connection with publisher confirms and heartbeats, opened on first use and
    after a failure. `keep_alive()` services it between batches, so its heartbeats flow and a
    dead connection is noticed (and replaced) before an event needs it."""

    heartbeat = 10

    def __init__(self, amqp_uri: str, exchange: str):
        self.amqp_uri = amqp_uri
        self._parameters = pika.URLParameters(amqp_uri)
        self._parameters.connection_attempts = 1
        self._parameters.socket_timeout = 5
        self._parameters.stack_timeout = 10
        self._parameters.blocked_connection_timeout = 10
        self._parameters.heartbeat = self.heartbeat
        self.exchange = exchange
        self._connection = None
        self._channel = None
        self.last_ok: float | None = None  # monotonic: the broker last took an event or answered

    def keep_alive(self) -> None:
        """Open the connection if it is closed, and let pika send and check its heartbeats."""
        if self._channel is None:
            self._open()
        try:
            self._connection.process_data_events(time_limit=0)
        except BROKER_ERRORS:
            self.close()
            raise
        self.last_ok = time.monotonic()

    def publish(self, routing_key: str, body: str, message_id: str) -> None:
        channel = self._channel or self._open()
        properties = pika.BasicProperties(
            content_type="application/json", delivery_mode=2, message_id=message_id, headers=_headers(body)
        )
        try:
            channel.basic_publish(self.exchange, routing_key, body, properties, mandatory=True)
        except pika.exceptions.UnroutableError:
            self.last_ok = time.monotonic()
            raise Unroutable(f"no queue bound for {routing_key}") from None
        except BROKER_ERRORS:
            self.close()
            raise
        self.last_ok = time.monotonic()

    def _open(self):
        try:
            self._connection = pika.BlockingConnection(self._parameters)
            channel = self._connection.channel()
            channel.confirm_delivery()
            # The same declaration nameko's event handlers make, so either side may come first.
            channel.exchange_declare(self.exchange, "topic", durable=True)
        except BROKER_ERRORS:
            self.close()
            raise
        self._channel = channel
        return channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(BROKER_ERRORS):
                connection.close()


def _headers(body: str) -> dict | None:
    """The event's request id as nameko's context data, for the consumer's worker."""
    try:
        request_id = valid_request_id(json.loads(body).get(REQUEST_ID_KEY))
    except (ValueError, AttributeError):
        return None
    return {REQUEST_ID_HEADER: request_id} if request_id else None


class OutboxRelay:
    def __init__(self, engine: Engine, publisher: EventPublisher, *, batch_size: int = 100, service: str = ""):
        self.engine = engine
        self.publisher = publisher
        self.batch_size = batch_size
        self.service = service or publisher.exchange.removesuffix(".events")
        self._published = PUBLISHED.labels(self.service)
        self._unroutable = FAILED.labels(self.service, "unroutable")
        self._broker_failed = FAILED.labels(self.service, "broker")

    def publish_pending(self) -> int:
        """Publish one batch of due events in commit order; return how many rows were due.

        On PostgreSQL one relay replica drains at a time (an advisory lock held for the batch),
        so events leave in commit order; the others find the lock taken and wait for the next
        wake-up. A broker failure keeps the rows already published marked, then re-raises.
        """
        now = datetime.now(UTC)
        failure = None
        with self.engine.begin() as connection:
            if not self._drain_lock(connection):
                return 0
            rows = connection.execute(self._due_query(now)).all()
            published = []
            for row in rows:
                try:
                    self.publisher.publish(row.event_type, row.body, row.event_id)
                except Unroutable as problem:
                    self._unroutable.inc()
                    self._postpone(connection, row, now, str(problem))
                except BROKER_ERRORS as problem:
                    self._broker_failed.inc()
                    failure = problem
                    break
                else:
                    published.append(row.id)
            if published:
                connection.execute(update(outbox).where(outbox.c.id.in_(published)).values(published_at=now))
        if published:
            self._published.inc(len(published))
        if failure is not None:
            raise failure
        return len(rows)

    def _drain_lock(self, connection) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True  # SQLite: one writer, one relay
        return connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": DRAIN_LOCK}).scalar_one()

    def _due_query(self, now: datetime):
        query = (
            sql_select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.body, outbox.c.attempts)
            .where(outbox.c.published_at.is_(None))
            .where(or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
            .order_by(outbox.c.id)
            .limit(self.batch_size)
        )
        return query

    def _postpone(self, connection, row, now: datetime, problem: str) -> None:
        delay = min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_RETRY_DELAY)
        connection.execute(
            update(outbox)
            .where(outbox.c.id == row.id)
            .values(attempts=row.attempts + 1, next_attempt_at=now + delay, last_error=problem)
        )
        log.warning("event %s (%s) not routed, retrying in %s", row.event_id, row.event_type, delay)

    def delete_published(self, older_than: timedelta) -> None:
        cutoff = datetime.now(UTC) - older_than
        with self.engine.begin() as connection:
            connection.execute(outbox.delete().where(outbox.c.published_at < cutoff))


class OutboxBacklog:
    """`salon_outbox_oldest_unpublished_age_seconds` and `salon_outbox_unpublished_events`, read
    from the outbox at each scrape (so they grow while the relay is stuck, too). Events waiting for
    a queue to be bound count as well. NaN when the database does not answer."""

    def __init__(self, engine: Engine, service: str):
        self.engine, self.service = engine, service

    def collect(self):
        labels = ["service"]
        age = GaugeMetricFamily(
            "salon_outbox_oldest_unpublished_age_seconds",
            "Seconds since the oldest event still in the outbox was recorded (0 when none)", labels=labels,
        )  # fmt: skip
        waiting = GaugeMetricFamily("salon_outbox_unpublished_events", "Events not published yet", labels=labels)
        try:
            count, oldest = self._read()
        except Exception as problem:  # the scrape still answers; the relay's liveness tells the rest
            log.warning("could not read the outbox's backlog: %s", problem)
            count, seconds = float("nan"), float("nan")
        else:
            seconds = max((datetime.now(UTC) - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        age.add_metric([self.service], seconds)
        waiting.add_metric([self.service], count)
        yield age
        yield waiting

    def describe(self):
        return []  # read at collection only: no query when the collector is registered

    def _read(self) -> tuple[int, datetime | None]:
        unpublished = outbox.c.published_at.is_(None)
        with self.engine.connect() as connection:
            oldest = connection.execute(
                sql_select(outbox.c.created_at).where(unpublished).order_by(outbox.c.id).limit(1)
            ).scalar()  # the partial index on id: the oldest first
            count = connection.execute(sql_select(func.count()).select_from(outbox).where(unpublished)).scalar_one()
        return count, oldest


class PollingWakeup:
    def __init__(self, interval: float):
        self.interval = interval

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.interval)

    def close(self) -> None:
        pass


class NotifyWakeup:
    """Wakes on PostgreSQL NOTIFY from the outbox trigger, delivered at commit; polls as a fallback."""

    def __init__(self, database_url: str, fallback_interval: float):
        self.dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.fallback_interval = fallback_interval
        self._connection = None

    def listen(self) -> None:
        """Start listening before the first drain, so no commit in between goes unnoticed."""
        try:
            self._connection = psycopg2.connect(self.dsn)
            self._connection.autocommit = True
            self._connection.cursor().execute(f"LISTEN {NOTIFY_CHANNEL}")
        except psycopg2.Error as problem:
            log.warning("LISTEN failed, polling instead: %s", problem)
            self.close()

    def wait(self, stop: threading.Event) -> None:
        if self._connection is None:
            self.listen()
            if self._connection is None:
                stop.wait(self.fallback_interval)
                return
        deadline = time.monotonic() + self.fallback_interval
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                readable, _, _ = select.select([self._connection], [], [], 0.5)
                if readable:
                    self._connection.poll()
                    self._connection.notifies.clear()
                    return
        except (psycopg2.Error, OSError) as problem:
            log.warning("LISTEN connection lost: %s", problem)
            self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


class RelayLoop:
    """Drains the outbox whenever woken; survives broker and database outages, retrying every
    0.5 to 2 s, so it publishes again within seconds of the broker's return."""

    retention = timedelta(days=7)
    cleanup_every = 600.0
    longest_pause = 2.0

    def __init__(self, relay: OutboxRelay, wakeup, linger: float = 0.0):
        self.relay = relay
        self.wakeup = wakeup
        self.linger = linger  # after a wake-up: commits close behind the first go out in the same batch
        self.stop_event = threading.Event()
        self.started = self.last_beat = time.monotonic()
        self.healthy = False

    def run(self) -> None:
        if isinstance(self.wakeup, NotifyWakeup):
            self.wakeup.listen()
        backoff, last_cleanup = 0.5, 0.0
        while not self.stop_event.is_set():
            self.last_beat = time.monotonic()
            try:
                while self.relay.publish_pending() == self.relay.batch_size:
                    pass
                if self.last_beat - last_cleanup > self.cleanup_every:
                    self.relay.delete_published(self.retention)
                    last_cleanup = self.last_beat
                self.relay.publisher.keep_alive()
            except (*BROKER_ERRORS, OperationalError) as problem:
                self.healthy = False
                log.warning("relay paused (%s): %s; retrying in %.1fs", type(problem).__name__, problem, backoff)
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, self.longest_pause)
                continue
            self.healthy, backoff = True, 0.5
            self.wakeup.wait(self.stop_event)
            if self.linger:
                self.stop_event.wait(self.linger)
        self.wakeup.close()
        self.relay.publisher.close()

    def stop(self, *_signal) -> None:
        self.stop_event.set()


def is_alive(loop: RelayLoop, dead_after: float = 60.0) -> bool:
    """The loop runs, and it is not stuck without the broker while the broker answers others:
    a restart helps then. While the broker answers nobody, a restart would not help."""
    now = time.monotonic()
    if now - loop.last_beat > 60:
        return False
    last_ok = loop.relay.publisher.last_ok or loop.started
    return now - last_ok <= dead_after or not broker_answers(loop.relay.publisher.amqp_uri)


def serve_health(loop: RelayLoop, port: int, dead_after: float = 60.0, *, probes: bool = True) -> ThreadingHTTPServer:
    """/health/live, /health/ready and /metrics on `port` (only /metrics without `probes`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/metrics":
                payload, content_type = exposition()
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            if not probes or self.path not in ("/health/live", "/health/ready"):
                self.send_error(404)
                return
            alive = is_alive(loop, dead_after)
            checks = {"/health/live": alive, "/health/ready": alive and loop.healthy}
            body = json.dumps({"status": "ok" if checks[self.path] else "failing"}).encode()
            self.send_response(200 if checks[self.path] else 503)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_loop(
    service_name: str, database_url: str, amqp_uri: str, poll_interval: float, linger: float = 0.0
) -> RelayLoop:
    engine = create_engine_for(database_url, pool_size=2)
    relay = OutboxRelay(engine, EventPublisher(amqp_uri, events_exchange(service_name)), service=service_name)
    if engine.dialect.name == "postgresql":
        wakeup = NotifyWakeup(database_url, fallback_interval=max(poll_interval, 1.0))
    else:
        wakeup = PollingWakeup(poll_interval)
    return RelayLoop(relay, wakeup, linger)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", required=True, help="the service whose outbox to relay, e.g. bookings")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the service's SQLite file")
    parser.add_argument("--amqp-uri", help="default: AMQP_URI")
    parser.add_argument("--poll-interval", type=float, default=0.1, help="seconds between polls without NOTIFY")
    parser.add_argument(
        "--linger", type=float, default=float(os.environ.get("RELAY_LINGER_SECONDS") or 0.02),
        help="seconds to wait after a wake-up before draining, so events committed together leave together",
    )  # fmt: skip
    parser.add_argument(
        "--health-port", type=int, default=0, help="serve /health/live, /health/ready and /metrics; 0: off"
    )
    parser.add_argument("--metrics-port", type=int, default=0, help="serve /metrics alone on this port too; 0: off")
    parser.add_argument(
        "--dead-after", type=float, default=float(os.environ.get("BROKER_DEAD_AFTER_SECONDS") or 60),
        help="seconds without the broker, while it answers others, after which /health/live fails",
    )  # fmt: skip
    args = parser.parse_args(argv)
    logging.config.dictConfig(json_logging_config())
    logging.getLogger("pika").setLevel(logging.WARNING)

    loop = build_loop(
        args.service,
        config.database_url(args.service, args.database_url),
        args.amqp_uri or config.amqp_uri(),
        args.poll_interval,
        args.linger,
    )
    signal.signal(signal.SIGTERM, loop.stop)
    signal.signal(signal.SIGINT, loop.stop)
    REGISTRY.register(OutboxBacklog(loop.relay.engine, args.service))
    if args.health_port:
        serve_health(loop, args.health_port, args.dead_after)
    if args.metrics_port:
        serve_health(loop, args.metrics_port, probes=False)
    log.info("relaying %s outbox to exchange %s", args.service, loop.relay.publisher.exchange)
    loop.run()


if __name__ == "__main__":
    main()
