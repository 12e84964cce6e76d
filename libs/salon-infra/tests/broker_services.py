"""Services for the broker-outage tests, run with `nameko run`. Each writes what it did, one JSON
line per thing, to files in RECORD_DIR, so a test can see what ran and when."""

import json
import os
import time
from pathlib import Path

import eventlet
from eventlet import patcher
from nameko.timer import timer
from nameko.web.handlers import http
from sqlalchemy import create_engine, text

from salon_infra.nameko import BrokerLiveness, TimedRpcProxy, batch_event_handler, event_handler, rpc


def record(kind: str, **fields) -> None:
    with open(Path(os.environ["RECORD_DIR"]) / f"{kind}.jsonl", "a") as records:
        records.write(json.dumps({"at": time.time(), **fields}) + "\n")


class EchoService:
    name = "echo"
    liveness = BrokerLiveness()
    other = TimedRpcProxy("other")

    @rpc
    def echo(self, value):
        return value

    @rpc
    def slow(self, seconds, tag):
        record("ran", tag=tag)
        eventlet.sleep(seconds)
        return tag

    @rpc
    def block(self, seconds):
        patcher.original("time").sleep(seconds)  # holds eventlet's hub: nothing else in the process runs
        return "unblocked"

    @rpc
    def read_database(self, url):
        with create_engine(url).connect() as connection:
            return connection.execute(text("SELECT 1")).scalar_one()

    @event_handler("source", "thing_happened")
    def on_thing(self, payload):
        record("event", payload=payload)

    @timer(interval=0.5)
    def ask_other(self):
        started = time.monotonic()
        try:
            self.other.echo("tick")
        except Exception as problem:
            record("tick", ok=False, seconds=time.monotonic() - started, error=str(problem))
        else:
            record("tick", ok=True, seconds=time.monotonic() - started)

    @http("GET", "/health/ready")
    def ready(self, request):
        return 200, "ok"


class OtherService:
    name = "other"

    @rpc
    def echo(self, value):
        return value

    @http("GET", "/health/ready")
    def ready(self, request):
        return 200, "ok"


class BatchService:
    """Takes events in batches; a payload with "fail" fails its batch once, which comes back."""

    name = "batch"

    @rpc
    def ping(self):
        return "pong"

    @batch_event_handler("source", "thing_happened", batch_size=5, linger=0.3, requeue_on_error=True)
    def on_things(self, payloads):
        failing = [p for p in payloads if p.get("fail") and not (Path(os.environ["RECORD_DIR"]) / "failed").exists()]
        if failing:
            (Path(os.environ["RECORD_DIR"]) / "failed").touch()
            record("failed", payloads=payloads)
            raise RuntimeError("the batch fails once")
        record("batch", payloads=payloads)

    @http("GET", "/health/ready")
    def ready(self, request):
        return 200, "ok"
