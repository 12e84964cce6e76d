"""The messaging floor under the booking figure: what an empty RPC and an empty HTTP request
cost on this machine, with 16 concurrent callers, the whole system running.

    .venv/bin/python bench/floor.py
"""

import contextlib
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from cluster import SERVICES, LocalCluster  # noqa: E402

from gateway.rpc import RpcClient  # noqa: E402
from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

CALLERS, SECONDS = 16, 5.0


def rate(call) -> float:
    """Calls per second with CALLERS threads calling for SECONDS."""
    count, lock, stop = [0], threading.Lock(), time.monotonic() + SECONDS

    def caller():
        done = 0
        while time.monotonic() < stop:
            call()
            done += 1
        with lock:
            count[0] += done

    threads = [threading.Thread(target=caller) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count[0] / SECONDS


def main() -> None:
    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"floor_{spec.name}")) for spec in SERVICES}
        cluster = LocalCluster(
            amqp_uri=amqp_uri, database_urls=urls, log_dir=ROOT / "bench" / "results" / "logs", jwt_secret="f" * 40
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        rpc = RpcClient(amqp_uri, timeout=10)
        local = threading.local()

        def http_get():
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            session.get(f"{cluster.gateway_url}/healthz")

        ping = rate(lambda: rpc.call("clients", "ping"))
        health = rate(http_get)
    print("| Empty call, 16 concurrent callers | calls/s | machine CPU per call (2 cores) |")
    print("|---|---|---|")
    print(f"| nameko RPC `clients.ping` via RabbitMQ | {ping:.0f} | {2000 / ping:.1f} ms |")
    print(f"| gateway `GET /healthz` (gunicorn, no RPC) | {health:.0f} | {2000 / health:.1f} ms |")


if __name__ == "__main__":
    main()
