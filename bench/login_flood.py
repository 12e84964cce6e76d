"""Benchmark: slot search while a flood of failed logins hashes passwords (issue 11, fault 2).

    .venv/bin/python bench/login_flood.py [--logins 400] [--connections 16] [--searches 200]

Starts the whole system on throwaway PostgreSQL databases and a throwaway RabbitMQ vhost, with the
accounts service as `make run` and the manifests configure it (PASSWORD_HASH_THREADS=2, 40 workers),
creates a salon with 20 staff members, four services and 300 appointments over 14 days, then:

  - slot search through the gateway, quiet: `--searches` requests one after another (after 30
    warm-up ones), the same search bench/run.py makes;
  - the same search in process (scheduling's handler on the same database): the floor;
  - a flood: `--logins` logins with a wrong password for the owner's email, from `--connections`
    concurrent connections, each its own keep-alive session, until `--logins` of them have been
    checked and refused (401); a login the gateway turns away as busy (503, Retry-After: its few
    sign-in slots are taken, gateway.bulkhead) is sent again at once and counted apart. Meanwhile
    slot searches run one after another, and their latencies are kept until the flood ends.

Prints a Markdown section (p50/p99 quiet and during the flood, their ratio against the target of
2x, the floor, and how the logins were answered) and writes bench/results/login_flood-<time>.json.
When scheduling still hashed passwords on its event loop, this flood pushed slot search from 75 ms
to 2.5-5 s.
"""

import argparse
import contextlib
import json
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests"), str(ROOT / "bench")]

from cluster import SERVICES, LocalCluster  # noqa: E402
from cpu import Accounts as CpuAccounts  # noqa: E402
from cpu import cluster_roots, spent  # noqa: E402
from measure import summary, timed, wait_for_relay  # noqa: E402
from support.api import Api  # noqa: E402
from support.salon import FULL_WEEK, OWNER_PASSWORD, open_salon  # noqa: E402

from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

STAFF = 20
APPOINTMENTS = 300
SEARCH_DAYS = 14
TARGET_RATIO = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=400)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"bench_{spec.name}")) for spec in SERVICES}
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls=urls,
            log_dir=ROOT / "bench" / "results" / "logs",
            jwt_secret="bench-jwt-secret-of-at-least-thirty-two-bytes",
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        results = run(cluster, urls, args)
    report(results, args)


def run(cluster: LocalCluster, urls: dict, args) -> dict:
    public = Api(cluster.gateway_url)
    salon, first_day = load_salon(public)
    wait_for_relay(urls["bookings"])
    service_id = salon.services["Haircut"]
    query = {"service_id": service_id, "date_from": first_day.isoformat(),
             "date_to": (first_day + timedelta(days=SEARCH_DAYS - 1)).isoformat()}  # fmt: skip
    searcher = Api(cluster.gateway_url)

    def search():
        return searcher.ok("GET", f"/api/v1/companies/{salon.company_id}/slots", params=query)

    quiet = timed(search, args.searches, warmup=30)
    floor = in_process_floor(urls["scheduling"], salon.company_id, service_id, first_day, args.searches)
    cpu = CpuAccounts(cluster_roots(cluster), urls.values())
    before = cpu.snapshot()
    flood = Flood(cluster.gateway_url, salon.company_id, salon.owner_email, args.logins, args.connections)
    during = searches_while(search, flood)
    used = spent(before, cpu.snapshot())
    after = timed(search, 50, warmup=5)
    # The owner still signs in at once afterwards: the flood left nothing behind.
    owner = {"company_id": salon.company_id, "email": salon.owner_email, "password": OWNER_PASSWORD}
    signed_in = public.ok("POST", "/api/v1/auth/login", owner)
    assert signed_in["user"]["role"] == "owner"
    return {
        "setup": {
            "staff": STAFF,
            "appointments": APPOINTMENTS,
            "days": SEARCH_DAYS,
            "slots_in_answer": sum(len(day["slots"]) for day in search()["days"]),
        },
        "search_quiet_ms": quiet,
        "search_in_process_ms": floor,
        "search_during_flood_ms": during,
        "search_after_flood_ms": after,
        "flood": flood.result(),
        "cpu_seconds_during_flood": used,
        "ratio_p50": round(during["p50_ms"] / quiet["p50_ms"], 2),
    }


class Flood:
    """Failed logins from `connections` threads, each with its own keep-alive session, until `total`
    were checked and refused (401); those turned away busy (503) are sent again."""

    def __init__(self, base_url: str, company_id: int, email: str, total: int, connections: int):
        self.base_url, self.connections, self.total = base_url, connections, total
        self.body = {"company_id": company_id, "email": email, "password": "not-the-password"}
        self.lock = threading.Lock()
        self.statuses, self.latencies = Counter(), []
        self.done = threading.Event()
        self.seconds = 0.0

    def run(self) -> None:
        started = time.perf_counter()
        threads = [threading.Thread(target=self._connection) for _ in range(self.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.seconds = time.perf_counter() - started
        self.done.set()

    def _connection(self) -> None:
        api = Api(self.base_url)
        while True:
            with self.lock:
                if self.statuses[401] >= self.total:
                    return
            started = time.perf_counter()
            status = api.post("/api/v1/auth/login", self.body, timeout=60).status_code
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.statuses[status] += 1
                if status == 401:
                    self.latencies.append(elapsed)

    def result(self) -> dict:
        refused = self.statuses[401]
        return {"logins": refused, "connections": self.connections, "seconds": round(self.seconds, 2),
                "per_second": round(refused / self.seconds, 1), "statuses": dict(self.statuses),
                "latency": summary(self.latencies)}  # fmt: skip


def searches_while(search, flood: Flood) -> dict:
    """Slot searches one after another from the flood's start to its end."""
    samples = []
    flooding = threading.Thread(target=flood.run)
    flooding.start()
    while not flood.done.is_set():
        started = time.perf_counter()
        search()
        samples.append((time.perf_counter() - started) * 1000)
    flooding.join()
    return summary(samples)


def in_process_floor(scheduling_url: str, company_id: int, service_id: int, first_day: date, count: int) -> dict:
    from in_process import handler_search

    query = {"service_ids": [service_id], "staff_member_id": None, "date_from": first_day,
             "date_to": first_day + timedelta(days=SEARCH_DAYS - 1), "online": True}  # fmt: skip
    return timed(handler_search(scheduling_url, company_id, query), count, warmup=30)


def load_salon(public: Api):
    salon = open_salon(public, name="Benchmark Salon")
    for n in range(STAFF):
        salon.add_staff(f"Staff {n:02d}", weekly=FULL_WEEK)
    everyone = list(salon.staff)
    for title, minutes in (("Haircut", 60), ("Trim", 30), ("Colour", 90), ("Styling", 45)):
        salon.add_service(title, minutes, everyone)
    first_day = date.today() + timedelta(days=1)
    zone = ZoneInfo(salon.timezone)
    slots = [
        (name, datetime(day.year, day.month, day.day, hour, tzinfo=zone))
        for day in (first_day + timedelta(days=d) for d in range(SEARCH_DAYS))
        for name in everyone
        for hour in range(9, 17, 2)
    ]
    chosen = slots[:: max(1, len(slots) // APPOINTMENTS)][:APPOINTMENTS]

    def book(entry):
        name, starts_at = entry
        response = salon.book_as_staff(["Haircut"], starts_at, name)
        assert response.status_code == 201, response.text

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(book, chosen))
    print(f"loaded {STAFF} staff members and {len(chosen)} appointments", flush=True)
    return salon, first_day


def report(results: dict, args) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"login_flood-{stamp}.json").write_text(json.dumps({"args": vars(args), **results}, indent=2))
    q, d, a, f, fl = (results[key] for key in ("search_quiet_ms", "search_during_flood_ms", "search_after_flood_ms",
                                               "search_in_process_ms", "flood"))  # fmt: skip
    cpu = results["cpu_seconds_during_flood"]
    print(
        f"""
| Measure | p50 | p99 | Target |
|---|---|---|---|
| Slot search, any of {STAFF} staff, {SEARCH_DAYS} days, through the gateway, quiet | {q["p50_ms"]} ms | {q["p99_ms"]} ms | |
| Same search during {fl["logins"]} failed logins from {fl["connections"]} connections ({d["n"]} searches) | {d["p50_ms"]} ms | {d["p99_ms"]} ms | |
| **During the flood / quiet (p50)** | **{results["ratio_p50"]}x** | | <= {TARGET_RATIO:g}x |
| Same search after the flood | {a["p50_ms"]} ms | {a["p99_ms"]} ms | |
| Same search in process: scheduling's handler on PostgreSQL | {f["p50_ms"]} ms | {f["p99_ms"]} ms | (floor) |
| A failed login during the flood (checked, 401) | {fl["latency"]["p50_ms"]} ms | {fl["latency"]["p99_ms"]} ms | |

The flood: {fl["logins"]} logins checked and refused in {fl["seconds"]} s ({fl["per_second"]}/s); every answer, by
status: {fl["statuses"]} (503: turned away busy by the gateway's sign-in slots, and sent again).
CPU seconds spent meanwhile, by process: {cpu}

Answer size: {results["setup"]["slots_in_answer"]} start times. Raw figures: bench/results/login_flood-{stamp}.json
"""  # noqa: E501
    )


if __name__ == "__main__":
    main()
